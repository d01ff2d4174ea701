#pragma once
// The synthetic load of a scenario's `workload.traffic[].requests.synthetic` (tools/load_trace.hpp
// documents the form): a diurnal cosine around a mean with log-normal noise per step. Its noise is
// drawn from a named random stream, so it belongs to the run, not to the file: every replication
// (and every seed) of a sweep or compare draws its own load, and replication r of a base and of a
// variant draw the same one (common random numbers). The World rebuilds the profile for its own
// (seed, replication) when the loaded one was drawn for another.
#include <cstdint>
#include <string>
#include <string_view>

#include "sim/sim_time.hpp"
#include "sim/step_function.hpp"

namespace spotsim {

struct SyntheticLoad {
  double mean_rps = 0;
  double daily_amplitude = 0;
  double peak_hour_utc = 14;
  double noise = 0;
  SimTime step = minutes(1);
};

// What the World needs to draw a source's synthetic profile again.
struct SyntheticSource {
  SyntheticLoad load;
  std::int64_t start_epoch_ms = 0;
  double scale = 1;
  std::string stream;  // "workload.traffic/<targetGroup>[/k]"
  // The (seed, replication) the loaded profile was drawn with.
  std::uint64_t drawn_seed = 0;
  std::uint64_t drawn_replication = 0;
};

// The profile over [0, duration), one step per `load.step`:
//   rps(t) = scale × meanRps × (1 + dailyAmplitude × cos(2π (hour(t) − peakHourUtc) / 24)) × exp(σZ − σ²/2)
// with Z a standard normal per step from stream (seed, random_stream, replication), σ = noise.
// The caller bounds the number of steps (tools/load_trace.cpp: kMaxLoadSteps).
StepFunction synthetic_rps(const SyntheticLoad& load, std::int64_t start_epoch_ms, SimTime duration, double scale,
                           std::uint64_t seed, std::string_view random_stream, std::uint64_t replication);

}  // namespace spotsim
