// models/placement.hpp: ECS task placement (aws-semantics.md §5.1) and the cluster query language.
// The §5.1 examples run as repeated placements onto a candidate list updated after each one as the
// scheduler would (remaining cpu and memory go down, the host ports are taken, the instance's count
// of the service's tasks goes up). Every random choice comes from a fixed-seed RandomStream, and
// the examples whose outcome must not depend on the tie-breaks are checked over many seeds.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "models/placement.hpp"
#include "sim/random.hpp"

namespace spotsim {
namespace {

struct InstanceSpec {
  std::string az;
  std::string type = "m5.large";
  int cpu = 2048;
  int memory_mib = 7680;  // m5.large's registered memory (container_instance_resources.cpp)
  bool spot = true;
};

// A cluster as placement sees it, updated after each placement.
class Cluster {
 public:
  // Candidates point at their attributes and ports (placement.hpp): both are kept here, sized once.
  explicit Cluster(const std::vector<InstanceSpec>& specs) : attributes(specs.size()), ports(specs.size()) {
    for (const auto& s : specs) {
      PlacementCandidate c;
      c.id = static_cast<std::uint32_t>(candidates.size());
      c.remaining_cpu = s.cpu;
      c.remaining_memory_mib = s.memory_mib;
      attributes[c.id] = {{"instanceId", "i-" + std::to_string(c.id)},
                          {"ecs.availability-zone", s.az},
                          {"ecs.instance-type", s.type},
                          {"ecs.os-type", "linux"},
                          {"ecs.instance-lifecycle", s.spot ? "spot" : "on-demand"}};
      c.attributes = &attributes[c.id];
      c.used_ports = &ports[c.id];
      candidates.push_back(c);
    }
  }
  Cluster(const Cluster&) = delete;  // the candidates point into this object
  Cluster& operator=(const Cluster&) = delete;

  PlacementResult place(const TaskRequirements& task, RandomStream& rng) {
    const auto result = place_task(candidates, task, strategies, constraints, rng);
    if (result.chosen) {
      auto& c = candidates.at(*result.chosen);
      c.remaining_cpu -= task.cpu;
      c.remaining_memory_mib -= task.memory_mib;
      ports[c.id].insert(ports[c.id].end(), task.static_ports.begin(), task.static_ports.end());
      ++c.tasks_of_group;
    }
    return result;
  }

  // Places `n` tasks; all must succeed.
  void place_all(const TaskRequirements& task, int n, RandomStream& rng) {
    for (int i = 0; i < n; ++i) {
      const auto r = place(task, rng);
      INFO("task " << i << ": " << to_string(r.failure));
      REQUIRE(r.chosen);
    }
  }

  std::map<std::string, int> tasks_per_az() const {
    std::map<std::string, int> out;
    for (const auto& c : candidates) out[c.attributes->at("ecs.availability-zone")] += c.tasks_of_group;
    return out;
  }

  std::vector<int> tasks_per_instance() const {
    std::vector<int> out;
    for (const auto& c : candidates) out.push_back(c.tasks_of_group);
    return out;
  }

  int instances_used() const {
    return static_cast<int>(std::count_if(candidates.begin(), candidates.end(),
                                          [](const PlacementCandidate& c) { return c.tasks_of_group > 0; }));
  }

