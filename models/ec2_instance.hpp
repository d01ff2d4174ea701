#pragma once
// EC2 instances and the fleet table that owns them. An instance lives
//   pending --(pendingTime)--> running --(bootTime)--> booted (in service) --> terminated
// Billing starts when it enters running (aws-semantics.md SP-5); the ASG counts it towards desired
// from launch; it passes the group's EC2 health check once booted.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/chunked_vector.hpp"
#include "sim/engine.hpp"
#include "sim/optional_time.hpp"
#include "sim/sim_time.hpp"

namespace spotsim {

class EventLog;

struct InstanceId {
  std::uint32_t value = 0;
  friend bool operator==(InstanceId, InstanceId) = default;
  friend auto operator<=>(InstanceId, InstanceId) = default;
};

enum class PurchaseOption : std::uint8_t { on_demand, spot };
enum class InstanceState : std::uint8_t { pending, running, terminated };

enum class TerminationCause : std::uint8_t {
  none,
  scale_in,             // the group's desired capacity dropped
  spot_interruption,    // EC2 reclaimed it after the notice (billing: free in the first hour, SP-6)
  capacity_rebalance,   // replaced early after a rebalance recommendation (ASG-22)
  unhealthy,            // failed a health check and was replaced (ASG-27)
  instance_refresh,     // replaced by an instance refresh (ASG-15: terminate-and-launch)
  simulation_end,       // still running when the run ended (not a termination; billed to the end)
};
const char* to_string(TerminationCause c);

struct Ec2Config {
  // Defaults follow practitioner boot benchmarks (design.md "Observed behaviour"): pending ->
  // running about 16-18 s; a usable OS 23-26 s after launch; the ECS agent registered about 40 s
  // after launch (amazon-ecs-agent issue 2309).
  SimTime pending_time = seconds(17);       // launch -> running
  SimTime boot_time = seconds(25);          // launch -> OS usable ("ec2.bootTime")
  SimTime agent_registration = seconds(15);  // booted -> registered with ECS ("ec2.agentRegistration")
  // How long a group waits before retrying launches that failed in every pool. AWS documents no
  // figure; Auto Scaling retries failed launch activities after a few minutes at most. Tunable.
  SimTime launch_retry = seconds(60);
};

struct Ec2Instance {
  InstanceId id;
  std::uint32_t group = 0;  // index of the owning Auto Scaling group
  std::uint32_t pool = 0;   // index of the (type, AZ) pool in the spot market's pool table
  PurchaseOption option = PurchaseOption::on_demand;
  InstanceState state = InstanceState::pending;
  std::uint32_t generation = 0;  // bumped on termination: stale events for it are skipped
  int launch_template_version = 1;
  bool protected_from_scale_in = false;
  bool booted = false;
  double spot_max_price = 0;  // USD/h; EC2 interrupts when the spot price rises above it (model "price")
  SimTime launched = 0;
  OptionalTime running_since;
  OptionalTime notice_at;      // interruption notice received
  OptionalTime rebalance_at;   // rebalance recommendation received
  OptionalTime terminating_at;  // termination decided (instance_terminate scheduled)
  OptionalTime termination_held_since;  // termination decided, held by a lifecycle hook (draining)
  OptionalTime terminated_at;
  TerminationCause cause = TerminationCause::none;
  // Capacity Rebalancing: the instance this one was launched to replace, and vice versa.
  std::optional<InstanceId> replaces;
  std::optional<InstanceId> replaced_by;

  bool alive() const { return state != InstanceState::terminated; }
  // Counts towards the group's capacity: alive, not condemned.
  bool active() const { return alive() && !terminating_at && !termination_held_since; }
};

class Ec2Fleet {
 public:
  explicit Ec2Fleet(const Ec2Config& config) : config_(config) {}

  const Ec2Config& config() const { return config_; }
  // The event log hears every lifecycle change (models/event_log.hpp); nullptr: none.
  void set_event_log(EventLog* log) { log_ = log; }
  // Every instance ever launched, by id (terminated ones stay: billing reads them at the end).
  const ChunkedVector<Ec2Instance>& instances() const { return instances_; }
  Ec2Instance& at(InstanceId id) { return instances_[id.value]; }
  const Ec2Instance& at(InstanceId id) const { return instances_[id.value]; }

