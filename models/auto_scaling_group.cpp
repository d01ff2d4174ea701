#include "models/auto_scaling_group.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <tuple>

#include "models/event_kind.hpp"
#include "models/event_log.hpp"

namespace spotsim {

const char* to_string(RefreshStatus s) {
  switch (s) {
    case RefreshStatus::in_progress: return "InProgress";
    case RefreshStatus::successful: return "Successful";
    case RefreshStatus::failed: return "Failed";
  }
  return "unknown";
}

int on_demand_count(int desired, int base, int percentage_above_base) {
  // ASG-6: base first, then the percentage of the rest rounded up in favour of On-Demand.
  if (desired <= 0) return 0;
  const int from_base = std::min(desired, std::max(0, base));
  const long long above = desired - from_base;
  return from_base + static_cast<int>((above * std::clamp(percentage_above_base, 0, 100) + 99) / 100);
}

AutoScalingGroup::AutoScalingGroup(std::uint32_t index, AutoScalingGroupConfig config, Ec2Fleet& fleet,
                                   SpotMarket& market, std::uint64_t seed, std::uint64_t replication)
    : index_(index),
      config_(std::move(config)),
      fleet_(fleet),
      market_(market),
      termination_stream_(seed, "asg.termination/" + config_.name, replication),
      min_(config_.min_size),
      max_(config_.max_size),
      desired_(std::clamp(config_.desired_capacity, config_.min_size, config_.max_size)) {
  for (const std::string& az : config_.availability_zones) {
    std::vector<std::uint32_t> in_az;
    for (const std::string& type : config_.instance_types) in_az.push_back(market_.add_pool(type, az));
    pools_.push_back(std::move(in_az));
  }
  for (std::size_t az = pools_.size(); az-- > 0;)  // backwards: the first AZ listing a pool wins, as a search would
    for (std::uint32_t pool : pools_[az]) {
      if (az_by_pool_.size() <= pool) az_by_pool_.resize(pool + 1, 0);
      az_by_pool_[pool] = static_cast<std::uint32_t>(az);
    }
  counted_by_az_.assign(pools_.size() * 2, 0);
  counted_spot_by_pool_.assign(az_by_pool_.size(), 0);
  // ASG-18: the policies in list order, Default expanded (ASG-16, ASG-17: allocation strategy,
  // oldest launch template, closest to the next hour).
  for (TerminationPolicy p : config_.termination_policies) {
    if (p == TerminationPolicy::Default)
      expanded_policies_.insert(expanded_policies_.end(), {TerminationPolicy::AllocationStrategy,
                                                           TerminationPolicy::OldestLaunchTemplate,
                                                           TerminationPolicy::ClosestToNextInstanceHour});
    else
      expanded_policies_.push_back(p);
  }
}

bool AutoScalingGroup::counts(const Ec2Instance& i) const {
  if (i.group != index_ || !i.alive()) return false;
  if (i.notice_at) {
    // ASG-25: without Capacity Rebalancing a noticed instance is replaced only once it is gone;
    // ASG-23: with it, the group launches a replacement at the notice.
    return !config_.capacity_rebalance;
  }
  if (i.terminating_at || i.termination_held_since) return false;  // condemned by the group itself
  if (being_replaced_first(i.id)) return false;  // an instance refresh launches its replacement first
  // ASG-22, ASG-24: a recommended, unprotected instance is being replaced.
  if (config_.capacity_rebalance && i.rebalance_at && !i.protected_from_scale_in) return false;
  return true;
}

bool AutoScalingGroup::occupies(const Ec2Instance& i) const {
  return i.group == index_ && i.alive() && !((i.terminating_at || i.termination_held_since) && !i.notice_at);
}

void AutoScalingGroup::recount_member(InstanceId id) {
  const Ec2Instance& i = fleet_.at(id);
  if (counted_as_.size() <= id.value) counted_as_.resize(id.value + 1, 0);
  const std::uint8_t was = counted_as_[id.value];
  const bool counted = counts(i);
  const std::uint8_t now = static_cast<std::uint8_t>((counted ? 1 : 0) | (occupies(i) ? 2 : 0) |
                                                     (counted && !i.protected_from_scale_in ? 4 : 0));
  if (was == now) return;
  counted_as_[id.value] = now;
  occupying_ += ((now >> 1) & 1) - ((was >> 1) & 1);
  if (const int unprotected = ((now >> 2) & 1) - ((was >> 2) & 1); unprotected != 0) {
    counted_unprotected_ += unprotected;
    const auto at = std::lower_bound(unprotected_.begin(), unprotected_.end(), id);
    if (unprotected > 0)
      unprotected_.insert(at, id);  // a launch appends: its id is the highest
    else
      unprotected_.erase(at);
  }
  const int delta = (now & 1) - (was & 1);
  if (delta == 0) return;
  const auto option = static_cast<std::size_t>(i.option);
  counted_[option] += delta;
  counted_by_az_[az_of(i) * 2 + option] += delta;
  if (i.option == PurchaseOption::spot && i.pool < counted_spot_by_pool_.size()) counted_spot_by_pool_[i.pool] += delta;
}

std::string AutoScalingGroup::bookkeeping_mismatch() const {
  int by_option[2] = {0, 0}, occupying = 0, unprotected = 0;
  std::vector<int> by_az(counted_by_az_.size(), 0), spot_by_pool(counted_spot_by_pool_.size(), 0);
  for (InstanceId id : members_) {
    const Ec2Instance& i = fleet_.at(id);
    occupying += occupies(i) ? 1 : 0;
    if (!counts(i)) continue;
    unprotected += i.protected_from_scale_in ? 0 : 1;
    const auto option = static_cast<std::size_t>(i.option);
    ++by_option[option];
    ++by_az[az_of(i) * 2 + option];
    if (i.option == PurchaseOption::spot && i.pool < spot_by_pool.size()) ++spot_by_pool[i.pool];
  }
  std::string out;
  auto check = [&](const char* what, int kept, int recounted) {
    if (kept != recounted)
      out += std::string(what) + ": kept " + std::to_string(kept) + ", recounted " + std::to_string(recounted) + "; ";
  };
  check("on-demand", counted_[0], by_option[0]);
  check("spot", counted_[1], by_option[1]);
  check("occupying", occupying_, occupying);
  check("unprotected", counted_unprotected_, unprotected);
  for (std::size_t k = 0; k < by_az.size(); ++k) check("az x option", counted_by_az_[k], by_az[k]);
  for (std::size_t k = 0; k < spot_by_pool.size(); ++k) check("spot pool", counted_spot_by_pool_[k], spot_by_pool[k]);
  std::vector<InstanceId> unprotected_members;
  for (InstanceId id : members_)
    if (counts(fleet_.at(id)) && !fleet_.at(id).protected_from_scale_in) unprotected_members.push_back(id);
  if (unprotected_members != unprotected_) out += "unprotected list; ";
  for (InstanceId id : members_) {
    const Ec2Instance& i = fleet_.at(id);
    const bool tie_possible = i.alive() && i.rebalance_at && !i.replaced_by;
    if (tie_possible != std::binary_search(rebalanced_.begin(), rebalanced_.end(), id))
      out += "rebalanced list: instance " + std::to_string(id.value) + "; ";
  }
  return out;
}

int AutoScalingGroup::extra_allowed() const {
  // ASG-15: with Capacity Rebalancing the group may exceed desired by up to 10 % (at least one);
  // an instance refresh launching before it terminates, by the instances it replaces so (within
  // its MaxHealthyPercentage, which sized the batch).
  return (config_.capacity_rebalance ? std::max(1, desired_ / 10) : 0) + static_cast<int>(replaced_first_.size());
}

bool AutoScalingGroup::being_replaced_first(InstanceId id) const {
  return std::find(replaced_first_.begin(), replaced_first_.end(), id) != replaced_first_.end();
}

int AutoScalingGroup::active_count() const { return counted_[0] + counted_[1]; }

int AutoScalingGroup::active_count(PurchaseOption option) const { return counted_[static_cast<std::size_t>(option)]; }

std::size_t AutoScalingGroup::az_of(const Ec2Instance& instance) const {
  return instance.pool < az_by_pool_.size() ? az_by_pool_[instance.pool] : 0;
}

void AutoScalingGroup::update(Engine& engine, std::optional<int> min_size, std::optional<int> max_size,
                              std::optional<int> desired) {
  // ASG-1, ASG-2: new limits drag desired along; an explicit desired is kept within them.
  if (min_size) min_ = std::max(0, *min_size);
  if (max_size) max_ = std::max(min_, *max_size);
  desired_ = std::clamp(desired.value_or(desired_), min_, max_);
  request_reconcile(engine, engine.now());
}

void AutoScalingGroup::set_protection(Engine& engine, InstanceId id, bool on) {
  if (log_ && fleet_.at(id).protected_from_scale_in != on) [[unlikely]]
    log_->instance(engine.now(), fleet_.at(id), "scale_in_protection").boolean("from", !on).boolean("to", on);
  if (fleet_.at(id).protected_from_scale_in != on) fleet_.note_changed(id);  // managed scaling re-examines it
  fleet_.at(id).protected_from_scale_in = on;
  recount_member(id);  // ASG-24: a recommended instance is replaced only while unprotected
  if (!on && (blocked_ > 0 || refresh_in_progress())) request_reconcile(engine, engine.now());
}

void AutoScalingGroup::request_reconcile(Engine& engine, SimTime when) {
  if (reconcile_pending_ && *reconcile_pending_ <= when) return;
  reconcile_pending_ = when;
  engine.schedule(when, to_u8(Phase::scaling), to_u8(EventKind::asg_reconcile), index_, ++reconcile_generation_);
}

bool AutoScalingGroup::on_reconcile(Engine& engine, const Event& e) {
  if (e.generation != reconcile_generation_) return false;
  reconcile_pending_.reset();
  reconcile_capacity(engine);
  // Whatever changed the group may let a running refresh go on (a launch, a termination, desired).
  if (refresh_in_progress()) request_refresh_check(engine, engine.now());
  return true;
}

void AutoScalingGroup::reconcile_capacity(Engine& engine) {
  const int active = active_count();
  if (active < desired_)
    launch_towards_desired(engine);
  else if (active > desired_)
    terminate_towards_desired(engine);
  else
    blocked_ = 0;
}

void AutoScalingGroup::launch_towards_desired(Engine& engine) {
  blocked_ = 0;
  const int od_target = on_demand_count(desired_, config_.on_demand_base_capacity, config_.on_demand_percentage_above_base);
  const int spot_target = desired_ - od_target;
  // The active instances by purchase option and, as instances on their way out still occupy the
  // group (Capacity Rebalancing may exceed desired by a margin only, ASG-15), the alive ones.
  const int active_od = counted_[static_cast<std::size_t>(PurchaseOption::on_demand)];
  const int active_spot = counted_[static_cast<std::size_t>(PurchaseOption::spot)];
  const int alive = occupying_;
  int need_od = std::max(0, od_target - active_od);
  int need_spot = std::max(0, spot_target - active_spot);
  int deficit = desired_ - (active_od + active_spot);
  deficit = std::min(deficit, desired_ + extra_allowed() - alive);
  bool failed = false;
  // ASG-4: the On-Demand base is launched first as the group scales.
  while (deficit > 0 && need_od > 0) {
    if (!launch_one(engine, PurchaseOption::on_demand)) { failed = true; break; }
    --deficit;
    --need_od;
  }
  // ASG-11: no fallback from spot to On-Demand; a failed spot launch is retried later.
  while (deficit > 0 && need_spot > 0) {
    if (!launch_one(engine, PurchaseOption::spot)) { failed = true; break; }
    --deficit;
    --need_spot;
  }
  if (failed) request_reconcile(engine, engine.now() + fleet_.config().launch_retry);
}

bool AutoScalingGroup::launch_one(Engine& engine, PurchaseOption option) {
  const SimTime now = engine.now();
  for (std::size_t az : az_launch_order(option)) {
    for (std::uint32_t pool : ranked_pools(az, option, now)) {
      const double max_price = config_.spot_max_price.value_or(market_.on_demand_price(pool));
      if (!market_.can_launch(pool, option, max_price, now)) {
        ++stats_.launch_failures;  // InsufficientInstanceCapacity (or price above max): next pool
        if (log_) [[unlikely]] {
          // No instance exists: EC2 assigns no id to a failed launch, which AWS records as a failed
          // scaling activity of the group.
          const SpotPool& p = market_.pool(pool);
          log_->line(now, Entity::auto_scaling_group, config_.name, "launch_failed")
              .str("group", config_.name)
              .str("purchase", option == PurchaseOption::spot ? "spot" : "on-demand")
              .str("instance_type", p.instance_type)
              .str("availability_zone", p.availability_zone)
              .str("reason", p.unavailable_windows > 0 || p.trace_out_of_capacity ? "insufficient_capacity"
                                                                                   : "price_above_max");
        }
        continue;
      }
      const InstanceId id = fleet_.launch(engine, index_, pool, option, config_.launch_template_version,
                                          config_.new_instances_protected_from_scale_in, max_price);
      members_.push_back(id);
      recount_member(id);
      ++(option == PurchaseOption::spot ? stats_.launched_spot : stats_.launched_on_demand);
      const char* reason = "desired_capacity";
      if (refresh_launches_due_ > 0) {
        --refresh_launches_due_;
        ++stats_.refresh_replacements;
        reason = "instance_refresh";
      } else if (pending_replacements_ > 0) {
        --pending_replacements_;
        ++stats_.replacements;
        reason = "replacement";
      }
      // Capacity Rebalancing: tie the new spot instance to one it replaces, to terminate that one
      // once the new one passes its health check (ASG-22).
      // The first such member in launch order: rebalanced_ holds every member that may be one.
      if (option == PurchaseOption::spot && config_.capacity_rebalance) {
        for (auto it = rebalanced_.begin(); it != rebalanced_.end(); ++it) {
          const InstanceId old_id = *it;
          Ec2Instance& old = fleet_.at(old_id);
          if (old_id != id && old.alive() && old.option == PurchaseOption::spot && old.rebalance_at &&
              !old.notice_at && !old.replaced_by && !old.protected_from_scale_in) {
            old.replaced_by = id;
            fleet_.at(id).replaces = old_id;
            rebalanced_.erase(it);
            break;
          }
        }
      }
      if (log_) [[unlikely]] {
        auto line = log_->instance(now, fleet_.at(id), "launch_requested");
        line.str("reason", reason);
        if (fleet_.at(id).replaces) line.instance("replaces", *fleet_.at(id).replaces);
      }
      return true;
    }
    // ASG-12: balanced-best-effort tries the other AZs; balanced-only keeps to the chosen one.
    if (config_.capacity_distribution == CapacityDistribution::balanced_only) break;
  }
  return false;
}

const std::vector<std::size_t>& AutoScalingGroup::az_launch_order(PurchaseOption option) {
  // ASG-12: the AZ with the fewest instances first; ties by the purchase option's own count, then
  // by the order the group lists its AZs.
  auto total = [&](std::size_t az) { return counted_by_az_[az * 2] + counted_by_az_[az * 2 + 1]; };
  auto same = [&](std::size_t az) { return counted_by_az_[az * 2 + static_cast<std::size_t>(option)]; };
  std::vector<std::size_t>& order = launch_scratch_.az_order;
  order.resize(pools_.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return std::pair(total(a), same(a)) < std::pair(total(b), same(b));
  });
  return order;
}

