// models/ecs_cluster_placement.cpp: EcsCluster::place_indexed must choose exactly as place_task
// over a candidate per present instance (aws-semantics.md §5.1, SCH-1, SCH-2), draw for draw, and
// fail with the same reason — the ECS scheduler uses whichever applies, and a year's outputs must
// not depend on which. A random cluster churns (instances register, drain and go; tasks are placed
// and stopped) while both placements are asked the same question with the same random stream.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "models/ecs_cluster.hpp"
#include "sim/random.hpp"

namespace spotsim {
namespace {

struct IndexTestTask {
  std::uint32_t ci = 0;
  int cpu = 0;
  int memory_mib = 0;
  std::vector<int> ports;
};

// What EcsService::place_over_candidates builds: every present instance with the service's tasks on it.
std::vector<PlacementCandidate> index_test_candidates(const EcsCluster& cluster, const std::vector<IndexTestTask>& tasks) {
  std::vector<PlacementCandidate> candidates;
  for (const std::uint32_t ci : cluster.present()) {
    PlacementCandidate cand = cluster.placement_candidate(ci);
    for (const IndexTestTask& t : tasks) cand.tasks_of_group += t.ci == ci ? 1 : 0;
    candidates.push_back(cand);
  }
  return candidates;
}

std::vector<int> index_test_tasks_per_zone(const EcsCluster& cluster, const std::vector<IndexTestTask>& tasks) {
  std::vector<int> per_zone(cluster.zones().size(), 0);
  for (const IndexTestTask& t : tasks) ++per_zone[cluster.at(t.ci).zone];
  return per_zone;
}

const PlacementStrategy kIndexSpreadAz{PlacementStrategyType::spread, "attribute:ecs.availability-zone"};
const PlacementStrategy kIndexBinpackCpu{PlacementStrategyType::binpack, "cpu"};
const PlacementStrategy kIndexRandom{PlacementStrategyType::random, ""};

}  // namespace

TEST_CASE("cluster placement index: chooses, fails and draws exactly as placement over every instance", "[ecs][placement][placement_index]") {
  const std::vector<std::vector<PlacementStrategy>> answered = {
      {kIndexSpreadAz, kIndexBinpackCpu},
      {kIndexBinpackCpu, kIndexSpreadAz},
      {kIndexBinpackCpu},
      {kIndexRandom, kIndexBinpackCpu, kIndexSpreadAz, kIndexBinpackCpu},
      {{PlacementStrategyType::spread, "ecs.availability-zone"}, kIndexRandom, kIndexBinpackCpu},
  };
  const std::vector<std::string> zones = {"eu-west-1a", "eu-west-1b", "eu-west-1c"};
  const std::vector<std::pair<std::string, int>> types = {{"m5.large", 2}, {"m5.xlarge", 4}, {"c5.2xlarge", 8}};
  int placed = 0, failed = 0;
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    INFO("seed " << seed);
    RandomStream churn(seed, "test.churn", 0);
    EcsCluster cluster(0, EcsClusterConfig{"c", {}});
    std::vector<IndexTestTask> tasks;
    std::uint32_t next_ec2 = 0;
    const auto add_instance = [&] {
      Ec2Instance ec2;
      ec2.id = InstanceId{next_ec2++};
      const auto& [type, vcpu] = types[churn.below(static_cast<std::uint32_t>(types.size()))];
      cluster.register_instance(ec2, type, zones[churn.below(3)], vcpu, vcpu * 4096, EcsAgentConfig{}, 0);
    };
    for (int i = 0; i < 12; ++i) add_instance();
    for (int step = 0; step < 400; ++step) {
      REQUIRE(cluster.index_consistent());
      const std::uint32_t action = churn.below(10);
      if (action == 0) {
        add_instance();
      } else if (action == 1 && !cluster.present().empty()) {
        const std::uint32_t ci = cluster.present()[churn.below(static_cast<std::uint32_t>(cluster.present().size()))];
        if (churn.below(2) == 0) {
          cluster.set_draining(ci, 0);  // AG-5: no new tasks, its tasks still count for spread
        } else {  // EC2 terminated it: its tasks die first, then it deregisters (world.cpp)
          for (const IndexTestTask& t : tasks)
            if (t.ci == ci) cluster.release(t.ci, t.cpu, t.memory_mib, t.ports);
          std::erase_if(tasks, [&](const IndexTestTask& t) { return t.ci == ci; });
          cluster.deregister(ci);
        }
      } else if (action == 2 && !tasks.empty()) {
        const std::size_t k = churn.below(static_cast<std::uint32_t>(tasks.size()));
        cluster.release(tasks[k].ci, tasks[k].cpu, tasks[k].memory_mib, tasks[k].ports);
        tasks.erase(tasks.begin() + static_cast<std::ptrdiff_t>(k));
      } else {
        TaskRequirements need;
        need.cpu = 256 * static_cast<int>(1 + churn.below(8));
        need.memory_mib = 512 * static_cast<int>(1 + churn.below(16));
        if (churn.below(4) == 0) need.static_ports = {80};
        const auto& strategies = answered[churn.below(static_cast<std::uint32_t>(answered.size()))];
        RandomStream by_index(seed + 100 * static_cast<std::uint64_t>(step), "test.placement", 0);
        RandomStream by_candidates = by_index;
        const auto indexed =
            cluster.place_indexed(need, strategies, {}, index_test_tasks_per_zone(cluster, tasks), by_index);
        REQUIRE(indexed.has_value());
        const PlacementResult expected =
            place_task(index_test_candidates(cluster, tasks), need, strategies, {}, by_candidates);
        INFO("step " << step);
        REQUIRE(indexed->chosen == expected.chosen);
        REQUIRE(indexed->failure == expected.failure);
        REQUIRE(by_index.next_u32() == by_candidates.next_u32());  // as many draws
        if (!expected.chosen) {
          ++failed;
          continue;
        }
        ++placed;
        cluster.reserve(*expected.chosen, need.cpu, need.memory_mib, need.static_ports);
        tasks.push_back({*expected.chosen, need.cpu, need.memory_mib, need.static_ports});
      }
    }
  }
  // Both outcomes were exercised, and often.
  CHECK(placed > 300);
  CHECK(failed > 50);
}

TEST_CASE("cluster placement index: leaves what it cannot answer to placement over every instance", "[ecs][placement][placement_index]") {
  EcsCluster cluster(0, EcsClusterConfig{"c", {}});
  Ec2Instance ec2;
  cluster.register_instance(ec2, "m5.large", "eu-west-1a", 2, 8192, EcsAgentConfig{}, 0);
  RandomStream rng(1, "test.placement", 0);
  const TaskRequirements need{256, 512, {}};
  const std::vector<int> per_zone = {0};
  CHECK_FALSE(cluster.place_indexed(need, {kIndexSpreadAz}, {}, per_zone, rng));  // a whole zone ties
  CHECK_FALSE(cluster.place_indexed(need, {{PlacementStrategyType::binpack, "memory"}}, {}, per_zone, rng));
  CHECK_FALSE(cluster.place_indexed(need, {{PlacementStrategyType::spread, "instanceId"}, kIndexBinpackCpu}, {}, per_zone, rng));
  CHECK_FALSE(cluster.place_indexed(need, {kIndexBinpackCpu}, {{PlacementConstraintType::distinct_instance, ""}}, per_zone, rng));
  CHECK(cluster.place_indexed(need, {kIndexBinpackCpu}, {}, per_zone, rng));
}

}  // namespace spotsim
