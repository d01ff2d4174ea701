// The run page of report.html: headline figures, the time charts' series, spot prices and
// interruption notices, the worst minute, and the events of events.jsonl (tools/report_internal.hpp).
#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>

#include "sim/sim_time.hpp"
#include "tools/input_error.hpp"
#include "tools/report_internal.hpp"
#include "tools/text_input.hpp"

namespace spotsim::report {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// The page keeps at most 1,500 buckets (3,000 points) per series: a 1,400-pixel chart cannot show more.
constexpr std::size_t kMaxBuckets = 1500;
// events.jsonl beyond this many bytes is embedded only around the worst minutes, so a page stays
// under 5 MB (the default scenario's 30 days log 3.0 MB and are embedded whole: a 3.7 MB page).
constexpr std::size_t kMaxEventBytes = 3'500'000;
constexpr std::size_t kMaxEventLine = 64u << 10;

const std::vector<std::string> kChartColumns = {
    "offered_rps", "served_rps", "dropped_rps", "no_target_rps", "target_lost_rps", "timeout_rps", "rejected_rps",
    "instances_on_demand", "instances_spot", "instances_pending", "instances_draining", "tasks_running",
    "tasks_pending", "tasks_stopping", "service_desired", "asg_desired", "capacity_provider_reservation",
    "cpu_utilization", "cost_usd_cumulative", "on_demand_baseline_usd_cumulative"};

const json* at_path(const json& j, std::initializer_list<const char*> path) {
  const json* p = &j;
  for (const char* k : path) {
    if (!p->is_object() || !p->contains(k)) return nullptr;
    p = &(*p)[k];
  }
  return p;
}
double number_at(const json& j, std::initializer_list<const char*> path, double fallback = std::nan("")) {
  const json* p = at_path(j, path);
  return p && p->is_number() ? p->get<double>() : fallback;
}

std::string rate_percent(double rate) {
  if (std::isnan(rate)) return "—";
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.3g %%", rate * 100);
  return buf;
}

// Spot prices from spot_prices.csv (time,pool,spot_price_usd_per_hour; a row at each change).
json read_spot_prices(const fs::path& file, std::int64_t start_ms) {
  json out = json::array();
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) return out;
  const std::string name = file.generic_string();
  const std::string text = text_input::read_file_text(file, name, 512u << 20);
  text_input::LineSplitter lines(text, text_input::Bom::skipped);
  std::string_view line;
  std::vector<std::string> f;
  std::map<std::string, std::size_t> index;
  lines.next(line);  // header
  while (lines.next(line)) {
    if (line.empty()) continue;
    const auto ms = text_input::split_csv_line(line, 3, f) && f.size() == 3 ? parse_iso8601_ms(f[0]) : std::nullopt;
    char* end = nullptr;
    const double price = ms ? std::strtod(f[2].c_str(), &end) : 0;
    if (!ms || end == f[2].c_str() || *end != '\0' || !std::isfinite(price))
      throw InputError(name, "line " + std::to_string(lines.number()), "expected time,pool,spot_price_usd_per_hour");
    auto [it, fresh] = index.try_emplace(f[1], out.size());
    if (fresh) out.push_back({{"pool", f[1]}, {"x", json::array()}, {"y", json::array()}});
    out[it->second]["x"].push_back(round_for_page(static_cast<double>(*ms - start_ms) / 1000.0));
    out[it->second]["y"].push_back(round_for_page(price));
  }
  return out;
}

double price_at(const json& prices, const std::string& pool, double t_s) {
  double best = std::nan("");
  for (const json& p : prices) {
    const std::string key = p["pool"].get<std::string>();
    // A price given per type ("m5.large") holds in every Availability Zone.
    if (key != pool && pool.rfind(key + "/", 0) != 0) continue;
    const auto& x = p["x"];
    for (std::size_t i = 0; i < x.size() && x[i].get<double>() <= t_s; ++i) best = p["y"][i].get<double>();
    if (key == pool) break;
  }
  return best;
}

struct Window {
  double from_s, to_s;
};

