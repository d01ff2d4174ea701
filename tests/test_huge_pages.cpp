// sim/huge_pages.hpp: the heap on transparent huge pages, its growth populated by the prefault
// helper. It may only change where memory comes from and who faults it in: never a result. Each
// TEST_CASE runs in a process of its own (ctest), so enabling here changes no other test's malloc.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "bench/large_fleet_scenario.hpp"
#include "sim/huge_pages.hpp"
#include "sim/prefault.hpp"
#include "tests/tools_test_support.hpp"

namespace spotsim {

namespace {

// The sanitizers bring their own malloc, which ignores mallopt (enable() then says no).
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kGlibcMalloc = false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kGlibcMalloc = false;
#else
constexpr bool kGlibcMalloc = true;
#endif
#else
constexpr bool kGlibcMalloc = true;
#endif

// The kernel's transparent huge page mode allows madvised regions ("always" or "madvise").
bool thp_on_request() {
  std::ifstream in("/sys/kernel/mm/transparent_hugepage/enabled");
  std::string modes;
  std::getline(in, modes);
  return modes.find("[always]") != std::string::npos || modes.find("[madvise]") != std::string::npos;
}

// AnonHugePages of this process, KiB (/proc/self/smaps_rollup).
long anon_huge_kib() {
  std::ifstream in("/proc/self/smaps_rollup");
  std::string key;
  long kib = 0;
  while (in >> key) {
    if (key == "AnonHugePages:") {
      in >> kib;
      return kib;
    }
    in.ignore(1 << 12, '\n');
  }
  return -1;
}

}  // namespace

TEST_CASE("huge pages - the heap's growth goes onto huge pages, populated by the helper", "[mem]") {
  const char* env = std::getenv("SPOTSIM_HUGE_PAGES");
  const bool switched_off = env != nullptr && std::string(env) == "0";
  const bool expected = kGlibcMalloc && thp_on_request() && prefault::enabled() && !switched_off;
  REQUIRE(huge_pages::enable() == expected);
  CHECK(huge_pages::enabled() == expected);
  if (!expected) return;  // (one core, THP `never`, a sanitizer's malloc: enable() must have said no)
  const long before = anon_huge_kib();
  REQUIRE(before >= 0);
  // 24 MiB from the heap (under the 32 MiB mmap threshold enable() sets), grown by it and its pad.
  std::unique_ptr<char[]> block(new char[24 << 20]);
  huge_pages::grew();
  prefault::drain();
  // Populated ahead, before the program touched one byte of it: at least a few whole huge pages.
  CHECK(anon_huge_kib() - before >= 4 * 2048);
  block[0] = 1;  // (used)
}

// [slow]: the sanitizer pass leaves it out — there the program's malloc is the sanitizer's, huge
// pages stay off (enable() says no), and the two runs (23 s there) would be the same run twice.
TEST_CASE("huge pages - the program writes the same bytes with the heap on huge pages and without", "[mem][slow]") {
  // The spotsim program turns them on (tools/main.cpp); SPOTSIM_HUGE_PAGES=0 keeps them off. Where
  // memory comes from and who faults it in change no byte of any output, down to the event log.
  const std::filesystem::path dir = test::scratch_dir("huge-pages-same-bytes");
  const std::filesystem::path scenario = dir / "fleet.json";
  test::write_text(scenario, bench::large_fleet_scenario({2, 300, 6}).dump());
  const auto run = [&](const char* env_value, const std::string& out) {
    if (env_value != nullptr)
      ::setenv("SPOTSIM_HUGE_PAGES", env_value, 1);
    else
      ::unsetenv("SPOTSIM_HUGE_PAGES");
    const test::Run r =
        test::run_spotsim("run " + test::quote(scenario) + " -o " + test::quote(dir / out) + " --quiet --events");
    ::unsetenv("SPOTSIM_HUGE_PAGES");
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
  };
  run("0", "off");
  run(nullptr, "on");
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir / "off")) {
    const auto name = entry.path().filename();
    INFO(name.string());
    REQUIRE(test::read_text(entry.path()) == test::read_text(dir / "on" / name));
    ++files;
  }
  CHECK(files >= 5);  // summary, timeseries, events, scenario, report at least
}

}  // namespace spotsim