  std::vector<Attributes> attributes;
  std::vector<std::vector<int>> ports;
  std::vector<PlacementCandidate> candidates;
  std::vector<PlacementStrategy> strategies;
  std::vector<PlacementConstraint> constraints;
};

const PlacementStrategy kSpreadAz{PlacementStrategyType::spread, "attribute:ecs.availability-zone"};
const PlacementStrategy kBinpackCpu{PlacementStrategyType::binpack, "cpu"};
const PlacementStrategy kBinpackMemory{PlacementStrategyType::binpack, "memory"};
const PlacementStrategy kSpreadInstance{PlacementStrategyType::spread, "instanceId"};

// Two instances in each of three AZs, listed AZ by AZ.
std::vector<InstanceSpec> six_in_three_azs() {
  return {{"eu-west-1a"}, {"eu-west-1a"}, {"eu-west-1b"}, {"eu-west-1b"}, {"eu-west-1c"}, {"eu-west-1c"}};
}

bool query_matches(const std::string& expression, const Attributes& attributes) {
  std::string error;
  const auto q = ClusterQuery::parse(expression, &error);
  INFO(expression << " -> " << error);
  REQUIRE(q);
  return q->matches(attributes);
}

std::string parse_error(const std::string& expression) {
  std::string error;
  const auto q = ClusterQuery::parse(expression, &error);
  INFO(expression);
  CHECK_FALSE(q);
  return error;
}

const Attributes kT3SmallSpot{{"ecs.instance-type", "t3.small"},
                              {"ecs.availability-zone", "us-east-1a"},
                              {"ecs.instance-lifecycle", "spot"},
                              {"ecs.os-type", "linux"}};

}  // namespace

// ---------------------------------------------------------------------------------------------
// The §5.1 examples
// ---------------------------------------------------------------------------------------------

// SCH-2: AWS's example of chained strategies, spread over AZs then binpack "within each
// Availability Zone" — here on cpu, the seed article's service. Six tasks of 512 cpu units: two per
// AZ, and both on the same instance of each AZ since they fit there; with twelve, four per AZ still
// on one instance each (4 × 512 = 2,048 units). Whatever the tie-breaks, for every seed.
TEST_CASE("placed one by one, spread over AZs then binpack on cpu fills AZs evenly and packs within each AZ") {
  const TaskRequirements task{512, 1024, {}};
  for (std::uint64_t seed = 1; seed <= 25; ++seed) {
    INFO("seed " << seed);
    RandomStream rng(seed, "placement", 0);
    Cluster cluster(six_in_three_azs());
    cluster.strategies = {kSpreadAz, kBinpackCpu};

    cluster.place_all(task, 6, rng);
    CHECK(cluster.tasks_per_az() == std::map<std::string, int>{{"eu-west-1a", 2}, {"eu-west-1b", 2}, {"eu-west-1c", 2}});
    for (std::size_t az = 0; az < 3; ++az) {
      const auto per = cluster.tasks_per_instance();
      CHECK(std::max(per[2 * az], per[2 * az + 1]) == 2);  // both on one instance of the AZ
    }

    cluster.place_all(task, 6, rng);
    CHECK(cluster.tasks_per_az() == std::map<std::string, int>{{"eu-west-1a", 4}, {"eu-west-1b", 4}, {"eu-west-1c", 4}});
    CHECK(cluster.instances_used() == 3);

    // The first instance of each AZ is full: the 13th to 15th tasks open the second ones.
    cluster.place_all(task, 3, rng);
    CHECK(cluster.instances_used() == 6);
    CHECK(cluster.tasks_per_az() == std::map<std::string, int>{{"eu-west-1a", 5}, {"eu-west-1b", 5}, {"eu-west-1c", 5}});
  }
}

// SCH-2 spread by AZ: the candidates' zone indexes (PlacementCandidate::zone, what the ECS scheduler
// gives) are a shortcut for counting by the ecs.availability-zone text; both must choose alike, draw
// for draw. Uneven AZs (4 + 1 + 2 instances of mixed sizes) so the spread has real choices to make.
TEST_CASE("spread over AZs by zone index chooses exactly as by the availability-zone attribute") {
  const std::vector<InstanceSpec> fleet = {{"eu-west-1a", "m5.large", 2048}, {"eu-west-1a", "m5.large", 1024},
                                           {"eu-west-1b", "m5.large", 4096}, {"eu-west-1a", "m5.large", 2048},
                                           {"eu-west-1c", "m5.large", 1024}, {"eu-west-1c", "m5.large", 2048},
                                           {"eu-west-1a", "m5.large", 4096}};
  const std::map<std::string, std::int32_t> zone_of = {{"eu-west-1c", 0}, {"eu-west-1a", 1}, {"eu-west-1b", 2}};
  const TaskRequirements task{256, 256, {}};
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    INFO("seed " << seed);
    RandomStream by_text_rng(seed, "placement", 0), by_zone_rng(seed, "placement", 0);
    Cluster by_text(fleet), by_zone(fleet);
    for (auto& c : by_zone.candidates) c.zone = zone_of.at(c.attributes->at("ecs.availability-zone"));
    by_text.strategies = by_zone.strategies = {kSpreadAz, kBinpackCpu};
    for (int i = 0; i < 40; ++i) {
      const auto a = by_text.place(task, by_text_rng), b = by_zone.place(task, by_zone_rng);
      REQUIRE(a.chosen == b.chosen);
      REQUIRE(a.failure == b.failure);
    }
    CHECK(by_text.tasks_per_instance() == by_zone.tasks_per_instance());
  }
}

