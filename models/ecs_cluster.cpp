#include "models/ecs_cluster.hpp"

#include <algorithm>
#include <limits>

#include "models/container_instance_resources.hpp"

namespace spotsim {

std::uint32_t EcsCluster::register_instance(const Ec2Instance& instance, const std::string& instance_type,
                                            const std::string& availability_zone, int vcpu, int physical_memory_mib,
                                            const EcsAgentConfig& agent, SimTime now) {
  ContainerInstance ci;
  ci.ec2 = instance.id;
  ci.group = instance.group;
  ci.registered_cpu = vcpu * 1024;
  ci.registered_memory_mib = registrable_memory_mib(instance_type, physical_memory_mib, agent.reserved_memory_mib);
  ci.agent = agent;
  ci.registered_at = now;
  const auto zone = std::find(zones_.begin(), zones_.end(), availability_zone);
  ci.zone = static_cast<std::uint32_t>(zone - zones_.begin());
  if (zone == zones_.end()) zones_.push_back(availability_zone);
  const auto type = std::find(instance_types_.begin(), instance_types_.end(), instance_type);
  ci.instance_type = static_cast<std::uint32_t>(type - instance_types_.begin());
  if (type == instance_types_.end()) instance_types_.push_back(instance_type);
  ci.spot = instance.option == PurchaseOption::spot;
  ci.placed.reserve(8);  // one allocation for the tasks an instance usually holds, not one per doubling
  instances_.push_back(std::move(ci));
  ++registered_;
  const auto index = static_cast<std::uint32_t>(instances_.size() - 1);
  present_.push_back(index);  // the largest index yet: present_ stays sorted
  index_add(index);
  if (track_busy_changes_) busy_changes_.push_back(instance.id.value);
  return index;
}

void EcsCluster::set_has_tasks(std::uint32_t ci, bool on) {
  if (has_tasks_.size() <= ci) has_tasks_.resize(ci + 1, false);
  if (has_tasks_[ci] == on) return;
  has_tasks_[ci] = on;
  if (track_busy_changes_) busy_changes_.push_back(instances_[ci].ec2.value);
}

void EcsCluster::set_draining(std::uint32_t ci, SimTime now) {
  ContainerInstance& c = instances_[ci];
  if (c.status != ContainerInstanceStatus::active) return;
  index_remove(ci);
  c.status = ContainerInstanceStatus::draining;
  if (draining_.size() <= ci) draining_.resize(ci + 1, false);
  draining_[ci] = true;
  drained_.push_back(ci);
  c.draining_since = now;
}

void EcsCluster::deregister(std::uint32_t ci) {
  ContainerInstance& c = instances_[ci];
  if (!c.present()) return;
  if (c.status == ContainerInstanceStatus::active) index_remove(ci);
  c.status = ContainerInstanceStatus::deregistered;
  if (ci < draining_.size()) draining_[ci] = false;
  --registered_;
  // Nothing reads a deregistered instance's attributes or ports (its tasks stopped before): a
  // year of churn keeps hundreds of thousands of these records, so they give their memory back.
  Attributes().swap(c.attributes_cache);
  c.attributes_cache_built = true;  // (empty from now on)
  std::vector<int>().swap(c.used_ports);
  std::vector<PlacedTask>().swap(c.placed);
  present_.erase(std::lower_bound(present_.begin(), present_.end(), ci));
}

void EcsCluster::reserve(std::uint32_t ci, int cpu, int memory_mib, const std::vector<int>& ports) {
  ContainerInstance& c = instances_[ci];
  const int cpu_before = c.remaining_cpu();
  c.used_cpu += cpu;
  c.used_memory_mib += memory_mib;
  c.used_ports.insert(c.used_ports.end(), ports.begin(), ports.end());
  ++c.tasks;
  set_has_tasks(ci, c.tasks > 0);
  if (c.status == ContainerInstanceStatus::active) index_rekey(ci, cpu_before);
}

void EcsCluster::release(std::uint32_t ci, int cpu, int memory_mib, const std::vector<int>& ports) {
  ContainerInstance& c = instances_[ci];
  const int cpu_before = c.remaining_cpu();
  c.used_cpu -= cpu;
  c.used_memory_mib -= memory_mib;
  for (int port : ports)
    if (auto it = std::find(c.used_ports.begin(), c.used_ports.end(), port); it != c.used_ports.end())
      c.used_ports.erase(it);
  --c.tasks;
  set_has_tasks(ci, c.tasks > 0);
  if (c.status == ContainerInstanceStatus::active) index_rekey(ci, cpu_before);
}

void EcsCluster::index_add(std::uint32_t ci) {
  const ContainerInstance& c = instances_[ci];
  if (active_by_cpu_.size() <= c.zone) active_by_cpu_.resize(c.zone + 1);
  if (position_.size() <= ci) position_.resize(ci + 1);
  CpuIndex& zone = active_by_cpu_[c.zone];
  const CpuIndexEntry entry{c.remaining_cpu(), ci, c.remaining_memory_mib()};
  const std::size_t at = zone.entries.size();  // a new place at the end: in the last run's range
  zone.entries.emplace_back();
  if (zone.runs.empty()) zone.runs.push_back({entry.remaining_cpu, 0});
  if (zone.runs.back().remaining_cpu == entry.remaining_cpu)
    put(zone, at, entry);
  else
    index_move(zone, zone.runs.size() - 1, at, entry);
  ++active_;
}

void EcsCluster::index_move(CpuIndex& zone, std::size_t r, std::size_t at, const CpuIndexEntry& e) {
  std::vector<CpuRun>& runs = zone.runs;
  const auto erase_run = [&](std::size_t k) { runs.erase(runs.begin() + static_cast<std::ptrdiff_t>(k)); };
  const auto insert_run = [&](std::size_t k, std::size_t start) {
    runs.insert(runs.begin() + static_cast<std::ptrdiff_t>(k), CpuRun{e.remaining_cpu, static_cast<std::uint32_t>(start)});
  };
  if (e.remaining_cpu < runs[r].remaining_cpu) {
    // Down: run r's first entry takes the place, and run r starts one later; the place it left is
    // then the last of run r - 1's range.
    for (;;) {
      const std::size_t first = runs[r].start;
      if (at != first) put(zone, at, zone.entries[first]);
      at = first;
      ++runs[r].start;
      if (runs[r].start == zone.end_of(r)) erase_run(r);
      if (r == 0 || runs[r - 1].remaining_cpu < e.remaining_cpu) {
        insert_run(r, at);  // no run of e's cpu yet: a new one, here
        break;
      }
      if (runs[r - 1].remaining_cpu == e.remaining_cpu) break;
      --r;
    }
  } else {
    // Up: run r's last entry takes the place, and run r ends one earlier; the place it left is then
    // the first of what follows.
    for (;;) {
      const std::size_t last = zone.end_of(r) - 1;
      if (at != last) put(zone, at, zone.entries[last]);
      at = last;
      const bool emptied = runs[r].start == last;
      if (r + 1 == runs.size() || runs[r + 1].remaining_cpu > e.remaining_cpu) {
        if (emptied)
          runs[r] = CpuRun{e.remaining_cpu, static_cast<std::uint32_t>(last)};
        else
          insert_run(r + 1, last);  // no run of e's cpu yet: a new one, here
        break;
      }
      runs[r + 1].start = static_cast<std::uint32_t>(last);
      if (emptied)
        erase_run(r);
      else
        ++r;
      if (runs[r].remaining_cpu == e.remaining_cpu) break;
    }
  }
  put(zone, at, e);
}

void EcsCluster::index_rekey(std::uint32_t ci, int remaining_cpu_before) {
  const ContainerInstance& c = instances_[ci];
  CpuIndex& zone = active_by_cpu_[c.zone];
  const CpuIndexEntry entry{c.remaining_cpu(), ci, c.remaining_memory_mib()};
  if (entry.remaining_cpu == remaining_cpu_before)
    put(zone, position_[ci], entry);
  else
    index_move(zone, zone.run_not_below(remaining_cpu_before), position_[ci], entry);
}

void EcsCluster::index_remove(std::uint32_t ci) {
  const ContainerInstance& c = instances_[ci];
  CpuIndex& zone = active_by_cpu_[c.zone];
  // Up past every run to the end, in a run of its own there; then both go.
  CpuIndexEntry entry = zone.entries[position_[ci]];
  entry.remaining_cpu = std::numeric_limits<int>::max();
  index_move(zone, zone.run_not_below(c.remaining_cpu()), position_[ci], entry);
  zone.entries.pop_back();
  zone.runs.pop_back();
  --active_;
}

bool EcsCluster::index_consistent() const {
  std::size_t indexed = 0;
  for (std::size_t z = 0; z < active_by_cpu_.size(); ++z) {
    const CpuIndex& zone = active_by_cpu_[z];
    if (!zone.entries.empty() && (zone.runs.empty() || zone.runs.front().start != 0)) return false;
    for (std::size_t r = 0; r < zone.runs.size(); ++r) {
      if (r > 0 && zone.runs[r - 1].remaining_cpu >= zone.runs[r].remaining_cpu) return false;
      if (zone.runs[r].start >= zone.end_of(r)) return false;  // empty, or ends before it starts
      for (std::size_t i = zone.runs[r].start; i < zone.end_of(r); ++i) {
        const CpuIndexEntry& e = zone.entries[i];
        const ContainerInstance& c = instances_[e.ci];
        if (e.remaining_cpu != zone.runs[r].remaining_cpu || e.remaining_cpu != c.remaining_cpu() ||
            e.remaining_memory_mib != c.remaining_memory_mib() || c.zone != z ||
            c.status != ContainerInstanceStatus::active || position_[e.ci] != i)
          return false;
      }
    }
    indexed += zone.entries.size();
  }
  std::size_t active = 0;
  for (const std::uint32_t ci : present_) active += instances_[ci].status == ContainerInstanceStatus::active ? 1 : 0;
  return indexed == active && active == active_;  // (each entry's position is its own: none twice)
}

const Attributes& EcsCluster::attributes(std::uint32_t ci) const {
  const ContainerInstance& c = instances_[ci];
  if (!c.attributes_cache_built) {
    c.attributes_cache_built = true;
    c.attributes_cache["ecs.availability-zone"] = zones_[c.zone];
    c.attributes_cache["ecs.instance-type"] = instance_types_[c.instance_type];
    c.attributes_cache["ecs.os-type"] = "linux";
    c.attributes_cache["ecs.instance-lifecycle"] = c.spot ? "spot" : "on-demand";
    c.attributes_cache["instanceId"] = "i-" + std::to_string(c.ec2.value);
    c.attributes_cache["host"] = c.attributes_cache["instanceId"];
  }
  return c.attributes_cache;
}

PlacementCandidate EcsCluster::placement_candidate(std::uint32_t ci) const {
  const ContainerInstance& c = at(ci);
  PlacementCandidate cand;
  cand.id = ci;
  cand.active = c.status == ContainerInstanceStatus::active;
  cand.remaining_cpu = c.remaining_cpu();
  cand.remaining_memory_mib = c.remaining_memory_mib();
  cand.used_ports = &c.used_ports;
  cand.attributes = &attributes(ci);
  cand.zone = static_cast<std::int32_t>(c.zone);
  return cand;
}

}  // namespace spotsim
