#pragma once
// An ECS task and its lifecycle (aws-semantics.md §4.2):
//   PROVISIONING -> PENDING -> ACTIVATING -> RUNNING -> DEACTIVATING -> STOPPING -> DEPROVISIONING -> STOPPED
// PENDING covers the image pull and container creation; RUNNING starts when the containers run; a
// task is *healthy* later (SCH-8: its container health check, or 40 s after RUNNING without one);
// DEACTIVATING deregisters it from load balancers; STOPPING sends SIGTERM, then SIGKILL after the
// stop timeout (AG-2); resources are free again at STOPPED.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "models/ec2_instance.hpp"
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

struct EcsTask {
  std::uint32_t id = 0;          // index in the owning service's task table
  std::uint32_t service = 0;
  std::uint32_t cluster = 0;
  std::uint32_t container_instance = 0;
  InstanceId ec2;
  std::size_t task_definition = 0;
  TaskState state = TaskState::provisioning;
  std::uint32_t generation = 0;  // bumped at every state change: the pending step event goes stale
  bool healthy = false;
  bool unhealthy = false;  // UNHEALTHY by its container health check: to be replaced
  bool fails_to_start = false;
  int cpu = 0;
  int memory_mib = 0;
  std::vector<int> ports;
  SimTime created = 0;
  std::optional<SimTime> running_at;
  std::optional<SimTime> healthy_at;
  std::optional<SimTime> stop_requested_at;
  std::optional<SimTime> stopped_at;
  std::optional<SimTime> hangs_at;  // when its app stops answering (workload hangRatePerTaskHour)
  TaskStopReason stop_reason = TaskStopReason::none;

  // Not yet asked to stop: the scheduler counts it towards the service.
  bool live() const { return !stop_requested_at && state != TaskState::stopped; }
  bool starting() const { return state == TaskState::provisioning || state == TaskState::pending || state == TaskState::activating; }
};

}  // namespace spotsim