// SCH-2: AWS's own example is spread on AZ then binpack on memory.
TEST_CASE("placed one by one, spread over AZs then binpack on memory packs by memory within each AZ") {
  const TaskRequirements task{256, 2048, {}};
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    INFO("seed " << seed);
    RandomStream rng(seed, "placement", 0);
    Cluster cluster(six_in_three_azs());
    cluster.strategies = {kSpreadAz, kBinpackMemory};
    cluster.place_all(task, 9, rng);  // three per AZ: 3 × 2,048 <= 7,680, all on one instance
    CHECK(cluster.tasks_per_az() == std::map<std::string, int>{{"eu-west-1a", 3}, {"eu-west-1b", 3}, {"eu-west-1c", 3}});
    CHECK(cluster.instances_used() == 3);
  }
}

// SCH-2 binpack: "placed on the instance with the least amount of remaining cpu but still enough
// to run the task" — so eight 512-unit tasks fill two of four empty instances, four each.
TEST_CASE("placed one by one, binpack alone packs onto the fewest instances") {
  const TaskRequirements task{512, 1024, {}};
  for (std::uint64_t seed = 1; seed <= 25; ++seed) {
    INFO("seed " << seed);
    RandomStream rng(seed, "placement", 0);
    Cluster cluster({{"eu-west-1a"}, {"eu-west-1b"}, {"eu-west-1c"}, {"eu-west-1a"}});
    cluster.strategies = {kBinpackCpu};
    cluster.place_all(task, 8, rng);
    CHECK(cluster.instances_used() == 2);
    auto per = cluster.tasks_per_instance();
    std::sort(per.begin(), per.end());
    CHECK(per == std::vector<int>{0, 0, 4, 4});
  }
}

TEST_CASE("binpack chooses the instance with the least remaining that still fits") {
  RandomStream rng(7, "placement", 0);
  Cluster cluster({{"a", "m5.large", 2048}, {"a", "m5.large", 1024}, {"a", "m5.large", 600}, {"a", "m5.large", 256}});
  cluster.strategies = {kBinpackCpu};
  CHECK(cluster.place({512, 512, {}}, rng).chosen == 2u);  // 600 left; 256 is too little
  CHECK(cluster.place({512, 512, {}}, rng).chosen == 1u);  // 88 left on #2 now
}

// SCH-4 distinctInstance: "each task of the group on a different instance"; constraints are
// binding, so the fourth task on three instances is not placed, and the reason is the constraint.
TEST_CASE("placed one by one, distinctInstance puts at most one task per instance, then fails on the constraint") {
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    INFO("seed " << seed);
    RandomStream rng(seed, "placement", 0);
    Cluster cluster({{"eu-west-1a"}, {"eu-west-1b"}, {"eu-west-1c"}});
    cluster.strategies = {kBinpackCpu};  // would stack them all if the constraint allowed it
    cluster.constraints = {{PlacementConstraintType::distinct_instance, ""}};
    cluster.place_all({256, 256, {}}, 3, rng);
    CHECK(cluster.tasks_per_instance() == std::vector<int>{1, 1, 1});
    const auto fourth = cluster.place({256, 256, {}}, rng);
    CHECK_FALSE(fourth.chosen);
    CHECK(fourth.failure == PlacementFailure::constraint);
  }
}

// SCH-1 step 1 checks ports; the issue: "a static host port allows one task per instance". A
// dynamic-port task (hostPort 0: no static ports) has no such limit.
TEST_CASE("placed one by one, a static host port allows one task per instance, then fails on ports") {
  RandomStream rng(3, "placement", 0);
  Cluster cluster({{"eu-west-1a"}, {"eu-west-1b"}, {"eu-west-1c"}});
  cluster.strategies = {kBinpackCpu};
  const TaskRequirements static_port{256, 256, {8080}};
  cluster.place_all(static_port, 3, rng);
  CHECK(cluster.tasks_per_instance() == std::vector<int>{1, 1, 1});
  const auto fourth = cluster.place(static_port, rng);
  CHECK_FALSE(fourth.chosen);
  CHECK(fourth.failure == PlacementFailure::ports);

  // Another port is still free everywhere, and dynamic ports need none.
  CHECK(cluster.place({256, 256, {9090}}, rng).chosen);
  CHECK(cluster.place({256, 256, {}}, rng).chosen);
}

