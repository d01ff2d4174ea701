// The load balancer's blocks of a scenario (contract.md "Scenario file"; aws-semantics.md §7):
// `TargetGroups` (aws elbv2 describe-target-groups), `TargetGroupAttributes`
// (describe-target-group-attributes, per target group name), spotsim's `alb` block (the §10.5 and
// §10.6 switches and the timings AWS does not publish), and services' `loadBalancers`. AWS's own
// rules (ranges, timeout below interval, slow start without least outstanding requests, container
// and port of the task definition) are errors at their pointer; unknown AWS fields and attributes
// are ignored, unknown fields of the `alb` block are errors.
#include <algorithm>
#include <cctype>
#include <map>

#include "tools/scenario_parts.hpp"

namespace spotsim {
namespace {

// The attributes spotsim reads (ALB-5..ALB-7); AWS has many more, which are ignored.
constexpr std::string_view kDeregistrationDelay = "deregistration_delay.timeout_seconds";
constexpr std::string_view kSlowStart = "slow_start.duration_seconds";
constexpr std::string_view kAlgorithm = "load_balancing.algorithm.type";
constexpr std::string_view kAnomalyMitigation = "load_balancing.algorithm.anomaly_mitigation";
constexpr std::size_t kMaxTargetGroupsPerService = 5;  // ECS: "You cannot attach more than five target groups"

// What the `alb` block sets for every target group.
struct AlbDefaults {
  InitialHealth initial = InitialHealth::healthy_threshold;
  std::optional<SimTime> first_check;
  int timeout_default_seconds = 5;  // §10.6: 2023 guide 5, 2026 API 6 (HTTP)
  SimTime deregistration_propagation = seconds(12);
  SimTime idle_timeout = seconds(60);
};

const char* algorithm_name(RoutingAlgorithm a) {
  switch (a) {
    case RoutingAlgorithm::round_robin: return "round_robin";
    case RoutingAlgorithm::least_outstanding_requests: return "least_outstanding_requests";
    case RoutingAlgorithm::weighted_random: return "weighted_random";
  }
  return "round_robin";
}

AlbDefaults load_alb_block(const Node& root) {
  AlbDefaults d;
  const Node a = root["alb"];
  if (!a.is_object()) return d;
  a.reject_unknown_keys({"initialHealth", "firstCheck", "healthCheckTimeoutDefault", "deregistrationPropagation",
                         "idleTimeout"});
  // §10.5: the ALB guide's "must pass one health check" against the ECS guide's
  // interval × HealthyThresholdCount.
  if (auto v = a["initialHealth"].one_of({"healthy_threshold", "one_check"}))
    d.initial = *v == "one_check" ? InitialHealth::one_check : InitialHealth::healthy_threshold;
  const Node first = a["firstCheck"];
  if (auto v = first.duration(0)) {
    if (*v > minutes(5))
      first.error("expected at most 5m (the longest health-check interval), found " + describe_json(*first.json()));
    else
      d.first_check = *v;
  }
  // §10.6: a switch between the two documented defaults, not a tunable.
  const Node timeout = a["healthCheckTimeoutDefault"];
  if (auto v = timeout.duration(0)) {
    if (*v == seconds(5) || *v == seconds(6))
      d.timeout_default_seconds = static_cast<int>(*v / 1000);
    else
      timeout.error("expected 5 (the 2023 ALB guide) or 6 (the 2026 API reference, HTTP), found " +
                    describe_json(*timeout.json()));
  }
  const Node propagation = a["deregistrationPropagation"];
  if (auto v = propagation.duration(0)) {
    if (*v > minutes(5))
      propagation.error("expected at most 5m, found " + describe_json(*propagation.json()));
    else
      d.deregistration_propagation = *v;
  }
  // ALB-8: the load balancer attribute idle_timeout.timeout_seconds, 1-4000 s.
  const Node idle = a["idleTimeout"];
  if (auto v = idle.duration(seconds(1))) {
    if (*v > seconds(4000))
      idle.error("expected at most 4000 s (idle_timeout.timeout_seconds), found " + describe_json(*idle.json()));
    else
      d.idle_timeout = *v;
  }
  return d;
}

// CreateTargetGroup: "a maximum of 32 characters, must contain only alphanumeric characters or
// hyphens, and must not begin or end with a hyphen".
bool valid_target_group_name(const std::string& name) {
  if (name.empty() || name.size() > 32 || name.front() == '-' || name.back() == '-') return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-'; });
}

// Matcher codes: "200", "200,202", "200-299" (ALB: HTTP 200-499; gRPC 0-99).
bool valid_codes(const std::string& text, int lo, int hi) {
  if (text.empty()) return false;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find(',', start), text.size());
    const std::string item = text.substr(start, end - start);
    const std::size_t dash = item.find('-');
    const auto code = [&](const std::string& s, int* out) {
      if (s.empty() || s.size() > 3 || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return false;
      *out = std::stoi(s);
      return *out >= lo && *out <= hi;
    };
    int a = 0, b = 0;
    if (dash == std::string::npos) {
      if (!code(item, &a)) return false;
    } else if (!code(item.substr(0, dash), &a) || !code(item.substr(dash + 1), &b) || a > b) {
      return false;
    }
    start = end + 1;
  }
  return true;
}

// Matcher.HttpCode, or GrpcCode for a GRPC target group (default 12, §7.1).
void load_matcher(const Node& tg, bool grpc, TargetGroupConfig& c) {
  if (grpc) c.matcher = "12";
  const Node m = tg["Matcher"];
  if (!m.is_object()) return;
  const Node http = m["HttpCode"], grpc_code = m["GrpcCode"];
  if (auto v = http.string()) {
    if (valid_codes(*v, 200, 499))
      c.matcher = *v;
    else
      http.error("expected HTTP codes from 200 to 499, as \"200\", \"200,202\" or \"200-299\" (ALB), found " +
                 describe_json(*http.json()));
  } else if (auto g = grpc_code.string()) {
    if (valid_codes(*g, 0, 99))
      c.matcher = *g;
    else
      grpc_code.error("expected gRPC codes from 0 to 99, as \"12\", \"0,1\" or \"0-5\", found " +
                      describe_json(*grpc_code.json()));
  }
}

// One describe-target-groups entry. Every entry gets a config (a placeholder when it is not an
// object), so indexes stay parallel to TargetGroups[].
TargetGroupConfig load_target_group(const Node& n, const AlbDefaults& alb, LoadContext& ctx) {
  TargetGroupConfig c;
  c.health.initial = alb.initial;
  c.health.first_check = alb.first_check;
  c.health.timeout = seconds(alb.timeout_default_seconds);
  c.deregistration_propagation = alb.deregistration_propagation;
  c.idle_timeout = alb.idle_timeout;
  ctx.ecs.target_group_types.push_back("instance");  // AWS's default
  if (!n.is_object()) return c;

  const Node name = n["TargetGroupName"];
  if (name.require())
    if (auto v = name.nonempty_string()) {
      c.name = *v;
      if (!valid_target_group_name(*v))
        name.error("expected at most 32 letters, digits or hyphens, not beginning or ending with a hyphen "
                   "(CreateTargetGroup), found " + describe_json(*name.json()));
      for (const auto& other : ctx.world.target_groups)
        if (other.name == *v) name.error("two target groups are named \"" + *v + "\"");
    }
  const Node arn = n["TargetGroupArn"];
  if (auto v = arn.nonempty_string()) {
    c.arn = *v;
    if (!c.name.empty() && v->find(":targetgroup/" + c.name + "/") == std::string::npos)
      arn.error("expected an ARN with targetgroup/" + c.name + "/<id>, found \"" + *v + "\"");
    for (const auto& other : ctx.world.target_groups)
      if (other.arn == *v) arn.error("two target groups have the ARN \"" + *v + "\"");
  }

  // Target types: ECS registers instances (bridge, host) or task IPs (awsvpc); lambda and alb
  // targets are not ECS tasks.
  const auto target_type = n["TargetType"].one_of({"instance", "ip", "lambda", "alb"});
  if (target_type == "ip") ctx.ecs.target_group_types.back() = "ip";
  if (const auto& v = target_type; v && (*v == "lambda" || *v == "alb"))
    n["TargetType"].error("target type \"" + *v + "\" is not supported: spotsim simulates ECS tasks registered as "
                          "instance or ip targets");
  // An Application Load Balancer's target groups are HTTP or HTTPS; TCP, TLS, UDP and TCP_UDP are
  // Network Load Balancer target groups, GENEVE Gateway Load Balancer ones.
  if (auto v = n["Protocol"].string(); v && *v != "HTTP" && *v != "HTTPS")
    n["Protocol"].error("expected \"HTTP\" or \"HTTPS\" (an Application Load Balancer target group), found \"" + *v +
                        "\": other load balancers' target groups are not supported");

  // §7.1, API-ELB: instance and ip targets always have health checks.
  const Node enabled = n["HealthCheckEnabled"];
  if (auto v = enabled.boolean(); v && !*v)
    enabled.error("health checks of instance and ip target groups cannot be disabled (API-ELB HealthCheckEnabled: "
                  "\"If the target type is instance, ip, or alb, health checks are always enabled\")");
  const Node interval = n["HealthCheckIntervalSeconds"], timeout = n["HealthCheckTimeoutSeconds"];
  const auto interval_s = interval.int32(5, 300);
  const auto timeout_s = timeout.int32(2, 120);
  if (interval_s) c.health.interval = seconds(*interval_s);
  if (timeout_s) c.health.timeout = seconds(*timeout_s);
  if (auto v = n["HealthyThresholdCount"].int32(2, 10)) c.health.healthy_threshold = *v;
  if (auto v = n["UnhealthyThresholdCount"].int32(2, 10)) c.health.unhealthy_threshold = *v;
  // AWS refuses a timeout that is not below the interval.
  const bool interval_ok = interval_s || !interval.present(), timeout_ok = timeout_s || !timeout.present();
  if (interval_ok && timeout_ok && c.health.timeout >= c.health.interval) {
    std::string figures = "HealthCheckTimeoutSeconds " + std::to_string(c.health.timeout / 1000);
    figures += timeout.present() ? "" : " (the default)";
    figures += " is not below HealthCheckIntervalSeconds " + std::to_string(c.health.interval / 1000);
    figures += interval.present() ? "" : " (the default)";
    (timeout.present() ? timeout : interval)
        .error(figures + ": AWS requires the timeout to be smaller than the interval");
  }
  load_matcher(n, n["ProtocolVersion"].string() == "GRPC", c);
  return c;
}

// A value as AWS prints attributes ("300"); a JSON integer is taken too.
std::optional<std::int64_t> attribute_integer(const Node& v, std::int64_t min, std::int64_t max,
                                              const std::string& expected) {
  const nlohmann::json* j = v.json();
  std::optional<std::int64_t> x;
  if (j->is_string()) {
    const std::string s = j->get<std::string>();
    const bool digits = std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!s.empty() && s.size() <= 9 && digits) x = std::stoll(s);
  } else if (j->is_number_unsigned()) {
    x = static_cast<std::int64_t>(std::min<std::uint64_t>(j->get<std::uint64_t>(), 1ULL << 40));
  } else if (j->is_number_integer()) {
    x = j->get<std::int64_t>();
  }
  if (!x || *x < min || *x > max) {
    v.error("expected " + expected + ", found " + describe_json(*j));
    return std::nullopt;
  }
  return x;
}

