// models/container_instance_resources.hpp: what an instance registers with ECS (aws-semantics.md
// §4.1; ECS guide "Reserving Amazon ECS Linux container instance memory"), and the seed article's
// soft-limit example (issue 3, Must show 2): 2,048 MiB soft-limit tasks fit once, not twice, on a
// 4 GiB instance because it registers less than 4,096 MiB, and three times on an 8 GiB one.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>

#include "models/container_instance_resources.hpp"
#include "models/instance_catalog.hpp"

namespace spotsim {
namespace {

constexpr int kSoftLimitMib = 2048;  // the seed article's memoryReservation

// Tasks of one memory reservation that fit on an instance's registered memory (placement subtracts
// each task's reservation from what remains: SCH-1 step 1).
int tasks_that_fit(const std::string& type, int reserved_memory_mib = 0) {
  const auto info = find_instance_type(type);
  REQUIRE(info);
  return registrable_memory_mib(type, info->memory_mib, reserved_memory_mib) / kSoftLimitMib;
}

}  // namespace

TEST_CASE("an instance registers 1,024 cpu units per vCPU") {
  CHECK(registrable_cpu_units(2) == 2048);
  const auto r = registrable_resources(*find_instance_type("c5.4xlarge"), 0);
  REQUIRE(r);
  CHECK(r->cpu == 16 * 1024);
}

// The seed article: "a 4 GiB instance fits fewer than two 2,048 MiB soft-limit tasks, since
// registrable memory is a little less than 4,096 MiB".
TEST_CASE("a 4 GiB instance fits one 2,048 MiB soft-limit task, not two") {
  for (const char* type : {"c5.large", "t3.medium", "c6i.large", "c5a.large"}) {
    INFO(type);
    const auto info = find_instance_type(type);
    REQUIRE(info);
    REQUIRE(info->memory_mib == 4096);
    CHECK(registrable_memory_mib(type, info->memory_mib, 0) < 4096);
    CHECK(tasks_that_fit(type) == 1);
  }
}

TEST_CASE("an 8 GiB instance fits three 2,048 MiB soft-limit tasks, not four") {
  for (const char* type : {"m5.large", "m6i.large", "t3.large", "c5.xlarge", "c6i.xlarge"}) {
    INFO(type);
    const auto info = find_instance_type(type);
    REQUIRE(info);
    REQUIRE(info->memory_mib == 8192);
    CHECK(tasks_that_fit(type) == 3);
  }
}

// Observed figures (sources in container_instance_resources.cpp) are what the model registers.
TEST_CASE("types in the table register their observed memory") {
  CHECK(registrable_memory_mib("t3.small", 2048, 0) == 1901);
  CHECK(registrable_memory_mib("t3.medium", 4096, 0) == 3828);
  CHECK(registrable_memory_mib("m5.large", 8192, 0) == 7680);
  CHECK(registrable_memory_mib("c5.large", 4096, 0) == 3704);
  CHECK(registrable_memory_mib("m4.large", 8192, 0) == 7984);
  CHECK(registrable_memory_mib("g4dn.xlarge", 16384, 0) == 15731);
  // A catalog disagreeing with the table's installed memory gets the formula, not the figure.
  CHECK(registrable_memory_mib("m5.large", 16384, 0) == fitted_registered_memory_mib(16384));
}

// The ECS guide: "if you specify ECS_RESERVED_MEMORY=256 ... the agent registers the total memory
// minus 256 MiB".
TEST_CASE("ECS_RESERVED_MEMORY is subtracted from what the instance registers") {
  CHECK(registrable_memory_mib("m5.large", 8192, 256) == 7680 - 256);
  CHECK(registrable_memory_mib("r5.large", 16384, 256) == fitted_registered_memory_mib(16384) - 256);
  // 7,680 - 1,600 = 6,080 < 3 × 2,048: the reservation costs the third task.
  CHECK(tasks_that_fit("m5.large", 1600) == 2);
  CHECK(tasks_that_fit("m5.large", 1536) == 3);
}

// amazon-ecs-agent PR #897: the agent exits rather than register negative memory.
TEST_CASE("a reservation at least as large as the instance's memory prevents registration") {
  const auto small = *find_instance_type("t3.small");
  CHECK(registrable_resources(small, 1900));
  CHECK(registrable_resources(small, 1900)->memory_mib == 1);
  CHECK_FALSE(registrable_resources(small, 1901));
  CHECK_FALSE(registrable_resources(small, 4096));
}

// The formula's stated fit: within -1.7 % .. +3.1 % of every Amazon Linux 2 figure in the table.
TEST_CASE("the fitted formula stays within its stated error of every observed figure") {
  int rows = 0;
  for (const auto& row : observed_registered_memory_table()) {
    if (!row.amazon_linux_2) continue;
    ++rows;
    INFO(std::string(row.instance_type));
    const double error = static_cast<double>(fitted_registered_memory_mib(row.physical_memory_mib) -
                                             row.registered_memory_mib) /
                         row.registered_memory_mib;
    CHECK(error > -0.018);
    CHECK(error < 0.032);
    CHECK(row.registered_memory_mib < row.physical_memory_mib);  // always below installed memory
  }
  CHECK(rows == 12);
}

TEST_CASE("every catalog type registers less than it has installed, and more than nine tenths") {
  for (const auto& type : catalog_instance_types()) {
    INFO(type);
    const auto info = *find_instance_type(type);
    const int registered = registrable_memory_mib(type, info.memory_mib, 0);
    CHECK(registered < info.memory_mib);
    CHECK(registered > info.memory_mib * 9 / 10);
  }
}

}  // namespace spotsim
