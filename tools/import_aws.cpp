// `spotsim import aws FILE...`: each file is one AWS CLI output, recognised by its top-level key
// (tools/import_aws.hpp). The AWS blocks are copied as the CLI printed them (the scenario loader
// ignores unknown AWS fields), price and load traces are referenced where they lie, and
// complete_scenario fills in what AWS does not describe.
#include "tools/import_aws.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include "sim/sim_time.hpp"
#include "tools/import_aws_internal.hpp"
#include "tools/input_error.hpp"
#include "tools/json_reader.hpp"
#include "tools/scenario.hpp"
#include "tools/text_input.hpp"

namespace spotsim {
namespace {

using Json = nlohmann::ordered_json;

struct Kind {
  const char* key;      // the output's top-level key
  const char* command;  // the AWS CLI command that prints it
};

// The outputs `import aws` reads, in the scenario's order.
constexpr Kind kKinds[] = {
    {"AutoScalingGroups", "aws autoscaling describe-auto-scaling-groups"},
    {"LaunchTemplateVersions", "aws ec2 describe-launch-template-versions"},
    {"capacityProviders", "aws ecs describe-capacity-providers"},
    {"clusters", "aws ecs describe-clusters"},
    {"services", "aws ecs describe-services"},
    {"taskDefinition", "aws ecs describe-task-definition"},
    {"TargetGroups", "aws elbv2 describe-target-groups"},
    {"Attributes", "aws elbv2 describe-target-group-attributes"},
    {"ScalableTargets", "aws application-autoscaling describe-scalable-targets"},
    {"ScalingPolicies", "aws application-autoscaling describe-scaling-policies"},
    {"SpotPriceHistory", "aws ec2 describe-spot-price-history"},
    {"MetricDataResults", "aws cloudwatch get-metric-data (RequestCount of a target group)"},
};

// The scenario's key for an output's key (describe-task-definition prints one "taskDefinition").
std::string scenario_key(const std::string& key) { return key == "taskDefinition" ? "taskDefinitions" : key; }

// The traces among these can be long, but a describe-* output is small: the same bound as traces.
constexpr std::uintmax_t kMaxOutputBytes = std::uintmax_t{512} << 20;

// Parsed keeping the CLI's key order (parse_json_text reports syntax errors and bounds the nesting).
Json parse_ordered(const std::string& text, const std::string& shown) {
  (void)parse_json_text(text, shown);
  return Json::parse(text, nullptr, /*allow_exceptions=*/true, /*ignore_comments=*/true);
}

using text_input::join;
using text_input::same_file;

std::string in_double_quotes(const std::string& s) { return "\"" + s + "\""; }

// A file as the CLI wrote it, with what it holds.
struct Input {
  std::filesystem::path path;
  std::string shown;
  Json doc;
  std::vector<std::string> keys;  // the recognised top-level keys, kKinds order
  bool pages = false;             // a JSON array of pages (SpotPriceHistory, MetricDataResults)
};

Input recognise(const std::filesystem::path& file) {
  Input in;
  in.path = file;
  in.shown = file.generic_string();
  in.doc = parse_ordered(text_input::read_file_text(file, in.shown, kMaxOutputBytes), in.shown);
  const Json* first = &in.doc;
  // describe-spot-price-history and get-metric-data pages concatenated into one JSON array.
  if (in.doc.is_array() && !in.doc.empty() && in.doc.front().is_object() &&
      (in.doc.front().contains("SpotPriceHistory") || in.doc.front().contains("MetricDataResults"))) {
    in.pages = true;
    first = &in.doc.front();
  }
  if (first->is_object())
    for (const auto& kind : kKinds)
      if (first->contains(kind.key)) in.keys.push_back(kind.key);
  if (in.keys.empty()) {
    std::string found = describe_json(nlohmann::json::parse(first->dump()));
    if (first->is_object()) {
      std::vector<std::string> keys;
      for (const auto& [k, v] : first->items()) keys.push_back(in_double_quotes(k));
      found = keys.empty() ? "an empty object" : "an object with " + join(keys);
    }
    throw InputError(in.shown, "", "not an AWS CLI output that spotsim imports: expected a JSON object with one of "
                                   "the top-level keys " + aws_import_kinds() + "; found " + found);
  }
  return in;
}

// The value at "/key" of every page, checked to be `array` (else an object).
std::vector<std::pair<std::string, const Json*>> values_of(const Input& in, const std::string& key, bool array) {
  std::vector<std::pair<std::string, const Json*>> out;
  const auto take = [&](const Json& page, const std::string& prefix) {
    const Json* v = json_member(page, key);
    const std::string where = prefix + "/" + key;
    if (v == nullptr) throw InputError(in.shown, prefix.empty() ? "" : prefix, "missing \"" + key + "\"");
    if (array ? !v->is_array() : !v->is_object())
      throw InputError(in.shown, where, std::string("expected ") + (array ? "an array" : "an object") + ", found " +
                                            describe_json(nlohmann::json::parse(v->dump())));
    out.emplace_back(where, v);
  };
  if (in.pages) {
    for (std::size_t p = 0; p < in.doc.size(); ++p) {
      // Appended piecewise: GCC 12 warns (-Wrestrict, a false positive) on `const char* + string`.
      std::string page = "/";
      page += std::to_string(p);
      if (!in.doc[p].is_object()) {
        std::string message = "expected a page (an object), found ";
        message += describe_json(nlohmann::json::parse(in.doc[p].dump()));
        throw InputError(in.shown, page, message);
      }
      take(in.doc[p], page);
    }
  } else {
    take(in.doc, "");
  }
  return out;
}

// A file referenced from the scenario: relative to the folder the scenario is written to.
std::string reference(const std::filesystem::path& file, const std::filesystem::path& output_dir) {
  std::error_code ec;
  const auto target = std::filesystem::absolute(file, ec);
  const auto base = std::filesystem::absolute(output_dir, ec);
  return target.lexically_normal().lexically_relative(base.lexically_normal()).generic_string();
}

// A target group named by a file name: "<name>.json", "<name>.attributes.json", "<name>-requests.json"
// … the longest target group name the file name starts with, followed by '.', '-' or '_'.
std::string target_group_by_file_name(const std::filesystem::path& file, const std::vector<std::string>& names) {
  const std::string base = file.filename().string();
  std::string best;
  for (const auto& n : names)
    if (base.size() > n.size() && base.rfind(n, 0) == 0 && std::string(".-_").find(base[n.size()]) != std::string::npos &&
        n.size() > best.size())
      best = n;
  return best;
}

class Importer {
 public:
  Importer(const AwsImportOptions& options, AwsImport& out) : options_(options), out_(out) {}

