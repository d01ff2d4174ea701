#pragma once
// Sweeps (contract.md "Sweep file", design.md "Sweeps, what-if and scale-out"; every output key in
// results/README.md): a base scenario, axes of values at JSON pointers or dotted paths, replications
// and a seed. The grid's points are numbered row-major over the axes in file order (the first axis
// slowest), and run k is replication k % R of point k / R. Every run of replication r has seed (sweep
// seed, r) whatever its point (common random numbers). A sweep runs in parallel and in shards; each
// finished run is one file, so an interrupted sweep resumes, and shard folders merge into the bytes
// of a single-machine run.
//
// The pieces, one file each:
//   sweep_file.cpp       the sweep file: loading, checks, the grid, the fingerprint
//   sweep_shard.cpp      --shard K/N and the array-job environments
//   sweep_run.cpp        running the runs on a thread pool; progress
//   sweep_aggregate.cpp  the table of finished runs: runs.csv and the aggregate summary.json
//   sweep_folder.cpp     the output folder: sweep.json, runs/run-NNNNNN.json, resume
//   sweep_merge.cpp      spotsim merge
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/traffic.hpp"
#include "tools/input_error.hpp"
#include "tools/scenario.hpp"

namespace spotsim {

// A bound on what a typo in a sweep file can start (run file names have six digits below it).
inline constexpr std::size_t kMaxSweepRuns = 1'000'000;

// ---- Shards (sweep_shard.cpp)

// Shard K of N (1-based) holds the runs whose index % N == K - 1. 1/1 is the whole sweep.
struct Shard {
  int index = 1;
  int count = 1;
  bool whole() const { return count == 1; }
  bool contains(std::size_t run) const { return run % static_cast<std::size_t>(count) == static_cast<std::size_t>(index - 1); }
  std::string str() const { return std::to_string(index) + "/" + std::to_string(count); }
};

// "K/N" with 1 <= K <= N; anything else is an InputError naming `option` ("--shard").
Shard parse_shard(std::string_view text, const std::string& option = "--shard");

// The shard an array job gives through its environment, and where it was read ("SLURM_ARRAY_TASK_ID=2,
// SLURM_ARRAY_TASK_COUNT=3"), tried in this order:
//   Slurm:      SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_COUNT, SLURM_ARRAY_TASK_MIN (0 if unset) and
//               SLURM_ARRAY_TASK_STEP (1): K = (ID - MIN) / STEP + 1, so --array=1-3 and 0-2 both work;
//   AWS Batch:  AWS_BATCH_JOB_ARRAY_INDEX (from 0) and AWS_BATCH_JOB_ARRAY_SIZE;
//   Kubernetes: JOB_COMPLETION_INDEX (from 0, Indexed Jobs) with the count from `count` (the
//               --shard-count option) or SPOTSIM_SHARD_COUNT, since the pod sees no completions count.
// nullopt when none is set. Inconsistent values (an index without a count, outside the count, not a
// number) are an InputError naming the variables.
struct ShardSource {
  Shard shard;
  std::string source;
};
using GetEnv = std::function<const char*(const char*)>;
std::optional<ShardSource> shard_from_environment(std::optional<int> count, const GetEnv& getenv);

// ---- The sweep (sweep_file.cpp)

// An axis's key and the setting it names (its values are in SweepHeader::axes).
struct SweepAxis {
  std::string key;      // as written in the sweep file (runs.csv's column, summary.json's key)
  std::string pointer;  // the JSON pointer it names in the base scenario
};

// What the command line adds to a sweep file. Part of the fingerprint.
struct SweepOptions {
  std::vector<std::string> set;         // --set PATH=VALUE, applied to the base before the axes
  std::optional<std::string> duration;  // --duration
  TrafficMode mode = TrafficMode::fluid;
};

// A sweep as a sweep file describes it, its base scenario read (before any check of the axes).
struct SweepDefinition {
  std::string file;               // the sweep file as the user named it (messages)
  std::string base;               // `base` as written in the sweep file
  std::string base_file;          // the base scenario's path as messages name it
  std::filesystem::path base_dir; // where the base scenario's relative trace paths start
  nlohmann::json base_document;   // the base scenario, parsed
  std::vector<std::pair<std::string, std::vector<nlohmann::ordered_json>>> axes;  // in file order
  int replications = 1;
  std::optional<std::uint64_t> seed;  // absent: the base scenario's
};

// What identifies a sweep and its outputs: sweep.json, and what runs.csv and summary.json are built
// from (merge reads it back from sweep.json).
struct SweepHeader {
  std::string spotsim_version;
  std::string sweep;     // the sweep file's name (no folder: outputs hold no paths of the machine)
  std::string base;      // `base` as written in the sweep file
  std::string scenario;  // the base scenario's name
  std::string fingerprint;
  std::uint64_t seed = 1;
  int replications = 1;
  std::size_t points = 1;
  std::size_t runs = 1;
  std::vector<std::pair<std::string, std::vector<nlohmann::ordered_json>>> axes;
  nlohmann::ordered_json options = nlohmann::ordered_json::object();  // duration, mode, set
  Shard shard;                                                        // 1/1: the whole sweep

