#pragma once
// An event is a small value: no heap allocation and no std::function per event. Rich payloads live
// in model-owned tables; the event carries the index (`target`) and the generation of the object it
// was scheduled for, so an event outlived by its object is recognised as stale (lazy cancellation).
#include <cstdint>

#include "sim/sim_time.hpp"

namespace spotsim {

struct Event {
  SimTime time = 0;
  // Tie-break within one instant: (phase << 56) | sequence number. Phase first, so that e.g. a
  // market update is seen before the scheduling it affects; then insertion order, so runs are
  // reproducible (never pointers or hash order). See models/event_kind.hpp for the phase order.
  std::uint64_t order = 0;
  std::uint32_t target = 0;      // index into the owning model's table
  std::uint32_t generation = 0;  // generation of the target when scheduled
  std::int64_t arg = 0;          // small argument (a count, an id, a flag)
  std::uint8_t kind = 0;         // the model's event-kind tag

  std::uint8_t phase() const { return static_cast<std::uint8_t>(order >> 56); }
};

// Total order (time, phase, seq).
inline bool event_before(const Event& a, const Event& b) {
  return a.time < b.time || (a.time == b.time && a.order < b.order);
}

}  // namespace spotsim
