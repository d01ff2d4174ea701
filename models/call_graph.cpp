#include "models/call_graph.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <map>
#include <set>
#include <sstream>
#include <utility>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/depth_first_search.hpp>
#include <boost/graph/topological_sort.hpp>

namespace spotsim {
namespace {

struct EdgeData {
  std::size_t index = 0;  // position in the callGraph list
};
using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS, boost::no_property, EdgeData>;
using Vertex = boost::graph_traits<Graph>::vertex_descriptor;
using GraphEdge = boost::graph_traits<Graph>::edge_descriptor;

std::string format_number(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

// Depth-first search from the services in index order, out-edges in callGraph order, so the cycle
// reported is the same on every run. A back edge u -> v closes a cycle: v is an ancestor of u on
// the DFS path, and following tree-edge parents from u back to v lists the cycle's members.
class CycleFinder : public boost::default_dfs_visitor {
 public:
  CycleFinder(std::vector<Vertex>& parent, const std::vector<std::string>& names)
      : parent_(&parent), names_(&names) {}

  void tree_edge(GraphEdge e, const Graph& g) const { (*parent_)[boost::target(e, g)] = boost::source(e, g); }

  void back_edge(GraphEdge e, const Graph& g) const {
    const Vertex from = boost::source(e, g);
    const Vertex to = boost::target(e, g);
    std::vector<Vertex> path{from};
    for (Vertex v = from; v != to;) {
      v = (*parent_)[v];
      path.push_back(v);
    }
    std::string message = "callGraph has a cycle: ";
    for (auto it = path.rbegin(); it != path.rend(); ++it) message += (*names_)[*it] + " -> ";
    message += (*names_)[to];
    throw CallGraphError(message, g[e].index);
  }

 private:
  std::vector<Vertex>* parent_;  // visitors are copied by value: state lives outside
  const std::vector<std::string>* names_;
};

}  // namespace

CallGraph CallGraph::build(const std::vector<std::string>& services, const std::vector<CallEdge>& edges) {
  CallGraph graph;
  graph.names_ = services;
  const std::size_t n = services.size();

  std::map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < n; ++i) {
    if (services[i].empty()) throw CallGraphError("a service of the call graph has an empty name", std::nullopt);
    if (!index.emplace(services[i], i).second)
      throw CallGraphError("service \"" + services[i] + "\" is named twice", std::nullopt);
  }

  Graph g(n);
  std::set<std::pair<std::size_t, std::size_t>> seen;
  std::vector<std::pair<std::size_t, std::size_t>> ends;  // (from, to) per edge
  for (std::size_t i = 0; i < edges.size(); ++i) {
    const CallEdge& edge = edges[i];
    const std::string call = edge.from + " -> " + edge.to;
    const auto from = index.find(edge.from);
    const auto to = index.find(edge.to);
    if (from == index.end()) throw CallGraphError("unknown service \"" + edge.from + "\" in call " + call, i);
    if (to == index.end()) throw CallGraphError("unknown service \"" + edge.to + "\" in call " + call, i);
    if (from->second == to->second) throw CallGraphError("service \"" + edge.from + "\" calls itself", i);
    const double m = edge.calls_per_request;
    if (!std::isfinite(m) || m < 0 || m > kMaxCallsPerRequest)
      throw CallGraphError("callsPerRequest of " + call + " must be a number from 0 to " +
                               format_number(kMaxCallsPerRequest) + ", found " + format_number(m),
                           i);
    if (!seen.emplace(from->second, to->second).second)
      throw CallGraphError("call " + call + " is listed twice (give one edge with the summed callsPerRequest)", i);
    boost::add_edge(from->second, to->second, EdgeData{i}, g);
    ends.emplace_back(from->second, to->second);
  }
  graph.edges_ = edges;

  std::vector<Vertex> parent(n);
  boost::depth_first_search(g, boost::visitor(CycleFinder(parent, services)));

  // topological_sort writes the reverse order (each vertex as it finishes); callers come first.
  graph.topo_.reserve(n);
  boost::topological_sort(g, std::back_inserter(graph.topo_));
  std::reverse(graph.topo_.begin(), graph.topo_.end());