  std::size_t point_of(std::size_t run) const { return run / static_cast<std::size_t>(replications); }
  int replication_of(std::size_t run) const { return static_cast<int>(run % static_cast<std::size_t>(replications)); }
  // The axis values of a point: {"<key>": value, ...} in axis order.
  nlohmann::ordered_json settings(std::size_t point) const;
  // {"<key>": [values...], ...} in axis order; {"index": K, "count": N}.
  nlohmann::ordered_json axes_json() const;
  nlohmann::ordered_json shard_json() const { return {{"index", shard.index}, {"count", shard.count}}; }
  // The run indices of this header's shard, in order.
  std::vector<std::size_t> shard_runs() const;
};

// A checked sweep: every grid point's scenario loads.
struct Sweep {
  SweepHeader header;
  std::vector<SweepAxis> axes;
  std::string base_file;
  std::filesystem::path base_dir;
  nlohmann::json base;  // the base scenario after --set and --duration, before the axes
  TrafficMode mode = TrafficMode::fluid;
  std::string sweep_file;
  std::vector<Diagnostic> warnings;  // of every point, each once (those of later points say which)

  // The base scenario document with a point's values.
  nlohmann::json point_document(std::size_t point) const;
  // The scenario of one grid point: its document with the sweep's seed, loaded (an InputError says
  // which point). Replication 0; set world.replication for the others.
  Scenario load_point(std::size_t point) const;
};

// Whether a parsed document is a sweep file (an object with "spotsim_sweep").
bool is_sweep_document(const nlohmann::json& doc);
// Whether the file parses as a sweep file (false when it is unreadable or not JSON: the scenario
// loader then says why).
bool is_sweep_file(const std::filesystem::path& file);

// Reads a sweep file and its base scenario (relative to the sweep file's folder). Unknown keys,
// wrong types and a base that cannot be read are an InputError naming the file and JSON pointer.
SweepDefinition read_sweep_file(const std::filesystem::path& file);
// Checks the axes against the base scenario (each must name something in it) and loads every grid
// point's scenario, so a value that makes a bad scenario fails before any run, with the point's
// settings in the message. Throws InputError.
Sweep make_sweep(const SweepDefinition& definition, const SweepOptions& options);
inline Sweep load_sweep_file(const std::filesystem::path& file, const SweepOptions& options = {}) {
  return make_sweep(read_sweep_file(file), options);
}

// ---- Running (sweep_run.cpp)

// Runs the given run indices on `jobs` threads (0: all cores), each point's scenario loaded once.
// `done(run, summary)` is called on the worker thread as each run finishes, with the run's
// summary.json text; it must be thread-safe. The first exception (from a run or from `done`) stops
// the handing out of runs and is rethrown once the running ones are over.
using SweepRunDone = std::function<void(std::size_t run, const std::string& summary_json)>;
void run_sweep(const Sweep& sweep, const std::vector<std::size_t>& runs, int jobs, const SweepRunDone& done);

// One updating line "done/total runs, R runs/s, ETA T" on `err`, at most every 0.2 s and at the
// end; nothing when disabled. Thread-safe.
class SweepProgress {
 public:
  SweepProgress(std::ostream& err, bool enabled, std::size_t total, std::size_t already_done);
  void run_done();
  void finish();  // ends the line

