#include "tests/fuzz/fuzz_targets.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "sim/sim_time.hpp"
#include "tools/import_aws.hpp"
#include "tools/import_terraform.hpp"
#include "tools/input_error.hpp"
#include "tools/load_trace.hpp"
#include "tools/scenario.hpp"
#include "tools/sweep.hpp"
#include "tools/trace_readers.hpp"

namespace spotsim::fuzz {
namespace {

namespace fs = std::filesystem;

// The sweep target's base scenario: one mixed group over two zones, a CSV trace-free market, so a
// sweep's axes have settings to name (tests/tools_test_support.hpp small_scenario(), without ECS).
constexpr const char* kSweepBase = R"({
  "spotsim": 1, "name": "fuzz-base", "region": "eu-west-1", "start": "2024-02-05T00:00:00Z",
  "duration": "6h", "seed": 3,
  "AutoScalingGroups": [{"AutoScalingGroupName": "small-asg", "MinSize": 1, "MaxSize": 6, "DesiredCapacity": 4,
    "AvailabilityZones": ["eu-west-1a", "eu-west-1b"],
    "MixedInstancesPolicy": {
      "LaunchTemplate": {"LaunchTemplateSpecification": {"LaunchTemplateName": "small-lt", "Version": "$Latest"},
                         "Overrides": [{"InstanceType": "m5.large"}, {"InstanceType": "c5.large"}]},
      "InstancesDistribution": {"OnDemandBaseCapacity": 1, "OnDemandPercentageAboveBaseCapacity": 25,
                                "SpotAllocationStrategy": "price-capacity-optimized"}}}],
  "LaunchTemplateVersions": [{"LaunchTemplateName": "small-lt", "VersionNumber": 1, "DefaultVersion": true,
                              "LaunchTemplateData": {"InstanceType": "m5.large"}}],
  "market": {"prices": {"spot": {"fixed": {"m5.large": 0.037, "c5.large": 0.034}}},
             "interruptions": {"model": "hazard", "ratePerInstanceHour": 0.2}}
})";

// Trace files beside the fuzzed scenario, so a scenario naming them reaches the trace readers too.
constexpr const char* kTraceCsv = "minute,count\n0,600\n1,660\n2,0\n4,720\n";
constexpr const char* kRequestsJson =
    R"({"MetricDataResults": [{"Id": "m1", "Label": "RequestCount", "StatusCode": "Complete",
        "Timestamps": ["2024-02-05T00:10:00Z", "2024-02-05T00:05:00Z", "2024-02-05T00:00:00Z"],
        "Values": [3000, 3300, 2700]}], "Messages": []})";
constexpr const char* kPricesJson =
    R"({"SpotPriceHistory": [{"AvailabilityZone": "eu-west-1a", "InstanceType": "m5.large",
        "ProductDescription": "Linux/UNIX", "SpotPrice": "0.036900", "Timestamp": "2024-02-05T00:00:00+00:00"}]})";
constexpr const char* kPricesCsv =
    "Timestamp,InstanceType,SpotPrice,AvailabilityZone\n2024-02-05T00:00:00Z,m5.large,0.0369,eu-west-1a\n";

void write_file(const fs::path& file, std::string_view bytes) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// A folder of this process's own, created on first use and removed at exit. Its fixed files (the
// sweep's base, the scenario's traces) are written once; fuzz inputs overwrite their own file.
const fs::path& scratch() {
  static const fs::path dir = [] {
    fs::path d = fs::temp_directory_path() / ("spotsim-fuzz-" + std::to_string(::getpid()));
    fs::remove_all(d);
    fs::create_directories(d / "scenario");
    fs::create_directories(d / "sweep");
    fs::create_directories(d / "aws");
    write_file(d / "sweep" / "base.json", kSweepBase);
    write_file(d / "scenario" / "trace.csv", kTraceCsv);
    write_file(d / "scenario" / "requests.json", kRequestsJson);
    write_file(d / "scenario" / "prices.json", kPricesJson);
    write_file(d / "scenario" / "prices.csv", kPricesCsv);
    static const std::string keep = d.string();
    std::atexit([] {
      std::error_code ec;
      fs::remove_all(keep, ec);
    });
    return d;
  }();
  return dir;
}

