#pragma once
// ECS capacity providers as a scenario describes them (`aws ecs describe-capacity-providers`, the
// clusters' defaultCapacityProviderStrategy and services' capacityProviderStrategy;
// aws-semantics.md §1). The runtime model is models/capacity_provider.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/sim_time.hpp"

namespace spotsim {

// §10.1: how managed scaling scales in once its low alarm fires.
enum class ScaleInMode : std::uint8_t {
  ratio,          // CP-5/CP-11a: desired = ceil(M × 100 / targetCapacity) (BLOG, WS-SPOT) — default
  one_per_alarm,  // CP-9/RM-1150: one instance per low-alarm trigger, ~1 per minute
};

// §10.2: scale-out step with several instance types or Availability Zones.
enum class MultiTypeStep : std::uint8_t {
  binpack,       // CP-7 (2023 guide): binpack on the largest type, min/max step applied — default
  minimum_step,  // CP-8 (API text 2022-10..2025-08): exactly minimumScalingStepSize
};

// autoScalingGroupProvider.managedScaling (§1.3).
struct ManagedScaling {
  bool enabled = false;            // status ENABLED
  int target_capacity = 100;       // 1-100
  int minimum_scaling_step = 1;    // 1-10000
  int maximum_scaling_step = 10000;  // 1-10000
  SimTime instance_warmup = seconds(300);  // 0-10000 s
};

struct CapacityProviderConfig {
  std::string name;
  std::size_t group = 0;  // index into WorldConfig::groups (autoScalingGroupArn / name)
  ManagedScaling scaling;
  bool managed_termination_protection = false;  // CP-12
  bool managed_draining = true;                 // CP-14 (also copied onto the group)
  ScaleInMode scale_in_mode = ScaleInMode::ratio;
  MultiTypeStep multi_type_step = MultiTypeStep::binpack;
};

// One capacityProviderStrategy item (CP-16, CP-17).
struct CapacityProviderStrategyItem {
  std::size_t provider = 0;  // index into WorldConfig::capacity_providers
  int base = 0;              // 0-100,000; at most one item of a strategy has a base
  int weight = 0;            // 0-1000; at least one item > 0
};

using CapacityProviderStrategy = std::vector<CapacityProviderStrategyItem>;

}  // namespace spotsim