// ---------------------------------------------------------------------------------------------
// memberOf (SCH-4) with the attributes the issue names: instance type, AZ, purchase option
// ---------------------------------------------------------------------------------------------

TEST_CASE("memberOf keeps tasks on the instance types, AZs and purchase option it names") {
  const std::vector<InstanceSpec> fleet{
      {"us-east-1a", "t3.small", 2048, 1901, true},  {"us-east-1b", "t3.small", 2048, 1901, false},
      {"us-east-1a", "m5.large", 2048, 7680, false}, {"us-east-1b", "m5.large", 2048, 7680, true},
      {"us-east-1c", "c5.large", 2048, 3704, true},  {"us-east-1c", "m5a.large", 2048, 7680, false}};
  const TaskRequirements task{64, 64, {}};
  struct Case {
    std::string expression;
    std::vector<int> allowed;  // candidate ids
  };
  const std::vector<Case> cases{
      {"attribute:ecs.instance-type == t3.small", {0, 1}},
      {"attribute:ecs.instance-type =~ m5.*", {2, 3, 5}},  // a Java regex: m5a.large too
      {"attribute:ecs.instance-type =~ m5\\..*", {2, 3}},
      {"attribute:ecs.availability-zone in [us-east-1a, us-east-1c]", {0, 2, 4, 5}},
      {"attribute:ecs.availability-zone != us-east-1a", {1, 3, 4, 5}},
      {"attribute:ecs.instance-lifecycle == spot", {0, 3, 4}},
      {"attribute:ecs.instance-lifecycle == spot and attribute:ecs.instance-type =~ t3.*", {0}},
      {"attribute:ecs.instance-lifecycle == on-demand or attribute:ecs.availability-zone == us-east-1c",
       {1, 2, 4, 5}},
  };
  for (const auto& c : cases) {
    INFO(c.expression);
    std::string error;
    REQUIRE(ClusterQuery::parse(c.expression, &error));
    RandomStream rng(11, "placement", 0);
    Cluster cluster(fleet);
    cluster.constraints = {{PlacementConstraintType::member_of, c.expression}};
    cluster.place_all(task, 24, rng);
    for (const auto& cand : cluster.candidates) {
      const bool allowed = std::find(c.allowed.begin(), c.allowed.end(), static_cast<int>(cand.id)) != c.allowed.end();
      if (!allowed) CHECK(cand.tasks_of_group == 0);
    }
    CHECK(cluster.instances_used() == static_cast<int>(c.allowed.size()));  // 24 random draws reach all
  }
}

TEST_CASE("memberOf that no instance satisfies fails with constraint") {
  RandomStream rng(1, "placement", 0);
  Cluster cluster({{"us-east-1a", "m5.large"}, {"us-east-1b", "m5.large"}});
  cluster.constraints = {{PlacementConstraintType::member_of, "attribute:ecs.instance-type == t3.small"}};
  const auto r = cluster.place({256, 256, {}}, rng);
  CHECK_FALSE(r.chosen);
  CHECK(r.failure == PlacementFailure::constraint);
}

// ---------------------------------------------------------------------------------------------
// Failures and DRAINING
// ---------------------------------------------------------------------------------------------

// SCH-1: cpu, then memory, then ports, then constraints; the failure names the first filter that
// left no instance.
TEST_CASE("a placement failure names the first requirement no instance met") {
  RandomStream rng(1, "placement", 0);
  // #0 has memory but little cpu; #1 has cpu but little memory.
  Cluster cluster({{"a", "m5.large", 256, 8000}, {"b", "m5.large", 2048, 512}});
  CHECK(cluster.place({4096, 128, {}}, rng).failure == PlacementFailure::cpu);
  CHECK(cluster.place({128, 9000, {}}, rng).failure == PlacementFailure::memory);
  // cpu leaves only #1, whose memory is too small: memory — even though #0 has the memory.
  CHECK(cluster.place({512, 4000, {}}, rng).failure == PlacementFailure::memory);
  // Neither has the cpu, though #0 has the memory: cpu.
  CHECK(cluster.place({4000, 4000, {}}, rng).failure == PlacementFailure::cpu);
  CHECK(cluster.place({256, 512, {}}, rng).chosen);  // both fit exactly on one resource
  CHECK(std::string(to_string(PlacementFailure::memory)) == "memory");
  CHECK(std::string(to_string(PlacementFailure::no_instances)) == "no_instances");
}

