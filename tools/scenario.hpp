#pragma once
// Scenario files (contract.md "Scenario file"): the user's AWS resources in the shapes the AWS CLI
// prints, plus spotsim's own blocks (market, ec2, workload), turned into a WorldConfig. Unknown AWS
// fields are ignored so real CLI output can be pasted; unknown spotsim fields, wrong types and
// out-of-range values are errors naming the JSON pointer. Loading collects every problem and throws
// one InputError listing them all; nothing is simulated or written from a scenario that has one.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/world.hpp"
#include "tools/input_error.hpp"

namespace spotsim {

struct Scenario {
  std::string name, description;
  WorldConfig world;
  nlohmann::json resolved;                 // the input with the defaults spotsim applied filled in
  std::vector<std::string> not_simulated;  // blocks present in the file that later issues simulate
  std::vector<Diagnostic> warnings;        // known spot pitfalls (contract.md `validate`)
};

// Maps a parsed document. `file` names it in messages; relative trace paths resolve against
// `base_dir`. Throws InputError listing every problem found (warnings included).
Scenario load_scenario(const nlohmann::json& doc, const std::string& file, const std::filesystem::path& base_dir);

// Per-request mode simulates every request one by one (~10 M a second): a scenario whose offered
// requests (every traffic source's rate integrated over the duration) exceed this would run for
// many minutes to years, and its counts could pass 2^64. It is refused as bad input instead.
inline constexpr double kMaxPerRequestRequests = 1e10;

// Throws InputError (file, "--mode") when `mode` is per-request and the scenario offers more than
// kMaxPerRequestRequests requests, naming the count and the ways out (fluid mode, a shorter --duration).
void check_traffic_mode(const Scenario& scenario, TrafficMode mode, const std::string& file);

// What the command line changes in a scenario before it is loaded.
struct ScenarioOptions {
  std::vector<std::string> set;          // "PATH=VALUE", applied in order
  std::optional<std::uint64_t> seed;     // --seed
  std::optional<std::string> duration;   // --duration
};

// Parses JSON text; a syntax error is an InputError at "line L, column C". Comments (// and /* */)
// are allowed, as contract.md writes scenarios in jsonc.
nlohmann::json parse_json_text(std::string_view text, const std::string& file);

// Reads, parses, applies the options and loads. An unreadable file or a folder is an InputError.
Scenario load_scenario_file(const std::filesystem::path& file, const ScenarioOptions& options = {});
// Same for text already in memory (the embedded default scenario).
Scenario load_scenario_text(std::string_view text, const std::string& display_name,
                            const std::filesystem::path& base_dir, const ScenarioOptions& options = {});

}  // namespace spotsim