// One target group's attribute list: [{"Key", "Value"}], or describe-target-group-attributes'
// output as printed ({"Attributes": [...]}).
void load_attributes(const std::string& name, const Node& n, LoadContext& ctx) {
  auto& groups = ctx.world.target_groups;
  const auto it = std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.name == name; });
  if (it == groups.end()) {
    std::vector<std::string> names;
    for (const auto& g : groups)
      if (!g.name.empty()) names.push_back(g.name);
    n.error("no target group named \"" + name + "\" in TargetGroups (expected " + quoted_names(names) + ")");
  }
  const Node list = n.present() && n.json()->is_object() ? n["Attributes"] : n;
  std::map<std::string, Node> by_key;
  for (const Node& a : list.elements()) {
    if (!a.is_object()) continue;
    const bool has_key = a["Key"].require();
    const bool has_value = a["Value"].require();
    const auto key = a["Key"].nonempty_string();
    if (!has_key || !has_value || !key) continue;
    if (!by_key.emplace(*key, a["Value"]).second) a["Key"].error("attribute \"" + *key + "\" is listed twice");
  }
  if (it == groups.end()) return;
  TargetGroupConfig& c = *it;
  const auto value = [&](std::string_view key) -> const Node* {
    const auto found = by_key.find(std::string(key));
    return found == by_key.end() ? nullptr : &found->second;
  };
  // ALB-5: 0-3600 s, default 300.
  if (const Node* v = value(kDeregistrationDelay))
    if (auto s = attribute_integer(*v, 0, 3600, "a number of seconds from \"0\" to \"3600\""))
      c.deregistration_delay = seconds(*s);
  // ALB-6: 30-900 s, or 0 (off, the default).
  const Node* slow = value(kSlowStart);
  if (slow)
    if (auto s = attribute_integer(*slow, 0, 900, "\"0\" (off) or a number of seconds from \"30\" to \"900\"")) {
      if (*s > 0 && *s < 30)
        slow->error("expected \"0\" (off) or a number of seconds from \"30\" to \"900\", found " +
                    describe_json(*slow->json()));
      else
        c.slow_start = seconds(*s);
    }
  // ALB-7: round_robin (default), least_outstanding_requests, weighted_random.
  const Node* algorithm = value(kAlgorithm);
  if (algorithm) {
    if (auto v = algorithm->one_of({"round_robin", "least_outstanding_requests", "weighted_random"}))
      c.algorithm = *v == "least_outstanding_requests" ? RoutingAlgorithm::least_outstanding_requests
                    : *v == "weighted_random"          ? RoutingAlgorithm::weighted_random
                                                       : RoutingAlgorithm::round_robin;
  }
  // ALB-6: "It cannot be combined with least-outstanding-requests."
  if (c.slow_start > 0 && c.algorithm == RoutingAlgorithm::least_outstanding_requests)
    slow->error("slow start (" + std::to_string(c.slow_start / 1000) + " s) cannot be combined with the "
                "least_outstanding_requests routing algorithm (aws-semantics.md ALB-6): AWS refuses the attributes");
  // ALB-7: anomaly mitigation requires weighted_random.
  if (const Node* mitigation = value(kAnomalyMitigation))
    if (auto v = mitigation->one_of({"on", "off"}); v && *v == "on" && c.algorithm != RoutingAlgorithm::weighted_random)
      mitigation->error("anomaly mitigation requires the weighted_random routing algorithm (aws-semantics.md ALB-7), "
                        "but load_balancing.algorithm.type is " + std::string(algorithm_name(c.algorithm)));
}