TEST_CASE("with no active instance the failure is no_instances") {
  RandomStream rng(1, "placement", 0);
  CHECK(place_task({}, {256, 256, {}}, {}, {}, rng).failure == PlacementFailure::no_instances);
  Cluster cluster({{"a"}, {"b"}});
  for (auto& c : cluster.candidates) c.active = false;
  const auto r = cluster.place({256, 256, {}}, rng);
  CHECK_FALSE(r.chosen);
  CHECK(r.failure == PlacementFailure::no_instances);
}

// AG-5: no new tasks on a DRAINING instance, however well it scores.
TEST_CASE("draining instances are never chosen") {
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    INFO("seed " << seed);
    RandomStream rng(seed, "placement", 0);
    Cluster cluster({{"a", "m5.large", 2048}, {"b", "m5.large", 600}, {"c", "m5.large", 2048}});
    cluster.candidates[1].active = false;  // binpack's favourite, but DRAINING
    cluster.strategies = {kBinpackCpu};
    cluster.place_all({512, 512, {}}, 8, rng);
    CHECK(cluster.candidates[1].tasks_of_group == 0);
    const auto ninth = cluster.place({512, 512, {}}, rng);
    CHECK(ninth.failure == PlacementFailure::cpu);  // the active ones are full
  }
}

// SCH-2 / SCH-5: spread balances where the service's tasks are, so tasks on a DRAINING instance or
// on one too full to take another still count for their AZ.
TEST_CASE("spread over AZs counts the service's tasks on draining and full instances") {
  RandomStream rng(5, "placement", 0);
  Cluster cluster({{"a"}, {"a"}, {"b"}, {"c", "m5.large", 0}, {"c"}});
  cluster.candidates[0].active = false;
  cluster.candidates[0].tasks_of_group = 2;  // AZ a: two tasks, on a DRAINING instance
  cluster.candidates[3].tasks_of_group = 1;  // AZ c: one task, on a full instance
  cluster.strategies = {kSpreadAz};
  const TaskRequirements task{256, 256, {}};
  CHECK(cluster.place(task, rng).chosen == 2u);  // b has none
  const auto second = cluster.place(task, rng);   // a 2, b 1, c 1: b or c
  REQUIRE(second.chosen);
  CHECK(*second.chosen != 1u);
  cluster.place_all(task, 4, rng);  // then 3 in every AZ: a's active instance takes just one
  CHECK(cluster.tasks_per_az() == std::map<std::string, int>{{"a", 3}, {"b", 3}, {"c", 3}});
  CHECK(cluster.candidates[1].tasks_of_group == 1);
}

TEST_CASE("spread on instanceId takes the instances with the fewest of the service's tasks") {
  RandomStream rng(9, "placement", 0);
  Cluster cluster({{"a"}, {"a"}, {"b"}});
  cluster.strategies = {kSpreadInstance, kBinpackCpu};
  cluster.place_all({256, 256, {}}, 7, rng);
  auto per = cluster.tasks_per_instance();
  std::sort(per.begin(), per.end());
  CHECK(per == std::vector<int>{2, 2, 3});
}

// SCH-1 step 4 / random strategy: a uniform choice among what is left.
TEST_CASE("ties end in a uniform random choice that a fixed seed repeats") {
  Cluster cluster({{"a"}, {"b"}, {"c"}});
  cluster.strategies = {{PlacementStrategyType::random, ""}};
  const auto draw = [&](std::uint64_t seed) {
    RandomStream rng(seed, "placement", 0);
    std::vector<std::uint32_t> picks;
    for (int i = 0; i < 3000; ++i) picks.push_back(*place_task(cluster.candidates, {1, 1, {}}, cluster.strategies, {}, rng).chosen);
    return picks;
  };
  const auto picks = draw(42);
  CHECK(picks == draw(42));
  CHECK(picks != draw(43));
  for (std::uint32_t id = 0; id < 3; ++id) {
    const auto n = std::count(picks.begin(), picks.end(), id);
    CHECK(n > 900);
    CHECK(n < 1100);
  }
}

