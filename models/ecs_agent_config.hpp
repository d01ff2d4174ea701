#pragma once
// The ECS container agent's settings, as the launch template's user data writes them into
// /etc/ecs/ecs.config (aws-semantics.md §4.1). Parsed now; the ECS model (issue 3) acts on them.
#include <map>
#include <optional>
#include <string>

#include "sim/sim_time.hpp"

namespace spotsim {

struct EcsAgentConfig {
  std::map<std::string, std::string> variables;  // every ECS_* line, verbatim value
  std::optional<std::string> cluster;            // ECS_CLUSTER (agent default: "default")
  bool spot_instance_draining = false;           // ECS_ENABLE_SPOT_INSTANCE_DRAINING, default false
  SimTime container_stop_timeout = seconds(30);  // ECS_CONTAINER_STOP_TIMEOUT, default 30s, min 1s
  int reserved_memory_mib = 0;                   // ECS_RESERVED_MEMORY, default 0
};

}  // namespace spotsim
