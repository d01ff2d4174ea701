// Service call graph (design.md "Call graph", issue 4 Must show 5): load propagates in topological
// order, a downstream drop fails the upstream request, a failed request is counted once at its entry
// with the reason of its first failure in call order, a cycle is an error naming its services.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "models/call_graph.hpp"
#include "sim/random.hpp"

using namespace spotsim;

namespace {

// What the traffic model would answer, reduced to a capacity: a service serves min(1, capacity /
// offered) of what it is offered (the rest time out).
struct Capacities {
  std::vector<double> rps;
  double operator()(std::size_t service, double offered) const {
    return offered <= rps[service] ? 1.0 : rps[service] / offered;
  }
};

// Fixed served fractions, whatever the load.
struct Fixed {
  std::vector<double> fraction;
  double operator()(std::size_t service, double) const { return fraction[service]; }
};

std::size_t position(const std::vector<std::size_t>& order, std::size_t service) {
  return static_cast<std::size_t>(std::find(order.begin(), order.end(), service) - order.begin());
}

std::string build_error(const std::vector<std::string>& services, const std::vector<CallEdge>& edges) {
  try {
    CallGraph::build(services, edges);
  } catch (const CallGraphError& e) {
    return e.what();
  }
  return "no error";
}

// The example: api calls auth once and orders twice per request.
const std::vector<std::string> kShop{"api", "auth", "orders"};
constexpr std::size_t kApi = 0, kAuth = 1, kOrders = 2;

}  // namespace

TEST_CASE("api fails when either call fails: auth_s times orders_s squared", "[call_graph]") {
  const CallGraph graph = CallGraph::build(kShop, {{"api", "auth", 1.0}, {"api", "orders", 2.0}});
  CallGraphEvaluation out;

  SECTION("orders, under-provisioned at twice api's rate, serves 3/4 and api succeeds 0.75^2") {
    // api 100 rps -> orders 200 calls/s against a capacity of 150.
    graph.evaluate({100, 0, 0}, Capacities{{1000, 1000, 150}}, out);
    CHECK(out.offered_rps[kApi] == Approx(100));
    CHECK(out.offered_rps[kAuth] == Approx(100));
    CHECK(out.offered_rps[kOrders] == Approx(200));
    CHECK(out.served_fraction[kOrders] == Approx(0.75));
    CHECK(out.end_to_end_success[kOrders] == Approx(0.75));
    CHECK(out.end_to_end_success[kApi] == Approx(1.0 * 0.75 * 0.75));
  }
  SECTION("with auth at 0.9 as well, api succeeds 0.9 x 0.75^2") {
    graph.evaluate({100, 0, 0}, Capacities{{1000, 90, 150}}, out);
    CHECK(out.served_fraction[kAuth] == Approx(0.9));
    CHECK(out.end_to_end_success[kApi] == Approx(0.9 * 0.75 * 0.75));
    CHECK(out.end_to_end_success[kApi] == Approx(0.50625));
  }
}

TEST_CASE("drops of orders are counted once, at api; summing per-service drops would double count",
          "[call_graph]") {
  const CallGraph graph = CallGraph::build(kShop, {{"api", "auth", 1.0}, {"api", "orders", 2.0}});
  CallGraphEvaluation out;
  graph.evaluate({100, 0, 0}, Capacities{{1000, 1000, 150}}, out);

  // Requests are counted at the entry only: offered = served + dropped there.
  const double offered = 100;
  const double served = offered * out.end_to_end_success[kApi];
  const double dropped = offered - served;
  CHECK(served == Approx(56.25));
  CHECK(dropped == Approx(43.75));
  // Every one of those drops has orders as its first failure.
  CHECK(offered * out.first_failure_at(kApi, kOrders) == Approx(dropped));
  CHECK(out.first_failure_at(kApi, kApi) == 0);
  CHECK(out.first_failure_at(kApi, kAuth) == 0);

  // orders itself drops 50 of its 200 calls/s. Counting those as dropped requests would report 50,
  // not 43.75: the 100 x 0.25^2 = 6.25 requests/s whose two calls both failed would count twice.
  const double orders_drops = out.offered_rps[kOrders] * (1 - out.served_fraction[kOrders]);
  CHECK(orders_drops == Approx(50));
  CHECK(orders_drops - dropped == Approx(100 * 0.25 * 0.25));

  SECTION("with auth dropping too, the per-service sum overcounts again") {
    graph.evaluate({100, 0, 0}, Capacities{{1000, 90, 150}}, out);
    const double failed = 100 * (1 - out.end_to_end_success[kApi]);
    const double per_service = 100 * 0.1 + 200 * 0.25;
    CHECK(failed == Approx(49.375));
    CHECK(per_service == Approx(60));
    // Each failed request has exactly one reason: auth's 10, then orders' on the rest.
    CHECK(100 * out.first_failure_at(kApi, kAuth) == Approx(10));
    CHECK(100 * out.first_failure_at(kApi, kOrders) == Approx(39.375));
  }
}

