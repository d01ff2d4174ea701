// The scenario's top level, the blocks later issues simulate, the resolved document, and the entry
// points that read a file and apply the command line's changes.
#include "tools/scenario.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "tools/overrides.hpp"
#include "tools/scenario_parts.hpp"
#include "tools/text_input.hpp"

namespace spotsim {
namespace {

constexpr std::string_view kDefaultRegion = "us-east-1";
constexpr std::string_view kDefaultStart = "2024-01-01T00:00:00Z";
constexpr std::string_view kDefaultDuration = "7d";
constexpr std::uint64_t kDefaultSeed = 1;
// Results are sampled every minute: five years is 2.6 million rows, a bound on what a typo can cost.
constexpr SimTime kMaxDuration = days(1826);


std::vector<std::string> top_level_keys() {
  std::vector<std::string> keys = {"spotsim", "name", "description", "region", "start", "duration", "seed",
                                   "AutoScalingGroups", "LaunchTemplateVersions", "ScheduledUpdateGroupActions",
                                   "clusters", "services", "taskDefinitions", "deployments", "workload",
                                   "market", "ec2", "ecs", "alb", "TargetGroups", "TargetGroupAttributes",
                                   "capacityProviderScaling", "serviceAutoScaling", "capacityProviders",
                                   "ScalableTargets", "ScalingPolicies"};
  return keys;
}

bool valid_name(const std::string& name) {
  if (name.empty() || name == "." || name == ".." || name.size() > 200) return false;
  return std::none_of(name.begin(), name.end(), [](char c) {
    return c == '/' || c == '\\' || static_cast<unsigned char>(c) < 0x20;
  });
}

void load_top_level(const Node& root, const std::string& file, Scenario& s) {
  WorldConfig& w = s.world;
  const Node version = root["spotsim"];
  if (version.require())
    if (auto v = version.integer(INT64_MIN, INT64_MAX); v && *v != 1)
      version.error("expected format version 1, found " + describe_json(*version.json()));

  s.name = std::filesystem::path(file).stem().string();
  if (auto name = root["name"].string()) {
    if (valid_name(*name))
      s.name = *name;
    else
      root["name"].error("expected a name usable as a folder name (no '/', '\\' or control characters), found " +
                         describe_json(*root["name"].json()));
  }
  if (!valid_name(s.name)) s.name = "scenario";
  w.name = s.name;
  s.description = root["description"].string().value_or("");
  w.region = root["region"].nonempty_string().value_or(std::string(kDefaultRegion));
  w.start_epoch_ms = root["start"].present() ? root["start"].instant().value_or(0)
                                              : *parse_iso8601_ms(kDefaultStart);
  if (root["duration"].present()) {
    if (auto d = root["duration"].duration(1)) {
      if (*d > kMaxDuration)
        root["duration"].error("expected at most " + format_duration(kMaxDuration) + " (five years), found " +
                               describe_json(*root["duration"].json()));
      else
        w.duration = *d;
    }
  } else {
    w.duration = *parse_duration(kDefaultDuration);
  }
  w.seed = kDefaultSeed;
  if (auto seed = root["seed"].integer(0, INT64_MAX)) w.seed = static_cast<std::uint64_t>(*seed);
}

// What the file has that runs unsimulated: nothing is left since instance refreshes are simulated
// (issue 5); the unknown `workload` members are still rejected here.
void load_later_blocks(const Node& root) {
  const Node workload = root["workload"];
  workload.reject_unknown_keys({"traffic", "services", "callGraph"});
}

// The input with the defaults the loader applied written in, so scenario.json reruns the same.
nlohmann::json resolve(const nlohmann::json& doc, const Scenario& s) {
  nlohmann::json r = doc;
  const WorldConfig& w = s.world;
  r["name"] = s.name;
  if (!r.contains("region")) r["region"] = w.region;
  if (!r.contains("start")) r["start"] = format_iso8601(w.start_epoch_ms);
  if (!r.contains("duration")) r["duration"] = format_duration(w.duration);
  if (!r.contains("seed")) r["seed"] = w.seed;

  auto& ec2 = r["ec2"];
  if (!ec2.is_object()) ec2 = nlohmann::json::object();
  const std::pair<const char*, SimTime> timings[] = {{"pendingTime", w.ec2.pending_time},
                                                     {"bootTime", w.ec2.boot_time},
                                                     {"agentRegistration", w.ec2.agent_registration},
                                                     {"launchRetry", w.ec2.launch_retry}};
  for (const auto& [key, value] : timings)
    if (!ec2.contains(key)) ec2[key] = format_duration(value);

  auto& market = r["market"];
  if (!market.is_object()) market = nlohmann::json::object();
  if (!market.contains("noticeSeconds")) market["noticeSeconds"] = w.market.notice / 1000;
  auto& interruptions = market["interruptions"];
  if (!interruptions.is_object()) interruptions = nlohmann::json::object();
  if (!interruptions.contains("model")) interruptions["model"] = to_string(w.market.model);

  auto& groups = r["AutoScalingGroups"];
  for (std::size_t i = 0; i < groups.size() && i < w.groups.size(); ++i) {
    const AutoScalingGroupConfig& g = w.groups[i];
    auto& group = groups[i];
    if (!group.contains("DesiredCapacity")) group["DesiredCapacity"] = g.desired_capacity;
    if (!group.contains("MixedInstancesPolicy")) continue;
    auto& dist = group["MixedInstancesPolicy"]["InstancesDistribution"];
    if (!dist.is_object()) dist = nlohmann::json::object();
    static constexpr const char* spot_names[] = {"lowest-price", "capacity-optimized",
                                                 "capacity-optimized-prioritized", "price-capacity-optimized"};
    if (!dist.contains("OnDemandBaseCapacity")) dist["OnDemandBaseCapacity"] = g.on_demand_base_capacity;
    if (!dist.contains("OnDemandPercentageAboveBaseCapacity"))
      dist["OnDemandPercentageAboveBaseCapacity"] = g.on_demand_percentage_above_base;
    if (!dist.contains("SpotAllocationStrategy"))
      dist["SpotAllocationStrategy"] = spot_names[static_cast<int>(g.spot_allocation_strategy)];
    if (!dist.contains("SpotInstancePools") && g.spot_allocation_strategy == SpotAllocationStrategy::lowest_price)
      dist["SpotInstancePools"] = g.spot_instance_pools;
    if (!dist.contains("OnDemandAllocationStrategy"))
      dist["OnDemandAllocationStrategy"] =
          g.on_demand_allocation_strategy == OnDemandAllocationStrategy::prioritized ? "prioritized" : "lowest-price";
  }
  resolve_ecs(r, w);
  resolve_capacity_providers(r, w);
  resolve_service_autoscaling(r, w);
  resolve_traffic(r, w);
  return r;
}

// Scenarios may hold their load profiles inline; beyond this a file is not a scenario.
constexpr std::uintmax_t kMaxScenarioBytes = std::uintmax_t{256} << 20;

std::string read_file(const std::filesystem::path& file) {
  const std::string shown = file.generic_string();
  std::error_code ec;
  const auto status = std::filesystem::status(file, ec);
  if (ec || !std::filesystem::exists(status)) throw InputError(shown, "", "cannot read the file: no such file");
  if (std::filesystem::is_directory(status))
    throw InputError(shown, "", "cannot read the file: it is a folder (expected a scenario .json file)");
  // Bounded, and a FIFO without a writer reads as empty instead of hanging (text_input).
  return text_input::read_file_text(file, shown, kMaxScenarioBytes);
}

constexpr int kMaxJsonDepth = 256;

// Line and column of the first bracket that opens level kMaxJsonDepth + 1 (strings skipped).
std::pair<std::size_t, std::size_t> deepest_point(std::string_view text) {
  std::size_t line = 1, column = 0;
  int depth = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    ++column;
    if (c == '\n') {
      ++line, column = 0;
    } else if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth) break;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return {line, column};
}

// A problem at a pointer the command line set says so, since the file holds another value there.
void mark_command_line_values(std::vector<Diagnostic>& ds, const std::vector<std::string>& pointers) {
  for (auto& d : ds)
    for (const auto& p : pointers)
      if (d.where == p || d.where.rfind(p + "/", 0) == 0) {
        d.message += " (set on the command line)";
        break;
      }
}

}  // namespace

