#pragma once
// ECS task placement (aws-semantics.md §5.1): instances that have the task's cpu, memory and ports
// first, then the binding constraints, then the strategies in list order, each breaking the ties
// the earlier ones left (SCH-1, SCH-2, SCH-4), then a random choice among what remains.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/random.hpp"

namespace spotsim {

enum class PlacementStrategyType : std::uint8_t { spread, binpack, random };
struct PlacementStrategy {
  PlacementStrategyType type = PlacementStrategyType::spread;
  // spread: "instanceId" (or "host") or "attribute:<name>"; binpack: "cpu" or "memory".
  std::string field;
};

enum class PlacementConstraintType : std::uint8_t { distinct_instance, member_of };
struct PlacementConstraint {
  PlacementConstraintType type = PlacementConstraintType::distinct_instance;
  std::string expression;  // memberOf: the cluster query language
};

// Attributes a container instance has for the cluster query language and spread:
// "ecs.availability-zone", "ecs.instance-type", "ecs.os-type" ("linux"), "ecs.ami-id",
// "ecs.instance-lifecycle" ("spot" | "on-demand", spotsim's name for the EC2 instance-life-cycle
// metadata), plus custom ones from ECS_INSTANCE_ATTRIBUTES; and "instanceId" / "host".
using Attributes = std::map<std::string, std::string>;

// A compiled memberOf expression (ECS cluster query language: attribute:name ==, !=, =~ (a Java-style
// regular expression over the whole value, common subset), in [a, b], not in [..], exists, !exists, and, or, not(...), parentheses;
// "ec2InstanceId" and "runningTasksCount" are not supported).
class ClusterQuery {
 public:
  // nullopt and *error set when the expression does not parse.
  static std::optional<ClusterQuery> parse(const std::string& expression, std::string* error);
  bool matches(const Attributes& attributes) const;
  struct Node;

 private:
  std::shared_ptr<const Node> root_;
};

// One container instance as placement sees it.
struct PlacementCandidate {
  std::uint32_t id = 0;  // the caller's container-instance index
  bool active = true;    // false: DRAINING — never chosen (AG-5), but its tasks still count for spread
  int remaining_cpu = 0;
  int remaining_memory_mib = 0;
  // The instance's static host ports in use and its attributes (including "instanceId"), by
  // pointer: the caller owns them, and a placement over 2,000 instances copies none of them.
  const std::vector<int>* used_ports = nullptr;  // nullptr: none
  int tasks_of_group = 0;                        // tasks of the same service (or task group) on it
  const Attributes* attributes = nullptr;        // nullptr: none
  // Its ecs.availability-zone as a small index, one-to-one with the attribute's value over the
  // candidates of one placement (-1: not given). When every candidate has one, spread over the AZ
  // counts by index instead of by text: the same choice, without a string lookup per candidate.
  std::int32_t zone = -1;
};

struct TaskRequirements {
  int cpu = 0;
  int memory_mib = 0;
  std::vector<int> static_ports;
};

enum class PlacementFailure : std::uint8_t { none, cpu, memory, ports, constraint, no_instances };
const char* to_string(PlacementFailure f);

struct PlacementResult {
  std::optional<std::uint32_t> chosen;  // candidate id
  PlacementFailure failure = PlacementFailure::none;  // the filter that left no instance (SCH-1 order)
};

// Places one task. `constraints` must have been validated (memberOf expressions parse).
PlacementResult place_task(const std::vector<PlacementCandidate>& candidates, const TaskRequirements& task,
                           const std::vector<PlacementStrategy>& strategies,
                           const std::vector<PlacementConstraint>& constraints, RandomStream& rng);

}  // namespace spotsim