TEST_CASE("the reason of a failed request is its first failure in call order", "[call_graph]") {
  const Fixed fractions{{1.0, 0.9, 0.75}};
  CallGraphEvaluation out;

  SECTION("auth listed first: auth's drops win, orders gets the rest") {
    const CallGraph graph = CallGraph::build(kShop, {{"api", "auth", 1.0}, {"api", "orders", 2.0}});
    graph.evaluate({100, 0, 0}, fractions, out);
    CHECK(out.first_failure_at(kApi, kAuth) == Approx(0.1));
    CHECK(out.first_failure_at(kApi, kOrders) == Approx(0.9 * (1 - 0.75 * 0.75)));
  }
  SECTION("orders listed first: orders' drops win, auth gets those that passed orders") {
    const CallGraph graph = CallGraph::build(kShop, {{"api", "orders", 2.0}, {"api", "auth", 1.0}});
    graph.evaluate({100, 0, 0}, fractions, out);
    CHECK(out.first_failure_at(kApi, kOrders) == Approx(1 - 0.75 * 0.75));
    CHECK(out.first_failure_at(kApi, kAuth) == Approx(0.75 * 0.75 * 0.1));
  }
  SECTION("the entry's own drop comes first: it makes no calls") {
    const CallGraph graph = CallGraph::build(kShop, {{"api", "auth", 1.0}, {"api", "orders", 2.0}});
    graph.evaluate({100, 0, 0}, Fixed{{0.8, 0.9, 0.75}}, out);
    CHECK(out.first_failure_at(kApi, kApi) == Approx(0.2));
    CHECK(out.first_failure_at(kApi, kAuth) == Approx(0.8 * 0.1));
    CHECK(out.first_failure_at(kApi, kOrders) == Approx(0.8 * 0.9 * (1 - 0.5625)));
  }
  // Whatever the order, the reasons add up to the failures.
  double sum = 0;
  for (std::size_t u = 0; u < 3; ++u) sum += out.first_failure_at(kApi, u);
  CHECK(sum == Approx(1 - out.end_to_end_success[kApi]));
}

TEST_CASE("a downstream service receives calls only for the requests its caller served", "[call_graph]") {
  const CallGraph graph = CallGraph::build(kShop, {{"api", "auth", 1.0}, {"api", "orders", 2.0}});
  CallGraphEvaluation out;
  // api can serve 80 of its 100 rps: auth sees 80 calls/s, orders 160 against its 150.
  graph.evaluate({100, 0, 0}, Capacities{{80, 1000, 150}}, out);
  CHECK(out.offered_rps[kAuth] == Approx(80));
  CHECK(out.offered_rps[kOrders] == Approx(160));
  CHECK(out.served_fraction[kOrders] == Approx(150.0 / 160));
  CHECK(out.end_to_end_success[kApi] == Approx(0.8 * (150.0 / 160) * (150.0 / 160)));
}

TEST_CASE("a diamond: callers before callees, and the shared callee sums both paths", "[call_graph]") {
  // a -> b (x1), a -> c (x3), b -> d (x2), c -> d (x1); listed in an order unlike the topology.
  const CallGraph graph = CallGraph::build(
      {"d", "c", "b", "a"}, {{"c", "d", 1.0}, {"a", "b", 1.0}, {"b", "d", 2.0}, {"a", "c", 3.0}});
  const std::vector<std::size_t>& order = graph.topological_order();
  REQUIRE(order.size() == 4);
  const std::size_t a = *graph.index_of("a"), b = *graph.index_of("b"), c = *graph.index_of("c"),
                    d = *graph.index_of("d");
  CHECK(order.front() == a);
  CHECK(order.back() == d);
  for (const CallEdge& edge : graph.edges())
    CHECK(position(order, *graph.index_of(edge.from)) < position(order, *graph.index_of(edge.to)));
  CHECK(graph.entries() == std::vector<std::size_t>{a});

  CallGraphEvaluation out;
  std::vector<double> external(4, 0.0);
  external[a] = 10;
  std::vector<double> fraction(4, 1.0);
  fraction[d] = 0.5;
  graph.evaluate(external, Fixed{fraction}, out);
  CHECK(out.offered_rps[b] == Approx(10));
  CHECK(out.offered_rps[c] == Approx(30));
  CHECK(out.offered_rps[d] == Approx(10 * 2 + 30 * 1));
  CHECK(out.end_to_end_success[b] == Approx(0.25));
  CHECK(out.end_to_end_success[c] == Approx(0.5));
  CHECK(out.end_to_end_success[a] == Approx(0.25 * 0.5 * 0.5 * 0.5));
  CHECK(out.first_failure_at(a, d) == Approx(1 - 0.25 * 0.125));
}

