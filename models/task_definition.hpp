#pragma once
// ECS task definitions (`aws ecs describe-task-definition`'s .taskDefinition) and what placement
// reserves for them on a container instance (aws-semantics.md §4, §5; ECS task definition
// parameters: task-level cpu/memory, container cpu, memory (hard) and memoryReservation (soft)).
#include <optional>
#include <string>
#include <vector>

#include "sim/sim_time.hpp"

namespace spotsim {

struct PortMapping {
  int container_port = 0;
  int host_port = 0;  // 0 (or absent): a dynamic host port in bridge mode (ALB-10)
};

// A container's healthCheck (AG-4): not the target group's.
struct ContainerHealthCheck {
  SimTime interval = seconds(30);  // 5-300 s
  SimTime timeout = seconds(5);    // 2-60 s
  int retries = 3;                 // 1-10
  SimTime start_period = 0;        // 0-300 s, off by default
};

struct ContainerDefinition {
  std::string name;
  int cpu = 0;                            // cpu units (1,024 per vCPU)
  std::optional<int> memory;              // hard limit, MiB
  std::optional<int> memory_reservation;  // soft limit, MiB
  bool essential = true;
  std::vector<PortMapping> port_mappings;
  std::optional<SimTime> stop_timeout;    // overrides the agent's ECS_CONTAINER_STOP_TIMEOUT
  std::optional<ContainerHealthCheck> health_check;
};

struct TaskDefinition {
  std::string arn;     // "arn:aws:ecs:...:task-definition/demo-api:1"
  std::string family;  // "demo-api"
  int revision = 1;
  std::optional<int> cpu;     // task-level cpu units
  std::optional<int> memory;  // task-level memory, MiB
  std::string network_mode = "bridge";
  std::vector<ContainerDefinition> containers;

  std::string family_revision() const { return family + ":" + std::to_string(revision); }
  // What placement reserves: task-level values when given; otherwise the containers' sums, each
  // container reserving memoryReservation if set, else memory.
  int reserved_cpu() const;
  int reserved_memory_mib() const;
  // Static host ports the task occupies (host mode: the container ports; bridge: hostPort > 0).
  std::vector<int> static_host_ports() const;
  // Time from SIGTERM to SIGKILL: each container's stopTimeout, else the agent's; the task's is the
  // longest of its containers'.
  SimTime stop_timeout(SimTime agent_default) const;
  // The health check that decides the task's health: the essential containers' (AG-4: the task is
  // healthy when all essential containers are); nullopt when none has one.
  std::optional<ContainerHealthCheck> health_check() const;
};

}  // namespace spotsim
