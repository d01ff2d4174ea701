#pragma once
// An ALB target group at run time (aws-semantics.md §7): which ECS tasks are registered, which of
// them the load balancer routes new requests to, and with what weight.
//
// Every target's story is a handful of instants, set when ECS tells the load balancer something
// (ALB-10: each task registers as instance + dynamic host port when it turns RUNNING):
//   registered    RUNNING; the target is `initial` (ALB-2)
//   ready         the app answers (RUNNING + workload appStart)
//   healthy_at    the health checks pass (target_group_health.hpp, §10.5 switch)
//   hangs_at      the app stops answering without dying (a hung task)
//   deregistered  DEACTIVATING: the load balancer stops routing new requests to it (ALB-5) — after
//                 the change has propagated to its nodes (`deregistration_propagation`, ~12 s)
//   died          the process is gone (instance terminated, SIGKILL/exit at the end of STOPPING)
//   unhealthy_at  the health checks notice it died or hung (UnhealthyThresholdCount failures)
// so the routing view at any instant is a pure function of time, and view_until() tells when it
// next changes: the traffic model splits its integration there (models/traffic). The group can
// schedule a `target_health` event at each of those instants (set_boundary_events): the event log
// writes the targets' health changes from them. Only slow start needs them to act (on_boundary: it
// begins at the instant a target turns healthy, depending on the others then), so a group with slow
// start always schedules them; the world turns them on for the others only when it logs events —
// a year of a 2,000-instance fleet had 24 M of them, nearly half of all its events.
//
// Routing (ALB-3, ALB-4, ALB-6, ALB-7):
//   in rotation   registered, not yet past deregistration + propagation, and not yet noticed dead or
//                 hung (a target that died without deregistering keeps getting requests until the
//                 health checks mark it unhealthy: those are lost, 502);
//   healthy       in rotation and its health checks pass;
//   the load balancer routes to the healthy targets; when none is healthy but some are in rotation
//   it fails open and routes to all of those (ALB-3: "routes requests to all those targets,
//   regardless of their health status" — spotsim counts `initial` targets as not healthy here); with
//   none in rotation every request gets a 503 (`no_target`, ALB-4).
// Weights: 1, except in slow start (ALB-6): a target that becomes healthy while at least one other
// healthy target is not in slow start ramps linearly from 0 to 1 over slow_start.duration_seconds;
// spotsim steps the ramp in kSlowStartSteps equal steps at the mid-step weight (k + ½)/n, so the
// requests it receives over the ramp equal the linear ramp's. Slow start ends early if the target
// turns unhealthy. (AWS forbids slow start with least_outstanding_requests; the loader checks.)
//
// Decisions where AWS says nothing precise:
// - A dead target noticed by the health checks is deregistered at that instant (ECS sees the task
//   stopped): it never comes back into rotation, so fail-open never sends traffic to a dead task
//   that was already noticed.
// - With health checks disabled a target is healthy from registration, and a dead one leaves
//   rotation when it dies (nothing would ever notice otherwise; ECS deregisters the stopped task).
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "models/target_group_config.hpp"
#include "sim/chunked_vector.hpp"
#include "sim/engine.hpp"

namespace spotsim {

// One cache line: what a view reads of every live target (TargetGroup::compute_view) and what a
// traffic plan reads of a routed one (the task, when it answers). The rest of a target's story —
// slow start, its latest boundary event, whether it is live — the group keeps beside it
// (TargetGroup::Extra), read only where those matter.
struct alignas(64) Target {
  SimTime registered = 0;
  SimTime healthy_at = kNever;
  SimTime unhealthy_at = kNever;
  SimTime deregistered = kNever;
  SimTime ready = 0;
  SimTime died = kNever;
  SimTime hangs_at = kNever;
  std::uint32_t service = 0;  // the ECS task behind the target
  std::uint32_t task = 0;

  // Requests routed to it are served by the task (not lost, not timed out).
  bool answering(SimTime t) const { return t >= ready && t < died && t < hangs_at; }
};
static_assert(sizeof(Target) == 64, "a target: one cache line");

enum class RoutingMode : std::uint8_t {
  no_target,  // nothing in rotation: 503
  healthy,    // the healthy targets
  fail_open,  // none healthy: every target in rotation
};

struct Route {
  std::uint32_t target = 0;  // index into TargetGroup::targets()
  double weight = 1;
};

class TargetGroup {
 public:
  static constexpr int kSlowStartSteps = 10;

  TargetGroup(std::uint32_t index, const TargetGroupConfig& config);

  std::uint32_t index() const { return index_; }
  const TargetGroupConfig& config() const { return config_; }
  // The targets by index (what Route::target and `target_health` events name). A slot is reused
  // by a later registration once its target is gone for good: its task is dead, it is out of
  // rotation, and every `target_health` event it scheduled is in the past (so no event can name
  // the slot's old target). A year of churn registers millions of targets; a few thousand live.
  // So an index is valid while the group does not change: don't keep one across events.
  const std::vector<Target>& targets() const { return targets_; }

