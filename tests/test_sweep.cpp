// spotsim sweep and spotsim merge through the command line (contract.md "Command line", "Sweep
// file"; design.md "Sweeps, what-if and scale-out"; issue 6's Must show 1, 2, 3 and 7): a 4 x 3 grid
// of six-hour runs of the small ALB scenario, five replications each.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <random>
#include <thread>

#include <catch2/catch.hpp>

#include "tests/tools_test_support.hpp"
#include "tools/summary_figures.hpp"

using namespace spotsim::test;
using nlohmann::json;

namespace {

const std::string kOnDemandShare = "/AutoScalingGroups/0/MixedInstancesPolicy/InstancesDistribution/OnDemandPercentageAboveBaseCapacity";
const std::string kDesired = "AutoScalingGroups.0.DesiredCapacity";  // a dotted path, as users may write

// The array-job variables a sweep reads, cleared for the test (the suite itself may run inside an
// array job) and restored after it.
class ClearShardEnvironment {
 public:
  ClearShardEnvironment() {
    for (const char* name : kNames) {
      const char* v = std::getenv(name);
      saved_.emplace_back(name, v ? std::optional<std::string>(v) : std::nullopt);
      ::unsetenv(name);
    }
  }
  ~ClearShardEnvironment() {
    for (const auto& [name, value] : saved_) {
      if (value)
        ::setenv(name, value->c_str(), 1);
      else
        ::unsetenv(name);
    }
  }
  ClearShardEnvironment(const ClearShardEnvironment&) = delete;
  ClearShardEnvironment& operator=(const ClearShardEnvironment&) = delete;

 private:
  static constexpr const char* kNames[] = {"SLURM_ARRAY_TASK_ID",   "SLURM_ARRAY_TASK_COUNT", "SLURM_ARRAY_TASK_MIN",
                                           "SLURM_ARRAY_TASK_STEP", "AWS_BATCH_JOB_ARRAY_INDEX",
                                           "AWS_BATCH_JOB_ARRAY_SIZE", "JOB_COMPLETION_INDEX", "SPOTSIM_SHARD_COUNT"};
  std::vector<std::pair<const char*, std::optional<std::string>>> saved_;
};

json grid_sweep(std::uint64_t seed = 11) {
  return json{{"spotsim_sweep", 1},
              {"base", "base.json"},
              {"axes", json::object({{kOnDemandShare, {0, 25, 50, 100}}, {kDesired, {2, 3, 4}}})},
              {"replications", 5},
              {"seed", seed}};
}

// A scratch folder with base.json (the small ALB scenario) and sweep.json (`sweep`); returns the
// sweep file's path.
fs::path write_sweep(const fs::path& dir, const json& sweep = grid_sweep()) {
  write_text(dir / "base.json", small_alb_scenario().dump(2));
  // Written by hand so the axes keep their order (nlohmann::json sorts keys).
  std::string text = "{\n  \"spotsim_sweep\": 1,\n  \"base\": " + sweep["base"].dump() + ",\n  \"axes\": {";
  bool first = true;
  const auto add_axis = [&](const std::string& key) {
    if (!sweep["axes"].contains(key)) return;
    text += std::string(first ? "\n" : ",\n") + "    " + json(key).dump() + ": " + sweep["axes"][key].dump();
    first = false;
  };
  add_axis(kOnDemandShare);
  add_axis(kDesired);
  for (const auto& [key, values] : sweep["axes"].items())
    if (key != kOnDemandShare && key != kDesired) add_axis(key);
  text += "\n  }";
  for (const auto& [key, value] : sweep.items())
    if (key != "spotsim_sweep" && key != "base" && key != "axes") text += ",\n  " + json(key).dump() + ": " + value.dump();
  text += "\n}\n";
  const fs::path file = dir / "grid.json";
  write_text(file, text);
  return file;
}

Run sweep(const fs::path& file, const fs::path& out, std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {"sweep", file.string(), "-o", out.string(), "--quiet"};
  args.insert(args.end(), extra.begin(), extra.end());
  return run_cli_in_process(args);
}

// Every file under `dir` by its relative path, with its bytes.
std::map<std::string, std::string> tree(const fs::path& dir) {
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir))
    if (entry.is_regular_file()) files[fs::relative(entry.path(), dir).generic_string()] = read_text(entry.path());
  return files;
}