// "demo-api-tg" from "arn:aws:elasticloadbalancing:...:targetgroup/demo-api-tg/0123456789abcdef".
std::string arn_target_group_name(const std::string& arn) {
  const std::string marker = ":targetgroup/";
  const auto at = arn.find(marker);
  if (at == std::string::npos) return "";
  const std::string tail = arn.substr(at + marker.size());
  return tail.substr(0, tail.find('/'));
}

std::vector<std::string> target_group_names(const WorldConfig& w) {
  std::vector<std::string> names;
  for (const auto& g : w.target_groups)
    if (!g.name.empty()) names.push_back(g.name);
  return names;
}

// The target group a loadBalancers entry names: targetGroupArn (as describe-services prints it)
// or targetGroupName (hand-written scenarios). An ARN matches a target group with that ARN, or,
// when the target group gives no ARN, the name in the ARN's "targetgroup/<name>/<id>".
std::optional<std::size_t> find_target_group(const Node& lb, const LoadContext& ctx) {
  const auto& groups = ctx.world.target_groups;
  const Node arn = lb["targetGroupArn"], name = lb["targetGroupName"];
  if (!arn.present() && !name.present()) {
    if (lb["loadBalancerName"].present())
      lb["loadBalancerName"].error("Classic Load Balancers are not supported: give targetGroupArn (an Application "
                                   "Load Balancer target group)");
    else
      lb.error("missing targetGroupArn (or targetGroupName)");
    return std::nullopt;
  }
  std::optional<std::size_t> by_arn, by_name;
  if (auto v = arn.nonempty_string()) {
    for (std::size_t i = 0; i < groups.size() && !by_arn; ++i)
      if (groups[i].arn == *v) by_arn = i;
    if (!by_arn) {
      const std::string arn_name = arn_target_group_name(*v);
      for (std::size_t i = 0; i < groups.size() && !by_arn; ++i)
        if (groups[i].arn.empty() && !arn_name.empty() && groups[i].name == arn_name) by_arn = i;
      if (!by_arn) {
        std::string known;
        for (const auto& g : groups) {
          if (g.name.empty()) continue;
          known += known.empty() ? "" : ", ";
          known += g.arn.empty() ? g.name + " (no ARN)" : g.arn;
        }
        arn.error("no target group with ARN \"" + *v + "\" in TargetGroups (expected " +
                  (known.empty() ? std::string("none: TargetGroups is empty") : known) + ")");
        return std::nullopt;
      }
    }
  } else if (arn.present()) {
    return std::nullopt;  // reported
  }
  if (auto v = name.nonempty_string()) {
    for (std::size_t i = 0; i < groups.size() && !by_name; ++i)
      if (groups[i].name == *v) by_name = i;
    if (!by_name) {
      name.error("no target group named \"" + *v + "\" in TargetGroups (expected " +
                 quoted_names(target_group_names(ctx.world)) + ")");
      return std::nullopt;
    }
  } else if (name.present()) {
    return std::nullopt;
  }
  if (by_arn && by_name && *by_arn != *by_name) {
    name.error("targetGroupName \"" + groups[*by_name].name + "\" and targetGroupArn (target group \"" +
               groups[*by_arn].name + "\") name different target groups");
    return std::nullopt;
  }
  return by_arn ? by_arn : by_name;
}