// The events of events.jsonl as objects; everything while it stays under kMaxEventBytes, else only
// those inside `windows` (the worst minutes). Every line must be a JSON object with an integer `t`.
json read_events(const fs::path& file, const std::vector<Window>& windows) {
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) return nullptr;
  const std::string name = file.generic_string();
  std::ifstream in(file, std::ios::binary);
  if (!in) throw InputError(name, "", "cannot read file");
  json all = json::array(), inside = json::array();
  std::size_t bytes = 0, total = 0, number = 0;
  bool overflow = false;
  std::string line;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty()) continue;
    const std::string where = "line " + std::to_string(number);
    if (line.size() > kMaxEventLine) throw InputError(name, where, "line longer than 64 KiB");
    json e = json::parse(line, nullptr, false);
    if (!e.is_object() || !e.contains("t") || !e["t"].is_number_integer())
      throw InputError(name, where, "expected a JSON object with an integer \"t\" (milliseconds)");
    ++total;
    const double t_s = static_cast<double>(e["t"].get<std::int64_t>()) / 1000.0;
    const bool in_window = std::any_of(windows.begin(), windows.end(), [&](const Window& w) { return t_s >= w.from_s && t_s <= w.to_s; });
    bytes += line.size();
    if (!overflow && bytes > kMaxEventBytes) {
      overflow = true;
      all = json::array();
    }
    if (in_window && inside.size() < 20'000) inside.push_back(e);
    if (!overflow) all.push_back(std::move(e));
  }
  json out = {{"total", total}, {"windowed", overflow}};
  out["embedded"] = overflow ? std::move(inside) : std::move(all);
  return out;
}

}  // namespace

