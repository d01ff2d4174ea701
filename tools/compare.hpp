#pragma once
// `spotsim compare` (contract.md "Command line", design.md § "Sweeps, what-if and scale-out"): a
// base and a variant scenario run over the same replications, and every summary figure's
// difference variant − base with a 95 % confidence interval.
//
// Common random numbers: replication r of the base and of the variant both run with
// WorldConfig.seed = S and WorldConfig.replication = r, so every named random stream
// (sim/random.hpp) hands both the same draws — the same interruptions, the same load noise — and the
// difference is estimated from the n paired differences (statistics.hpp paired_difference), which
// cancels the noise the pair shares. `independent_seeds` gives the variant replications n … 2n − 1
// instead: the pairs are then unrelated and the difference's interval is Welch's two-sample one
// (welch_difference), which shows what common random numbers buy.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "models/traffic.hpp"
#include "tools/scenario.hpp"
#include "tools/statistics.hpp"

namespace spotsim {

// How the command line makes the pair (exactly one of variant_file, set, terraform_plan).
struct CompareInputs {
  std::string base_file;
  std::optional<std::string> variant_file;
  std::vector<std::string> set;  // "PATH=VALUE", applied to BASE's document in order
  std::optional<std::string> terraform_plan;
  std::optional<std::uint64_t> seed;      // --seed: both scenarios' seed (default: BASE's own)
  std::optional<std::string> duration;    // --duration: both scenarios'
};

struct ComparePair {
  Scenario base, variant;
  std::string variant_made_by;            // "scenario", "set" or "terraform-plan"
  std::vector<std::string> variant_changes;  // the overrides as typed, or the plan's changed attributes
};

// Loads both scenarios, everything checked before anything runs. Throws InputError for a missing or
// bad file, a bad override, no way or several ways of making the variant, and a variant identical
// to the base (nothing to compare). Both get the seed S (--seed, else BASE's).
ComparePair load_compare_pair(const CompareInputs& inputs);

struct CompareSettings {
  int replications = 10;  // at least 2 (an interval needs two samples)
  TrafficMode mode = TrafficMode::fluid;
  int jobs = 0;  // parallel_for threads; 0: all cores
  bool independent_seeds = false;
};

struct FigureComparison {
  std::string name;        // summary_figures' dotted name
  Estimate base, variant;  // mean, sd, 95 % interval of each side's replications
  Estimate difference;     // variant − base: paired (common random numbers) or Welch's interval
  double relative_change;  // difference.mean / |base.mean|; NaN when the base mean is 0 or undefined
  // Whether the difference's 95 % interval excludes 0 (false for an undefined interval).
  bool significant() const;
};

struct Comparison {
  std::string base_scenario, variant_scenario;  // scenario names
  std::string variant_made_by;
  std::vector<std::string> variant_changes;
  std::uint64_t seed = 0;
  CompareSettings settings;
  std::int64_t simulated_seconds = 0;
  std::vector<FigureComparison> figures;  // base's summary.json order, then variant-only figures
};

// Runs the 2 × replications runs on settings.jobs threads (results by slot, assembled in index
// order: the same bytes on any thread count) and compares every figure.
Comparison run_comparison(const ComparePair& pair, const CompareSettings& settings);

// `compare --report DIR`: DIR/compare.json (comparison_json), DIR/base/ and DIR/variant/ (results
// folders of the first replication of each, run again in full: the same seed and replication index
// as in the comparison, so their figures are the comparison's first pair) and DIR/report.html.
void write_compare_report(const std::filesystem::path& dir, const ComparePair& pair, const CompareSettings& settings,
                          const Comparison& comparison);

// The difference of two unrelated samples' means, variant − base, with Welch's 95 % interval:
// (x̄_v − x̄_b) ± t(0.975, ν) · √(s_b²/n_b + s_v²/n_v), ν the Welch–Satterthwaite degrees of freedom.
// n is the smaller sample size and sd NaN (two samples have no one standard deviation). Both
// samples need 2 values or more (else the interval is NaN, as estimate()'s).
Estimate welch_difference(const Eigen::Ref<const Eigen::VectorXd>& base, const Eigen::Ref<const Eigen::VectorXd>& variant);

// The figures users look at first, in this order (those the summary has); the table prints them,
// then the other figures whose interval excludes 0.
const std::vector<std::string>& headline_figures();

// The terminal table: one row per headline figure, then the other significant ones; '*' marks a
// difference whose 95 % interval excludes 0.
std::string comparison_table(const Comparison& c);

// Every figure as JSON (results/README.md § "compare.json"); nothing machine-dependent.
std::string comparison_json(const Comparison& c);

}  // namespace spotsim