  // ECS registers a RUNNING task; `hangs_at` when its app will hang (kNever: never).
  void register_target(Engine& engine, std::uint32_t service, std::uint32_t task, SimTime ready, SimTime hangs_at);
  // DEACTIVATING: deregistration starts (the task keeps serving what it has).
  void deregister(Engine& engine, std::uint32_t service, std::uint32_t task);
  // The task's process is gone.
  void target_died(Engine& engine, std::uint32_t service, std::uint32_t task);
  // A `target_health` boundary at `now` for target `target` (slow start begins here).
  void on_boundary(Engine& engine, std::uint32_t target);
  // Whether the group schedules `target_health` events (default on); always with slow start.
  void set_boundary_events(bool on) { boundary_events_ = on; }
  bool boundaries_act() const { return config_.slow_start > 0; }  // on_boundary may change the group
  // Called with the group's index before any of the four calls above changes the group: the view
  // at instants before now is no longer what it was afterwards (targets out for good are pruned,
  // their slots reused), so whoever integrates over past views (the traffic model, which integrates
  // each service lazily) must catch up first.
  void set_before_change(std::function<void(std::uint32_t)> hook) { before_change_ = std::move(hook); }

  // The routing view at `now`: the mode, and the routed targets with their weights.
  struct View {
    RoutingMode mode;
    const std::vector<Route>& routes;  // valid until the next call or change of the group
  };
  View view(SimTime now) const;
  // The view at `now` holds until this instant (exclusive; kNever: until the group changes): the
  // next instant after now where a live target's rotation, health or weight changes.
  SimTime view_until(SimTime now) const {
    view(now);
    return view_.until;
  }
  // Bumped whenever the view's routing changes (mode, routed tasks, weights): equal serials, the
  // same routing.
  std::uint64_t view_serial() const { return view_serial_; }
  // The same view, the routes copied into `out`.
  RoutingMode routes(SimTime now, std::vector<Route>& out) const;
  // Tests: what differs between view(now), cached, and the view computed afresh ("": nothing).
  std::string view_mismatch(SimTime now) const;
  // Healthy targets at `now` (RequestCountPerTarget's divisor).
  int healthy_count(SimTime now) const;
  // The target of a task, if registered here and not yet gone for good (see targets()).
  const Target* find(std::uint32_t service, std::uint32_t task) const;

 private:
  bool in_rotation(const Target& t, SimTime now) const;
  bool healthy(const Target& t, SimTime now) const;
  double weight(const Target& t, SimTime now) const;
  void boundary(Engine& engine, SimTime at, std::uint32_t target);
  bool prune(SimTime now);  // whether it took any target out of live_
  SimTime out_at(const Target& t) const;  // when it leaves rotation for good (kNever: not yet known)
  void recycle(SimTime now);
  static std::uint64_t key(std::uint32_t service, std::uint32_t task) {
    return (static_cast<std::uint64_t>(service) << 32) | task;
  }

  std::uint32_t index_;
  TargetGroupConfig config_;
  std::vector<Target> targets_;
  // Beside each target (the same index), what the view walk does not read.
  struct Extra {
    SimTime slow_start_from = kNever;  // set when it became healthy in slow start
    SimTime last_boundary = 0;         // the latest `target_health` event scheduled for it
    bool live = false;                 // in live_ (may still be in rotation)
  };
  std::vector<Extra> extra_;
  std::uint32_t id_of(const Target& t) const { return static_cast<std::uint32_t>(&t - targets_.data()); }
  std::vector<std::uint32_t> live_;  // targets that may still be in rotation, in registration order
  std::vector<std::uint32_t> retired_;  // out of rotation for good, their slots not yet free
  std::vector<std::uint32_t> free_;     // slots a registration may reuse
  // The target of each task, by [service][task id] (−1: none): task ids are dense per service, so
  // one indexed load instead of a hash probe (the hash map's chains were ~2 % of a fleet year).
  // Grows by chunks (ChunkedVector: no doubling copies into new pages, see traffic_impl.hpp).
  std::vector<ChunkedVector<std::int32_t, 14>> by_task_;
  std::int32_t slot_of(std::uint32_t service, std::uint32_t task) const {
    return service < by_task_.size() && task < by_task_[service].size() ? by_task_[service][task] : -1;
  }
  void set_slot(std::uint32_t service, std::uint32_t task, std::int32_t slot);
  std::function<void(std::uint32_t)> before_change_;
  bool boundary_events_ = true;
  void changing() {
    if (before_change_) before_change_(index_);
  }

  // The last view computed, reused while it cannot have changed: the traffic model asks for it at
  // every interval (once per event of the world), the view changes only at the targets' instants.
  // Valid for `from` <= now < `until` (the next instant any live target's routing changes) as long
  // as nothing changed the group since (`version`, bumped by every mutation).
  void refresh_view(SimTime now) const;
  SimTime compute_view(SimTime now, std::vector<Route>& out, RoutingMode& mode) const;  // returns its end
  SimTime next_change(const Target& t, SimTime now) const;
  SimTime next_slow_start_step(const Target& t, SimTime now) const;  // kNever: none ahead
  // The first instant after `now` where `t`, not healthy at now, is healthy; kNever if none.
  SimTime turns_healthy(const Target& t, SimTime now) const;
  bool view_holds(SimTime now) const;  // the cached view is the view at now
  void keep_view(bool routes_unchanged, const Target& changed, SimTime now);
  std::uint64_t version_ = 0;
  struct CachedView {
    std::uint64_t version = ~std::uint64_t{0};
    SimTime from = 0, until = 0;
    RoutingMode mode = RoutingMode::no_target;
    std::vector<Route> routes;
  };
  mutable CachedView view_;
  SimTime next_out_ = kNever;  // the earliest out_at() of the live targets: prune() has work from then
  mutable std::uint64_t view_serial_ = 0;
  mutable std::vector<std::uint32_t> rotation_only_;  // refresh_view's scratch
  mutable RoutingMode view_mode_before_ = RoutingMode::no_target;
  mutable std::vector<std::pair<std::uint64_t, double>> view_keys_;  // (task key, weight) of the routes
};

}  // namespace spotsim
