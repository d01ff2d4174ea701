// spotsim merge: shard folders of one sweep into the folder a single machine would have written.
#include <set>

#include "tools/results_writer.hpp"
#include "tools/sweep.hpp"
#include "tools/text_input.hpp"

namespace spotsim {
namespace {

namespace fs = std::filesystem;

constexpr std::uintmax_t kMaxRunFileBytes = 64u << 20;
constexpr std::size_t kRunsNamed = 10;  // missing runs listed by index in a message, at most

std::string quoted(const fs::path& p) { return "\"" + p.generic_string() + "\""; }

// "3, 6, 9 and 12 more"
std::string list_runs(const std::vector<std::size_t>& runs) {
  std::string s;
  for (std::size_t i = 0; i < runs.size() && i < kRunsNamed; ++i) s += (i ? ", " : "") + std::to_string(runs[i]);
  if (runs.size() > kRunsNamed) s += " and " + std::to_string(runs.size() - kRunsNamed) + " more";
  return s;
}

// What is missing, by shard when the folders agree on a shard count.
std::string describe_missing(const std::vector<std::size_t>& missing, std::size_t total,
                             const std::vector<fs::path>& dirs, const std::vector<SweepHeader>& headers) {
  std::string s = std::to_string(missing.size()) + " of the sweep's " + std::to_string(total) + " runs are missing";
  const int count = headers.front().shard.count;
  bool one_count = true;
  for (const SweepHeader& h : headers) one_count = one_count && h.shard.count == count;
  if (!one_count || count == 1) return s + " (runs " + list_runs(missing) + ")";
  std::map<int, std::vector<std::size_t>> by_shard;
  for (const std::size_t run : missing) by_shard[static_cast<int>(run % static_cast<std::size_t>(count)) + 1].push_back(run);
  s += ":";
  for (const auto& [index, runs] : by_shard) {
    const Shard shard{index, count};
    s += "\n  shard " + shard.str() + ": " + std::to_string(runs.size()) + " runs missing (runs " + list_runs(runs) + "), ";
    std::string folder;
    for (std::size_t d = 0; d < dirs.size(); ++d)
      if (headers[d].shard.index == index) folder = quoted(dirs[d]);
    s += folder.empty() ? "no folder of this shard was given"
                        : "unfinished in " + folder + ": finish it with `spotsim sweep ... --shard " + shard.str() +
                              " -o " + folder.substr(1, folder.size() - 2) + " --resume`";
  }
  return s;
}

}  // namespace

SweepHeader merge_sweep_folders(const std::vector<fs::path>& dirs, const fs::path& out) {
  if (dirs.empty()) throw InputError("spotsim merge", "", "no folders to merge");
  std::vector<SweepHeader> headers;
  for (const fs::path& dir : dirs) headers.push_back(read_sweep_json(dir));
  for (std::size_t d = 1; d < dirs.size(); ++d)
    if (headers[d].fingerprint != headers[0].fingerprint)
      throw InputError(dirs[d].generic_string(), "",
                       "holds another sweep than " + quoted(dirs[0]) + " (" + headers[d].sweep + ", fingerprint " +
                           headers[d].fingerprint + ", against " + headers[0].sweep + ", fingerprint " +
                           headers[0].fingerprint + "): only the shards of one sweep merge");

  SweepHeader merged = headers.front();
  merged.shard = Shard{};
  // Which folder holds each run; every run once.
  constexpr std::size_t none = static_cast<std::size_t>(-1);
  std::vector<std::size_t> owner(merged.runs, none);
  std::error_code ec;
  for (std::size_t d = 0; d < dirs.size(); ++d) {
    for (const auto& entry : fs::directory_iterator(dirs[d] / "runs", ec)) {
      const auto run = run_index_of_file_name(entry.path().filename().string());
      if (!run) continue;  // temporary files of an interrupted shard
      if (*run >= merged.runs)
        throw InputError(entry.path().generic_string(), "",
                         "run " + std::to_string(*run) + " is not in the sweep (it has " + std::to_string(merged.runs) + " runs)");
      if (owner[*run] != none)
        throw InputError(entry.path().generic_string(), "",
                         "run " + std::to_string(*run) + " is also in " + quoted(dirs[owner[*run]]) +
                             (fs::equivalent(dirs[d], dirs[owner[*run]], ec) ? " (the same folder, given twice)" : "") +
                             ": give each shard's folder once");
      owner[*run] = d;
    }
  }
  std::vector<std::size_t> missing;
  for (std::size_t run = 0; run < merged.runs; ++run)
    if (owner[run] == none) missing.push_back(run);
  if (!missing.empty()) throw InputError("spotsim merge", "", describe_missing(missing, merged.runs, dirs, headers));

  SweepTable table(merged);
  const auto run_path = [&](std::size_t run) { return dirs[owner[run]] / "runs" / run_file_name(run); };
  for (std::size_t run = 0; run < merged.runs; ++run) {
    const fs::path file = run_path(run);
    table.add(run, text_input::read_file_text(file, file.generic_string(), kMaxRunFileBytes), file.generic_string());
  }

  // Nothing is written before every check has passed.
  for (const fs::path& dir : dirs)
    if (fs::exists(out, ec) && fs::equivalent(out, dir, ec))
      throw InputError(out.generic_string(), "", "is one of the folders to merge: choose another -o");
  if (fs::exists(out, ec) && (!fs::is_directory(out, ec) || !fs::is_empty(out, ec)))
    throw InputError(out.generic_string(), "", "exists and is not an empty folder: choose another -o");
  fs::create_directories(out / "runs", ec);
  if (ec) throw InputError(out.generic_string(), "", "cannot create the folder: " + ec.message());
  write_file_atomically(out / "sweep.json", sweep_json(merged));
  for (std::size_t run = 0; run < merged.runs; ++run) {
    const fs::path file = run_path(run);
    write_file_atomically(out / "runs" / run_file_name(run),
                          text_input::read_file_text(file, file.generic_string(), kMaxRunFileBytes));
  }
  write_sweep_results(out, table);
  return merged;
}

}  // namespace spotsim
