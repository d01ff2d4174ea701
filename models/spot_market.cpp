#include "models/spot_market.hpp"

#include <algorithm>
#include <cmath>
#include <functional>

#include "models/event_kind.hpp"

namespace spotsim {
namespace {

// Spot Advisor buckets (SP-8) as a monthly share of capacity reclaimed: the bucket's midpoint, and
// 25 % for ">20 %" (an assumption: the feed gives no upper bound).
constexpr double kAdvisorMonthlyShare[] = {0.025, 0.075, 0.125, 0.175, 0.25};
constexpr double kHoursPerMonth = 30 * 24;

double advisor_rate_per_hour(int bucket) {
  if (bucket < 0 || bucket > 4) return 0;
  return -std::log(1.0 - kAdvisorMonthlyShare[bucket]) / kHoursPerMonth;
}

SimTime hours_to_ms(double h) {
  const double ms = h * 3'600'000.0;
  return ms >= 9.0e18 ? kNever : static_cast<SimTime>(ms);
}

// The fleet's live instances in id order: reclaims walk them in a fixed order (the order of the
// victim draws), and never over the fleet's history.
std::vector<std::reference_wrapper<const Ec2Instance>> alive_in_id_order(const Ec2Fleet& fleet) {
  std::vector<std::uint32_t> ids = fleet.alive_ids();
  std::sort(ids.begin(), ids.end());
  std::vector<std::reference_wrapper<const Ec2Instance>> out;
  out.reserve(ids.size());
  for (std::uint32_t id : ids) out.emplace_back(fleet.at(InstanceId{id}));
  return out;
}

}  // namespace

const char* to_string(InterruptionModel m) {
  switch (m) {
    case InterruptionModel::none: return "none";
    case InterruptionModel::advisor: return "advisor";
    case InterruptionModel::hazard: return "hazard";
    case InterruptionModel::trace: return "trace";
    case InterruptionModel::price: return "price";
  }
  return "unknown";
}

SpotMarket::SpotMarket(const SpotMarketConfig& config, std::uint64_t seed, std::uint64_t replication)
    : config_(config), seed_(seed), replication_(replication) {}

std::uint32_t SpotMarket::add_pool(const std::string& instance_type, const std::string& availability_zone) {
  const std::string key = instance_type + "/" + availability_zone;
  if (auto existing = find_pool(key)) return *existing;
  SpotPool pool;
  pool.instance_type = instance_type;
  pool.availability_zone = availability_zone;
  pool.key = key;
  if (auto it = config_.spot_price_by_pool.find(key); it != config_.spot_price_by_pool.end()) {
    pool.spot_price = &it->second;
  } else if (auto jt = config_.spot_price_by_type.find(instance_type); jt != config_.spot_price_by_type.end()) {
    pool.spot_price = &jt->second;
  } else {
    pool.spot_price = &owned_prices_.emplace_back(0.0);  // an On-Demand-only pool: never priced
  }
  if (auto it = config_.on_demand_price.find(instance_type); it != config_.on_demand_price.end())
    pool.on_demand_price = it->second;

  PoolProcess process;
  switch (config_.model) {
    case InterruptionModel::advisor: {
      const auto it = config_.advisor_bucket.find(instance_type);
      const double rate = it == config_.advisor_bucket.end() ? 0.0 : advisor_rate_per_hour(it->second);
      const double c = std::clamp(config_.correlation, 0.0, 1.0);
      process.instance_rate_per_hour = rate * (1 - c);
      if (config_.reclaim_fraction > 0) process.reclaims_per_hour = rate * c / config_.reclaim_fraction;
      break;
    }
    case InterruptionModel::hazard:
      process.instance_rate_per_hour = config_.rate_per_instance_hour;
      process.reclaims_per_hour = config_.pool_reclaims_per_day / 24.0;
      break;
    case InterruptionModel::trace: {
      auto it = config_.traces.find(key);
      if (it == config_.traces.end()) it = config_.traces.find("*");
      if (it != config_.traces.end() && !it->second.counts.empty() && it->second.gap > 0)
        process.trace = &it->second;
      break;
    }
    case InterruptionModel::none:
    case InterruptionModel::price:
      break;
  }
  // The pool's risk, as capacity-optimized strategies rank it: the expected per-instance rate.
  pool.interruption_rate_per_hour =
      process.instance_rate_per_hour + process.reclaims_per_hour * std::clamp(config_.reclaim_fraction, 0.0, 1.0);

  pools_.push_back(pool);
  process_.push_back(process);
  reclaim_stream_.emplace_back(seed_, "spot.reclaim/" + key, replication_);
  instance_stream_.emplace_back(seed_, "spot.instance/" + key, replication_);
  victim_stream_.emplace_back(seed_, "spot.victims/" + key, replication_);
  return static_cast<std::uint32_t>(pools_.size() - 1);
}

std::optional<std::uint32_t> SpotMarket::find_pool(const std::string& key) const {
  for (std::size_t i = 0; i < pools_.size(); ++i)
    if (pools_[i].key == key) return static_cast<std::uint32_t>(i);
  return std::nullopt;
}

bool SpotMarket::can_launch(std::uint32_t p, PurchaseOption option, double spot_max_price, SimTime now) const {
  // On-Demand capacity is modelled as always available; unavailability windows and traces describe
  // spot capacity (InsufficientInstanceCapacity for spot requests).
  if (option == PurchaseOption::on_demand) return true;
  const SpotPool& pool = pools_[p];
  if (pool.unavailable_windows > 0 || pool.trace_out_of_capacity) return false;
  // A spot request whose max price is below the current spot price is not fulfilled (SP-7, ASG-10).
  return spot_price(p, now) <= spot_max_price;
}

void SpotMarket::start(Engine& engine, SimTime horizon) {
  horizon_ = horizon;
  for (std::uint32_t p = 0; p < pools_.size(); ++p) {
    if (config_.model == InterruptionModel::price)
      if (auto next = pools_[p].spot_price->next_change_after(engine.now()); next && *next <= horizon)
        engine.schedule(*next, to_u8(Phase::market), to_u8(EventKind::spot_price_change), p);
    schedule_next_reclaim(engine, p);
    if (const AvailabilityTrace* trace = process_[p].trace) {
      // Find the tick in force at the start; replay from there.
      std::int64_t tick = trace->offset >= 0 ? 0 : (-trace->offset) / trace->gap;
      if (!trace->loop && tick >= static_cast<std::int64_t>(trace->counts.size())) continue;
      engine.schedule(std::max<SimTime>(engine.now(), trace->offset + tick * trace->gap), to_u8(Phase::interruption),
                      to_u8(EventKind::trace_step), p, 0, tick);
    }
  }
  for (const PoolUnavailability& window : config_.unavailability) {
    const auto p = find_pool(window.pool);
    if (!p || window.duration <= 0) continue;
    engine.schedule(window.from, to_u8(Phase::market), to_u8(EventKind::pool_availability), *p, 0, 0);
    engine.schedule(window.from + window.duration, to_u8(Phase::market), to_u8(EventKind::pool_availability), *p, 0, 1);
  }
}

void SpotMarket::schedule_next_reclaim(Engine& engine, std::uint32_t p) {
  const double rate = process_[p].reclaims_per_hour;
  if (rate <= 0) return;
  const SimTime when = engine.now() + hours_to_ms(reclaim_stream_[p].exponential(rate));
  if (when <= horizon_) engine.schedule(when, to_u8(Phase::interruption), to_u8(EventKind::pool_reclaim), p);
}

void SpotMarket::on_instance_running(Engine& engine, const Ec2Instance& instance) {
  if (instance.option != PurchaseOption::spot) return;
  const double rate = process_[instance.pool].instance_rate_per_hour;
  if (rate <= 0) return;
  const SimTime when = engine.now() + hours_to_ms(instance_stream_[instance.pool].exponential(rate));
  if (when <= horizon_) interrupt(engine, instance, when);
}

void SpotMarket::interrupt(Engine& engine, const Ec2Instance& instance, SimTime notice_time) {
  if (config_.rebalance && instance_stream_[instance.pool].bernoulli(config_.rebalance->probability)) {
    // SP-2: the recommendation comes up to lead_time earlier, never before the decision itself (a
    // reclaim decided now sends both together — "it can arrive along with the notice").
    const SimTime rec = std::max(engine.now(), notice_time - config_.rebalance->lead_time);
    engine.schedule(rec, to_u8(Phase::interruption), to_u8(EventKind::rebalance_recommendation),
                    instance.id.value, instance.generation);
  }
  engine.schedule(notice_time, to_u8(Phase::interruption), to_u8(EventKind::interruption_notice),
                  instance.id.value, instance.generation);
}

void SpotMarket::reclaim_fraction_of_pool(Engine& engine, std::uint32_t p, double fraction, const Ec2Fleet& fleet) {
  std::vector<const Ec2Instance*> running;
  for (const Ec2Instance& instance : alive_in_id_order(fleet))
    if (instance.pool == p && instance.option == PurchaseOption::spot && instance.state == InstanceState::running &&
        !instance.notice_at)
      running.push_back(&instance);
  if (running.empty()) return;
  RandomStream& rng = victim_stream_[p];
  // Choose ceil(fraction × n) victims uniformly (a partial Fisher–Yates shuffle).
  const auto n = running.size();
  const auto k = std::min(n, static_cast<std::size_t>(std::ceil(fraction * static_cast<double>(n) - 1e-9)));
  for (std::size_t i = 0; i < k; ++i) {
    const std::size_t j = i + rng.below(static_cast<std::uint32_t>(n - i));
    std::swap(running[i], running[j]);
    // Co-interruptions of one reclaim fall within `reclaim_spread` of each other (design.md).
    const auto spread = config_.reclaim_spread > 0 ? static_cast<SimTime>(rng.uniform() * static_cast<double>(config_.reclaim_spread)) : 0;
    interrupt(engine, *running[i], engine.now() + spread);
  }
}

bool SpotMarket::handle(Engine& engine, const Event& e, const Ec2Fleet& fleet) {
  const std::uint32_t p = e.target;
  switch (static_cast<EventKind>(e.kind)) {
    case EventKind::spot_price_change: {
      // Model "price": instances whose group's max price is now below the spot price are reclaimed.
      const double price = spot_price(p, engine.now());
      for (const Ec2Instance& instance : alive_in_id_order(fleet))
        if (instance.pool == p && instance.option == PurchaseOption::spot && instance.alive() && !instance.notice_at &&
            instance.spot_max_price < price)
          interrupt(engine, instance, engine.now());
      if (auto next = pools_[p].spot_price->next_change_after(engine.now()); next && *next <= horizon_)
        engine.schedule(*next, to_u8(Phase::market), to_u8(EventKind::spot_price_change), p);
      return true;
    }
    case EventKind::pool_availability:
      pools_[p].unavailable_windows += e.arg == 0 ? 1 : -1;
      return true;
    case EventKind::pool_reclaim: {
      // Each running spot instance of the pool is taken with probability `reclaim_fraction`: the
      // expected share matches the hazard's derivation for any pool size.
      std::vector<const Ec2Instance*> victims;
      RandomStream& rng = victim_stream_[p];
      for (const Ec2Instance& instance : alive_in_id_order(fleet))
        if (instance.pool == p && instance.option == PurchaseOption::spot && instance.state == InstanceState::running &&
            !instance.notice_at && rng.bernoulli(config_.reclaim_fraction))
          victims.push_back(&instance);
      for (const Ec2Instance* victim : victims) {
        const auto spread = config_.reclaim_spread > 0 ? static_cast<SimTime>(rng.uniform() * static_cast<double>(config_.reclaim_spread)) : 0;
        SimTime notice = engine.now() + spread;
        // With rebalance recommendations on, the reclaim is decided now and announced lead_time later.
        if (config_.rebalance) notice += config_.rebalance->lead_time;
        interrupt(engine, *victim, notice);
      }
      schedule_next_reclaim(engine, p);
      return true;
    }
    case EventKind::trace_step: {
      PoolProcess& process = process_[p];
      const AvailabilityTrace& trace = *process.trace;
      const auto size = static_cast<std::int64_t>(trace.counts.size());
      const std::int64_t tick = e.arg;
      const int count = trace.counts[static_cast<std::size_t>(tick % size)];
      if (process.trace_last > 0 && count < process.trace_last)
        reclaim_fraction_of_pool(engine, p, static_cast<double>(process.trace_last - count) / process.trace_last, fleet);
      pools_[p].trace_out_of_capacity = count <= 0;
      process.trace_last = count;
      schedule_next_trace_step(engine, p, tick);
      return true;
    }
    case EventKind::rebalance_recommendation:
    case EventKind::interruption_notice:
    case EventKind::instance_running:
    case EventKind::instance_booted:
    case EventKind::instance_terminate:
    case EventKind::instance_termination_hold:
    case EventKind::container_instance_register:
    case EventKind::container_instance_drain:
    case EventKind::task_step:
    case EventKind::task_substate:
    case EventKind::task_healthy:
    case EventKind::service_reconcile:
    case EventKind::service_deployment:
    case EventKind::scheduled_action:
    case EventKind::asg_reconcile:
    case EventKind::instance_refresh:
    case EventKind::metrics_sample:
    case EventKind::target_health:
    case EventKind::traffic_step:
    case EventKind::cloudwatch_minute:
      break;
  }
  return false;
}

void SpotMarket::schedule_next_trace_step(Engine& engine, std::uint32_t p, std::int64_t tick) {
  const AvailabilityTrace& trace = *process_[p].trace;
  const auto size = static_cast<std::int64_t>(trace.counts.size());
  const int current = trace.counts[static_cast<std::size_t>(tick % size)];
  // Jump to the next tick whose count differs: unchanged ticks need no event.
  for (std::int64_t next = tick + 1; next <= tick + size; ++next) {
    if (!trace.loop && next >= size) return;
    if (trace.counts[static_cast<std::size_t>(next % size)] == current) continue;
    const SimTime when = trace.offset + next * trace.gap;
    if (when <= horizon_) engine.schedule(when, to_u8(Phase::interruption), to_u8(EventKind::trace_step), p, 0, next);
    return;
  }
}

}  // namespace spotsim
