// The finished runs of a sweep: run files, runs.csv and the aggregate summary.json. Both outputs
// are built from the run files' text alone (a fresh run's, a resumed folder's, merged shards'), in
// run-index order, so they are the same bytes whichever way the runs were made.
#include <charconv>
#include <cmath>
#include <cstdio>

#include <Eigen/Core>

#include "tools/statistics.hpp"
#include "tools/summary_figures.hpp"
#include "tools/sweep.hpp"

namespace spotsim {
namespace {

// runs.csv's numbers: the shortest decimal that reads back as the same double, never with an
// exponent ("0.000123", "30262"); NaN (null in summary.json) as an empty field.
std::string csv_number(double v) {
  if (!std::isfinite(v)) return "";
  char buf[400];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
  return ec == std::errc() ? std::string(buf, end) : std::string();
}

// RFC 4180: quoted when it holds a comma, a quote or a line break; quotes doubled.
std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out(1, '"');
  for (const char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

// An axis value in runs.csv: a string as itself, anything else as JSON.
std::string csv_value(const nlohmann::ordered_json& v) { return csv_field(v.is_string() ? v.get<std::string>() : v.dump()); }

nlohmann::ordered_json ordered_number_or_null(double v) {
  if (!std::isfinite(v)) return nullptr;
  return v;
}

}  // namespace

std::string run_file_name(std::size_t run) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "run-%06zu.json", run);
  return buf;
}

std::optional<std::size_t> run_index_of_file_name(const std::string& name) {
  constexpr std::string_view prefix = "run-", suffix = ".json";
  if (name.size() < prefix.size() + 6 + suffix.size() || !name.starts_with(prefix) || !name.ends_with(suffix))
    return std::nullopt;
  const std::string_view digits(name.data() + prefix.size(), name.size() - prefix.size() - suffix.size());
  std::size_t run = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), run);
  if (ec != std::errc() || end != digits.data() + digits.size() || run_file_name(run) != name) return std::nullopt;
  return run;
}

std::string run_file_json(const SweepHeader& header, std::size_t run, const std::string& summary_json) {
  nlohmann::ordered_json j;
  j["run"] = run;
  j["point"] = header.point_of(run);
  j["replication"] = header.replication_of(run);
  j["settings"] = header.settings(header.point_of(run));
  j["summary"] = nlohmann::ordered_json::parse(summary_json);
  return j.dump(2) + "\n";
}

void SweepTable::add(std::size_t run, const std::string& text, const std::string& file) {
  const auto j = nlohmann::ordered_json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object())
    throw InputError(file, "", "not a run file (not a JSON object: an interrupted write?)");
  const auto expect = [&](const char* key, std::size_t value) {
    const auto it = j.find(key);
    if (it == j.end() || !it->is_number_unsigned() || it->get<std::size_t>() != value)
      throw InputError(file, std::string("/") + key,
                       "expected " + std::to_string(value) + " (run " + std::to_string(run) + " of sweep " +
                           header_.sweep + "), found " + (it == j.end() ? "nothing" : it->dump()));
  };
  if (run >= header_.runs)
    throw InputError(file, "", "run " + std::to_string(run) + " is not in the sweep (it has " +
                                   std::to_string(header_.runs) + " runs)");
  expect("run", run);
  expect("point", header_.point_of(run));
  expect("replication", static_cast<std::size_t>(header_.replication_of(run)));
  const auto summary = j.find("summary");
  if (summary == j.end() || !summary->is_object() || !summary->contains("seed") || !(*summary)["seed"].is_number_unsigned())
    throw InputError(file, "/summary", "expected the run's summary.json object with its seed");

  const std::vector<Figure> figures = summary_figures(*summary);
  const bool first = figure_names_.empty() && rows_.empty();
  bool same = first || figures.size() == figure_names_.size();
  for (std::size_t i = 0; same && !first && i < figures.size(); ++i) same = figures[i].name == figure_names_[i];
  if (!same)
    throw InputError(file, "/summary", "its figures are not those of the sweep's other runs (written by another "
                                       "spotsim version?)");
  Row row;
  row.seed = (*summary)["seed"].get<std::uint64_t>();
  row.values.reserve(figures.size());
  for (const Figure& f : figures) {
    if (first) figure_names_.push_back(f.name);
    row.values.push_back(f.value);
  }
  rows_[run] = std::move(row);
}

std::string SweepTable::runs_csv() const {
  std::string out = "point,replication,seed";
  // Appended piecewise: GCC 12 warns (-Wrestrict, a false positive) on `const char* + string`.
  const auto field = [&out](const std::string& text) {
    out += ',';
    out += text;
  };
  for (const auto& axis : header_.axes) field(csv_field(axis.first));
  for (const std::string& name : figure_names_) field(csv_field(name));
  out += '\n';
  for (const auto& [run, row] : rows_) {
    const std::size_t point = header_.point_of(run);
    out += std::to_string(point) + "," + std::to_string(header_.replication_of(run)) + "," + std::to_string(row.seed);
    const nlohmann::ordered_json settings = header_.settings(point);
    for (const auto& axis : header_.axes) field(csv_value(settings[axis.first]));
    for (const double v : row.values) field(csv_number(v));
    out += '\n';
  }
  return out;
}

std::string SweepTable::summary_json() const {
  nlohmann::ordered_json s;
  s["spotsim_version"] = header_.spotsim_version;
  s["sweep"] = header_.sweep;
  s["scenario"] = header_.scenario;
  s["seed"] = header_.seed;
  s["replications"] = header_.replications;
  s["runs"] = rows_.size();
  // A shard's aggregate covers its own runs only; merge the shards for the sweep's.
  if (!header_.shard.whole()) s["shard"] = header_.shard_json();
  s["axes"] = header_.axes_json();

  nlohmann::ordered_json points = nlohmann::ordered_json::array();
  for (auto it = rows_.begin(); it != rows_.end();) {
    const std::size_t point = header_.point_of(it->first);
    std::vector<const Row*> rows;
    for (; it != rows_.end() && header_.point_of(it->first) == point; ++it) rows.push_back(&it->second);
    nlohmann::ordered_json figures = nlohmann::ordered_json::object();
    Eigen::VectorXd samples(static_cast<Eigen::Index>(rows.size()));
    for (std::size_t f = 0; f < figure_names_.size(); ++f) {
      for (std::size_t r = 0; r < rows.size(); ++r) samples[static_cast<Eigen::Index>(r)] = rows[r]->values[f];
      // A figure null in any run of the point (no request served, say) has a null estimate.
      const Estimate e = estimate(samples);
      figures[figure_names_[f]] = {{"mean", ordered_number_or_null(e.mean)},
                                   {"sd", ordered_number_or_null(e.sd)},
                                   {"ci95_low", ordered_number_or_null(e.ci95_low)},
                                   {"ci95_high", ordered_number_or_null(e.ci95_high)}};
    }
    points.push_back({{"point", point}, {"settings", header_.settings(point)}, {"runs", rows.size()}, {"figures", figures}});
  }
  s["points"] = points;
  return s.dump(2) + "\n";
}

}  // namespace spotsim