const std::vector<std::uint32_t>& AutoScalingGroup::ranked_pools(std::size_t az, PurchaseOption option, SimTime now) {
  const std::vector<std::uint32_t>& pools = pools_[az];
  LaunchScratch& scratch = launch_scratch_;
  std::vector<std::size_t>& order = scratch.pool_order;  // indexes into the overrides (priority order)
  order.resize(pools.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  scratch.price.resize(pools.size());
  scratch.risk.resize(pools.size());
  for (std::size_t k = 0; k < pools.size(); ++k) {
    scratch.price[k] = option == PurchaseOption::spot ? market_.spot_price(pools[k], now) : market_.on_demand_price(pools[k]);
    scratch.risk[k] = market_.pool(pools[k]).interruption_rate_per_hour;
  }
  auto price = [&](std::size_t k) { return scratch.price[k]; };
  auto risk = [&](std::size_t k) { return scratch.risk[k]; };
  if (option == PurchaseOption::on_demand) {
    // ASG-9: prioritized = override order; lowest-price = cheapest On-Demand price first.
    if (config_.on_demand_allocation_strategy == OnDemandAllocationStrategy::lowest_price)
      std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return price(a) < price(b); });
  } else {
    double min_risk = 1e300;
    for (std::size_t k : order) min_risk = std::min(min_risk, risk(k));
    switch (config_.spot_allocation_strategy) {
      case SpotAllocationStrategy::lowest_price: {
        // ASG-8: draw from the N cheapest pools, spreading over them (fewest of the group's
        // instances first); when they fail, continue with the next cheapest.
        std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return price(a) < price(b); });
        const std::size_t n = std::min<std::size_t>(order.size(), static_cast<std::size_t>(std::max(1, config_.spot_instance_pools)));
        std::vector<int>& in_pool = scratch.in_pool;
        in_pool.resize(pools.size());
        for (std::size_t k = 0; k < pools.size(); ++k) in_pool[k] = counted_spot_by_pool_[pools[k]];
        std::stable_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(n),
                         [&](auto a, auto b) { return in_pool[a] < in_pool[b]; });
        break;
      }
      case SpotAllocationStrategy::capacity_optimized:
        // ASG-7: the pools with the most available capacity, i.e. the lowest interruption risk.
        std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return risk(a) < risk(b); });
        break;
      case SpotAllocationStrategy::capacity_optimized_prioritized: {
        // ASG-7: capacity first, the override priority on a best-effort basis: among the pools of
        // the lowest risk tier (within 25 % of the lowest risk) the priority order decides.
        auto tier = [&](std::size_t k) { return risk(k) <= min_risk * 1.25 + 1e-15 ? 0 : 1; };
        std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) {
          if (tier(a) != tier(b)) return tier(a) < tier(b);
          return tier(a) == 0 ? a < b : risk(a) < risk(b);
        });
        break;
      }
      case SpotAllocationStrategy::price_capacity_optimized:
        // ASG-7: the pools least likely to be interrupted (risk within twice the lowest), and
        // among those the lowest price; the riskier pools after, by risk.
        std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) {
          const int ta = risk(a) <= min_risk * 2 + 1e-15 ? 0 : 1;
          const int tb = risk(b) <= min_risk * 2 + 1e-15 ? 0 : 1;
          if (ta != tb) return ta < tb;
          return ta == 0 ? price(a) < price(b) : risk(a) < risk(b);
        });
        break;
    }
  }
  std::vector<std::uint32_t>& ranked = scratch.ranked;
  ranked.clear();
  for (std::size_t k : order) ranked.push_back(pools[k]);
  return ranked;
}

