// The sweep and compare pages of report.html (tools/report_internal.hpp).
#include <cmath>
#include <cstdio>

#include "tools/input_error.hpp"
#include "tools/report_internal.hpp"

namespace spotsim::report {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// Figures the sweep table shows, in order, with their headings.
const std::vector<std::pair<const char*, const char*>> kSweepColumns = {
    {"cost.total_usd", "cost USD"},          {"cost.savings_ratio", "savings ratio"},
    {"requests.drop_rate", "drop rate"},     {"requests.dropped_total", "dropped"},
    {"requests.latency_ms.p99", "p99 ms"},   {"instances.peak", "peak instances"},
    {"instances.interruption_notices", "notices"}, {"instances.spot_hours", "spot hours"},
    {"instances.on_demand_hours", "On-Demand hours"}};

// The compare page's chart of differences.
const std::vector<std::string> kCompareKeyFigures = {
    "cost.total_usd", "cost.spot_usd", "cost.on_demand_usd", "cost.savings_ratio", "requests.dropped_total",
    "requests.latency_ms.p99", "instances.peak", "instances.interruption_notices", "instances.spot_hours",
    "instances.on_demand_hours", "tasks.placement_failures", "tasks.stopped_for_draining"};

[[noreturn]] void bad(const fs::path& file, const std::string& where, const std::string& what) {
  throw InputError(file.generic_string(), where, what);
}

bool is_stats(const json& j) {
  return j.is_object() && j.contains("mean") && j["mean"].is_number() && j.contains("ci95_low") && j.contains("ci95_high");
}

// "…/OnDemandPercentageAboveBaseCapacity" for an axis path; the whole path when two axes share it.
std::string axis_label(const std::string& path, const json& axes) {
  const std::string last = path.substr(path.find_last_of("/.") == std::string::npos ? 0 : path.find_last_of("/.") + 1);
  int same = 0;
  for (const auto& [other, values] : axes.items()) {
    const auto cut = other.find_last_of("/.");
    if (other.substr(cut == std::string::npos ? 0 : cut + 1) == last) ++same;
  }
  return same > 1 || last.empty() ? path : last;
}

}  // namespace

json sweep_data(const fs::path& dir) {
  const fs::path file = dir / "summary.json";
  const json summary = read_json_file(file);
  if (!summary.contains("points") || !summary["points"].is_array())
    bad(file, "/points", "expected the points of a sweep (spotsim sweep's summary.json)");
  if (!summary.contains("axes") || !summary["axes"].is_object()) bad(file, "/axes", "expected the sweep's axes");
  json sw = {{"kind", "sweep"}, {"x_figure", "cost.total_usd"}, {"y_figure", "requests.drop_rate"},
             {"x_label", "cost (USD, mean per run)"}, {"y_label", "drop rate (mean)"}};
  const std::string name = summary.value("sweep", std::string("sweep"));
  sw["title"] = "spotsim sweep — " + name;
  const int replications = summary.value("replications", 0);
  sw["replications"] = replications;
  sw["subtitle"] = "scenario " + summary.value("scenario", std::string("?")) + " · " +
                   std::to_string(summary["points"].size()) + " grid points × " + std::to_string(replications) +
                   " replications · seed " + std::to_string(summary.value("seed", 0)) + " · spotsim " +
                   summary.value("spotsim_version", std::string("?"));
  sw["axes"] = json::array();
  for (const auto& [path, values] : summary["axes"].items())
    sw["axes"].push_back({{"path", path}, {"label", axis_label(path, summary["axes"])}});
  sw["columns"] = json::array();
  for (const auto& [figure, label] : kSweepColumns) sw["columns"].push_back({{"name", figure}, {"label", label}});

  json points = json::array();
  std::vector<std::pair<double, double>> xy;  // (cost, drop rate) of the plotted points
  std::vector<std::size_t> plotted_index;     // their places in `points`
  std::size_t i = 0;
  for (const json& p : summary["points"]) {
    const std::string where = "/points/" + std::to_string(i++);
    if (!p.is_object() || !p.contains("figures") || !p["figures"].is_object() || !p.contains("settings"))
      bad(file, where, "expected {point, settings, runs, figures}");
    json point = {{"point", p.value("point", static_cast<int>(i - 1))}, {"settings", p["settings"]},
                  {"runs", p.value("runs", 0)}, {"figures", json::object()}};
    for (const auto& [figure, label] : kSweepColumns) {
      if (p["figures"].contains(figure) && is_stats(p["figures"][figure])) {
        const json& s = p["figures"][figure];
        point["figures"][figure] = {{"mean", round_for_page(s["mean"].get<double>())},
                                    {"ci95_low", s["ci95_low"].is_number() ? json(round_for_page(s["ci95_low"].get<double>())) : json(nullptr)},
                                    {"ci95_high", s["ci95_high"].is_number() ? json(round_for_page(s["ci95_high"].get<double>())) : json(nullptr)}};
      }
    }
    // A point without both figures (a scenario without traffic has no drop rate) is listed, not plotted.
    const bool plotted = point["figures"].contains("cost.total_usd") && point["figures"].contains("requests.drop_rate");
    point["plotted"] = plotted;
    if (plotted) {
      plotted_index.push_back(points.size());
      xy.emplace_back(point["figures"]["cost.total_usd"]["mean"].get<double>(),
                      point["figures"]["requests.drop_rate"]["mean"].get<double>());
    }
    point["pareto"] = false;
    points.push_back(std::move(point));
  }
  const std::vector<bool> front = pareto_front(xy);
  std::size_t cheapest = 0, safest = 0;
  for (std::size_t k = 0; k < xy.size(); ++k) {
    points[plotted_index[k]]["pareto"] = static_cast<bool>(front[k]);
    if (xy[k].first < xy[cheapest].first) cheapest = k;
    if (xy[k].second < xy[safest].second || (xy[k].second == xy[safest].second && xy[k].first < xy[safest].first)) safest = k;
  }
  sw["points"] = points;
  json headline = json::array({json::array({"grid points", std::to_string(points.size())}),
                               json::array({"runs", std::to_string(summary.value("runs", 0))})});
  if (!xy.empty()) {
    cheapest = plotted_index[cheapest];
    const double cheapest_cost = points[cheapest]["figures"]["cost.total_usd"]["mean"].get<double>();
    headline.push_back(json::array({"cheapest point (mean cost)", money(cheapest_cost) + " · point " +
                                                                      std::to_string(points[cheapest]["point"].get<int>())}));
    char rate[48];
    std::snprintf(rate, sizeof rate, "%.3g %%", xy[safest].second * 100);
    headline.push_back(json::array({"lowest drop rate", std::string(rate) + " · point " +
                                                            std::to_string(points[plotted_index[safest]]["point"].get<int>())}));
    std::size_t on_front = 0;
    for (bool b : front) on_front += b ? 1 : 0;
    headline.push_back(json::array({"on the Pareto front", std::to_string(on_front)}));
  }
  sw["headline"] = headline;
  return sw;
}

