// What both importers assume where AWS (or a Terraform plan) says nothing: tools/import_aws.hpp's
// complete_scenario. Every assumption is one sentence in `assumed`; nothing present is changed.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <set>

#include "models/instance_catalog.hpp"
#include "tools/import_aws.hpp"
#include "tools/import_aws_internal.hpp"
#include "tools/text_input.hpp"

namespace spotsim {
namespace {

using Json = nlohmann::ordered_json;

// Spot prices when no price history is given: 35 % of On-Demand. The seed article's pool sits there
// (m5.large in eu-west-1: 0.0369 spot against 0.107 On-Demand, contract.md's reference scenario);
// AWS advertises "up to 90 %" off, so real pools range widely: give describe-spot-price-history.
constexpr double kSpotShareOfOnDemand = 0.35;
// Traffic when no get-metric-data is given: half of the assumed per-task capacity per desired task,
// so the service starts at 50 % utilisation.
constexpr long long kAssumedRpsPerDesiredTask = 50;
constexpr int kAssumedRequestsPerSecondPerTask = 100;

constexpr const char* kDefaultRegion = "us-east-1";
constexpr const char* kDefaultStart = "2024-01-01T00:00:00Z";
constexpr const char* kDefaultDuration = "7d";


const Json& array_member(const Json& j, const char* key) {
  static const Json empty = Json::array();
  const Json* v = json_member(j, key);
  return v != nullptr && v->is_array() ? *v : empty;
}

// The first region an ARN or Availability Zone in the AWS blocks names (document order).
std::string find_region(const Json& j) {
  if (j.is_string()) {
    const auto s = j.get<std::string>();
    return region_of_arn(s);
  }
  if (j.is_object() || j.is_array())
    for (const auto& [key, value] : j.items()) {
      if ((key == "AvailabilityZones" || key == "AvailabilityZone") && value.is_array())
        for (const auto& z : value)
          if (z.is_string())
            if (auto r = region_of_zone(z.get<std::string>()); !r.empty()) return r;
      if (auto r = find_region(value); !r.empty()) return r;
    }
  return {};
}

std::string price_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4f", v);
  return buf;
}

void complete_market(Json& scenario, const std::set<std::string>& priced_pools, std::vector<std::string>& assumed) {
  const std::string region = json_string_member(scenario, "region");
  Json& market = scenario["market"];
  if (!market.is_object()) market = Json::object();
  Json& prices = market["prices"];
  if (!prices.is_object()) prices = Json::object();
  Json& spot = prices["spot"];
  if (!spot.is_object()) spot = Json::object();
  const Json* on_demand = json_member(prices, "onDemand");
  if (on_demand == nullptr)
    assumed.push_back("On-Demand prices: spotsim's built-in catalog for " + region + " (market.prices.onDemand)");

  std::vector<std::string> fixed_added;
  for (const auto& pools : group_pools(scenario)) {
    if (!pools.can_run_spot) continue;
    for (const auto& type : pools.types) {
      const bool all_priced = std::all_of(pools.zones.begin(), pools.zones.end(), [&](const std::string& z) {
        return priced_pools.count(type + "/" + z) != 0;
      });
      if (all_priced && !pools.zones.empty()) continue;
      if (spot.contains("fixed") && spot["fixed"].is_object() && spot["fixed"].contains(type)) continue;
      std::optional<double> od;
      if (on_demand != nullptr && on_demand->contains(type) && (*on_demand)[type].is_number())
        od = (*on_demand)[type].get<double>();
      else
        od = catalog_on_demand_price(region, type);
      if (!od) continue;  // the loader names the unknown type or region
      const double price = std::round(*od * kSpotShareOfOnDemand * 1e4) / 1e4;
      spot["fixed"][type] = price;
      fixed_added.push_back(type + " " + price_text(price) + " USD/h");
    }
  }
  if (!fixed_added.empty()) {
    std::string list;
    for (const auto& f : fixed_added) list += (list.empty() ? "" : ", ") + f;
    assumed.push_back("spot prices: 35 % of the On-Demand price where no describe-spot-price-history covers a "
                      "pool (market.prices.spot.fixed: " + list + ")");
  }
  if (spot.empty()) prices.erase("spot");
  if (prices.empty()) market.erase("prices");
  if (!market.contains("interruptions")) {
    market["interruptions"] = Json{{"model", "advisor"}};
    assumed.push_back("spot interruptions: the Spot Instance Advisor's frequency bucket of each instance type in "
                      "spotsim's built-in catalog (market.interruptions.model \"advisor\")");
  }
}

// The target groups a service's loadBalancers entries name (by ARN, the name inside it, or name).
bool service_uses(const Json& service, const Json& tg) {
  const std::string arn = json_string_member(tg, "TargetGroupArn"), name = json_string_member(tg, "TargetGroupName");
  for (const auto& lb : array_member(service, "loadBalancers")) {
    const std::string lb_arn = json_string_member(lb, "targetGroupArn");
    if (!lb_arn.empty() && (lb_arn == arn || target_group_name_of_arn(lb_arn) == name)) return true;
    if (json_string_member(lb, "targetGroupName") == name && !name.empty()) return true;
  }
  return false;
}

void complete_workload(Json& scenario, std::vector<std::string>& assumed) {
  Json& workload = scenario["workload"];
  if (!workload.is_object()) workload = Json::object();
  std::vector<std::string> capacities, rates;

  const Json& services = array_member(scenario, "services");
  for (const auto& s : services) {
    if (array_member(s, "loadBalancers").empty()) continue;
    const std::string name = json_string_member(s, "serviceName");
    if (name.empty()) continue;
    Json& entry = workload["services"][name];
    if (!entry.is_object()) entry = Json::object();
    if (entry.contains("requestsPerSecondPerTask") || entry.contains("cpuSecondsPerRequest")) continue;
    entry["requestsPerSecondPerTask"] = kAssumedRequestsPerSecondPerTask;
    capacities.push_back(name);
  }

  Json& traffic = workload["traffic"];
  if (!traffic.is_array()) traffic = Json::array();
  for (const auto& tg : array_member(scenario, "TargetGroups")) {
    const std::string name = json_string_member(tg, "TargetGroupName");
    if (name.empty()) continue;
    const bool has_traffic = std::any_of(traffic.begin(), traffic.end(),
                                         [&](const Json& t) { return json_string_member(t, "targetGroup") == name; });
    if (has_traffic) continue;
    long long desired = 0;
    for (const auto& s : services)
      if (service_uses(s, tg))
        if (const Json* d = json_member(s, "desiredCount"); d != nullptr && d->is_number_integer())
          desired += std::max<long long>(0, d->get<long long>());
    if (desired == 0) continue;
    const long long rps = kAssumedRpsPerDesiredTask * desired;
    traffic.push_back(Json{{"targetGroup", name}, {"requests", Json{{"rps", rps}}}});
    rates.push_back(name + " " + std::to_string(rps) + " requests/s");
  }
  if (traffic.empty()) workload.erase("traffic");
  if (workload.contains("services") && workload["services"].empty()) workload.erase("services");
  if (workload.empty()) scenario.erase("workload");

  using text_input::join;
  if (!rates.empty())
    assumed.push_back("traffic: a constant 50 requests/s per desired task of the services behind each target group "
                      "without CloudWatch RequestCount data (workload.traffic: " + join(rates) + ")");
  if (!capacities.empty())
    assumed.push_back("service capacity: 100 requests/s per task, 40 ms unloaded latency, 30 s timeout "
                      "(workload.services: " + join(capacities) + ")");
}

}  // namespace

