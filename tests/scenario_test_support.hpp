#pragma once
// Loading scenario documents in-process and finding the problems the loader reports, for the tests
// of tools/scenario*.cpp. Documents are named "test.json" in messages.
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/tools_test_support.hpp"
#include "tools/scenario.hpp"

namespace spotsim::test {

inline Scenario load(const nlohmann::json& doc) { return load_scenario(doc, "test.json", fs::current_path()); }

// The repository's default scenario, scenarios/demo-api-prod.json, loaded.
inline Scenario demo_scenario() {
  return load_scenario_file(fs::path(SPOTSIM_SOURCE_DIR) / "scenarios" / "demo-api-prod.json");
}

// The messages of the InputError that loading `doc` throws ("" if it loads).
inline std::string problems(const nlohmann::json& doc) {
  try {
    load(doc);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

// Does loading `doc` report an error at `pointer` whose message contains `part`?
inline bool has_problem_at(const nlohmann::json& doc, const std::string& pointer, const std::string& part = "") {
  const std::string p = problems(doc);
  const auto at = p.find("test.json: " + pointer + ": error: ");
  INFO(p);
  return at != std::string::npos && (part.empty() || p.find(part, at) != std::string::npos);
}

}  // namespace spotsim::test