// A loadBalancers entry against a task definition: the container and its containerPort exist, and
// the network mode fits the target type. ECS: awsvpc tasks register by IP ("you must choose ip as
// the target type, not instance"); bridge and host tasks register as instance and port ("target
// type ip ... is incompatible with the bridge network mode"). Errors at `at`, `prefix` first.
// `at` names the entry; `at_container` and `at_port` its containerName and containerPort (all three
// the deployment's taskDefinition when a deployment is checked).
void check_link(const Node& at, const Node& at_container, const Node& at_port, const TaskDefinition& td,
                const EcsSources::LoadBalancerLink& link, const LoadContext& ctx, const std::string& prefix) {
  const auto c = std::find_if(td.containers.begin(), td.containers.end(),
                              [&](const auto& d) { return d.name == link.container_name; });
  if (c == td.containers.end()) {
    std::vector<std::string> names;
    for (const auto& d : td.containers) names.push_back(d.name);
    at_container.error(prefix + "task definition " + td.family_revision() + " has no container named \"" +
                       link.container_name + "\" (its containers: " + quoted_names(names) + ")");
    return;
  }
  const bool mapped = std::any_of(c->port_mappings.begin(), c->port_mappings.end(),
                                  [&](const auto& p) { return p.container_port == link.container_port; });
  if (!mapped) {
    std::string ports;
    for (const auto& p : c->port_mappings) ports += (ports.empty() ? "" : ", ") + std::to_string(p.container_port);
    at_port.error(prefix + "container \"" + link.container_name + "\" of " + td.family_revision() +
                  " maps no containerPort " + std::to_string(link.container_port) + " (its portMappings: " +
                  (ports.empty() ? std::string("none") : ports) + "): ECS registers the task's mapping of that port");
  }
  const std::string& type = ctx.ecs.target_group_types[link.target_group];
  const std::string& group = ctx.world.target_groups[link.target_group].name;
  if (td.network_mode == "awsvpc" && type == "instance")
    at.error(prefix + "target group \"" + group + "\" has target type instance while " + td.family_revision() +
             " uses the awsvpc network mode: ECS requires target type ip for awsvpc tasks (they register by their "
             "network interface's IP, not an instance)");
  else if (td.network_mode != "awsvpc" && type == "ip")
    at.error(prefix + "target group \"" + group + "\" has target type ip, which is incompatible with the " +
             td.network_mode + " network mode of " + td.family_revision() +
             ": ECS registers bridge and host tasks as instance targets");
}

}  // namespace

