// services: `aws ecs describe-services` entries (aws-semantics.md §5). REPLICA services of the EC2
// launch type; everything the scheduler would refuse or spotsim does not simulate is an error at
// its pointer.
#include <algorithm>

#include "tools/scenario_parts.hpp"

namespace spotsim {
namespace {

constexpr int kMaxDesiredCount = 100'000;  // a typo guard (SCH-13 bounds a cluster at 5,000 instances)
constexpr std::size_t kMaxStrategies = 5;   // SCH-2
constexpr std::size_t kMaxConstraints = 10;  // SCH-4
constexpr std::size_t kMaxExpression = 2000;  // SCH-4: memberOf expressions

// clusterArn ("arn:aws:ecs:region:account:cluster/NAME") or cluster (a name or an ARN); absent:
// AWS's "default" cluster. Returns the index into world.clusters.
std::optional<std::size_t> resolve_cluster(const Node& service, const LoadContext& ctx) {
  const Node given = service["clusterArn"].present() ? service["clusterArn"] : service["cluster"];
  std::string name = "default";
  if (given.present()) {
    const auto text = given.nonempty_string();
    if (!text) return std::nullopt;
    name = *text;
    if (name.rfind("arn:", 0) == 0) name = name.substr(name.rfind('/') + 1);
  }
  for (std::size_t c = 0; c < ctx.world.clusters.size(); ++c)
    if (ctx.world.clusters[c].name == name) return c;
  std::vector<std::string> known;
  for (const auto& c : ctx.world.clusters)
    if (!c.name.empty()) known.push_back(c.name);
  const std::string message = "no cluster named \"" + name + "\" in clusters (expected " + quoted_names(known) + ")";
  if (given.present())
    given.error(message);
  else
    service.error("no clusterArn: AWS runs the service in the \"default\" cluster, but there is " + message);
  return std::nullopt;
}

void load_deployment_configuration(const Node& d, DeploymentConfiguration& config) {
  if (!d.is_object()) return;
  // SCH-7: maximumPercent rounds down, SCH-8: minimumHealthyPercent rounds up, both of desiredCount.
  // Below 100 % a maximum would cap the service under its desired count, and above 100 % a minimum
  // could never be met; spotsim refuses both (the API reference states no range).
  if (auto v = d["maximumPercent"].int32(100, 10'000)) config.maximum_percent = *v;
  if (auto v = d["minimumHealthyPercent"].int32(0, 100)) config.minimum_healthy_percent = *v;
  const Node breaker = d["deploymentCircuitBreaker"];
  if (breaker.is_object()) {
    if (auto v = breaker["enable"].boolean()) config.circuit_breaker = *v;
    if (auto v = breaker["rollback"].boolean()) config.rollback = *v;
  }
}

// SCH-2: spread on instanceId, host or attribute:<name>; binpack on cpu or memory; random.
std::optional<PlacementStrategy> load_strategy(const Node& n) {
  if (!n.is_object()) return std::nullopt;
  const auto type = n["type"].require() ? n["type"].string() : std::nullopt;
  const auto field = n["field"].string();
  if (!type) return std::nullopt;
  const auto unsupported = [&](const std::string& why) {
    n.error("unsupported placement strategy " + n.json()->dump() + ": " + why);
    return std::nullopt;
  };
  PlacementStrategy s;
  if (*type == "spread") {
    s.type = PlacementStrategyType::spread;
    if (!field || (*field != "instanceId" && *field != "host" && !(field->rfind("attribute:", 0) == 0 && field->size() > 10)))
      return unsupported("spread takes field \"instanceId\", \"host\" or \"attribute:<name>\" (SCH-2)");
  } else if (*type == "binpack") {
    s.type = PlacementStrategyType::binpack;
    if (!field || (*field != "cpu" && *field != "memory"))
      return unsupported("binpack takes field \"cpu\" or \"memory\" (SCH-2)");
  } else if (*type == "random") {
    s.type = PlacementStrategyType::random;
    if (field) return unsupported("random takes no field (SCH-2)");
  } else {
    return unsupported("expected type \"spread\", \"binpack\" or \"random\" (SCH-2)");
  }
  s.field = field.value_or("");
  return s;
}

std::optional<PlacementConstraint> load_constraint(const Node& n) {
  if (!n.is_object()) return std::nullopt;
  const auto type = n["type"].require() ? n["type"].one_of({"distinctInstance", "memberOf"}) : std::nullopt;
  const auto expression = n["expression"].string();
  if (!type) return std::nullopt;
  PlacementConstraint c;
  if (*type == "distinctInstance") {
    c.type = PlacementConstraintType::distinct_instance;
    if (expression && !expression->empty())
      n["expression"].error("distinctInstance takes no expression (SCH-4)");
    return c;
  }
  c.type = PlacementConstraintType::member_of;
  if (!expression) {  // absent (a wrong type was reported by string())
    if (!n["expression"].present()) n["expression"].error("memberOf needs an expression (SCH-4)");
    return std::nullopt;
  }
  if (expression->empty()) {
    n["expression"].error("memberOf needs an expression (SCH-4), found \"\"");
    return std::nullopt;
  }
  if (expression->size() > kMaxExpression) {
    n["expression"].error("expected at most 2000 characters (SCH-4), found " + std::to_string(expression->size()));
    return std::nullopt;
  }
  std::string problem;
  if (!ClusterQuery::parse(*expression, &problem)) {
    n["expression"].error("the memberOf expression does not parse (cluster query language): " + problem);
    return std::nullopt;
  }
  c.expression = *expression;
  return c;
}

void load_placement(const Node& n, EcsServiceConfig& s) {
  const Node strategies = n["placementStrategy"];
  const auto listed = strategies.elements();  // reports a wrong type
  for (const Node& p : listed)
    if (auto strategy = load_strategy(p)) s.placement_strategy.push_back(*strategy);
  if (listed.size() > kMaxStrategies)
    strategies.error("expected at most 5 placement strategies (SCH-2), found " + std::to_string(listed.size()));
  // SCH-3: a service without strategies spreads over Availability Zones.
  if (!strategies.present() || (strategies.json()->is_array() && listed.empty()))
    s.placement_strategy = {{PlacementStrategyType::spread, "attribute:ecs.availability-zone"}};

  const Node constraints = n["placementConstraints"];
  const auto given = constraints.elements();
  for (const Node& p : given)
    if (auto constraint = load_constraint(p)) s.placement_constraints.push_back(*constraint);
  if (given.size() > kMaxConstraints)
    constraints.error("expected at most 10 placement constraints (SCH-4), found " + std::to_string(given.size()));
}

// capacityProviderStrategy: each must name a capacityProviders[] entry associated with the cluster.
// Without one (and without launchType) the service takes the cluster's default strategy, as
// CreateService does; with launchType EC2 and no strategy, none (CP-7: its tasks never trigger
// managed scaling).
void load_capacity_provider_strategy(const Node& n, std::size_t cluster, EcsServiceConfig& s, LoadContext& ctx) {
  const Node strategy = n["capacityProviderStrategy"];
  const auto& associated = ctx.ecs.cluster_capacity_providers[cluster];
  s.strategy = load_strategy(strategy, [&](const Node& name_node, const std::string& name) {
    std::optional<std::size_t> index;
    const auto& known = ctx.ecs.capacity_providers;
    if (is_fargate_capacity_provider(name))
      name_node.error("Fargate capacity providers are not supported: spotsim simulates the EC2 launch type");
    else if (std::find(known.begin(), known.end(), name) == known.end())
      name_node.error("no capacity provider named \"" + name + "\" in capacityProviders (expected " +
                      quoted_names(known) + ")");
    else if (std::find(associated.begin(), associated.end(), name) == associated.end())
      name_node.error("capacity provider \"" + name + "\" is not among cluster \"" + s.cluster +
                      "\"'s capacityProviders: AWS rejects the service");
    else {
      s.capacity_provider_strategy.push_back(name);
      index = find_capacity_provider(name, ctx.world);
    }
    return index;
  });
  const bool has_strategy = strategy.present() && strategy.json()->is_array() && !strategy.json()->empty();
  const Node launch_type = n["launchType"];
  if (has_strategy && launch_type.present()) {
    // CreateService: "If a capacityProviderStrategy is specified, the launchType parameter must be omitted."
    launch_type.error("a service has a launchType or a capacityProviderStrategy, not both (CreateService refuses "
                      "the two together)");
    return;
  }
  if (has_strategy || launch_type.present()) return;
  for (const auto& name : ctx.ecs.cluster_default_strategy[cluster]) {
    if (is_fargate_capacity_provider(name))
      n.error("the service has no launchType or capacityProviderStrategy, so it takes cluster \"" + s.cluster +
              "\"'s default strategy, which uses " + name + ": Fargate is not supported");
    else
      s.capacity_provider_strategy.push_back(name);
  }
  s.strategy = ctx.world.clusters[cluster].default_strategy;
}

void load_service(const Node& n, LoadContext& ctx) {
  EcsServiceConfig s;
  std::optional<std::size_t> td_index;
  if (n.is_object()) {
    if (n["serviceName"].require()) s.name = n["serviceName"].nonempty_string().value_or("");
    // workload.services and deployments name services by serviceName, so it must be unique here
    // even across clusters (AWS only requires it per cluster).
    for (const auto& other : ctx.world.services)
      if (!s.name.empty() && other.name == s.name)
        n["serviceName"].error("two services are named \"" + s.name + "\" (workload.services and deployments name "
                               "services by serviceName)");
    const auto cluster = resolve_cluster(n, ctx);
    if (cluster) s.cluster = ctx.world.clusters[*cluster].name;

    if (auto v = n["schedulingStrategy"].one_of({"REPLICA", "DAEMON"}); v && *v == "DAEMON")
      n["schedulingStrategy"].error("DAEMON services are not supported yet (SCH-14): use REPLICA");
    if (auto v = n["launchType"].one_of({"EC2", "FARGATE", "EXTERNAL"})) {
      if (*v != "EC2")
        n["launchType"].error("launch type " + *v + " is not supported: spotsim simulates ECS on EC2 instances");
      s.launch_type_ec2 = *v == "EC2";
    }
    if (auto v = n["deploymentController"]["type"].one_of({"ECS", "CODE_DEPLOY", "EXTERNAL"}); v && *v != "ECS")
      n["deploymentController"]["type"].error("the " + *v + " deployment controller is not supported: spotsim "
                                              "simulates rolling updates (ECS)");

    const Node td = n["taskDefinition"];
    if (td.require())
      if (auto ref = td.nonempty_string()) {
        if (auto i = find_task_definition(*ref, ctx.world)) {
          s.task_definition = *i;
          td_index = *i;
          if (!ctx.ecs.task_definition_ec2_compatible[*i])
            td.error("task definition " + ctx.world.task_definitions[*i].family_revision() +
                     " does not list EC2 in requiresCompatibilities: AWS will not run it on EC2 instances");
          else if (cluster)
            check_task_fits_cluster(td, *i, s.cluster, ctx);
        } else {
          td.error("no task definition \"" + *ref + "\" in taskDefinitions (expected one of " +
                   task_definition_list(ctx.world) + ")");
        }
      }
    if (n["desiredCount"].require()) s.desired_count = n["desiredCount"].int32(0, kMaxDesiredCount).value_or(0);
    load_deployment_configuration(n["deploymentConfiguration"], s.deployment);
    load_placement(n, s);
    if (auto v = n["healthCheckGracePeriodSeconds"].int32(0, INT32_MAX)) s.health_check_grace_period = seconds(*v);
    s.has_load_balancer = n["loadBalancers"].is_array() && !n["loadBalancers"].json()->empty();
    if (cluster) load_capacity_provider_strategy(n, *cluster, s, ctx);
  }
  // loadBalancers (scenario_target_groups.cpp): called for every entry, so its list stays parallel.
  load_service_load_balancers(n, td_index, s, ctx);
  ctx.world.services.push_back(std::move(s));
}

}  // namespace

void load_services(const Node& root, LoadContext& ctx) {
  for (const Node& n : root["services"].elements()) load_service(n, ctx);
}

}  // namespace spotsim