json run_data(const fs::path& dir) {
  const json summary = read_json_file(dir / "summary.json");
  const Timeseries ts = read_timeseries(dir / "timeseries.csv");
  json scenario = json::object();
  std::error_code ec;
  if (fs::is_regular_file(dir / "scenario.json", ec)) scenario = read_json_file(dir / "scenario.json");

  json run = json::object();
  run["kind"] = "run";
  const std::string name = summary.value("scenario", std::string("run"));
  run["title"] = "spotsim — " + name;
  const double duration_s = number_at(summary, {"simulated_seconds"}, ts.t_s.back());
  // The seed as written: seeds reach 2^63 - 1, beyond a double's exact integers (and its cast to an
  // integer was undefined there, which clang's UBSan caught on seed 9223372036854775807).
  const json* seed = at_path(summary, {"seed"});
  std::string subtitle = "seed " + (seed && seed->is_number_integer() ? seed->dump() : std::string("?"));
  subtitle += " · " + fixed(duration_s / 86400.0, duration_s >= 86400 * 10 ? 0 : 2) + " days from " +
              format_iso8601(ts.start_epoch_ms);
  if (const json* mode = at_path(summary, {"requests", "mode"}); mode && mode->is_string())
    subtitle += " · " + mode->get<std::string>() + " traffic";
  subtitle += " · spotsim " + summary.value("spotsim_version", std::string("?"));
  run["subtitle"] = subtitle;
  run["start_ms"] = ts.start_epoch_ms;
  run["duration_s"] = duration_s;

  const double p99 = number_at(summary, {"requests", "latency_ms", "p99"});
  run["headline"] = json::array({
      json::array({"cost (instances)", money(number_at(summary, {"cost", "total_usd"}, 0))}),
      json::array({"savings ratio vs all On-Demand", fixed(number_at(summary, {"cost", "savings_ratio"}, 0), 2) + "×"}),
      json::array({"drop rate", rate_percent(number_at(summary, {"requests", "drop_rate"}))}),
      json::array({"p99 latency", std::isnan(p99) ? std::string("—") : fixed(p99, 0) + " ms"}),
      json::array({"requests dropped", fixed(number_at(summary, {"requests", "dropped_total"}, 0), 0)}),
      json::array({"interruption notices", fixed(number_at(summary, {"instances", "interruption_notices"}, 0), 0)}),
      json::array({"peak instances", fixed(number_at(summary, {"instances", "peak"}, 0), 0)}),
  });
  run["series"] = downsample(ts, kChartColumns, kMaxBuckets);

  // The target of the first managed-scaling capacity provider: the one the reservation column follows.
  run["cpr_target"] = nullptr;
  if (scenario.contains("capacityProviders") && scenario["capacityProviders"].is_array()) {
    for (const json& cp : scenario["capacityProviders"]) {
      const json* ms = at_path(cp, {"autoScalingGroupProvider", "managedScaling"});
      if (!ms || ms->value("status", std::string("ENABLED")) != "ENABLED") continue;
      if (ms->contains("targetCapacity") && (*ms)["targetCapacity"].is_number()) run["cpr_target"] = (*ms)["targetCapacity"];
      break;
    }
  }

  // The worst minute: the most requests dropped (earliest of equals), and windows around the ten worst.
  const std::vector<double>* dropped = ts.column("dropped_rps");
  std::vector<Window> windows;
  if (dropped) {
    std::vector<std::size_t> order(dropped->size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    auto worse = [&](std::size_t a, std::size_t b) {
      const double x = std::isnan((*dropped)[a]) ? -1 : (*dropped)[a], y = std::isnan((*dropped)[b]) ? -1 : (*dropped)[b];
      return x != y ? x > y : a < b;
    };
    const std::size_t top = std::min<std::size_t>(10, order.size());
    std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(top), order.end(), worse);
    const std::size_t w = order[0];
    json worst = {{"t_s", ts.t_s[w]}, {"dropped_rps", round_for_page(std::isnan((*dropped)[w]) ? 0 : (*dropped)[w])}};
    const std::vector<double>* offered = ts.column("offered_rps");
    worst["offered_rps"] = offered && !std::isnan((*offered)[w]) ? round_for_page((*offered)[w]) : 0.0;
    worst["by_reason"] = json::object();
    for (const char* reason : {"no_target", "target_lost", "timeout", "rejected"}) {
      const std::vector<double>* c = ts.column(std::string(reason) + "_rps");
      worst["by_reason"][reason] = c && !std::isnan((*c)[w]) ? round_for_page((*c)[w]) : 0.0;
    }
    run["worst"] = worst;
    for (std::size_t k = 0; k < top; ++k)
      if ((*dropped)[order[k]] > 0) windows.push_back({ts.t_s[order[k]] - 660, ts.t_s[order[k]] + 60});
  } else {
    run["worst"] = nullptr;
  }

  run["prices"] = read_spot_prices(dir / "spot_prices.csv", ts.start_epoch_ms);
  run["events"] = read_events(dir / "events.jsonl", windows);

  // Interruption notices: from the event log when there is one (it names the pool), else from the
  // timeseries' cumulative count (time only, drawn at the highest price).
  json notices = json::array();
  double top_price = 0;
  for (const json& p : run["prices"])
    for (const json& y : p["y"]) top_price = std::max(top_price, y.get<double>());
  if (!run["events"].is_null() && !run["events"]["windowed"].get<bool>()) {
    for (const json& e : run["events"]["embedded"]) {
      if (e.value("event", std::string()) != "interruption_notice") continue;
      const double t_s = static_cast<double>(e["t"].get<std::int64_t>()) / 1000.0;
      const std::string pool = e.value("instance_type", std::string()) + "/" + e.value("availability_zone", std::string());
      const double price = price_at(run["prices"], pool, t_s);
      notices.push_back({{"t_s", t_s}, {"id", e.value("id", std::string())}, {"pool", pool},
                         {"price", std::isnan(price) ? top_price : price}});
    }
  } else if (const std::vector<double>* count = ts.column("interruption_notices")) {
    double seen = 0;
    for (std::size_t i = 0; i < count->size(); ++i) {
      const double c = (*count)[i];
      if (std::isnan(c)) continue;
      for (; seen < c; seen += 1) notices.push_back({{"t_s", ts.t_s[i]}, {"price", top_price}});
      if (notices.size() > 10'000) break;
    }
  }
  run["notices"] = notices;
  return run;
}

}  // namespace spotsim::report
