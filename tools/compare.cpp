// `spotsim compare`'s runs and statistics (tools/compare.hpp).
#include "tools/compare.hpp"

#include <cmath>
#include <cstddef>
#include <limits>
#include <map>
#include <set>

#include <boost/math/distributions/students_t.hpp>
#include <nlohmann/json.hpp>

#include "models/world.hpp"
#include "tools/input_error.hpp"
#include "tools/parallel_for.hpp"
#include "tools/report.hpp"
#include "tools/results_writer.hpp"
#include "tools/summary_figures.hpp"

namespace spotsim {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

using FigureValues = std::map<std::string, double>;

// One run's figures, through summary.json itself so compare differences exactly what `run` writes.
std::vector<Figure> run_figures(const Scenario& scenario, std::uint64_t seed, std::uint64_t replication, TrafficMode mode) {
  WorldConfig config = scenario.world;
  config.seed = seed;
  config.replication = replication;
  config.traffic_mode = mode;
  World world(config);
  const RunResult result = world.run();
  // summary.json's identity (seed, replication) is not a figure, so the scenario's own world will do.
  return summary_figures(nlohmann::ordered_json::parse(summary_json(scenario, result)));
}

Eigen::VectorXd column(const std::vector<FigureValues>& runs, const std::string& name) {
  Eigen::VectorXd v(static_cast<Eigen::Index>(runs.size()));
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const auto it = runs[i].find(name);
    v(static_cast<Eigen::Index>(i)) = it == runs[i].end() ? kNaN : it->second;
  }
  return v;
}

}  // namespace

bool FigureComparison::significant() const {
  const double lo = difference.ci95_low, hi = difference.ci95_high;
  return std::isfinite(lo) && std::isfinite(hi) && (lo > 0 || hi < 0);
}

Estimate welch_difference(const Eigen::Ref<const Eigen::VectorXd>& base, const Eigen::Ref<const Eigen::VectorXd>& variant) {
  const Estimate b = estimate(base), v = estimate(variant);
  Estimate d;
  d.n = std::min(b.n, v.n);
  d.mean = v.mean - b.mean;
  d.sd = kNaN;
  if (b.n < 2 || v.n < 2) {
    d.ci95_low = d.ci95_high = kNaN;
    return d;
  }
  const double qb = b.sd * b.sd / b.n, qv = v.sd * v.sd / v.n;  // squared standard errors
  const double se = std::sqrt(qb + qv);
  if (!(se > 0)) {  // both samples constant (or NaN): the interval collapses on the difference
    d.ci95_low = d.ci95_high = se == 0 ? d.mean : kNaN;
    return d;
  }
  // Welch–Satterthwaite: ν = (q_b + q_v)² / (q_b²/(n_b − 1) + q_v²/(n_v − 1)), between
  // min(n_b, n_v) − 1 and n_b + n_v − 2. It is fractional, and student_t_quantile
  // (tools/statistics.hpp) takes whole degrees of freedom, so the quantile comes from the same
  // Boost.Math distribution at the exact ν: rounding ν down would widen the interval and flatter
  // common random numbers in the comparison this interval exists for.
  const double nu = (qb + qv) * (qb + qv) / (qb * qb / (b.n - 1) + qv * qv / (v.n - 1));
  const double t = boost::math::quantile(boost::math::students_t(nu), 0.975);
  d.ci95_low = d.mean - t * se;
  d.ci95_high = d.mean + t * se;
  return d;
}

void write_compare_report(const std::filesystem::path& dir, const ComparePair& pair, const CompareSettings& settings,
                          const Comparison& comparison) {
  // Both runs first, then the files: a failing run writes nothing.
  std::vector<Scenario> scenarios = {pair.base, pair.variant};
  std::vector<RunResult> results(2);
  const auto n = static_cast<std::uint64_t>(settings.replications);
  parallel_for(2, settings.jobs, [&](std::size_t k) {
    WorldConfig& config = scenarios[k].world;
    config.replication = k == 1 && settings.independent_seeds ? n : 0;
    config.traffic_mode = settings.mode;
    World world(config);
    results[k] = world.run();
  });
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec || !std::filesystem::is_directory(dir))
    throw InputError(dir.generic_string(), "", "cannot create the report folder" + (ec ? ": " + ec.message() : std::string(": a file is in the way")));
  write_results(dir / "base", scenarios[0], results[0]);
  write_results(dir / "variant", scenarios[1], results[1]);
  write_report(dir / "base");
  write_report(dir / "variant");
  write_file_atomically(dir / "compare.json", comparison_json(comparison));
  write_report(dir);
}

Comparison run_comparison(const ComparePair& pair, const CompareSettings& settings) {
  if (settings.replications < 2)
    throw InputError("spotsim compare", "--replications",
                     "expected 2 or more replications (a confidence interval needs two), found " +
                         std::to_string(settings.replications));
  const auto n = static_cast<std::size_t>(settings.replications);
  const std::uint64_t seed = pair.base.world.seed;  // the variant was loaded with the same seed

  // Slots 0 … n − 1 are the base's replications, n … 2n − 1 the variant's.
  std::vector<std::vector<Figure>> slots(2 * n);
  parallel_for(2 * n, settings.jobs, [&](std::size_t k) {
    const bool variant = k >= n;
    std::uint64_t replication = k % n;
    if (variant && settings.independent_seeds) replication += n;
    slots[k] = run_figures(variant ? pair.variant : pair.base, seed, replication, settings.mode);
  });

  // Assembled in index order: the same output on any thread count.
  std::vector<std::string> names;
  std::set<std::string> seen;
  std::vector<FigureValues> base_runs(n), variant_runs(n);
  for (std::size_t k = 0; k < 2 * n; ++k) {
    for (const Figure& f : slots[k]) {
      (k < n ? base_runs[k] : variant_runs[k - n])[f.name] = f.value;
      if (seen.insert(f.name).second) names.push_back(f.name);
    }
  }

  Comparison c;
  c.base_scenario = pair.base.name;
  c.variant_scenario = pair.variant.name;
  c.variant_made_by = pair.variant_made_by;
  c.variant_changes = pair.variant_changes;
  c.seed = seed;
  c.settings = settings;
  c.simulated_seconds = pair.base.world.duration / seconds(1);
  for (const std::string& name : names) {
    const Eigen::VectorXd b = column(base_runs, name), v = column(variant_runs, name);
    FigureComparison f;
    f.name = name;
    f.base = estimate(b);
    f.variant = estimate(v);
    f.difference = settings.independent_seeds ? welch_difference(b, v) : paired_difference(b, v);
    f.relative_change = std::isfinite(f.base.mean) && f.base.mean != 0 ? f.difference.mean / std::abs(f.base.mean) : kNaN;
    c.figures.push_back(std::move(f));
  }
  return c;
}

const std::vector<std::string>& headline_figures() {
  static const std::vector<std::string> names = {
      "cost.total_usd",
      "cost.savings_ratio",
      "cost.spot_usd",
      "cost.on_demand_usd",
      "requests.drop_rate",
      "requests.dropped_total",
      "requests.dropped.no_target",
      "requests.dropped.target_lost",
      "requests.dropped.timeout",
      "requests.dropped.rejected",
      "requests.latency_ms.p50",
      "requests.latency_ms.p99",
      "instances.interrupted",
      "instances.interruption_notices",
      "instances.launched_spot",
      "instances.launched_on_demand",
      "instances.peak",
      "tasks.killed_by_termination",
      "tasks.placement_failures",
  };
  return names;
}

}  // namespace spotsim
