// sim/prefault.hpp: pages a run is about to fill, faulted in by a helper thread. It may only move
// the cost of first touches: never change a byte, never touch a page outside what it was given.
#include <catch2/catch.hpp>
#include <sys/mman.h>
#include <unistd.h>

#include <cstring>
#include <string>

#include <filesystem>

#include "bench/large_fleet_scenario.hpp"
#include "models/world.hpp"
#include "sim/prefault.hpp"
#include "tools/scenario.hpp"

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

namespace spotsim {

namespace {

// Whether the page at `p` is resident.
bool resident(const char* p) {
  unsigned char v = 0;
  return mincore(const_cast<char*>(p), 1, &v) == 0 && (v & 1) != 0;
}

}  // namespace

TEST_CASE("prefault - the helper populates whole pages inside the range, and changes no byte", "[mem]") {
  const auto page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  const std::size_t pages = 8;
  auto* base = static_cast<char*>(mmap(nullptr, pages * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
  REQUIRE(base != MAP_FAILED);
  // Page 0 written before; pages 1-7 untouched.
  std::memset(base, 0x5a, page);
  const bool was_on = prefault::enabled();
  prefault::set_enabled(true);
  // From the middle of page 0 to the middle of page 6: whole pages 1-5 only.
  prefault::request(base + page / 2, 6 * page);
  prefault::request(nullptr, page);   // ignored
  prefault::request(base + 1, 10);    // no whole page: ignored
  prefault::drain();
  prefault::set_enabled(was_on);
  for (std::size_t i = 0; i < page; ++i) REQUIRE(base[i] == 0x5a);
  for (std::size_t i = page; i < pages * page; ++i) REQUIRE(base[i] == 0);
  // Residency is only observable where the kernel populates (Linux 5.14 and later); and the page
  // after the range must not have been touched by the helper. (Reading above faulted every page
  // in, so look at a fresh mapping.)
  auto* fresh = static_cast<char*>(mmap(nullptr, pages * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
  REQUIRE(fresh != MAP_FAILED);
  prefault::set_enabled(true);
  prefault::request(fresh + page, 2 * page);  // pages 1 and 2
  prefault::drain();
  prefault::set_enabled(was_on);
  if (madvise(fresh + 5 * page, page, MADV_POPULATE_WRITE) == 0) {  // this kernel populates
    CHECK(resident(fresh + page));
    CHECK(resident(fresh + 2 * page));
    CHECK_FALSE(resident(fresh + 3 * page));
    CHECK_FALSE(resident(fresh));
  }
  munmap(fresh, pages * page);
  munmap(base, pages * page);
}

TEST_CASE("prefault - a fleet's run is the same with the helper on and off", "[mem]") {
  // Chunks of the task and instance tables, the [service][task id] traffic tables and the rows are
  // all handed to the helper: every figure, down to each task's routed requests, must not move.
  const bool was_on = prefault::enabled();
  const std::string text = bench::large_fleet_scenario({2, 300, 6}).dump();
  const WorldConfig config = load_scenario_text(text, "fleet.json", std::filesystem::current_path()).world;
  prefault::set_enabled(false);
  World off(config);
  const RunResult a = off.run();
  prefault::set_enabled(true);
  World on(config);
  const RunResult b = on.run();
  prefault::set_enabled(was_on);
  CHECK(a.engine.events == b.engine.events);
  CHECK(a.cost.total_usd() == b.cost.total_usd());
  REQUIRE(a.requests);
  REQUIRE(b.requests);
  CHECK(a.requests->offered == b.requests->offered);
  CHECK(a.requests->dropped == b.requests->dropped);
  CHECK(a.requests->p99 == b.requests->p99);
  REQUIRE(a.timeseries.size() == b.timeseries.size());
  for (std::size_t i = 0; i < a.timeseries.size(); ++i) REQUIRE(a.timeseries[i].served_rps == b.timeseries[i].served_rps);
  std::size_t tasks = 0;
  for (std::size_t v = 0; v < config.services.size(); ++v) {
    REQUIRE(off.service(v).tasks().size() == on.service(v).tasks().size());
    for (std::uint32_t t = 0; t < off.service(v).tasks().size(); ++t, ++tasks)
      REQUIRE(off.traffic().requests_routed_to(static_cast<std::uint32_t>(v), t) ==
              on.traffic().requests_routed_to(static_cast<std::uint32_t>(v), t));
  }
  CHECK(tasks > 1000);
}

}  // namespace spotsim
