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
  add(instance, *instance.terminated_at, instance.cause == TerminationCause::spot_interruption);
}

void Billing::finalize(const Ec2Fleet& fleet, SimTime end) {
  // In id order, so the sums are the same whatever order the alive list is in.
  for (const Ec2Instance& instance : fleet.instances())
    if (instance.alive()) add(instance, end, false);
}

double Billing::cumulative_usd(const Ec2Fleet& fleet, SimTime now) const {
  double sum = totals_.total_usd();
  for (std::uint32_t id : fleet.alive_ids()) {
    const Ec2Instance& i = fleet.at(InstanceId{id});
    if (!i.running_since) continue;
    const SpotPool& pool = market_.pool(i.pool);
    sum += i.option == PurchaseOption::spot ? pool.spot_price->integral_hours(*i.running_since, now)
                                            : pool.on_demand_price * to_hours(now - *i.running_since);
  }
  return sum;
}

double Billing::cumulative_baseline_usd(const Ec2Fleet& fleet, SimTime now) const {
  double sum = totals_.baseline_usd;
  for (std::uint32_t id : fleet.alive_ids()) {
    const Ec2Instance& i = fleet.at(InstanceId{id});
    if (i.running_since) sum += market_.pool(i.pool).on_demand_price * to_hours(now - *i.running_since);
  }
  return sum;
}

}  // namespace spotsim
