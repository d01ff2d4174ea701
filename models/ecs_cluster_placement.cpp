// EcsCluster::place_indexed: place_task's choice (models/placement.cpp, aws-semantics.md §5.1)
// over the cluster's active instances kept ordered by AZ and remaining CPU, for the strategies
// whose choice that order decides. Building a candidate per present instance for every task was
// the largest cost of a large fleet's run outside the traffic model (a year at 2,000 instances
// places ~4 million tasks); here a placement looks at a handful of instances.
//
// Why the choice is place_task's, step by step (SCH-1):
// - Resources: an instance fits when its remaining cpu >= the task's, then memory, then its static
//   ports are free, each as place_task filters (DRAINING instances are not in the index, AG-5). The
//   instances of a zone that fit on cpu are the index's entries from the task's cpu upward; the first
//   of them that also fits on memory and ports has the least remaining cpu of the zone's fitting
//   ones. When no zone has one, the walk saw every cpu-fitting instance, so the failure is named
//   in place_task's order: cpu, memory, ports.
// - Strategies (SCH-2): binpack on cpu keeps the fitting instances with the least remaining cpu;
//   spread over ecs.availability-zone keeps those in the zones with the fewest of the service's
//   live tasks (place_task counts them over every present instance: the live tasks per zone, which
//   the service keeps). Either narrows zone by zone, in the service's order; once both have run,
//   a repeat of either changes nothing (every survivor has the same count and the same cpu), and
//   random narrows nothing.
// - The choice: a uniform draw among the survivors in index order, one draw, none on failure.
#include <algorithm>
#include <limits>

#include "models/ecs_cluster.hpp"

namespace spotsim {

namespace {

// The k-th smallest (from 0) of distinct values. A year's placements pick among ~10 on average, up
// to a few hundred: up to 64, the value with exactly k smaller ones, counted without a branch (the
// compiler vectorises the count; std::nth_element's partitions mispredicted about every other
// comparison); beyond, std::nth_element.
std::uint32_t kth_smallest(std::vector<std::uint32_t>& values, std::uint32_t k) {
  const std::size_t n = values.size();
  if (n <= 64) {
    const std::uint32_t* v = values.data();
    for (std::size_t i = 0;; ++i) {
      std::uint32_t smaller = 0;
      for (std::size_t j = 0; j < n; ++j) smaller += v[j] < v[i] ? 1u : 0u;
      if (smaller == k || i + 1 == n) return v[i];  // (the last: only if k >= n, which callers exclude)
    }
  }
  const auto kth = values.begin() + static_cast<std::ptrdiff_t>(k);
  std::nth_element(values.begin(), kth, values.end());
  return *kth;
}

}  // namespace

bool EcsCluster::fits_beyond_cpu(const CpuIndexEntry& e, const TaskRequirements& task) const {
  if (e.remaining_memory_mib < task.memory_mib) return false;
  if (task.static_ports.empty()) return true;  // most tasks: the instance's record stays unread
  const std::vector<int>& used = instances_[e.ci].used_ports;
  for (const int port : task.static_ports)
    if (std::find(used.begin(), used.end(), port) != used.end()) return false;
  return true;
}

std::optional<PlacementResult> EcsCluster::place_indexed(const TaskRequirements& task,
                                                         const std::vector<PlacementStrategy>& strategies,
                                                         const std::vector<PlacementConstraint>& constraints,
                                                         const std::vector<int>& tasks_per_zone, RandomStream& rng) const {
  if (!constraints.empty()) return std::nullopt;
  bool binpack = false, spread = false, spread_first = false;
  for (const PlacementStrategy& s : strategies) {
    switch (s.type) {
      case PlacementStrategyType::random:
        break;
      case PlacementStrategyType::binpack:
        if (s.field == "memory") return std::nullopt;
        binpack = binpack || s.field == "cpu";  // another field: place_task ignores it too
        break;
      case PlacementStrategyType::spread:
        if (s.field != "attribute:ecs.availability-zone" && s.field != "ecs.availability-zone") return std::nullopt;
        spread_first = spread_first || !binpack;
        spread = true;
        break;
    }
  }
  if (!binpack) return std::nullopt;  // the survivors could be a whole zone: no faster here

  if (active_ == 0) return PlacementResult{std::nullopt, PlacementFailure::no_instances};
  // Per zone, the least remaining cpu of an instance that fits the task (kNone: none fits).
  constexpr int kNone = std::numeric_limits<int>::min();
  std::vector<int>& least = least_scratch_;
  least.assign(active_by_cpu_.size(), kNone);
  bool any_cpu = false, any_memory = false;
  for (std::size_t z = 0; z < active_by_cpu_.size(); ++z) {
    const CpuIndex& zone = active_by_cpu_[z];
    for (auto it = zone.entries.begin() + static_cast<std::ptrdiff_t>(zone.first_not_below(task.cpu));
         it != zone.entries.end(); ++it) {
      any_cpu = true;
      if (it->remaining_memory_mib < task.memory_mib) continue;
      any_memory = true;
      if (!fits_beyond_cpu(*it, task)) continue;
      least[z] = it->remaining_cpu;
      break;
    }
  }
  std::vector<std::size_t>& zones = zones_scratch_;
  zones.clear();
  for (std::size_t z = 0; z < least.size(); ++z)
    if (least[z] != kNone) zones.push_back(z);
  if (zones.empty())
    return PlacementResult{std::nullopt, !any_cpu      ? PlacementFailure::cpu
                                         : !any_memory ? PlacementFailure::memory
                                                       : PlacementFailure::ports};

  const auto tasks_in = [&](std::size_t z) { return z < tasks_per_zone.size() ? tasks_per_zone[z] : 0; };
  const auto keep_fewest_tasks = [&] {
    int fewest = tasks_in(zones.front());
    for (std::size_t z : zones) fewest = std::min(fewest, tasks_in(z));
    std::erase_if(zones, [&](std::size_t z) { return tasks_in(z) != fewest; });
  };
  if (spread && spread_first) keep_fewest_tasks();
  int cpu = least[zones.front()];
  for (std::size_t z : zones) cpu = std::min(cpu, least[z]);
  std::erase_if(zones, [&](std::size_t z) { return least[z] != cpu; });
  if (spread && !spread_first) keep_fewest_tasks();

  // The survivors, and the pick among them in index order: entries of one cpu sit in any order in
  // the index, so the pick-th smallest index is found among them.
  std::vector<std::uint32_t>& pool = pool_scratch_;
  pool.clear();
  for (std::size_t z : zones) {
    const CpuIndex& zone = active_by_cpu_[z];
    const std::size_t r = zone.run_not_below(cpu);  // (its cpu is `cpu`: an entry has it)
    for (std::size_t i = zone.runs[r].start, end = zone.end_of(r); i < end; ++i)
      if (fits_beyond_cpu(zone.entries[i], task)) pool.push_back(zone.entries[i].ci);
  }
  return PlacementResult{kth_smallest(pool, rng.below(static_cast<std::uint32_t>(pool.size()))), PlacementFailure::none};
}

}  // namespace spotsim
