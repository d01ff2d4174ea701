// One task's requests in the per-request traffic mode (design.md "Traffic and dropped requests"):
// FIFO starts and latencies by hand, the concurrency limit and the timeout, loss at death, the end of
// a run, an exact comparison with a naive reference, and the M/M/c (Erlang C) agreement the fluid mode
// is validated through (issue 4 Must show 2). Every test checks conservation:
// admitted = completed + lost + drained.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <stdexcept>
#include <vector>

#include "models/queueing.hpp"
#include "models/request_queue.hpp"
#include "sim/random.hpp"

using namespace spotsim;

namespace {

constexpr double kForever = std::numeric_limits<double>::infinity();

// Drives a RequestQueue and keeps the books: what came back, in order, with its latency.
struct Books {
  RequestQueue q;
  long admitted = 0, timeouts = 0, rejected = 0, completed = 0, lost = 0, drained = 0;
  std::vector<std::uint32_t> done;  // tags in the order they completed (or drained)
  std::vector<double> done_latency;
  std::vector<std::uint32_t> gone;  // tags lost

  Books(int slots, double timeout, std::optional<int> limit) : q(slots, timeout, limit) {}

  auto on_complete(long& counter) {
    return [this, &counter](std::uint32_t tag, double latency) {
      ++counter;
      done.push_back(tag);
      done_latency.push_back(latency);
    };
  }
  Arrival arrive(double now, double service, std::uint32_t tag) {
    const Arrival a = q.arrive(now, service, tag, on_complete(completed));
    switch (a.admission) {
      case Admission::admitted: ++admitted; break;
      case Admission::timeout: ++timeouts; break;
      case Admission::rejected: ++rejected; break;
    }
    return a;
  }
  void complete_until(double now) { q.complete_until(now, on_complete(completed)); }
  void lose_all(double now) {
    q.lose_all(now, on_complete(completed), [this](std::uint32_t tag) {
      ++lost;
      gone.push_back(tag);
    });
  }
  void drain_all() { q.drain_all(on_complete(drained)); }
  // Conservation, at any moment: every admitted request is in the task, completed, lost or drained.
  void check_conservation() const {
    CHECK(admitted == completed + lost + drained + static_cast<long>(q.in_system()));
  }
};

}  // namespace

TEST_CASE("request_queue: one slot serves requests first come first served, one after another", "[request_queue]") {
  Books b(1, kForever, std::nullopt);
  CHECK(b.arrive(0.0, 1.0, 1).latency == 1.0);   // starts at once, done at 1
  CHECK(b.arrive(0.5, 2.0, 2).latency == 2.5);   // waits for 1, done at 3
  CHECK(b.arrive(0.75, 0.25, 3).latency == 2.5); // waits for 3, done at 3.25
  CHECK(b.q.in_system() == 3);
  b.complete_until(3.0);  // 1 and 2 are done; a completion at exactly `now` counts
  CHECK(b.done == std::vector<std::uint32_t>{1, 2});
  CHECK(b.done_latency == std::vector<double>{1.0, 2.5});
  const Arrival late = b.arrive(4.0, 1.0, 4);  // 3 completes first; the slot is idle again
  CHECK(late.admission == Admission::admitted);
  CHECK(late.latency == 1.0);
  CHECK(b.done == std::vector<std::uint32_t>{1, 2, 3});
  CHECK(b.q.in_system() == 1);
  b.check_conservation();
  b.drain_all();
  CHECK(b.drained == 1);
  CHECK(b.q.in_system() == 0);
  b.check_conservation();
}

