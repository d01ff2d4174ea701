// `spotsim check`'s reading of a results folder and its checks (tools/check.hpp).
#include "tools/check.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <set>

#include <nlohmann/json.hpp>

#include "tools/input_error.hpp"
#include "tools/json_reader.hpp"
#include "tools/scenario.hpp"
#include "tools/summary_figures.hpp"
#include "tools/text_input.hpp"

namespace spotsim {
namespace {

namespace fs = std::filesystem;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// A sweep's summary.json grows with its grid; far below this even for large sweeps.
constexpr std::uintmax_t kMaxSummaryBytes = 256u << 20;

struct Point {
  std::string name;  // "" for one run
  std::vector<Figure> figures;
};

std::string json_type(const nlohmann::json& v) { return v.type_name(); }

std::string setting_text(const nlohmann::json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

// A sweep's aggregate (contract.md "Results folder"; the sweep command's format): each point's
// figures are {mean, sd, ci95_low, ci95_high}; the check uses the mean.
std::vector<Point> sweep_points(const nlohmann::json& summary, const std::string& file) {
  const auto& points = summary["points"];
  if (!points.is_array()) throw InputError(file, "/points", "expected an array of grid points, found " + json_type(points));
  std::vector<Point> out;
  for (std::size_t i = 0; i < points.size(); ++i) {
    const std::string where = "/points/" + std::to_string(i);
    const auto& p = points[i];
    if (!p.is_object()) throw InputError(file, where, "expected a grid point object, found " + json_type(p));
    Point point;
    std::string settings;
    if (p.contains("settings")) {
      if (!p["settings"].is_object())
        throw InputError(file, where + "/settings", "expected an object of axis values, found " + json_type(p["settings"]));
      for (const auto& [axis, value] : p["settings"].items()) settings += (settings.empty() ? "" : ", ") + axis + "=" + setting_text(value);
    }
    const std::string index = p.contains("point") ? setting_text(p["point"]) : std::to_string(i);
    point.name = "point " + index + (settings.empty() ? "" : " (" + settings + ")");
    const auto it = p.find("figures");
    if (it == p.end() || !it->is_object())
      throw InputError(file, where + "/figures", "expected an object of figures, found " +
                                                     (it == p.end() ? std::string("nothing") : json_type(*it)));
    for (const auto& [name, stats] : it->items()) {
      const std::string fwhere = where + "/figures/" + name;
      if (!stats.is_object() || !stats.contains("mean"))
        throw InputError(file, fwhere, "expected {\"mean\": …, \"sd\": …, \"ci95_low\": …, \"ci95_high\": …}, found " + stats.dump());
      const auto& mean = stats["mean"];
      if (!mean.is_number() && !mean.is_null())
        throw InputError(file, fwhere + "/mean", "expected a number or null, found " + json_type(mean));
      point.figures.push_back({name, mean.is_null() ? kNaN : mean.get<double>()});
    }
    out.push_back(std::move(point));
  }
  if (out.empty()) throw InputError(file, "/points", "expected at least one grid point, found none");
  return out;
}


std::string threshold_option(const Threshold& t) {
  return (t.kind == Threshold::Kind::max ? "--max " : "--min ") + t.figure + "=" + nlohmann::json(t.limit).dump();
}

}  // namespace

Threshold parse_threshold(std::string_view argument, Threshold::Kind kind, const std::string& option) {
  const std::string arg(argument);
  const auto eq = arg.find('=');
  const std::string expected = "expected FIGURE=VALUE (e.g. requests.drop_rate=0.001), found \"" + arg + "\"";
  if (eq == std::string::npos || eq == 0 || eq + 1 == arg.size()) throw InputError(option, "", expected);
  Threshold t;
  t.figure = arg.substr(0, eq);
  t.kind = kind;
  const std::string value = arg.substr(eq + 1);
  char* end = nullptr;
  errno = 0;
  t.limit = std::strtod(value.c_str(), &end);
  if (end != value.c_str() + value.size() || errno == ERANGE || !std::isfinite(t.limit))
    throw InputError(option, t.figure, "expected a finite number as the threshold, found \"" + value + "\"");
  return t;
}

bool CheckOutcome::passed() const {
  if (std::isnan(value)) return false;  // an undefined figure cannot be shown to meet the threshold
  return threshold.kind == Threshold::Kind::max ? value <= threshold.limit : value >= threshold.limit;
}

int CheckReport::failures() const {
  return static_cast<int>(std::count_if(outcomes.begin(), outcomes.end(), [](const CheckOutcome& o) { return !o.passed(); }));
}

std::vector<std::string> closest_names(const std::string& wanted, const std::vector<std::string>& names, std::size_t count) {
  std::vector<std::pair<std::size_t, std::string>> ranked;
  for (const auto& n : names) {
    const bool contains = n.find(wanted) != std::string::npos || wanted.find(n) != std::string::npos;
    ranked.emplace_back(contains ? 0 : 1 + edit_distance(wanted, n), n);
  }
  std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> out;
  for (std::size_t i = 0; i < ranked.size() && i < count; ++i) out.push_back(ranked[i].second);
  return out;
}

CheckReport check_results(const fs::path& dir, const std::vector<Threshold>& thresholds) {
  if (thresholds.empty())
    throw InputError("spotsim check", "",
                     "no threshold given: use --max-drop-rate, --max-cost-usd, --min-savings-ratio, --max FIGURE=VALUE "
                     "or --min FIGURE=VALUE");
  const std::string shown_dir = dir.generic_string();
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    throw InputError(shown_dir, "", fs::exists(dir, ec) ? "expected a results folder, found a file"
                                                        : "no such results folder");
  const fs::path file = dir / "summary.json";
  const std::string shown = file.generic_string();
  if (!fs::exists(file, ec))
    throw InputError(shown, "", "no summary.json here: expected the results folder of `spotsim run` or `spotsim sweep`");
  const nlohmann::json summary = parse_json_text(text_input::read_file_text(file, shown, kMaxSummaryBytes), shown);
  if (!summary.is_object()) throw InputError(shown, "", "expected a summary object, found " + json_type(summary));

  CheckReport report;
  report.dir = shown_dir;
  if (summary.contains("scenario") && summary["scenario"].is_string()) report.scenario = summary["scenario"].get<std::string>();
  report.sweep = summary.contains("points");
  const std::vector<Point> points = report.sweep ? sweep_points(summary, shown)
                                                 : std::vector<Point>{{"", summary_figures(nlohmann::ordered_json::parse(summary.dump()))}};

  // Every figure any point has, for the unknown-figure message.
  std::vector<std::string> names;
  std::set<std::string> seen;
  for (const auto& p : points)
    for (const auto& f : p.figures)
      if (seen.insert(f.name).second) names.push_back(f.name);
  std::vector<Diagnostic> unknown;
  for (const auto& t : thresholds) {
    if (seen.count(t.figure)) continue;
    std::string close;
    for (const auto& n : closest_names(t.figure, names, 5)) close += (close.empty() ? "" : ", ") + n;
    unknown.push_back({Diagnostic::Severity::error, shown, "",
                       threshold_option(t) + ": no figure \"" + t.figure + "\" in this summary" +
                           (close.empty() ? std::string(" (it has no figures)") : "; closest: " + close)});
  }
  if (!unknown.empty()) throw InputError(std::move(unknown));

  for (const auto& t : thresholds) {
    for (const auto& p : points) {
      CheckOutcome o;
      o.threshold = t;
      o.point = p.name;
      o.value = kNaN;  // a point without the figure (another sweep point has it) is undefined here
      for (const auto& f : p.figures)
        if (f.name == t.figure) o.value = f.value;
      report.outcomes.push_back(std::move(o));
    }
  }
  return report;
}

}  // namespace spotsim
