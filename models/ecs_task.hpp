#pragma once
// An ECS task and its lifecycle (aws-semantics.md §4.2):
//   PROVISIONING -> PENDING -> ACTIVATING -> RUNNING -> DEACTIVATING -> STOPPING -> DEPROVISIONING -> STOPPED
// PENDING covers the image pull and container creation; RUNNING starts when the containers run; a
// task is *healthy* later (SCH-8: its container health check, or 40 s after RUNNING without one);
// DEACTIVATING deregisters it from load balancers; STOPPING sends SIGTERM, then SIGKILL after the
// stop timeout (AG-2); resources are free again at STOPPED.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "models/ec2_instance.hpp"
#include "sim/optional_time.hpp"
#include "sim/sim_time.hpp"

namespace spotsim {

enum class TaskState : std::uint8_t {
  provisioning,
  pending,
  activating,
  running,
  deactivating,
  stopping,
  deprovisioning,
  stopped,
};
const char* to_string(TaskState s);

enum class TaskStopReason : std::uint8_t {
  none,
  draining,              // its container instance is DRAINING (AG-5)
  deployment,            // replaced by a newer task definition revision
  scale_in,              // the service's desired count dropped
  instance_terminated,   // EC2 terminated the instance under it (SIGKILL of everything)
  failed_to_start,       // stopped before RUNNING (SCH-12)
  unhealthy,             // its container health check failed (AG-4, SCH-9)
};
const char* to_string(TaskStopReason r);

// One record per task ever started, kept for the whole run (tasks()[id] is the identity the event
// log names): a year of churn keeps millions, so the record is packed to 96 bytes — 32-bit
// indexes, flags in bits, optional instants as OptionalTime (8 bytes each instead of 16), the
// static host ports out of line (TaskPorts: 8 bytes, nothing allocated when there are none).
// The static host ports a task holds (TaskDefinition::static_host_ports): most tasks use dynamic
// host ports and hold none, so the list lives on the heap only when it is not empty. Reads as the
// std::vector<int> the cluster reserves and releases.
class TaskPorts {
 public:
  TaskPorts() = default;
  TaskPorts(const TaskPorts& o) : ports_(o.ports_ ? std::make_unique<std::vector<int>>(*o.ports_) : nullptr) {}
  TaskPorts(TaskPorts&&) noexcept = default;
  TaskPorts& operator=(const TaskPorts& o) { return *this = TaskPorts(o); }
  TaskPorts& operator=(TaskPorts&&) noexcept = default;
  TaskPorts& operator=(const std::vector<int>& ports) {
    ports_ = ports.empty() ? nullptr : std::make_unique<std::vector<int>>(ports);
    return *this;
  }
  operator const std::vector<int>&() const { return ports_ ? *ports_ : empty_list(); }
  const std::vector<int>& list() const { return *this; }
  bool empty() const { return !ports_; }

 private:
  static const std::vector<int>& empty_list() {
    static const std::vector<int> none;
    return none;
  }
  std::unique_ptr<std::vector<int>> ports_;
};

struct EcsTask {
  std::uint32_t id = 0;          // index in the owning service's task table
  std::uint32_t service = 0;
  std::uint32_t cluster = 0;
  std::uint32_t container_instance = 0;
  InstanceId ec2;
  std::uint32_t task_definition = 0;
  std::uint32_t generation = 0;  // bumped at every state change: the pending step event goes stale
  int cpu = 0;
  int memory_mib = 0;
  // The state its last step entered. ACTIVATING and STOPPING begin inside a step (PENDING's and
  // DEACTIVATING's) and act on nothing, so no step enters them: EcsService::state_of(task, now)
  // gives the state at an instant; the counts that sum them (starting, stopping) read this.
  TaskState state = TaskState::provisioning;
  TaskStopReason stop_reason = TaskStopReason::none;
  bool healthy : 1 = false;
  bool unhealthy : 1 = false;  // UNHEALTHY by its container health check: to be replaced
  bool fails_to_start : 1 = false;
  // Its container instance's zone (EcsCluster::zones()), kALotOfZones if that does not fit a byte:
  // the scheduler's scale-in ranks every live task by zone, and the instance's record per task was
  // most of that look's cost. It fills a byte of padding.
  std::uint8_t zone = 0;
  static constexpr std::uint8_t kALotOfZones = 255;
  TaskPorts ports;
  SimTime created = 0;
  OptionalTime running_at;
  OptionalTime healthy_at;
  OptionalTime stop_requested_at;
  OptionalTime stopped_at;
  OptionalTime hangs_at;  // when its app stops answering (workload hangRatePerTaskHour)

  // Not yet asked to stop: the scheduler counts it towards the service.
  bool live() const { return !stop_requested_at && state != TaskState::stopped; }
  bool starting() const { return state == TaskState::provisioning || state == TaskState::pending || state == TaskState::activating; }
};
static_assert(sizeof(EcsTask) <= 96, "EcsTask: one per task ever started; keep it packed");

}  // namespace spotsim