  void run(const std::vector<std::filesystem::path>& files) {
    if (files.empty()) throw InputError("", "", "no files given: expected AWS CLI outputs, " + aws_import_kinds());
    for (const auto& f : files) inputs_.push_back(recognise(f));
    for (const auto& kind : kKinds) {
      const std::string key = kind.key;
      if (key == "Attributes" || key == "SpotPriceHistory" || key == "MetricDataResults") continue;
      for (const auto& in : inputs_)
        if (std::find(in.keys.begin(), in.keys.end(), key) != in.keys.end()) collect(in, key);
    }
    names_ = target_group_names();
    for (const auto& in : inputs_) {
      if (has(in, "Attributes")) attach_attributes(in);
      if (has(in, "SpotPriceHistory")) spot_files_.push_back(&in);
      if (has(in, "MetricDataResults")) attach_requests(in);
    }
    keep_ecs_scaling();
    assemble();
  }

 private:
  static bool has(const Input& in, const char* key) {
    return std::find(in.keys.begin(), in.keys.end(), key) != in.keys.end();
  }

  // Appends the items of /key (an array; "taskDefinition" one object), an item equal to one already
  // taken once (overlapping outputs).
  void collect(const Input& in, const std::string& key) {
    Json& list = blocks_[scenario_key(key)];
    if (!list.is_array()) list = Json::array();
    for (const auto& [where, value] : values_of(in, key, key != "taskDefinition")) {
      const auto add = [&](const Json& item) {
        if (std::find(list.begin(), list.end(), item) == list.end()) list.push_back(item);
      };
      if (value->is_array())
        for (const auto& item : *value) add(item);
      else
        add(*value);
    }
  }

  std::vector<std::string> target_group_names() const {
    std::vector<std::string> names;
    if (const Json* tgs = json_member(blocks_, "TargetGroups"))
      for (const auto& tg : *tgs)
        if (auto n = json_string_member(tg, "TargetGroupName"); !n.empty()) names.push_back(n);
    return names;
  }

  void attach_attributes(const Input& in) {
    std::string name;
    for (const auto& [n, file] : options_.target_group_attributes)
      if (same_file(file, in.path)) name = n;
    if (name.empty()) name = target_group_by_file_name(in.path, names_);
    if (name.empty() && names_.size() == 1) name = names_.front();
    if (name.empty())
      throw InputError(in.shown, "", "describe-target-group-attributes output does not name its target group: name "
                                     "the file after it (\"<TargetGroupName>.attributes.json\") or give "
                                     "--target-group-attributes NAME=" + in.shown + " (target groups: " +
                                     (names_.empty() ? std::string("none: give describe-target-groups output too")
                                                     : join(names_)) + ")");
    if (std::find(names_.begin(), names_.end(), name) == names_.end())
      throw InputError(in.shown, "", "target group " + in_double_quotes(name) + " is not among the TargetGroups given (" +
                                         (names_.empty() ? std::string("none") : join(names_)) + ")");
    Json& attributes = blocks_["TargetGroupAttributes"][name];
    if (!attributes.is_array()) attributes = Json::array();
    for (const auto& [where, value] : values_of(in, "Attributes", true))
      for (const auto& a : *value) attributes.push_back(a);
  }

