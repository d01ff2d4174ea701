#pragma once
// EC2 billing (aws-semantics.md SP-5, SP-6): Linux instances are billed per second with a 60-second
// minimum, from the moment they enter `running` to termination, at the pool's spot price in force
// each second (the integral of the price step function) or at the On-Demand price. A spot instance
// that EC2 interrupts within its first hour of running is not charged at all; after the first hour
// the whole run is charged per second (no free partial hour).
//
// The all-On-Demand baseline prices the same billable instance-seconds (interrupted spot
// instances included: an On-Demand instance in their place would have been charged) at On-Demand
// rates; savings ratio = baseline / (spot + On-Demand cost).
#include <cstdint>
#include <vector>

#include "models/ec2_instance.hpp"
#include "models/spot_market.hpp"
#include "sim/step_function.hpp"

namespace spotsim {

struct InstanceBill {
  double usd = 0;           // what AWS charges
  double baseline_usd = 0;  // the same seconds at the On-Demand price
  double billed_seconds = 0;  // seconds charged (0 when free)
  double used_seconds = 0;    // seconds from running to end, before the minimum
};

// The bill of one instance that ran from `running_since` to `end`. `spot_price` is used for spot
// instances (may be null for On-Demand). `interrupted_by_ec2`: terminated by a spot interruption.
InstanceBill bill_instance(PurchaseOption option, SimTime running_since, SimTime end,
                           bool interrupted_by_ec2, const StepFunction* spot_price, double on_demand_price);

struct BillingTotals {
  double spot_usd = 0;
  double on_demand_usd = 0;
  double baseline_usd = 0;
  double spot_hours = 0;        // billable hours (after the minimum; free interrupted ones excluded)
  double on_demand_hours = 0;
  double total_usd() const { return spot_usd + on_demand_usd; }
  double savings_ratio() const { return total_usd() > 0 ? baseline_usd / total_usd() : 0.0; }
};

class Billing {
 public:
  explicit Billing(const SpotMarket& market) : market_(market) {}

  // The instance entered `running` (its bill starts accruing) / was terminated (its bill closes).
  void on_running(const Ec2Instance& instance);
  void on_terminated(const Ec2Instance& instance);
  // Bills every instance still running at `end` as if it stopped then (the run's horizon).
  void finalize(const Ec2Fleet& fleet, SimTime end);
  const BillingTotals& totals() const { return totals_; }
  // Cost so far at `now`: closed bills plus what running instances have accrued (used for the
  // cumulative-cost column; free-interruption refunds appear when the instance terminates). Kept per
  // pool, not per instance — Σ over running instances of ∫[since, now] = n·F(now) − Σ F(since), F the
  // pool's price integral from 0 — so the per-minute column costs O(pools), not O(fleet).
  double cumulative_usd(SimTime now) const;
  double cumulative_baseline_usd(SimTime now) const;

 private:
  void add(const Ec2Instance& instance, SimTime end, bool interrupted);
  void accrue(const Ec2Instance& instance, double sign);
  const SpotMarket& market_;
  BillingTotals totals_;
  // Per pool, the instances running now: how many, Σ since (hours) and, for spot, Σ F(since).
  struct Accruing {
    double spot = 0, spot_since_hours = 0, spot_integral_at_since = 0;
    double on_demand = 0, on_demand_since_hours = 0;
  };
  std::vector<Accruing> accruing_;
};

}  // namespace spotsim