void AutoScalingGroup::terminate_towards_desired(Engine& engine) {
  const int excess = active_count() - desired_;
  const std::vector<InstanceId> victims = choose_scale_in_victims(excess, engine.now());
  for (InstanceId id : victims) {
    if (config_.managed_draining)
      fleet_.hold_termination(engine, id, TerminationCause::scale_in);  // CP-14: drained first
    else
      fleet_.schedule_termination(engine, id, engine.now(), TerminationCause::scale_in);
    recount_member(id);
    ++stats_.scale_in_terminations;
  }
  // ASG-21: desired has dropped; the protected rest stays until its protection is removed.
  blocked_ = excess - static_cast<int>(victims.size());
}

std::vector<InstanceId> AutoScalingGroup::choose_scale_in_victims(int n, SimTime now) {
  std::vector<InstanceId> victims;
  // ASG-20, ASG-21: every active instance protected (a managed-termination-protection group that
  // wants to shrink, looking again at every change): no victim, and no draw, without a pass.
  if (n <= 0 || counted_unprotected_ == 0) return victims;
  const int od_target = on_demand_count(desired_, config_.on_demand_base_capacity, config_.on_demand_percentage_above_base);
  const int spot_target = desired_ - od_target;
  // The counts below are over the active instances (counts()) not chosen yet: the kept ones to
  // start from, decremented as victims are chosen (the same numbers as recounting per victim).
  int od = counted_[static_cast<std::size_t>(PurchaseOption::on_demand)];
  int spot = counted_[static_cast<std::size_t>(PurchaseOption::spot)];
  std::vector<int>& per_az = scratch_.per_az;
  per_az.assign(pools_.size(), 0);
  for (std::size_t z = 0; z < pools_.size(); ++z) per_az[z] = counted_by_az_[z * 2] + counted_by_az_[z * 2 + 1];
  // ASG-20: protected instances are never scale-in victims. The unprotected active ones (kept by
  // recount_member, in members_ order) by purchase option: what a victim is chosen from.
  const std::vector<InstanceId>& active = unprotected_;
  std::vector<char>& chosen = scratch_.chosen;
  chosen.assign(active.size(), 0);
  std::vector<std::uint32_t>& az = scratch_.az;
  az.resize(active.size());
  std::vector<std::size_t>* unprotected_of = scratch_.of_option;
  unprotected_of[0].clear();
  unprotected_of[1].clear();
  for (std::size_t a = 0; a < active.size(); ++a) {
    const Ec2Instance& i = fleet_.at(active[a]);
    az[a] = static_cast<std::uint32_t>(az_of(i));
    unprotected_of[static_cast<std::size_t>(i.option)].push_back(a);
  }
  const std::vector<TerminationPolicy>& policies = expanded_policies_;

  std::vector<std::size_t>& candidates = scratch_.candidates;  // indexes into active, in its order
  for (int k = 0; k < n; ++k) {
    // ASG-17: first which purchase option to terminate, keeping the ASG-6 split.
    const PurchaseOption preferred = od - od_target > spot - spot_target ? PurchaseOption::on_demand : PurchaseOption::spot;
    candidates.clear();
    for (PurchaseOption option : {preferred, preferred == PurchaseOption::spot ? PurchaseOption::on_demand : PurchaseOption::spot}) {
      for (std::size_t a : unprotected_of[static_cast<std::size_t>(option)])
        if (!chosen[a]) candidates.push_back(a);
      if (!candidates.empty()) break;
    }
    if (candidates.empty()) break;

    // ASG-13: AZ balance before the termination policies: keep the candidates of the most
    // populated AZ(s); with balanced AZs the policies apply across all of them.
    int most = -1;
    for (std::size_t a : candidates) most = std::max(most, per_az[az[a]]);
    std::erase_if(candidates, [&](std::size_t a) { return per_az[az[a]] != most; });

    // ASG-18: the policies in list order, each breaking the ties the earlier ones left.
    for (TerminationPolicy p : policies) {
      if (candidates.size() <= 1) break;
      auto key = [&](std::size_t a) -> double {  // smaller key = terminated first
        const Ec2Instance& i = fleet_.at(active[a]);
        switch (p) {
          case TerminationPolicy::AllocationStrategy:
            // Remove what the strategy would not have chosen: the priciest (lowest-price,
            // prioritized: the lowest priority) or the riskiest pool first.
            if (i.option == PurchaseOption::on_demand) {
              if (config_.on_demand_allocation_strategy == OnDemandAllocationStrategy::lowest_price)
                return -market_.on_demand_price(i.pool);
              const auto& types = config_.instance_types;
              const auto& type = market_.pool(i.pool).instance_type;
              return -static_cast<double>(std::find(types.begin(), types.end(), type) - types.begin());
            }
            if (config_.spot_allocation_strategy == SpotAllocationStrategy::lowest_price)
              return -market_.spot_price(i.pool, now);
            return -market_.pool(i.pool).interruption_rate_per_hour;
          case TerminationPolicy::OldestLaunchTemplate:
            return static_cast<double>(i.launch_template_version);
          case TerminationPolicy::ClosestToNextInstanceHour:
            return static_cast<double>(hours(1) - (now - i.launched) % hours(1));
          case TerminationPolicy::NewestInstance:
            return -static_cast<double>(i.launched);
          case TerminationPolicy::OldestInstance:
            return static_cast<double>(i.launched);
          case TerminationPolicy::OldestLaunchConfiguration:  // launch templates only: no effect
          case TerminationPolicy::Default:
            return 0;
        }
        return 0;
      };
      double best = 1e300;
      for (std::size_t a : candidates) best = std::min(best, key(a));
      std::erase_if(candidates, [&](std::size_t a) { return key(a) != best; });
    }
    // Remaining ties: random (ASG-16), from the group's own stream.
    const std::size_t victim =
        candidates[candidates.size() == 1 ? 0 : termination_stream_.below(static_cast<std::uint32_t>(candidates.size()))];
    victims.push_back(active[victim]);
    chosen[victim] = 1;
    --(fleet_.at(active[victim]).option == PurchaseOption::spot ? spot : od);
    --per_az[az[victim]];
  }
  return victims;
}