void check_same_tree(const fs::path& a, const fs::path& b) {
  const auto ta = tree(a), tb = tree(b);
  INFO(a.string() << " against " << b.string());
  REQUIRE(ta.size() == tb.size());
  for (const auto& [name, bytes] : ta) {
    INFO(name);
    REQUIRE(tb.count(name) == 1);
    CHECK(tb.at(name) == bytes);
  }
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> out;
  std::istringstream in(line);
  for (std::string field; std::getline(in, field, ',');) out.push_back(field);
  if (!line.empty() && line.back() == ',') out.emplace_back();
  return out;
}

// Runs the spotsim binary with `args` in a child process; returns its pid.
pid_t spawn_spotsim(const std::vector<std::string>& args) {
  std::vector<std::string> all = {SPOTSIM_BINARY};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  return pid;
}

std::size_t run_files(const fs::path& dir) {
  std::size_t n = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir / "runs", ec))
    if (entry.path().extension() == ".json") ++n;
  return n;
}

}  // namespace

// Must show 1: 4 x 3 points x 5 replications = 60 rows in run-index order; a rerun and another
// thread count give the same bytes.
TEST_CASE("sweep: a 4 x 3 grid of 5 replications writes 60 runs, the same bytes on a rerun and on 1 or 2 threads",
          "[sweep][cli]") {
  const ClearShardEnvironment clear;
  const fs::path dir = scratch_dir("sweep-grid");
  const fs::path file = write_sweep(dir);
  const Run a = sweep(file, dir / "a", {"-j", "2"});
  INFO(a.output);
  REQUIRE(a.exit_code == 0);
  CHECK(a.output.empty());  // --quiet
  REQUIRE(sweep(file, dir / "b", {"-j", "2"}).exit_code == 0);
  REQUIRE(sweep(file, dir / "c", {"-j", "1"}).exit_code == 0);
  check_same_tree(dir / "a", dir / "b");
  check_same_tree(dir / "a", dir / "c");

  const auto files = tree(dir / "a");
  CHECK(files.size() == 4 + 60);  // sweep.json, runs.csv, summary.json, report.html and one file per run
  CHECK(files.count("report.html") == 1);
  for (std::size_t run = 0; run < 60; ++run) {
    char name[32];
    std::snprintf(name, sizeof name, "runs/run-%06zu.json", run);
    CHECK(files.count(name) == 1);
  }

  // runs.csv: the header names the axes as written, then every figure of summary.json in order.
  const json run7 = json::parse(files.at("runs/run-000007.json"));
  CHECK(run7["point"] == 1);
  CHECK(run7["replication"] == 2);
  CHECK(run7["settings"] == json({{kOnDemandShare, 0}, {kDesired, 3}}));
  CHECK(run7["summary"]["seed"] == 11);
  CHECK(run7["summary"]["replication"] == 2);
  const auto figures = spotsim::summary_figures(nlohmann::ordered_json::parse(files.at("runs/run-000000.json"))["summary"]);
  std::string header = "point,replication,seed," + kOnDemandShare + "," + kDesired;
  for (const auto& f : figures) header += "," + f.name;
  const auto rows = lines(files.at("runs.csv"));
  REQUIRE(rows.size() == 61);
  CHECK(rows[0] == header);
  const int shares[] = {0, 25, 50, 100};
  std::vector<double> total_usd;
  const std::vector<std::string> columns = split(header);
  const auto cost_column =
      static_cast<std::size_t>(std::find(columns.begin(), columns.end(), "cost.total_usd") - columns.begin());
  for (std::size_t run = 0; run < 60; ++run) {
    const auto fields = split(rows[run + 1]);
    INFO(rows[run + 1]);
    REQUIRE(fields.size() == 5 + figures.size());
    CHECK(fields[0] == std::to_string(run / 5));
    CHECK(fields[1] == std::to_string(run % 5));
    CHECK(fields[2] == "11");
    CHECK(fields[3] == std::to_string(shares[run / 15]));
    CHECK(fields[4] == std::to_string(2 + run / 5 % 3));
    total_usd.push_back(std::stod(fields[cost_column]));
  }
  // Common random numbers: the runs differ by replication (hazard interruptions), and the all-spot
  // points cost less than the all-On-Demand ones replication by replication.
  CHECK(total_usd[0] != total_usd[1]);
  for (int r = 0; r < 5; ++r) CHECK(total_usd[static_cast<std::size_t>(r)] < total_usd[static_cast<std::size_t>(45 + r)]);

  // summary.json: one entry per point, each figure's mean, sd and 95 % interval over its 5 runs.
  const json summary = json::parse(files.at("summary.json"));
  CHECK(summary["sweep"] == "grid.json");
  CHECK(summary["scenario"] == "small");
  CHECK(summary["seed"] == 11);
  CHECK(summary["replications"] == 5);
  CHECK(summary["runs"] == 60);
  CHECK(summary["axes"][kDesired] == json({2, 3, 4}));
  REQUIRE(summary["points"].size() == 12);
  const json& p0 = summary["points"][0];
  CHECK(p0["point"] == 0);
  CHECK(p0["runs"] == 5);
  CHECK(p0["settings"] == json({{kOnDemandShare, 0}, {kDesired, 2}}));
  const json& cost = p0["figures"]["cost.total_usd"];
  double mean = 0;
  for (int r = 0; r < 5; ++r) mean += total_usd[static_cast<std::size_t>(r)] / 5;
  CHECK(cost["mean"].get<double>() == Approx(mean));
  CHECK(cost["ci95_low"].get<double>() <= mean);
  CHECK(cost["ci95_high"].get<double>() >= mean);
  CHECK(cost["sd"].get<double>() > 0);
  CHECK(p0["figures"].size() == figures.size());
  const json sweep_json = json::parse(files.at("sweep.json"));
  CHECK(sweep_json["fingerprint"].get<std::string>().size() == 16);
  CHECK_FALSE(sweep_json.contains("shard"));
}

