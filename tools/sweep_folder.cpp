// A sweep's output folder: sweep.json (what sweep it holds), runs/run-NNNNNN.json (one per finished
// run, each written atomically), and at the end runs.csv and summary.json. Resuming reads back what
// an interrupted sweep finished.
#include <set>

#include "tools/json_reader.hpp"
#include "tools/report.hpp"
#include "tools/results_writer.hpp"
#include "tools/sweep.hpp"
#include "tools/text_input.hpp"

namespace spotsim {
namespace {

namespace fs = std::filesystem;

constexpr std::uintmax_t kMaxFolderFileBytes = 64u << 20;

// Temporary files of write_file_atomically ("NAME.tmp-<pid>") a killed sweep left behind.
void remove_temporary_files(const fs::path& dir) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec))
    if (entry.path().filename().string().find(".tmp-") != std::string::npos) fs::remove(entry.path(), ec);
}

// Whether a folder holds nothing of a sweep's: no entry but temporary files and an empty runs/
// (what a sweep killed before it wrote sweep.json leaves).
bool holds_nothing(const fs::path& dir) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.find(".tmp-") != std::string::npos) continue;
    if (name == "runs" && entry.is_directory(ec) && fs::is_empty(entry.path(), ec)) continue;
    return false;
  }
  return true;
}

}  // namespace

std::string sweep_json(const SweepHeader& h) {
  nlohmann::ordered_json j;
  j["spotsim_version"] = h.spotsim_version;
  j["sweep"] = h.sweep;
  j["base"] = h.base;
  j["scenario"] = h.scenario;
  j["fingerprint"] = h.fingerprint;
  j["seed"] = h.seed;
  j["replications"] = h.replications;
  j["points"] = h.points;
  j["runs"] = h.runs;
  j["axes"] = h.axes_json();
  j["options"] = h.options;
  if (!h.shard.whole()) j["shard"] = h.shard_json();
  return j.dump(2) + "\n";
}

SweepHeader read_sweep_json(const fs::path& dir) {
  const fs::path path = dir / "sweep.json";
  const std::string file = path.generic_string();
  std::error_code ec;
  if (!fs::is_regular_file(path, ec))
    throw InputError(dir.generic_string(), "", "not a sweep folder: it has no sweep.json");
  const std::string text = text_input::read_file_text(path, file, kMaxFolderFileBytes);
  const nlohmann::json doc = parse_json_text(text, file);
  // Axes and options keep their order from the ordered parse (the checked document sorts keys).
  const auto ordered = nlohmann::ordered_json::parse(text, nullptr, true, true);
  Diagnostics diag(file);
  const Node root(diag, &doc, "");
  SweepHeader h;
  if (!root.is_object()) throw InputError(diag.list());
  const auto text_field = [&](const char* key, std::string& into) {
    if (root[key].require()) into = root[key].string().value_or("");
  };
  text_field("spotsim_version", h.spotsim_version);
  text_field("sweep", h.sweep);
  text_field("base", h.base);
  text_field("scenario", h.scenario);
  if (root["fingerprint"].require()) h.fingerprint = root["fingerprint"].nonempty_string().value_or("");
  if (root["seed"].require()) h.seed = static_cast<std::uint64_t>(root["seed"].integer(0, INT64_MAX).value_or(0));
  if (root["replications"].require()) h.replications = root["replications"].int32(1, static_cast<int>(kMaxSweepRuns)).value_or(1);
  const auto max_runs = static_cast<std::int64_t>(kMaxSweepRuns);
  if (root["points"].require()) h.points = static_cast<std::size_t>(root["points"].integer(1, max_runs).value_or(1));
  if (root["runs"].require()) h.runs = static_cast<std::size_t>(root["runs"].integer(1, max_runs).value_or(1));
  if (root["options"].require() && root["options"].is_object()) h.options = ordered["options"];
  if (root["shard"].present() && root["shard"].is_object()) {
    const int count = root["shard"]["count"].int32(1, INT32_MAX).value_or(1);
    h.shard = Shard{root["shard"]["index"].int32(1, count).value_or(1), count};
  }
  std::size_t points = 1;
  if (root["axes"].require() && root["axes"].is_object()) {
    for (const auto& [key, values] : ordered["axes"].items()) {
      if (!values.is_array() || values.empty()) {
        root["axes"][key].error("expected a non-empty array of values");
        continue;
      }
      h.axes.emplace_back(key, std::vector<nlohmann::ordered_json>(values.begin(), values.end()));
      points *= values.size();
      if (points > kMaxSweepRuns) break;
    }
  }
  if (!diag.has_errors() && (points != h.points || h.runs != h.points * static_cast<std::size_t>(h.replications)))
    root["runs"].error("expected points = the product of the axes' sizes and runs = points x replications, found " +
                       std::to_string(h.points) + " points and " + std::to_string(h.runs) + " runs");
  if (diag.has_errors()) throw InputError(diag.list());
  return h;
}