void AutoScalingGroup::on_booted(Engine& engine, InstanceId id) {
  const Ec2Instance& instance = fleet_.at(id);
  if (!instance.replaces) return;
  // ASG-22: the replacement passed its health check; terminate the instance it replaces, unless
  // that one is protected (ASG-24) or already on its way out.
  Ec2Instance& old = fleet_.at(*instance.replaces);
  if (old.alive() && !old.terminating_at && !old.protected_from_scale_in) {
    fleet_.schedule_termination(engine, old.id, engine.now(), TerminationCause::capacity_rebalance);
    recount_member(old.id);
    ++stats_.rebalance_terminations;
  }
}

void AutoScalingGroup::on_terminated(Engine& engine, InstanceId id) {
  const Ec2Instance& instance = fleet_.at(id);
  // The group's scans stay proportional to its size, not its history. members_ ascends: a binary
  // search finds it (a scan of a 2,000-instance group per termination was measurable).
  if (const auto it = std::lower_bound(members_.begin(), members_.end(), id); it != members_.end() && *it == id)
    members_.erase(it);
  std::erase(replaced_first_, id);
  if (const auto it = std::lower_bound(rebalanced_.begin(), rebalanced_.end(), id); it != rebalanced_.end() && *it == id)
    rebalanced_.erase(it);
  recount_member(id);
  // ASG-1: the group maintains desired capacity; unexpected terminations are replaced.
  if (instance.cause == TerminationCause::unhealthy ||
      (instance.cause == TerminationCause::spot_interruption && !config_.capacity_rebalance))
    ++pending_replacements_;
  request_reconcile(engine, engine.now());
}