// Must show 2, the half without Slurm: shards 1/3, 2/3 and 3/3, from --shard or from an array job's
// environment, merge into the unsharded bytes.
TEST_CASE("sweep: shards 1/3, 2/3, 3/3 merged are the unsharded sweep byte for byte, the shard from --shard or the "
          "environment",
          "[sweep][cli][shard]") {
  const ClearShardEnvironment clear;
  const fs::path dir = scratch_dir("sweep-shards");
  const fs::path file = write_sweep(dir);
  REQUIRE(sweep(file, dir / "whole").exit_code == 0);
  for (int k = 1; k <= 3; ++k) {
    const Run r = sweep(file, dir / ("shard" + std::to_string(k)), {"--shard", std::to_string(k) + "/3"});
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
  }
  const json shard2 = json::parse(read_text(dir / "shard2" / "sweep.json"));
  CHECK(shard2["shard"] == json({{"index", 2}, {"count", 3}}));
  const json shard2_summary = json::parse(read_text(dir / "shard2" / "summary.json"));
  CHECK(shard2_summary["runs"] == 20);  // its own runs: 1, 4, 7, ...
  CHECK(shard2_summary["shard"] == json({{"index", 2}, {"count", 3}}));
  CHECK(lines(read_text(dir / "shard2" / "runs.csv")).size() == 21);
  CHECK(fs::exists(dir / "shard2" / "runs" / "run-000001.json"));
  CHECK_FALSE(fs::exists(dir / "shard2" / "runs" / "run-000000.json"));

  const Run merged = run_cli_in_process({"merge", (dir / "shard3").string(), (dir / "shard1").string(),
                                         (dir / "shard2").string(), "-o", (dir / "merged").string()});
  INFO(merged.output);
  REQUIRE(merged.exit_code == 0);
  check_same_tree(dir / "whole", dir / "merged");

  // The same shards from Slurm (--array=1-3), AWS Batch and a Kubernetes Indexed Job.
  {
    ::setenv("SLURM_ARRAY_TASK_ID", "1", 1);
    ::setenv("SLURM_ARRAY_TASK_MIN", "1", 1);
    ::setenv("SLURM_ARRAY_TASK_COUNT", "3", 1);
    const Run r = run_cli_in_process({"sweep", file.string(), "-o", (dir / "slurm1").string()});
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
    CHECK(r.output.find("shard 1/3 (from SLURM_ARRAY_TASK_ID=1, SLURM_ARRAY_TASK_COUNT=3, SLURM_ARRAY_TASK_MIN=1)") !=
          std::string::npos);
    ::unsetenv("SLURM_ARRAY_TASK_ID");
    ::unsetenv("SLURM_ARRAY_TASK_MIN");
    ::unsetenv("SLURM_ARRAY_TASK_COUNT");
  }
  {
    ::setenv("AWS_BATCH_JOB_ARRAY_INDEX", "1", 1);
    ::setenv("AWS_BATCH_JOB_ARRAY_SIZE", "3", 1);
    const Run r = sweep(file, dir / "batch2");
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
    ::unsetenv("AWS_BATCH_JOB_ARRAY_INDEX");
    ::unsetenv("AWS_BATCH_JOB_ARRAY_SIZE");
  }
  {
    ::setenv("JOB_COMPLETION_INDEX", "2", 1);
    const Run no_count = sweep(file, dir / "k8s-no-count");
    CHECK(no_count.exit_code == 2);
    CHECK(no_count.output.find("--shard-count") != std::string::npos);
    CHECK_FALSE(fs::exists(dir / "k8s-no-count"));
    const Run r = sweep(file, dir / "k8s3", {"--shard-count", "3"});
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
    ::unsetenv("JOB_COMPLETION_INDEX");
  }
  check_same_tree(dir / "shard1", dir / "slurm1");
  check_same_tree(dir / "shard2", dir / "batch2");
  check_same_tree(dir / "shard3", dir / "k8s3");
  REQUIRE(run_cli_in_process({"merge", (dir / "slurm1").string(), (dir / "batch2").string(), (dir / "k8s3").string(),
                              "-o", (dir / "merged-env").string(), "--quiet"})
              .exit_code == 0);
  check_same_tree(dir / "whole", dir / "merged-env");
}

