#include "tools/cli.hpp"

#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "spotsim/version.hpp"
#include "tools/cli_commands.hpp"
#include "tools/default_scenario.hpp"
#include "tools/input_error.hpp"
#include "tools/report.hpp"
#include "tools/results_writer.hpp"
#include "tools/scenario.hpp"
#include "tools/sweep.hpp"
#include "tools/text_input.hpp"

namespace spotsim {
namespace {

struct RunOptions {
  std::string scenario;  // empty: the embedded default
  std::string output;
  std::vector<std::string> set;
  std::uint64_t seed = 0;
  std::string duration;
  int replications = 1;
  std::string mode = "fluid";
  int jobs = 0;
  bool events = false;
  bool quiet = false;
};

void print_diagnostics(std::ostream& os, const std::vector<Diagnostic>& ds) {
  for (const auto& d : ds) os << d.str() << "\n";
}

using text_input::format_fixed;

int run_command(const RunOptions& o, CLI::App& run_app, std::ostream& out, std::ostream& err) {
  if (o.replications != 1)
    throw CLI::ValidationError("--replications", "only 1 is supported for now (replications come with sweeps)");

  ScenarioOptions options;
  options.set = o.set;
  if (run_app.count("--seed")) options.seed = o.seed;
  if (run_app.count("--duration")) options.duration = o.duration;
  // Everything is loaded and checked before the results folder is created: bad input writes nothing.
  Scenario scenario =
      o.scenario.empty()
          ? load_scenario_text(default_scenario_json(), "demo-api-prod.json (embedded default scenario)",
                               std::filesystem::current_path(), options)
          : load_scenario_file(o.scenario, options);
  scenario.world.traffic_mode = o.mode == "per-request" ? TrafficMode::per_request : TrafficMode::fluid;
  check_traffic_mode(scenario, scenario.world.traffic_mode,
                     o.scenario.empty() ? "demo-api-prod.json (embedded default scenario)" : o.scenario);
  const std::filesystem::path dir = o.output.empty() ? std::filesystem::path("results") / scenario.name
                                                     : std::filesystem::path(o.output);
  if (!o.quiet) {
    out << "spotsim " << kVersion << ": scenario " << scenario.name << " ("
        << (o.scenario.empty() ? "embedded default" : o.scenario) << "), seed " << scenario.world.seed << "\n";
    print_diagnostics(err, scenario.warnings);
    if (!scenario.not_simulated.empty())
      out << "not simulated yet (accepted and type-checked only): " << text_input::join(scenario.not_simulated) << "\n";
  }

  const auto wall_start = std::chrono::steady_clock::now();
  // --events: events.jsonl streams into the results folder while the world runs.
  std::unique_ptr<EventLogFile> events;
  // The world is gone before the results are written and read back for the report: a long run's
  // world (every task and instance record) and the report's copy of the timeseries never add up.
  const RunResult result = [&] {
    World world(scenario.world);
    if (o.events) {
      events = std::make_unique<EventLogFile>(dir, scenario.world.start_epoch_ms);
      world.set_event_log(&events->log());
    }
    return world.run();
  }();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  write_results(dir, scenario, result, events.get());
  const std::filesystem::path report = write_report(dir);  // from the files just written (tools/report.hpp)

  if (!o.quiet) {
    const double sim_days = static_cast<double>(scenario.world.duration) / static_cast<double>(days(1));
    out << "simulated " << format_fixed(sim_days, 2) << " days: " << result.engine.events << " events ("
        << result.engine.stale_events << " stale) in " << format_fixed(wall, 3) << " s wall";
    if (wall > 0) out << ", " << format_fixed(sim_days / wall, 1) << " simulated days per wall second";
    out << "\n";
    out << "cost: $" << format_fixed(result.cost.total_usd(), 2) << " (spot $"
        << format_fixed(result.cost.spot_usd, 2) << ", On-Demand $" << format_fixed(result.cost.on_demand_usd, 2)
        << "); all On-Demand: $" << format_fixed(result.cost.baseline_usd, 2) << ", savings ratio "
        << format_fixed(result.cost.savings_ratio(), 2) << "\n";
    out << "results: " << dir.generic_string() << (dir.generic_string().ends_with("/") ? "" : "/") << "\n";
    out << "report: " << report.generic_string() << "\n";
  }
  return kExitOk;
}

int validate_command(const std::vector<std::string>& files, std::ostream& out) {
  bool any_error = false;
  for (const auto& file : files) {
    try {
      // A sweep file: its base and every grid point's scenario load.
      if (is_sweep_file(file)) {
        const Sweep sweep = load_sweep_file(file);
        print_diagnostics(out, sweep.warnings);
        out << file << ": ok (sweep: " << sweep.header.points << " grid points x " << sweep.header.replications
            << " replications = " << sweep.header.runs << " runs)\n";
        continue;
      }
      const Scenario s = load_scenario_file(file);
      print_diagnostics(out, s.warnings);
      out << file << ": ok";
      if (!s.warnings.empty()) out << " (" << s.warnings.size() << (s.warnings.size() == 1 ? " warning)" : " warnings)");
      out << "\n";
    } catch (const InputError& e) {
      print_diagnostics(out, e.diagnostics());
      any_error = true;
    }
  }
  return any_error ? kExitBadInput : kExitOk;
}

int dispatch(int argc, char** argv, std::ostream& out, std::ostream& err) {
  CLI::App app{"spotsim: a discrete-event simulator of spot-backed Amazon ECS clusters", "spotsim"};
  app.set_version_flag("--version", std::string("spotsim ") + kVersion);
  app.require_subcommand(1);

  RunOptions run;
  CLI::App* run_app = app.add_subcommand("run", "simulate one scenario and write a results folder");
  run_app->add_option("scenario", run.scenario, "scenario file (default: the embedded demo-api-prod)")->type_name("FILE");
  run_app->add_option("-o,--output", run.output, "results folder (default: results/<scenario name>/)")->type_name("DIR");
  run_app->add_option("--seed", run.seed, "master random seed (overrides the scenario's)")->check(seed_validator())->type_name("N");
  run_app->add_option("--set", run.set, "change the scenario (PATH: JSON pointer or dotted path); repeatable")
      ->allow_extra_args(false)
      ->type_name("PATH=VALUE");
  run_app->add_option("--duration", run.duration, "simulated time, e.g. 7d, 36h, 90m (overrides the scenario's)")->type_name("DURATION");
  run_app->add_option("--replications", run.replications, "only 1: replications are what compare and sweep run")->type_name("N");
  run_app->add_option("--mode", run.mode, "traffic model (default fluid)")->check(CLI::IsMember({"fluid", "per-request"}));
  run_app->add_option("-j,--jobs", run.jobs, "accepted for symmetry with sweep and compare: a run uses one thread")->type_name("N");
  run_app->add_flag("--events", run.events, "also write events.jsonl: every state change, one JSON object per line");
  run_app->add_flag("--quiet", run.quiet, "print nothing on success");

  std::vector<std::string> validate_files;
  CLI::App* validate_app =
      app.add_subcommand("validate", "check scenario and sweep files without running them: every error and warning");
  validate_app->add_option("files", validate_files, "scenario or sweep files (a sweep file: its base and every grid point)")
      ->required()
      ->type_name("FILE");

  // Every other command, each in its own file (tools/cli_commands.hpp).
  const CliCommand commands[] = {add_sweep_command(app),   add_merge_command(app),  add_compare_command(app),
                                 add_import_command(app),  add_report_command(app), add_check_command(app)};

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e, out, err);
    return code == 0 ? kExitOk : kExitBadInput;
  }

