// The event log (`spotsim run --events` → events.jsonl; results/README.md § events.jsonl): the
// issue's must-show — a run with one spot interruption logs, in time order, the notice, DRAINING,
// the deregistrations, the replacement launch and the termination — and the file's format.
#include "models/event_log.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include "sim/sim_time.hpp"
#include "tests/tools_test_support.hpp"

using namespace spotsim;
using namespace spotsim::test;
using nlohmann::json;
using nlohmann::ordered_json;

namespace {

constexpr const char* kStart = "2024-02-05T00:00:00Z";  // small_scenario()'s start

// One spot interruption, nothing else random: a single spot pool (m5.large in eu-west-1a) whose
// availability trace drops from 100 to 99 at 1 h, reclaiming one of its three instances
// (spot_market.hpp, model "trace": ceil(1 % of 3) = 1); the trace does not loop. Each task binds
// host port 8080, so one fits an instance: the interrupted instance's task finds no room, waits in
// PROVISIONING (CP-15), and managed scaling (minimumScalingStepSize 2: M = N + 2, CP-7 step 5)
// raises desired by one at the next minute (CP-11) — a replacement launched while the interrupted
// instance is still draining. Deregistration delay 0: the target's draining ends as it starts, so
// the order below does not hang on where in its minute the notice falls.
json one_interruption_scenario() {
  json s = small_alb_scenario();
  s["duration"] = "2h";
  json& asg = s["AutoScalingGroups"][0];
  asg["MinSize"] = 0;
  asg["DesiredCapacity"] = 3;
  asg["AvailabilityZones"] = {"eu-west-1a"};
  asg["MixedInstancesPolicy"]["LaunchTemplate"]["Overrides"] = {{{"InstanceType", "m5.large"}}};
  asg["MixedInstancesPolicy"]["InstancesDistribution"] = {
      {"OnDemandBaseCapacity", 0}, {"OnDemandPercentageAboveBaseCapacity", 0}, {"SpotAllocationStrategy", "price-capacity-optimized"}};
  s["market"] = {{"prices", {{"spot", {{"fixed", {{"m5.large", 0.037}}}}}}},
                 {"interruptions", {{"model", "trace"}, {"file", "drop-at-1h.json"}, {"loop", false}}}};
  s["capacityProviders"][0]["autoScalingGroupProvider"]["managedScaling"] = {
      {"status", "ENABLED"}, {"targetCapacity", 100}, {"minimumScalingStepSize", 2},
      {"maximumScalingStepSize", 10}, {"instanceWarmupPeriod", 300}};
  s["taskDefinitions"][0]["containerDefinitions"][0]["portMappings"][0]["hostPort"] = 8080;
  s["TargetGroupAttributes"] = {{"small-api-tg", {{{"Key", "deregistration_delay.timeout_seconds"}, {"Value", "0"}}}}};
  s["workload"]["services"]["small-api"]["shutdown"] = "5s";
  return s;
}

fs::path write_scenario(const fs::path& dir) {
  write_text(dir / "drop-at-1h.json", R"({"metadata": {"gap_seconds": 3600}, "data": [100, 99]})");
  write_text(dir / "one-interruption.json", one_interruption_scenario().dump(2));
  return dir / "one-interruption.json";
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

}  // namespace

TEST_CASE("events.jsonl of a run with one interruption: notice, DRAINING, deregistrations, replacement launch, termination",
          "[events][cli]") {
  const fs::path dir = scratch_dir("event-log-one-interruption");
  const fs::path scenario = write_scenario(dir);
  const Run run = run_cli_in_process({"run", scenario.string(), "-o", (dir / "out").string(), "--events", "--quiet"});
  INFO(run.output);
  REQUIRE(run.exit_code == 0);
  const std::string text = read_text(dir / "out" / "events.jsonl");
  REQUIRE(!text.empty());
  REQUIRE(text.back() == '\n');

  // Every line: one compact JSON object, keys t, time, entity, id, event first; t never decreases
  // and `time` is the same instant (whole seconds, as sim_time's format_iso8601 writes it).
  const std::int64_t start = *parse_iso8601_ms(kStart);
  const std::set<std::string> entities = {"instance", "container_instance", "task", "target", "service",
                                          "auto_scaling_group", "capacity_provider", "alarm"};
  std::vector<ordered_json> events;
  std::int64_t last_t = 0;
  for (const std::string& line : lines_of(text)) {
    INFO(line);
    const ordered_json j = ordered_json::parse(line);
    REQUIRE(j.is_object());
    CHECK(j.dump() == line);  // compact, nothing but the object
    std::vector<std::string> keys;
    for (auto it = j.begin(); it != j.end() && keys.size() < 5; ++it) keys.push_back(it.key());
    REQUIRE(keys == std::vector<std::string>{"t", "time", "entity", "id", "event"});
    const std::int64_t t = j["t"].get<std::int64_t>();
    CHECK(t >= last_t);
    last_t = t;
    CHECK(*parse_iso8601_ms(j["time"].get<std::string>()) == (start + t) / 1000 * 1000);
    CHECK(entities.count(j["entity"].get<std::string>()) == 1);
    events.push_back(j);
  }

  const auto index_of = [&](auto&& match, std::size_t from = 0) {
    for (std::size_t k = from; k < events.size(); ++k)
      if (match(events[k])) return k;
    return events.size();
  };
  const auto is = [](const ordered_json& e, const char* entity, const char* event) {
    return e["entity"] == entity && e["event"] == event;
  };

  // Exactly one interruption (SP-1: its notice says when EC2 terminates it, 2 minutes on).
  const auto notices = std::count_if(events.begin(), events.end(), [&](const ordered_json& e) {
    return is(e, "instance", "interruption_notice");
  });
  REQUIRE(notices == 1);
  const std::size_t notice = index_of([&](const ordered_json& e) { return is(e, "instance", "interruption_notice"); });
  const std::string victim = events[notice]["id"];
  const std::int64_t notice_t = events[notice]["t"];
  CHECK(events[notice]["purchase"] == "spot");
  CHECK(events[notice]["terminates_at"] == format_iso8601(start + notice_t + seconds(120)));

  // AG-1: the agent sets the container instance DRAINING within its 1 s poll.
  const std::size_t draining = index_of([&](const ordered_json& e) {
    return is(e, "container_instance", "draining") && e["instance"] == victim;
  });
  REQUIRE(draining < events.size());
  CHECK(draining > notice);
  CHECK(events[draining]["reason"] == "spot_interruption");
  CHECK(events[draining]["t"].get<std::int64_t>() - notice_t < 1000);

  // AG-5, ALB-5: the tasks there stop, each target on the instance deregisters (draining), and
  // its deregistration completes, all after DRAINING.
  std::vector<std::size_t> deregistering, deregistered;
  for (std::size_t k = 0; k < events.size(); ++k) {
    if (events[k]["entity"] != "target" || events[k]["instance"] != victim) continue;
    if (events[k]["event"] == "deregistering") deregistering.push_back(k);
    if (events[k]["event"] == "deregistered") deregistered.push_back(k);
  }
  REQUIRE(!deregistering.empty());
  CHECK(deregistered.size() == deregistering.size());
  for (std::size_t k : deregistering) {
    CHECK(k > draining);
    CHECK(events[k]["reason"] == "draining");
  }
  const std::size_t last_deregistration = *std::max_element(deregistered.begin(), deregistered.end());
  CHECK(*std::min_element(deregistered.begin(), deregistered.end()) >
        *std::min_element(deregistering.begin(), deregistering.end()));

  // CP-15, CP-11: the displaced task waits for capacity; managed scaling raises desired and the
  // group launches a replacement — before the interrupted instance is gone (SP-1, ASG-25).
  const std::size_t scale_out = index_of([&](const ordered_json& e) {
    return is(e, "auto_scaling_group", "desired_changed") && e["cause"] == "managed_scaling";
  }, notice);
  REQUIRE(scale_out < events.size());
  CHECK(events[scale_out]["to"].get<int>() == events[scale_out]["from"].get<int>() + 1);
  const std::size_t launch = index_of([&](const ordered_json& e) { return is(e, "instance", "launch_requested"); }, notice);
  const std::size_t terminated = index_of([&](const ordered_json& e) {
    return is(e, "instance", "terminated") && e["id"] == victim;
  });
  REQUIRE(launch < events.size());
  REQUIRE(terminated < events.size());
  CHECK(launch > last_deregistration);
  CHECK(launch > scale_out);
  CHECK(terminated > launch);
  CHECK(events[terminated]["reason"] == "spot_interruption");
  CHECK(events[terminated]["t"].get<std::int64_t>() == notice_t + seconds(120));
  // The container instance goes with it.
  CHECK(index_of([&](const ordered_json& e) {
          return is(e, "container_instance", "deregistered") && e["id"] == victim;
        }, terminated) < events.size());
}

TEST_CASE("spotsim run writes events.jsonl only with --events, the same bytes on a rerun, and the same other files",
          "[events][cli]") {
  const fs::path dir = scratch_dir("event-log-rerun");
  const fs::path scenario = write_scenario(dir);
  const auto run = [&](const std::string& out, bool events) {
    std::vector<std::string> args = {"run", scenario.string(), "-o", (dir / out).string(), "--quiet"};
    if (events) args.push_back("--events");
    const Run r = run_cli_in_process(args);
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
  };
  run("plain", false);
  run("a", true);
  run("b", true);
  CHECK(!fs::exists(dir / "plain" / "events.jsonl"));
  REQUIRE(fs::exists(dir / "a" / "events.jsonl"));
  CHECK(read_text(dir / "a" / "events.jsonl") == read_text(dir / "b" / "events.jsonl"));
  // The log only listens: the run is the same with it (summary.json counts the engine's events).
  CHECK(read_text(dir / "a" / "summary.json") == read_text(dir / "plain" / "summary.json"));
  CHECK(read_text(dir / "a" / "timeseries.csv") == read_text(dir / "plain" / "timeseries.csv"));
  // Nothing temporary is left behind.
  for (const auto& entry : fs::directory_iterator(dir / "a"))
    CHECK(entry.path().filename().string().find(".tmp-") == std::string::npos);
}

TEST_CASE("events.jsonl: every task state in order at its time, ACTIVATING and STOPPING included", "[events][cli][lifecycle]") {
  // §4.2: PENDING (image pull) -> ACTIVATING -> RUNNING; DEACTIVATING (AG-3: the deregistration delay,
  // the target deregistered at its end) -> STOPPING (AG-2: the app's 5 s shutdown, within the stop
  // timeout) -> DEPROVISIONING -> STOPPED. The model needs no event where ACTIVATING or STOPPING
  // begins (EcsService::state_of); the log still writes a line there.
  const fs::path dir = scratch_dir("event-log-task-states");
  json s = one_interruption_scenario();
  s["workload"]["services"]["small-api"]["startup"] = {{"imagePull", "15s"}};
  s["TargetGroupAttributes"] = {{"small-api-tg", {{{"Key", "deregistration_delay.timeout_seconds"}, {"Value", "10"}}}}};
  write_text(dir / "drop-at-1h.json", R"({"metadata": {"gap_seconds": 3600}, "data": [100, 99]})");
  write_text(dir / "s.json", s.dump(2));
  const Run run = run_cli_in_process({"run", (dir / "s.json").string(), "-o", (dir / "out").string(), "--events", "--quiet"});
  INFO(run.output);
  REQUIRE(run.exit_code == 0);
  std::map<std::string, std::vector<std::pair<std::string, std::int64_t>>> by_task;  // id -> (event, t)
  std::map<std::string, std::int64_t> deregistered;                                 // task id -> t
  for (const std::string& line : lines_of(read_text(dir / "out" / "events.jsonl"))) {
    const json j = json::parse(line);
    if (j["entity"] == "task" && j["event"] != "healthy") by_task[j["id"]].emplace_back(j["event"], j["t"]);
    if (j["entity"] == "target" && j["event"] == "deregistered") deregistered[j["task"]] = j["t"];
  }
  const std::vector<std::string> life = {"pending", "activating", "running", "deactivating",
                                         "stopping", "deprovisioning", "stopped"};
  const std::vector<std::int64_t> lasts = {seconds(15), seconds(1), -1, seconds(10), seconds(5), seconds(1)};
  int whole_lives = 0;
  REQUIRE(by_task.size() >= 4);
  for (const auto& [id, lines] : by_task) {
    INFO("task " << id);
    REQUIRE(lines.size() >= 3);  // every task reached RUNNING within the 2 h
    REQUIRE(lines.size() <= life.size());
    for (std::size_t k = 0; k < lines.size(); ++k) {
      CHECK(lines[k].first == life[k]);
      if (k > 0 && lasts[k - 1] >= 0) CHECK(lines[k].second - lines[k - 1].second == lasts[k - 1]);
    }
    if (lines.size() == life.size()) {
      ++whole_lives;
      REQUIRE(deregistered.count(id) == 1);
      CHECK(deregistered[id] == lines[4].second);  // the delay over: deregistered as STOPPING begins
    }
  }
  CHECK(whole_lives >= 1);  // the interrupted instance's task
}

TEST_CASE("a run that fails with --events leaves no results folder behind", "[events][cli][bad-input]") {
  const fs::path dir = scratch_dir("event-log-bad-input");
  json s = one_interruption_scenario();
  s["AutoScalingGroups"][0]["MinSize"] = -1;
  write_text(dir / "drop-at-1h.json", R"({"metadata": {"gap_seconds": 3600}, "data": [100, 99]})");
  write_text(dir / "bad.json", s.dump(2));
  const Run r = run_cli_in_process({"run", (dir / "bad.json").string(), "-o", (dir / "out").string(), "--events"});
  CHECK(r.exit_code == 2);
  CHECK(!fs::exists(dir / "out"));
}

TEST_CASE("EventLog lines: compact JSON, escaped strings, whole-second time, unbounded runs in a bounded buffer",
          "[events]") {
  std::ostringstream out;
  const std::int64_t start = *parse_iso8601_ms(kStart);
  {
    EventLog log(out, start);
    log.names().services = {"we\"ird\\name"};
    EcsTask task;
    task.service = 0;
    task.id = 7;
    task.ec2 = InstanceId{42};
    log.task(1500, task, "running").str("reason", "tab\there");
    log.line(61'999, Entity::auto_scaling_group, "g", "desired_changed").num("from", 2).num("to", -1).boolean("x", true);
    CHECK(out.str().empty());  // buffered
    // Many lines: handed to the stream as they go (the buffer stays small), nothing lost.
    for (int k = 0; k < 5000; ++k) log.line(seconds(120), Entity::alarm, "a", "ok").time("at", seconds(k));
    CHECK(!out.str().empty());
    CHECK(log.lines() == 5002);
  }
  const std::vector<std::string> lines = lines_of(out.str());
  REQUIRE(lines.size() == 5002);
  CHECK(lines[0] ==
        R"({"t":1500,"time":"2024-02-05T00:00:01Z","entity":"task","id":"we\"ird\\name/7","event":"running",)"
        R"("service":"we\"ird\\name","instance":"i-000000000000002a","task_definition":"?","reason":"tab\there"})");
  CHECK(lines[1] == R"({"t":61999,"time":"2024-02-05T00:01:01Z","entity":"auto_scaling_group","id":"g","event":"desired_changed","from":2,"to":-1,"x":true})");
  CHECK(lines[5001] == R"({"t":120000,"time":"2024-02-05T00:02:00Z","entity":"alarm","id":"a","event":"ok","at":"2024-02-05T01:23:19Z"})");
  for (const std::string& line : lines) CHECK_NOTHROW(json::parse(line));
}
