#pragma once
// The spot market: capacity pools (instance type × Availability Zone), their prices over time, their
// availability, and EC2's interruptions of the spot instances in them. Every interruption is
// announced by a notice `notice` before the instance stops (aws-semantics.md SP-1); a rebalance
// recommendation may come earlier (SP-2).
//
// Interruption models and what their parameters mean in AWS terms:
//   none     EC2 never reclaims capacity.
//   advisor  The Spot Instance Advisor's "frequency of interruption" bucket for the type in the
//            region (SP-8) — the share of spot capacity of that type reclaimed over a month — turned
//            into a constant hazard: bucket midpoint f (2.5, 7.5, 12.5, 17.5, 25 %) per 30 days,
//            rate = -ln(1 - f) / 720 h. Part of it (`correlation`, default 0.5) arrives as pool
//            reclaims that take `reclaimFraction` (default 0.5) of a pool at once, spread over
//            `reclaimSpread` (default 3 min): in the SkyPilot multi-node traces 22-50 % of loss
//            events took two or more nodes, most within ~3 minutes (design.md).
//   hazard   The same two processes with explicit rates: `ratePerInstanceHour` for independent
//            reclaims of single instances, `poolReclaim.ratePerPoolDay` correlated events per pool
//            each taking `poolReclaim.fraction` of its running spot instances.
//   trace    A recorded availability/preemption trace (SkyPilot's format: instances obtainable per
//            tick) replayed per pool: a drop from n to m < n reclaims (n - m) / n of the pool's spot
//            instances; while the trace is 0 the pool is out of capacity and launches there fail.
//   price    Legacy price-driven reclaims: an instance is interrupted when its pool's spot price
//            rises above the group's SpotMaxPrice (default: the On-Demand price; ASG-10, SP-4);
//            launches fail while the price is above it.
// Pool unavailability windows (`market.unavailability`) make launches fail there
// (InsufficientInstanceCapacity); the Auto Scaling group falls back per its allocation strategy.
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "models/ec2_instance.hpp"
#include "sim/engine.hpp"
#include "sim/random.hpp"
#include "sim/step_function.hpp"

namespace spotsim {

enum class InterruptionModel : std::uint8_t { none, advisor, hazard, trace, price };
const char* to_string(InterruptionModel m);

// A replayed trace: counts[k] holds from offset + k × gap. With `loop`, it repeats.
struct AvailabilityTrace {
  std::string source;  // file name, for messages
  SimTime gap = seconds(60);
  SimTime offset = 0;
  bool loop = true;
  std::vector<int> counts;
};

struct PoolUnavailability {
  std::string pool;  // "m5.large/eu-west-1a"
  SimTime from = 0;
  SimTime duration = 0;
};

struct RebalanceConfig {
  SimTime lead_time = minutes(10);  // how long before the notice the recommendation comes
  double probability = 0.5;         // share of interruptions preceded by one (SP-2: best effort)
};

struct SpotMarketConfig {
  // Spot prices (USD/h): per pool "type/az" first, then per type, as step functions over simulated
  // time (time 0 = scenario start). The loader guarantees every pool in use has one.
  std::map<std::string, StepFunction> spot_price_by_pool;
  std::map<std::string, StepFunction> spot_price_by_type;
  std::map<std::string, double> on_demand_price;  // type -> USD/h (scenario override, else catalog)

  InterruptionModel model = InterruptionModel::none;
  // advisor: bucket per type (resolved by the loader from a Spot Advisor file or the catalog).
  std::map<std::string, int> advisor_bucket;
  double correlation = 0.5;          // share of the hazard delivered as pool reclaims
  // hazard (and advisor, derived):
  double rate_per_instance_hour = 0;  // independent reclaims
  double pool_reclaims_per_day = 0;   // correlated reclaim events per pool
  double reclaim_fraction = 0.5;      // share of a pool's running spot instances one reclaim takes
  SimTime reclaim_spread = minutes(3);
  // trace: per pool "type/az", or "*" for every pool without its own.
  std::map<std::string, AvailabilityTrace> traces;

  SimTime notice = seconds(120);
  std::optional<RebalanceConfig> rebalance;
  std::vector<PoolUnavailability> unavailability;
};

struct SpotPool {
  std::string instance_type;
  std::string availability_zone;
  std::string key;  // "type/az"
  const StepFunction* spot_price = nullptr;
  double on_demand_price = 0;
  double interruption_rate_per_hour = 0;  // the pool's risk: what capacity-optimized ranks by
  int unavailable_windows = 0;            // > 0: launches fail (ICE)
  bool trace_out_of_capacity = false;
};

class SpotMarket {
 public:
  SpotMarket(const SpotMarketConfig& config, std::uint64_t seed, std::uint64_t replication);

  // Pools are registered while the world is wired (every type × AZ of every group), before start().
  std::uint32_t add_pool(const std::string& instance_type, const std::string& availability_zone);
  std::optional<std::uint32_t> find_pool(const std::string& key) const;
  const std::vector<SpotPool>& pools() const { return pools_; }
  const SpotPool& pool(std::uint32_t p) const { return pools_[p]; }
  const SpotMarketConfig& config() const { return config_; }

  double spot_price(std::uint32_t pool, SimTime t) const { return pools_[pool].spot_price->value_at(t); }
  double on_demand_price(std::uint32_t pool) const { return pools_[pool].on_demand_price; }
  // Can a launch of this purchase option at this price cap succeed in the pool now?
  bool can_launch(std::uint32_t pool, PurchaseOption option, double spot_max_price, SimTime now) const;

  // Schedules the market's own events (price steps, availability windows, reclaims, trace ticks).
  void start(Engine& engine, SimTime horizon);
  // A spot instance entered running: draw its independent interruption, if the model has one.
  void on_instance_running(Engine& engine, const Ec2Instance& instance);
  // Market events; `fleet` is read to find the running spot instances of a pool.
  bool handle(Engine& engine, const Event& e, const Ec2Fleet& fleet);


 private:
  void interrupt(Engine& engine, const Ec2Instance& instance, SimTime notice_time);
  void reclaim_fraction_of_pool(Engine& engine, std::uint32_t pool, double fraction, const Ec2Fleet& fleet);
  SpotMarketConfig config_;
  std::uint64_t seed_;
  std::uint64_t replication_;
  std::vector<SpotPool> pools_;
  // Per pool: the rate of its independent per-instance reclaims and of its correlated reclaims.
  struct PoolProcess {
    double instance_rate_per_hour = 0;
    double reclaims_per_hour = 0;
    const AvailabilityTrace* trace = nullptr;
    int trace_last = -1;  // the trace's count at the previous tick
  };
  void schedule_next_reclaim(Engine& engine, std::uint32_t pool);
  void schedule_next_trace_step(Engine& engine, std::uint32_t pool, std::int64_t tick);
  std::deque<StepFunction> owned_prices_;  // pools priced by a constant (stable addresses)
  std::vector<PoolProcess> process_;
  // Three named streams per pool, so the fleet's size never shifts when reclaims happen (common
  // random numbers across a sweep): reclaim times, per-instance hazards, victim choice.
  std::vector<RandomStream> reclaim_stream_;
  std::vector<RandomStream> instance_stream_;
  std::vector<RandomStream> victim_stream_;
  SimTime horizon_ = 0;
};

}  // namespace spotsim
