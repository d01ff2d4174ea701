#include "models/task_definition.hpp"

#include <algorithm>

namespace spotsim {

// What placement subtracts from a container instance. ECS task definition parameters (API-ECS
// ContainerDefinition.memory): "If you specify memoryReservation, then that value is subtracted from
// the available memory resources for the container instance where the container is placed.
// Otherwise, the value of memory is used." Task-level cpu/memory, when given, take precedence over
// the containers' (task size; the ECS guide's memory-management page states the same order: task
// memory, else the sum over containers of memoryReservation, else memory). A container without cpu
// reserves 0 units on EC2 (it shares the unreserved cpu).
int TaskDefinition::reserved_cpu() const {
  if (cpu) return *cpu;
  int sum = 0;
  for (const auto& c : containers) sum += c.cpu;
  return sum;
}

int TaskDefinition::reserved_memory_mib() const {
  if (memory) return *memory;
  int sum = 0;
  for (const auto& c : containers) sum += c.memory_reservation.value_or(c.memory.value_or(0));
  return sum;
}

// Host ports held for the task's lifetime, sorted and without duplicates. awsvpc gives each task its
// own network interface and "none" has no network, so neither occupies a port of the host. In host
// mode the container port is the host port (hostPort, if given, must equal it); in bridge mode only
// a non-zero hostPort is static, 0 asking Docker for an ephemeral one (ALB-10).
std::vector<int> TaskDefinition::static_host_ports() const {
  std::vector<int> ports;
  const bool host = network_mode == "host";
  const bool bridge = network_mode == "bridge" || network_mode.empty();  // EC2's default is bridge
  if (!host && !bridge) return ports;
  for (const auto& c : containers) {
    for (const auto& m : c.port_mappings) {
      const int port = host ? (m.host_port > 0 ? m.host_port : m.container_port) : m.host_port;
      if (port > 0) ports.push_back(port);
    }
  }
  std::sort(ports.begin(), ports.end());
  ports.erase(std::unique(ports.begin(), ports.end()), ports.end());
  return ports;
}

// AG-2 / §4.1: each container gets SIGKILL stopTimeout after SIGTERM, the agent's
// ECS_CONTAINER_STOP_TIMEOUT when it has none; the containers stop in parallel, so the task is gone
// after the longest of them.
SimTime TaskDefinition::stop_timeout(SimTime agent_default) const {
  SimTime longest = agent_default;
  if (!containers.empty()) {
    longest = 0;
    for (const auto& c : containers) longest = std::max(longest, c.stop_timeout.value_or(agent_default));
  }
  return longest;
}

// AG-4: the task is HEALTHY when every essential container is, UNHEALTHY as soon as one is;
// non-essential containers' checks do not count. Simplification (one check stands for the task):
// with several essential checks, take each parameter's largest value (interval, timeout, retries,
// startPeriod), i.e. the check that makes the task healthy last. With a single essential check this
// is exact. With several it approximates "healthy when the slowest is", and it overstates the time
// to UNHEALTHY, which really follows the first essential container to fail.
std::optional<ContainerHealthCheck> TaskDefinition::health_check() const {
  std::optional<ContainerHealthCheck> combined;
  for (const auto& c : containers) {
    if (!c.essential || !c.health_check) continue;
    if (!combined) {
      combined = c.health_check;
      continue;
    }
    combined->interval = std::max(combined->interval, c.health_check->interval);
    combined->timeout = std::max(combined->timeout, c.health_check->timeout);
    combined->retries = std::max(combined->retries, c.health_check->retries);
    combined->start_period = std::max(combined->start_period, c.health_check->start_period);
  }
  return combined;
}

}  // namespace spotsim