void AutoScalingGroup::on_rebalance_recommendation(Engine& engine, InstanceId id) {
  // The world has just set its rebalance_at: it may be tied to a replacement now (launch_one).
  if (const Ec2Instance& i = fleet_.at(id); i.group == index_ && i.alive() && !i.replaced_by) {
    const auto it = std::lower_bound(rebalanced_.begin(), rebalanced_.end(), id);
    if (it == rebalanced_.end() || *it != id) rebalanced_.insert(it, id);
  }
  recount_member(id);
  if (!config_.capacity_rebalance || fleet_.at(id).protected_from_scale_in) return;
  ++pending_replacements_;
  request_reconcile(engine, engine.now());  // ASG-22: launch before terminate
}

void AutoScalingGroup::on_interruption_notice(Engine& engine, InstanceId id) {
  recount_member(id);  // the world has just set its notice_at and decided its termination
  if (!config_.capacity_rebalance) return;  // ASG-25: replaced after it is gone
  // ASG-23: on the notice, a replacement is launched at once, unless one is already coming.
  if (!fleet_.at(id).replaced_by && !fleet_.at(id).rebalance_at) ++pending_replacements_;
  request_reconcile(engine, engine.now());
}

bool AutoScalingGroup::mark_unhealthy(Engine& engine, InstanceId id) {
  const Ec2Instance& instance = fleet_.at(id);
  if (!instance.alive() || instance.group != index_) return false;
  // ASG-28: within the grace period after launch an unhealthy instance is kept.
  if (engine.now() < instance.launched + config_.health_check_grace_period) return false;
  // ASG-15: terminate-and-launch.
  fleet_.schedule_termination(engine, id, engine.now(), TerminationCause::unhealthy);
  recount_member(id);
  return true;
}

