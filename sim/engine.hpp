#pragma once
// The engine: a clock and a future-event set. It is a value, not a singleton: tests run many side by
// side. It knows nothing of AWS; the world (models/world.hpp) hands it a dispatcher.
//
// The main loop, as prose: take the earliest event (time, phase, seq); advance the clock to it; hand
// it to the dispatcher, which returns false if the event was stale (its object's generation moved
// on: lazy cancellation); repeat until the next event lies beyond the horizon. The fixed total order
// makes every run reproducible for a given seed.
#include <chrono>
#include <cstdint>

#include "sim/event_queue.hpp"

namespace spotsim {

struct RunStats {
  std::uint64_t events = 0;        // events handled
  std::uint64_t stale_events = 0;  // events skipped because their target moved on
  double wall_seconds = 0;         // machine-dependent: never written into result files
};

class Engine {
 public:
  SimTime now() const { return now_; }
  std::size_t pending() const { return queue_.size(); }
  // Whether an event is pending at or before `t` (inside a dispatch: the one dispatched is taken).
  bool pending_at_or_before(SimTime t) const { return !queue_.empty() && queue_.top().time <= t; }
  const RunStats& stats() const { return stats_; }

  // Schedules an event; `when` earlier than now() is a bug in a model, clamped to now().
  void schedule(SimTime when, std::uint8_t phase, std::uint8_t kind, std::uint32_t target,
                std::uint32_t generation = 0, std::int64_t arg = 0) {
    Event e;
    e.time = when < now_ ? now_ : when;
    e.order = (static_cast<std::uint64_t>(phase) << 56) | (next_seq_++ & kSeqMask);
    e.target = target;
    e.generation = generation;
    e.arg = arg;
    e.kind = kind;
    queue_.push(e);
  }

  // Runs every event with time <= end, then leaves the clock at `end`. `dispatch(const Event&)`
  // returns true if the event was acted on, false if it was stale. Returns the statistics of this
  // call (the cumulative ones are in stats()).
  template <class Dispatch>
  RunStats run_until(SimTime end, Dispatch&& dispatch) {
    const auto wall_start = std::chrono::steady_clock::now();
    RunStats run;
    while (!queue_.empty() && queue_.top().time <= end) {
      const Event e = queue_.pop();
      now_ = e.time;
      if (dispatch(e))
        ++run.events;
      else
        ++run.stale_events;
    }
    if (end > now_) now_ = end;
    run.wall_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
    stats_.events += run.events;
    stats_.stale_events += run.stale_events;
    stats_.wall_seconds += run.wall_seconds;
    return run;
  }

 private:
  static constexpr std::uint64_t kSeqMask = (std::uint64_t{1} << 56) - 1;
  EventQueue queue_;
  SimTime now_ = 0;
  std::uint64_t next_seq_ = 0;
  RunStats stats_;
};

}  // namespace spotsim
