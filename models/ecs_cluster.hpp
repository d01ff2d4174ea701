#pragma once
// An ECS cluster's container instances: EC2 instances whose agent registered with the cluster
// (ECS_CLUSTER), with what they registered (cpu = vCPU × 1024, memory the agent reports less
// ECS_RESERVED_MEMORY; see container_instance_resources.hpp), what tasks reserve on them, and their
// status: ACTIVE, DRAINING (AG-5: no new tasks; the service scheduler replaces the tasks), or gone
// with the EC2 instance.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "models/ec2_instance.hpp"
#include "models/ecs_agent_config.hpp"
#include "models/ecs_service_config.hpp"
#include "models/placement.hpp"
#include "sim/chunked_vector.hpp"
#include "sim/optional_time.hpp"
#include "sim/random.hpp"

namespace spotsim {

enum class ContainerInstanceStatus : std::uint8_t { active, draining, deregistered };

// What the scheduler reads of the agent that registered an instance (its ECS_* variables and
// ECS_CLUSTER stay in the group's EcsAgentConfig: a record per instance ever registered is kept,
// hundreds of thousands a year, so it keeps only these).
struct ContainerAgent {
  ContainerAgent() = default;
  ContainerAgent(const EcsAgentConfig& a)  // implicit: registration assigns the group's agent config
      : container_stop_timeout(a.container_stop_timeout),
        reserved_memory_mib(a.reserved_memory_mib),
        spot_instance_draining(a.spot_instance_draining) {}
  SimTime container_stop_timeout = seconds(30);  // ECS_CONTAINER_STOP_TIMEOUT
  int reserved_memory_mib = 0;                   // ECS_RESERVED_MEMORY
  bool spot_instance_draining = false;           // ECS_ENABLE_SPOT_INSTANCE_DRAINING
};

// A task not yet STOPPED on a container instance: its service and its id in that service.
struct PlacedTask {
  std::uint32_t service = 0;
  std::uint32_t task = 0;
  friend bool operator==(PlacedTask, PlacedTask) = default;
};

struct ContainerInstance {
  InstanceId ec2;
  std::uint32_t group = 0;  // the Auto Scaling group of its EC2 instance (a capacity provider's)
  ContainerInstanceStatus status = ContainerInstanceStatus::active;
  int registered_cpu = 0;
  int registered_memory_mib = 0;
  int used_cpu = 0;
  int used_memory_mib = 0;
  std::vector<int> used_ports;  // static host ports reserved by tasks
  int tasks = 0;                // tasks placed and not yet STOPPED
  // Those tasks, in the order they were placed (so each service's ascending), kept by the services:
  // a drain or a termination finds a service's tasks on the instance here, not among all its tasks.
  std::vector<PlacedTask> placed;
  // Its attributes (ecs.availability-zone, ecs.instance-type, ecs.instance-lifecycle, instanceId,
  // ...): EcsCluster::attributes(ci) builds them the first time a placement asks — most placements
  // never do (the cluster's index), and a fleet year registers ~420,000 instances.
  std::uint32_t instance_type = 0;  // an index into EcsCluster's instance type names
  bool spot = false;
  // A cache, not the attributes: empty until EcsCluster::attributes(ci) fills it — read them there.
  mutable bool attributes_cache_built = false;
  mutable Attributes attributes_cache;
  std::uint32_t zone = 0;       // its ecs.availability-zone as an index into EcsCluster::zones()
  ContainerAgent agent;
  SimTime registered_at = 0;
  OptionalTime draining_since;

  bool present() const { return status != ContainerInstanceStatus::deregistered; }
  int remaining_cpu() const { return registered_cpu - used_cpu; }
  int remaining_memory_mib() const { return registered_memory_mib - used_memory_mib; }
};

class EcsCluster {
 public:
  EcsCluster(std::uint32_t index, EcsClusterConfig config) : index_(index), config_(std::move(config)) {}