  // Creates a pending instance and schedules its running and booted events.
  InstanceId launch(Engine& engine, std::uint32_t group, std::uint32_t pool, PurchaseOption option,
                    int launch_template_version, bool protect, double spot_max_price);
  // Decides a termination at `when` (>= now) for `cause`; the instance stops counting towards
  // capacity at once and is terminated by its instance_terminate event. A later, earlier or
  // repeated decision keeps the earliest. `hook_timeout`: the cap of a termination held by a
  // lifecycle hook (ASG-30), not a decision: the event log is not told (the instance stays in
  // Terminating:Wait until released or the cap passes).
  void schedule_termination(Engine& engine, InstanceId id, SimTime when, TerminationCause cause,
                            bool hook_timeout = false);
  // Decides a termination that waits for a termination lifecycle hook (ECS managed draining): the
  // instance stops counting at once; whoever holds the hook calls schedule_termination later.
  void hold_termination(Engine& engine, InstanceId id, TerminationCause cause);
  // Handles the instance's lifecycle events; false if stale.
  bool on_running(Engine& engine, const Event& e);
  bool on_booted(const Event& e);
  bool on_terminate(const Event& e);

  // Alive with its termination held by a lifecycle hook (termination_held_since set): kept as a
  // byte per instance, so the check after every stopped task (World::release_if_drained) reads a
  // dense table instead of the instance's record.
  bool termination_held(InstanceId id) const { return held_[id.value] != 0; }

  int alive_count() const { return alive_; }
  // The instances not yet terminated (any order): scans per sample stay proportional to the fleet,
  // not to its history.
  const std::vector<std::uint32_t>& alive_ids() const { return alive_ids_; }
  int peak_alive() const { return peak_alive_; }
  // An alive instance's index in alive_ids() (the order the per-minute loops visited them in).
  std::uint32_t alive_position(InstanceId id) const { return alive_pos_[id.value]; }

  // The alive instances by timeseries column, kept by every state change here so a sample costs
  // O(1), not O(fleet): pending; running with a termination decided (an interruption notice always
  // decides one at once, World's interruption_notice); the other running ones by purchase option.
  struct Tally {
    int pending = 0;
    int draining = 0;
    int spot = 0;
    int on_demand = 0;
  };
  const Tally& tally() const { return tally_; }
  // Per Auto Scaling group, what managed scaling reads (CP-5): its alive instances with no
  // termination decided, how many of them run, and the newest one's launch.
  int group_running(std::uint32_t group) const { return group < groups_.size() ? groups_[group].running : 0; }
  std::optional<SimTime> group_newest_launch(std::uint32_t group) const {
    if (group >= groups_.size() || groups_[group].undecided.empty()) return std::nullopt;
    return at(InstanceId{groups_[group].undecided.back()}).launched;  // ids ascend with launch time
  }
  // The instances that entered running, had a termination decided or their scale-in protection
  // changed since clear_changed() (repeats possible): what per-minute readers re-examine instead of
  // the whole fleet. Kept only once track_changes(true) (else it would grow without a reader).
  void track_changes(bool on) { track_changes_ = on; }
  const std::vector<std::uint32_t>& changed() const { return changed_; }
  void clear_changed() { changed_.clear(); }
  void note_changed(InstanceId id) {
    if (track_changes_) changed_.push_back(id.value);
  }

 private:
  struct GroupTally {
    // Alive, terminating_at unset; ascending. An instance enters at launch (the highest id yet: an
    // append) and leaves at its first termination decision, once each (a tree node per instance and
    // an erase and insert per state change cost a measurable share of a large fleet's run).
    std::vector<std::uint32_t> undecided;
    int running = 0;                    // of those, not pending
  };
  // Every change of an instance's state goes between count(i, -1) and count(i, +1).
  void count(const Ec2Instance& instance, int sign);
  Tally tally_;
  std::vector<GroupTally> groups_;
  std::vector<std::uint32_t> changed_;
  bool track_changes_ = false;
  Ec2Config config_;
  ChunkedVector<Ec2Instance> instances_;
  int alive_ = 0;
  int peak_alive_ = 0;
  std::vector<std::uint32_t> alive_ids_;
  std::vector<std::uint32_t> alive_pos_;  // per instance: its index in alive_ids_
  std::vector<std::uint8_t> held_;        // per instance: termination_held()
  EventLog* log_ = nullptr;
};

}  // namespace spotsim