// --- Instance refresh -------------------------------------------------------------------------
//
// The rolling strategy as AWS describes it ("How an instance refresh works", Amazon EC2 Auto
// Scaling User Guide): it "terminates instances and launches new ones in batches according to your
// preferences". ASG-15: without an instance maintenance policy (MaxHealthyPercentage null = 100 %)
// a refresh is terminate-and-launch: "new instances are provisioned at the same time your existing
// instances are terminated" (User Guide, "Instance maintenance policy overview"). Each batch is as
// large as MinHealthyPercentage allows: at least ceil(desired × MinHealthyPercentage / 100)
// instances stay "in service, healthy, and ready to use" [API-ASG RefreshPreferences]. With
// MaxHealthyPercentage above 100 ("the maximum percentage of the group that can be in service and
// healthy, or pending") the batch grows by floor(desired × MaxHealthyPercentage / 100) − desired
// instances whose replacements are launched first, the old ones terminated once those are ready
// (launch-before-terminate, as the instance maintenance policy describes it). The next batch
// starts once every new instance is InService and its instance warmup has passed ("During this
// time, Amazon EC2 Auto Scaling does not immediately move on to the next replacement").
//
// spotsim's reading where AWS is silent:
// - "Ready" = counted by the group (alive, not condemned), booted (passes the EC2 status check),
//   and warmed up. Instances being terminated (draining under a held lifecycle hook) are not in
//   service, so the refresh does not wait for them to finish terminating before the next batch;
//   it is over when the last of them is gone.
// - The victims of a batch: the oldest first (AWS documents no order; the launch goes to the AZ
//   with the fewest instances, ASG-12, so a batch of one keeps the AZs balanced).
// - When the rule leaves no room (MinHealthyPercentage 100, or a small group where the rounded-up
//   minimum is the whole group), the refresh replaces one instance at a time and launches it first:
//   the API reference's "Setting the minimum healthy percentage to 100 percent limits the rate of
//   replacement to one instance at a time", and the User Guide's "Launch the new instances first
//   before terminating the old ones if the minimum healthy percentage is set to 100 percent. This
//   ensures that your desired capacity is maintained at all times." The group is then one above
//   MaxHealthyPercentage 100 for the batch: the minimum wins.
// - With managed draining (CP-14, which lists instance refresh among the events it covers) a batch's
//   instances are held and drained by ECS first, like a scale-in.