  // One traffic entry per MetricDataResults Id: the target group its Label or Id names, else the
  // file name, else the only target group.
  void attach_requests(const Input& in) {
    std::vector<std::string> ids;
    std::map<std::string, std::string> label_of;
    for (const auto& [where, value] : values_of(in, "MetricDataResults", true))
      for (const auto& r : *value) {
        const std::string id = json_string_member(r, "Id");
        if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
        label_of[id] = json_string_member(r, "Label");
        if (const Json* ts = json_member(r, "Timestamps"); ts != nullptr && ts->is_array())
          for (const auto& t : *ts)
            if (t.is_string())
              if (auto ms = parse_iso8601_ms(t.get<std::string>()))
                earliest_request_ms_ = std::min(earliest_request_ms_.value_or(*ms), *ms);
      }
    if (ids.empty()) throw InputError(in.shown, "/MetricDataResults", "no metric results: expected RequestCount data");
    std::string by_option;
    for (const auto& [n, file] : options_.request_count)
      if (same_file(file, in.path)) by_option = n;
    const std::string by_file = target_group_by_file_name(in.path, names_);
    for (const auto& id : ids) {
      std::string name = by_option;
      if (name.empty()) {
        std::string best;
        for (const auto& n : names_)
          if ((label_of[id].find(n) != std::string::npos || id.find(n) != std::string::npos) && n.size() > best.size())
            best = n;
        name = best;
      }
      if (name.empty()) name = by_file;
      if (name.empty() && names_.size() == 1) name = names_.front();
      if (name.empty())
        throw InputError(in.shown, "", "get-metric-data result " + in_double_quotes(id) + " does not name its target group: "
                                       "put the target group's name in the query's Label, name the file after it "
                                       "(\"<TargetGroupName>.requests.json\") or give --request-count NAME=" +
                                       in.shown + " (target groups: " +
                                       (names_.empty() ? std::string("none: give describe-target-groups output too")
                                                       : join(names_)) + ")");
      if (std::find(names_.begin(), names_.end(), name) == names_.end())
        throw InputError(in.shown, "", "target group " + in_double_quotes(name) + " is not among the TargetGroups given (" +
                                           (names_.empty() ? std::string("none") : join(names_)) + ")");
      if (auto prior = traffic_files_.find(name); prior != traffic_files_.end())
        throw InputError(in.shown, "", "a second RequestCount trace for target group " + in_double_quotes(name) + " (the first: " +
                                           prior->second + "): put the pages into one file, a JSON array of pages");
      traffic_files_[name] = in.shown;
      Json requests = {{"cloudwatch", reference(in.path, options_.output_dir)}};
      if (ids.size() > 1) requests["id"] = id;
      requests["align"] = "absolute";  // the trace's instants against `start`, set to its first one
      traffic_.push_back(Json{{"targetGroup", name}, {"requests", std::move(requests)}});
    }
  }

  // Application Auto Scaling describes every namespace and EC2 Auto Scaling's describe-policies
  // prints "ScalingPolicies" too: spotsim scales ECS services only. A step policy needs its alarm,
  // which describe-scaling-policies only names.
  void keep_ecs_scaling() {
    if (Json* targets = blocks_.contains("ScalableTargets") ? &blocks_["ScalableTargets"] : nullptr) {
      Json kept = Json::array();
      for (auto& t : *targets) {
        if (json_string_member(t, "ServiceNamespace") == "ecs")
          kept.push_back(t);
        else
          out_.ignored.push_back("scalable target " + json_string_member(t, "ResourceId") + " (namespace " +
                                 in_double_quotes(json_string_member(t, "ServiceNamespace")) + "): spotsim scales ECS services only");
      }
      *targets = std::move(kept);
    }
    if (Json* policies = blocks_.contains("ScalingPolicies") ? &blocks_["ScalingPolicies"] : nullptr) {
      Json kept = Json::array();
      for (auto& p : *policies) {
        const std::string name = json_string_member(p, "PolicyName");
        if (json_string_member(p, "ServiceNamespace") != "ecs")
          out_.ignored.push_back("scaling policy " + in_double_quotes(name) + ": not an ECS service policy (" +
                                 (json_member(p, "AutoScalingGroupName") ? "an EC2 Auto Scaling group policy" : "namespace " +
                                  in_double_quotes(json_string_member(p, "ServiceNamespace"))) + ")");
        else if (json_string_member(p, "PolicyType") == "StepScaling" && !json_member(p, "alarm"))
          out_.assumed.push_back("step scaling policy " + in_double_quotes(name) + " left out: describe-scaling-policies only "
                                 "names its CloudWatch alarm; add the alarm beside it (\"alarm\", README) to simulate it");
        else
          kept.push_back(p);
      }
      *policies = std::move(kept);
    }
  }

