#pragma once
// Page faults off the simulation's thread: memory a run is about to fill — a new chunk of the task
// and instance tables (ChunkedVector), the timeseries rows reserved for the whole run, a load
// profile being drawn — is handed to a helper thread that faults its pages in (Linux's
// madvise(MADV_POPULATE_WRITE), 5.14 and later) while the run goes on.
//
// Why: a year of a 2,000-instance fleet first-touches ~700 MiB, ~180,000 pages, and on the
// paravirtualised guests of bench/README.md a first touch costs 2.6–11 µs (the hypervisor maps the
// page too): 0.5–2 s of a ~12–17 s run, on the one thread that runs the simulation, while the
// machine's other core idles. Populating a page changes nothing in it (it is zero either way), so
// outputs cannot depend on whether, when or how much the helper got done; it only moves the cost.
//
// Only whole pages inside [p, p + bytes) are populated, in pieces of at most 64 KiB; errors are
// ignored (an old kernel, memory unmapped meanwhile: the run then faults as it would have). The
// helper starts at the first request and sleeps when there is nothing to do. Off on a machine with
// one core (the helper would take the simulation's CPU) and when SPOTSIM_PREFAULT=0.
#include <cstddef>

namespace spotsim::prefault {

// Asks the helper to populate the pages of [p, p + bytes); returns at once.
void request(const void* p, std::size_t bytes);

// Whether requests are acted on (tests: the outputs are the same either way).
bool enabled();
void set_enabled(bool on);

// Blocks until the helper has nothing left to do (tests).
void drain();

}  // namespace spotsim::prefault