// Runs `file` into dir/killed with -j 2, SIGKILLs it three times, each once a random number of runs
// (0 to max_step beyond those already there) has finished, resuming each time, then lets a last
// --resume finish; dir/killed must then hold exactly what dir/uninterrupted holds. The kill moments
// come from `seed` (printed on failure; SPOTSIM_KILL_SEED=N replays one).
void kill_three_times_and_resume(const fs::path& dir, const fs::path& file, std::size_t runs, std::size_t max_step) {
  REQUIRE(sweep(file, dir / "uninterrupted").exit_code == 0);
  const char* fixed = std::getenv("SPOTSIM_KILL_SEED");
  const std::uint64_t seed = fixed != nullptr ? std::stoull(fixed) : std::random_device{}();
  INFO("kill moments from seed " << seed << " (SPOTSIM_KILL_SEED=" << seed << " replays them)");
  std::mt19937_64 random(seed);
  const fs::path out = dir / "killed";
  const std::vector<std::string> args = {"sweep", file.string(), "-o", out.string(), "-j", "2", "--quiet"};
  std::size_t kills = 0;
  for (int attempt = 0; attempt < 10 && kills < 3; ++attempt) {
    const std::size_t before = run_files(out);
    const std::size_t wait_for = before + std::uniform_int_distribution<std::size_t>(0, max_step)(random);
    std::vector<std::string> a = args;
    if (fs::exists(out)) a.push_back("--resume");
    const pid_t pid = spawn_spotsim(a);
    REQUIRE(pid > 0);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    int status = 0;
    pid_t ended = 0;
    while ((ended = ::waitpid(pid, &status, WNOHANG)) == 0 && run_files(out) < wait_for &&
           std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    if (ended == 0) {
      ::kill(pid, SIGKILL);
      REQUIRE(::waitpid(pid, &status, 0) == pid);
    }
    INFO("attempt " << attempt << ": waited for " << wait_for << " run files, " << run_files(out) << " there");
    if (WIFSIGNALED(status)) {
      ++kills;
      CHECK(WTERMSIG(status) == SIGKILL);
      CHECK_FALSE(fs::exists(out / "runs.csv"));  // written at the end only
    } else {
      // It finished before the kill: start again from nothing for a later moment.
      REQUIRE(WIFEXITED(status));
      REQUIRE(WEXITSTATUS(status) == 0);
      fs::remove_all(out);
    }
  }
  CHECK(kills == 3);

  const Run resumed = run_cli_in_process({"sweep", file.string(), "-o", out.string(), "--resume"});
  INFO(resumed.output);
  REQUIRE(resumed.exit_code == 0);
  const auto finished = tree(out), reference = tree(dir / "uninterrupted");
  CHECK(finished.at("runs.csv") == reference.at("runs.csv"));
  CHECK(finished.at("summary.json") == reference.at("summary.json"));
  CHECK(lines(finished.at("runs.csv")).size() == runs + 1);
  check_same_tree(dir / "uninterrupted", out);  // every run file, and no temporary file left
}

// Must show 3: a sweep SIGKILLed at a random moment, then --resume, ends as an uninterrupted one.
TEST_CASE("sweep: killed at a random moment and resumed, it writes what an uninterrupted sweep writes", "[sweep][cli]") {
  const ClearShardEnvironment clear;
  const fs::path dir = scratch_dir("sweep-kill");
  kill_three_times_and_resume(dir, write_sweep(dir), 60, 12);
}

// Issue 8 (sweep robustness): 1,000 runs with -j 2, killed at three random moments and resumed each
// time, end byte for byte as an uninterrupted sweep. [slow]: a few seconds of runs, three times over;
// the sanitizer pass has the 60-run case above.
TEST_CASE("sweep: a 1000-run sweep killed three times at random moments and resumed ends identical", "[sweep][cli][slow]") {
  const ClearShardEnvironment clear;
  const fs::path dir = scratch_dir("sweep-kill-1000");
  json doc = grid_sweep();
  doc["axes"] = json::object({{kOnDemandShare, {0, 25, 50, 100}}});
  doc["replications"] = 250;
  kill_three_times_and_resume(dir, write_sweep(dir, doc), 1000, 400);
}

// Must show 7: bad sweeps exit 2 with a clear message, and nothing is written.
TEST_CASE("sweep: bad sweep files, shards and merges exit 2 naming the problem and write nothing", "[sweep][cli]") {
  const ClearShardEnvironment clear;
  const fs::path dir = scratch_dir("sweep-errors");
  const auto expect_rejected = [&](const json& doc, const std::vector<std::string>& parts,
                                   const std::vector<std::string>& extra = {}) {
    const fs::path file = write_sweep(dir, doc);
    fs::remove_all(dir / "out");
    const Run r = sweep(file, dir / "out", extra);
    INFO(r.output);
    CHECK(r.exit_code == 2);
    for (const auto& part : parts) CHECK(r.output.find(part) != std::string::npos);
    CHECK_FALSE(fs::exists(dir / "out"));
  };

  json doc = grid_sweep();
  doc["axes"]["AutoScalingGroups.0.MixedInstancesPolicy.InstancesDistributon.OnDemandBaseCapacity"] = {0, 1};
  expect_rejected(doc, {"grid.json: /axes/AutoScalingGroups.0.MixedInstancesPolicy.InstancesDistributon."
                        "OnDemandBaseCapacity: error:",
                        "names nothing in the base scenario",
                        "/AutoScalingGroups/0/MixedInstancesPolicy/InstancesDistributon does not exist"});
  doc = grid_sweep();
  doc["axes"]["/AutoScalingGroups/0/MinSizes"] = {1};
  expect_rejected(doc, {"/axes/~1AutoScalingGroups~10~1MinSizes", "/AutoScalingGroups/0/MinSizes does not exist"});
  doc = grid_sweep();
  doc["axes"][kDesired] = json::array();
  expect_rejected(doc, {"/axes/" + kDesired + ": error: expected at least one value, found an empty array"});
  doc = grid_sweep();
  doc["replications"] = 0;
  expect_rejected(doc, {"grid.json: /replications: error: expected an integer from 1"});
  doc = grid_sweep();
  doc["replicates"] = 3;
  expect_rejected(doc, {"/replicates: error: unknown field \"replicates\" (did you mean \"replications\"?)"});
  doc = grid_sweep();
  doc["base"] = "missing.json";
  expect_rejected(doc, {"grid.json: /base: error: cannot read the base scenario", "missing.json"});
  // A value that makes a bad scenario fails before any run, naming the point's settings.
  doc = grid_sweep();
  doc["axes"][kDesired] = {2, 7};
  expect_rejected(doc, {"base.json: /AutoScalingGroups/0/DesiredCapacity: error:",
                        "grid point 1 of 8: " + kOnDemandShare + "=0, " + kDesired + "=7"});
  for (const char* shard : {"3/2", "0/3", "a/b", "2"})
    expect_rejected(grid_sweep(), {"--shard: error: expected K/N", std::string("found \"") + shard + "\""},
                    {"--shard", shard});

  // An existing sweep folder needs --resume; a different sweep is refused even with it.
  const fs::path file = write_sweep(dir, grid_sweep());
  REQUIRE(sweep(file, dir / "done", {"--duration", "1h"}).exit_code == 0);
  const std::string summary_before = read_text(dir / "done" / "summary.json");
  Run r = sweep(file, dir / "done", {"--duration", "1h"});
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("add --resume to finish it, or choose another -o") != std::string::npos);
  r = sweep(file, dir / "done", {"--duration", "2h", "--resume"});
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("holds another sweep") != std::string::npos);
  CHECK(read_text(dir / "done" / "summary.json") == summary_before);

  // Merge: shards of two different sweeps (another seed), and a missing shard.
  fs::create_directories(dir / "other");
  const fs::path other = write_sweep(dir / "other", grid_sweep(12));
  REQUIRE(sweep(file, dir / "a1", {"--duration", "1h", "--shard", "1/2"}).exit_code == 0);
  REQUIRE(sweep(other, dir / "b2", {"--duration", "1h", "--shard", "2/2"}).exit_code == 0);
  r = run_cli_in_process({"merge", (dir / "a1").string(), (dir / "b2").string(), "-o", (dir / "m").string()});
  INFO(r.output);
  CHECK(r.exit_code == 2);
  CHECK(r.output.find((dir / "b2").generic_string() + ": error: holds another sweep than \"" +
                      (dir / "a1").generic_string() + "\"") != std::string::npos);
  CHECK_FALSE(fs::exists(dir / "m"));
  r = run_cli_in_process({"merge", (dir / "a1").string(), "-o", (dir / "m").string()});
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("30 of the sweep's 60 runs are missing") != std::string::npos);
  CHECK(r.output.find("shard 2/2: 30 runs missing") != std::string::npos);
  CHECK_FALSE(fs::exists(dir / "m"));
}

TEST_CASE("validate: a sweep file loads every grid point", "[sweep][cli]") {
  const Run ok = run_cli_in_process({"validate", std::string(SPOTSIM_SOURCE_DIR) + "/scenarios/demo-api-prod-sweep.json"});
  INFO(ok.output);
  CHECK(ok.exit_code == 0);
  CHECK(ok.output.find("demo-api-prod-sweep.json: ok (sweep: 12 grid points x 5 replications = 60 runs)") !=
        std::string::npos);

  const fs::path dir = scratch_dir("sweep-validate");
  json doc = grid_sweep();
  doc["axes"][kOnDemandShare] = {0, 101};
  const Run bad = run_cli_in_process({"validate", write_sweep(dir, doc).string()});
  INFO(bad.output);
  CHECK(bad.exit_code == 2);
  CHECK(bad.output.find("/OnDemandPercentageAboveBaseCapacity: error:") != std::string::npos);
  CHECK(bad.output.find(kOnDemandShare + "=101") != std::string::npos);
}