std::string_view bytes_of(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// A load-trace input: an optional first line "#spec {...}" (the spec's other keys, plus the
// harness's "scale" and "loop"), then the file. The source key always names the file.
int load_trace_input(std::string_view input, const char* source_key, const char* file_name) {
  nlohmann::json spec = nlohmann::json::object();
  double scale = 1;
  bool loop = false;
  if (input.substr(0, 6) == "#spec ") {
    const auto end = input.find('\n');
    const auto parsed = nlohmann::json::parse(input.substr(6, end == std::string_view::npos ? end : end - 6), nullptr,
                                              /*allow_exceptions=*/false);
    input = end == std::string_view::npos ? std::string_view() : input.substr(end + 1);
    if (parsed.is_object()) spec = parsed;
    if (spec.contains("scale") && spec["scale"].is_number()) scale = spec["scale"].get<double>();
    if (spec.contains("loop") && spec["loop"].is_boolean()) loop = spec["loop"].get<bool>();
    spec.erase("scale");
    spec.erase("loop");
    for (const char* other : {"csv", "cloudwatch", "albAccessLogs", "synthetic", "rps"}) spec.erase(other);
  }
  spec[source_key] = file_name;
  const fs::path dir = scratch();
  write_file(dir / file_name, input);
  try {
    (void)read_load_trace(spec, "fuzz.json", "/workload/traffic/0/requests", dir, /*start 2024-02-05*/ 1707091200000,
                          days(7), scale, loop, /*seed=*/1, "workload.traffic/fuzz", /*replication=*/0);
  } catch (const InputError&) {
  }
  return 0;
}

}  // namespace

int fuzz_scenario(const std::uint8_t* data, std::size_t size) {
  try {
    (void)load_scenario_text(bytes_of(data, size), "fuzz.json", scratch() / "scenario");
  } catch (const InputError&) {
  }
  return 0;
}

int fuzz_sweep(const std::uint8_t* data, std::size_t size) {
  const fs::path file = scratch() / "sweep" / "sweep.json";
  write_file(file, bytes_of(data, size));
  try {
    const SweepDefinition definition = read_sweep_file(file);
    std::size_t points = 1;
    for (const auto& axis : definition.axes) {
      points *= axis.second.size();
      if (points > kMaxFuzzSweepPoints) return 0;
    }
    (void)make_sweep(definition, SweepOptions{});
  } catch (const InputError&) {
  }
  return 0;
}

int fuzz_csv_trace(const std::uint8_t* data, std::size_t size) {
  return load_trace_input(bytes_of(data, size), "csv", "trace.csv");
}

int fuzz_cloudwatch_trace(const std::uint8_t* data, std::size_t size) {
  return load_trace_input(bytes_of(data, size), "cloudwatch", "requests.json");
}

int fuzz_spot_price_history(const std::uint8_t* data, std::size_t size) {
  const fs::path file = scratch() / "prices.json";
  write_file(file, bytes_of(data, size));
  try {
    (void)read_spot_price_history_json(file, "prices.json", /*2024-02-05*/ 1707091200000);
  } catch (const InputError&) {
  }
  return 0;
}

int fuzz_spot_price_csv(const std::uint8_t* data, std::size_t size) {
  const fs::path file = scratch() / "prices.csv";
  write_file(file, bytes_of(data, size));
  try {
    (void)read_spot_price_csv(file, "prices.csv", /*2024-02-05*/ 1707091200000);
  } catch (const InputError&) {
  }
  return 0;
}

int fuzz_import_aws(const std::uint8_t* data, std::size_t size) {
  constexpr std::size_t kMaxFiles = 8;
  std::string_view input = bytes_of(data, size);
  std::vector<fs::path> files;
  const fs::path dir = scratch() / "aws";
  while (files.size() < kMaxFiles) {
    const auto at = files.size() + 1 == kMaxFiles ? std::string_view::npos : input.find(kFileSeparator);
    const fs::path file = dir / ("describe-" + std::to_string(files.size()) + ".json");
    write_file(file, input.substr(0, at));
    files.push_back(file);
    if (at == std::string_view::npos) break;
    input.remove_prefix(at + kFileSeparator.size());
  }
  AwsImportOptions options;
  options.output_dir = dir;
  try {
    (void)import_aws(files, options);
  } catch (const InputError&) {
  }
  return 0;
}

int fuzz_import_terraform(const std::uint8_t* data, std::size_t size) {
  const fs::path file = scratch() / "plan.json";
  write_file(file, bytes_of(data, size));
  try {
    (void)import_terraform_plan(file);
  } catch (const InputError&) {
  }
  return 0;
}

const std::vector<FuzzTarget>& fuzz_targets() {
  static const std::vector<FuzzTarget> targets = {
      {"scenario", fuzz_scenario},
      {"sweep", fuzz_sweep},
      {"csv_trace", fuzz_csv_trace},
      {"cloudwatch_trace", fuzz_cloudwatch_trace},
      {"spot_price_history", fuzz_spot_price_history},
      {"spot_price_csv", fuzz_spot_price_csv},
      {"import_aws", fuzz_import_aws},
      {"import_terraform", fuzz_import_terraform},
  };
  return targets;
}

}  // namespace spotsim::fuzz