  // Flat out-edge rows, each in callGraph order (the call order of the first-failure rule).
  graph.callers_.assign(n, 0);
  graph.out_begin_.assign(n + 1, 0);
  for (const auto& [from, to] : ends) {
    ++graph.out_begin_[from + 1];
    ++graph.callers_[to];
  }
  for (std::size_t v = 0; v < n; ++v) graph.out_begin_[v + 1] += graph.out_begin_[v];
  std::vector<std::size_t> next(graph.out_begin_.begin(), graph.out_begin_.end() - 1);
  graph.out_target_.resize(ends.size());
  graph.out_calls_.resize(ends.size());
  graph.out_whole_.resize(ends.size());
  graph.out_fraction_.resize(ends.size());
  for (std::size_t i = 0; i < ends.size(); ++i) {
    const std::size_t slot = next[ends[i].first]++;
    const double m = edges[i].calls_per_request;
    graph.out_target_[slot] = ends[i].second;
    graph.out_calls_[slot] = m;
    graph.out_whole_[slot] = std::floor(m);
    graph.out_fraction_[slot] = m - std::floor(m);
  }
  for (std::size_t v = 0; v < n; ++v)
    if (graph.callers_[v] == 0) graph.entries_.push_back(v);
  graph.index_ = std::move(index);
  return graph;
}

std::optional<std::size_t> CallGraph::index_of(const std::string& service) const {
  const auto it = index_.find(service);
  if (it == index_.end()) return std::nullopt;
  return it->second;
}

void CallGraph::prepare(const std::vector<double>& external_rps, CallGraphEvaluation& out) const {
  const std::size_t n = names_.size();
  if (external_rps.size() != n)
    throw std::logic_error("CallGraph::evaluate: " + std::to_string(external_rps.size()) +
                           " external rates for " + std::to_string(n) + " services");
  for (std::size_t v = 0; v < n; ++v)
    if (!std::isfinite(external_rps[v]) || external_rps[v] < 0)
      throw std::logic_error("CallGraph::evaluate: external rate of " + names_[v] + " is " +
                             format_number(external_rps[v]));
  // assign and resize keep the capacity: no allocation once the buffers have their size.
  out.offered_rps.assign(external_rps.begin(), external_rps.end());
  out.served_fraction.resize(n);
  out.end_to_end_success.resize(n);
  out.first_failure.resize(n * n);
}

void CallGraph::check_fraction(std::size_t service, double fraction) const {
  if (!(fraction >= 0 && fraction <= 1))
    throw std::logic_error("CallGraph::evaluate: served fraction of " + names_[service] + " is " +
                           format_number(fraction) + ", not in [0, 1]");
}

// Callees before callers. For a request to v (see the header for the rule and the assumptions):
// v drops it with 1 − s_v, the first failure being v's own. Otherwise v makes its calls in
// callGraph order; `survive` is the fraction of v's requests that have not failed yet. The calls of
// one edge pass with `pass`; of those that fail there, the first failure is distributed as the
// callee's own first-failure row, normalised (a failing call is a request to the callee that fails).
void CallGraph::end_to_end(CallGraphEvaluation& out) const {
  const std::size_t n = names_.size();
  for (auto it = topo_.rbegin(); it != topo_.rend(); ++it) {
    const std::size_t v = *it;
    double* row = out.first_failure.data() + v * n;
    std::fill(row, row + n, 0.0);
    const double s = out.served_fraction[v];
    row[v] = 1.0 - s;
    double survive = s;
    for (std::size_t e = out_begin_[v]; e < out_begin_[v + 1]; ++e) {
      const std::size_t w = out_target_[e];
      const double callee_success = out.end_to_end_success[w];
      const double f = out_fraction_[e];
      double pass = std::pow(callee_success, out_whole_[e]);
      if (f > 0) pass = (1 - f) * pass + f * pass * callee_success;  // e^floor(m) · ((1 − f) + f e)
      const double failed_here = survive * (1 - pass);
      if (failed_here > 0) {
        const double* callee = out.first_failure.data() + w * n;
        double callee_failed = 0;
        for (std::size_t u = 0; u < n; ++u) callee_failed += callee[u];
        if (callee_failed > 0) {
          const double scale = failed_here / callee_failed;
          for (std::size_t u = 0; u < n; ++u) row[u] += scale * callee[u];
        } else {
          row[w] += failed_here;  // only by underflow; keeps the row summing to 1 − success
        }
      }
      survive *= pass;
    }
    out.end_to_end_success[v] = survive;
  }
}

}  // namespace spotsim
