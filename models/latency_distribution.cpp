#include "models/latency_distribution.hpp"

#include <algorithm>
#include <cmath>

namespace spotsim {

// ---- LatencyHistogram ----

LatencyHistogram::LatencyHistogram() : weights_(kBins, 0.0) {}

double LatencyHistogram::lower_edge(std::size_t bin) {
  if (bin == 0) return 0.0;
  if (bin == kBins - 1) return kHighest;
  return std::bit_cast<double>((bin - 1 + kFirstKey) << kDroppedBits);
}

std::optional<double> LatencyHistogram::quantile(double p) const {
  if (!(p > 0 && p < 1)) return std::nullopt;
  // The target comes from the bins' own sum, added in the same order as the walk below, so the walk
  // is sure to reach it.
  double sum = 0;
  for (double w : weights_) sum += w;
  if (!(sum > 0)) return std::nullopt;
  const double target = p * sum;
  double below = 0;
  for (std::size_t bin = 0; bin < kBins; ++bin) {
    const double w = weights_[bin];
    if (w <= 0) continue;
    if (below + w >= target) {
      const double lo = lower_edge(bin);
      const double hi = bin + 1 < kBins ? lower_edge(bin + 1) : max_;
      return std::clamp(lo + (hi - lo) * ((target - below) / w), min_, max_);
    }
    below += w;
  }
  return max_;
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
  for (std::size_t bin = 0; bin < kBins; ++bin) weights_[bin] += other.weights_[bin];
  total_ += other.total_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
}

}  // namespace spotsim
