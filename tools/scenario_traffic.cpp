// What the scenario says about requests (contract.md "Scenario file", `workload`): the load offered
// to each target group (workload.traffic, read by read_load_trace), how each service's tasks serve
// requests (the traffic fields of workload.services), and which services call which
// (workload.callGraph, checked for cycles by CallGraph::build). Then the checks that need every
// block at once: a target group no service uses, a service that gets requests without a capacity.
#include <algorithm>
#include <map>

#include "models/call_graph.hpp"
#include "tools/load_trace.hpp"
#include "tools/scenario_parts.hpp"

namespace spotsim {
namespace {

constexpr double kMaxScale = 1e6;  // a typo guard

std::optional<std::size_t> service_index(const std::string& name, const WorldConfig& w) {
  for (std::size_t i = 0; i < w.services.size(); ++i)
    if (w.services[i].name == name) return i;
  return std::nullopt;
}

std::vector<std::string> service_names(const WorldConfig& w) {
  std::vector<std::string> names;
  for (const auto& s : w.services)
    if (!s.name.empty()) names.push_back(s.name);
  return names;
}

// A number that must be above zero (JSON has no NaN or infinity, so finite is given).
std::optional<double> positive(const Node& n, double max) {
  const auto v = n.number(0, max);
  if (v && *v <= 0) {
    n.error("expected a number above 0, found " + describe_json(*n.json()));
    return std::nullopt;
  }
  return v;
}

// The logs' own counts as the world keeps them (models do not see tools/). Raw: `scale` multiplies
// the offered rate only, never what the logs say happened.
ObservedAlbCounts observed_counts(const AlbLogCounts& c) {
  ObservedAlbCounts o;
  o.requests = c.requests;
  o.elb_5xx = c.elb_5xx;
  o.elb_generated_5xx = c.elb_generated_5xx;
  o.target_5xx = c.target_5xx;
  o.elb_502 = c.elb_502;
  o.elb_503 = c.elb_503;
  o.elb_504 = c.elb_504;
  o.first_request_epoch_ms = c.first_request_epoch_ms;
  o.last_request_epoch_ms = c.last_request_epoch_ms;
  o.files = c.files;
  return o;
}

// One workload.traffic[] entry: {targetGroup, requests, scale, loop}.
void load_traffic_entry(const Node& t, LoadContext& ctx, std::map<std::string, int>& entries_per_group) {
  if (!t.is_object()) return;
  t.reject_unknown_keys({"targetGroup", "requests", "scale", "loop"});
  const auto& groups = ctx.world.target_groups;
  std::optional<std::size_t> group;
  const Node tg = t["targetGroup"];
  std::string group_name;
  if (tg.require())
    if (auto name = tg.nonempty_string()) {
      group_name = *name;
      for (std::size_t i = 0; i < groups.size() && !group; ++i)
        if (groups[i].name == *name) group = i;
      if (!group) {
        std::vector<std::string> names;
        for (const auto& g : groups)
          if (!g.name.empty()) names.push_back(g.name);
        tg.error("no target group named \"" + *name + "\" in TargetGroups (expected " + quoted_names(names) + ")");
      }
    }
  const Node scale_node = t["scale"];
  const auto scale = scale_node.present() ? positive(scale_node, kMaxScale) : std::optional<double>(1.0);
  const bool loop = t["loop"].boolean().value_or(true);

  const Node requests = t["requests"];
  if (!requests.require() || !requests.is_object()) return;
  // The synthetic form's noise: one stream per entry, named after its target group.
  const int k = entries_per_group[group_name]++;
  // Appended piecewise: GCC 12 warns (-Wrestrict, a false positive) on `const char* + string`.
  std::string stream = "workload.traffic/" + group_name;
  if (k > 0) {
    stream += '/';
    stream += std::to_string(k);
  }
  try {
    LoadTrace trace = read_load_trace(*requests.json(), ctx.diag.file(), requests.pointer(), ctx.base_dir,
                                      ctx.world.start_epoch_ms, ctx.world.duration, scale.value_or(1.0), loop,
                                      ctx.world.seed, stream, ctx.world.replication);
    if (!group || !scale) return;  // reported
    TrafficSource source;
    source.target_group = *group;
    source.rps = std::move(trace.rps);
    source.source = std::move(trace.source);
    if (trace.alb_counts) source.observed = observed_counts(*trace.alb_counts);
    if (trace.synthetic)
      source.synthetic = SyntheticSource{*trace.synthetic, ctx.world.start_epoch_ms, scale.value_or(1.0), stream,
                                         ctx.world.seed, ctx.world.replication};
    // Profiles on one grid (every synthetic one of the run) hold their step times once.
    if (!ctx.world.traffic.empty()) source.rps.share_times_with(ctx.world.traffic.back().rps);
    ctx.world.traffic.push_back(std::move(source));
  } catch (const InputError& e) {
    ctx.diag.add_all(e.diagnostics());
  }
}

// workload.callGraph[]: {from, to, callsPerRequest}. Cycles, self-calls and duplicate edges are
// CallGraph::build's to find, once every edge names known services.
void load_call_graph(const Node& list, LoadContext& ctx) {
  std::vector<CallEdge> edges;
  std::vector<CallGraphEdgeConfig> configs;
  bool complete = true;
  for (const Node& e : list.elements()) {
    if (!e.is_object()) {
      complete = false;
      continue;
    }
    e.reject_unknown_keys({"from", "to", "callsPerRequest"});
    std::optional<std::size_t> ends[2];
    const char* keys[2] = {"from", "to"};
    for (int i = 0; i < 2; ++i) {
      const Node n = e[keys[i]];
      if (!n.require()) continue;
      const auto name = n.nonempty_string();
      if (!name) continue;
      ends[i] = service_index(*name, ctx.world);
      if (!ends[i])
        n.error("no service named \"" + *name + "\" in services (expected " + quoted_names(service_names(ctx.world)) +
                ")");
    }
    const Node calls = e["callsPerRequest"];
    const auto m = calls.present() ? positive(calls, CallGraph::kMaxCallsPerRequest) : std::optional<double>(1.0);
    if (!ends[0] || !ends[1] || !m) {
      complete = false;
      continue;
    }
    edges.push_back({ctx.world.services[*ends[0]].name, ctx.world.services[*ends[1]].name, *m});
    configs.push_back({*ends[0], *ends[1], *m});
  }
  // Service names that are empty or repeated were reported with the services.
  const auto names = service_names(ctx.world);
  const bool names_ok = names.size() == ctx.world.services.size() &&
                        std::all_of(names.begin(), names.end(), [&](const auto& n) {
                          return std::count(names.begin(), names.end(), n) == 1;
                        });
  if (!complete || !names_ok) return;
  try {
    (void)CallGraph::build(names, edges);
  } catch (const CallGraphError& err) {
    const auto edge = err.edge();
    ctx.diag.error(edge ? list.at(*edge).pointer() : list.pointer(), err.what());
    return;
  } catch (const std::invalid_argument& err) {
    list.error(err.what());
    return;
  }
  ctx.world.call_graph = std::move(configs);
}

// Every target group must have a service behind it (issue 4: "a target group not used by any
// service" is bad input). Not judged when a loadBalancers entry failed: that error says why.
void check_target_groups_used(const Node& root, LoadContext& ctx) {
  if (ctx.ecs.load_balancer_problem) return;
  const WorldConfig& w = ctx.world;
  for (std::size_t g = 0; g < w.target_groups.size(); ++g) {
    if (w.target_groups[g].name.empty()) continue;
    const bool used = std::any_of(w.services.begin(), w.services.end(), [&](const auto& s) {
      return std::find(s.target_groups.begin(), s.target_groups.end(), g) != s.target_groups.end();
    });
    if (used) continue;
    const bool offered =
        std::any_of(w.traffic.begin(), w.traffic.end(), [&](const auto& t) { return t.target_group == g; });
    const auto services = service_names(w);
    const std::string which =
        services.empty() ? std::string("the scenario has no services")
                         : "the services are " + quoted_names(services) + " and none of them has";
    root["TargetGroups"].at(g).error(
        "target group \"" + w.target_groups[g].name + "\" is not used by any service: expected a services[]."
        "loadBalancers entry with its targetGroupArn, found none (" + which +
        (services.empty() ? std::string() : " one") + "), so no task ever registers with it and traffic to it could "
        "never be served" +
        (offered ? std::string(": all its workload.traffic would be dropped (no_target, HTTP 503, ALB-4)") : "") +
        "; add the service's loadBalancers entry or remove the target group");
  }
}

// A service gets requests when it is behind a target group with traffic, or is called by one that
// does. It must then say how many its tasks serve: exactly one of requestsPerSecondPerTask and
// cpuSecondsPerRequest (the latter needs the task's cpu reservation, for every revision it runs).
void check_service_capacities(const Node& root, LoadContext& ctx) {
  const WorldConfig& w = ctx.world;
  // Task definition indexes are sound only when the services and deployments loaded cleanly.
  const bool indexes_sound = !ctx.diag.has_errors();
  const std::size_t n = w.services.size();
  std::vector<std::string> why(n);
  std::vector<std::size_t> queue;
  for (const auto& t : w.traffic)
    for (std::size_t s = 0; s < n; ++s) {
      const auto& tgs = w.services[s].target_groups;
      if (why[s].empty() && std::find(tgs.begin(), tgs.end(), t.target_group) != tgs.end()) {
        why[s] = "it is behind target group \"" + w.target_groups[t.target_group].name +
                 "\", which has workload.traffic";
        queue.push_back(s);
      }
    }
  for (std::size_t i = 0; i < queue.size(); ++i)
    for (const auto& e : w.call_graph)
      if (e.from == queue[i] && why[e.to].empty()) {
        why[e.to] = "service \"" + w.services[e.from].name + "\", which gets requests, calls it (workload.callGraph)";
        queue.push_back(e.to);
      }
  const Node entries = root["workload"]["services"];
  for (std::size_t s = 0; s < n; ++s) {
    const EcsServiceConfig& svc = w.services[s];
    if (why[s].empty() || svc.name.empty()) continue;
    const Node entry = entries[svc.name];
    const ServiceTraffic& t = svc.workload.traffic;
    const bool capacity = entry["requestsPerSecondPerTask"].present() || entry["cpuSecondsPerRequest"].present();
    if (!capacity) {
      entry.error("service \"" + svc.name + "\" gets requests (" + why[s] + ") but workload.services." + svc.name +
                  " gives neither requestsPerSecondPerTask nor cpuSecondsPerRequest: give one, how many requests "
                  "a task serves");
      continue;
    }
    if (!t.cpu_seconds_per_request || !indexes_sound) continue;
    std::vector<std::size_t> revisions = {svc.task_definition};
    for (const auto& d : w.deployments)
      if (d.service == s) revisions.push_back(d.task_definition);
    for (std::size_t td : revisions)
      if (w.task_definitions[td].reserved_cpu() == 0) {
        entry["cpuSecondsPerRequest"].error(
            "task definition " + w.task_definitions[td].family_revision() + " of service \"" + svc.name +
            "\" reserves no cpu units, so cpuSecondsPerRequest gives no capacity (cpu units / 1024 / "
            "cpuSecondsPerRequest): give the task or its containers cpu, or use requestsPerSecondPerTask");
        break;
      }
  }
}

}  // namespace

void load_service_traffic(const Node& n, ServiceTraffic& t, LoadContext& /*ctx*/) {
  const Node rps = n["requestsPerSecondPerTask"], cpu = n["cpuSecondsPerRequest"];
  const auto r = rps.present() ? positive(rps, 1e9) : std::nullopt;
  const auto c = cpu.present() ? positive(cpu, 3600) : std::nullopt;
  if (rps.present() && cpu.present()) {
    cpu.error("expected requestsPerSecondPerTask or cpuSecondsPerRequest, found both");
  } else {
    t.requests_per_second_per_task = r;
    t.cpu_seconds_per_request = c;
  }
  if (auto v = n["concurrencyPerTask"].int32(1, 1'000'000)) t.concurrency_per_task = *v;
  // An unloaded service time of zero would make every queueing formula degenerate.
  if (auto v = n["meanLatency"].duration(1)) t.mean_latency = *v;
  if (auto v = n["requestTimeout"].duration(1)) t.request_timeout = *v;
}

void load_traffic(const Node& root, LoadContext& ctx) {
  const Node workload = root["workload"];
  if (workload.present() && workload.json()->is_object()) {
    // A wrong type of either list is reported once, with the workload block (scenario.cpp).
    std::map<std::string, int> entries_per_group;
    const Node traffic = workload["traffic"], call_graph = workload["callGraph"];
    if (traffic.present() && traffic.json()->is_array())
      for (const Node& t : traffic.elements()) load_traffic_entry(t, ctx, entries_per_group);
    if (call_graph.present() && call_graph.json()->is_array()) load_call_graph(call_graph, ctx);
  }
  check_target_groups_used(root, ctx);
  check_service_capacities(root, ctx);
}

// Every default written where the user would have written it (contract.md "Results folder":
// scenario.json is "the fully resolved scenario that ran (defaults filled in)").
void resolve_traffic(nlohmann::json& r, const WorldConfig& w) {
  const auto fill = [](nlohmann::json& object, const char* key, nlohmann::json value) {
    if (!object.contains(key)) object[key] = std::move(value);
  };
  if (!w.target_groups.empty()) {
    auto& groups = r["TargetGroups"];
    for (std::size_t i = 0; i < groups.size() && i < w.target_groups.size(); ++i) {
      const TargetGroupConfig& g = w.target_groups[i];
      auto& tg = groups[i];
      if (!tg.is_object()) continue;
      fill(tg, "TargetType", "instance");
      fill(tg, "Protocol", "HTTP");
      fill(tg, "HealthCheckEnabled", g.health_check_enabled);
      fill(tg, "HealthCheckIntervalSeconds", g.health.interval / 1000);
      fill(tg, "HealthCheckTimeoutSeconds", g.health.timeout / 1000);
      fill(tg, "HealthyThresholdCount", g.health.healthy_threshold);
      fill(tg, "UnhealthyThresholdCount", g.health.unhealthy_threshold);
      auto& matcher = tg["Matcher"];
      if (!matcher.is_object()) matcher = nlohmann::json::object();
      if (!matcher.contains("HttpCode") && !matcher.contains("GrpcCode")) {
        const bool grpc = tg.contains("ProtocolVersion") && tg["ProtocolVersion"] == "GRPC";
        matcher[grpc ? "GrpcCode" : "HttpCode"] = g.matcher;
      }

      auto& attributes = r["TargetGroupAttributes"];
      if (!attributes.is_object()) attributes = nlohmann::json::object();
      auto& entry = attributes[g.name];
      auto& list = entry.is_object() ? entry["Attributes"] : entry;
      if (!list.is_array()) list = nlohmann::json::array();
      const auto add = [&](const char* key, std::string value) {
        const bool present = std::any_of(list.begin(), list.end(), [&](const auto& a) {
          return a.is_object() && a.contains("Key") && a["Key"] == key;
        });
        if (!present) list.push_back({{"Key", key}, {"Value", std::move(value)}});
      };
      add("deregistration_delay.timeout_seconds", std::to_string(g.deregistration_delay / 1000));
      add("slow_start.duration_seconds", std::to_string(g.slow_start / 1000));
      const char* algorithms[] = {"round_robin", "least_outstanding_requests", "weighted_random"};
      add("load_balancing.algorithm.type", algorithms[static_cast<int>(g.algorithm)]);
    }
    // The alb block: the same for every target group, so the first one's figures. firstCheck is
    // left out when absent: its default is each target group's own interval.
    const TargetGroupConfig& g = w.target_groups.front();
    auto& alb = r["alb"];
    if (!alb.is_object()) alb = nlohmann::json::object();
    fill(alb, "initialHealth", g.health.initial == InitialHealth::one_check ? "one_check" : "healthy_threshold");
    fill(alb, "deregistrationPropagation", format_duration(g.deregistration_propagation));
    fill(alb, "idleTimeout", format_duration(g.idle_timeout));
    fill(alb, "healthCheckTimeoutDefault", 5);  // absent: the 2023 guide's 5 s (§10.6)
  }
  if (r.contains("workload") && r["workload"].is_object()) {
    auto& workload = r["workload"];
    if (workload.contains("traffic") && workload["traffic"].is_array())
      for (auto& t : workload["traffic"])
        if (t.is_object()) {
          fill(t, "scale", 1.0);
          fill(t, "loop", true);
        }
    if (workload.contains("callGraph") && workload["callGraph"].is_array())
      for (auto& e : workload["callGraph"])
        if (e.is_object()) fill(e, "callsPerRequest", 1.0);
  }
  for (const auto& s : w.services) {
    const ServiceTraffic& t = s.workload.traffic;
    if (!t.requests_per_second_per_task && !t.cpu_seconds_per_request) continue;
    auto& entry = r["workload"]["services"][s.name];
    fill(entry, "meanLatency", format_duration(t.mean_latency));
    fill(entry, "requestTimeout", format_duration(t.request_timeout));
  }
}

}  // namespace spotsim
