#include "models/capacity_provider.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>

#include "models/container_instance_resources.hpp"

namespace spotsim {

double capacity_provider_reservation(int m, int n) {
  if (n == 0) return m > 0 ? 200.0 : 100.0;  // CP-6
  return 100.0 * static_cast<double>(m) / static_cast<double>(n);  // CP-5
}

// ---- CP-7 ----------------------------------------------------------------------------------------

std::optional<InstanceShape> instance_shape(const InstanceTypeInfo& type, int reserved_memory_mib) {
  const auto r = registrable_resources(type, reserved_memory_mib);
  if (!r) return std::nullopt;
  return InstanceShape{r->cpu, r->memory_mib};
}

ShapeBounds shape_bounds(const std::vector<InstanceShape>& shapes) {
  if (shapes.empty()) throw std::logic_error("shape_bounds: a group has at least one instance type");
  ShapeBounds b{shapes.front(), shapes.front()};
  for (const auto& s : shapes) {
    b.largest.cpu_units = std::max(b.largest.cpu_units, s.cpu_units);
    b.largest.memory_mib = std::max(b.largest.memory_mib, s.memory_mib);
    b.smallest.cpu_units = std::min(b.smallest.cpu_units, s.cpu_units);
    b.smallest.memory_mib = std::min(b.smallest.memory_mib, s.memory_mib);
  }
  return b;
}

namespace {

using Count = std::int64_t;
constexpr Count kUnbounded = std::numeric_limits<Count>::max();

struct Group {
  int cpu = 0;
  int memory_mib = 0;
  std::vector<int> ports;  // sorted
  Count count = 0;
};

struct Bin {
  Count cpu = 0;
  Count memory_mib = 0;
  std::vector<int> ports;
};

bool fits_empty(const Group& g, const InstanceShape& s) { return g.cpu <= s.cpu_units && g.memory_mib <= s.memory_mib; }

// How many more tasks of `g` the bin takes (kUnbounded: a task that uses nothing it counts).
Count room_for(const Bin& b, const Group& g) {
  for (const int port : g.ports)
    if (std::find(b.ports.begin(), b.ports.end(), port) != b.ports.end()) return 0;
  Count k = kUnbounded;
  if (g.cpu > 0) k = std::min(k, b.cpu / g.cpu);
  if (g.memory_mib > 0) k = std::min(k, b.memory_mib / g.memory_mib);
  if (!g.ports.empty()) k = std::min<Count>(k, 1);  // a host port binds once per instance
  return k;
}

void put(Bin& b, const Group& g, Count k) {
  if (k == 0) return;
  b.cpu -= k * g.cpu;
  b.memory_mib -= k * g.memory_mib;
  b.ports.insert(b.ports.end(), g.ports.begin(), g.ports.end());
}

// CP-7 step 2: one group per identical requirement, in order of first appearance.
std::vector<Group> group_by_requirements(const std::vector<TaskNeed>& tasks) {
  std::vector<Group> groups;
  for (const auto& t : tasks) {
    if (t.count <= 0) continue;
    Group g{t.cpu, t.memory_mib, t.static_ports, t.count};
    std::sort(g.ports.begin(), g.ports.end());
    const auto same = std::find_if(groups.begin(), groups.end(), [&](const Group& o) {
      return o.cpu == g.cpu && o.memory_mib == g.memory_mib && o.ports == g.ports;
    });
    if (same != groups.end())
      same->count += g.count;
    else
      groups.push_back(std::move(g));
  }
  return groups;
}

}  // namespace

InstancesNeeded instances_needed_for(const std::vector<TaskNeed>& provisioning, const InstanceShape& largest,
                                     const InstanceShape& smallest) {
  Count compatible = 0;
  Count excluded = 0;
  std::vector<Group> groups;
  for (auto& g : group_by_requirements(provisioning)) {
    // CP-7 step 4's guard. A task that fits the smallest fits the largest (shape_bounds); checking
    // both keeps the packing below finite for bounds built another way.
    if (fits_empty(g, smallest) && fits_empty(g, largest)) {
      compatible += g.count;
      groups.push_back(std::move(g));
    } else {
      excluded += g.count;
    }
  }

  // First fit decreasing by dominant share of `largest`, compared exactly: cpu/L.cpu vs
  // memory/L.memory scaled by L.cpu × L.memory.
  const Count lc = largest.cpu_units;
  const Count lm = largest.memory_mib;
  const auto shares = [&](const Group& g) {
    const Count c = g.cpu * lm;
    const Count m = g.memory_mib * lc;
    return std::pair{std::max(c, m), std::min(c, m)};
  };
  std::stable_sort(groups.begin(), groups.end(), [&](const Group& a, const Group& b) {
    const auto sa = shares(a);
    const auto sb = shares(b);
    if (sa != sb) return sa > sb;
    return a.ports.size() > b.ports.size();
  });

  // Identical tasks go first-fit as a block: an instance that cannot take one more task of a group
  // cannot take the next, so filling each open instance in turn is first fit task by task.
  std::vector<Bin> bins;
  const Bin fresh{lc, lm, {}};
  for (const auto& g : groups) {
    Count left = g.count;
    for (auto& b : bins) {
      if (left == 0) break;
      const Count k = std::min(left, room_for(b, g));
      put(b, g, k);
      left -= k;
    }
    if (left == 0) continue;
    const Count per_instance = room_for(fresh, g);  // >= 1: the group fits `largest`
    while (left > 0) {
      Bin b = fresh;
      const Count k = std::min(left, per_instance);
      put(b, g, k);
      left -= k;
      bins.push_back(std::move(b));
    }
  }

  InstancesNeeded out;
  out.instances = static_cast<int>(bins.size());
  out.compatible_tasks = static_cast<int>(compatible);
  out.excluded_tasks = static_cast<int>(excluded);
  return out;
}

// ---- CP-11 ---------------------------------------------------------------------------------------

ManagedScalingPolicy::ManagedScalingPolicy(const CapacityProviderConfig& config)
    : scaling_(config.scaling), scale_in_mode_(config.scale_in_mode), multi_type_step_(config.multi_type_step) {}

namespace {

Count ceil_div(Count a, Count b) { return (a + b - 1) / b; }  // a >= 0, b > 0

int clamp_to_group(Count desired, const ManagedScalingInput& in) {
  return static_cast<int>(std::clamp<Count>(desired, in.min_size, std::max(in.min_size, in.max_size)));
}

}  // namespace

std::optional<int> ManagedScalingPolicy::on_datapoint(SimTime now, const ManagedScalingInput& in) {
  const Count target = scaling_.target_capacity;
  const Count n = in.running_instances;

  // This datapoint's CapacityProviderReservation as the exact fraction num / den.
  Count num = 100;
  Count den = 1;
  if (in.provisioning.stop()) {
    num = target;  // CP-7 step 4: scaling stops (see the header for 100 vs targetCapacity)
  } else {
    Count m = in.busy_instances;  // CP-9
    if (in.provisioning.instances > 0) {
      // CP-7 step 5, CP-8 (§10.2).
      const Count needed = in.provisioning.instances;
      const Count min_step = scaling_.minimum_scaling_step;
      const Count max_step = scaling_.maximum_scaling_step;
      Count add = needed < min_step ? min_step : std::min(max_step, needed);
      if (in.several_types_or_azs) {
        switch (multi_type_step_) {
          case MultiTypeStep::binpack: break;
          case MultiTypeStep::minimum_step: add = min_step; break;
        }
      }
      m = n + add;
    }
    if (n == 0) {
      num = m > 0 ? 200 : 100;  // CP-6
    } else {
      num = 100 * m;  // CP-5
      den = n;
    }
  }
  last_reservation_ = static_cast<double>(num) / static_cast<double>(den);
  const bool above = num > target * den;
  const bool below = num < target * den;

  // The low alarm: 15 consecutive one-minute datapoints below target (CP-11); a datapoint at or
  // above it — a scale-out need among them (CP-10) — or a missing minute starts the count over.
  if (last_datapoint_ && now - *last_datapoint_ > kPeriod) low_datapoints_ = 0;
  last_datapoint_ = now;
  low_datapoints_ = below ? std::min(low_datapoints_ + 1, kLowAlarmDatapoints) : 0;

  // CP-11a: ceil(N_eff × CPR / targetCapacity), N_eff = max(N, 1); for N > 0, ceil(M × 100 / target).
  const Count tracked = ceil_div(std::max<Count>(n, 1) * num, den * target);

  if (above) {  // the high alarm, 1 of 1 datapoint (CP-11)
    if (in.newest_launch && now - *in.newest_launch < scaling_.instance_warmup) return std::nullopt;  // §1.3
    const int desired = clamp_to_group(tracked, in);
    if (desired > in.desired) return desired;
    return std::nullopt;
  }
  if (below && low_datapoints_ >= kLowAlarmDatapoints) {  // the low alarm, 15 of 15 (CP-11)
    Count goal = tracked;
    switch (scale_in_mode_) {
      case ScaleInMode::ratio: break;
      case ScaleInMode::one_per_alarm: goal = std::max<Count>(tracked, Count{in.desired} - 1); break;
    }
    const int desired = clamp_to_group(goal, in);
    if (desired < in.desired) return desired;
  }
  return std::nullopt;
}

// ---- CP-16, CP-17 --------------------------------------------------------------------------------

std::size_t provider_for_next_task(const CapacityProviderStrategy& s, const std::vector<int>& current_counts) {
  if (s.empty()) throw std::logic_error("provider_for_next_task: empty capacity provider strategy");
  if (current_counts.size() != s.size())
    throw std::logic_error("provider_for_next_task: " + std::to_string(current_counts.size()) + " counts for " +
                           std::to_string(s.size()) + " strategy items");
  for (std::size_t i = 0; i < s.size(); ++i)
    if (current_counts[i] < s[i].base) return i;  // CP-16: bases first

  const bool any_weight = std::any_of(s.begin(), s.end(), [](const CapacityProviderStrategyItem& it) {
    return it.weight > 0;
  });
  // Sainte-Laguë: the largest w / (2e + 1), e = tasks beyond base; compared as w_i (2e_j + 1) vs
  // w_j (2e_i + 1) so no division rounds. Strictly larger wins: ties keep the earlier item.
  std::optional<std::size_t> best;
  Count best_w = 0;
  Count best_d = 1;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const Count w = any_weight ? s[i].weight : 1;
    if (w <= 0) continue;  // CP-17: weight 0 runs nothing beyond its base
    const Count d = 2 * Count{std::max(0, current_counts[i] - s[i].base)} + 1;
    if (!best || w * best_d > best_w * d) {
      best = i;
      best_w = w;
      best_d = d;
    }
  }
  return *best;  // some item has a positive (or the default 1) weight
}

std::vector<int> split_by_strategy(const CapacityProviderStrategy& s, int tasks) {
  if (s.empty()) throw std::logic_error("split_by_strategy: empty capacity provider strategy");
  std::vector<int> counts(s.size(), 0);
  // The bases in one step (what provider_for_next_task does task by task), then the weights.
  int left = std::max(tasks, 0);
  for (std::size_t i = 0; i < s.size() && left > 0; ++i) {
    const int k = std::min(left, std::max(s[i].base, 0));
    counts[i] = k;
    left -= k;
  }
  for (; left > 0; --left) ++counts[provider_for_next_task(s, counts)];
  return counts;
}

}  // namespace spotsim
