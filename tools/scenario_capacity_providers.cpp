// ECS capacity providers (contract.md "Scenario file"; aws-semantics.md §1): `capacityProviders` as
// `aws ecs describe-capacity-providers` prints them, spotsim's `capacityProviderScaling` block (the
// §10.1 and §10.2 switches), and the capacity provider strategies of clusters and services (CP-16,
// CP-17). What CreateCapacityProvider or CreateService would refuse is an error at its pointer;
// unknown AWS fields are ignored, unknown fields of the capacityProviderScaling block are errors.
#include <algorithm>

#include "tools/scenario_parts.hpp"

namespace spotsim {
namespace {

constexpr int kMaxBase = 100'000;            // CP-16
constexpr int kMaxWeight = 1000;             // CP-17
constexpr std::size_t kMaxStrategyItems = 20;  // CP-17
constexpr int kMaxScalingStep = 10'000;      // §1.3
constexpr int kMaxInstanceWarmup = 10'000;   // §1.3, seconds

struct ScalingSwitches {
  ScaleInMode scale_in_mode = ScaleInMode::ratio;
  MultiTypeStep multi_type_step = MultiTypeStep::binpack;
};

const char* scale_in_mode_name(ScaleInMode m) {
  switch (m) {
    case ScaleInMode::ratio: return "ratio";
    case ScaleInMode::one_per_alarm: return "one_per_alarm";
  }
  return "ratio";
}

const char* multi_type_step_name(MultiTypeStep m) {
  switch (m) {
    case MultiTypeStep::binpack: return "binpack";
    case MultiTypeStep::minimum_step: return "minimum_step";
  }
  return "binpack";
}

// The capacityProviderScaling block: how managed scaling behaves where AWS's documents disagree.
ScalingSwitches load_switches(const Node& root) {
  ScalingSwitches s;
  const Node b = root["capacityProviderScaling"];
  if (!b.is_object()) return s;
  b.reject_unknown_keys({"scaleInMode", "multiTypeStep"});
  // §10.1: CPR = M/N × 100 (blog, workshop) or about one instance per low-alarm trigger (2023 guide, RM-1150).
  if (auto v = b["scaleInMode"].one_of({"ratio", "one_per_alarm"}))
    s.scale_in_mode = *v == "ratio" ? ScaleInMode::ratio : ScaleInMode::one_per_alarm;
  // §10.2: binpack on the largest type (2023 guide) or exactly minimumScalingStepSize (API 2022-10..2025-08).
  if (auto v = b["multiTypeStep"].one_of({"binpack", "minimum_step"}))
    s.multi_type_step = *v == "binpack" ? MultiTypeStep::binpack : MultiTypeStep::minimum_step;
  return s;
}

// autoScalingGroupArn: the group's AutoScalingGroupARN, or its name ("The Amazon Resource Name (ARN)
// that identifies the Auto Scaling group, or the Auto Scaling group name"). An ARN that no group
// prints matches by the name it ends in ("...:autoScalingGroupName/<name>").
std::optional<std::size_t> find_group(const Node& root, const Node& arn, const std::string& ref, const LoadContext& ctx) {
  const auto& groups = ctx.world.groups;
  const Node listed = root["AutoScalingGroups"];
  for (std::size_t i = 0; i < groups.size(); ++i) {
    const nlohmann::json* g = listed.at(i).json();
    if (g != nullptr && g->is_object()) {
      const auto it = g->find("AutoScalingGroupARN");
      if (it != g->end() && it->is_string() && it->get<std::string>() == ref) return i;
    }
  }
  std::string name = ref;
  if (ref.rfind("arn:", 0) == 0) {
    const std::string marker = "autoScalingGroupName/";
    const auto at = ref.rfind(marker);
    if (at == std::string::npos || at + marker.size() == ref.size()) {
      arn.error("expected an Auto Scaling group ARN ending in \"autoScalingGroupName/<name>\", or a group name, "
                "found \"" + ref + "\"");
      return std::nullopt;
    }
    name = ref.substr(at + marker.size());
  }
  std::vector<std::string> names;
  for (std::size_t i = 0; i < groups.size(); ++i) {
    if (groups[i].name == name) return i;
    if (!groups[i].name.empty()) names.push_back(groups[i].name);
  }
  arn.error("no Auto Scaling group named \"" + name + "\" in AutoScalingGroups (expected " + quoted_names(names) +
            ", by AutoScalingGroupARN or AutoScalingGroupName)");
  return std::nullopt;
}

// An integer field of managedScaling in [lo, hi]; the message names the field's AWS range.
std::optional<int> scaling_int(const Node& n, int lo, int hi, const std::string& why = "") {
  const auto v = n.int32(INT32_MIN, INT32_MAX);
  if (!v) return std::nullopt;
  if (*v < lo || *v > hi) {
    n.error("expected an integer from " + std::to_string(lo) + " to " + std::to_string(hi) + why + ", found " +
            std::to_string(*v));
    return std::nullopt;
  }
  return v;
}

// managedScaling (§1.3). describe-capacity-providers prints every field; absent ones take the API's
// defaults, except status, which has none documented.
bool load_managed_scaling(const Node& m, ManagedScaling& s) {
  if (!m.present()) return true;  // no managed scaling
  if (!m.is_object()) return false;
  bool ok = true;
  const Node status = m["status"];
  if (!status.present()) {
    status.error("missing required field: expected \"ENABLED\" or \"DISABLED\" (describe-capacity-providers always "
                 "prints it, and AWS documents no default)");
    ok = false;
  } else if (auto v = status.one_of({"ENABLED", "DISABLED"})) {
    s.enabled = *v == "ENABLED";
  } else {
    ok = false;
  }
  const auto field = [&](const char* key, int lo, int hi, int& out, const std::string& why = "") {
    const Node n = m[key];
    if (!n.present()) return;
    if (auto v = scaling_int(n, lo, hi, why))
      out = *v;
    else
      ok = false;
  };
  // §10.11: the guide says 0-100, the API enforces "greater than 0 and less than or equal to 100".
  const Node target = m["targetCapacity"];
  const bool zero = target.present() && target.json()->is_number() && target.json()->get<double>() == 0;
  field("targetCapacity", 1, 100, s.target_capacity,
        zero ? " (percent; the API rejects 0 although the ECS guide says 0-100, aws-semantics.md §10.11)"
             : " (percent of the instances in use, aws-semantics.md §1.3)");
  field("minimumScalingStepSize", 1, kMaxScalingStep, s.minimum_scaling_step);
  field("maximumScalingStepSize", 1, kMaxScalingStep, s.maximum_scaling_step);
  int warmup = static_cast<int>(s.instance_warmup / 1000);
  field("instanceWarmupPeriod", 0, kMaxInstanceWarmup, warmup, " seconds");
  s.instance_warmup = seconds(warmup);
  if (ok && s.minimum_scaling_step > s.maximum_scaling_step) {
    const Node at = m["minimumScalingStepSize"].present() ? m["minimumScalingStepSize"] : m["maximumScalingStepSize"];
    at.error("minimumScalingStepSize " + std::to_string(s.minimum_scaling_step) + " is greater than "
             "maximumScalingStepSize " + std::to_string(s.maximum_scaling_step) + " (AWS rejects this)");
    ok = false;
  }
  return ok;
}

void load_capacity_provider(const Node& root, const Node& p, const ScalingSwitches& switches, LoadContext& ctx) {
  if (!p.is_object() || !p["name"].require()) return;
  const auto name = p["name"].nonempty_string();
  if (!name) return;
  auto& names = ctx.ecs.capacity_providers;
  if (std::find(names.begin(), names.end(), *name) != names.end())
    p["name"].error("two capacity providers are named \"" + *name + "\"");
  names.push_back(*name);
  const Node provider = p["autoScalingGroupProvider"];
  // describe-capacity-providers lists ECS's built-in Fargate providers too: they drive no group.
  if (is_fargate_capacity_provider(*name)) return;
  if (!provider.require() || !provider.is_object()) return;

  CapacityProviderConfig c;
  c.name = *name;
  c.scale_in_mode = switches.scale_in_mode;
  c.multi_type_step = switches.multi_type_step;
  bool ok = true;

  const Node arn = provider["autoScalingGroupArn"];
  std::optional<std::size_t> group;
  if (arn.require())
    if (auto ref = arn.nonempty_string()) group = find_group(root, arn, *ref, ctx);
  if (group) {
    // RM-632: "The specified Auto Scaling group ARN is already being used by another capacity provider."
    for (std::size_t k = 0; k < ctx.world.capacity_providers.size(); ++k)
      if (ctx.world.capacity_providers[k].group == *group) {
        arn.error("Auto Scaling group \"" + ctx.world.groups[*group].name + "\" already belongs to capacity provider \"" +
                  ctx.world.capacity_providers[k].name + "\" (" + ctx.ecs.capacity_provider_pointers[k] +
                  "): AWS allows one capacity provider per group");
        ok = false;
      }
    c.group = *group;
  } else {
    ok = false;
  }

  if (!load_managed_scaling(provider["managedScaling"], c.scaling)) ok = false;

  // CP-12: managed termination protection needs managed scaling and a group whose new instances are
  // protected from scale-in; AWS refuses to create the capacity provider otherwise.
  const Node protection = provider["managedTerminationProtection"];
  if (auto v = protection.one_of({"ENABLED", "DISABLED"})) c.managed_termination_protection = *v == "ENABLED";
  if (c.managed_termination_protection && !c.scaling.enabled) {
    protection.error("managed termination protection needs managed scaling (managedScaling.status ENABLED): AWS "
                     "refuses to create the capacity provider, and without managed scaling the protection "
                     "\"doesn't work\" (aws-semantics.md CP-12)");
    ok = false;
  }
  if (c.managed_termination_protection && group && !ctx.world.groups[*group].new_instances_protected_from_scale_in) {
    protection.error("managed termination protection needs instance scale-in protection on group \"" +
                     ctx.world.groups[*group].name + "\" (NewInstancesProtectedFromScaleIn true, " +
                     ctx.groups[*group].pointer + "): AWS refuses to create the capacity provider otherwise "
                     "(aws-semantics.md CP-12)");
    ok = false;
  }

  // CP-14: "Managed instance draining is on by default when you create a capacity provider."
  const Node draining = provider["managedDraining"];
  if (draining.present()) {
    if (auto v = draining.one_of({"ENABLED", "DISABLED"}))
      c.managed_draining = *v == "ENABLED";
    else
      ok = false;
  }
  // ASG scale-in drains the instance first: the group carries it (models/auto_scaling_group).
  if (group) ctx.world.groups[*group].managed_draining = c.managed_draining;

  if (!ok) return;
  ctx.world.capacity_providers.push_back(std::move(c));
  ctx.ecs.capacity_provider_pointers.push_back(p.pointer());
}

}  // namespace

void load_capacity_providers(const Node& root, LoadContext& ctx) {
  const ScalingSwitches switches = load_switches(root);
  for (const Node& p : root["capacityProviders"].elements()) load_capacity_provider(root, p, switches, ctx);
}

std::optional<std::size_t> find_capacity_provider(const std::string& name, const WorldConfig& world) {
  for (std::size_t i = 0; i < world.capacity_providers.size(); ++i)
    if (world.capacity_providers[i].name == name) return i;
  return std::nullopt;
}

CapacityProviderStrategy load_strategy(const Node& strategy, const ResolveStrategyItem& resolve) {
  CapacityProviderStrategy out;
  const auto items = strategy.elements();
  if (items.size() > kMaxStrategyItems)
    strategy.error("expected at most 20 capacity providers in a strategy (aws-semantics.md CP-17), found " +
                   std::to_string(items.size()));
  std::vector<std::pair<std::string, std::string>> seen;  // name, pointer
  std::string base_at;  // the item that has a base
  int positive_weights = 0, weighted_items = 0;
  bool ok = true;
  for (const Node& item : items) {
    if (!item.is_object()) {
      ok = false;
      continue;
    }
    const Node name_node = item["capacityProvider"];
    const auto name = name_node.require() ? name_node.nonempty_string() : std::nullopt;
    const auto base = item["base"].present() ? item["base"].int32(0, kMaxBase) : std::optional<int>(0);
    const auto weight = item["weight"].present() ? item["weight"].int32(0, kMaxWeight) : std::optional<int>(0);
    if (!name || !base || !weight) {
      ok = false;
      continue;
    }
    ++weighted_items;
    if (*weight > 0) ++positive_weights;
    // CP-16: "Only one capacity provider in a strategy may have a base."
    if (*base > 0) {
      if (!base_at.empty()) {
        item["base"].error("only one capacity provider of a strategy may have a base (aws-semantics.md CP-16), and " +
                           base_at + " has one already");
        ok = false;
      }
      base_at = item.pointer();
    }
    const auto dup = std::find_if(seen.begin(), seen.end(), [&](const auto& s) { return s.first == *name; });
    if (dup != seen.end()) {
      name_node.error("capacity provider \"" + *name + "\" is listed twice in this strategy (also at " + dup->second + ")");
      ok = false;
      continue;
    }
    seen.emplace_back(*name, item.pointer());
    const auto index = resolve(name_node, *name);
    if (!index) continue;  // reported, or Fargate left out
    out.push_back({*index, *base, *weight});
  }
  // CP-17: "When multiple capacity providers are specified within a capacity provider strategy, at
  // least one of the capacity providers must have a weight value greater than zero."
  if (ok && weighted_items > 1 && positive_weights == 0)
    strategy.error("expected a weight above 0 on at least one of its " + std::to_string(weighted_items) +
                   " capacity providers, found all 0: with several providers, those of weight 0 place no tasks and "
                   "AWS refuses the strategy (aws-semantics.md CP-17)");
  // One provider takes every task whatever its weight: weight 1 says so to the model.
  if (out.size() == 1 && weighted_items == 1 && out[0].weight == 0) out[0].weight = 1;
  return out;
}

// Every default written where the user would have written it (scenario.json reruns the same).
void resolve_capacity_providers(nlohmann::json& r, const WorldConfig& w) {
  const auto fill = [](nlohmann::json& object, const char* key, nlohmann::json value) {
    if (!object.contains(key)) object[key] = std::move(value);
  };
  const auto fill_strategy = [&](nlohmann::json& strategy) {
    if (!strategy.is_array()) return;
    for (auto& item : strategy)
      if (item.is_object()) {
        fill(item, "base", 0);
        fill(item, "weight", 0);
      }
  };
  if (r.contains("capacityProviders") && r["capacityProviders"].is_array())
    for (auto& p : r["capacityProviders"]) {
      if (!p.is_object() || !p.contains("name") || !p["name"].is_string()) continue;
      const auto index = find_capacity_provider(p["name"].get<std::string>(), w);
      if (!index) continue;
      const CapacityProviderConfig& c = w.capacity_providers[*index];
      auto& provider = p["autoScalingGroupProvider"];
      auto& scaling = provider["managedScaling"];
      if (!scaling.is_object()) scaling = nlohmann::json::object();
      fill(scaling, "status", c.scaling.enabled ? "ENABLED" : "DISABLED");
      fill(scaling, "targetCapacity", c.scaling.target_capacity);
      fill(scaling, "minimumScalingStepSize", c.scaling.minimum_scaling_step);
      fill(scaling, "maximumScalingStepSize", c.scaling.maximum_scaling_step);
      fill(scaling, "instanceWarmupPeriod", c.scaling.instance_warmup / 1000);
      fill(provider, "managedTerminationProtection", c.managed_termination_protection ? "ENABLED" : "DISABLED");
      fill(provider, "managedDraining", c.managed_draining ? "ENABLED" : "DISABLED");
    }
  if (r.contains("clusters") && r["clusters"].is_array())
    for (auto& c : r["clusters"])
      if (c.is_object() && c.contains("defaultCapacityProviderStrategy")) fill_strategy(c["defaultCapacityProviderStrategy"]);
  if (r.contains("services") && r["services"].is_array())
    for (auto& s : r["services"])
      if (s.is_object() && s.contains("capacityProviderStrategy")) fill_strategy(s["capacityProviderStrategy"]);
  if (!w.capacity_providers.empty()) {
    const CapacityProviderConfig& c = w.capacity_providers.front();  // the block sets every provider alike
    auto& block = r["capacityProviderScaling"];
    if (!block.is_object()) block = nlohmann::json::object();
    fill(block, "scaleInMode", scale_in_mode_name(c.scale_in_mode));
    fill(block, "multiTypeStep", multi_type_step_name(c.multi_type_step));
  }
}

}  // namespace spotsim