json compare_data(const fs::path& dir) {
  const fs::path file = dir / "compare.json";
  const json cmp = read_json_file(file);
  if (!cmp.contains("figures") || !cmp["figures"].is_object())
    bad(file, "/figures", "expected the figures of spotsim compare --json");
  json out = {{"kind", "compare"}};
  const std::string base_name = cmp.value("base_scenario", std::string("base"));
  const std::string variant_name = cmp.value("variant_scenario", std::string("variant"));
  out["title"] = "spotsim compare — " + base_name + " vs " + variant_name;
  std::string changes;
  if (cmp.contains("variant_changes") && cmp["variant_changes"].is_array())
    for (const json& c : cmp["variant_changes"]) changes += (changes.empty() ? "" : ", ") + (c.is_string() ? c.get<std::string>() : c.dump());
  const int replications = cmp.value("replications", 0);
  out["subtitle"] = std::to_string(replications) + " replications each · seed " + std::to_string(cmp.value("seed", 0)) +
                    " · " + cmp.value("difference_interval", std::string("paired")) + " intervals" +
                    (changes.empty() ? std::string() : " · variant: " + changes) + " · spotsim " +
                    cmp.value("spotsim_version", std::string("?"));
  out["interval_note"] = cmp.value("difference_interval", std::string("paired")) == "paired"
                             ? "Paired 95 % intervals: replication r of both used the same seed and random streams "
                               "(common random numbers), so the difference is the setting's effect, not noise."
                             : "Welch 95 % intervals: the variant ran on its own seeds (--independent-seeds).";
  json figures = json::array();
  for (const auto& [name, f] : cmp["figures"].items()) {
    if (!f.is_object() || !is_stats(f.value("base", json())) || !is_stats(f.value("variant", json())) ||
        !is_stats(f.value("difference", json())))
      bad(file, "/figures/" + name, "expected {base, variant, difference} each with mean, ci95_low, ci95_high");
    json row = {{"name", name}, {"significant", f.value("significant", false)}};
    for (const char* part : {"base", "variant", "difference"}) {
      const json& s = f[part];
      row[part] = {{"mean", round_for_page(s["mean"].get<double>())},
                   {"ci95_low", s["ci95_low"].is_number() ? json(round_for_page(s["ci95_low"].get<double>())) : json(nullptr)},
                   {"ci95_high", s["ci95_high"].is_number() ? json(round_for_page(s["ci95_high"].get<double>())) : json(nullptr)}};
    }
    row["relative_change"] = f.contains("relative_change") && f["relative_change"].is_number()
                                 ? json(round_for_page(f["relative_change"].get<double>())) : json(nullptr);
    figures.push_back(std::move(row));
  }
  out["figures"] = figures;
  out["key_figures"] = kCompareKeyFigures;
  out["base"] = run_data(dir / "base");
  out["variant"] = run_data(dir / "variant");
  out["base"]["title"] = base_name;
  out["variant"]["title"] = variant_name + (changes.empty() ? std::string() : " (" + changes + ")");
  // One page carries both runs' events only through their own reports.
  out["base"]["events"] = nullptr;
  out["variant"]["events"] = nullptr;

  json headline = json::array();
  const auto card = [&](const char* figure, const char* label, bool usd) {
    if (!cmp["figures"].contains(figure)) return;
    const json& d = cmp["figures"][figure]["difference"];
    const auto show = [&](double v) {
      if (usd) return money(v);
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.3g", v);
      return std::string(buf);
    };
    headline.push_back(json::array({std::string(label) + " (variant − base, 95 % interval)",
                                    show(d["mean"].get<double>()) + " [" + show(d["ci95_low"].get<double>()) + ", " +
                                        show(d["ci95_high"].get<double>()) + "]"}));
  };
  card("cost.total_usd", "cost", true);
  card("requests.drop_rate", "drop rate", false);
  card("cost.savings_ratio", "savings ratio", false);
  out["headline"] = headline;
  return out;
}

}  // namespace spotsim::report