 private:
  void print(bool force);
  std::ostream& err_;
  bool enabled_;
  std::size_t total_, done_, started_with_;
  std::chrono::steady_clock::time_point start_, last_print_;
  bool printed_ = false;
  std::size_t printed_done_ = 0;
  std::mutex mutex_;
};
// Progress shows on a terminal (stderr a TTY) and not when CI=true, unless forced (--progress).
bool progress_wanted(bool forced);

// ---- The finished runs (sweep_aggregate.cpp)

// A run's file: {"run", "point", "replication", "settings", "summary": <its summary.json>}.
std::string run_file_json(const SweepHeader& header, std::size_t run, const std::string& summary_json);
// "run-000042.json"
std::string run_file_name(std::size_t run);
// The run index in a run file's name; nullopt for any other name (temporary files included).
std::optional<std::size_t> run_index_of_file_name(const std::string& name);

// The runs of a sweep (or of a shard) by index, from their run files' text; makes runs.csv and the
// aggregate summary.json. Not thread-safe.
class SweepTable {
 public:
  explicit SweepTable(SweepHeader header) : header_(std::move(header)) {}
  const SweepHeader& header() const { return header_; }
  // Parses a run file's text; an InputError naming `file` when it is not run `run` of this sweep.
  void add(std::size_t run, const std::string& run_file_text, const std::string& file);
  bool has(std::size_t run) const { return rows_.count(run) != 0; }
  std::size_t size() const { return rows_.size(); }
  std::string runs_csv() const;
  std::string summary_json() const;

 private:
  struct Row {
    std::uint64_t seed = 0;
    std::vector<double> values;  // in figure_names_ order; NaN where summary.json has null
  };
  SweepHeader header_;
  std::vector<std::string> figure_names_;
  std::map<std::size_t, Row> rows_;
};

// ---- The output folder (sweep_folder.cpp)

std::string sweep_json(const SweepHeader& header);
// Reads DIR/sweep.json; InputError when it is missing or is not a sweep folder's.
SweepHeader read_sweep_json(const std::filesystem::path& dir);

// Makes `dir` ready for `header`'s runs and returns the run files already there. A missing or empty
// folder is created and gets sweep.json. An existing sweep folder is an InputError unless `resume`,
// and then only when it holds the same sweep (fingerprint) and shard; its finished runs (files that
// parse as their run) are returned and stale temporary files removed.
SweepTable prepare_sweep_folder(const std::filesystem::path& dir, const SweepHeader& header, bool resume);
// Writes DIR/runs/run-NNNNNN.json atomically.
void write_run_file(const std::filesystem::path& dir, std::size_t run, const std::string& text);
// Writes DIR/runs.csv and DIR/summary.json (atomically, each).
void write_sweep_results(const std::filesystem::path& dir, const SweepTable& table);

// ---- spotsim merge (sweep_merge.cpp)

// Checks that `dirs` are folders of one sweep (same fingerprint) that together hold every run
// exactly once, then writes `out` as the unsharded run would have. Nothing is written on an error.
// Returns the merged header.
SweepHeader merge_sweep_folders(const std::vector<std::filesystem::path>& dirs, const std::filesystem::path& out);

}  // namespace spotsim