void AutoScalingGroup::request_refresh_check(Engine& engine, SimTime when) {
  // Each check recomputes everything from the group's state and asks for its own next one, so
  // keeping only the earliest pending check loses nothing.
  if (refresh_check_at_ && *refresh_check_at_ <= when) return;
  refresh_check_at_ = when;
  engine.schedule(when, to_u8(Phase::scaling), to_u8(EventKind::instance_refresh), index_, ++refresh_generation_, -1);
}

bool AutoScalingGroup::start_refresh(Engine& engine, const InstanceRefresh& refresh) {
  if (refresh_in_progress()) return false;  // InstanceRefreshInProgress
  refresh_ = refresh;
  // RefreshPreferences.InstanceWarmup, else DefaultInstanceWarmup, else HealthCheckGracePeriod [API-ASG].
  refresh_warmup_ = refresh.instance_warmup.value_or(config_.default_instance_warmup.value_or(config_.health_check_grace_period));
  // The desired configuration: a new launch template version (a new AMI) for every launch from now.
  ++config_.launch_template_version;
  InstanceRefreshProgress progress;
  progress.started = engine.now();
  progress.launch_template_version = config_.launch_template_version;
  progress.min_healthy = min_healthy_count();
  for (InstanceId id : members_) {
    const Ec2Instance& i = fleet_.at(id);
    if (i.alive() && !i.terminating_at && !i.termination_held_since) ++progress.to_replace;
  }
  refreshes_.push_back(progress);
  if (log_)
    log_->line(engine.now(), Entity::auto_scaling_group, config_.name, "instance_refresh_started")
        .str("group", config_.name)
        .num("launch_template_version", progress.launch_template_version)
        .num("min_healthy", progress.min_healthy)
        .num("to_replace", progress.to_replace);
  refresh_launches_due_ = 0;
  refresh_waiting_since_.reset();
  request_refresh_check(engine, engine.now());
  return true;
}

int AutoScalingGroup::min_healthy_count() const {
  // "as a percentage of the desired capacity ... (rounded up to the nearest integer)" [API-ASG]
  const long long pct = std::clamp(refresh_.min_healthy_percentage, 0, 100);
  return static_cast<int>((static_cast<long long>(desired_) * pct + 99) / 100);
}

int AutoScalingGroup::max_healthy_count() const {
  // AWS states no rounding for the maximum; rounding down keeps the group within it.
  const long long pct = std::clamp(refresh_.max_healthy_percentage, 100, 200);
  return static_cast<int>(static_cast<long long>(desired_) * pct / 100);
}

SimTime AutoScalingGroup::refresh_ready_at(const Ec2Instance& i) const {
  // InService once booted (the fleet boots every instance max(bootTime, pendingTime) after launch),
  // ready to use once the warmup has passed.
  return i.launched + std::max(fleet_.config().boot_time, fleet_.config().pending_time) + refresh_warmup_;
}

bool AutoScalingGroup::on_refresh_check(Engine& engine, const Event& e) {
  if (e.generation != refresh_generation_ || !refresh_in_progress()) return false;
  refresh_check_at_.reset();
  // Terminate-and-launch: the batch's replacements are launched at once.
  if (refresh_step(engine)) reconcile_capacity(engine);
  if (refresh_in_progress()) refresh_schedule_next(engine);
  return true;
}

