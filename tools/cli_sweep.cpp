// `spotsim sweep` and `spotsim merge` (contract.md "Command line", "Sweep file"; tools/sweep.hpp).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <ostream>

#include "spotsim/version.hpp"
#include "tools/cli.hpp"
#include "tools/cli_commands.hpp"
#include "tools/sweep.hpp"

namespace spotsim {
namespace {

struct SweepCommandOptions {
  std::string file;
  std::string output;
  std::vector<std::string> set;
  std::string duration;
  std::string mode = "fluid";
  int jobs = 0;
  std::string shard;
  int shard_count = 0;
  bool resume = false;
  bool quiet = false;
  bool progress = false;
};

std::string folder_text(const std::filesystem::path& dir) {
  std::string s = dir.generic_string();
  return s.ends_with("/") ? s : s + "/";
}

// The shard: --shard, else the array job's environment, else the whole sweep.
ShardSource choose_shard(const SweepCommandOptions& o, const CLI::App& app) {
  const bool count_given = app.count("--shard-count") > 0;
  if (app.count("--shard")) {
    if (count_given)
      throw CLI::ValidationError("--shard-count", "goes with JOB_COMPLETION_INDEX only; --shard K/N gives the count already");
    return {parse_shard(o.shard), "--shard"};
  }
  const auto from_env = shard_from_environment(count_given ? std::optional<int>(o.shard_count) : std::nullopt,
                                               [](const char* name) { return std::getenv(name); });
  if (count_given && (!from_env || !from_env->source.starts_with("JOB_COMPLETION_INDEX")))
    throw CLI::ValidationError("--shard-count", "goes with JOB_COMPLETION_INDEX (Kubernetes Indexed Jobs), which is not set here");
  return from_env.value_or(ShardSource{Shard{}, ""});
}

int sweep_command(const SweepCommandOptions& o, const CLI::App& app, std::ostream& out, std::ostream& err) {
  SweepOptions options;
  options.set = o.set;
  if (app.count("--duration")) options.duration = o.duration;
  options.mode = o.mode == "per-request" ? TrafficMode::per_request : TrafficMode::fluid;
  // Everything is checked before the folder is touched: the sweep file, every grid point, the shard.
  Sweep sweep = load_sweep_file(o.file, options);
  const ShardSource shard = choose_shard(o, app);
  SweepHeader& h = sweep.header;
  h.shard = shard.shard;
  const std::filesystem::path dir = o.output.empty()
                                        ? std::filesystem::path("results") / std::filesystem::path(o.file).stem()
                                        : std::filesystem::path(o.output);
  SweepTable table = prepare_sweep_folder(dir, h, o.resume);

  const std::vector<std::size_t> runs = h.shard_runs();
  std::vector<std::size_t> pending;
  for (const std::size_t run : runs)
    if (!table.has(run)) pending.push_back(run);
  if (!o.quiet) {
    out << "spotsim " << kVersion << ": sweep " << h.sweep << " over " << h.scenario << ": " << h.points
        << (h.points == 1 ? " point" : " points") << " x " << h.replications << " replications = " << h.runs
        << " runs, seed " << h.seed << "\n";
    for (const Diagnostic& w : sweep.warnings) err << w.str() << "\n";
    if (!h.shard.whole())
      out << "shard " << h.shard.str() << " (from " << shard.source << "): " << runs.size() << " of the runs\n";
    if (pending.size() != runs.size())
      out << "resuming: " << runs.size() - pending.size() << " of " << runs.size() << " runs already done\n";
  }

  const auto wall_start = std::chrono::steady_clock::now();
  SweepProgress progress(err, progress_wanted(o.progress) && (o.progress || !o.quiet), runs.size(), table.size());
  std::mutex table_mutex;
  run_sweep(sweep, pending, o.jobs, [&](std::size_t run, const std::string& summary) {
    const std::string text = run_file_json(h, run, summary);
    write_run_file(dir, run, text);
    {
      const std::lock_guard<std::mutex> lock(table_mutex);
      table.add(run, text, run_file_name(run));
    }
    progress.run_done();
  });
  progress.finish();
  write_sweep_results(dir, table);

  if (!o.quiet) {
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
    char line[160];
    std::snprintf(line, sizeof line, "ran %zu runs in %.2f s wall", pending.size(), wall);
    out << line;
    if (wall > 0 && !pending.empty()) {
      std::snprintf(line, sizeof line, " (%.1f runs/s)", static_cast<double>(pending.size()) / wall);
      out << line;
    }
    out << "\nresults: " << folder_text(dir) << (h.shard.whole() ? "" : " (this shard's runs; `spotsim merge` the shards)")
        << "\n";
  }
  return kExitOk;
}

}  // namespace

CliCommand add_sweep_command(CLI::App& app) {
  auto o = std::make_shared<SweepCommandOptions>();
  CliCommand c;
  c.app = app.add_subcommand("sweep", "run a grid of settings x replications in parallel; --shard K/N, --resume");
  CLI::App& s = *c.app;
  s.add_option("sweep", o->file, "sweep file ({\"spotsim_sweep\": 1, \"base\": ..., \"axes\": ...})")
      ->required()
      ->type_name("FILE");
  s.add_option("-o,--output", o->output,
               "the sweep folder (default: results/<sweep file name>/); an existing one needs --resume")
      ->type_name("DIR");
  s.add_option("--set", o->set, "change the base scenario before the axes apply (JSON pointer or dotted path); repeatable")
      ->allow_extra_args(false)
      ->type_name("PATH=VALUE");
  s.add_option("--duration", o->duration, "simulated time of every run, e.g. 7d, 36h (overrides the scenario's)")
      ->type_name("DURATION");
  s.add_option("--mode", o->mode, "traffic model of every run (default fluid)")->check(CLI::IsMember({"fluid", "per-request"}));
  s.add_option("-j,--jobs", o->jobs, "worker threads (default: all cores; the output is the same on any number)")
      ->check(CLI::NonNegativeNumber);
  s.add_option("--shard", o->shard,
               "run shard K of N (1 <= K <= N): the runs whose index % N == K - 1 (default: from the Slurm, AWS "
               "Batch or Kubernetes array job's environment, else every run)")
      ->type_name("K/N");
  s.add_option("--shard-count", o->shard_count,
               "the number of shards of a Kubernetes Indexed Job, with JOB_COMPLETION_INDEX (or SPOTSIM_SHARD_COUNT)")
      ->check(CLI::Range(1, 1'000'000));
  s.add_flag("--resume", o->resume, "finish an interrupted sweep in its folder, skipping the finished runs");
  s.add_flag("--quiet", o->quiet, "print nothing on success");
  s.add_flag("--progress", o->progress, "show progress even when stderr is not a terminal or CI=true");
  const CLI::App* self = c.app;
  c.run = [o, self](std::ostream& out, std::ostream& err) { return sweep_command(*o, *self, out, err); };
  return c;
}

CliCommand add_merge_command(CLI::App& app) {
  struct MergeOptions {
    std::vector<std::string> dirs;
    std::string output;
    bool quiet = false;
  };
  auto o = std::make_shared<MergeOptions>();
  CliCommand c;
  c.app = app.add_subcommand("merge", "merge the shard folders of one sweep into one, identical to an unsharded run");
  c.app->add_option("dirs", o->dirs, "shard folders (spotsim sweep --shard K/N -o DIR)")->required()->type_name("DIR");
  c.app->add_option("-o,--output", o->output, "the merged folder (must not exist or be empty)")
      ->required()
      ->type_name("DIR");
  c.app->add_flag("--quiet", o->quiet, "print nothing on success");
  c.run = [o](std::ostream& out, std::ostream&) {
    std::vector<std::filesystem::path> dirs(o->dirs.begin(), o->dirs.end());
    const SweepHeader h = merge_sweep_folders(dirs, o->output);
    if (!o->quiet)
      out << "merged " << dirs.size() << (dirs.size() == 1 ? " folder" : " folders") << ": " << h.runs << " runs of sweep "
          << h.sweep << "\nresults: " << folder_text(o->output) << "\n";
    return kExitOk;
  };
  return c;
}

}  // namespace spotsim
