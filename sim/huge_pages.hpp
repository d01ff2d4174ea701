#pragma once
// The simulation's heap on transparent huge pages (2 MiB), populated off the simulation's thread.
//
// Why: a fleet run's state is hundreds of MiB of small records reached through pointers and
// indexes all over the heap (tasks, targets, cohorts, plans, events). With 4 KiB pages nearly
// every such access misses the TLB, and on the paravirtualised guests of bench/README.md a page
// walk is expensive: the year of BM_LargeFleetYear spent ~13 % less user time with the heap on huge
// pages (GLIBC_TUNABLES=glibc.malloc.hugetlb=1, same binary). glibc does that by itself only from
// the environment, and then every first touch of a huge page — zeroing 2 MiB, often compacting
// memory first — falls on the thread that grows the heap: +1.1 s of system time in that year.
// Here the program asks for it at start (enable()), and the heap's growth is madvised and handed to
// the prefault helper (sim/prefault.hpp), which faults the huge pages in on the other core.
//
// How:
// - enable(): malloc serves requests up to 32 MiB from the heap (M_MMAP_THRESHOLD, glibc's
//   largest), not from mappings of their own (so the tables' chunks and the load profiles land on
//   huge pages too), grows it by what it needs and 32 MiB more (M_TOP_PAD) and gives it back only
//   beyond 256 MiB free at its top (M_TRIM_THRESHOLD), so growths are few and large.
// - grew(): at the simulation's regular points (each minute tick, each new chunk of a table) the
//   heap's end (sbrk(0), no system call) is compared with the last one seen; the whole 2 MiB
//   blocks of what was added are madvised MADV_HUGEPAGE and handed to the prefault helper.
// Neither writes a byte of the program's data: outputs cannot depend on them (a test runs a fleet
// both ways and compares). Only the main arena is covered — the heap of the process's first thread,
// which runs the simulation in `spotsim run` and the benchmarks; a sweep's worker threads allocate
// from arenas of their own, which get the malloc settings above and stay on small pages.
//
// Off unless a program calls enable(); then off when SPOTSIM_HUGE_PAGES=0, when the kernel's
// transparent huge pages are `never`, or when the prefault helper is off (one core,
// SPOTSIM_PREFAULT=0): faulting the huge pages on the simulation's own thread cost more than it saved.

namespace spotsim::huge_pages {

// Called once by a program's main() before it allocates much (the spotsim CLI, the benchmarks).
// Returns whether huge pages are now in use.
bool enable();

// Whether enable() turned them on.
bool enabled();

// Hands the heap's growth since the last call to the kernel (MADV_HUGEPAGE) and to the prefault
// helper. Cheap when the heap did not grow (one comparison); a no-op unless enabled().
void grew();

}  // namespace spotsim::huge_pages
