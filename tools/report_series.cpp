// timeseries.csv read back for report.html, and its downsampling (tools/report_internal.hpp).
#include <algorithm>
#include <cmath>
#include <limits>

#include "sim/sim_time.hpp"
#include "tools/input_error.hpp"
#include "tools/report_internal.hpp"
#include "tools/text_input.hpp"

namespace spotsim::report {
namespace fs = std::filesystem;
using nlohmann::json;

const std::vector<double>* Timeseries::column(const std::string& name) const {
  for (std::size_t c = 0; c < names.size(); ++c)
    if (names[c] == name) return &columns[c];
  return nullptr;
}

Timeseries read_timeseries(const fs::path& file) {
  const std::string name = file.generic_string();
  // A 365-day run at one row a minute is ~100 MB; the bound only stops a wrong file.
  const std::string text = text_input::read_file_text(file, name, std::uintmax_t{4096} << 20);
  text_input::Problems problems(name);
  text_input::LineSplitter lines(text, text_input::Bom::skipped);
  std::string_view line;
  std::vector<std::string> fields;
  Timeseries ts;
  if (!lines.next(line) || !text_input::split_csv_line(line, text_input::kMaxCsvColumns, fields) || fields.empty() ||
      fields[0] != "time")
    throw InputError(name, "line 1", "expected the header of timeseries.csv (time,asg_desired,...)");
  ts.names.assign(fields.begin() + 1, fields.end());
  ts.columns.resize(ts.names.size());
  while (lines.next(line) && !problems.full()) {
    if (line.empty()) continue;
    const std::string where = "line " + std::to_string(lines.number());
    if (!text_input::split_csv_line(line, text_input::kMaxCsvColumns, fields) || fields.size() != ts.names.size() + 1) {
      problems.error(where, "expected " + std::to_string(ts.names.size() + 1) + " fields, found " + std::to_string(fields.size()));
      continue;
    }
    const auto ms = parse_iso8601_ms(fields[0]);
    if (!ms) {
      problems.error(where, "expected an ISO 8601 time, found \"" + fields[0].substr(0, text_input::kMaxQuoted) + "\"");
      continue;
    }
    if (ts.t_s.empty()) ts.start_epoch_ms = *ms;
    const double t = static_cast<double>(*ms - ts.start_epoch_ms) / 1000.0;
    if (!ts.t_s.empty() && t < ts.t_s.back()) {
      problems.error(where, "time goes backwards");
      continue;
    }
    ts.t_s.push_back(t);
    for (std::size_t c = 1; c < fields.size(); ++c) {
      double v = std::numeric_limits<double>::quiet_NaN();
      if (!fields[c].empty()) {
        char* end = nullptr;
        v = std::strtod(fields[c].c_str(), &end);
        if (end == fields[c].c_str() || *end != '\0' || !std::isfinite(v)) {
          problems.error(where, "column " + ts.names[c - 1] + ": expected a number, found \"" +
                                    fields[c].substr(0, text_input::kMaxQuoted) + "\"");
          v = std::numeric_limits<double>::quiet_NaN();
        }
      }
      ts.columns[c - 1].push_back(v);
    }
  }
  problems.throw_if_any();
  if (ts.t_s.empty()) throw InputError(name, "", "no rows: expected one row per minute of the run");
  return ts;
}

namespace {
json number_or_null(double v) { return std::isnan(v) ? json(nullptr) : json(round_for_page(v)); }
}  // namespace

json downsample(const Timeseries& ts, const std::vector<std::string>& wanted, std::size_t max_buckets) {
  const std::size_t rows = ts.t_s.size();
  json out = json::object();
  json& cols = out["cols"] = json::object();
  if (rows <= 2 * max_buckets) {
    out["x"] = json::array();
    for (double t : ts.t_s) out["x"].push_back(round_for_page(t));
    for (const std::string& name : wanted) {
      const std::vector<double>* c = ts.column(name);
      if (!c) continue;
      json& a = cols[name] = json::array();
      for (double v : *c) a.push_back(number_or_null(v));
    }
    out["bucket_rows"] = 1;
    return out;
  }
  const std::size_t per = (rows + max_buckets - 1) / max_buckets;
  // Two x positions per bucket: its first row and its middle row.
  json& x = out["x"] = json::array();
  for (std::size_t b = 0; b < rows; b += per) {
    const std::size_t end = std::min(rows, b + per);
    x.push_back(round_for_page(ts.t_s[b]));
    x.push_back(round_for_page(ts.t_s[b + (end - b) / 2]));
  }
  for (const std::string& name : wanted) {
    const std::vector<double>* c = ts.column(name);
    if (!c) continue;
    json& a = cols[name] = json::array();
    for (std::size_t b = 0; b < rows; b += per) {
      const std::size_t end = std::min(rows, b + per);
      std::size_t lo = rows, hi = rows;
      for (std::size_t i = b; i < end; ++i) {
        const double v = (*c)[i];
        if (std::isnan(v)) continue;
        if (lo == rows || v < (*c)[lo]) lo = i;
        if (hi == rows || v > (*c)[hi]) hi = i;
      }
      if (lo == rows) {
        a.push_back(nullptr);
        a.push_back(nullptr);
      } else {
        a.push_back(round_for_page((*c)[std::min(lo, hi)]));
        a.push_back(round_for_page((*c)[std::max(lo, hi)]));
      }
    }
  }
  out["bucket_rows"] = per;
  return out;
}

}  // namespace spotsim::report
