#pragma once
// The fleet-scale scenario of BM_LargeFleetYear and the scaling study (bench/README.md): one ECS
// cluster shared by `services` API services, each behind its own target group with a per-minute
// synthetic load (diurnal, noisy), on one Auto Scaling group with a mixed instances policy over four
// instance types in three AZs (20 % On-Demand above a base), a capacity provider with managed
// scaling, service target tracking on CPU, and spot interruptions from the hazard model with pool
// reclaims. The load is sized so the fleet peaks near `peak_instances` instances. It is a scenario
// file's JSON, loaded through the real loader, so the benchmark measures what a user's file costs.
#include <nlohmann/json.hpp>

namespace spotsim::bench {

struct LargeFleetShape {
  int days = 365;
  int peak_instances = 2000;
  int services = 20;
};

nlohmann::json large_fleet_scenario(const LargeFleetShape& shape);

}  // namespace spotsim::bench