TEST_CASE("request_queue: two slots serve two requests in parallel and the next one takes the slot freed first",
          "[request_queue]") {
  Books b(2, kForever, std::nullopt);
  CHECK(b.q.slots() == 2);
  CHECK(b.arrive(0.0, 2.0, 1).latency == 2.0);  // slot A until 2
  CHECK(b.arrive(0.0, 3.0, 2).latency == 3.0);  // slot B until 3, in parallel
  CHECK(b.arrive(1.0, 1.0, 3).latency == 2.0);  // waits for A at 2, done at 3
  CHECK(b.arrive(1.0, 1.0, 4).latency == 3.0);  // A and B are both next free at 3: done at 4
  b.complete_until(2.5);
  CHECK(b.done == std::vector<std::uint32_t>{1});
  b.complete_until(3.0);
  REQUIRE(b.done.size() == 3);
  CHECK(std::is_permutation(b.done.begin() + 1, b.done.end(), std::vector<std::uint32_t>{2, 3}.begin()));
  CHECK(b.q.in_system() == 1);
  b.check_conservation();
  b.drain_all();
  CHECK(b.done.back() == 4);
  CHECK(b.done_latency.back() == 3.0);
  b.check_conservation();
}

TEST_CASE("request_queue: a task at its hard concurrency limit rejects, whatever the wait would be", "[request_queue]") {
  for (int slots : {1, 2}) {
    // K = 3 counts waiting requests as well as those in service.
    Books b(slots, kForever, 3);
    CHECK(b.q.limit() == 3);
    for (std::uint32_t tag = 1; tag <= 3; ++tag) CHECK(b.arrive(0.0, 1.0, tag).admission == Admission::admitted);
    const Arrival refused = b.arrive(0.0, 1.0, 4);
    CHECK(refused.admission == Admission::rejected);
    CHECK(refused.latency == 0.0);
    CHECK(b.q.in_system() == 3);
    // Once one completes there is room again.
    CHECK(b.arrive(1.0, 1.0, 5).admission == Admission::admitted);
    CHECK(b.completed >= 1);
    CHECK(b.rejected == 1);
    b.drain_all();
    CHECK(b.drained + b.completed == 4);
    b.check_conservation();
  }
}

TEST_CASE("request_queue: a request that would wait longer than the timeout is dropped and takes no slot",
          "[request_queue]") {
  SECTION("one slot") {
    Books b(1, 1.5, std::nullopt);
    CHECK(b.arrive(0.0, 1.0, 1).latency == 1.0);
    CHECK(b.arrive(0.0, 1.0, 2).latency == 2.0);  // waits 1 <= 1.5
    const Arrival dropped = b.arrive(0.0, 1.0, 3);  // would wait 2 > 1.5
    CHECK(dropped.admission == Admission::timeout);
    CHECK(dropped.latency == 0.0);
    // The dropped request did not take the slot: the next one still waits 2, not 3.
    CHECK(b.arrive(0.0, 1.0, 4).admission == Admission::timeout);
    // Half a second later the wait is exactly the timeout, which is allowed.
    const Arrival edge = b.arrive(0.5, 1.0, 5);
    CHECK(edge.admission == Admission::admitted);
    CHECK(edge.latency == 2.5);
    CHECK(b.timeouts == 2);
    CHECK(b.q.in_system() == 3);
    b.drain_all();
    CHECK(b.done == std::vector<std::uint32_t>{1, 2, 5});
    b.check_conservation();
  }
  SECTION("two slots") {
    Books b(2, 0.5, std::nullopt);
    b.arrive(0.0, 1.0, 1);
    b.arrive(0.0, 2.0, 2);
    CHECK(b.arrive(0.25, 1.0, 3).admission == Admission::timeout);  // earliest slot free at 1: waits 0.75
    CHECK(b.arrive(0.5, 1.0, 4).latency == 1.5);                      // waits 0.5: admitted, done at 2
    CHECK(b.arrive(0.5, 1.0, 5).admission == Admission::timeout);     // both slots busy until 2
    b.drain_all();
    CHECK(b.timeouts == 2);
    CHECK(b.drained == 3);
    b.check_conservation();
  }
}