SweepTable prepare_sweep_folder(const fs::path& dir, const SweepHeader& header, bool resume) {
  const std::string shown = dir.generic_string();
  SweepTable table(header);
  std::error_code ec;
  const bool exists = fs::exists(dir, ec);
  if (exists && !fs::is_directory(dir, ec))
    throw InputError(shown, "", "is a file, not a folder: choose another -o");
  if (exists && !holds_nothing(dir)) {
    if (!fs::exists(dir / "sweep.json", ec))
      throw InputError(shown, "", "the folder is not empty and holds no sweep (no sweep.json): choose another -o");
    if (!resume)
      throw InputError(shown, "", "the folder holds a sweep already: add --resume to finish it, or choose another -o");
    const SweepHeader old = read_sweep_json(dir);
    const std::string old_file = (dir / "sweep.json").generic_string();
    if (old.fingerprint != header.fingerprint)
      throw InputError(old_file, "/fingerprint",
                       "the folder holds another sweep (fingerprint " + old.fingerprint + ", this one " +
                           header.fingerprint + ": a different sweep file, base scenario, --set, --duration, --mode "
                           "or spotsim version); choose another -o");
    if (old.shard.index != header.shard.index || old.shard.count != header.shard.count)
      throw InputError(old_file, "/shard",
                       "the folder holds shard " + old.shard.str() + " of the sweep, not " + header.shard.str() +
                           ": resume it as shard " + old.shard.str() + (old.shard.whole() ? " (no --shard)" : ""));
    remove_temporary_files(dir);
    fs::create_directories(dir / "runs", ec);
    remove_temporary_files(dir / "runs");
    for (const auto& entry : fs::directory_iterator(dir / "runs", ec)) {
      const auto run = run_index_of_file_name(entry.path().filename().string());
      if (!run || *run >= header.runs || !header.shard.contains(*run)) continue;
      try {
        const std::string file = entry.path().generic_string();
        table.add(*run, text_input::read_file_text(entry.path(), file, kMaxFolderFileBytes), file);
      } catch (const InputError&) {
        // Not a finished run: it runs again and its file is replaced.
      }
    }
    return table;
  }
  // sweep.json first: a folder with runs in it always says which sweep they are of.
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir))
    throw InputError(shown, "", "cannot create the sweep folder" + (ec ? ": " + ec.message() : std::string()));
  remove_temporary_files(dir);
  write_file_atomically(dir / "sweep.json", sweep_json(header));
  fs::create_directories(dir / "runs", ec);
  if (ec) throw InputError(shown, "", "cannot create the runs/ folder: " + ec.message());
  return table;
}

void write_run_file(const fs::path& dir, std::size_t run, const std::string& text) {
  write_file_atomically(dir / "runs" / run_file_name(run), text);
}

void write_sweep_results(const fs::path& dir, const SweepTable& table) {
  const std::string csv = table.runs_csv();
  const std::string summary = table.summary_json();
  write_file_atomically(dir / "runs.csv", csv);
  write_file_atomically(dir / "summary.json", summary);
  write_report(dir);  // report.html from the files just written (tools/report.hpp)
}

}  // namespace spotsim
