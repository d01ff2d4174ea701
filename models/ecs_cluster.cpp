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
  zone.emplace_back();  // a hole at the end
  put(zone, move_hole(zone, zone.size() - 1, entry.remaining_cpu), entry);
  ++active_;
}

template <bool kAbove>
std::size_t EcsCluster::first_cpu(const CpuIndex& zone, std::size_t first, std::size_t last, int cpu) {
  const auto before = [cpu](int remaining) { return kAbove ? remaining <= cpu : remaining < cpu; };
  std::size_t n = last - first;
  if (n == 0) return first;
  // The answer lies in [first, first + n]; each step keeps a part that still holds it.
  while (n > 1) {
    const std::size_t half = n / 2;
    first = before(zone[first + half].remaining_cpu) ? first + half : first;
    n -= half;
  }
  return first + (before(zone[first].remaining_cpu) ? 1 : 0);
}
template std::size_t EcsCluster::first_cpu<false>(const CpuIndex&, std::size_t, std::size_t, int);

std::size_t EcsCluster::move_hole(CpuIndex& zone, std::size_t hole, int cpu) {
  // Down: the run just below the hole has more cpu; its first entry moves up into the hole.
  while (hole > 0 && zone[hole - 1].remaining_cpu > cpu) {
    const std::size_t first = first_cpu<false>(zone, 0, hole - 1, zone[hole - 1].remaining_cpu);
    put(zone, hole, zone[first]);
    hole = first;
  }
  // Up: the run just above the hole has less cpu; its last entry moves down into the hole.
  while (hole + 1 < zone.size() && zone[hole + 1].remaining_cpu < cpu) {
    const std::size_t last = first_cpu<true>(zone, hole + 2, zone.size(), zone[hole + 1].remaining_cpu) - 1;
    put(zone, hole, zone[last]);
    hole = last;
  }
  return hole;
}

void EcsCluster::index_rekey(std::uint32_t ci, int remaining_cpu_before) {
  const ContainerInstance& c = instances_[ci];
  CpuIndex& zone = active_by_cpu_[c.zone];
  const CpuIndexEntry entry{c.remaining_cpu(), ci, c.remaining_memory_mib()};
  std::size_t at = position_[ci];
  if (entry.remaining_cpu != remaining_cpu_before) at = move_hole(zone, at, entry.remaining_cpu);
  put(zone, at, entry);
}

void EcsCluster::index_remove(std::uint32_t ci) {
  const ContainerInstance& c = instances_[ci];
  CpuIndex& zone = active_by_cpu_[c.zone];
  // The hole goes up past every run to the end, which then goes.
  const std::size_t end = move_hole(zone, position_[ci], std::numeric_limits<int>::max());
  zone.erase(zone.begin() + static_cast<std::ptrdiff_t>(end));
  --active_;
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
