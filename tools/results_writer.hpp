#pragma once
// The results folder of one run (contract.md "Results folder"; every key and column is documented
// in results/README.md): summary.json, timeseries.csv, spot_prices.csv and scenario.json (the
// resolved scenario), and with --events events.jsonl. Nothing machine-dependent goes in, so the same
// inputs give byte-identical files, and each file is written atomically (a temporary file in the same
// folder, then rename).
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "models/event_log.hpp"
#include "models/world.hpp"
#include "tools/scenario.hpp"

namespace spotsim {

// events.jsonl of a run, streamed while the run goes (memory does not grow with the events):
// `events.jsonl.tmp-<pid>` in the results folder, renamed into place by write_results with the
// other files. A run that never gets there (an error) leaves nothing: the destructor removes the
// temporary file, and the results folder too if this created it and it is still empty.
class EventLogFile {
 public:
  // Creates `dir` if needed and opens the temporary file; an InputError naming what failed.
  EventLogFile(const std::filesystem::path& dir, std::int64_t start_epoch_ms);
  ~EventLogFile();
  EventLogFile(const EventLogFile&) = delete;
  EventLogFile& operator=(const EventLogFile&) = delete;

  EventLog& log() { return log_; }
  // Flushes and closes the file and renames it to events.jsonl (an InputError on a write error).
  void commit();

 private:
  std::filesystem::path dir_, file_, tmp_;
  bool created_dir_ = false;
  bool committed_ = false;
  std::ofstream out_;
  EventLog log_;
};

std::string summary_json(const Scenario& scenario, const RunResult& result);
std::string timeseries_csv(const Scenario& scenario, const RunResult& result);
std::string resolved_scenario_json(const Scenario& scenario);
// spot_prices.csv: time,pool,spot_price_usd_per_hour for every pool a group launches into, a row at
// the start and at each price change within the run (report.html draws it).
std::string spot_prices_csv(const Scenario& scenario);

// Creates `dir` if needed and writes the four files, and commits `events` (if given) before
// summary.json, the last one. A folder that cannot be created or written is an InputError naming it.
void write_results(const std::filesystem::path& dir, const Scenario& scenario, const RunResult& result,
                   EventLogFile* events = nullptr);

// Writes `name.tmp-<pid>` beside `file`, then renames it over `file`.
void write_file_atomically(const std::filesystem::path& file, std::string_view contents);

}  // namespace spotsim
