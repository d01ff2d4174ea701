#include "models/target_group.hpp"

#include <algorithm>

#include "models/event_kind.hpp"
#include "models/target_group_health.hpp"

namespace spotsim {

TargetGroup::TargetGroup(std::uint32_t index, const TargetGroupConfig& config) : index_(index), config_(config) {}

void TargetGroup::boundary(Engine& engine, SimTime at, std::uint32_t target) {
  if (at == kNever) return;
  // The engine runs an instant already past at now: that is when the event falls.
  extra_[target].last_boundary = std::max({extra_[target].last_boundary, at, engine.now()});
  if (!boundary_events_ && !boundaries_act()) return;
  engine.schedule(at, to_u8(Phase::health), to_u8(EventKind::target_health), index_, 0, target);
}

void TargetGroup::register_target(Engine& engine, std::uint32_t service, std::uint32_t task, SimTime ready,
                                  SimTime hangs_at) {
  const SimTime now = engine.now();
  changing();
  bool view_held = view_holds(now);
  ++version_;
  // A pruned target's later instants no longer bound the view (refresh_view looks at live_ only).
  if (prune(now)) view_held = false;
  Target t;
  t.service = service;
  t.task = task;
  t.registered = now;
  t.ready = std::max(now, ready);
  t.hangs_at = hangs_at;
  if (config_.health_check_enabled) {
    t.healthy_at = target_healthy_at(config_.health, now, t.ready);
    if (hangs_at != kNever) {
      t.unhealthy_at = target_unhealthy_at(config_.health, now, hangs_at);
      // A target that hangs before it ever passed never turns healthy.
      if (t.unhealthy_at <= t.healthy_at || hangs_at < t.healthy_at) t.healthy_at = kNever;
    }
  } else {
    t.healthy_at = now;
  }
  Extra e;
  e.last_boundary = now;
  e.live = true;  // live_ below
  std::uint32_t id = 0;
  if (free_.empty()) {
    id = static_cast<std::uint32_t>(targets_.size());
    targets_.push_back(t);
    extra_.push_back(e);
  } else {
    id = free_.back();
    free_.pop_back();
    targets_[id] = t;
    extra_[id] = e;
  }
  live_.push_back(id);
  next_out_ = std::min(next_out_, out_at(t));
  set_slot(service, task, static_cast<std::int32_t>(id));
  // Routed now only if healthy now, or if the group fails open (or had no target).
  keep_view(view_held && view_.mode == RoutingMode::healthy && !healthy(t, now), targets_[id], now);
  boundary(engine, now, id);
  boundary(engine, t.ready, id);
  boundary(engine, t.healthy_at, id);
  boundary(engine, t.hangs_at, id);
  boundary(engine, t.unhealthy_at, id);
}

void TargetGroup::deregister(Engine& engine, std::uint32_t service, std::uint32_t task) {
  const std::int32_t slot = slot_of(service, task);
  if (slot < 0) return;
  const auto id = static_cast<std::uint32_t>(slot);
  Target& t = targets_[id];
  if (t.deregistered != kNever) return;
  changing();
  const bool view_held = view_holds(engine.now());
  ++version_;
  t.deregistered = engine.now();
  next_out_ = std::min(next_out_, out_at(t));
  keep_view(view_held && config_.deregistration_propagation > 0, t, engine.now());  // out after propagation
  boundary(engine, engine.now(), id);
  boundary(engine, engine.now() + config_.deregistration_propagation, id);
}

void TargetGroup::target_died(Engine& engine, std::uint32_t service, std::uint32_t task) {
  const std::int32_t slot = slot_of(service, task);
  if (slot < 0) return;
  const auto id = static_cast<std::uint32_t>(slot);
  Target& t = targets_[id];
  if (t.died != kNever) return;
  changing();
  const SimTime now = engine.now();
  const bool view_held = view_holds(now);
  ++version_;
  t.died = now;
  // ALB-1: a registered target that stops answering is out of service after UnhealthyThresholdCount
  // failed checks; until then (and within the deregistration propagation) requests still reach it.
  const SimTime noticed = config_.health_check_enabled ? target_unhealthy_at(config_.health, t.registered, now) : now;
  t.unhealthy_at = std::min(t.unhealthy_at, noticed);
  next_out_ = std::min(next_out_, out_at(t));
  keep_view(view_held && t.unhealthy_at > now, t, now);  // still in rotation now
  boundary(engine, now, id);
  boundary(engine, t.unhealthy_at, id);
}

void TargetGroup::on_boundary(Engine& engine, std::uint32_t target) {
  if (target >= targets_.size()) return;
  Target& t = targets_[target];
  const SimTime now = engine.now();
  // ALB-6: slow start begins when the target becomes healthy, if at least one other healthy target
  // is not in slow start.
  if (config_.slow_start > 0 && t.healthy_at == now && extra_[target].slow_start_from == kNever) {
    const bool other = std::any_of(live_.begin(), live_.end(), [&](std::uint32_t o) {
      const SimTime from = extra_[o].slow_start_from;
      return o != target && healthy(targets_[o], now) && !(from != kNever && now < from + config_.slow_start);
    });
    if (other) {
      changing();
      ++version_;
      extra_[target].slow_start_from = now;
      for (int k = 1; k <= kSlowStartSteps; ++k) boundary(engine, now + config_.slow_start * k / kSlowStartSteps, target);
    }
  }
}

bool TargetGroup::in_rotation(const Target& t, SimTime now) const {
  // Registered, and not yet out for good: noticed dead or hung, or deregistered and propagated.
  return now >= t.registered && now < out_at(t);
}

bool TargetGroup::healthy(const Target& t, SimTime now) const {
  return in_rotation(t, now) && now >= t.healthy_at;
}

double TargetGroup::weight(const Target& t, SimTime now) const {
  if (config_.slow_start <= 0) return 1.0;
  const SimTime from = extra_[id_of(t)].slow_start_from;
  if (from == kNever) return 1.0;
  const SimTime in = now - from;
  if (in >= config_.slow_start) return 1.0;
  const auto step = static_cast<double>(in * kSlowStartSteps / config_.slow_start);
  return (step + 0.5) / kSlowStartSteps;
}

SimTime TargetGroup::compute_view(SimTime now, std::vector<Route>& out, RoutingMode& mode) const {
  // One pass over the live targets: the healthy ones with their weights, the others in rotation
  // (the fail-open routes when none is healthy, in the same order), and the next instant after `now`
  // where in_rotation(), healthy() or weight() of a live target can change (targets outside live_
  // never come back into rotation).
  out.clear();
  rotation_only_.clear();
  // Two ends, as the mode is known only after the pass: routing the healthy targets, the view moves
  // only when a routed one leaves or steps its weight or another turns healthy (the others' own
  // instants change nothing routed: ending there cost a walk and a split of the traffic
  // integration, ~9 % of a fleet's walks); failing open or with no target, at any instant of a
  // target not yet out for good.
  SimTime until_healthy = kNever, until_any = kNever;
  for (std::uint32_t id : live_) {
    const Target& t = targets_[id];
    const SimTime out_of_rotation = out_at(t);
    if (now >= t.registered && now < out_of_rotation) {  // in_rotation(t, now)
      if (now >= t.healthy_at) {
        // Registered and healthy already, in rotation until out_at: only leaving rotation or a
        // slow-start step is still ahead (next_change, which the other targets take).
        const SimTime next = std::min(out_of_rotation, next_slow_start_step(t, now));
        out.push_back({id, weight(t, now)});
        until_healthy = std::min(until_healthy, next);
        until_any = std::min(until_any, next);
      } else {
        rotation_only_.push_back(id);
        until_healthy = std::min(until_healthy, turns_healthy(t, now));
        until_any = std::min(until_any, next_change(t, now));
      }
    } else if (now < out_of_rotation) {  // not in rotation yet
      until_healthy = std::min(until_healthy, turns_healthy(t, now));
      until_any = std::min(until_any, next_change(t, now));
    }  // else out for good: no instant of its own matters (next_change not computed)
  }
  if (!out.empty()) {
    mode = RoutingMode::healthy;
    return until_healthy;
  }
  for (std::uint32_t id : rotation_only_) out.push_back({id, 1.0});
  mode = out.empty() ? RoutingMode::no_target : RoutingMode::fail_open;
  return until_any;
}

SimTime TargetGroup::turns_healthy(const Target& t, SimTime now) const {
  // healthy() holds from max(registered, healthy_at) until the target is out for good (out_at):
  // within rotation it can turn healthy once, and never again after leaving it.
  const SimTime from = std::max(t.registered, t.healthy_at);
  return from > now && from < out_at(t) ? from : kNever;
}

std::string TargetGroup::view_mismatch(SimTime now) const {
  const View cached = view(now);
  std::vector<Route> routes;
  RoutingMode mode{};
  const SimTime until = compute_view(now, routes, mode);
  std::string out;
  if (cached.mode != mode) out += "mode; ";
  // An earlier end is safe (the view is only computed again sooner): a change that keeps the routes
  // keeps the cached end too (keep_view), though without that target the view may hold longer.
  if (view_.until > until) out += "until " + std::to_string(view_.until) + " vs " + std::to_string(until) + "; ";
  bool same = cached.routes.size() == routes.size();
  for (std::size_t i = 0; same && i < routes.size(); ++i)
    same = cached.routes[i].target == routes[i].target && cached.routes[i].weight == routes[i].weight;
  if (!same) out += "routes; ";
  return out;
}

void TargetGroup::refresh_view(SimTime now) const {
  std::vector<Route>& out = view_.routes;
  const SimTime until = compute_view(now, out, view_.mode);
  view_.version = version_;
  // The serial moves only when the routing does: the mode, or which tasks are routed with which
  // weight (a target's slot may hold another task by now, so tasks are compared, not slots).
  bool same = view_.mode == view_mode_before_ && out.size() == view_keys_.size();
  for (std::size_t i = 0; same && i < out.size(); ++i) {
    const Target& t = targets_[out[i].target];
    same = view_keys_[i].first == key(t.service, t.task) && view_keys_[i].second == out[i].weight;
  }
  if (!same) {
    ++view_serial_;
    view_mode_before_ = view_.mode;
    view_keys_.clear();
    for (const Route& r : out) view_keys_.emplace_back(key(targets_[r.target].service, targets_[r.target].task), r.weight);
  }
  view_.from = now;
  view_.until = until;
}

SimTime TargetGroup::next_change(const Target& t, SimTime now) const {
  // The first instant after `now` where in_rotation(), healthy() or weight() of `t` can change.
  SimTime next = kNever;
  const auto later = [&](SimTime at) {
    if (at > now && at < next) next = at;
  };
  later(t.registered);
  later(t.healthy_at);
  later(t.unhealthy_at);
  if (t.deregistered != kNever) later(t.deregistered + config_.deregistration_propagation);
  later(next_slow_start_step(t, now));
  return next;
}

SimTime TargetGroup::next_slow_start_step(const Target& t, SimTime now) const {
  // Within a slow-start ramp the weight steps (weight()): at the first instant of the next step.
  if (config_.slow_start <= 0) return kNever;
  const SimTime from = extra_[id_of(t)].slow_start_from;
  if (from == kNever || now >= from + config_.slow_start) return kNever;
  const SimTime step = (now - from) * kSlowStartSteps / config_.slow_start;
  return from + ((step + 1) * config_.slow_start + kSlowStartSteps - 1) / kSlowStartSteps;
}

bool TargetGroup::view_holds(SimTime now) const {
  return view_.version == version_ && view_.from <= now && now < view_.until;
}

void TargetGroup::keep_view(bool routes_unchanged, const Target& changed, SimTime now) {
  // A change that leaves the routes at `now` as they were keeps the cached view (a registration,
  // deregistration or death changes a handful of instants of one target, not what is routed now):
  // only its end may come sooner. A fleet's targets change ~6 times each; a rebuild walks them all.
  if (!routes_unchanged) return;
  view_.version = version_;
  // (refresh_view: live_ only; compute_view's end for the view's mode)
  if (!extra_[id_of(changed)].live) return;
  const bool routed_kind = view_.mode != RoutingMode::healthy || healthy(changed, now);
  view_.until = std::min(view_.until, routed_kind ? next_change(changed, now) : turns_healthy(changed, now));
}

TargetGroup::View TargetGroup::view(SimTime now) const {
  if (view_.version != version_ || now < view_.from || now >= view_.until) refresh_view(now);
  return {view_.mode, view_.routes};
}

RoutingMode TargetGroup::routes(SimTime now, std::vector<Route>& out) const {
  const View v = view(now);
  out = v.routes;
  return v.mode;
}

int TargetGroup::healthy_count(SimTime now) const {
  // The healthy targets are exactly those routed to in the healthy mode.
  const View v = view(now);
  return v.mode == RoutingMode::healthy ? static_cast<int>(v.routes.size()) : 0;
}

const Target* TargetGroup::find(std::uint32_t service, std::uint32_t task) const {
  const std::int32_t slot = slot_of(service, task);
  return slot < 0 ? nullptr : &targets_[static_cast<std::size_t>(slot)];
}

SimTime TargetGroup::out_at(const Target& t) const {
  // Out of rotation for good: noticed dead/hung, or deregistered and propagated.
  const SimTime deregistered =
      t.deregistered != kNever ? t.deregistered + config_.deregistration_propagation : kNever;
  return std::min(t.unhealthy_at, deregistered);
}

void TargetGroup::set_slot(std::uint32_t service, std::uint32_t task, std::int32_t slot) {
  if (by_task_.size() <= service) by_task_.resize(service + 1);
  ChunkedVector<std::int32_t, 14>& of = by_task_[service];
  of.grow_to(task + 1, -1);
  of[task] = slot;
}

bool TargetGroup::prune(SimTime now) {
  // Only when some live target is out for good by now (next_out_: the earliest such instant).
  std::size_t pruned = 0;
  if (now >= next_out_) {
    next_out_ = kNever;
    pruned = std::erase_if(live_, [&](std::uint32_t id) {
      const SimTime out = out_at(targets_[id]);
      if (now >= out) {
        extra_[id].live = false;
        retired_.push_back(id);
        return true;
      }
      next_out_ = std::min(next_out_, out);
      return false;
    });
  }
  recycle(now);
  return pruned > 0;
}

void TargetGroup::recycle(SimTime now) {
  // A retired target's slot is free once its task is dead (ECS tells the group nothing more about
  // it: deregister and target_died come before, World::log_targets' find() too) and its last
  // boundary is strictly past (every `target_health` event naming the slot has been handled; one
  // at `now` may still be pending).
  std::erase_if(retired_, [&](std::uint32_t id) {
    const Target& t = targets_[id];
    if (t.died == kNever || extra_[id].last_boundary >= now) return false;
    set_slot(t.service, t.task, -1);
    free_.push_back(id);
    return true;
  });
}

}  // namespace spotsim
