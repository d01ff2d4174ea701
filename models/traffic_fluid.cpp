// The fluid mode of the traffic model (traffic.hpp): one closed-form step per cohort of alike tasks
// (traffic_impl.hpp) per interval between two events of the world.
//
// Why cohorts: a service's tasks behind round robin get equal shares, and equal tasks at equal rates
// stay in equal states, so stepping them one by one repeats the same arithmetic hundreds of times
// per interval (a 2,000-instance fleet: 27 M task-steps a simulated day). A cohort steps once and
// counts ×members. What makes tasks differ, and so splits or keeps cohorts apart:
//   - routing: the fraction of each target group's rate a task gets — its rate class, from the
//     groups' routing views (GroupPlan, rebuilt when a view changes or a routed target starts or
//     stops answering) and, per service, the distinct rows of fractions (ServicePlan);
//   - state: a new task starts empty (no backlog, nothing in flight); once its state equals another
//     cohort's of the same class, bit for bit, the two merge.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstring>

#include "models/traffic_impl.hpp"

namespace spotsim {

using namespace traffic_detail;

// ---- Cohorts ------------------------------------------------------------------------------------

std::uint32_t Traffic::Impl::new_cohort(std::uint32_t service, double mu, int slots, const ServiceParams& p) {
  Cohort c(mu, p.timeout, p.limit);
  c.service = service;
  c.mu = mu;
  c.slots = slots;
  c.mu_slot = mu / slots;
  return add_cohort(std::move(c));
}

std::uint32_t Traffic::Impl::add_cohort(Cohort&& c) {
  std::uint32_t index;
  if (!free_cohorts.empty()) {
    index = free_cohorts.back();
    free_cohorts.pop_back();
    // The freed cohort's member buffer is kept (empty): a new task's cohort then joins without an
    // allocation (one per task started, ~1.5 % of a fleet year in malloc/free).
    std::vector<std::uint32_t> buffer = std::move(cohorts[index].members);
    cohorts[index] = std::move(c);
    if (cohorts[index].members.empty()) {
      buffer.clear();
      cohorts[index].members.swap(buffer);
    }
  } else {
    index = static_cast<std::uint32_t>(cohorts.size());
    cohorts.push_back(std::move(c));
  }
  cohorts[index].used = true;
  service_plans[cohorts[index].service].cohorts.push_back(index);
  return index;
}

void Traffic::Impl::join_cohort(std::uint32_t cohort, std::uint32_t task, TaskFlow& f) {
  Cohort& c = cohorts[cohort];
  f.cohort = static_cast<std::int32_t>(cohort);
  f.routed = c.routed;  // nothing routed to it yet
  c.members.push_back(task);
}

void Traffic::Impl::leave_cohort(std::uint32_t task, TaskFlow& f) {
  const auto index = static_cast<std::uint32_t>(f.cohort);
  Cohort& c = cohorts[index];
  // Its place found by a scan (a few hundred ids at most, contiguous), not kept in the flows: a
  // split or merge would otherwise touch every member's scattered flow to renumber them.
  const auto pos = std::find(c.members.begin(), c.members.end(), task);
  *pos = c.members.back();
  c.members.pop_back();
  f.cohort = -1;
  if (!c.members.empty()) return;
  c.used = false;
  free_cohorts.push_back(index);
  std::erase(service_plans[c.service].cohorts, index);
}

void Traffic::Impl::plan_new_task(std::uint32_t v, std::uint32_t task, TaskFlow& f) {
  // Behind target groups a new task gets nothing yet: its target is not routed before it passes its
  // health checks (ALB-2), and if a group does route it at once (no health checks, fail-open) that
  // group's shares change, which rebuilds this plan. So it joins the class of all-zero rows — a
  // rebuild walks every live task of the service, a thousand times a day in a large fleet.
  ServicePlan& sp = service_plans[v];
  // Otherwise a rebuild: with implicit routing the others' shares change; a plan never built or
  // already stale is rebuilt anyway; the eager reference path always rebuilds.
  if (sp.dirty || service_groups[v].empty() || sp.width == 0 || eager) {
    sp.dirty = true;
    return;
  }
  std::uint32_t c = 0;
  for (; c < sp.classes; ++c) {
    const auto row = sp.fraction.begin() + static_cast<std::ptrdiff_t>(c * sp.width);
    if (std::all_of(row, row + sp.width, [](double x) { return x == 0.0; })) break;
  }
  if (c == sp.classes) {
    sp.fraction.insert(sp.fraction.end(), sp.width, 0.0);
    sp.rate.push_back(0.0);
    ++sp.classes;
  }
  if (sp.two_rows) sp.zero_class = static_cast<std::int32_t>(c);
  rate_class[v][task] = c;
  cohorts[static_cast<std::size_t>(f.cohort)].rate_class = c;
}

namespace {

using Impl = Traffic::Impl;

// Moves a task from one cohort to another, keeping the requests routed to it.
void move_member(Impl& m, std::uint32_t task, TaskFlow& f, std::uint32_t to) {
  const double routed = m.cohorts[static_cast<std::size_t>(f.cohort)].routed - f.routed;
  Cohort& dest = m.cohorts[to];
  f.cohort = static_cast<std::int32_t>(to);
  f.routed = dest.routed - routed;
  dest.members.push_back(task);
}

// A copy of cohort `from`'s state with no members, in the same service.
std::uint32_t clone_cohort(Impl& m, std::uint32_t from) {
  // Everything but the members (not copied only to be cleared).
  std::vector<std::uint32_t> members = std::move(m.cohorts[from].members);
  Cohort copy = m.cohorts[from];
  m.cohorts[from].members = std::move(members);
  return m.add_cohort(std::move(copy));
}

// A difference of more movers than this is applied through the class table, not by a search.
constexpr std::size_t kFewMovers = 8;

// Cohort `ci` of service `v` takes its members' class (`class_of(task id)`); if they differ it
// splits, one cohort per class, each with the same state: the members of the first member's class
// stay.
template <class ClassOf>
void split_cohort(Impl& m, std::uint32_t v, std::uint32_t ci, const ClassOf& class_of) {
  const std::vector<std::uint32_t>& current = m.cohorts[ci].members;
  if (current.empty()) return;  // (a cohort is freed when its last member leaves)
  const std::uint32_t first = class_of(current.front());
  m.cohorts[ci].rate_class = first;
  if (std::all_of(current.begin() + 1, current.end(), [&](std::uint32_t id) { return class_of(id) == first; }))
    return;
  // A split: a copy of the members, since clones may move the cohort table.
  std::vector<std::pair<std::uint32_t, std::uint32_t>>& split = m.split_scratch;  // (class, cohort)
  std::vector<std::uint32_t>& keep = m.keep_scratch;
  std::vector<std::uint32_t>& members = m.members_scratch;
  members = current;
  split.clear();
  keep.clear();
  for (std::uint32_t id : members) {
    const std::uint32_t c = class_of(id);
    if (c == first) {
      keep.push_back(id);  // (its flow untouched: only movers' flows change)
      continue;
    }
    TaskFlow& f = *m.flow(v, id);
    auto it = std::find_if(split.begin(), split.end(), [&](const auto& p) { return p.first == c; });
    if (it == split.end()) {
      const std::uint32_t to = clone_cohort(m, ci);
      m.cohorts[to].rate_class = c;
      split.emplace_back(c, to);
      it = split.end() - 1;
    }
    move_member(m, id, f, it->second);
  }
  m.cohorts[ci].members = keep;
}

// ---- Routing plans ------------------------------------------------------------------------------

// Whether a group's new shares differ from its shares before (m.shares_before) for the tasks still
// alive: a task's death moves its own share to the drops and leaves everybody else's.
bool shares_changed(Impl& m, const GroupPlan& plan) {
  std::size_t i = 0;
  for (const GroupPlan::Share& s : m.shares_before) {
    if (m.flow(s.service, s.task) == nullptr) continue;  // died since
    if (i >= plan.shares.size() || plan.shares[i].service != s.service || plan.shares[i].task != s.task ||
        plan.shares[i].fraction != s.fraction)
      return true;
    ++i;
  }
  return i != plan.shares.size();
}

// How group `g` splits its rate at `a` (ALB-3, ALB-4: the routed targets of its view): the shares
// of the answering targets, and the fractions dropped before any task — routed to a target whose
// app does not answer (502, or 504 when it hangs).
void fill_group_plan(Impl& m, const TargetGroup& group, const TargetGroup::View& view, GroupPlan& plan, SimTime a) {
  plan.until = kNever;
  plan.mode = view.mode;
  plan.dropped.fill(0.0);
  plan.shares.clear();
  plan.uniform = true;
  if (view.mode == RoutingMode::no_target) return;
  // Least outstanding requests: shares in proportion to capacity (traffic.hpp). A target whose task
  // is gone weighs as its service's tasks do.
  const bool least_outstanding = group.config().algorithm == RoutingAlgorithm::least_outstanding_requests;
  auto weight = [&](const Route& r) {
    if (!least_outstanding) return r.weight;
    const Target& t = group.targets()[r.target];
    const TaskFlow* f = m.flow(t.service, t.task);
    const double mu = f != nullptr ? f->mu : t.service < m.last_mu.size() ? m.last_mu[t.service] : 0.0;
    return mu > 0 ? r.weight * mu : r.weight;
  };
  // Round robin without slow start: every weight is 1 (TargetGroup::weight; fail-open routes too),
  // so every share is 1/n — the same bits as each weight over their sum, n.
  const bool equal = !least_outstanding && group.config().slow_start <= 0;
  double total = 0;
  if (equal)
    total = static_cast<double>(view.routes.size());
  else
    for (const Route& r : view.routes) total += weight(r);
  const double equal_share = 1.0 / total;
  for (const Route& r : view.routes) {
    const double share = equal ? equal_share : weight(r) / total;
    const Target& t = group.targets()[r.target];
    // A task has a flow from RUNNING until its process dies — when its target's `died` is set too
    // (World::on_task_state) — if its service has a traffic configuration.
    const bool flows = t.service < m.params.size() && m.params[t.service].has_traffic_config;
    if (flows && t.answering(a)) {
      plan.shares.push_back({t.service, t.task, share});
    } else if (a >= t.hangs_at && a < t.died) {
      plan.dropped[static_cast<std::size_t>(DropReason::timeout)] += share;  // a hung app never answers: 504
    } else {
      plan.dropped[static_cast<std::size_t>(DropReason::target_lost)] += share;  // nothing answers: 502
    }
    // Answering starts at `ready` and stops at `hangs_at`: the plan holds until the next of those.
    if (t.ready > a) plan.until = std::min(plan.until, t.ready);
    if (t.hangs_at > a) plan.until = std::min(plan.until, t.hangs_at);
  }
  plan.uniform = equal;
}


// Until when group g's plan, refreshed at `a`, holds: its view's next change, or a routed target's
// next start or stop of answering. Both ways of integrating split their pieces there.
SimTime group_plan_holds_until(const Impl& m, const TargetGroup& group, std::uint32_t g, SimTime a) {
  return std::min(group.view_until(a), m.group_plans[g].until);
}

// The difference of a group's new shares from its shares before (m.shares_before): which tasks
// joined, which live ones left, and whether any share that stayed changed its fraction. Both lists
// follow the group's view, i.e. the order the targets registered in (TargetGroup::live_): they are
// two subsequences of one order. So where they part, if the new list's task turns up later in the
// old one, every old task before it left (it cannot come later in the new list, nor earlier); if the
// old list's task turns up later in the new one, every new task before it joined; if neither, the
// old one left and the new one joined. `false` (the difference unknown) when the shares are not
// all equal, before or now (only round robin's are followed by difference), or past a bound on the
// scans, so that many scattered changes cost no more than a rebuild.
bool share_difference(Impl& m, const GroupPlan& plan, bool uniform_before, GroupPlan::Difference& d,
                      bool& fractions_changed) {
  d.joined.clear();
  d.left.clear();
  const std::vector<GroupPlan::Share>& before = m.shares_before;
  const std::vector<GroupPlan::Share>& after = plan.shares;
  // Round robin's equal shares change all at once or not at all: one comparison, not one a task.
  if (!uniform_before || !plan.uniform) return false;
  fractions_changed = !before.empty() && !after.empty() && before.front().fraction != after.front().fraction;
  const std::size_t nb = before.size(), na = after.size();
  const auto key = [](const GroupPlan::Share& s) {  // (service, task) as one load
    std::uint64_t k;
    std::memcpy(&k, &s, sizeof k);
    return k;
  };
  static_assert(offsetof(GroupPlan::Share, service) == 0 && offsetof(GroupPlan::Share, task) == 4);
  const auto leave = [&](std::size_t i) {
    // (a task that died leaves the others' shares as they were: not a difference)
    if (m.flow(before[i].service, before[i].task) != nullptr) d.left.push_back(before[i]);
  };
  std::size_t i = 0, j = 0, scanned = 0;
  const std::size_t budget = 4 * (nb + na) + 64;
  for (;;) {
    while (i < nb && j < na && key(before[i]) == key(after[j])) ++i, ++j;
    if (i == nb || j == na) break;
    const std::uint64_t old_key = key(before[i]), new_key = key(after[j]);
    std::size_t k = i + 1;
    while (k < nb && key(before[k]) != new_key) ++k;
    scanned += k - i;
    if (k < nb) {
      for (; i < k; ++i) leave(i);
      continue;
    }
    std::size_t l = j + 1;
    while (l < na && key(after[l]) != old_key) ++l;
    scanned += l - j;
    if (l < na) {
      for (; j < l; ++j) d.joined.push_back(after[j]);
      continue;
    }
    leave(i++);
    d.joined.push_back(after[j++]);
    if (scanned > budget) return false;
  }
  for (; i < nb; ++i) leave(i);
  for (; j < na; ++j) d.joined.push_back(after[j]);
  return true;
}

void refresh_group_plan(Impl& m, const TargetGroup& group, GroupPlan& plan, SimTime a) {
  const TargetGroup::View view = group.view(a);
  if (!plan.dirty && plan.serial == group.view_serial() && a < plan.until) return;
  plan.dirty = false;
  plan.serial = group.view_serial();
  std::swap(plan.shares, m.shares_before);
  const bool uniform_before = plan.uniform;
  fill_group_plan(m, group, view, plan, a);
  // The services' plans are built from the shares: a new build only if they changed (the same
  // answer as shares_changed, from the difference when it is known).
  bool fractions_changed = false;
  plan.difference.known = !m.rebuild_plans && share_difference(m, plan, uniform_before, plan.difference, fractions_changed);
  const bool changed = plan.difference.known ? fractions_changed || !plan.difference.joined.empty() ||
                                                   !plan.difference.left.empty()
                                             : shares_changed(m, plan);
  if (m.eager || changed) {
    plan.difference.base = plan.build;
    plan.build = ++m.plan_builds;
  }
}

// Service `v`'s plan follows its one group's new shares by difference (ServicePlan::two_rows):
// the tasks that joined them move to the routed row, the live ones that left to the zero row, the
// routed row takes the new fraction, and only the cohorts of the tasks that moved split. The
// classes keep their numbers (a rebuild numbers them afresh; what integrates depends only on which
// tasks share a row and what the row is). Returns false where it does not apply (then a rebuild).
bool follow_group_plan(Impl& m, std::uint32_t v, const GroupPlan& gp) {
  ServicePlan& sp = m.service_plans[v];
  if (!sp.two_rows || !gp.uniform || !gp.difference.known || gp.difference.base != sp.builds.front()) return false;
  TaskTable<std::uint32_t>& class_of = m.rate_class[v];
  const auto row = [&](std::int32_t& c, double fraction) {
    if (c < 0) {
      c = static_cast<std::int32_t>(sp.classes++);
      sp.fraction.push_back(fraction);
    }
    return static_cast<std::uint32_t>(c);
  };
  std::vector<std::pair<std::uint32_t, std::uint32_t>>& movers = m.movers_scratch;  // (task id, its new class)
  std::vector<std::uint32_t>& moved = m.moved_cohorts_scratch;                      // their cohorts
  movers.clear();
  moved.clear();
  const auto move = [&](const GroupPlan::Share& s, std::uint32_t c) {
    if (s.service != v) return;
    const TaskFlow* f = m.flow(v, s.task);
    if (f == nullptr || class_of[s.task] == c) return;
    class_of[s.task] = c;
    movers.emplace_back(s.task, c);
    const auto ci = static_cast<std::uint32_t>(f->cohort);
    if (std::find(moved.begin(), moved.end(), ci) == moved.end()) moved.push_back(ci);
  };
  const auto mine = std::find_if(gp.shares.begin(), gp.shares.end(), [&](const GroupPlan::Share& s) { return s.service == v; });
  if (mine != gp.shares.end()) {
    const std::uint32_t routed = row(sp.routed_class, mine->fraction);
    sp.fraction[routed] = mine->fraction;
    for (const GroupPlan::Share& s : gp.difference.joined) move(s, routed);
  }
  // (`left` holds live tasks only: share_difference leaves out those that died)
  const bool any_left = std::any_of(gp.difference.left.begin(), gp.difference.left.end(),
                                    [&](const GroupPlan::Share& s) { return s.service == v; });
  if (any_left) {
    const std::uint32_t zero = row(sp.zero_class, 0.0);
    for (const GroupPlan::Share& s : gp.difference.left) move(s, zero);
  }
  sp.rate.assign(sp.classes, 0.0);
  sp.builds.front() = gp.build;
  // The cohorts that lost or gained a member split as a rebuild splits them, in the plan's order.
  // A member's class: its new one if it moved, else its cohort's (every cohort is of one class
  // between two refreshes) — not read from the class table, whose entries lie scattered by task id.
  const std::size_t existing = sp.cohorts.size();
  for (std::size_t i = 0; i < existing && !moved.empty(); ++i) {
    const std::uint32_t ci = sp.cohorts[i];
    const auto it = std::find(moved.begin(), moved.end(), ci);
    if (it == moved.end()) continue;
    *it = moved.back();
    moved.pop_back();
    const std::uint32_t stayed = m.cohorts[ci].rate_class;
    if (movers.size() > kFewMovers)
      split_cohort(m, v, ci, [&](std::uint32_t id) { return class_of[id]; });
    else
      split_cohort(m, v, ci, [&](std::uint32_t id) {
        for (const auto& [task, c] : movers)
          if (task == id) return c;
        return stayed;
      });
  }
  return true;
}

// Service `v`'s rate classes at `a`, and its cohorts split so that each cohort's members share one.
void refresh_service_plan(Impl& m, std::uint32_t v, SimTime a) {
  ServicePlan& sp = m.service_plans[v];
  const auto& tgs = m.service_groups[v];
  bool stale = sp.dirty || sp.builds.size() != tgs.size() || (tgs.empty() && a >= sp.until);
  for (std::size_t k = 0; !stale && k < tgs.size(); ++k) stale = sp.builds[k] != m.group_plans[tgs[k]].build;
  if (!stale) return;
  if (!sp.dirty && !m.rebuild_plans && tgs.size() == 1 && sp.builds.size() == 1 &&
      follow_group_plan(m, v, m.group_plans[tgs.front()])) {
    ++m.plan_updates.followed;
    return;
  }
  ++m.plan_updates.rebuilt;
  sp.dirty = false;
  sp.builds.resize(tgs.size());
  for (std::size_t k = 0; k < tgs.size(); ++k) sp.builds[k] = m.group_plans[tgs[k]].build;
  sp.until = kNever;

  // One row of fractions per live task: of each of its target groups' rates, or of the calls to it
  // (no target group: equal shares over its answering tasks).
  const auto& alive = m.alive[v];
  const std::uint32_t width = tgs.empty() ? 1 : static_cast<std::uint32_t>(tgs.size());
  std::vector<double>& rows = m.row_scratch;
  rows.assign(alive.size() * width, 0.0);
  if (tgs.empty()) {
    std::vector<TaskFlow*>& flows = m.flow_scratch;
    flows.resize(alive.size());
    for (std::size_t i = 0; i < alive.size(); ++i) flows[i] = m.flow(v, alive[i]);
    int answering = 0;
    for (const TaskFlow* f : flows) {
      answering += a >= f->ready && a < f->hangs_at ? 1 : 0;
      if (f->ready > a) sp.until = std::min(sp.until, f->ready);
      if (f->hangs_at > a) sp.until = std::min(sp.until, f->hangs_at);
    }
    sp.implicit_none = answering == 0;
    for (std::size_t i = 0; i < alive.size(); ++i)
      if (a >= flows[i]->ready && a < flows[i]->hangs_at) rows[i] = 1.0 / answering;
  } else {
    // A live task's row by its id (valid where alive[row] is that id: the scratch is never cleared).
    std::vector<std::uint32_t>& row_of = m.row_of_task_scratch;
    if (row_of.size() < m.flow_slot[v].size()) row_of.resize(m.flow_slot[v].size(), 0);
    for (std::size_t i = 0; i < alive.size(); ++i) row_of[alive[i]] = static_cast<std::uint32_t>(i);
    for (std::size_t k = 0; k < tgs.size(); ++k)
      for (const GroupPlan::Share& s : m.group_plans[tgs[k]].shares) {
        if (s.service != v || s.task >= row_of.size()) continue;
        const std::uint32_t row = row_of[s.task];
        if (row < alive.size() && alive[row] == s.task) rows[row * width + k] += s.fraction;
      }
  }

  // The distinct rows are the classes (round robin over equal tasks: one); each task's class goes
  // into the dense class table, not its flow (Impl::rate_class).
  sp.width = width;
  sp.classes = 0;
  sp.fraction.clear();
  auto same_row = [&](std::uint32_t c, const double* row) {
    return std::equal(row, row + width, sp.fraction.begin() + static_cast<std::ptrdiff_t>(c * width));
  };
  TaskTable<std::uint32_t>& class_of = m.rate_class[v];
  for (std::size_t i = 0; i < alive.size(); ++i) {
    const double* row = rows.data() + i * width;
    std::uint32_t c = sp.classes;
    if (c > 0 && same_row(c - 1, row)) {
      c = c - 1;
    } else {
      for (std::uint32_t k = 0; k < sp.classes; ++k)
        if (same_row(k, row)) {
          c = k;
          break;
        }
    }
    if (c == sp.classes) {
      sp.fraction.insert(sp.fraction.end(), row, row + width);
      ++sp.classes;
    }
    class_of[alive[i]] = c;
  }
  sp.rate.assign(sp.classes, 0.0);
  // The form follow_group_plan updates: one group, at most one non-zero row.
  sp.two_rows = width == 1 && !tgs.empty();
  sp.routed_class = sp.zero_class = -1;
  for (std::uint32_t c = 0; sp.two_rows && c < sp.classes; ++c) {
    std::int32_t& kind = sp.fraction[c] == 0.0 ? sp.zero_class : sp.routed_class;
    if (kind >= 0) sp.two_rows = false;
    kind = static_cast<std::int32_t>(c);
  }

  // A cohort's class is its members'. Cohorts whose members now differ split.
  const std::size_t existing = sp.cohorts.size();
  for (std::size_t i = 0; i < existing; ++i)
    split_cohort(m, v, m.service_plans[v].cohorts[i], [&](std::uint32_t id) { return class_of[id]; });
}

// After a step: cohorts of service `v` in the same class whose states are now identical merge
// (the oldest keeps its index).
void merge_cohorts(Impl& m, std::uint32_t v) {
  ServicePlan& sp = m.service_plans[v];
  if (sp.cohorts.size() < 2) return;
  std::vector<std::uint32_t>& reps = m.merge_scratch;
  reps.clear();
  bool merged = false;
  for (std::uint32_t ci : sp.cohorts) {
    Cohort& c = m.cohorts[ci];
    const auto same = [&](std::uint32_t ri) {
      const Cohort& r = m.cohorts[ri];
      return r.rate_class == c.rate_class && r.mu == c.mu && r.slots == c.slots && r.mu_slot == c.mu_slot &&
             r.queue.backlog() == c.queue.backlog() && r.inflight == c.inflight && r.last_rate == c.last_rate &&
             r.last_response == c.last_response;
    };
    const auto rep = std::find_if(reps.begin(), reps.end(), same);
    if (rep == reps.end()) {
      reps.push_back(ci);
      continue;
    }
    for (std::uint32_t id : c.members) move_member(m, id, *m.flow(v, id), *rep);
    c.members.clear();
    c.used = false;
    m.free_cohorts.push_back(ci);
    merged = true;
  }
  if (merged) std::erase_if(sp.cohorts, [&](std::uint32_t ci) { return !m.cohorts[ci].used; });
}

// A double of the step FluidQueue::advance has just returned through memory, loaded on its own.
// Left alone, GCC pairs `served` and `dropped` into one 16-byte load over the callee's two 8-byte
// stores; store forwarding then fails and the loop stalls there (perf: ~8 % of BM_SeedMonth).
// The empty asm only hides the value's origin from the vectoriser: no instruction, same bits.
inline double load_alone(double x) {
#if defined(__x86_64__) || defined(__i386__)
  asm("" : "+x"(x));
#endif
  return x;
}

// Mean response time of one member at rate λ (seconds): M/M/c when stable, else a full backlog's.
double mean_response(const Cohort& c, double lambda) {
  const MmcQueue q{lambda, c.mu_slot, c.slots};
  return q.stable() ? q.mean_response() : 1.0 / c.mu_slot;
}

}  // namespace

void Traffic::route(std::uint32_t g, double rps, double dt, std::array<double, kDropReasons>& own) {
  // Rate `rps` through group g: its drops before any task, the rest onto the classes of the services
  // whose tasks it routes to.
  Impl& m = *impl_;
  if (rps <= 0) return;
  const GroupPlan& gp = m.group_plans[g];
  if (gp.mode == RoutingMode::no_target) {
    own[static_cast<std::size_t>(DropReason::no_target)] += rps * dt;
    return;
  }
  for (std::size_t r = 0; r < kDropReasons; ++r) own[r] += rps * gp.dropped[r] * dt;
  for (std::uint32_t u : m.group_services[g]) {
    ServicePlan& sp = m.service_plans[u];
    const auto& tgs = m.service_groups[u];
    const auto k = static_cast<std::uint32_t>(std::find(tgs.begin(), tgs.end(), g) - tgs.begin());
    if (k >= sp.width) continue;
    for (std::uint32_t c = 0; c < sp.classes; ++c) sp.rate[c] += rps * sp.fraction[c * sp.width + k];
  }
}

double Traffic::integrate(std::size_t v, double internal, double dt) {
  // One service over one piece with `internal` rps of calls on top of its external load
  // (Impl::service_external): route, then step every cohort; returns the fraction of its requests
  // it does not drop itself.
  Impl& m = *impl_;
  auto& own = m.own[v];
  own.fill(0.0);
  const double external = m.service_external[v];
  const auto& tgs = m.service_groups[v];
  ServicePlan& sp = m.service_plans[v];
  const bool least_outstanding =
      !tgs.empty() && groups_[tgs.front()].config().algorithm == RoutingAlgorithm::least_outstanding_requests;
  for (std::size_t k = 0; k < tgs.size(); ++k) {
    const std::uint32_t g = tgs[k];
    double rps = m.group_service[g] == static_cast<std::int32_t>(v) ? m.group_rate[g] : 0.0;
    if (k == 0) rps += internal;  // calls come through the service's first target group
    m.minute_requests[g] += rps * dt;
    route(g, rps, dt, own);
  }
  if (tgs.empty() && internal > 0) {
    // Calls to a service with no target group (service discovery): equal shares over its
    // answering tasks.
    if (sp.implicit_none || sp.classes == 0)
      own[static_cast<std::size_t>(DropReason::no_target)] += internal * dt;
    else
      for (std::uint32_t c = 0; c < sp.classes; ++c) sp.rate[c] += internal * sp.fraction[c];
  }
  const double arrived = (external + internal) * dt;
  m.arrived[v] = arrived;
  ServiceRequestLedger& ledger = ledger_[v];
  ledger.arrived += arrived;
  for (double d : own) ledger.dropped += d;

  // Latency of the requests entering here (the user's view): only services with external load.
  const double entry_share = external + internal > 0 ? external / (external + internal) : 0.0;
  double pooled_lambda = 0, pooled_mu = 0, pooled_served = 0;
  int pooled_slots = 0;
  for (std::uint32_t ci : sp.cohorts) {
    Cohort& c = m.cohorts[ci];
    const auto members = static_cast<double>(c.members.size());
    const double lambda = c.rate_class < sp.rate.size() ? sp.rate[c.rate_class] : 0.0;
    c.routed += lambda * dt;
    const FluidQueueStep step = c.queue.advance(lambda, dt);
    const double served = load_alone(step.served), dropped = load_alone(step.dropped);
    ledger.completed += served * members;
    ledger.dropped += dropped * members;
    own[static_cast<std::size_t>(reason_of(step.reason))] += dropped * members;
    m.minute_busy[v] += served * members / c.mu;
    m.minute_present[v] += dt * members;
    // Requests in a task below the backlog relax towards Little's L = λ·E[T] with time constant
    // E[T] (in service ones finish at rate μ_slot each once arrivals stop).
    if (lambda != c.last_rate) {
      c.last_rate = lambda;
      // Equal cohorts at equal rates: the previous answer serves (Erlang C is O(c)).
      if (lambda == m.response_cache_lambda && c.slots == m.response_cache_slots && c.mu_slot == m.response_cache_mu) {
        c.last_response = m.response_cache;
      } else {
        c.last_response = mean_response(c, lambda);
        m.response_cache_lambda = lambda, m.response_cache_slots = c.slots, m.response_cache_mu = c.mu_slot;
        m.response_cache = c.last_response;
      }
    }
    const double busy_level = step.backlog_area > 0 ? c.slots : lambda * c.last_response;
    if (c.inflight != busy_level) {
      // Past ~40 time constants the difference is below rounding (and exp's underflow path is slow).
      const double decay = dt > 40 * c.last_response ? 0.0 : std::exp(-dt / c.last_response);
      const double relaxed = busy_level + (c.inflight - busy_level) * decay;
      // Settled to within rounding: hold it exactly (and skip the exp from now on).
      c.inflight = std::abs(relaxed - busy_level) <= 1e-12 * std::max(1.0, busy_level) ? busy_level : relaxed;
    }
    if (entry_share <= 0 || step.served <= 0) continue;
    const double weight = step.served * members * entry_share;
    if (least_outstanding) {
      pooled_lambda += lambda * members;
      pooled_mu += c.mu * members;
      pooled_slots += c.slots * static_cast<int>(c.members.size());
      pooled_served += step.served * members;
    } else if (step.backlog_area > 0) {
      // Backlogged: a request behind N others (the backlog counts those in service too) waits
      // for N − c of them to finish, (N − c)/μ, then takes one service time.
      const double wait = std::max(0.0, step.backlog_area / dt - c.slots) / c.mu;
      m.mixture.add(c.slots, c.mu_slot, 0.0, wait, weight);
    } else {
      m.mixture.add(c.slots, c.mu_slot, std::min(lambda / c.mu, 0.999), 0.0, weight);
    }
  }
  std::fill(sp.rate.begin(), sp.rate.end(), 0.0);
  merge_cohorts(m, static_cast<std::uint32_t>(v));
  if (pooled_served > 0)
    m.mixture.add(pooled_slots, pooled_mu / pooled_slots, std::min(pooled_lambda / pooled_mu, 0.999), 0.0,
                  pooled_served * entry_share);
  double dropped = 0;
  for (double d : own) dropped += d;
  return arrived > 0 ? std::clamp(1.0 - dropped / arrived, 0.0, 1.0) : 1.0;
}

void Traffic::advance_fluid(SimTime a, SimTime b) {
  // Every service together, in pieces split wherever a routing plan changes: a target group's view
  // (TargetGroup::view_until), a routed target starting or stopping to answer (GroupPlan::until),
  // or an implicit routing's (ServicePlan::until).
  Impl& m = *impl_;
  while (a < b) {
    for (std::size_t g = 0; g < groups_.size(); ++g)
      if (!m.group_services[g].empty()) refresh_group_plan(m, groups_[g], m.group_plans[g], a);
    for (std::size_t v = 0; v < services_.size(); ++v)
      if (m.params[v].has_traffic_config) refresh_service_plan(m, static_cast<std::uint32_t>(v), a);
    SimTime piece_end = b;
    for (std::size_t g = 0; g < groups_.size(); ++g)
      if (!m.group_services[g].empty())
        piece_end = std::min(piece_end, group_plan_holds_until(m, groups_[g], static_cast<std::uint32_t>(g), a));
    for (std::size_t v = 0; v < services_.size(); ++v)
      if (m.params[v].has_traffic_config) piece_end = std::min(piece_end, m.service_plans[v].until);
    integrate_all(a, piece_end);
    a = piece_end;
  }
}

void Traffic::catch_up(std::uint32_t v) {
  // One service, on its own, up to the clock: the same pieces as advance_fluid's, from its own
  // plans only (nothing of another service reaches it: Impl::lazy).
  Impl& m = *impl_;
  if (!m.lazy) return;
  const auto& tgs = m.service_groups[v];
  SimTime& upto = m.upto[v];
  while (upto < m.last) {
    const SimTime a = upto;
    for (std::uint32_t g : tgs) refresh_group_plan(m, groups_[g], m.group_plans[g], a);
    if (m.params[v].has_traffic_config) refresh_service_plan(m, v, a);
    SimTime piece_end = std::min(m.last, m.service_plans[v].until);
    for (std::uint32_t g : tgs) piece_end = std::min(piece_end, group_plan_holds_until(m, groups_[g], g, a));
    integrate_alone(v, a, piece_end);
    upto = piece_end;
  }
}

void Traffic::catch_up_all() {
  Impl& m = *impl_;
  if (!m.lazy) return;
  for (std::size_t v = 0; v < services_.size(); ++v) catch_up(static_cast<std::uint32_t>(v));
  // Target groups no service registers with: all 503, at the rate they had since.
  for (std::size_t g = 0; g < groups_.size(); ++g) {
    if (m.group_service[g] >= 0) continue;
    const double dt = static_cast<double>(m.last - m.group_upto[g]) / 1000.0;
    m.group_upto[g] = m.last;
    const double rps = m.group_rate[g];
    if (rps <= 0 || dt <= 0) continue;
    m.totals.offered += rps * dt;
    m.totals[DropReason::no_target] += rps * dt;
    m.minute_requests[g] += rps * dt;
  }
}

void Traffic::integrate_alone(std::uint32_t v, SimTime a, SimTime b) {
  Impl& m = *impl_;
  const double dt = static_cast<double>(b - a) / 1000.0;
  double external = 0;
  for (std::uint32_t g : m.service_groups[v]) {
    const double rps = m.group_rate[g];
    if (rps <= 0 || m.group_service[g] != static_cast<std::int32_t>(v)) continue;
    m.totals.offered += rps * dt;
    external += rps;
  }
  m.service_external[v] = external;
  if (m.alive[v].empty() && external <= 0) return;
  integrate(v, 0.0, dt);
  for (std::size_t r = 0; r < kDropReasons; ++r) m.totals.dropped[r] += m.own[v][r];
}

void Traffic::integrate_all(SimTime a, SimTime b) {
  Impl& m = *impl_;
  const double dt = static_cast<double>(b - a) / 1000.0;
  const std::size_t n = services_.size();

  // External load, per service, and to target groups no service registers with (all 503).
  std::fill(m.service_external.begin(), m.service_external.end(), 0.0);
  for (std::size_t g = 0; g < groups_.size(); ++g) {
    const double rps = m.group_rate[g];
    if (rps <= 0) continue;
    m.totals.offered += rps * dt;
    if (m.group_service[g] < 0) {
      m.totals[DropReason::no_target] += rps * dt;
      m.minute_requests[g] += rps * dt;
    } else {
      m.service_external[static_cast<std::size_t>(m.group_service[g])] += rps;
    }
  }
  if (!m.graph) {
    // Every service is its own entry: its drops are the entry's drops.
    for (std::size_t v = 0; v < n; ++v) {
      if (m.alive[v].empty() && m.service_external[v] <= 0) continue;
      integrate(v, 0.0, dt);
      for (std::size_t r = 0; r < kDropReasons; ++r) m.totals.dropped[r] += m.own[v][r];
    }
    return;
  }

  // With a call graph: services in topological order, each offered its external load plus its
  // callers' served rate × callsPerRequest; then every entry request's fate (call_graph.hpp).
  m.graph->evaluate(
      m.service_external,
      [&](std::size_t v, double offered) { return integrate(v, std::max(0.0, offered - m.service_external[v]), dt); },
      m.eval);
  for (std::size_t v = 0; v < n; ++v) {
    const double external = m.service_external[v] * dt;
    if (external <= 0) continue;
    // Its own drops, the external share of them.
    const double share = m.arrived[v] > 0 ? external / m.arrived[v] : 0.0;
    for (std::size_t r = 0; r < kDropReasons; ++r) m.totals.dropped[r] += share * m.own[v][r];
    // Failures downstream, by the reason of the first failure's own drops.
    for (std::size_t u = 0; u < n; ++u) {
      if (u == v) continue;
      const double ff = m.eval.first_failure_at(v, u);
      if (ff <= 0) continue;
      double own_total = 0;
      for (double d : m.own[u]) own_total += d;
      if (own_total <= 0) continue;
      for (std::size_t r = 0; r < kDropReasons; ++r) m.totals.dropped[r] += external * ff * m.own[u][r] / own_total;
    }
  }
}

}  // namespace spotsim
