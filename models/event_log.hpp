#pragma once
// The event log: `spotsim run --events` writes it as events.jsonl (every entity, event and context
// key is documented in results/README.md § events.jsonl). One compact JSON object per line, in the
// order the engine handles the state changes, so `t` never decreases:
//   {"t":183000,"time":"2026-01-05T00:03:03Z","entity":"instance","id":"i-0000000000000004","event":"interruption_notice",...}
// `t` is integer milliseconds since the simulated start, `time` the same instant as
// sim/sim_time's format_iso8601 writes it (whole seconds); context keys follow.
//
// Decisions:
// - The models hold an `EventLog*` that is null unless --events is given: every hook is one
//   pointer test, so a run without the log (BM_SeedMonth, sweeps, compare) pays nothing else. The
//   hooks ride on the events the models handle anyway: logging never schedules an event, so a run
//   with the log has exactly the events, statistics and outputs of one without.
// - Lines are built in a buffer that is handed to the output stream whenever it passes 64 KiB:
//   memory does not grow with the number of events (a 365-day run).
// - Ids are the ones the models use: instances "i-" + 16 hex digits of the fleet's index, tasks
//   "<service>/<index in the service>", targets "<target group>/<task id>", container instances
//   their EC2 instance's id, services, groups, alarms by name.
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "models/ec2_instance.hpp"
#include "models/ecs_task.hpp"
#include "sim/sim_time.hpp"

namespace spotsim {

enum class Entity : std::uint8_t {
  instance,            // an EC2 instance
  container_instance,  // its registration with an ECS cluster
  task,                // an ECS task
  target,              // an ALB target (a task registered in a target group)
  service,             // an ECS service
  auto_scaling_group,
  alarm,               // a CloudWatch alarm of a scaling policy
};
const char* to_string(Entity e);

class EventLog {
 public:
  // Names of the world's things by index, for ids and context keys (World::set_event_log fills it).
  struct Names {
    std::vector<std::string> groups;            // Auto Scaling group names
    std::vector<std::string> pool_types;        // per spot-market pool: instance type
    std::vector<std::string> pool_zones;        //   and Availability Zone
    std::vector<std::string> clusters;
    std::vector<std::string> services;
    std::vector<std::string> task_definitions;  // "family:revision"
    std::vector<std::string> target_groups;
  };

  // One line being written: the constructor wrote t, time, entity, id and event; add context
  // keys, and the line is closed when the (temporary) Line goes out of scope.
  class Line {
   public:
    Line(Line&& other) noexcept : log_(other.log_), open_(other.open_) { other.open_ = false; }
    Line(const Line&) = delete;
    Line& operator=(const Line&) = delete;
    Line& operator=(Line&&) = delete;
    ~Line();
    Line& str(std::string_view key, std::string_view value);
    Line& num(std::string_view key, std::int64_t value);
    Line& boolean(std::string_view key, bool value);
    // A simulated instant, formatted as `time` is.
    Line& time(std::string_view key, SimTime t);
    Line& instance(std::string_view key, InstanceId id);

   private:
    friend class EventLog;
    explicit Line(EventLog& log) : log_(log) {}
    EventLog& log_;
    bool open_ = true;
  };

  // `start_epoch_ms`: the UTC instant of simulated time 0 (WorldConfig::start_epoch_ms).
  EventLog(std::ostream& out, std::int64_t start_epoch_ms);
  ~EventLog();
  EventLog(const EventLog&) = delete;
  EventLog& operator=(const EventLog&) = delete;

  Names& names() { return names_; }
  const Names& names() const { return names_; }

  Line line(SimTime t, Entity entity, std::string_view id, std::string_view event);
  // An instance's line: its id, then purchase, instance_type, availability_zone and group.
  Line instance(SimTime t, const Ec2Instance& i, std::string_view event);
  // A task's line: its id, then service, instance and task_definition.
  Line task(SimTime t, const EcsTask& task, std::string_view event);
  // A target's line: its id, then target_group, service, task and instance.
  Line target(SimTime t, std::uint32_t target_group, std::uint32_t service, std::uint32_t task, InstanceId instance,
              std::string_view event);

  static std::string instance_id(InstanceId id);
  std::string task_id(std::uint32_t service, std::uint32_t task) const;

  // Hands everything buffered to the stream and flushes it; false if the stream failed.
  bool flush();
  std::uint64_t lines() const { return lines_; }

 private:
  void key(std::string_view key);
  void quoted(std::string_view value);
  void append_time(SimTime t);
  void end_line();
  const std::string& name(const std::vector<std::string>& names, std::size_t i) const;

  std::ostream& out_;
  std::int64_t start_epoch_ms_;
  Names names_;
  std::string buffer_;
  std::uint64_t lines_ = 0;
  // format_iso8601 of the last whole second written: consecutive lines mostly share it.
  std::int64_t cached_second_ = INT64_MIN;
  std::string cached_time_;
};

// A snake_case event name for a task state ("running", "deactivating", ...).
const char* event_name(TaskState s);

}  // namespace spotsim