TEST_CASE("a cycle is an error naming the services on it, in call order", "[call_graph]") {
  SECTION("a -> b -> c -> a") {
    CHECK(build_error({"a", "b", "c"}, {{"a", "b", 1}, {"b", "c", 1}, {"c", "a", 1}}) ==
          "callGraph has a cycle: a -> b -> c -> a");
  }
  SECTION("a cycle reached from an entry names only its own members") {
    CHECK(build_error({"x", "a", "b", "c"}, {{"x", "a", 1}, {"a", "b", 1}, {"b", "c", 1}, {"c", "a", 1}}) ==
          "callGraph has a cycle: a -> b -> c -> a");
  }
  SECTION("the error carries the edge that closes the cycle, for the loader's JSON pointer") {
    try {
      CallGraph::build({"a", "b", "c"}, {{"a", "b", 1}, {"c", "a", 1}, {"b", "c", 1}});
      FAIL("no error");
    } catch (const CallGraphError& e) {
      CHECK(std::string(e.what()) == "callGraph has a cycle: a -> b -> c -> a");
      CHECK(e.edge() == std::optional<std::size_t>(1));
    }
  }
  SECTION("two services calling each other") {
    CHECK(build_error({"a", "b"}, {{"a", "b", 1}, {"b", "a", 0.5}}) == "callGraph has a cycle: a -> b -> a");
  }
}

TEST_CASE("a self-call, an unknown service, a bad multiplier and a duplicate edge are errors",
          "[call_graph]") {
  const std::vector<std::string> s{"api", "auth"};
  CHECK(build_error(s, {{"api", "api", 1}}) == "service \"api\" calls itself");
  CHECK(build_error(s, {{"api", "ordrs", 1}}) == "unknown service \"ordrs\" in call api -> ordrs");
  CHECK(build_error(s, {{"apl", "auth", 1}}) == "unknown service \"apl\" in call apl -> auth");
  CHECK(build_error(s, {{"api", "auth", -1}}) ==
        "callsPerRequest of api -> auth must be a number from 0 to 1000, found -1");
  CHECK(build_error(s, {{"api", "auth", NAN}}) ==
        "callsPerRequest of api -> auth must be a number from 0 to 1000, found nan");
  CHECK(build_error(s, {{"api", "auth", INFINITY}}) ==
        "callsPerRequest of api -> auth must be a number from 0 to 1000, found inf");
  CHECK(build_error(s, {{"api", "auth", 1}, {"api", "auth", 2}}) ==
        "call api -> auth is listed twice (give one edge with the summed callsPerRequest)");
  CHECK(build_error({"api", "api"}, {}) == "service \"api\" is named twice");
  CHECK(build_error({""}, {}) == "a service of the call graph has an empty name");
  try {
    CallGraph::build(s, {{"api", "auth", 1}, {"auth", "nope", 1}});
    FAIL("no error");
  } catch (const CallGraphError& e) {
    CHECK(e.edge() == std::optional<std::size_t>(1));
  }
  // The loader catches it as std::invalid_argument.
  CHECK_THROWS_AS(CallGraph::build(s, {{"api", "api", 1}}), std::invalid_argument);
}

TEST_CASE("a service in no edge is its own entry", "[call_graph]") {
  const CallGraph graph = CallGraph::build({"api", "auth", "batch"}, {{"api", "auth", 1}});
  CHECK(graph.entries() == std::vector<std::size_t>{0, 2});
  CHECK(graph.is_entry(2));
  CHECK_FALSE(graph.is_entry(1));
  CallGraphEvaluation out;
  graph.evaluate({10, 0, 40}, Capacities{{100, 100, 30}}, out);
  CHECK(out.offered_rps[2] == Approx(40));
  CHECK(out.end_to_end_success[2] == Approx(0.75));
  CHECK(out.first_failure_at(2, 2) == Approx(0.25));
  CHECK(out.end_to_end_success[0] == Approx(1));
}

TEST_CASE("an empty graph builds and evaluates to nothing", "[call_graph]") {
  const CallGraph graph = CallGraph::build({}, {});
  CHECK(graph.service_count() == 0);
  CHECK(graph.topological_order().empty());
  CHECK(graph.entries().empty());
  CallGraphEvaluation out;
  graph.evaluate({}, Fixed{{}}, out);
  CHECK(out.offered_rps.empty());
  CHECK(out.end_to_end_success.empty());
  CHECK(out.first_failure.empty());
}

