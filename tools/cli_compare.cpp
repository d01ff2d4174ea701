// `spotsim compare BASE [VARIANT]` (contract.md "Command line"; tools/compare.hpp): the pair is
// loaded and checked, the output folder checked, and only then do the runs start.
#include <filesystem>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "tools/cli.hpp"
#include "tools/cli_commands.hpp"
#include "tools/compare.hpp"
#include "tools/input_error.hpp"
#include "tools/results_writer.hpp"

namespace spotsim {
namespace {

struct CompareOptions {
  std::string base, variant, terraform_plan, duration, mode = "fluid", output, report;
  std::vector<std::string> set;
  std::uint64_t seed = 0;
  int replications = 10;
  int jobs = 0;
  bool json = false;
  bool independent_seeds = false;
};

}  // namespace

CliCommand add_compare_command(CLI::App& app) {
  auto o = std::make_shared<CompareOptions>();
  CliCommand c;
  c.app = app.add_subcommand("compare", "paired what-if: a base and a variant over the same replications");
  CLI::App& a = *c.app;
  a.add_option("base", o->base, "base scenario file")->required()->type_name("FILE");
  a.add_option("variant", o->variant, "variant scenario file (or use --set or --terraform-plan)")->type_name("FILE");
  a.add_option("--set", o->set, "the variant is BASE with these changes; repeatable")->allow_extra_args(false)->type_name("PATH=VALUE");
  a.add_option("--terraform-plan", o->terraform_plan,
               "terraform show -json output: base = prior state, variant = planned values")
      ->type_name("PLAN.json");
  a.add_option("--replications", o->replications, "replications of each (at least 2; default 10)")->type_name("N");
  a.add_option("--seed", o->seed, "master seed of both (default: BASE's)")->check(seed_validator())->type_name("N");
  a.add_option("--duration", o->duration, "simulated time of both, e.g. 7d, 36h")->type_name("DURATION");
  a.add_option("--mode", o->mode, "traffic model (default fluid)")->check(CLI::IsMember({"fluid", "per-request"}));
  a.add_option("-j,--jobs", o->jobs, "worker threads (default: all cores)")->check(CLI::NonNegativeNumber)->type_name("N");
  a.add_flag("--json", o->json, "print every figure as JSON instead of the table");
  a.add_option("-o,--output", o->output, "write the JSON of every figure to FILE (atomically)")->type_name("FILE");
  a.add_option("--report", o->report,
               "write DIR/report.html with DIR/compare.json and the first replication of each as DIR/base/ and DIR/variant/")
      ->type_name("DIR");
  a.add_flag("--independent-seeds", o->independent_seeds,
             "variant replications n..2n-1 instead of the base's (shows what common random numbers buy)");

  c.run = [o, &a](std::ostream& out, std::ostream&) {
    CompareInputs in;
    in.base_file = o->base;
    if (a.count("variant")) in.variant_file = o->variant;
    in.set = o->set;
    if (a.count("--terraform-plan")) in.terraform_plan = o->terraform_plan;
    if (a.count("--seed")) in.seed = o->seed;
    if (a.count("--duration")) in.duration = o->duration;
    CompareSettings settings;
    settings.replications = o->replications;
    settings.mode = o->mode == "per-request" ? TrafficMode::per_request : TrafficMode::fluid;
    settings.jobs = o->jobs;
    settings.independent_seeds = o->independent_seeds;
    if (settings.replications < 2)
      throw InputError("spotsim compare", "--replications",
                       "expected 2 or more replications (a confidence interval needs two), found " +
                           std::to_string(settings.replications));

    // Everything is checked before the runs: a bad output path must not waste them.
    const ComparePair pair = load_compare_pair(in);
    check_traffic_mode(pair.base, settings.mode, in.base_file);
    check_traffic_mode(pair.variant, settings.mode, in.variant_file ? *in.variant_file : in.base_file);
    if (!o->output.empty()) {
      const std::filesystem::path file = o->output;
      const std::filesystem::path folder = file.parent_path().empty() ? "." : file.parent_path();
      std::error_code ec;
      if (!std::filesystem::is_directory(folder, ec))
        throw InputError(file.generic_string(), "", "cannot write here: the folder " + folder.generic_string() + " does not exist");
      if (std::filesystem::is_directory(file, ec))
        throw InputError(file.generic_string(), "", "cannot write here: it is a folder (expected a file name)");
    }

    if (!o->report.empty()) {
      std::error_code ec;
      if (std::filesystem::exists(o->report, ec) && !std::filesystem::is_directory(o->report, ec))
        throw InputError(o->report, "", "cannot write the report here: a file is in the way (expected a folder)");
    }

    const Comparison comparison = run_comparison(pair, settings);
    if (!o->output.empty()) write_file_atomically(o->output, comparison_json(comparison));
    if (!o->report.empty()) write_compare_report(o->report, pair, settings, comparison);
    if (o->json && o->output.empty())
      out << comparison_json(comparison);
    else
      out << comparison_table(comparison);
    return kExitOk;
  };
  return c;
}

}  // namespace spotsim
