// ALB access logs as a load source (tools/alb_access_logs.hpp, form "albAccessLogs" of
// tools/load_trace.hpp): entries written from AWS's documented examples
// (data/alb_format_reference/load-balancer-access-logs.md, timestamps moved to 2024), plain and
// gzipped, one file, several, a directory tree; the logs' own outcome counts; malformed lines.
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/sim_time.hpp"
#include "tests/temp_dir.hpp"
#include "tools/alb_access_logs.hpp"
#include "tools/load_trace.hpp"
#include "tools/load_trace_internal.hpp"

namespace spotsim {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

const std::string kPointer = "/workload/traffic/0/requests";

using test_support::TempDir;

std::string read_bytes(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

using test_support::at;

const std::string kTail =
    " arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067"
    " \"Root=1-58337262-36d228ad5d99923122bbe354\" \"-\" \"-\"";

// AWS's example entries, one per line, response times from 2024-02-05T10:00:00Z on. Request time =
// response time - the processing times >= 0; the bucket (1 s) of each is in the comment.
const std::vector<std::string> kEntries = {
    // HTTP: 00.186 - 0.001 -> 00.185, bucket 0
    "http 2024-02-05T10:00:00.186641Z app/my-loadbalancer/50dc6c495c0c9188 192.168.131.39:2817 10.0.0.1:80 "
    "0.000 0.001 0.000 200 200 34 366 \"GET http://www.example.com:80/ HTTP/1.1\" \"curl/7.46.0\" - -" +
        kTail + " 0 2024-02-05T10:00:00.185000Z \"forward\" \"-\" \"-\" \"10.0.0.1:80\" \"200\" \"-\" \"-\"",
    // HTTPS: 01.100 - (0.086 + 0.048 + 0.037) -> 00.929, bucket 0
    "https 2024-02-05T10:00:01.100641Z app/my-loadbalancer/50dc6c495c0c9188 192.168.131.39:2817 10.0.0.1:80 "
    "0.086 0.048 0.037 200 200 0 57 \"GET https://www.example.com:443/ HTTP/1.1\" \"curl/7.46.0\" "
    "ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/"
    "73e2d6bc24d8a067 \"Root=1-58337281-1d84f3d73c47ec4e58577259\" \"www.example.com\" "
    "\"arn:aws:acm:us-east-2:123456789012:certificate/12345678-1234-1234-1234-123456789012\" 1 "
    "2024-02-05T10:00:00.929000Z \"authenticate,forward\" \"-\" \"-\" \"10.0.0.1:80\" \"200\" \"-\" \"-\"",
    // HTTP/2: 01.500 - 0.002 -> 01.498, bucket 1
    "h2 2024-02-05T10:00:01.500000Z app/my-loadbalancer/50dc6c495c0c9188 10.0.1.252:48160 10.0.0.66:9000 "
    "0.000 0.002 0.000 200 200 5 257 \"GET https://10.0.2.105:773/ HTTP/2.0\" \"curl/7.46.0\" "
    "ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2" +
        kTail + " 1 2024-02-05T10:00:01.498000Z \"redirect\" \"https://example.com:80/\" \"-\" \"10.0.0.66:9000\" "
                "\"200\" \"-\" \"-\"",
    // WebSockets: 02.000 - 0.004 -> 01.996, bucket 1
    "ws 2024-02-05T10:00:02.000000Z app/my-loadbalancer/50dc6c495c0c9188 10.0.0.140:40914 10.0.1.192:8010 "
    "0.001 0.003 0.000 101 101 218 587 \"GET http://10.0.0.30:80/ HTTP/1.1\" \"-\" - -" +
        kTail + " 1 2024-02-05T10:00:01.996000Z \"forward\" \"-\" \"-\" \"10.0.1.192:8010\" \"101\" \"-\" \"-\"",
    // Secured WebSockets: 02.186 - 0.001 -> 02.185, bucket 2
    "wss 2024-02-05T10:00:02.186641Z app/my-loadbalancer/50dc6c495c0c9188 10.0.0.140:44244 10.0.0.171:8010 "
    "0.000 0.001 0.000 101 101 218 786 \"GET https://10.0.0.30:443/ HTTP/1.1\" \"-\" ECDHE-RSA-AES128-GCM-SHA256 "
    "TLSv1.2" +
        kTail + " 1 2024-02-05T10:00:02.185000Z \"forward\" \"-\" \"-\" \"10.0.0.171:8010\" \"101\" \"-\" \"-\"",
    // Lambda, succeeded: 03.186 - 0.001 -> 03.185, bucket 3
    "http 2024-02-05T10:00:03.186641Z app/my-loadbalancer/50dc6c495c0c9188 192.168.131.39:2817 - "
    "0.000 0.001 0.000 200 200 34 366 \"GET http://www.example.com:80/ HTTP/1.1\" \"curl/7.46.0\" - -" +
        kTail + " 0 2024-02-05T10:00:03.185000Z \"forward\" \"-\" \"-\" \"-\" \"-\" \"-\" \"-\"",
    // Lambda, failed (502 from the load balancer, no target status): 03.500 - 0.001, bucket 3
    "http 2024-02-05T10:00:03.500000Z app/my-loadbalancer/50dc6c495c0c9188 192.168.131.39:2817 - "
    "0.000 0.001 0.000 502 - 34 366 \"GET http://www.example.com:80/ HTTP/1.1\" \"curl/7.46.0\" - -" +
        kTail + " 0 2024-02-05T10:00:03.499000Z \"forward\" \"-\" \"LambdaInvalidResponse\" \"-\" \"-\" \"-\" \"-\"",
    // No registered target: 503, never dispatched (-1 times), bucket 5
    "http 2024-02-05T10:00:05.000000Z app/my-loadbalancer/50dc6c495c0c9188 192.168.131.39:2817 - "
    "-1 -1 -1 503 - 34 366 \"GET http://www.example.com:80/ HTTP/1.1\" \"curl/7.46.0\" - -" +
        kTail + " 0 2024-02-05T10:00:05.000000Z \"forward\" \"-\" \"-\" \"-\" \"-\" \"-\" \"-\"",
    // The target did not answer in time: 504; 05.500 - 0.001 -> 05.499, bucket 5
    "http 2024-02-05T10:00:05.500000Z app/my-loadbalancer/50dc6c495c0c9188 192.168.131.39:2817 10.0.0.1:80 "
    "0.001 -1 -1 504 - 34 366 \"GET http://www.example.com:80/ HTTP/1.1\" \"curl/7.46.0\" - -" +
        kTail + " 0 2024-02-05T10:00:05.499000Z \"forward\" \"-\" \"-\" \"10.0.0.1:80\" \"-\" \"-\" \"-\"",
    // The target answered 500: 06.010 - 0.010 -> 06.000, bucket 6
    "http 2024-02-05T10:00:06.010000Z app/my-loadbalancer/50dc6c495c0c9188 192.168.131.39:2817 10.0.0.1:80 "
    "0.000 0.010 0.000 500 500 34 366 \"GET http://www.example.com:80/ HTTP/1.1\" \"curl/7.46.0\" - -" +
        kTail + " 0 2024-02-05T10:00:06.000000Z \"forward\" \"-\" \"-\" \"10.0.0.1:80\" \"500\" \"-\" \"-\"",
};

std::string lines(std::size_t from, std::size_t to) {
  std::string s;
  for (std::size_t i = from; i < to; ++i) s += kEntries[i] + "\n";
  return s;
}

LoadTrace load(const Json& spec, const fs::path& base_dir, std::int64_t start = at("2024-02-05T10:00:00Z"),
               SimTime duration = minutes(1)) {
  return read_load_trace(spec, "scenario.json", kPointer, base_dir, start, duration, 1.0, false, 1,
                         "workload.traffic/api-tg", 0);
}

// The profile and counts every form of the ten entries must give.
void check_example_logs(const LoadTrace& t) {
  const std::vector<double> per_second = {2, 2, 1, 2, 0, 2, 1, 0};
  for (std::size_t s = 0; s < per_second.size(); ++s) {
    INFO("second " << s);
    CHECK(t.rps.value_at(seconds(static_cast<std::int64_t>(s))) == per_second[s]);
  }
  CHECK(t.period == seconds(7));
  CHECK(t.rps.integral_ms(0, minutes(1)) / 1000 == Approx(10));
  REQUIRE(t.alb_counts);
  const AlbLogCounts& c = *t.alb_counts;
  CHECK(c.requests == 10);
  CHECK(c.elb_by_class == std::array<std::uint64_t, 6>{0, 2, 4, 0, 0, 4});
  CHECK(c.target_by_class == std::array<std::uint64_t, 6>{3, 2, 4, 0, 0, 1});
  CHECK(c.elb_5xx == 4);
  CHECK(c.elb_502 == 1);
  CHECK(c.elb_503 == 1);
  CHECK(c.elb_504 == 1);
  CHECK(c.elb_generated_5xx == 3);
  CHECK(c.target_5xx == 1);
  CHECK(c.first_request_epoch_ms == at("2024-02-05T10:00:00.185Z"));
  CHECK(c.last_request_epoch_ms == at("2024-02-05T10:00:06Z"));
}

template <typename Read>
Diagnostic first_error(Read&& read) {
  try {
    read();
  } catch (const InputError& e) {
    REQUIRE(!e.diagnostics().empty());
    return e.diagnostics().front();
  }
  FAIL("expected an InputError");
  return {};
}

}  // namespace

TEST_CASE("ALB access logs, plain: requests per second at their request time, and the logs' 5xx") {
  TempDir dir;
  dir.write("alb.log", lines(0, kEntries.size()));
  const LoadTrace t = load({{"albAccessLogs", "alb.log"}}, dir.path());
  check_example_logs(t);
  CHECK_THAT(t.source, Catch::EndsWith("alb.log"));
  CHECK(t.alb_counts->files == 1);
  // Per minute: all ten in one bucket.
  const LoadTrace m = load({{"albAccessLogs", "alb.log"}, {"per", "1m"}}, dir.path());
  CHECK(m.rps.value_at(0) == Approx(10.0 / 60));
  CHECK(m.period == minutes(1));
  // Placed against the scenario start: 09:59:58 puts the first second at 2 s.
  const LoadTrace a =
      load({{"albAccessLogs", "alb.log"}, {"align", "absolute"}}, dir.path(), at("2024-02-05T09:59:58Z"));
  CHECK(a.rps.value_at(seconds(1)) == 0);
  CHECK(a.rps.value_at(seconds(2)) == 2);
  CHECK(a.rps.value_at(seconds(7)) == 2);
}

TEST_CASE("ALB access logs, gzipped as ELB writes them, one file, several members, several files, a tree") {
  TempDir dir;
  dir.write_gz("one.log", lines(0, kEntries.size()));
  check_example_logs(load({{"albAccessLogs", "one.log.gz"}}, dir.path()));

  // Two gzip members back to back (cat a.gz b.gz) read as one stream.
  const fs::path a = dir.write_gz("a.log", lines(0, 4));
  const fs::path b = dir.write_gz("b.log", lines(4, kEntries.size()));
  dir.write("ab.log.gz", read_bytes(a) + read_bytes(b));
  check_example_logs(load({{"albAccessLogs", "ab.log.gz"}}, dir.path()));

  // Named files, gz and plain mixed.
  dir.write("rest.log", lines(4, kEntries.size()));
  const LoadTrace named = load({{"albAccessLogs", {"a.log.gz", "rest.log"}}}, dir.path());
  check_example_logs(named);
  CHECK(named.alb_counts->files == 2);
  CHECK_THAT(named.source, Catch::Contains("(and 1 more)"));

  // A delivery tree as in S3: AWSLogs/<account>/elasticloadbalancing/<region>/yyyy/mm/dd/, plus files
  // that are not logs.
  const std::string day = "tree/AWSLogs/123456789012/elasticloadbalancing/us-east-2/2024/02/05/";
  const std::string prefix = "123456789012_elasticloadbalancing_us-east-2_app.my-loadbalancer.50dc6c495c0c9188_";
  dir.write_gz(day + prefix + "20240205T1005Z_172.160.001.192_20sg8hgm.log", lines(0, 3));
  dir.write_gz(day + prefix + "20240205T1005Z_172.160.001.193_4kd8wlzp.log", lines(3, 7));
  dir.write(day + "later/" + prefix + "20240205T1010Z_172.160.001.192_9fj3kd8s.log", lines(7, kEntries.size()));
  dir.write("tree/README.txt", "not a log\n");
  dir.write(day + ".partial.log", "garbage that must not be read\n");
  const LoadTrace tree = load({{"albAccessLogs", "tree"}}, dir.path());
  check_example_logs(tree);
  CHECK(tree.alb_counts->files == 3);
}

TEST_CASE("ALB access logs: request_creation_time instead of the computed request time") {
  TempDir dir;
  // The HTTPS entry with request_creation_time 10:00:00.929 -> bucket 0 either way; moved to 10:00:01.2.
  std::string entry = kEntries[1];
  const std::string created = "2024-02-05T10:00:00.929000Z";
  entry.replace(entry.find(created), created.size(), "2024-02-05T10:00:01.200000Z");
  dir.write("one.log", kEntries[0] + "\n" + entry + "\n");
  const LoadTrace computed = load({{"albAccessLogs", "one.log"}}, dir.path());
  CHECK(computed.rps.value_at(0) == 2);
  const LoadTrace creation = load({{"albAccessLogs", "one.log"}, {"requestTime", "requestCreationTime"}}, dir.path());
  CHECK(creation.rps.value_at(0) == 1);
  CHECK(creation.rps.value_at(seconds(1)) == 1);
}

TEST_CASE("malformed ALB access logs: errors with the file and the line") {
  TempDir dir;
  const auto fails = [&](const std::string& line3, const std::string& text) {
    dir.write_gz("bad.log", lines(0, 2) + line3 + "\n" + lines(2, 4));
    const Diagnostic d = first_error([&] { load({{"albAccessLogs", "bad.log.gz"}}, dir.path()); });
    INFO(d.str());
    CHECK_THAT(d.file, Catch::EndsWith("bad.log.gz"));
    CHECK(d.where == "line 3");
    CHECK_THAT(d.message, Catch::Contains(text));
  };
  fails("this is not an access log entry", "at least 12 space-separated fields");
  std::string e = kEntries[0];
  fails(std::string(e).replace(e.find("2024-02-05T10:00:00.186641Z"), 27, "02/Jul/2018:22:23:00"), "field 2 (time)");
  fails(std::string(e).replace(e.find(" 200 200 "), 9, " 200 OK "), "field 10 (target_status_code)");
  fails(std::string(e).replace(e.find(" 200 200 "), 9, " 2000 200 "), "field 9 (elb_status_code)");
  fails(std::string(e).replace(e.find("0.000 0.001"), 11, "0.000 -0.5"), "field 7 (target_processing_time)");
  fails(e.substr(0, e.find("\"curl")) + "\"curl/7.46.0", "unterminated quoted field");

  // A directory names the file inside it.
  dir.write("logs/x/ok.log", lines(0, 2));
  dir.write("logs/y/broken.log", lines(0, 1) + "http 2024\n");
  const Diagnostic d = first_error([&] { load({{"albAccessLogs", "logs"}}, dir.path()); });
  CHECK_THAT(d.file, Catch::EndsWith("logs/y/broken.log"));
  CHECK(d.where == "line 2");

  // No requests, no log files, a missing file, a broken gzip file.
  dir.write("empty.log", "\n");
  CHECK_THAT(first_error([&] { load({{"albAccessLogs", "empty.log"}}, dir.path()); }).message,
             Catch::Contains("no requests"));
  dir.write("nologs/README.md", "x\n");
  CHECK_THAT(first_error([&] { load({{"albAccessLogs", "nologs"}}, dir.path()); }).message,
             Catch::Contains("no access-log files"));
  CHECK_THAT(first_error([&] { load({{"albAccessLogs", "missing.log.gz"}}, dir.path()); }).message,
             Catch::Contains("cannot read file"));
  const std::string gz = read_bytes(dir.write_gz("whole.log", lines(0, kEntries.size())));
  dir.write("truncated.log.gz", gz.substr(0, gz.size() / 2));
  const Diagnostic t = first_error([&] { load({{"albAccessLogs", "truncated.log.gz"}}, dir.path()); });
  CHECK_THAT(t.file, Catch::EndsWith("truncated.log.gz"));
  CHECK_THAT(t.message, Catch::Contains("truncated"));
  std::string corrupt = gz;
  for (std::size_t i = 12; i < corrupt.size() - 8; ++i) corrupt[i] = static_cast<char>(corrupt[i] ^ 0x5a);
  dir.write("corrupt.log.gz", corrupt);
  CHECK_THAT(first_error([&] { load({{"albAccessLogs", "corrupt.log.gz"}}, dir.path()); }).message,
             Catch::Contains("cannot read gzip file"));
  dir.write("trailing.log.gz", gz + "junk");
  CHECK_THAT(first_error([&] { load({{"albAccessLogs", "trailing.log.gz"}}, dir.path()); }).message,
             Catch::Contains("after the end of the compressed stream"));
}

TEST_CASE("gunzip: round trip, output cap, and gzipped CSV traces too") {
  using namespace load_trace_detail;
  REQUIRE(gzip_supported());
  TempDir dir;
  std::string big;
  for (int i = 0; i < 20000; ++i) big += "line " + std::to_string(i) + "\n";
  const std::string gz = read_bytes(dir.write_gz("big.txt", big));
  CHECK(is_gzip(gz));
  CHECK(!is_gzip(big));
  CHECK(gunzip(gz, "big.txt.gz", big.size()) == big);
  // A decompression bomb stops at the cap.
  const Diagnostic d = first_error([&] { gunzip(gz, "big.txt.gz", big.size() - 1); });
  CHECK_THAT(d.message, Catch::Contains("decompresses to more than"));
  // Any trace file may be gzipped.
  dir.write_gz("t.csv", "minute,count\n0,60\n1,120\n");
  const LoadTrace t = load({{"csv", "t.csv.gz"}, {"per", "1m"}}, dir.path(), 0, minutes(5));
  CHECK(t.rps.value_at(0) == 1);
  CHECK(t.rps.value_at(minutes(1)) == 2);
  CHECK(t.rps.value_at(minutes(2)) == 0);
}

}  // namespace spotsim
