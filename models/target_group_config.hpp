#pragma once
// An ALB target group as the scenario describes it: `aws elbv2 describe-target-groups` plus
// `describe-target-group-attributes` (aws-semantics.md §7), and the traffic offered to it
// (workload.traffic). The runtime target group and traffic models (issue 4) build on these.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "models/target_group_health.hpp"
#include "sim/sim_time.hpp"
#include "sim/step_function.hpp"

namespace spotsim {

enum class RoutingAlgorithm : std::uint8_t {
  round_robin,                 // ALB-7 default; modelled as a uniformly random routable target per request
  least_outstanding_requests,  // join-the-shortest-queue
  weighted_random,
};

struct TargetGroupConfig {
  std::string name;  // TargetGroupName
  std::string arn;   // TargetGroupArn
  bool health_check_enabled = true;
  TargetHealthCheck health;
  // Matcher.HttpCode, kept for reports ("200-399" in the seed article).
  std::string matcher = "200";
  // Attributes (ALB-5..ALB-7):
  SimTime deregistration_delay = seconds(300);  // deregistration_delay.timeout_seconds, 0-3600
  SimTime slow_start = 0;                       // slow_start.duration_seconds, 0 or 30-900
  RoutingAlgorithm algorithm = RoutingAlgorithm::round_robin;
  // After deregistration starts an ALB keeps sending new requests for ~10-17 s while the change
  // propagates (aws-load-balancer-controller issues 1719, 2366; design.md "Observed behaviour").
  SimTime deregistration_propagation = seconds(12);
  SimTime idle_timeout = seconds(60);           // the load balancer's connection idle timeout (ALB-8)
};

// How a service's tasks serve requests (workload.services.<name>; what AWS does not describe).
struct ServiceTraffic {
  std::optional<double> requests_per_second_per_task;  // capacity per task, or:
  std::optional<double> cpu_seconds_per_request;       // capacity = task cpu units / 1024 / this
  std::optional<int> concurrency_per_task;             // hard limit on requests in a task: beyond it, `rejected`
  SimTime mean_latency = milliseconds(40);             // unloaded service time
  SimTime request_timeout = seconds(30);               // a request waiting longer is a `timeout` (504)
};

// External load offered to a target group (workload.traffic[]).
struct TrafficSource {
  std::size_t target_group = 0;  // index into WorldConfig::target_groups
  StepFunction rps;              // offered requests per second over simulated time
  std::string source;            // file or form, for reports
};

// A service calling another (workload.callGraph[]).
struct CallGraphEdgeConfig {
  std::size_t from = 0;  // service indexes
  std::size_t to = 0;
  double calls_per_request = 1.0;
};

}  // namespace spotsim