TEST_CASE("request_queue: when the task dies the finished requests complete and every other one is lost",
          "[request_queue]") {
  for (int slots : {1, 2}) {
    Books b(slots, kForever, std::nullopt);
    b.arrive(0.0, 1.0, 10);
    b.arrive(0.0, 5.0, 11);
    b.arrive(0.0, 5.0, 12);
    b.arrive(0.5, 5.0, 13);
    b.lose_all(1.0);  // 10 is done at 1; 11–13 are in service or waiting
    CHECK(b.done == std::vector<std::uint32_t>{10});
    CHECK(b.lost == 3);
    std::vector<std::uint32_t> gone = b.gone;
    std::sort(gone.begin(), gone.end());
    CHECK(gone == std::vector<std::uint32_t>{11, 12, 13});
    CHECK(b.q.in_system() == 0);
    // The queue is empty afterwards, its slots free: a new request starts at once.
    CHECK(b.arrive(2.0, 1.0, 14).latency == 1.0);
    b.drain_all();
    CHECK(b.done.back() == 14);
    b.check_conservation();
  }
}

TEST_CASE("request_queue: at the end of the run every request in the task is served", "[request_queue]") {
  Books b(2, kForever, std::nullopt);
  b.arrive(0.0, 4.0, 1);  // slot A, done at 4
  b.arrive(0.0, 1.0, 2);  // slot B, done at 1
  b.arrive(0.0, 1.0, 3);  // after 2 on B: done at 2
  b.arrive(0.0, 3.0, 4);  // after 3 on B: done at 5
  b.drain_all();
  CHECK(b.drained == 4);
  CHECK(b.q.in_system() == 0);
  std::map<std::uint32_t, double> latency;
  for (std::size_t i = 0; i < b.done.size(); ++i) latency[b.done[i]] = b.done_latency[i];
  CHECK(latency == std::map<std::uint32_t, double>{{1, 4.0}, {2, 1.0}, {3, 2.0}, {4, 5.0}});
  b.check_conservation();
  // The slots are free again after a drain.
  CHECK(b.arrive(0.0, 1.0, 5).latency == 1.0);
  b.drain_all();
  b.check_conservation();
}

TEST_CASE("request_queue: a long queue grows past its reserved room and keeps its order", "[request_queue]") {
  // 5,000 slots exceed the room reserved for the busy slots (4,096) as well.
  for (int slots : {1, 3, 5000}) {
    Books b(slots, kForever, std::nullopt);
    // Complete a few first so the ring's oldest entry is not at index 0 when it grows.
    for (std::uint32_t tag = 0; tag < 5; ++tag) b.arrive(0.0, 0.125, tag);  // all done by 0.625
    b.complete_until(1.0);
    CHECK(b.completed == 5);
    const std::uint32_t n = 6000;
    for (std::uint32_t tag = 5; tag < 5 + n; ++tag) b.arrive(1.0, 1.0, tag);
    CHECK(b.q.in_system() == n);
    b.drain_all();
    REQUIRE(b.done.size() == 5 + n);
    // Equal service times: the k-th of them starts after k / slots others on its slot.
    for (std::size_t i = 5; i < b.done.size(); ++i) {
      const std::uint32_t k = b.done[i] - 5;
      REQUIRE(b.done_latency[i] == static_cast<double>(k / static_cast<std::uint32_t>(slots) + 1));
    }
    // With one slot they finish in arrival order.
    if (slots == 1)
      for (std::uint32_t i = 0; i < 5 + n; ++i) REQUIRE(b.done[i] == i);
    b.check_conservation();
  }
}

TEST_CASE("request_queue: a queue needs a slot, a positive timeout and a positive limit", "[request_queue]") {
  CHECK_THROWS_AS(RequestQueue(0, 30.0, std::nullopt), std::invalid_argument);
  CHECK_THROWS_AS(RequestQueue(1, 0.0, std::nullopt), std::invalid_argument);
  CHECK_THROWS_AS(RequestQueue(1, std::nan(""), std::nullopt), std::invalid_argument);
  CHECK_THROWS_AS(RequestQueue(1, 30.0, 0), std::invalid_argument);
  CHECK_NOTHROW(RequestQueue(64, kForever, 1));
  CHECK_FALSE(RequestQueue(1, 30.0, std::nullopt).limit().has_value());
}

