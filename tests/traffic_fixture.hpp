#pragma once
// Worlds with requests: an ECS service behind one ALB target group with a constant offered load,
// and the checks every traffic test makes (issue 4 "Must show 1": conservation in every run).
#include <catch2/catch.hpp>

#include <cmath>
#include <string>

#include "tests/ecs_fixture.hpp"

namespace spotsim::testing {

// `instances` spot-free m5.large instances, `tasks` tasks of `rps_per_task` capacity each (40 ms
// unloaded), behind target group "api-tg" (default health checks, 30 s deregistration delay),
// offered `rps` from time 0.
inline WorldConfig traffic_world(int instances, int tasks, double rps, double rps_per_task,
                                 TrafficMode mode = TrafficMode::fluid) {
  WorldConfig cfg = ecs_world(instances, "m5.large", tasks, one_container_task(512, 512), kSpreadAzThenBinpackCpu);
  TargetGroupConfig tg;
  tg.name = "api-tg";
  tg.deregistration_delay = seconds(30);
  cfg.target_groups.push_back(tg);
  cfg.services[0].target_groups.push_back(0);
  cfg.services[0].has_load_balancer = true;
  ServiceTraffic& t = cfg.services[0].workload.traffic;
  t.requests_per_second_per_task = rps_per_task;
  t.mean_latency = milliseconds(40);
  t.request_timeout = seconds(30);
  TrafficSource source;
  source.target_group = 0;
  source.rps = StepFunction(rps);
  source.source = "constant";
  cfg.traffic.push_back(source);
  cfg.traffic_mode = mode;
  return cfg;
}

// offered = served + dropped and dropped = Σ reasons at the entry; and per service, every request
// that arrived is completed, dropped or still in a task.
inline void check_conservation(const RunResult& result, const World& world) {
  REQUIRE(result.requests);
  const RequestSummary& r = *result.requests;
  const double scale = std::max(1.0, r.offered);
  CHECK(std::abs(r.offered - (r.served + r.dropped_total())) <= 1e-9 * scale);
  CHECK(r.dropped_total() == Approx(r.dropped[0] + r.dropped[1] + r.dropped[2] + r.dropped[3]));
  for (double d : r.dropped) CHECK(d >= 0);
  CHECK(r.served >= -1e-9 * scale);
  for (const ServiceRequestLedger& l : const_cast<World&>(world).traffic().ledgers()) {
    CHECK(std::abs(l.arrived - (l.completed + l.dropped + l.in_system)) <= 1e-6 * std::max(1.0, l.arrived));
    CHECK(l.completed >= -1e-9);
  }
}

// Totals between two instants of a run (RequestCounts are cumulative).
inline RequestCounts difference(const RequestCounts& later, const RequestCounts& earlier) {
  RequestCounts d;
  d.offered = later.offered - earlier.offered;
  d.served = later.served - earlier.served;
  for (std::size_t k = 0; k < kDropReasons; ++k) d.dropped[k] = later.dropped[k] - earlier.dropped[k];
  return d;
}

}  // namespace spotsim::testing