  std::uint32_t index() const { return index_; }
  const std::string& name() const { return config_.name; }
  // Every container instance ever registered, by index (deregistered ones stay, with that status).
  const ChunkedVector<ContainerInstance>& instances() const { return instances_; }
  // The indexes of the instances not yet deregistered, ascending: what placement looks at. A year
  // of churn registers hundreds of thousands of instances, of which a few thousand are present.
  const std::vector<std::uint32_t>& present() const { return present_; }
  // The availability zones its instances have been in, in order of first registration.
  const std::vector<std::string>& zones() const { return zones_; }
  ContainerInstance& at(std::uint32_t ci) { return instances_[ci]; }
  const ContainerInstance& at(std::uint32_t ci) const { return instances_[ci]; }

  // The agent registers the instance (after boot + agent registration delay).
  std::uint32_t register_instance(const Ec2Instance& instance, const std::string& instance_type,
                                  const std::string& availability_zone, int vcpu, int physical_memory_mib,
                                  const EcsAgentConfig& agent, SimTime now);
  void set_draining(std::uint32_t ci, SimTime now);
  // at(ci).status == DRAINING, from a bit per instance: the service scheduler asks it for each of
  // its tasks at every look, and a 256-byte record per ask was most of that look's cost.
  bool draining(std::uint32_t ci) const { return ci < draining_.size() && draining_[ci]; }
  // at(ci).tasks > 0, from a bit per instance: managed scaling asks it of every instance each minute.
  bool has_tasks(std::uint32_t ci) const { return ci < has_tasks_.size() && has_tasks_[ci]; }
  // The EC2 instances whose container instance registered, or whose has_tasks() turned, since
  // clear_busy_changes() (repeats possible): managed scaling re-examines only these each minute.
  // Kept only once track_busy_changes(true) (else it would grow without a reader).
  void track_busy_changes(bool on) { track_busy_changes_ = on; }
  const std::vector<std::uint32_t>& busy_changes() const { return busy_changes_; }
  void clear_busy_changes() { busy_changes_.clear(); }
  // How many times an instance turned DRAINING: unchanged, no task anywhere started to sit on one.
  std::uint64_t drains() const { return drained_.size(); }
  // The instances in the order they turned DRAINING (each once: DRAINING never turns back): what a
  // service that saw the first k drains looks at, its tasks on drained()[k..], instead of all its tasks.
  const std::vector<std::uint32_t>& drained() const { return drained_; }
  void deregister(std::uint32_t ci);

  void reserve(std::uint32_t ci, int cpu, int memory_mib, const std::vector<int>& ports);
  void release(std::uint32_t ci, int cpu, int memory_mib, const std::vector<int>& ports);

  int registered_count() const { return registered_; }

  // Container instance `ci` as placement sees it: attributes and ports by pointer (valid while it
  // is registered), the service's task count left at 0 for the caller.
  PlacementCandidate placement_candidate(std::uint32_t ci) const;
  // Container instance ci's attributes (the cluster query language's, and spread's).
  const Attributes& attributes(std::uint32_t ci) const;

  // place_task over every present instance, answered from an index of the ACTIVE instances by AZ
  // and remaining CPU instead (ecs_cluster_placement.cpp): the same choice, the same failure, the
  // same draw, at a cost that does not grow with the fleet. `tasks_per_zone[z]`: the service's live
  // tasks in zones()[z] (spread counts them). nullopt: strategies or constraints the index does not
  // answer (it answers binpack on cpu, optionally with spread over ecs.availability-zone before or
  // after it, random anywhere, and no constraints): place_task over the candidates then.
  std::optional<PlacementResult> place_indexed(const TaskRequirements& task, const std::vector<PlacementStrategy>& strategies,
                                               const std::vector<PlacementConstraint>& constraints,
                                               const std::vector<int>& tasks_per_zone, RandomStream& rng) const;
  // Whether the index place_indexed answers from holds exactly the ACTIVE instances, each once, with
  // their remaining cpu and memory, in runs of equal cpu that are ascending and where they say (tests).
  bool index_consistent() const;

 private:
  void index_add(std::uint32_t ci);
  void index_remove(std::uint32_t ci);
  void index_rekey(std::uint32_t ci, int remaining_cpu_before);  // its remaining cpu or memory changed

