// The fluid queue of one task (design.md "Traffic and dropped requests"): conservation, overload,
// timeouts against the concurrency limit, draining, loss at death.
#include <catch2/catch.hpp>

#include "models/fluid_queue.hpp"

using namespace spotsim;

TEST_CASE("below capacity a fluid queue serves everything offered", "[traffic]") {
  FluidQueue q(100, 30, std::nullopt);
  const FluidQueueStep s = q.advance(70, 60);
  CHECK(s.served == Approx(4200));
  CHECK(s.dropped == 0);
  CHECK(q.backlog() == 0);
}

TEST_CASE("in overload the backlog grows to the timeout cap, then the excess times out", "[traffic]") {
  // cap = μ × timeout = 100 × 30 = 3,000 requests; λ − μ = 50/s fills it in 60 s.
  FluidQueue q(100, 30, std::nullopt);
  const FluidQueueStep s = q.advance(150, 100);
  CHECK(q.backlog() == Approx(3000));
  CHECK(s.served == Approx(10000));
  CHECK(s.dropped == Approx(50 * 40));
  CHECK(s.reason == OverflowReason::timeout);
  // Conservation: offered = served + dropped + change in backlog.
  CHECK(150.0 * 100 == Approx(s.served + s.dropped + q.backlog()));
  CHECK(s.backlog_area == Approx(3000.0 / 2 * 60 + 3000 * 40));
}

TEST_CASE("a hard concurrency limit below the timeout cap rejects instead", "[traffic]") {
  FluidQueue q(100, 30, 64.0);
  CHECK(q.cap() == 64);
  const FluidQueueStep s = q.advance(150, 10);
  CHECK(s.reason == OverflowReason::rejected);
  CHECK(s.dropped == Approx(50 * 10 - 64));
}

TEST_CASE("a backlog drains at capacity minus arrivals, then the queue keeps up", "[traffic]") {
  FluidQueue q(100, 30, std::nullopt);
  q.advance(150, 20);  // backlog 1,000
  REQUIRE(q.backlog() == Approx(1000));
  const FluidQueueStep s = q.advance(50, 60);  // drains in 20 s
  CHECK(q.backlog() == 0);
  CHECK(s.served == Approx(100 * 20 + 50 * 40));
  CHECK(50.0 * 60 + 1000 == Approx(s.served));
}

TEST_CASE("requests in a task that dies are lost", "[traffic]") {
  FluidQueue q(100, 30, std::nullopt);
  q.advance(120, 10);
  CHECK(q.lose_all() == Approx(200));
  CHECK(q.backlog() == 0);
}
