#include "models/billing.hpp"

#include <algorithm>

namespace spotsim {

InstanceBill bill_instance(PurchaseOption option, SimTime running_since, SimTime end, bool interrupted_by_ec2,
                           const StepFunction* spot_price, double on_demand_price) {
  InstanceBill bill;
  const SimTime used = std::max<SimTime>(0, end - running_since);
  bill.used_seconds = to_seconds(used);
  // SP-5: per second (a started second counts whole), with a minimum of 60 seconds.
  const SimTime billed = std::max(seconds(60), (used + 999) / 1000 * 1000);
  bill.baseline_usd = on_demand_price * to_hours(billed);
  // SP-6: a spot instance interrupted by EC2 in its first hour is not charged at all.
  if (option == PurchaseOption::spot && interrupted_by_ec2 && used < hours(1)) return bill;
  bill.billed_seconds = to_seconds(billed);
  if (option == PurchaseOption::spot && spot_price != nullptr)
    bill.usd = spot_price->integral_hours(running_since, running_since + billed);  // the price in force each second
  else
    bill.usd = on_demand_price * to_hours(billed);
  return bill;
}

void Billing::add(const Ec2Instance& instance, SimTime end, bool interrupted) {
  if (!instance.running_since) return;  // never reached running: never billed (SP-5)
  const SpotPool& pool = market_.pool(instance.pool);
  const InstanceBill bill =
      bill_instance(instance.option, *instance.running_since, end, interrupted, pool.spot_price, pool.on_demand_price);
  totals_.baseline_usd += bill.baseline_usd;
  if (instance.option == PurchaseOption::spot) {
    totals_.spot_usd += bill.usd;
    totals_.spot_hours += bill.billed_seconds / 3600.0;
  } else {
    totals_.on_demand_usd += bill.usd;
    totals_.on_demand_hours += bill.billed_seconds / 3600.0;
  }
}

void Billing::on_terminated(const Ec2Instance& instance) {
  accrue(instance, -1);
  add(instance, *instance.terminated_at, instance.cause == TerminationCause::spot_interruption);
}

void Billing::finalize(const Ec2Fleet& fleet, SimTime end) {
  // In id order, so the sums are the same whatever order the alive list is in.
  for (const Ec2Instance& instance : fleet.instances())
    if (instance.alive()) add(instance, end, false);
}

void Billing::accrue(const Ec2Instance& instance, double sign) {
  if (!instance.running_since) return;
  if (accruing_.size() <= instance.pool) accruing_.resize(instance.pool + 1);
  Accruing& a = accruing_[instance.pool];
  const SimTime since = *instance.running_since;
  const SpotPool& pool = market_.pool(instance.pool);
  if (instance.option == PurchaseOption::spot && pool.spot_price != nullptr) {
    a.spot += sign;
    a.spot_since_hours += sign * to_hours(since);
    a.spot_integral_at_since += sign * pool.spot_price->integral_hours(0, since);
  } else {
    a.on_demand += sign;
    a.on_demand_since_hours += sign * to_hours(since);
  }
}

void Billing::on_running(const Ec2Instance& instance) { accrue(instance, +1); }

double Billing::cumulative_usd(SimTime now) const {
  double sum = totals_.total_usd();
  for (std::size_t p = 0; p < accruing_.size(); ++p) {
    const Accruing& a = accruing_[p];
    const SpotPool& pool = market_.pool(static_cast<std::uint32_t>(p));
    if (a.spot != 0) sum += a.spot * pool.spot_price->integral_hours(0, now) - a.spot_integral_at_since;
    if (a.on_demand != 0) sum += pool.on_demand_price * (a.on_demand * to_hours(now) - a.on_demand_since_hours);
  }
  return sum;
}

double Billing::cumulative_baseline_usd(SimTime now) const {
  // The baseline prices every running instance's seconds at On-Demand, spot ones too.
  double sum = totals_.baseline_usd;
  for (std::size_t p = 0; p < accruing_.size(); ++p) {
    const Accruing& a = accruing_[p];
    const double running = a.spot + a.on_demand;
    if (running != 0)
      sum += market_.pool(static_cast<std::uint32_t>(p)).on_demand_price *
             (running * to_hours(now) - (a.spot_since_hours + a.on_demand_since_hours));
  }
  return sum;
}

}  // namespace spotsim