TEST_CASE("a fractional multiplier: that fraction of requests makes one more call", "[call_graph]") {
  // 0.3 calls per request to a service that serves nothing: 30 % of requests call it and fail.
  const CallGraph graph = CallGraph::build({"api", "cache"}, {{"api", "cache", 0.3}});
  CallGraphEvaluation out;
  graph.evaluate({100, 0}, Fixed{{1.0, 0.0}}, out);
  CHECK(out.offered_rps[1] == Approx(30));
  CHECK(out.end_to_end_success[0] == Approx(0.7));  // not 0^0.3 = 0

  // 1.5 calls at s = 0.8: half the requests make one call, half two.
  const CallGraph one_and_a_half = CallGraph::build({"api", "db"}, {{"api", "db", 1.5}});
  one_and_a_half.evaluate({100, 0}, Fixed{{1.0, 0.8}}, out);
  CHECK(out.end_to_end_success[0] == Approx(0.5 * 0.8 + 0.5 * 0.64));
  CHECK(out.end_to_end_success[0] >= std::pow(0.8, 1.5));

  // Zero calls per request: the edge exists but costs nothing and cannot fail.
  const CallGraph zero = CallGraph::build({"api", "db"}, {{"api", "db", 0}});
  zero.evaluate({100, 0}, Fixed{{1.0, 0.0}}, out);
  CHECK(out.offered_rps[1] == 0);
  CHECK(out.end_to_end_success[0] == 1);
}

TEST_CASE("the closed form agrees with requests simulated one by one", "[call_graph]") {
  // Independent failures, calls in callGraph order, every served request makes all its calls.
  const std::vector<std::string> services{"gw", "auth", "orders", "stock", "db"};
  const std::vector<CallEdge> edges{{"gw", "auth", 1.0},    {"gw", "orders", 1.5}, {"orders", "stock", 0.3},
                                    {"orders", "db", 2.0},  {"stock", "db", 1.0},  {"auth", "db", 0.5}};
  const std::vector<double> fraction{0.95, 0.9, 0.8, 0.7, 0.85};
  const CallGraph graph = CallGraph::build(services, edges);
  CallGraphEvaluation out;
  graph.evaluate({1, 0, 0, 0, 0}, Fixed{fraction}, out);

  RandomStream rng(42, "test_call_graph", 0);
  std::vector<double> visits(services.size(), 0.0);
  std::vector<double> first(services.size(), 0.0);
  double succeeded = 0;
  // Returns the service of the first failure, or -1.
  auto request = [&](auto&& self, std::size_t v) -> int {
    visits[v] += 1;
    if (!rng.bernoulli(fraction[v])) return static_cast<int>(v);
    int failure = -1;
    for (const CallEdge& e : edges) {
      if (e.from != services[v]) continue;
      const std::size_t w = *graph.index_of(e.to);
      const double whole = std::floor(e.calls_per_request);
      const int calls = static_cast<int>(whole) + (rng.bernoulli(e.calls_per_request - whole) ? 1 : 0);
      for (int k = 0; k < calls; ++k) {
        const int f = self(self, w);
        if (failure < 0) failure = f;
      }
    }
    return failure;
  };
  const int n = 200'000;
  for (int i = 0; i < n; ++i) {
    const int f = request(request, 0);
    if (f < 0)
      succeeded += 1;
    else
      first[static_cast<std::size_t>(f)] += 1;
  }
  CHECK(succeeded / n == Approx(out.end_to_end_success[0]).margin(0.005));
  for (std::size_t u = 0; u < services.size(); ++u) {
    INFO(services[u]);
    CHECK(first[u] / n == Approx(out.first_failure_at(0, u)).margin(0.005));
    CHECK(visits[u] / n == Approx(out.offered_rps[u]).epsilon(0.01));
  }
}

TEST_CASE("evaluation reuses the caller's buffers and checks what the caller passes", "[call_graph]") {
  const CallGraph graph = CallGraph::build(kShop, {{"api", "auth", 1.0}, {"api", "orders", 2.0}});
  CallGraphEvaluation out;
  graph.evaluate({100, 0, 0}, Capacities{{1000, 1000, 150}}, out);
  const double* offered = out.offered_rps.data();
  const double* first = out.first_failure.data();
  graph.evaluate({50, 0, 0}, Capacities{{1000, 1000, 150}}, out);
  CHECK(out.offered_rps.data() == offered);
  CHECK(out.first_failure.data() == first);
  CHECK(out.end_to_end_success[kApi] == Approx(1));

  CHECK_THROWS_AS(graph.evaluate({100, 0}, Fixed{{1, 1, 1}}, out), std::logic_error);
  CHECK_THROWS_AS(graph.evaluate({-1, 0, 0}, Fixed{{1, 1, 1}}, out), std::logic_error);
  CHECK_THROWS_AS(graph.evaluate({100, 0, 0}, Fixed{{1, 1.5, 1}}, out), std::logic_error);
  CHECK_THROWS_AS(graph.evaluate({100, 0, 0}, Fixed{{1, NAN, 1}}, out), std::logic_error);
}
