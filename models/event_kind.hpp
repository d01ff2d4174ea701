#pragma once
// The kinds of events of the world and the phases that order events of the same instant.
//
// Phase order (earlier first at equal time), and why:
//   market        prices and pool availability change first, so every decision at this instant
//                 sees the market as it now is;
//   interruption  EC2's notices and reclaims come from the market state just set;
//   instance      instance lifecycle (running, booted, terminated) before anything that counts
//                 instances;
//   health        health-state changes, before the scheduler acts on them;
//   scheduling    the ECS scheduler places and stops tasks on the fleet as it now is;
//   scaling       ASG reconciliation and scaling policies see the placements just made;
//   metrics       samples and outputs last: they record the instant after everything changed.
#include <cstdint>

namespace spotsim {

enum class Phase : std::uint8_t {
  market = 0,
  interruption = 1,
  instance = 2,
  health = 3,
  scheduling = 4,
  scaling = 5,
  metrics = 6,
};

enum class EventKind : std::uint8_t {
  spot_price_change,         // market: target = pool; the pool's spot price steps
  pool_availability,         // market: target = pool; arg = 1 available again, 0 unavailable
  pool_reclaim,              // interruption: target = pool; a correlated reclaim of part of the pool
  trace_step,                // interruption: target = pool; arg = tick of its replayed trace
  rebalance_recommendation,  // interruption: target = instance
  interruption_notice,       // interruption: target = instance; the 2-minute warning
  instance_running,          // instance: target = instance; pending -> running (billing starts)
  instance_booted,           // instance: target = instance; OS usable, passes EC2 health checks
  instance_terminate,        // instance: target = instance; arg = TerminationCause
  instance_termination_hold,  // instance: target = instance; a termination waits for ECS to drain it
  container_instance_register,  // instance: target = EC2 instance; the ECS agent registers it
  container_instance_drain,  // instance: target = EC2 instance; the agent saw the spot notice (AG-1)
  task_step,                 // scheduling: target = service, arg = task; the task's next lifecycle state
  task_substate,             // scheduling: target = service, arg = task; only for the event log: ACTIVATING
                             //   or STOPPING begins inside a step (EcsService::state_of)
  task_healthy,              // health: target = service, arg = task; the task passes its health check
  service_reconcile,         // scheduling: target = service; the scheduler looks at the service again
  service_deployment,        // scheduling: target = index into the deployments; UpdateService
  scheduled_action,          // scaling: target = index into the scheduled actions
  asg_reconcile,             // scaling: target = group; launch or terminate towards desired
  instance_refresh,          // scaling: target = group; arg = index into the instance refreshes to start
                             //   one, or -1 for the running refresh's next look (generation-checked)
  metrics_sample,            // metrics: one time-series row; arg = World::kSampleChain (schedule the next
                             //   row) or kSampleOnce (rows on whole minutes ride on cloudwatch_minute)
  target_health,             // health: target = target group, arg = target; its routing view changes here
  traffic_step,              // market: target = traffic source; the offered load steps (off whole minutes:
                             //   those ride on cloudwatch_minute, Traffic::start)
  cloudwatch_minute,         // metrics: the minute tick: one minute's CloudWatch datapoints, then the
                             //   scaling policies on them; the load steps and the timeseries row on it
};

constexpr std::uint8_t to_u8(Phase p) { return static_cast<std::uint8_t>(p); }
constexpr std::uint8_t to_u8(EventKind k) { return static_cast<std::uint8_t>(k); }

}  // namespace spotsim