// ---------------------------------------------------------------------------------------------
// Cluster query language [DOC ECS cluster-query-language]
// ---------------------------------------------------------------------------------------------

TEST_CASE("the AWS guide's example expressions parse and select what it says") {
  const Attributes g2{{"ecs.instance-type", "g2.2xlarge"}, {"ecs.availability-zone", "us-east-1a"}};
  const Attributes g2_in_d{{"ecs.instance-type", "g2.2xlarge"}, {"ecs.availability-zone", "us-east-1d"}};
  const Attributes t2{{"ecs.instance-type", "t2.small"}, {"ecs.availability-zone", "us-east-1b"}};
  CHECK(query_matches("attribute:ecs.instance-type == t2.small", t2));
  CHECK_FALSE(query_matches("attribute:ecs.instance-type == t2.small", g2));
  CHECK(query_matches("attribute:ecs.availability-zone in [us-east-1a, us-east-1b]", t2));
  CHECK_FALSE(query_matches("attribute:ecs.availability-zone in [us-east-1a, us-east-1b]", g2_in_d));
  const std::string compound = "attribute:ecs.instance-type =~ g2.* and attribute:ecs.availability-zone != us-east-1d";
  CHECK(query_matches(compound, g2));
  CHECK_FALSE(query_matches(compound, g2_in_d));
  CHECK_FALSE(query_matches(compound, t2));
  CHECK(query_matches("not(attribute:ecs.instance-type =~ t2.*)", g2));
  CHECK_FALSE(query_matches("not(attribute:ecs.instance-type =~ t2.*)", t2));
}

TEST_CASE("every spelling of the operators and Boolean connectives is accepted") {
  const auto& a = kT3SmallSpot;
  CHECK(query_matches("attribute:ecs.instance-type equals t3.small", a));
  CHECK(query_matches("attribute:ecs.instance-type not_equals m5.large", a));
  CHECK(query_matches("attribute:ecs.instance-type matches t3.*", a));
  CHECK(query_matches("attribute:ecs.instance-type not_matches m5.*", a));
  CHECK(query_matches("attribute:ecs.instance-type !~ m5.*", a));
  CHECK(query_matches("attribute:ecs.availability-zone not in [us-east-1b, us-east-1c]", a));
  CHECK(query_matches("attribute:ecs.availability-zone not_in [us-east-1b]", a));
  CHECK(query_matches("attribute:ecs.availability-zone !in [us-east-1b]", a));
  CHECK_FALSE(query_matches("attribute:ecs.availability-zone !in [us-east-1a]", a));
  CHECK(query_matches("attribute:ecs.os-type exists", a));
  CHECK(query_matches("attribute:custom.team !exists", a));
  CHECK(query_matches("attribute:custom.team not_exists", a));
  CHECK(query_matches("attribute:custom.team not exists", a));
  CHECK(query_matches("attribute:ecs.os-type == linux && attribute:ecs.instance-lifecycle == spot", a));
  CHECK(query_matches("attribute:ecs.os-type == windows || attribute:ecs.instance-lifecycle == spot", a));
  CHECK(query_matches("attribute:ecs.os-type == linux AND NOT attribute:ecs.instance-lifecycle == on-demand", a));
  CHECK(query_matches("!(attribute:ecs.instance-lifecycle == on-demand)", a));
  CHECK(query_matches("attribute:ecs.instance-type=='t3.small'", a));
  CHECK(query_matches("attribute:ecs.availability-zone in ['us-east-1a', \"us-east-1b\"]", a));
  CHECK(query_matches("  attribute:ecs.instance-type   ==   t3.small  ", a));
}

TEST_CASE("and binds tighter than or, and parentheses override it") {
  const auto& a = kT3SmallSpot;  // spot, t3.small, us-east-1a
  const std::string f = "attribute:ecs.instance-type == m5.large";
  const std::string t = "attribute:ecs.instance-lifecycle == spot";
  CHECK(query_matches(t + " or " + f + " and " + f, a));         // t or (f and f)
  CHECK_FALSE(query_matches("(" + t + " or " + f + ") and " + f, a));
  CHECK(query_matches("not not (" + t + ")", a));
  CHECK_FALSE(query_matches("not (" + f + " or " + t + ")", a));
}