  std::string scenario_name() const {
    if (!options_.name.empty()) return options_.name;
    for (const char* key : {"clusters", "AutoScalingGroups"})
      if (const Json* list = json_member(blocks_, key); list != nullptr && !list->empty()) {
        const auto n = json_string_member(list->front(), key == std::string("clusters") ? "clusterName" : "AutoScalingGroupName");
        if (!n.empty()) return n;
      }
    return "imported";
  }

  // The spot price traces: one file is referenced, several merged into one array of pages beside
  // the scenario. Returns the pools they price.
  std::set<std::string> spot_prices(Json& scenario, const std::string& name) {
    std::set<std::string> pools;
    std::optional<std::int64_t> earliest;
    Json pages = Json::array();
    for (const Input* in : spot_files_)
      for (const auto& [where, value] : values_of(*in, "SpotPriceHistory", true)) {
        pages.push_back(Json{{"SpotPriceHistory", *value}});
        for (const auto& r : *value) {
          const std::string type = json_string_member(r, "InstanceType"), az = json_string_member(r, "AvailabilityZone");
          const std::string product = json_string_member(r, "ProductDescription");
          if (!product.empty() && product.rfind("Linux/UNIX", 0) != 0) continue;
          if (!type.empty() && !az.empty()) pools.insert(type + "/" + az);
          if (auto ms = parse_iso8601_ms(json_string_member(r, "Timestamp")))
            earliest = std::min(earliest.value_or(*ms), *ms);
        }
      }
    if (spot_files_.empty()) return pools;
    std::string file;
    if (spot_files_.size() == 1) {
      file = reference(spot_files_.front()->path, options_.output_dir);
    } else {
      file = name + ".spot-price-history.json";
      out_.side_files[file] = std::move(pages);
    }
    scenario["market"]["prices"]["spot"]["describeSpotPriceHistory"] = file;
    if (!earliest_request_ms_ && earliest) spot_start_ms_ = earliest;
    return pools;
  }

  void assemble() {
    Json s = Json::object();
    s["spotsim"] = 1;
    const std::string name = scenario_name();
    s["name"] = name;
    if (!options_.region.empty()) s["region"] = options_.region;
    for (auto& [key, value] : blocks_.items()) s[key] = value;
    if (!traffic_.empty()) s["workload"]["traffic"] = traffic_;
    const std::set<std::string> priced = spot_prices(s, name);
    if (earliest_request_ms_) {
      s["start"] = format_iso8601(*earliest_request_ms_);
      out_.assumed.push_back("start: " + format_iso8601(*earliest_request_ms_) +
                             ", the first RequestCount datapoint (the traces are placed at their real instants and "
                             "repeat over the run)");
    } else if (spot_start_ms_) {
      s["start"] = format_iso8601(*spot_start_ms_);
      out_.assumed.push_back("start: " + format_iso8601(*spot_start_ms_) + ", the first spot price record");
    }
    if (!options_.duration.empty()) s["duration"] = options_.duration;
    complete_scenario(s, out_.assumed, priced);

    std::vector<std::string> names;
    for (const auto& in : inputs_) names.push_back(in.path.filename().string());
    std::string description = "Imported by spotsim import aws from " + join(names) + ".";
    if (!out_.assumed.empty()) description += " Assumed: " + join(out_.assumed, "; ") + ".";
    s["description"] = description;
    order_scenario_keys(s);
    out_.scenario = std::move(s);
  }

  const AwsImportOptions& options_;
  AwsImport& out_;
  std::vector<Input> inputs_;
  Json blocks_ = Json::object();
  std::vector<std::string> names_;
  std::vector<const Input*> spot_files_;
  Json traffic_ = Json::array();
  std::map<std::string, std::string> traffic_files_;  // target group -> the file of its trace
  std::optional<std::int64_t> earliest_request_ms_, spot_start_ms_;
};

}  // namespace

std::string aws_import_kinds() {
  std::string s;
  for (const auto& kind : kKinds) s += (s.empty() ? "" : ", ") + in_double_quotes(kind.key) + " (" + kind.command + ")";
  return s;
}

AwsImport import_aws(const std::vector<std::filesystem::path>& files, const AwsImportOptions& options) {
  AwsImport out;
  Importer(options, out).run(files);
  return out;
}

}  // namespace spotsim
