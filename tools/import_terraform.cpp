// `spotsim import terraform PLAN.json` and `compare --terraform-plan` (tools/import_terraform.hpp):
// the plan's prior state and planned values of the resources spotsim simulates, each mapped onto the
// scenario's AWS shapes (import_terraform_resources.cpp), then completed the same way: from the
// `defaults` scenario when given, else with complete_scenario's documented assumptions (computed
// once, from the base, so the two scenarios differ only where the plan changes something).
//
// Plan format (`terraform show -json PLAN`, format_version 1.x): planned_values.root_module and
// prior_state.values.root_module hold {resources: [{address, mode, type, name, values}],
// child_modules: [{address, resources, child_modules}]}; resource_changes[] holds {address, type,
// change: {actions, before, after, after_unknown}}. Attributes "known after apply" are absent from
// planned_values and marked true in after_unknown: spotsim takes the prior value and says so.
#include "tools/import_terraform.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "tools/import_aws.hpp"
#include "tools/import_aws_internal.hpp"
#include "tools/import_terraform_internal.hpp"
#include "tools/input_error.hpp"
#include "tools/json_reader.hpp"
#include "tools/scenario.hpp"
#include "tools/text_input.hpp"

namespace spotsim {
namespace {

using terraform::Json;
using terraform::Notes;
using terraform::Resource;

const char* const kAwsBlocks[] = {"AutoScalingGroups", "LaunchTemplateVersions", "capacityProviders", "clusters",
                                  "services", "taskDefinitions", "TargetGroups", "TargetGroupAttributes",
                                  "ScalableTargets", "ScalingPolicies"};

// A plan's JSON grows with its resources; large module trees stay far below this.
constexpr std::uintmax_t kMaxPlanBytes = std::uintmax_t{256} << 20;

bool supported(const std::string& type) {
  const auto& types = terraform::supported_types();
  return std::find(types.begin(), types.end(), type) != types.end();
}

// Every managed resource of a module and its child modules, depth first in file order.
void collect(const Json& module, const std::string& pointer, std::vector<Resource>& out, std::set<std::string>& types) {
  if (!module.is_object()) return;
  if (auto it = module.find("resources"); it != module.end() && it->is_array())
    for (std::size_t i = 0; i < it->size(); ++i) {
      const Json& r = (*it)[i];
      if (!r.is_object() || r.value("mode", std::string("managed")) != "managed") continue;
      const std::string type = r.value("type", std::string());
      types.insert(type);
      if (!supported(type)) continue;
      Resource res;
      res.address = r.value("address", type + "." + r.value("name", std::string()));
      res.type = type;
      res.name = r.value("name", std::string());
      res.pointer = pointer + "/resources/" + std::to_string(i);
      if (auto v = r.find("values"); v != r.end() && v->is_object()) res.values = *v;
      else res.values = Json::object();
      out.push_back(std::move(res));
    }
  if (auto it = module.find("child_modules"); it != module.end() && it->is_array())
    for (std::size_t i = 0; i < it->size(); ++i)
      collect((*it)[i], pointer + "/child_modules/" + std::to_string(i), out, types);
}

std::string short_value(const Json& v) {
  std::string s = v.dump();
  if (s.size() > 80) s = s.substr(0, 77) + "...";
  return s;
}

// Attributes known only after apply: the prior value where there is one.
void fill_unknown(Json& planned, const Json& unknown, const Json& prior, const std::string& address,
                  const std::string& path, Notes& assumed) {
  if (unknown.is_object() && planned.is_object()) {
    for (const auto& [key, u] : unknown.items()) {
      const std::string p = path.empty() ? key : path + "." + key;
      const Json* before = prior.is_object() && prior.contains(key) ? &prior[key] : nullptr;
      if (u.is_boolean() && u.get<bool>()) {
        if (planned.contains(key) && !planned[key].is_null()) continue;
        if (before != nullptr && !before->is_null()) {
          planned[key] = *before;
          assumed.add(address + ": " + p + " is known only after apply: took its prior value " + short_value(*before));
        }
      } else if ((u.is_object() || u.is_array()) && planned.contains(key)) {
        fill_unknown(planned[key], u, before != nullptr ? *before : Json(), address, p, assumed);
      }
    }
  } else if (unknown.is_array() && planned.is_array()) {
    for (std::size_t i = 0; i < unknown.size() && i < planned.size(); ++i) {
      const Json& u = unknown[i];
      const Json* before = prior.is_array() && i < prior.size() ? &prior[i] : nullptr;
      const std::string p = path + "[" + std::to_string(i) + "]";
      if (u.is_boolean() && u.get<bool>()) {
        if (!planned[i].is_null()) continue;
        if (before != nullptr && !before->is_null()) planned[i] = *before;
      } else {
        fill_unknown(planned[i], u, before != nullptr ? *before : Json(), address, p, assumed);
      }
    }
  }
}

// "address: attribute (before -> after)" for each leaf that differs.
void diff(const Json& before, const Json& after, const Json& unknown, const std::string& address,
          const std::string& path, std::vector<std::string>& out) {
  if (unknown.is_boolean() && unknown.get<bool>()) {
    out.push_back(address + ": " + path + " (" + short_value(before) + " -> known after apply)");
    return;
  }
  if (before.is_object() && after.is_object()) {
    std::vector<std::string> keys;
    for (const auto& [k, v] : before.items()) keys.push_back(k);
    for (const auto& [k, v] : after.items())
      if (!before.contains(k)) keys.push_back(k);
    if (unknown.is_object())
      for (const auto& [k, v] : unknown.items())
        if (!before.contains(k) && !after.contains(k)) keys.push_back(k);
    for (const auto& k : keys) {
      const Json b = before.contains(k) ? before[k] : Json(), a = after.contains(k) ? after[k] : Json();
      const Json u = unknown.is_object() && unknown.contains(k) ? unknown[k] : Json();
      diff(b, a, u, address, path.empty() ? k : path + "." + k, out);
    }
    return;
  }
  if (before.is_array() && after.is_array() && before.size() == after.size()) {
    for (std::size_t i = 0; i < before.size(); ++i)
      diff(before[i], after[i], unknown.is_array() && i < unknown.size() ? unknown[i] : Json(), address,
           path + "[" + std::to_string(i) + "]", out);
    return;
  }
  if (before != after) out.push_back(address + ": " + path + " (" + short_value(before) + " -> " + short_value(after) + ")");
}

using text_input::join;

// The region: the AWS provider's configured region, else the first ARN's.
std::string plan_region(const Json& plan, const std::vector<Resource>& resources) {
  if (auto it = plan.find("configuration"); it != plan.end() && it->is_object()) {
    const Json& c = *it;
    if (c.contains("provider_config") && c["provider_config"].contains("aws")) {
      const Json& e = c["provider_config"]["aws"];
      if (e.contains("expressions") && e["expressions"].contains("region") &&
          e["expressions"]["region"].contains("constant_value") && e["expressions"]["region"]["constant_value"].is_string())
        return e["expressions"]["region"]["constant_value"].get<std::string>();
    }
  }
  for (const auto& r : resources)
    for (const char* key : {"arn", "id", "auto_scaling_group_arn"})
      if (r.values.contains(key) && r.values[key].is_string())
        if (auto region = region_of_arn(r.values[key].get<std::string>()); !region.empty()) return region;
  return {};
}

// The value's identity among a block's items, for merging the plan's resources into `defaults`.
std::string identity(const std::string& block, const Json& item) {
  const auto s = [&](const char* key) { return item.is_object() ? item.value(key, std::string()) : std::string(); };
  if (block == "AutoScalingGroups") return s("AutoScalingGroupName");
  if (block == "LaunchTemplateVersions") return s("LaunchTemplateName").empty() ? s("LaunchTemplateId") : s("LaunchTemplateName");
  if (block == "capacityProviders") return s("name");
  if (block == "clusters") return s("clusterName");
  if (block == "services") return s("serviceName");
  if (block == "taskDefinitions") return s("family") + ":" + std::to_string(item.value("revision", 0));
  if (block == "TargetGroups") return s("TargetGroupName");
  if (block == "ScalableTargets") return s("ResourceId");
  if (block == "ScalingPolicies") return s("ResourceId") + " " + s("PolicyName");
  return {};
}

// `defaults` with the plan's resources in place of the same-named ones (others added); a step
// scaling policy keeps the alarm the defaults give it.
Json merge_into(const Json& defaults, const Json& blocks) {
  Json s = defaults;
  for (const char* key : kAwsBlocks) {
    if (!blocks.contains(key)) continue;
    if (std::string(key) == "TargetGroupAttributes") {
      for (const auto& [name, attrs] : blocks[key].items()) s[key][name] = attrs;
      continue;
    }
    Json& list = s[key];
    if (!list.is_array()) list = Json::array();
    for (const auto& item : blocks[key]) {
      const std::string id = identity(key, item);
      Json merged = item;
      bool replaced = false;
      for (auto& old : list)
        if (identity(key, old) == id) {
          if (std::string(key) == "ScalingPolicies" && old.contains("alarm") && !merged.contains("alarm"))
            merged["alarm"] = old["alarm"];
          old = merged;
          replaced = true;
        }
      if (!replaced) list.push_back(std::move(merged));
    }
  }
  return s;
}

// A scenario's step policies need their alarm (describe-scaling-policies and Terraform's policy
// only name it); without one they are left out. Workload entries naming what the plan removed go.
void drop_unsimulatable(Json& s, Notes& assumed) {
  if (s.contains("ScalingPolicies")) {
    Json kept = Json::array();
    for (auto& p : s["ScalingPolicies"]) {
      if (p.value("PolicyType", std::string()) == "StepScaling" && !p.contains("alarm")) {
        assumed.add("step scaling policy \"" + p.value("PolicyName", std::string()) +
                    "\" left out: its CloudWatch alarm is a separate resource; give a scenario with the policy's "
                    "\"alarm\" (README) to simulate it");
        continue;
      }
      kept.push_back(p);
    }
    s["ScalingPolicies"] = std::move(kept);
  }
  if (!s.contains("workload")) return;
  Json& w = s["workload"];
  std::set<std::string> services, target_groups;
  for (const auto& x : s.value("services", Json::array())) services.insert(x.value("serviceName", std::string()));
  for (const auto& x : s.value("TargetGroups", Json::array())) target_groups.insert(x.value("TargetGroupName", std::string()));
  if (w.contains("traffic") && w["traffic"].is_array()) {
    Json kept = Json::array();
    for (auto& t : w["traffic"])
      if (target_groups.count(t.value("targetGroup", std::string()))) kept.push_back(t);
    w["traffic"] = std::move(kept);
  }
  if (w.contains("services") && w["services"].is_object()) {
    Json kept = Json::object();
    for (auto& [name, v] : w["services"].items())
      if (services.count(name)) kept[name] = v;
    w["services"] = std::move(kept);
  }
}

}  // namespace

TerraformImport import_terraform_plan(const std::filesystem::path& plan_path,
                                      const std::optional<nlohmann::ordered_json>& defaults) {
  const std::string shown = plan_path.generic_string();
  const std::string text = text_input::read_file_text(plan_path, plan_path.generic_string(), kMaxPlanBytes);
  (void)parse_json_text(text, shown);  // syntax errors at their line and column
  const Json plan = Json::parse(text, nullptr, true, true);
  if (!plan.is_object() || (!plan.contains("planned_values") && !plan.contains("prior_state")))
    throw InputError(shown, "", "not a Terraform plan: expected the output of `terraform show -json PLAN`, an object "
                                "with \"planned_values\" and \"prior_state\", found " +
                                    describe_json(nlohmann::json::parse(plan.is_object() ? "{}" : plan.dump())) +
                                    (plan.is_object() ? " without them" : ""));
  const auto root_of = [&](const char* a, const char* b, const char* c) -> std::pair<const Json*, std::string> {
    const Json* j = &plan;
    std::string pointer;
    for (const char* key : {a, b, c}) {
      if (key == nullptr) break;
      if (!j->is_object() || !j->contains(key)) return {nullptr, pointer + "/" + key};
      j = &(*j)[key];
      pointer += std::string("/") + key;
    }
    return {j, pointer};
  };
  const auto [planned_root, planned_pointer] = root_of("planned_values", "root_module", nullptr);
  const auto [prior_root, prior_pointer] = root_of("prior_state", "values", "root_module");
  if (planned_root == nullptr)
    throw InputError(shown, planned_pointer, "not a Terraform plan: missing planned_values.root_module (expected "
                                             "`terraform show -json PLAN` output, not of a state)");

  std::vector<Resource> planned, prior;
  std::set<std::string> planned_types, prior_types;
  collect(*planned_root, planned_pointer, planned, planned_types);
  if (prior_root != nullptr) collect(*prior_root, prior_pointer, prior, prior_types);
  const std::string expected = join(terraform::supported_types());
  if (planned.empty() && prior.empty()) {
    std::vector<std::string> found(planned_types.begin(), planned_types.end());
    throw InputError(shown, planned_pointer + "/resources",
                     "none of the resources spotsim simulates: expected at least one of " + expected + "; found " +
                         (found.empty() ? std::string("no managed resources") : join(found)));
  }
  if (prior.empty())
    throw InputError(shown, prior_root != nullptr ? prior_pointer + "/resources" : prior_pointer,
                     "no prior state of the resources spotsim simulates: this plan creates them all, so there is no "
                     "base scenario (expected a plan that changes existing " + expected + ")");

  TerraformImport out;
  Notes assumed;
  // Unknown-after-apply attributes: the prior value of the same address.
  std::map<std::string, const Resource*> prior_by_address;
  for (const auto& r : prior) prior_by_address[r.address] = &r;
  const Json& changes = plan.contains("resource_changes") && plan["resource_changes"].is_array() ? plan["resource_changes"]
                                                                                                  : Json::array();
  for (auto& r : planned)
    for (const auto& c : changes)
      if (c.is_object() && c.value("address", std::string()) == r.address && c.contains("change") &&
          c["change"].contains("after_unknown")) {
        const auto p = prior_by_address.find(r.address);
        const Json before = p != prior_by_address.end() ? p->second->values : c["change"].value("before", Json());
        fill_unknown(r.values, c["change"]["after_unknown"], before, r.address, "", assumed);
      }

  // What the plan changes, attribute by attribute.
  for (const auto& c : changes) {
    if (!c.is_object() || !supported(c.value("type", std::string())) || c.value("mode", std::string("managed")) != "managed")
      continue;
    const std::string address = c.value("address", std::string());
    const Json& change = c.contains("change") ? c["change"] : Json::object();
    const Json actions = change.value("actions", Json::array());
    if (actions == Json::array({"no-op"}) || actions == Json::array({"read"})) continue;
    if (actions == Json::array({"create"})) {
      out.changed.push_back(address + ": created");
      continue;
    }
    if (actions == Json::array({"delete"})) {
      out.changed.push_back(address + ": deleted");
      continue;
    }
    diff(change.value("before", Json()), change.value("after", Json()), change.value("after_unknown", Json()), address, "",
         out.changed);
  }

  std::string region = defaults && defaults->contains("region") ? defaults->value("region", std::string())
                                                                : plan_region(plan, prior);
  if (region.empty()) region = plan_region(plan, planned);
  const bool region_assumed = region.empty();
  if (region_assumed) region = "us-east-1";

  Json base_blocks = terraform::aws_blocks(prior, region, shown, assumed);
  Json planned_blocks = terraform::aws_blocks(planned, region, shown, assumed);
  const std::string stem = plan_path.stem().string().empty() ? "terraform" : plan_path.stem().string();

  if (defaults) {
    out.base = merge_into(*defaults, base_blocks);
    out.variant = merge_into(*defaults, planned_blocks);
    const std::string name = defaults->value("name", stem);
    out.variant["name"] = name + "-planned";
    drop_unsimulatable(out.base, assumed);
    drop_unsimulatable(out.variant, assumed);
  } else {
    Json base = Json::object();
    base["region"] = region;
    if (region_assumed) assumed.add("region: us-east-1 (the plan names none)");
    for (auto& [k, v] : base_blocks.items()) base[k] = v;
    drop_unsimulatable(base, assumed);
    std::vector<std::string> completion;
    complete_scenario(base, completion);
    // The variant: the planned resources with the base's world (load, market, timings), then only
    // what is new in it completed.
    Json variant = planned_blocks;
    for (auto& [k, v] : base.items())
      if (std::find(std::begin(kAwsBlocks), std::end(kAwsBlocks), k) == std::end(kAwsBlocks)) variant[k] = v;
    drop_unsimulatable(variant, assumed);
    complete_scenario(variant, completion);
    for (const auto& a : completion) assumed.add(a);
    base["name"] = stem + "-base";
    variant["name"] = stem + "-planned";
    std::string description = "Imported by spotsim import terraform from " + plan_path.filename().string() + ": " +
                              stem + "-base is the prior state, " + stem + "-planned the planned values.";
    if (!assumed.items.empty()) {
      description += " Assumed: ";
      for (std::size_t i = 0; i < assumed.items.size(); ++i) description += (i ? "; " : "") + assumed.items[i];
      description += ".";
    }
    base["description"] = description;
    variant["description"] = description;
    order_scenario_keys(base);
    order_scenario_keys(variant);
    out.base = std::move(base);
    out.variant = std::move(variant);
  }
  out.assumed = assumed.items;
  return out;
}

}  // namespace spotsim
