#pragma once
// `spotsim check DIR` (contract.md "Command line"; issue 6): a results folder's figures against
// thresholds, the CI gate. DIR holds one run's summary.json (results/README.md) or a sweep's
// aggregate summary.json, recognised by its "points" (each point's mean is checked and the point is
// named by its axis settings). Each threshold × point is one check; the reports are a line per
// check, JUnit XML (what GitHub Actions, GitLab and Jenkins show as test results) and a Markdown
// table (for $GITHUB_STEP_SUMMARY).
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace spotsim {

// contract.md "Exit codes": 1 when a threshold is breached (tools/cli.hpp has the others).
inline constexpr int kExitCheckBreached = 1;

struct Threshold {
  enum class Kind { max, min };  // the figure must be ≤ limit / ≥ limit
  std::string figure;            // summary_figures' dotted name
  Kind kind = Kind::max;
  double limit = 0;
};

// "FIGURE=VALUE" of --max/--min (`option` names the option in messages). Throws InputError for no
// '=', an empty figure or a value that is not a finite number.
Threshold parse_threshold(std::string_view argument, Threshold::Kind kind, const std::string& option);

struct CheckOutcome {
  Threshold threshold;
  std::string point;  // "" for one run; for a sweep "point 3 (/axis/a=1, /axis/b=50)"
  double value = 0;   // NaN when summary.json has null (e.g. no latency without requests): a breach
  bool passed() const;
};

struct CheckReport {
  std::string dir;       // as the user named it
  std::string scenario;  // summary.json's "scenario" ("" when absent)
  bool sweep = false;
  std::vector<CheckOutcome> outcomes;  // thresholds in order, each over every point
  int failures() const;
};

// Reads DIR/summary.json and checks each threshold. Throws InputError for a DIR without
// summary.json, a summary.json that is not JSON or not a summary, no threshold, and a figure the
// summary does not have (naming the closest figures it does have).
CheckReport check_results(const std::filesystem::path& dir, const std::vector<Threshold>& thresholds);

// "PASS requests.drop_rate = 0.0001 <= 0.001" per check, then a total line.
std::string check_lines(const CheckReport& report);
// One <testsuites>/<testsuite>, one <testcase> per check, <failure message=…> for a breach.
std::string junit_xml(const CheckReport& report);
// A heading and a table of the checks, for a CI job summary.
std::string markdown_summary(const CheckReport& report);

// XML's five predefined entities, and control characters XML 1.0 cannot carry replaced by '?'.
std::string xml_escape(std::string_view text);

// Up to `count` of `names` closest to `wanted` (edit distance; names containing it first).
std::vector<std::string> closest_names(const std::string& wanted, const std::vector<std::string>& names, std::size_t count);

}  // namespace spotsim
