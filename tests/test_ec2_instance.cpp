// EC2 instance lifecycle timings (design.md "Observed behaviour"; SP-5 for when billing starts).
#include <catch2/catch.hpp>

#include "tests/world_fixture.hpp"

using namespace spotsim;
using namespace spotsim::testing;

TEST_CASE("an instance is pending, then running after pendingTime, then booted after bootTime", "[ec2]") {
  WorldConfig cfg = fleet_world(1, 0, 100);
  cfg.ec2.pending_time = seconds(17);
  cfg.ec2.boot_time = seconds(25);
  World world(cfg);
  world.run_until(seconds(16));
  const Ec2Instance& i = world.fleet().at(InstanceId{0});
  CHECK(i.state == InstanceState::pending);
  world.run_until(seconds(17));
  CHECK(i.state == InstanceState::running);
  CHECK(i.running_since == seconds(17));
  CHECK_FALSE(i.booted);
  world.run_until(seconds(25));
  CHECK(i.booted);
}
