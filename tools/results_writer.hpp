#pragma once
// The results folder of one run (contract.md "Results folder"; every key and column is documented
// in results/README.md): summary.json, timeseries.csv, spot_prices.csv and scenario.json (the resolved
// scenario).
// Nothing machine-dependent goes in, so the same inputs give byte-identical files, and each file
// is written atomically (a temporary file in the same folder, then rename).
#include <filesystem>
#include <string>
#include <string_view>

#include "models/world.hpp"
#include "tools/scenario.hpp"

namespace spotsim {

std::string summary_json(const Scenario& scenario, const RunResult& result);
std::string timeseries_csv(const Scenario& scenario, const RunResult& result);
std::string resolved_scenario_json(const Scenario& scenario);
// spot_prices.csv: time,pool,spot_price_usd_per_hour for every pool a group launches into, a row at
// the start and at each price change within the run (report.html draws it).
std::string spot_prices_csv(const Scenario& scenario);

// Creates `dir` if needed and writes the three files. A folder that cannot be created or written
// is an InputError naming it.
void write_results(const std::filesystem::path& dir, const Scenario& scenario, const RunResult& result);

// Writes `name.tmp-<pid>` beside `file`, then renames it over `file`.
void write_file_atomically(const std::filesystem::path& file, std::string_view contents);

}  // namespace spotsim