TEST_CASE("request_queue: requests come back with their own tags and latencies, as a naive FIFO simulation has them",
          "[request_queue]") {
  // The reference: the same recursion with a linear scan for the earliest slot and a plain list of
  // completions, so the two must agree exactly, drop for drop and bit for bit.
  struct Naive {
    std::vector<double> free_at;
    std::vector<double> in_system;
    double timeout;
    std::optional<int> limit;
    Arrival arrive(double now, double service) {
      std::erase_if(in_system, [now](double c) { return c <= now; });
      if (limit && static_cast<int>(in_system.size()) >= *limit) return {Admission::rejected, 0.0};
      auto slot = std::min_element(free_at.begin(), free_at.end());
      const double start = std::max(now, *slot);
      if (start - now > timeout) return {Admission::timeout, 0.0};
      *slot = start + service;
      in_system.push_back(*slot);
      return {Admission::admitted, (start - now) + service};
    }
  };
  RandomStream rng(7, "test.request_queue.naive", 0);
  for (int slots : {1, 2, 3, 8}) {
    for (std::optional<int> limit : {std::optional<int>{}, std::optional<int>{6}}) {
      for (double timeout : {0.3, kForever}) {
        Books b(slots, timeout, limit);
        Naive ref{std::vector<double>(static_cast<std::size_t>(slots), 0.0), {}, timeout, limit};
        std::map<std::uint32_t, double> expected;  // tag -> latency, for the admitted ones
        double now = 0;
        for (std::uint32_t tag = 0; tag < 4000; ++tag) {
          // 1.2 × overload, so the limit and the timeout both bite.
          now += rng.exponential(1.2 * slots / 0.1);
          const double service = rng.exponential(1.0 / 0.1);
          if (tag % 1000 == 999) {
            const long lost_before = b.lost;
            b.lose_all(now);
            std::erase_if(ref.in_system, [now](double c) { return c <= now; });
            CHECK(static_cast<std::size_t>(b.lost - lost_before) == ref.in_system.size());
            ref.in_system.clear();
            std::fill(ref.free_at.begin(), ref.free_at.end(), now);
          }
          const Arrival got = b.arrive(now, service, tag);
          const Arrival want = ref.arrive(now, service);
          REQUIRE(got.admission == want.admission);
          REQUIRE(got.latency == want.latency);
          REQUIRE(b.q.in_system() == ref.in_system.size());
          if (got.admission == Admission::admitted) expected[tag] = got.latency;
        }
        b.drain_all();
        // Every admitted tag came back exactly once, completed or lost, with the latency it was given.
        std::map<std::uint32_t, int> seen;
        for (std::size_t i = 0; i < b.done.size(); ++i) {
          ++seen[b.done[i]];
          REQUIRE(expected.count(b.done[i]) == 1);
          CHECK(b.done_latency[i] == expected[b.done[i]]);
        }
        for (std::uint32_t tag : b.gone) ++seen[tag];
        CHECK(seen.size() == expected.size());
        CHECK(std::all_of(seen.begin(), seen.end(), [](const auto& kv) { return kv.second == 1; }));
        // Overload makes each drop reason bite when it is the only one configured.
        if (!limit) CHECK((b.timeouts > 0) == (timeout < kForever));
        if (timeout == kForever) CHECK((b.rejected > 0) == limit.has_value());
        b.check_conservation();
      }
    }
  }
}

namespace {

// Poisson arrivals at utilisation rho on `slots` slots, exponential service of mean 40 ms, no limit,
// a timeout nothing reaches; the latencies of the served requests, sorted.
std::vector<double> simulate_mmc(int slots, double rho, int requests, double mean_service, Books& b) {
  const double lambda = rho * slots / mean_service;
  RandomStream rng(2024, "test.request_queue.mmc", static_cast<std::uint64_t>(slots));
  std::vector<double> latencies;
  latencies.reserve(static_cast<std::size_t>(requests));
  auto keep = [&latencies](std::uint32_t, double latency) { latencies.push_back(latency); };
  double now = 0;
  for (int i = 0; i < requests; ++i) {
    now += rng.exponential(lambda);
    const Arrival a = b.q.arrive(now, rng.exponential(1.0 / mean_service), 0, keep);
    if (a.admission == Admission::admitted) ++b.admitted;
  }
  b.completed = static_cast<long>(latencies.size());
  b.q.drain_all(keep);
  b.drained = static_cast<long>(latencies.size()) - b.completed;
  std::sort(latencies.begin(), latencies.end());
  return latencies;
}

double sorted_quantile(const std::vector<double>& sorted, double p) {
  return sorted[static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1))];
}

}  // namespace