void load_target_groups(const Node& root, LoadContext& ctx) {
  const AlbDefaults alb = load_alb_block(root);
  // A wrong type of either block is reported once, with the top-level blocks (scenario.cpp).
  const Node groups = root["TargetGroups"], attributes = root["TargetGroupAttributes"];
  if (groups.present() && groups.json()->is_array())
    for (const Node& n : groups.elements()) {
      TargetGroupConfig config = load_target_group(n, alb, ctx);
      ctx.world.target_groups.push_back(std::move(config));
    }
  if (attributes.present() && attributes.json()->is_object())
    for (const auto& [name, n] : attributes.members()) load_attributes(name, n, ctx);
}

void load_service_load_balancers(const Node& service, std::optional<std::size_t> td, EcsServiceConfig& s,
                                 LoadContext& ctx) {
  std::vector<EcsSources::LoadBalancerLink> links;
  const std::size_t errors_before = ctx.diag.errors().size();
  const Node list = service["loadBalancers"];
  const auto entries = list.elements();
  if (entries.size() > kMaxTargetGroupsPerService)
    list.error("expected at most 5 load balancers (ECS: \"You cannot attach more than five target groups to a "
               "service\"), found " + std::to_string(entries.size()));
  for (const Node& lb : entries) {
    if (!lb.is_object()) continue;
    const auto tg = find_target_group(lb, ctx);
    const Node container = lb["containerName"], port = lb["containerPort"];
    const bool has_container = container.require();
    const bool complete = port.require() && has_container;
    const auto container_name = container.nonempty_string();
    const auto container_port = port.int32(1, 65535);
    if (!tg || !complete || !container_name || !container_port) continue;
    if (std::find(s.target_groups.begin(), s.target_groups.end(), *tg) != s.target_groups.end()) {
      lb.error("target group \"" + ctx.world.target_groups[*tg].name + "\" is listed twice in this service's "
               "loadBalancers");
      continue;
    }
    links.push_back({*tg, *container_name, *container_port, lb.pointer()});
    s.target_groups.push_back(*tg);
    if (td) check_link(lb, container, port, ctx.world.task_definitions[*td], links.back(), ctx, "");
  }
  if (ctx.diag.errors().size() != errors_before) ctx.ecs.load_balancer_problem = true;
  ctx.ecs.service_load_balancers.push_back(std::move(links));
}

void check_load_balancer_containers(const Node& at, std::size_t service, std::size_t task_definition,
                                    const LoadContext& ctx) {
  if (service >= ctx.ecs.service_load_balancers.size()) return;
  const TaskDefinition& td = ctx.world.task_definitions[task_definition];
  for (const auto& link : ctx.ecs.service_load_balancers[service])
    check_link(at, at, at, td, link, ctx,
               "the service registers container \"" + link.container_name + "\" port " +
                   std::to_string(link.container_port) + " with target group \"" +
                   ctx.world.target_groups[link.target_group].name + "\" (" + link.pointer + "), but ");
}

}  // namespace spotsim
