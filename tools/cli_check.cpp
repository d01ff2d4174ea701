// `spotsim check DIR` (contract.md "Command line"; tools/check.hpp): exit 0 when every threshold
// holds, 1 when one is breached, 2 for bad input (nothing written then).
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "tools/check.hpp"
#include "tools/cli.hpp"
#include "tools/cli_commands.hpp"
#include "tools/input_error.hpp"
#include "tools/results_writer.hpp"

namespace spotsim {
namespace {

struct CheckOptions {
  std::string dir, junit, markdown;
  double max_drop_rate = 0, max_cost_usd = 0, min_savings_ratio = 0;
  std::vector<std::string> max, min;
};

Threshold shorthand(const char* option, const char* figure, Threshold::Kind kind, double limit) {
  if (!std::isfinite(limit)) throw InputError(option, "", "expected a finite number, found " + std::to_string(limit));
  return {figure, kind, limit};
}

// GitHub Actions' job summary: a file whose Markdown the run's page shows; steps append to it.
void append_to_step_summary(const std::string& file, const std::string& markdown) {
  std::ofstream out(file, std::ios::binary | std::ios::app);
  out << markdown;
  if (!out) throw InputError(file, "", "cannot append to GITHUB_STEP_SUMMARY's file");
}

}  // namespace

CliCommand add_check_command(CLI::App& app) {
  auto o = std::make_shared<CheckOptions>();
  CliCommand c;
  c.app = app.add_subcommand("check", "check a results folder's figures against thresholds (exit 1 on a breach)");
  CLI::App& a = *c.app;
  a.add_option("dir", o->dir, "results folder of a run, or of a sweep (each grid point's mean is checked)")
      ->required()
      ->type_name("DIR");
  a.add_option("--max-drop-rate", o->max_drop_rate, "requests.drop_rate at most X (same as --max requests.drop_rate=X)")
      ->type_name("X");
  a.add_option("--max-cost-usd", o->max_cost_usd, "cost.total_usd at most X (same as --max cost.total_usd=X)")
      ->type_name("X");
  a.add_option("--min-savings-ratio", o->min_savings_ratio,
               "cost.savings_ratio at least X (same as --min cost.savings_ratio=X)")
      ->type_name("X");
  a.add_option("--max", o->max, "a figure of summary.json by its dotted name must be at most VALUE; repeatable")
      ->allow_extra_args(false)
      ->type_name("FIGURE=VALUE");
  a.add_option("--min", o->min, "a figure of summary.json by its dotted name must be at least VALUE; repeatable")
      ->allow_extra_args(false)
      ->type_name("FIGURE=VALUE");
  a.add_option("--junit", o->junit, "also write JUnit XML to FILE: one testcase per threshold and point (CI test reports)")
      ->type_name("FILE");
  a.add_option("--markdown", o->markdown,
               "also write a Markdown table to FILE (without it: appended to $GITHUB_STEP_SUMMARY when that is set)")
      ->type_name("FILE");

  c.run = [o, &a](std::ostream& out, std::ostream&) {
    std::vector<Threshold> thresholds;
    if (a.count("--max-drop-rate"))
      thresholds.push_back(shorthand("--max-drop-rate", "requests.drop_rate", Threshold::Kind::max, o->max_drop_rate));
    if (a.count("--max-cost-usd"))
      thresholds.push_back(shorthand("--max-cost-usd", "cost.total_usd", Threshold::Kind::max, o->max_cost_usd));
    if (a.count("--min-savings-ratio"))
      thresholds.push_back(shorthand("--min-savings-ratio", "cost.savings_ratio", Threshold::Kind::min, o->min_savings_ratio));
    for (const auto& m : o->max) thresholds.push_back(parse_threshold(m, Threshold::Kind::max, "--max"));
    for (const auto& m : o->min) thresholds.push_back(parse_threshold(m, Threshold::Kind::min, "--min"));

    const CheckReport report = check_results(o->dir, thresholds);
    if (!o->junit.empty()) write_file_atomically(o->junit, junit_xml(report));
    if (!o->markdown.empty()) {
      write_file_atomically(o->markdown, markdown_summary(report));
    } else if (const char* step_summary = std::getenv("GITHUB_STEP_SUMMARY"); step_summary != nullptr && *step_summary != '\0') {
      append_to_step_summary(step_summary, markdown_summary(report));
    }
    out << check_lines(report);
    return report.failures() == 0 ? kExitOk : kExitCheckBreached;
  };
  return c;
}

}  // namespace spotsim