bool AutoScalingGroup::refresh_step(Engine& engine) {
  InstanceRefreshProgress& progress = refreshes_.back();
  const SimTime now = engine.now();
  const bool wait_for_protected = refresh_.scale_in_protected_instances == ScaleInProtectedInstances::Wait;
  const bool replace_protected = refresh_.scale_in_protected_instances == ScaleInProtectedInstances::Refresh;
  auto condemn = [&](InstanceId id) {
    if (config_.managed_draining)
      fleet_.hold_termination(engine, id, TerminationCause::instance_refresh);  // CP-14: drained first
    else
      fleet_.schedule_termination(engine, id, now, TerminationCause::instance_refresh);
    recount_member(id);
    ++progress.terminated;
    ++stats_.refresh_terminations;
  };

  int ready = 0;
  bool settling = false;  // a new (or any counted) instance is not InService and warmed up yet
  for (InstanceId id : members_) {
    const Ec2Instance& i = fleet_.at(id);
    if (!counts(i)) continue;
    if (i.booted && refresh_ready_at(i) <= now)
      ++ready;
    else
      settling = true;
  }
  // Launch-before-terminate: once their replacements are ready, the instances they replace go.
  std::vector<InstanceId> released;  // no longer being replaced first: counted again if they count
  std::erase_if(replaced_first_, [&](InstanceId id) {
    const Ec2Instance& i = fleet_.at(id);
    const bool going = !i.alive() || i.terminating_at || i.termination_held_since;  // going anyway
    if (going) released.push_back(id);
    return going;
  });
  for (InstanceId id : released) recount_member(id);
  if (!settling) {
    const std::vector<InstanceId> first = std::move(replaced_first_);
    replaced_first_.clear();
    for (InstanceId id : first) {
      condemn(id);
      ++progress.launched_first;
    }
  }

  std::vector<InstanceId> eligible;  // on the old template, not on their way out, replaceable now
  int protected_left = 0, ignored = 0;
  bool old_left = false;             // an old instance still alive that the refresh waits for
  for (InstanceId id : members_) {
    const Ec2Instance& i = fleet_.at(id);
    if (!i.alive() || i.launch_template_version >= progress.launch_template_version) continue;
    if (i.terminating_at || i.termination_held_since || being_replaced_first(id)) {
      old_left = true;  // draining, under an interruption notice, or waiting for its replacement
    } else if (i.protected_from_scale_in && !replace_protected) {
      if (wait_for_protected) {
        ++protected_left;
        old_left = true;
      } else {
        ++ignored;  // Ignore: "continues to replace instances that are not protected"
      }
    } else {
      eligible.push_back(id);
      old_left = true;
    }
  }

  if (!old_left && !settling) {
    progress.status = RefreshStatus::successful;
    progress.ended = now;
    progress.ignored = ignored;
    refresh_launches_due_ = 0;
    log_refresh_end(now);
    return false;
  }
  if (settling) return false;  // the batch in flight is not ready yet
  if (eligible.empty()) {
    if (protected_left == 0) return false;  // only terminations to wait for
    // Wait: "waits one hour for you to remove scale-in protection. Otherwise, the instance refresh
    // will fail." The hour runs from when nothing but protected instances is left to replace.
    if (!refresh_waiting_since_) refresh_waiting_since_ = now;
    if (now >= *refresh_waiting_since_ + hours(1)) {
      progress.status = RefreshStatus::failed;
      progress.ended = now;
      refresh_launches_due_ = 0;
      log_refresh_end(now);
    }
    return false;
  }
  refresh_waiting_since_.reset();

  // The batch: terminated at once as far as the minimum allows (terminate-and-launch), replaced
  // first as far as the maximum allows (launch-before-terminate) — "A large range increases the
  // number of instances that can be replaced at the same time" [API-ASG InstanceMaintenancePolicy].
  const int drop = std::max(0, ready - min_healthy_count());
  const int surge = std::max(0, max_healthy_count() - std::max(ready, desired_));
  int batch = drop + surge;
  int first = std::min(surge, batch);  // a short last batch keeps capacity: launch first
  if (batch == 0 && ready >= desired_) {
    // No room either way (the rounded-up minimum is the whole group, the maximum is 100 %): one
    // instance at a time, launched first. The User Guide ("How an instance refresh works"): it will
    // "Launch the new instances first before terminating the old ones if the minimum healthy
    // percentage is set to 100 percent. This ensures that your desired capacity is maintained at all
    // times." A minimum that rounds up to the whole group (90 % of 3 → 3) is the same case.
    batch = 1;
    first = 1;
  }
  batch = std::min(batch, static_cast<int>(eligible.size()));
  first = std::min(first, batch);
  if (batch <= 0) return false;  // below the minimum (e.g. launches failing): wait for capacity
  for (int k = 0; k < batch; ++k) {
    const InstanceId id = eligible[static_cast<std::size_t>(k)];  // members_ order: oldest first
    if (k < batch - first)
      condemn(id);
    else {
      replaced_first_.push_back(id);
      recount_member(id);
    }
  }
  ++progress.batches;
  refresh_launches_due_ += batch;
  if (log_)
    log_->line(now, Entity::auto_scaling_group, config_.name, "instance_refresh_batch")
        .str("group", config_.name)
        .num("instances", batch)
        .num("launched_first", first);
  return true;
}

void AutoScalingGroup::log_refresh_end(SimTime now) {
  if (!log_) return;
  const InstanceRefreshProgress& p = refreshes_.back();
  log_->line(now, Entity::auto_scaling_group, config_.name, "instance_refresh_ended")
      .str("group", config_.name)
      .str("status", p.status == RefreshStatus::successful ? "successful" : "failed")
      .num("replaced", p.terminated);
}

void AutoScalingGroup::refresh_schedule_next(Engine& engine) {
  // The next instant the refresh can move on by itself: an instance becoming ready, or the end of
  // the Wait hour. Terminations, protection changes and new desired capacities come through the
  // group's reconcile, which asks for a check.
  const SimTime now = engine.now();
  SimTime next = kNever;
  for (InstanceId id : members_) {
    const Ec2Instance& i = fleet_.at(id);
    if (!counts(i) || (i.booted && refresh_ready_at(i) <= now)) continue;
    next = std::min(next, std::max(refresh_ready_at(i), now + seconds(1)));
  }
  if (refresh_waiting_since_) next = std::min(next, *refresh_waiting_since_ + hours(1));
  if (next != kNever) request_refresh_check(engine, next);
}

}  // namespace spotsim
