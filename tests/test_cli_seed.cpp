// --seed and the scenario's seed: non-negative integers up to 2^63 - 1 (contract.md common options);
// anything else is bad usage (exit 2), never a silently different seed.
#include <catch2/catch.hpp>

#include "tests/tools_test_support.hpp"

using namespace spotsim::test;

TEST_CASE("a negative or too large seed is refused, not wrapped", "[cli][bad-input]") {
  const fs::path dir = scratch_dir("seed-bad");
  for (const char* seed : {"-1", "18446744073709551615", "9223372036854775808", "1e3", "seven"}) {
    INFO(seed);
    const Run r = run_spotsim("run --quiet --duration 1h --seed " + std::string(seed) + " -o " + quote(dir / "out"));
    CHECK(r.exit_code == 2);
    CHECK_FALSE(fs::exists(dir / "out"));
  }
  const Run ok = run_spotsim("run --quiet --duration 1h --seed 9223372036854775807 -o " + quote(dir / "ok"));
  CHECK(ok.exit_code == 0);
  CHECK(read_text(dir / "ok" / "summary.json").find("\"seed\": 9223372036854775807") != std::string::npos);
  // The report's subtitle names it exactly too (it went through a double and an undefined cast).
  CHECK(read_text(dir / "ok" / "report.html").find("seed 9223372036854775807") != std::string::npos);
}

TEST_CASE("a scenario seed beyond 2^63 - 1 is an error at /seed", "[cli][bad-input]") {
  const fs::path dir = scratch_dir("seed-file");
  write_text(dir / "s.json", R"({"spotsim": 1, "name": "s", "seed": 18446744073709551615})");
  const Run r = run_spotsim("validate " + quote(dir / "s.json"));
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("/seed") != std::string::npos);
}
