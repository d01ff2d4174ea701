#pragma once
// The run's latency percentiles (summary.json requests.latency_ms p50/p95/p99), one accumulator per
// traffic mode (design.md "Traffic and dropped requests"):
//   LatencyHistogram  per-request mode: every served request's response time, in log-linear bins
//                     (HDR-histogram style) whose index is read straight off the double's bits.
//   LatencyMixture    fluid mode: each interval's served requests take `shift + T`, T an M/M/c
//                     response time (models/queueing.hpp). The run's p-quantile is that of the
//                     traffic-weighted mixture, solved for; averaging per-interval percentiles
//                     would not be a percentile of anything.
// Both merge, so per-service accumulators can be summed into the run's.
#include <bit>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

namespace spotsim {

class LatencyHistogram {
 public:
  // Bins: [0, 2^-20 s) first (below ~1 µs), then 2^9 = 512 equal bins per power of two from
  // 2^-20 s to 2^17 s (~36 h), then [2^17 s, ∞). A bin's width relative to its lower edge is
  // 2^-9 / (1 + m/512) ≤ 0.196 %, which bounds a quantile's error against the exact sample
  // quantile: both lie in the same bin. 18 946 doubles (148 KiB), allocated once.
  static constexpr int kSubBinBits = 9;
  static constexpr int kMinExponent = -20;
  static constexpr int kMaxExponent = 17;
  static constexpr std::size_t kBins =
      (static_cast<std::size_t>(kMaxExponent - kMinExponent) << kSubBinBits) + 2;

  LatencyHistogram();

  // `weight` served requests that took `seconds`. Negative times count as 0 (rounding, never a real
  // latency); a non-finite time, or a weight that is not finite and > 0, is ignored. No log, no
  // allocation: a shift and a subtraction on the double's bits find the bin.
  void add(double seconds, double weight = 1.0) {
    if (!(weight > 0 && weight < kInf && seconds > -kInf && seconds < kInf)) return;
    if (seconds < 0) seconds = 0;
    weights_[bin_of(seconds)] += weight;
    total_ += weight;
    if (seconds < min_) min_ = seconds;
    if (seconds > max_) max_ = seconds;
  }

  double total_weight() const { return total_; }
  // The p-quantile (0 < p < 1) in seconds: linear within its bin, kept within the smallest and
  // largest times added. nullopt when nothing was added or p is outside (0, 1).
  std::optional<double> quantile(double p) const;
  void merge(const LatencyHistogram& other);

 private:
  static constexpr double kInf = std::numeric_limits<double>::infinity();
  static constexpr double kLowest = 0x1p-20;  // 2^kMinExponent
  static constexpr double kHighest = 0x1p17;  // 2^kMaxExponent
  // IEEE-754 binary64: 52 mantissa bits under an 11-bit exponent biased by 1023. Dropping all but
  // the top kSubBinBits mantissa bits leaves (biased exponent, sub-bin) as one monotone integer.
  static constexpr int kDroppedBits = 52 - kSubBinBits;
  static constexpr std::uint64_t kFirstKey = static_cast<std::uint64_t>(1023 + kMinExponent)
                                             << kSubBinBits;

  static std::size_t bin_of(double seconds) {
    if (seconds < kLowest) return 0;
    if (seconds >= kHighest) return kBins - 1;
    return static_cast<std::size_t>((std::bit_cast<std::uint64_t>(seconds) >> kDroppedBits) -
                                    kFirstKey + 1);
  }
  static double lower_edge(std::size_t bin);

  std::vector<double> weights_;
  double total_ = 0;
  double min_ = kInf;
  double max_ = 0;
};

class LatencyMixture {
 public:
  // `weight` served requests whose response time is shift + T, T that of an M/M/c queue with c
  // slots serving mu requests/s each at utilisation rho = λ / (c mu). Quantised into buckets keyed
  // by (c, mu exactly, rho in bins of 1/256, shift in bins 2^-7 ≈ 0.8 % wide); a bucket keeps its
  // weight and weight-averaged rho and shift, its representative. rho is clamped to [0, 0.999]
  // (the traffic model passes a growing backlog's wait as shift instead) and a shift under 1 ms, or
  // negative, counts as 0. Ignored: weight not finite and > 0, c < 1, mu not finite and > 0, or a
  // non-finite rho or shift.
  void add(int c, double mu, double rho, double shift_seconds, double weight);

  double total_weight() const { return total_; }
  // The p-quantile (0 < p < 1) of the mixture in seconds: the t with Σ w_k P(shift_k + T_k > t)
  // = (1 − p) Σ w_k, by bisection between the smallest and largest of the buckets' own p-quantiles.
  // Buckets are visited in key order, so equal inputs give bit-identical answers. nullopt when
  // empty or p is outside (0, 1).
  std::optional<double> quantile(double p) const;
  void merge(const LatencyMixture& other);
  // Number of quantisation buckets (what quantile() iterates over).
  std::size_t bucket_count() const { return size_; }

 private:
  struct Key {
    int c = 1;
    std::uint32_t rho_bin = 0;
    std::uint32_t shift_bin = 0;  // 0: no shift; else the shift's exponent and top 7 mantissa bits
    double mu = 0;
    auto operator<=>(const Key&) const = default;
  };
  struct Bucket {
    double weight = 0;
    double weighted_rho = 0;    // Σ w rho
    double weighted_shift = 0;  // Σ w shift
  };
  struct Slot {
    Key key;
    Bucket bucket;
    bool used = false;
  };
  static std::size_t hash(const Key& key);
  // The bucket of `key`, created empty if new.
  Bucket& bucket(const Key& key);

  // Buckets in an open-addressing table (linear probing, power-of-two size, at most half full):
  // add() runs once per service per interval of the fluid model, and std::unordered_map's modulo
  // by a prime and node chase cost it ~4 % of BM_SeedMonth. Nothing reads the table's order
  // (quantile() sorts by key; merge() adds each key once).
  std::vector<Slot> slots_;
  std::size_t size_ = 0;
  double total_ = 0;
};

}  // namespace spotsim