std::vector<std::string> LoadContext::pool_keys() const {
  std::vector<std::string> keys;
  for (const auto& g : world.groups)
    for (const auto& type : g.instance_types)
      for (const auto& az : g.availability_zones) keys.push_back(type + "/" + az);
  return keys;
}

bool LoadContext::has_pool(const std::string& key) const {
  const auto keys = pool_keys();
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

void add_spot_pitfall_warnings(LoadContext& ctx) {
  for (std::size_t i = 0; i < ctx.world.groups.size(); ++i) {
    const AutoScalingGroupConfig& g = ctx.world.groups[i];
    const GroupSource& src = ctx.groups[i];
    if (!src.can_run_spot) continue;
    const std::string where = src.user_data_pointer.empty() ? src.pointer : src.user_data_pointer;
    if (!g.ecs_agent.spot_instance_draining)
      ctx.diag.warning(where, "group \"" + g.name + "\" runs spot instances but its launch template's user data does "
                              "not set ECS_ENABLE_SPOT_INSTANCE_DRAINING=true (default false): on an interruption "
                              "notice the instance is not set to DRAINING, so its tasks keep receiving traffic and die "
                              "at the termination, with no replacement started before it (aws-semantics.md §4.1, "
                              "AG-5; AWS recommends turning it on for spot)");
    if (g.ecs_agent.container_stop_timeout > ctx.world.market.notice)
      ctx.diag.warning(where, "ECS_CONTAINER_STOP_TIMEOUT (" + format_duration(g.ecs_agent.container_stop_timeout) +
                                  ") is longer than the " + format_duration(ctx.world.market.notice) +
                                  " spot interruption notice: containers are killed by the termination before it "
                                  "ends (aws-semantics.md AG-2: never set it above 2 minutes on spot)");
    if (g.instance_types.size() * g.availability_zones.size() == 1)
      ctx.diag.warning(src.pointer, "group \"" + g.name + "\" has a single spot pool (" + g.instance_types[0] + "/" +
                                        g.availability_zones[0] + "): one capacity reclaim can take all its spot "
                                        "instances; AWS recommends diversifying over instance types and Availability "
                                        "Zones (aws-semantics.md ASG-7)");
    // ASG-8: lowest-price draws on the SpotInstancePools cheapest pools of each Availability Zone.
    else if (g.availability_zones.size() == 1 && g.spot_allocation_strategy == SpotAllocationStrategy::lowest_price &&
             g.spot_instance_pools == 1)
      ctx.diag.warning(src.pointer, "group \"" + g.name + "\" draws its spot instances from a single pool: one "
                                        "Availability Zone (" + g.availability_zones[0] + ") and SpotAllocationStrategy "
                                        "lowest-price with SpotInstancePools 1, so one capacity reclaim can take all "
                                        "its spot instances; AWS warns that lowest-price \"might lead to high "
                                        "interruption rates\" and recommends price-capacity-optimized over several "
                                        "instance types and Availability Zones (aws-semantics.md ASG-7, ASG-8)");
  }
}

Scenario load_scenario(const nlohmann::json& doc, const std::string& file, const std::filesystem::path& base_dir) {
  Diagnostics diag(file);
  Scenario s;
  const Node root(diag, &doc, "");
  if (!doc.is_object()) {
    diag.error("", "expected a scenario object ({\"spotsim\": 1, ...}), found " + describe_json(doc));
    throw InputError(diag.list());
  }
  root.reject_unknown_keys(top_level_keys());
  load_top_level(root, file, s);
  LoadContext ctx{diag, base_dir, s.world};
  load_groups(root, ctx);
  load_scheduled_actions(root, ctx);
  load_market(root, ctx);
  load_ec2(root, ctx);
  load_ecs(root, ctx);
  load_later_blocks(root);
  if (!diag.has_errors()) {
    add_spot_pitfall_warnings(ctx);
    add_ecs_warnings(root, ctx);
  }
  if (diag.has_errors()) throw InputError(diag.list());
  s.warnings = diag.warnings();
  s.resolved = resolve(doc, s);
  return s;
}

// "line L, column C" (1-based) of text[index].
static std::string line_column(std::string_view text, std::size_t index) {
  std::size_t line = 1, column = 1;
  for (std::size_t i = 0; i < index && i < text.size(); ++i) {
    if (text[i] == '\n')
      ++line, column = 1;
    else
      ++column;
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

nlohmann::json parse_json_text(std::string_view text, const std::string& file) {
  // Copying and printing a document recurse once per level: a bound on nesting keeps a hostile file
  // from overflowing the stack (design.md: no input crashes the program).
  struct TooDeep {};
  const auto limit_depth = [](int depth, nlohmann::json::parse_event_t, nlohmann::json&) {
    if (depth > kMaxJsonDepth) throw TooDeep{};
    return true;
  };
  try {
    return nlohmann::json::parse(text, limit_depth, /*allow_exceptions=*/true, /*ignore_comments=*/true);
  } catch (const TooDeep&) {
    const auto [line, column] = deepest_point(text);
    throw InputError(file, "line " + std::to_string(line) + ", column " + std::to_string(column),
                     "objects and arrays nest deeper than " + std::to_string(kMaxJsonDepth) + " levels");
  } catch (const nlohmann::json::out_of_range& e) {
    // A number beyond a double ("number overflow parsing '1e999'", 406). nlohmann gives no position:
    // the number's first appearance in the text places it.
    const std::string what = e.what();
    const auto open = what.find('\''), close = what.rfind('\'');
    const std::string number = open != std::string::npos && close > open ? what.substr(open + 1, close - open - 1) : "";
    const std::size_t at = number.empty() ? std::string_view::npos : text.find(number);
    throw InputError(file, at == std::string_view::npos ? "" : line_column(text, at),
                     "invalid JSON: the number " + number.substr(0, 40) + " is beyond the range of a double");
  } catch (const nlohmann::json::parse_error& e) {
    // e.byte is 1-based and points just past the offending character.
    const std::size_t end = std::min<std::size_t>(e.byte == 0 ? 0 : e.byte - 1, text.size());
    std::string what = e.what();
    // "[json.exception.parse_error.101] parse error at line 3, column 7: syntax error while parsing
    // value - invalid literal; last read: '...'": keep what follows the position.
    if (const auto at = what.find(": "); at != std::string::npos) what = what.substr(at + 2);
    throw InputError(file, line_column(text, end), "invalid JSON: " + what);
  }
}

Scenario load_scenario_text(std::string_view text, const std::string& display_name,
                            const std::filesystem::path& base_dir, const ScenarioOptions& options) {
  nlohmann::json doc = parse_json_text(text, display_name);
  if (!doc.is_object())
    throw InputError(display_name, "", "expected a scenario object ({\"spotsim\": 1, ...}), found " + describe_json(doc));
  std::vector<std::string> set_pointers;
  for (const auto& argument : options.set) set_pointers.push_back(apply_override(doc, parse_override(argument)));
  if (options.seed) {
    doc["seed"] = *options.seed;
    set_pointers.push_back("/seed");
  }
  if (options.duration) {
    doc["duration"] = *options.duration;
    set_pointers.push_back("/duration");
  }
  try {
    return load_scenario(doc, display_name, base_dir);
  } catch (InputError& e) {
    auto ds = e.diagnostics();
    mark_command_line_values(ds, set_pointers);
    throw InputError(std::move(ds));
  }
}

Scenario load_scenario_file(const std::filesystem::path& file, const ScenarioOptions& options) {
  const std::string text = read_file(file);
  return load_scenario_text(text, file.generic_string(), file.parent_path(), options);
}

void check_traffic_mode(const Scenario& scenario, TrafficMode mode, const std::string& file) {
  if (mode != TrafficMode::per_request) return;
  double requests = 0;
  for (const TrafficSource& source : scenario.world.traffic)
    requests += source.rps.integral_ms(0, scenario.world.duration) / 1000.0;
  if (requests <= kMaxPerRequestRequests) return;
  char count[32];
  std::snprintf(count, sizeof count, "%.3g", requests);
  throw InputError(file, "--mode",
                   std::string("per-request mode would simulate ") + count + " requests, more than " +
                       "1e10 (about 15 minutes at 10 M requests a second): use the fluid mode (the default), "
                       "or a shorter --duration");
}

}  // namespace spotsim