TEST_CASE("request_queue: per-request response times match M/M/c (Erlang C) at 70 % utilisation", "[request_queue]") {
  // issue 4 Must show 2; design.md "Traffic and dropped requests": the per-request mode validates
  // the fluid mode, whose latency percentiles are Erlang C's. 500,000 Poisson arrivals at 70 % load
  // on c slots, exponential service of mean 40 ms; mean, p50 and p99 within 5 %.
  const double mean_service = 0.040;
  const int requests = 500'000;
  for (int slots : {1, 4, 16}) {
    INFO("c = " << slots);
    Books b(slots, 3600.0, std::nullopt);
    const std::vector<double> t = simulate_mmc(slots, 0.7, requests, mean_service, b);
    CHECK(b.admitted == requests);  // nothing times out or is rejected at this load
    CHECK(t.size() == static_cast<std::size_t>(requests));
    b.check_conservation();

    const MmcQueue m{0.7 * slots / mean_service, 1.0 / mean_service, slots};
    double sum = 0;
    for (double x : t) sum += x;
    CHECK(sum / static_cast<double>(t.size()) == Approx(m.mean_response()).epsilon(0.05));
    CHECK(sorted_quantile(t, 0.50) == Approx(*m.response_quantile(0.50)).epsilon(0.05));
    CHECK(sorted_quantile(t, 0.99) == Approx(*m.response_quantile(0.99)).epsilon(0.05));
  }
}

TEST_CASE("request_queue: a completion callback may take the tag alone", "[request_queue]") {
  RequestQueue q(2, 30.0, std::nullopt);
  std::vector<std::uint32_t> done;
  auto tag_only = [&done](std::uint32_t tag) { done.push_back(tag); };
  q.arrive(0.0, 1.0, 7, tag_only);
  q.arrive(0.0, 2.0, 8, tag_only);
  q.complete_until(1.5, tag_only);
  CHECK(done == std::vector<std::uint32_t>{7});
  q.drain_all(tag_only);
  CHECK(done == std::vector<std::uint32_t>{7, 8});
  CHECK(q.in_system() == 0);
}

TEST_CASE("request_queue: admission() tells what arrive() will decide, without admitting", "[request_queue]") {
  // The traffic model asks a task before a request makes its calls (call_graph.hpp).
  RequestQueue q(1, 0.5, 2);
  auto ignore = [](std::uint32_t) {};
  CHECK(q.admission(0.0, ignore) == Admission::admitted);
  CHECK(q.in_system() == 0);
  q.arrive(0.0, 0.4, 1, ignore);          // in service until 0.4
  CHECK(q.admission(0.0, ignore) == Admission::admitted);  // would wait 0.4 <= 0.5
  q.arrive(0.0, 0.4, 2, ignore);          // waits 0.4, done at 0.8
  CHECK(q.admission(0.1, ignore) == Admission::rejected);  // K = 2 held
  CHECK(q.admission(0.45, ignore) == Admission::admitted);  // the first completed; waits 0.35
  q.arrive(0.45, 0.4, 3, ignore);         // done at 1.2
  CHECK(q.admission(0.6, ignore) == Admission::rejected);
  RequestQueue wide(1, 0.5, std::nullopt);
  wide.arrive(0.0, 2.0, 1, ignore);
  CHECK(wide.admission(1.0, ignore) == Admission::timeout);  // would wait 1.0 > 0.5
  CHECK(wide.arrive(1.0, 1.0, 2, ignore).admission == Admission::timeout);
}