// A missing attribute fails ==, in, =~ and exists and passes their negations (spotsim's choice,
// stated in placement.cpp; the doc is silent).
TEST_CASE("an instance without the attribute passes only the negative operators") {
  const Attributes none{{"ecs.os-type", "linux"}};
  CHECK_FALSE(query_matches("attribute:ecs.instance-lifecycle == spot", none));
  CHECK(query_matches("attribute:ecs.instance-lifecycle != spot", none));
  CHECK_FALSE(query_matches("attribute:ecs.instance-lifecycle in [spot]", none));
  CHECK(query_matches("attribute:ecs.instance-lifecycle not_in [spot]", none));
  CHECK_FALSE(query_matches("attribute:ecs.instance-lifecycle =~ .*", none));
  CHECK(query_matches("attribute:ecs.instance-lifecycle !~ .*", none));
}

// `=~` takes a Java regular expression, matched against the whole value.
TEST_CASE("patterns are Java regular expressions matched against the whole value") {
  const auto type = [](const std::string& t) { return Attributes{{"ecs.instance-type", t}}; };
  const auto m = [&](const std::string& pattern, const std::string& t) {
    return query_matches("attribute:ecs.instance-type =~ " + pattern, type(t));
  };
  CHECK(m("t3.*", "t3.small"));
  CHECK(m("t3.*", "t3a.small"));  // '.' is any character
  CHECK_FALSE(m("t3\\..*", "t3a.small"));
  CHECK(m("t3\\..*", "t3.2xlarge"));
  CHECK_FALSE(m("t3", "t3.small"));  // whole value, not a substring
  CHECK(m("m5[ad]?\\.large", "m5.large"));
  CHECK(m("m5[ad]?\\.large", "m5d.large"));
  CHECK_FALSE(m("m5[ad]?\\.large", "m5n.large"));
  CHECK(m("[^t].*", "c5.large"));
  CHECK_FALSE(m("[^t].*", "t3.large"));
  CHECK_FALSE(m("c\\d+\\.\\w+", "c6i.large"));  // "6i" is not all digits
  CHECK(m("c\\d\\w*\\.\\w+", "c6i.large"));
  CHECK(m("^m5.+$", "m5.large"));  // anchors are redundant but allowed
  CHECK(m("m5.*?", "m5.xlarge"));  // lazy: same whole-string outcome
  CHECK(m("'t3.*'", "t3.small"));  // a quoted pattern
  CHECK_FALSE(m("T3.*", "t3.small"));  // case-sensitive
}

TEST_CASE("a pathological pattern is answered without backtracking") {
  const Attributes a{{"x", std::string(200, 'a')}};
  CHECK_FALSE(query_matches("attribute:x =~ a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b", a));
  CHECK(query_matches("attribute:x =~ a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*", a));
}

TEST_CASE("a parse error names the position where the expression went wrong") {
  CHECK(parse_error("").find("position 1") != std::string::npos);
  CHECK(parse_error("   ").find("expected an expression") != std::string::npos);
  // 1-based columns: the value was expected after "==" at the end (position 31).
  const auto missing_value = parse_error("attribute:ecs.instance-type ==");
  CHECK(missing_value.find("position 31") != std::string::npos);
  CHECK(missing_value.find("expected a value") != std::string::npos);
  CHECK(parse_error("attribute:ecs.instance-type == t3.small and").find("expected an expression") !=
        std::string::npos);
  CHECK(parse_error("(attribute:ecs.os-type exists").find("expected ')'") != std::string::npos);
  CHECK(parse_error("attribute:ecs.os-type exists)").find("position 29: unexpected ')'") != std::string::npos);
  CHECK(parse_error("attribute:ecs.availability-zone in [a, b").find("expected ',' or ']'") != std::string::npos);
  CHECK(parse_error("attribute:ecs.availability-zone in a").find("expected '['") != std::string::npos);
  CHECK(parse_error("attribute:ecs.availability-zone in [a,]").find("expected a value") != std::string::npos);
  CHECK(parse_error("attribute:ecs.instance-type == 't3.small").find("unterminated") != std::string::npos);
  CHECK(parse_error("attribute:ecs.instance-type t3.small").find("position 29: expected an operator") !=
        std::string::npos);
  CHECK(parse_error("attribute:ecs.instance-type not t3.small").find("after 'not'") != std::string::npos);
  CHECK(parse_error("attribute: == x").find("needs a name") != std::string::npos);
  CHECK(parse_error("== x").find("expected a subject") != std::string::npos);
}

