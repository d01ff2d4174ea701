#pragma once
// The pieces of report.html shared by the run, sweep and compare pages (tools/report*.cpp). Not
// part of the program's interface.
#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace spotsim::report {

// A results folder's timeseries.csv, every column as numbers (NaN for an empty cell).
struct Timeseries {
  std::int64_t start_epoch_ms = 0;  // the first row's time: the scenario's start
  std::vector<double> t_s;          // seconds since the start, one per row
  std::vector<std::string> names;   // the columns after `time`
  std::vector<std::vector<double>> columns;
  const std::vector<double>* column(const std::string& name) const;
};
Timeseries read_timeseries(const std::filesystem::path& file);

// The columns the charts draw, on one x array: every row while there are at most 2 × max_buckets,
// else rows grouped into max_buckets equal buckets, each keeping its minimum and its maximum in
// time order (so a one-minute spike survives on a 30-day page). Values keep 6 significant digits.
nlohmann::json downsample(const Timeseries& ts, const std::vector<std::string>& columns, std::size_t max_buckets);

// A double with 6 significant digits (the page shows at most 5), so the JSON stays small.
double round_for_page(double v);

// The JSON file `file`, parsed (bounded read), or InputError naming it.
nlohmann::json read_json_file(const std::filesystem::path& file);

// The "run" object of report.js for one run folder: headline figures, series, spot prices,
// interruption notices, the worst minute and (with events.jsonl) the events to list.
nlohmann::json run_data(const std::filesystem::path& dir);
nlohmann::json sweep_data(const std::filesystem::path& dir);
nlohmann::json compare_data(const std::filesystem::path& dir);

// Pareto front of points (x, y), both to be minimised: true for each point no other point beats on
// both (lower or equal on both and lower on one). Ties on both keep every copy on the front.
std::vector<bool> pareto_front(const std::vector<std::pair<double, double>>& points);

// "$34.56", "1.31", "0.0052 %" — as the headline cards show them.
std::string money(double usd);
std::string fixed(double v, int decimals);

}  // namespace spotsim::report
