// The scenario's `market` and `ec2` blocks (contract.md "Scenario file"; spot_market.hpp explains
// each interruption model in AWS terms). Both are spotsim's own: unknown keys are errors.
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>

#include "models/instance_catalog.hpp"
#include "tools/scenario_parts.hpp"
#include "tools/text_input.hpp"
#include "tools/trace_readers.hpp"

namespace spotsim {
namespace {


// Calls a trace reader; its InputError (file and line) joins the scenario's diagnostics.
template <typename Read>
void read_trace(const LoadContext& ctx, Read&& read) {
  try {
    read();
  } catch (const InputError& e) {
    ctx.diag.add_all(e.diagnostics());
  }
}

// Types the market needs figures for: every type of every group; `spot_only` keeps those of groups
// that can run spot instances.
std::vector<std::pair<std::string, std::string>> group_types(const LoadContext& ctx, bool spot_only) {
  std::vector<std::pair<std::string, std::string>> out;  // type, pointer naming it
  for (std::size_t g = 0; g < ctx.world.groups.size(); ++g) {
    if (spot_only && !ctx.groups[g].can_run_spot) continue;
    const auto& types = ctx.world.groups[g].instance_types;
    for (std::size_t k = 0; k < types.size(); ++k) {
      const bool seen = std::any_of(out.begin(), out.end(), [&](const auto& p) { return p.first == types[k]; });
      if (!seen) out.emplace_back(types[k], ctx.groups[g].type_pointers[k]);
    }
  }
  return out;
}

void load_on_demand_prices(const Node& prices, LoadContext& ctx) {
  auto& od = ctx.world.market.on_demand_price;
  for (const auto& [type, node] : prices["onDemand"].members())
    if (auto v = node.number(0.0001, 1000)) od[type] = *v;
  for (const auto& [type, pointer] : group_types(ctx, /*spot_only=*/false)) {
    if (od.count(type)) continue;
    if (auto price = catalog_on_demand_price(ctx.world.region, type)) {
      od[type] = *price;
    } else if (!find_instance_type(type)) {
      ctx.diag.error(pointer, "unknown instance type \"" + type +
                                  "\": not in the built-in catalog and not priced in /market/prices/onDemand");
    } else {
      ctx.diag.error(pointer, "no built-in On-Demand price for " + type + " in " + ctx.world.region +
                                  ": add it to /market/prices/onDemand");
    }
  }
}

void load_spot_prices(const Node& spot, LoadContext& ctx) {
  auto& market = ctx.world.market;
  const std::size_t errors_before = ctx.diag.errors().size();
  if (spot.is_object()) {
    spot.reject_unknown_keys({"describeSpotPriceHistory", "csv", "fixed"});
    if (auto file = trace_file(spot["describeSpotPriceHistory"], ctx))
      read_trace(ctx, [&] {
        for (auto& [pool, f] : read_spot_price_history_json(*file, text_input::display_path(*file), ctx.world.start_epoch_ms))
          market.spot_price_by_pool[pool] = std::move(f);
      });
    if (auto file = trace_file(spot["csv"], ctx))
      read_trace(ctx, [&] {
        for (auto& [pool, f] : read_spot_price_csv(*file, text_input::display_path(*file), ctx.world.start_epoch_ms))
          market.spot_price_by_pool.try_emplace(pool, std::move(f));
      });
    // "fixed": a constant price per type ("m5.large") or per pool ("m5.large/eu-west-1a").
    for (const auto& [key, node] : spot["fixed"].members()) {
      const auto v = node.number(0.0001, 1000);
      if (!v) continue;
      if (key.find('/') != std::string::npos)
        market.spot_price_by_pool.try_emplace(key, StepFunction(*v));
      else
        market.spot_price_by_type[key] = StepFunction(*v);
    }
  }
  // Every pool a group may launch spot instances into needs a price (it is what they cost). Not
  // checked when a price source failed: its pools' "no price" would only repeat that error.
  if (ctx.diag.errors().size() != errors_before) return;
  for (std::size_t g = 0; g < ctx.world.groups.size(); ++g) {
    if (!ctx.groups[g].can_run_spot) continue;
    const auto& group = ctx.world.groups[g];
    for (const auto& type : group.instance_types)
      for (const auto& az : group.availability_zones) {
        const std::string key = type + "/" + az;
        if (market.spot_price_by_pool.count(key) || market.spot_price_by_type.count(type)) continue;
        ctx.diag.error(spot.pointer(), "no spot price for pool " + key + " (group \"" + group.name +
                                           "\" can run spot there): add it to a price trace or to " +
                                           spot.pointer() + "/fixed");
      }
  }
}

void load_advisor(const Node& n, LoadContext& ctx) {
  auto& market = ctx.world.market;
  if (auto v = n["correlation"].number(0, 1)) market.correlation = *v;
  if (auto v = n["reclaimFraction"].number(0.001, 1)) market.reclaim_fraction = *v;
  if (auto v = n["reclaimSpread"].duration(0)) market.reclaim_spread = *v;
  std::optional<std::map<std::string, int>> from_file;
  std::string source = "the built-in catalog";
  if (n["file"].present()) {
    const auto file = trace_file(n["file"], ctx);
    if (!file) return;  // reported; no fallback to the catalog the user did not ask for
    source = text_input::display_path(*file);
    read_trace(ctx, [&] { from_file = read_spot_advisor_buckets(*file, text_input::display_path(*file), ctx.world.region); });
    if (!from_file) return;  // the reader reported why
  }
  for (const auto& [type, pointer] : group_types(ctx, /*spot_only=*/true)) {
    std::optional<int> bucket;
    if (from_file) {
      if (auto it = from_file->find(type); it != from_file->end()) bucket = it->second;
    } else {
      bucket = catalog_advisor_bucket(ctx.world.region, type);
    }
    if (bucket)
      market.advisor_bucket[type] = *bucket;
    else
      ctx.diag.error(n.pointer(), "no Spot Advisor interruption bucket for " + type + " in " + ctx.world.region +
                                      " in " + source + " (named at " + pointer +
                                      "): give \"file\" (spot-advisor-data.json) or choose another model");
  }
}

void load_hazard(const Node& n, LoadContext& ctx) {
  auto& market = ctx.world.market;
  if (auto v = n["ratePerInstanceHour"].number(0, 100)) market.rate_per_instance_hour = *v;
  const Node pool = n["poolReclaim"];
  if (pool.is_object()) {
    pool.reject_unknown_keys({"ratePerPoolDay", "fraction", "spread"});
    if (auto v = pool["ratePerPoolDay"].number(0, 1440)) market.pool_reclaims_per_day = *v;
    if (auto v = pool["fraction"].number(0.001, 1)) market.reclaim_fraction = *v;
    if (auto v = pool["spread"].duration(0)) market.reclaim_spread = *v;
  }
}

void load_one_trace(const Node& spec, const std::string& key, LoadContext& ctx) {
  if (!spec["file"].require()) return;
  const auto file = trace_file(spec["file"], ctx);
  const auto offset = spec["offset"].duration(0);
  const auto loop = spec["loop"].boolean();
  if (!file) return;
  read_trace(ctx, [&] {
    AvailabilityTrace t = read_availability_trace(*file, text_input::display_path(*file));
    if (offset) t.offset = *offset;
    if (loop) t.loop = *loop;
    ctx.world.market.traces[key] = std::move(t);
  });
}

void load_traces(const Node& n, LoadContext& ctx) {
  const Node traces = n["traces"];
  if (traces.present() && n["file"].present()) {
    n.error("expected either \"traces\" (per pool) or \"file\" (every pool), found both");
    return;
  }
  if (n["file"].present()) {
    load_one_trace(n, "*", ctx);
    return;
  }
  if (!traces.present()) {
    n.error("model \"trace\" needs \"traces\" ({\"<type/az or *>\": {\"file\": ...}}) or \"file\"");
    return;
  }
  for (const auto& [key, spec] : traces.members()) {
    if (key != "*" && !ctx.has_pool(key))
      ctx.diag.error(spec.pointer(), "no group launches into pool \"" + key + "\" (expected \"*\" or instanceType/availabilityZone of a group)");
    if (!spec.is_object()) continue;
    spec.reject_unknown_keys({"file", "offset", "loop"});
    load_one_trace(spec, key, ctx);
  }
}

void load_interruptions(const Node& n, LoadContext& ctx) {
  auto& market = ctx.world.market;
  // Default "advisor": correlated reclaims from the Spot Advisor bucket are the normal case
  // (design.md "Observed behaviour"), and no interruptions at all would flatter spot.
  std::string model = "advisor";
  if (n.is_object())
    if (auto m = n["model"].one_of({"none", "advisor", "hazard", "trace", "price"})) model = *m;
  if (model == "none") {
    market.model = InterruptionModel::none;
    n.reject_unknown_keys({"model"});
  } else if (model == "advisor") {
    market.model = InterruptionModel::advisor;
    n.reject_unknown_keys({"model", "file", "correlation", "reclaimFraction", "reclaimSpread"});
    load_advisor(n, ctx);
  } else if (model == "hazard") {
    market.model = InterruptionModel::hazard;
    n.reject_unknown_keys({"model", "ratePerInstanceHour", "poolReclaim"});
    load_hazard(n, ctx);
  } else if (model == "trace") {
    market.model = InterruptionModel::trace;
    n.reject_unknown_keys({"model", "traces", "file", "offset", "loop"});
    load_traces(n, ctx);
  } else {
    market.model = InterruptionModel::price;
    n.reject_unknown_keys({"model"});
  }
}

void load_unavailability(const Node& list, LoadContext& ctx) {
  for (const Node& u : list.elements()) {
    if (!u.is_object()) continue;
    u.reject_unknown_keys({"pool", "from", "for"});
    PoolUnavailability w;
    if (u["pool"].require())
      if (auto p = u["pool"].nonempty_string()) {
        w.pool = *p;
        if (!ctx.has_pool(*p))
          u["pool"].error("no group launches into pool \"" + *p + "\" (expected instanceType/availabilityZone of a group)");
      }
    if (u["from"].require()) w.from = u["from"].duration(0).value_or(0);
    if (u["for"].require()) w.duration = u["for"].duration(1).value_or(0);
    ctx.world.market.unavailability.push_back(std::move(w));
  }
}

}  // namespace

std::optional<std::filesystem::path> trace_file(const Node& node, const LoadContext& ctx) {
  const auto name = node.nonempty_string();
  if (!name) return std::nullopt;
  std::filesystem::path p(*name);
  if (p.is_relative()) p = ctx.base_dir / p;
  std::error_code ec;
  const auto status = std::filesystem::status(p, ec);
  if (ec || !std::filesystem::exists(status)) {
    node.error("cannot read trace file \"" + text_input::display_path(p) + "\": no such file");
    return std::nullopt;
  }
  if (std::filesystem::is_directory(status)) {
    node.error("cannot read trace file \"" + text_input::display_path(p) + "\": it is a folder");
    return std::nullopt;
  }
  std::ifstream probe(p);
  if (!probe) {
    node.error("cannot read trace file \"" + text_input::display_path(p) + "\": " + std::strerror(errno));
    return std::nullopt;
  }
  return p;
}

void load_market(const Node& root, LoadContext& ctx) {
  const Node m = root["market"];
  m.is_object();
  m.reject_unknown_keys({"prices", "interruptions", "noticeSeconds", "rebalanceRecommendation", "unavailability"});
  const Node prices = m["prices"];
  if (prices.is_object()) prices.reject_unknown_keys({"spot", "onDemand"});
  load_on_demand_prices(prices, ctx);
  load_spot_prices(prices["spot"], ctx);
  load_interruptions(m["interruptions"], ctx);

  // SP-1: the notice is two minutes; tunable for what-ifs (runs-on issue 277 saw 108 s).
  if (auto v = m["noticeSeconds"].int32(0, 3600)) ctx.world.market.notice = seconds(*v);
  const Node rebalance = m["rebalanceRecommendation"];
  if (rebalance.is_object()) {
    rebalance.reject_unknown_keys({"leadTime", "probability"});
    RebalanceConfig r;
    if (auto v = rebalance["leadTime"].duration(0)) r.lead_time = *v;
    if (auto v = rebalance["probability"].number(0, 1)) r.probability = *v;
    ctx.world.market.rebalance = r;
  }
  load_unavailability(m["unavailability"], ctx);
}

void load_ec2(const Node& root, LoadContext& ctx) {
  const Node e = root["ec2"];
  if (!e.is_object()) return;
  e.reject_unknown_keys({"bootTime", "agentRegistration", "pendingTime", "launchRetry"});
  auto& ec2 = ctx.world.ec2;
  if (auto v = e["pendingTime"].duration(0)) ec2.pending_time = *v;
  if (auto v = e["bootTime"].duration(0)) ec2.boot_time = *v;
  if (auto v = e["agentRegistration"].duration(0)) ec2.agent_registration = *v;
  if (auto v = e["launchRetry"].duration(seconds(1))) ec2.launch_retry = *v;
  // Both count from launch (ec2_instance.hpp): the OS cannot be up before the instance runs.
  if (ec2.boot_time < ec2.pending_time)
    (e["bootTime"].present() ? e["bootTime"] : e["pendingTime"])
        .error("bootTime (" + format_duration(ec2.boot_time) + ") is shorter than pendingTime (" +
               format_duration(ec2.pending_time) + "); both count from launch");
}

}  // namespace spotsim