TEST_CASE("subjects and operators spotsim does not evaluate are rejected, not ignored") {
  CHECK(parse_error("ec2InstanceId in ['i-abcd1234', 'i-wxyx7890']").find("'ec2InstanceId' is not supported") !=
        std::string::npos);
  CHECK(parse_error("runningTasksCount == 1").find("not supported") != std::string::npos);
  CHECK(parse_error("task:group == service:production").find("not supported") != std::string::npos);
  CHECK(parse_error("instance-type == t3.small").find("unknown subject") != std::string::npos);
  CHECK(parse_error("attribute:custom.weight >= 3").find("ordering operators") != std::string::npos);
  CHECK(parse_error("attribute:custom.weight greater_than 3").find("ordering operators") != std::string::npos);
}

TEST_CASE("regular-expression features outside the supported subset are parse errors") {
  const auto err = [](const std::string& pattern) {
    return parse_error("attribute:ecs.instance-type =~ " + pattern);
  };
  // The pattern starts at position 32.
  CHECK(err("*.large").find("position 32: dangling '*'") != std::string::npos);  // a glob, not a regex
  CHECK(err("(t3|m5).*").find("groups and alternation") != std::string::npos);
  CHECK(err("t3|m5").find("position 34") != std::string::npos);
  CHECK(err("m5.{2}").find("{n,m}") != std::string::npos);
  CHECK(err("m5.*+").find("possessive") != std::string::npos);
  CHECK(err("m5**").find("dangling") != std::string::npos);
  CHECK(err("m[5").find("unclosed character class") != std::string::npos);
  CHECK(err("m[]").find("empty character class") != std::string::npos);
  CHECK(err("m[9-0]").find("out of order") != std::string::npos);
  CHECK(err("m\\p{L}").find("escape '\\p'") != std::string::npos);
  CHECK(err("m5\\").find("ends with") != std::string::npos);
  CHECK(err("m^5").find("anchors") != std::string::npos);
}

// SCH-4: memberOf expressions are at most 2,000 characters; nesting is bounded so that hostile input
// cannot exhaust the stack while parsing or evaluating.
TEST_CASE("expressions longer than 2,000 characters are rejected") {
  const std::string at_limit = "attribute:x == " + std::string(1985, 'v');
  REQUIRE(at_limit.size() == 2000);
  std::string error;
  CHECK(ClusterQuery::parse(at_limit, &error));

  const std::string too_long = "attribute:x == " + std::string(1986, 'v');
  REQUIRE(too_long.size() == 2001);
  CHECK(parse_error(too_long).find("at most 2000 (SCH-4)") != std::string::npos);
}

TEST_CASE("deep nesting is a parse error, not a stack overflow") {
  const std::string leaf = "attribute:x exists";
  const auto nested = [&](int depth) { return std::string(depth, '(') + leaf + std::string(depth, ')'); };
  std::string error;
  CHECK(ClusterQuery::parse(nested(31), &error));
  CHECK(parse_error(nested(32)).find("nested more than 32 levels") != std::string::npos);
  CHECK(parse_error(std::string(1980, '(') + leaf).find("nested") != std::string::npos);
  std::string nots;
  for (int i = 0; i < 400; ++i) nots += "!";
  CHECK(parse_error(nots + leaf).find("nested") != std::string::npos);
  std::string not_words;
  for (int i = 0; i < 40; ++i) not_words += "not ";
  CHECK(parse_error(not_words + leaf).find("nested") != std::string::npos);

  // A long flat chain is not nesting.
  std::string chain = leaf;
  while (chain.size() + 4 + leaf.size() <= 2000) chain += " or " + leaf;
  CHECK(query_matches(chain, {{"x", "1"}}));
  CHECK_FALSE(query_matches(chain, {}));
}

}  // namespace spotsim