  try {
    if (*run_app) return run_command(run, *run_app, out, err);
    if (*validate_app) return validate_command(validate_files, out);
    for (const CliCommand& c : commands)
      if (*c.app) return c.run(out, err);
  } catch (const CLI::ParseError& e) {
    err << "spotsim: " << e.what() << "\n";
    return kExitBadInput;
  }
  err << "spotsim: no command chosen\n";  // require_subcommand(1) makes this unreachable
  return kExitBadInput;
}

}  // namespace

CLI::Validator seed_validator() {
  return CLI::Validator(
      [](std::string& value) {
        // Seeds are non-negative JSON integers up to 2^63 - 1 in scenario files too.
        const bool ok = !value.empty() && value.size() <= 19 &&
                        value.find_first_not_of("0123456789") == std::string::npos &&
                        (value.size() < 19 || value <= "9223372036854775807");
        return ok ? std::string() : "expected an integer from 0 to 9223372036854775807, found \"" + value + "\"";
      },
      "SEED");
}

CliCommand not_implemented_command(CLI::App& app, const char* name, const char* what) {
  CliCommand c;
  c.app = app.add_subcommand(name, std::string(what) + " (not implemented yet)");
  c.app->allow_extras();
  const std::string command = name;
  c.run = [command](std::ostream&, std::ostream& err) {
    err << "spotsim " << command << ": not implemented yet\n";
    return kExitBadInput;
  };
  return c;
}

int run_cli(int argc, char** argv, std::ostream& out, std::ostream& err) {
  try {
    return dispatch(argc, argv, out, err);
  } catch (const InputError& e) {
    print_diagnostics(err, e.diagnostics());
    return kExitBadInput;
  } catch (const std::exception& e) {
    err << "spotsim: internal error (a bug): " << e.what() << "\n";
    return kExitInternalError;
  } catch (...) {
    err << "spotsim: internal error (a bug): unknown exception\n";
    return kExitInternalError;
  }
}

int run_cli(int argc, char** argv) { return run_cli(argc, argv, std::cout, std::cerr); }

}  // namespace spotsim