  std::uint32_t index_;
  EcsClusterConfig config_;
  ChunkedVector<ContainerInstance> instances_;
  std::vector<std::uint32_t> present_;
  std::vector<std::string> zones_;
  std::vector<std::string> instance_types_;  // ContainerInstance::instance_type indexes it
  int registered_ = 0;
  // The ACTIVE instances per zone, ordered by remaining cpu (and by nothing else: entries of equal
  // cpu sit in any order), kept by every change of either. An entry carries the instance's
  // remaining memory too, so that a placement walks the index without reading the instances'
  // records (only those it must check for ports).
  //
  // Why equal cpu in any order: an entry that moves from cpu a to cpu b passes every entry between
  // them. Kept ordered by (cpu, index), all of those slid a step: 131 entries a move on average in
  // a 30-day fleet, ~5 % of a fleet year. A zone's entries fall into few runs of equal cpu (3.9 on
  // average, ~120 entries each, in that fleet: most instances are full, empty, or one task short),
  // so the index keeps where each run starts, and a run the entry passes gives up one entry, its
  // first or its last, to the place the moving entry leaves. `position_` says where every entry is,
  // so none is searched for. Placement needs index order only among its final choices, and picks
  // the k-th smallest index among them (ecs_cluster_placement.cpp): the same choice.
  struct CpuIndexEntry {
    int remaining_cpu = 0;
    std::uint32_t ci = 0;
    int remaining_memory_mib = 0;
  };
  struct CpuRun {
    int remaining_cpu = 0;
    std::uint32_t start = 0;  // the run is entries[start, the next run's start or the end)
  };
  struct CpuIndex {
    std::vector<CpuIndexEntry> entries;  // ordered by remaining cpu
    std::vector<CpuRun> runs;            // one per remaining cpu present, ascending; none empty
    std::size_t end_of(std::size_t r) const { return r + 1 < runs.size() ? runs[r + 1].start : entries.size(); }
    // The first run whose cpu is >= cpu (runs.size() if none). Binary: few runs as a rule, but
    // many task sizes on many instance types could make hundreds.
    std::size_t run_not_below(int cpu) const {
      return static_cast<std::size_t>(
          std::partition_point(runs.begin(), runs.end(), [cpu](const CpuRun& run) { return run.remaining_cpu < cpu; }) -
          runs.begin());
    }
    // The first entry whose cpu is >= cpu (entries.size() if none).
    std::size_t first_not_below(int cpu) const {
      const std::size_t r = run_not_below(cpu);
      return r < runs.size() ? runs[r].start : entries.size();
    }
  };
  // The entry `e` goes to its cpu's run from `at`, a place in run r's range (whose cpu is not e's).
  void index_move(CpuIndex& zone, std::size_t r, std::size_t at, const CpuIndexEntry& e);
  void put(CpuIndex& zone, std::size_t at, const CpuIndexEntry& entry) {
    zone.entries[at] = entry;
    position_[entry.ci] = static_cast<std::uint32_t>(at);
  }
  bool fits_beyond_cpu(const CpuIndexEntry& e, const TaskRequirements& task) const;
  std::vector<CpuIndex> active_by_cpu_;
  std::vector<std::uint32_t> position_;  // by instance index: its entry's place in its zone's index
  // place_indexed's scratch (per zone; the pool of equal choices), kept to allocate nothing per task.
  mutable std::vector<int> least_scratch_;
  mutable std::vector<std::size_t> zones_scratch_;
  mutable std::vector<std::uint32_t> pool_scratch_;
  std::size_t active_ = 0;
  std::vector<bool> draining_;  // by instance index
  std::vector<std::uint32_t> drained_;  // 4 bytes per instance drained: the records above take 256
  std::vector<bool> has_tasks_;  // by instance index
  void set_has_tasks(std::uint32_t ci, bool on);
  std::vector<std::uint32_t> busy_changes_;  // EC2 instance ids
  bool track_busy_changes_ = false;
};

}  // namespace spotsim