std::string region_of_arn(const std::string& arn) {
  // arn:partition:service:region:account:resource
  if (arn.rfind("arn:", 0) != 0) return {};
  std::size_t at = 0;
  for (int field = 0; field < 3; ++field) {
    at = arn.find(':', at);
    if (at == std::string::npos) return {};
    ++at;
  }
  const std::size_t end = arn.find(':', at);
  if (end == std::string::npos) return {};
  return arn.substr(at, end - at);
}

std::string region_of_zone(const std::string& zone) {
  // "eu-west-1a" -> "eu-west-1"; a Local Zone ("us-west-2-lax-1a") keeps its parent region's prefix.
  if (zone.size() < 2 || !std::isalpha(static_cast<unsigned char>(zone.back())) ||
      !std::isdigit(static_cast<unsigned char>(zone[zone.size() - 2])))
    return {};
  return zone.substr(0, zone.size() - 1);
}

std::string target_group_name_of_arn(const std::string& arn) {
  const auto at = arn.find(":targetgroup/");
  if (at == std::string::npos) return {};
  const auto start = at + 13;
  const auto end = arn.find('/', start);
  return arn.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

std::vector<GroupPools> group_pools(const Json& scenario) {
  std::vector<GroupPools> out;
  const Json& versions = array_member(scenario, "LaunchTemplateVersions");
  for (const auto& g : array_member(scenario, "AutoScalingGroups")) {
    GroupPools p;
    for (const auto& z : array_member(g, "AvailabilityZones"))
      if (z.is_string()) p.zones.push_back(z.get<std::string>());
    const Json* mixed = json_member(g, "MixedInstancesPolicy");
    const Json* spec = nullptr;
    if (mixed != nullptr && mixed->is_object()) {
      const Json* lt = json_member(*mixed, "LaunchTemplate");
      if (lt != nullptr) {
        for (const auto& o : array_member(*lt, "Overrides"))
          if (auto t = json_string_member(o, "InstanceType"); !t.empty()) p.types.push_back(t);
        spec = json_member(*lt, "LaunchTemplateSpecification");
      }
      int percent = 100;  // AWS's default (ASG-5)
      if (const Json* d = json_member(*mixed, "InstancesDistribution"))
        if (const Json* v = json_member(*d, "OnDemandPercentageAboveBaseCapacity"); v != nullptr && v->is_number())
          percent = v->get<int>();
      p.can_run_spot = percent < 100;
    } else {
      spec = json_member(g, "LaunchTemplate");
    }
    if (p.types.empty() && spec != nullptr) {
      // The launch template's own instance type; any listed version that gives one (the loader checks which).
      const std::string id = json_string_member(*spec, "LaunchTemplateId"), name = json_string_member(*spec, "LaunchTemplateName");
      for (const auto& v : versions) {
        if (!(id.empty() ? json_string_member(v, "LaunchTemplateName") == name : json_string_member(v, "LaunchTemplateId") == id))
          continue;
        const Json* data = json_member(v, "LaunchTemplateData");
        if (auto t = data != nullptr ? json_string_member(*data, "InstanceType") : std::string(); !t.empty()) {
          p.types.push_back(t);
          break;
        }
      }
    }
    out.push_back(std::move(p));
  }
  return out;
}

void complete_scenario(Json& scenario, std::vector<std::string>& assumed, const std::set<std::string>& priced_pools) {
  if (!scenario.contains("spotsim")) scenario["spotsim"] = 1;
  if (!scenario.contains("region")) {
    std::string region = find_region(scenario);
    if (region.empty()) {
      region = kDefaultRegion;
      assumed.push_back(std::string("region: ") + kDefaultRegion + " (no ARN or Availability Zone names one)");
    }
    scenario["region"] = region;
  }
  if (!scenario.contains("start")) {
    scenario["start"] = kDefaultStart;
    assumed.push_back(std::string("start: ") + kDefaultStart + " (the simulated clock's start; traces align to it)");
  }
  if (!scenario.contains("duration")) {
    scenario["duration"] = kDefaultDuration;
    assumed.push_back(std::string("duration: ") + kDefaultDuration);
  }
  if (!scenario.contains("seed")) scenario["seed"] = 1;
  complete_market(scenario, priced_pools, assumed);
  complete_workload(scenario, assumed);
  if (!scenario.contains("ec2"))
    assumed.push_back("EC2 timings: spotsim's defaults (running after 17 s, booted after 25 s, registered with ECS "
                      "15 s later; the ec2 block)");
  order_scenario_keys(scenario);
}

void complete_scenario(Json& scenario, std::vector<std::string>& assumed) {
  complete_scenario(scenario, assumed, {});
}

void order_scenario_keys(Json& scenario) {
  static const char* const order[] = {"spotsim", "name", "description", "region", "start", "duration", "seed",
                                      "AutoScalingGroups", "LaunchTemplateVersions", "capacityProviders", "clusters",
                                      "services", "taskDefinitions", "TargetGroups", "TargetGroupAttributes",
                                      "ScalableTargets", "ScalingPolicies", "deployments", "workload", "market", "ec2"};
  if (!scenario.is_object()) return;
  Json ordered = Json::object();
  for (const char* key : order)
    if (auto it = scenario.find(key); it != scenario.end()) ordered[key] = std::move(*it);
  for (auto& [key, value] : scenario.items())
    if (!ordered.contains(key)) ordered[key] = std::move(value);
  scenario = std::move(ordered);
}

}  // namespace spotsim
