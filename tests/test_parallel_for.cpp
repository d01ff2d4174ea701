// tools/parallel_for.hpp: every index once on any number of threads; the first error is rethrown.
#include "tools/parallel_for.hpp"

#include <catch2/catch.hpp>

#include <stdexcept>
#include <vector>

using namespace spotsim;

TEST_CASE("parallel_for: every index exactly once, on 1, 2 and 8 threads", "[parallel_for]") {
  for (const int jobs : {1, 2, 8}) {
    std::vector<int> hits(1000, 0);
    parallel_for(hits.size(), jobs, [&](std::size_t k) { ++hits[k]; });  // slot k: no race
    for (int h : hits) CHECK(h == 1);
  }
  parallel_for(0, 4, [](std::size_t) { FAIL("no index to run"); });
}

TEST_CASE("parallel_for: an exception in one index reaches the caller", "[parallel_for]") {
  CHECK_THROWS_AS(parallel_for(100, 2, [](std::size_t k) { if (k == 37) throw std::runtime_error("run 37"); }),
                  std::runtime_error);
}
