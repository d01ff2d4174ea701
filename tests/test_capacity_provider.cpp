// models/capacity_provider.hpp: CapacityProviderReservation (CP-5, CP-6), the instances PROVISIONING
// tasks need (CP-7), the target-tracking policy and its alarms (CP-11, CP-11a, CP-10, §1.3 warm-up,
// §10.1 and §10.2 switches) and capacity provider strategies (CP-16, CP-17). Issue 5's known answers
// (Must show 1 and 2) run here as pure-model tests: the world feeds the policy the same datapoints a
// minute apart. Instances are m5.large as ECS registers them: 2,048 cpu units, 7,680 MiB.
#include <catch2/catch.hpp>

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <vector>

#include "models/capacity_provider.hpp"
#include "models/instance_catalog.hpp"

namespace spotsim {
namespace {

constexpr InstanceShape kM5Large{2048, 7680};

CapacityProviderConfig provider(int target = 100, int min_step = 1, int max_step = 10000) {
  CapacityProviderConfig c;
  c.name = "cp";
  c.scaling.enabled = true;
  c.scaling.target_capacity = target;
  c.scaling.minimum_scaling_step = min_step;
  c.scaling.maximum_scaling_step = max_step;
  return c;
}

// A group with `n` running instances, `busy` of them running a non-daemon task, no PROVISIONING
// task, desired == n, MinSize 0, MaxSize 100, no instance warming up.
ManagedScalingInput fleet(int n, int busy) {
  ManagedScalingInput in;
  in.running_instances = n;
  in.busy_instances = busy;
  in.desired = n;
  in.min_size = 0;
  in.max_size = 100;
  return in;
}

// `count` PROVISIONING tasks that each need a whole m5.large (cpu 2,048 units).
InstancesNeeded whole_instance_tasks(int count) {
  return instances_needed_for({TaskNeed{2048, 1024, {}, count}}, kM5Large, kM5Large);
}

// Feeds the same input at minutes first..last and returns each datapoint's decision.
std::vector<std::optional<int>> feed(ManagedScalingPolicy& p, int first, int last, const ManagedScalingInput& in) {
  std::vector<std::optional<int>> out;
  for (int minute = first; minute <= last; ++minute) out.push_back(p.on_datapoint(minutes(minute), in));
  return out;
}

bool all_idle(const std::vector<std::optional<int>>& decisions) {
  for (const auto& d : decisions)
    if (d) return false;
  return true;
}

}  // namespace

// ---- CP-5, CP-6 ---------------------------------------------------------------------------------

TEST_CASE("capacity_provider: reservation is M / N x 100 with CP-6's special cases", "[capacity_provider]") {
  CHECK(capacity_provider_reservation(0, 0) == 100.0);  // CP-6: no instances, no tasks
  CHECK(capacity_provider_reservation(3, 0) == 200.0);  // CP-6: first scale-out from zero
  CHECK(capacity_provider_reservation(4, 2) == 200.0);  // WS-SPOT's example: N = 2, M = 4
  CHECK(capacity_provider_reservation(3, 3) == 100.0);  // CP-5: N = M
  CHECK(capacity_provider_reservation(2, 3) == Approx(200.0 / 3.0));  // unrounded
  CHECK(capacity_provider_reservation(0, 4) == 0.0);
}

// ---- CP-7 -----------------------------------------------------------------------------------------

TEST_CASE("capacity_provider: an m5.large offers 2,048 cpu units and its registered memory", "[capacity_provider]") {
  const auto shape = instance_shape(*find_instance_type("m5.large"), 0);
  REQUIRE(shape);
  CHECK(shape->cpu_units == 2048);
  CHECK(shape->memory_mib == 7680);  // container_instance_resources' table, not 8,192
  const auto reserved = instance_shape(*find_instance_type("m5.large"), 256);
  REQUIRE(reserved);
  CHECK(reserved->memory_mib == 7680 - 256);  // ECS_RESERVED_MEMORY
  CHECK_FALSE(instance_shape(*find_instance_type("m5.large"), 8192));  // the agent refuses to register
}

TEST_CASE("capacity_provider: the largest and smallest shapes are chosen per parameter (CP-7 step 3)",
          "[capacity_provider]") {
  const auto b = shape_bounds({{4096, 7624}, {2048, 7680}, {2048, 3704}});  // c5.xlarge, m5.large, c5.large
  CHECK(b.largest.cpu_units == 4096);
  CHECK(b.largest.memory_mib == 7680);  // from another type than the cpu
  CHECK(b.smallest.cpu_units == 2048);
  CHECK(b.smallest.memory_mib == 3704);
  CHECK_THROWS_AS(shape_bounds({}), std::logic_error);
}

TEST_CASE("capacity_provider: identical tasks binpack on the binding resource (CP-7 step 4)", "[capacity_provider]") {
  // cpu binds: two 1,024-unit tasks per m5.large; 5 tasks → 3 instances.
  CHECK(instances_needed_for({TaskNeed{1024, 2048, {}, 5}}, kM5Large, kM5Large).instances == 3);
  // memory binds: 4,000 MiB leaves 3,680 of 7,680, too little for a second one.
  CHECK(instances_needed_for({TaskNeed{256, 4000, {}, 3}}, kM5Large, kM5Large).instances == 3);
  // The seed article's 2,048 MiB tasks: three per m5.large (7,680 MiB), not four.
  CHECK(instances_needed_for({TaskNeed{0, 2048, {}, 7}}, kM5Large, kM5Large).instances == 3);
  // Identical requirements given twice are one group (CP-7 step 2): 3 + 3 at three per instance.
  CHECK(instances_needed_for({TaskNeed{0, 2048, {}, 3}, TaskNeed{0, 2048, {}, 3}}, kM5Large, kM5Large).instances ==
        2);
  CHECK(instances_needed_for({}, kM5Large, kM5Large).instances == 0);
}

TEST_CASE("capacity_provider: a static host port binds once per instance", "[capacity_provider]") {
  // Tiny tasks, but each binds host port 80: one per instance.
  CHECK(instances_needed_for({TaskNeed{128, 128, {80}, 4}}, kM5Large, kM5Large).instances == 4);
  // Two services on different ports share instances; ports in another order are the same group.
  const auto shared = instances_needed_for(
      {TaskNeed{128, 128, {80}, 2}, TaskNeed{128, 128, {8080}, 2}, TaskNeed{128, 128, {80}, 1}}, kM5Large, kM5Large);
  CHECK(shared.instances == 3);
  // Two groups of other sizes that both bind port 80 cannot share an instance either.
  CHECK(instances_needed_for({TaskNeed{128, 128, {80}, 1}, TaskNeed{256, 256, {80}, 1}}, kM5Large, kM5Large)
            .instances == 2);
  CHECK(instances_needed_for({TaskNeed{128, 128, {443, 80}, 1}, TaskNeed{128, 128, {80, 443}, 1}}, kM5Large,
                             kM5Large)
            .instances == 2);
}

TEST_CASE("capacity_provider: groups pack together, largest first", "[capacity_provider]") {
  // A 10-vCPU shape: two 6,144-unit tasks and two 4,096-unit ones, the small ones listed first.
  // First fit in the given order would need 3 instances (4+4 | 6 | 6); decreasing order needs 2.
  const InstanceShape big{10240, 65536};
  const auto r = instances_needed_for({TaskNeed{4096, 1024, {}, 2}, TaskNeed{6144, 1024, {}, 2}}, big, big);
  CHECK(r.instances == 2);
  CHECK(r.compatible_tasks == 4);
  // Memory-dominant tasks sort by their memory share: 40,000 MiB ones first, then 20,000 MiB fill.
  const auto m = instances_needed_for({TaskNeed{1024, 20000, {}, 2}, TaskNeed{1024, 40000, {}, 2}}, big, big);
  CHECK(m.instances == 2);
}

TEST_CASE("capacity_provider: tasks that fit no smallest instance are excluded; all excluded stops scaling",
          "[capacity_provider]") {
  // CP-7 step 4: a group of c5.large (2,048 / 3,704) and m5.xlarge (4,096 / 15,576) shapes.
  const InstanceShape c5_large{2048, 3704};
  const InstanceShape m5_xlarge{4096, 15576};
  const auto b = shape_bounds({c5_large, m5_xlarge});
  // 4,096 MiB tasks fit an m5.xlarge but not a c5.large: excluded; the 1,024 MiB ones count.
  const auto some = instances_needed_for({TaskNeed{512, 4096, {}, 3}, TaskNeed{512, 1024, {}, 2}}, b.largest,
                                         b.smallest);
  CHECK(some.excluded_tasks == 3);
  CHECK(some.compatible_tasks == 2);
  CHECK(some.instances == 1);
  CHECK_FALSE(some.stop());
  const auto none = instances_needed_for({TaskNeed{512, 4096, {}, 3}}, b.largest, b.smallest);
  CHECK(none.instances == 0);
  CHECK(none.stop());
  CHECK_FALSE(instances_needed_for({}, b.largest, b.smallest).stop());  // nothing to provision is not a stop
}

// ---- CP-11, CP-11a: issue 5, Must show 1 ---------------------------------------------------------

TEST_CASE("capacity_provider: 3 tasks on an empty group publish 200 and the group goes to 2 first",
          "[capacity_provider]") {
  // CP-6: N = 0, M > 0 → 200; CP-11a: ceil(max(N, 1) × 200 / 100) = 2, although 3 are needed.
  ManagedScalingPolicy p(provider());
  auto in = fleet(0, 0);
  in.provisioning = whole_instance_tasks(3);
  REQUIRE(in.provisioning.instances == 3);
  CHECK(p.on_datapoint(minutes(1), in) == 2);
  CHECK(p.last_reservation() == 200.0);

  // The two instances launch 10 s later and take one task each; the third task stays PROVISIONING.
  in.running_instances = 2;
  in.busy_instances = 2;
  in.desired = 2;
  in.newest_launch = minutes(1) + seconds(10);
  in.provisioning = whole_instance_tasks(1);
  // Warm-up (300 s): the minutes at 50 s … 290 s after launch publish 150 but do not scale out.
  CHECK(all_idle(feed(p, 2, 6, in)));
  CHECK(p.last_reservation() == 150.0);
  CHECK(p.on_datapoint(minutes(7), in) == 3);  // 350 s after launch: M = 2 + 1
}

TEST_CASE("capacity_provider: M = 2 of N = 3 scales in after 15 minutes below target, to 2 (ratio)",
          "[capacity_provider]") {
  // CP-11: the low alarm needs 15 datapoints of 1 minute below target; CP-11a: ceil(2 × 100 / 100).
  ManagedScalingPolicy p(provider());
  const auto in = fleet(3, 2);
  const auto first14 = feed(p, 1, 14, in);
  CHECK(all_idle(first14));
  CHECK(p.last_reservation() == Approx(200.0 / 3.0));
  CHECK(p.low_datapoints() == 14);
  CHECK(p.on_datapoint(minutes(15), in) == 2);
}

TEST_CASE("capacity_provider: target capacity 90 with 9 instances needed gives 10", "[capacity_provider]") {
  // CP-11a: ceil(9 × 100 / 90) = 10; then M = 9 of N = 10 is CPR 90 = target: neither alarm.
  ManagedScalingPolicy busy(provider(90));
  CHECK(busy.on_datapoint(minutes(1), fleet(9, 9)) == 10);
  CHECK(all_idle(feed(busy, 2, 40, fleet(10, 9))));
  CHECK(busy.last_reservation() == 90.0);
  CHECK(busy.low_datapoints() == 0);

  // The same 9 reached through PROVISIONING tasks: 5 busy instances and 4 whole-instance tasks.
  ManagedScalingPolicy growing(provider(90));
  auto in = fleet(5, 5);
  in.provisioning = whole_instance_tasks(4);
  CHECK(growing.on_datapoint(minutes(1), in) == 10);
  CHECK(growing.last_reservation() == 180.0);
}

TEST_CASE("capacity_provider: minimum step 5 when 2 are needed adds 5", "[capacity_provider]") {
  // CP-7 step 5: "scale up the minimum scaling step size even if the actual demand is less".
  ManagedScalingPolicy p(provider(100, 5));
  auto in = fleet(3, 3);
  in.provisioning = whole_instance_tasks(2);
  CHECK(p.on_datapoint(minutes(1), in) == 8);
  CHECK(p.last_reservation() == Approx(800.0 / 3.0));
}

TEST_CASE("capacity_provider: maximum step 3 when 10 are needed adds 3, waits out the warm-up, then 3 more",
          "[capacity_provider]") {
  ManagedScalingPolicy p(provider(100, 1, 3));
  auto in = fleet(2, 2);
  in.provisioning = whole_instance_tasks(10);
  CHECK(p.on_datapoint(minutes(1), in) == 5);

  // Three instances launch at 1 min 20 s and each takes a task: 7 still needed.
  in.running_instances = 5;
  in.busy_instances = 5;
  in.desired = 5;
  in.newest_launch = minutes(1) + seconds(20);
  in.provisioning = whole_instance_tasks(7);
  // §1.3: blocked while now − launch < 300 s (40 s … 280 s), although CPR = (5 + 3) / 5 = 160.
  CHECK(all_idle(feed(p, 2, 6, in)));
  CHECK(p.last_reservation() == 160.0);
  CHECK(p.on_datapoint(minutes(7), in) == 8);  // 340 s: the next step of 3
}

TEST_CASE("capacity_provider: warm-up ends at exactly instanceWarmupPeriod and never blocks scale-in",
          "[capacity_provider]") {
  auto in = fleet(2, 2);
  in.provisioning = whole_instance_tasks(1);
  in.newest_launch = minutes(10) - seconds(300);
  ManagedScalingPolicy p(provider());
  CHECK(p.on_datapoint(minutes(10) - milliseconds(1), in) == std::nullopt);
  CHECK(p.on_datapoint(minutes(10), in) == 3);  // now − launch == 300 s

  auto zero = provider();
  zero.scaling.instance_warmup = seconds(0);
  ManagedScalingPolicy no_warmup(zero);
  in.newest_launch = minutes(1);
  CHECK(no_warmup.on_datapoint(minutes(1), in) == 3);

  // Scale-in (ratio) at the 15th datapoint, 30 s after an instance launched.
  ManagedScalingPolicy idle(provider());
  auto spare = fleet(3, 1);
  CHECK(all_idle(feed(idle, 1, 14, spare)));
  spare.newest_launch = minutes(15) - seconds(30);
  CHECK(idle.on_datapoint(minutes(15), spare) == 1);
}

// ---- §10.1: one instance per low-alarm trigger ---------------------------------------------------

TEST_CASE("capacity_provider: one_per_alarm scales in one a minute from the 15th datapoint", "[capacity_provider]") {
  // RM-1150: ~1 instance per alarm trigger, one a minute while the alarm stays in ALARM. The
  // instances drain slowly (N stays 6), so each step is relative to desired, down to M = 2.
  auto c = provider();
  c.scale_in_mode = ScaleInMode::one_per_alarm;
  ManagedScalingPolicy p(c);
  auto in = fleet(6, 2);
  CHECK(all_idle(feed(p, 1, 14, in)));
  std::vector<int> desired;
  for (int minute = 15; minute <= 25; ++minute) {
    if (const auto d = p.on_datapoint(minutes(minute), in)) {
      desired.push_back(*d);
      in.desired = *d;
    }
  }
  CHECK(desired == std::vector<int>{5, 4, 3, 2});
  CHECK(in.desired == 2);  // never below ceil(M × 100 / target)

  // Under ratio the same fleet goes to 2 in one step at the 15th datapoint.
  ManagedScalingPolicy ratio(provider());
  CHECK(all_idle(feed(ratio, 1, 14, fleet(6, 2))));
  CHECK(ratio.on_datapoint(minutes(15), fleet(6, 2)) == 2);
}

TEST_CASE("capacity_provider: one_per_alarm keeps a target below 100's spare capacity", "[capacity_provider]") {
  // Target 50 with M = 2: ratio would stop at ceil(200 / 50) = 4; one per minute stops there too.
  auto c = provider(50);
  c.scale_in_mode = ScaleInMode::one_per_alarm;
  ManagedScalingPolicy p(c);
  auto in = fleet(6, 2);
  CHECK(all_idle(feed(p, 1, 14, in)));
  CHECK(p.on_datapoint(minutes(15), in) == 5);
  in.desired = in.running_instances = 5;
  CHECK(p.on_datapoint(minutes(16), in) == 4);
  in.desired = in.running_instances = 4;
  CHECK(p.on_datapoint(minutes(17), in) == std::nullopt);  // CPR 50 = target: the alarm clears
  CHECK(p.low_datapoints() == 0);
}

// ---- CP-10 ----------------------------------------------------------------------------------------

TEST_CASE("capacity_provider: a scale-out need during a scale-in restarts the 15-datapoint count",
          "[capacity_provider]") {
  // CP-10: "the scale-in process is stopped and starts from the beginning if required".
  ManagedScalingPolicy p(provider());
  CHECK(all_idle(feed(p, 1, 10, fleet(3, 2))));
  CHECK(p.low_datapoints() == 10);
  auto need = fleet(3, 2);
  need.provisioning = whole_instance_tasks(1);
  CHECK(p.on_datapoint(minutes(11), need) == 4);  // (3 + 1) / 3 → ceil(400 / 100)
  CHECK(p.low_datapoints() == 0);
  // The task runs on the new instance; 4 instances, 3 busy, below target again. Without the
  // restart the alarm would fire at minute 15; it fires 15 datapoints after minute 11.
  const auto after = fleet(4, 3);
  CHECK(all_idle(feed(p, 12, 25, after)));
  CHECK(p.on_datapoint(minutes(26), after) == 3);
}

TEST_CASE("capacity_provider: a scale-out need stops one_per_alarm scale-in until 15 new datapoints",
          "[capacity_provider]") {
  auto c = provider();
  c.scale_in_mode = ScaleInMode::one_per_alarm;
  ManagedScalingPolicy p(c);
  // The instances go as soon as desired drops (N follows desired).
  auto in = fleet(8, 2);
  CHECK(all_idle(feed(p, 1, 14, in)));
  CHECK(p.on_datapoint(minutes(15), in) == 7);
  in.desired = in.running_instances = 7;
  CHECK(p.on_datapoint(minutes(16), in) == 6);
  in.desired = in.running_instances = 6;
  // A PROVISIONING task that needs one instance: M = 6 + 1, CPR 116.7, desired 7.
  auto need = in;
  need.provisioning = whole_instance_tasks(1);
  CHECK(p.on_datapoint(minutes(17), need) == 7);
  CHECK(p.low_datapoints() == 0);
  in.desired = in.running_instances = 7;
  in.busy_instances = 3;
  CHECK(all_idle(feed(p, 18, 31, in)));  // 14 datapoints below: one per minute does not resume yet
  CHECK(p.on_datapoint(minutes(32), in) == 6);
}

TEST_CASE("capacity_provider: a minute without a datapoint restarts the low alarm's count", "[capacity_provider]") {
  ManagedScalingPolicy p(provider());
  const auto in = fleet(3, 2);
  CHECK(all_idle(feed(p, 1, 10, in)));
  CHECK(all_idle(feed(p, 12, 25, in)));  // minute 11 missing: 14 consecutive since
  CHECK(p.low_datapoints() == 14);
  CHECK(p.on_datapoint(minutes(26), in) == 2);
}

// ---- CP-3, ASG-1: limits ------------------------------------------------------------------------

TEST_CASE("capacity_provider: desired stays within MinSize and MaxSize", "[capacity_provider]") {
  // Scale-in of an idle fleet stops at MinSize 2, not at M = 0.
  ManagedScalingPolicy idle(provider());
  auto empty = fleet(3, 0);
  empty.min_size = 2;
  CHECK(all_idle(feed(idle, 1, 14, empty)));
  CHECK(idle.on_datapoint(minutes(15), empty) == 2);
  empty.desired = empty.running_instances = 2;
  CHECK(all_idle(feed(idle, 16, 40, empty)));  // at MinSize: nothing to do though CPR is 0
  CHECK(idle.last_reservation() == 0.0);

  // one_per_alarm stops at MinSize too.
  auto c = provider();
  c.scale_in_mode = ScaleInMode::one_per_alarm;
  ManagedScalingPolicy one(c);
  auto three = fleet(3, 0);
  three.min_size = 2;
  CHECK(all_idle(feed(one, 1, 14, three)));
  CHECK(one.on_datapoint(minutes(15), three) == 2);
  three.desired = 2;
  CHECK(one.on_datapoint(minutes(16), three) == std::nullopt);

  // Scale-out of 10 needed stops at MaxSize 6; at MaxSize there is nothing to do.
  ManagedScalingPolicy busy(provider());
  auto need = fleet(3, 3);
  need.max_size = 6;
  need.provisioning = whole_instance_tasks(10);
  CHECK(busy.on_datapoint(minutes(1), need) == 6);
  need.desired = need.running_instances = need.busy_instances = 6;
  need.provisioning = whole_instance_tasks(7);
  CHECK(busy.on_datapoint(minutes(2), need) == std::nullopt);

  // CP-3: MaxSize 0 never scales out.
  ManagedScalingPolicy zero(provider());
  auto none = fleet(0, 0);
  none.max_size = 0;
  none.provisioning = whole_instance_tasks(3);
  CHECK(zero.on_datapoint(minutes(1), none) == std::nullopt);
  CHECK(zero.last_reservation() == 200.0);
}

// ---- CP-7 step 4 stop, CP-8, RM-653 --------------------------------------------------------------

TEST_CASE("capacity_provider: tasks no instance type can run stop scaling at targetCapacity", "[capacity_provider]") {
  // CP-7 step 4: "cluster Auto Scaling stops". Published at targetCapacity (live guide; 100 in the
  // 2023 text): at target 90, 100 would scale out every minute for tasks that can never run.
  ManagedScalingPolicy p(provider(90));
  auto in = fleet(4, 1);
  CHECK(all_idle(feed(p, 1, 5, in)));
  CHECK(p.low_datapoints() == 5);
  in.provisioning = instances_needed_for({TaskNeed{4096, 1024, {}, 2}}, kM5Large, kM5Large);  // 4 vCPU tasks
  REQUIRE(in.provisioning.stop());
  CHECK(all_idle(feed(p, 6, 40, in)));
  CHECK(p.last_reservation() == 90.0);
  CHECK(p.low_datapoints() == 0);  // no scale-in either
}

TEST_CASE("capacity_provider: several types or AZs add exactly the minimum step when asked (CP-8, §10.2)",
          "[capacity_provider]") {
  auto in = fleet(4, 4);
  in.provisioning = whole_instance_tasks(10);
  in.several_types_or_azs = true;

  auto exact = provider(100, 2, 3);
  exact.multi_type_step = MultiTypeStep::minimum_step;
  ManagedScalingPolicy p(exact);
  CHECK(p.on_datapoint(minutes(1), in) == 6);  // 4 + 2, ignoring the demand of 10 and the maximum 3

  ManagedScalingPolicy binpack(provider(100, 2, 3));  // MultiTypeStep::binpack, the default
  CHECK(binpack.on_datapoint(minutes(1), in) == 7);

  in.several_types_or_azs = false;  // one type in one AZ: the switch does not apply
  ManagedScalingPolicy single(exact);
  CHECK(single.on_datapoint(minutes(1), in) == 7);
}

TEST_CASE("capacity_provider: an empty group at target 90 launches 2 and removes them 15 minutes later (RM-653)",
          "[capacity_provider]") {
  // CP-6's 100 for M = N = 0 is above a target of 90, so the high alarm fires: ceil(1 × 100 / 90)
  // = 2. Then 0 of 2 busy is below target and, 15 minutes on, desired goes back to 0: the loop
  // RM-653 reported (2019). spotsim reproduces it rather than guessing a later fix.
  ManagedScalingPolicy p(provider(90));
  CHECK(p.on_datapoint(minutes(1), fleet(0, 0)) == 2);
  auto two = fleet(2, 0);
  two.newest_launch = minutes(1);
  CHECK(all_idle(feed(p, 2, 15, two)));
  CHECK(p.on_datapoint(minutes(16), two) == 0);
}

// ---- CP-16, CP-17: issue 5, Must show 2 ------------------------------------------------------------

TEST_CASE("capacity_provider: base 2 weight 1 / weight 3 splits 10 tasks 4 / 6 and 22 tasks 7 / 15",
          "[capacity_provider]") {
  const CapacityProviderStrategy s{{0, 2, 1}, {1, 0, 3}};  // on-demand: base 2, weight 1; spot: weight 3
  CHECK(split_by_strategy(s, 10) == std::vector<int>{4, 6});
  CHECK(split_by_strategy(s, 22) == std::vector<int>{7, 15});
  CHECK(split_by_strategy(s, 0) == std::vector<int>{0, 0});
  CHECK(split_by_strategy(s, 1) == std::vector<int>{1, 0});  // the base first
  CHECK(split_by_strategy(s, 2) == std::vector<int>{2, 0});
  CHECK(split_by_strategy(s, 3) == std::vector<int>{2, 1});  // then the larger weight
}

TEST_CASE("capacity_provider: placing tasks one at a time gives the split at every count", "[capacity_provider]") {
  const std::vector<CapacityProviderStrategy> strategies{
      {{0, 2, 1}, {1, 0, 3}},
      {{0, 0, 1}, {1, 0, 1}},
      {{0, 0, 1}, {1, 0, 4}},
      {{0, 0, 2}, {1, 5, 3}, {2, 0, 7}},
      {{0, 1, 0}, {1, 0, 1}},
  };
  for (std::size_t k = 0; k < strategies.size(); ++k) {
    const auto& s = strategies[k];
    std::vector<int> counts(s.size(), 0);
    for (int tasks = 1; tasks <= 60; ++tasks) {
      ++counts[provider_for_next_task(s, counts)];
      INFO("strategy " << k << ", " << tasks << " tasks");
      REQUIRE(split_by_strategy(s, tasks) == counts);
    }
  }
}

TEST_CASE("capacity_provider: a split rounds each share to the nearest task", "[capacity_provider]") {
  // Sainte-Laguë: weights 1 / 4 over 7 tasks are exact shares 1.4 and 5.6 → 1 and 6.
  CHECK(split_by_strategy({{0, 0, 1}, {1, 0, 4}}, 7) == std::vector<int>{1, 6});
  // Weights 3 / 7 over 2 tasks are shares 0.6 and 1.4 → 1 and 1 (a divisor method that rounds
  // down, D'Hondt, would give 0 and 2); over 12, 3.6 and 8.4 → 4 and 8.
  CHECK(split_by_strategy({{0, 0, 3}, {1, 0, 7}}, 2) == std::vector<int>{1, 1});
  CHECK(split_by_strategy({{0, 0, 3}, {1, 0, 7}}, 12) == std::vector<int>{4, 8});
  // 1 / 1 alternates, the first item first.
  CHECK(split_by_strategy({{0, 0, 1}, {1, 0, 1}}, 3) == std::vector<int>{2, 1});
  // 2 / 3 / 7 over 24 tasks: exact 4 / 6 / 14.
  CHECK(split_by_strategy({{0, 0, 2}, {1, 0, 3}, {2, 0, 7}}, 24) == std::vector<int>{4, 6, 14});
}

TEST_CASE("capacity_provider: weight 0 runs only its base; a lone weightless item runs everything",
          "[capacity_provider]") {
  // CP-17: weight 0 places no task beyond the base it is given (CP-16).
  CHECK(split_by_strategy({{0, 1, 0}, {1, 0, 1}}, 5) == std::vector<int>{1, 4});
  CHECK(split_by_strategy({{0, 0, 0}, {1, 0, 1}}, 5) == std::vector<int>{0, 5});
  // A one-item strategy: AWS ignores its weight.
  CHECK(split_by_strategy({{0, 0, 0}}, 5) == std::vector<int>{5});
  CHECK_THROWS_AS(split_by_strategy({}, 5), std::logic_error);
  CHECK_THROWS_AS(provider_for_next_task({{0, 0, 1}}, {}), std::logic_error);
}

TEST_CASE("capacity_provider: the next task restores a split that drifted", "[capacity_provider]") {
  const CapacityProviderStrategy s{{0, 2, 1}, {1, 0, 3}};
  // Spot (item 1) lost 3 of its 6 tasks to interruptions: the replacements go to spot.
  std::vector<int> counts{4, 3};
  for (int i = 0; i < 3; ++i) ++counts[provider_for_next_task(s, counts)];
  CHECK(counts == std::vector<int>{4, 6});
  // The on-demand base lost a task: the base comes first, even with spot below its share.
  CHECK(provider_for_next_task(s, {1, 2}) == 0);
}

}  // namespace spotsim
