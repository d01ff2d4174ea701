#include "models/latency_distribution.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include "models/queueing.hpp"

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

// ---- LatencyMixture ----

namespace {

constexpr double kRhoBins = 256;
constexpr double kMaxRho = 0.999;
constexpr double kMinShift = 1e-3;
constexpr int kShiftDroppedBits = 52 - 7;  // keep the exponent and 7 mantissa bits: 2^-7 wide bins

// One bucket's representative, P(shift + T > t) with T's M/M/c tail from queueing.hpp. Erlang C is
// computed once here instead of on every evaluation as MmcQueue::response_tail does: O(c) per call
// times ~10^4 buckets times ~100 evaluations would dominate. The formula is MmcQueue's own
// (mmc_response_tail, tail_quantile in queueing.hpp).
struct Component {
  double weight, shift, mu, theta, waits;

  // As MmcQueue{λ = rho c mu, mu, c}; θ = c mu − λ, waits = Erlang C.
  Component(int slots, double rate, double rho, double shift_seconds, double w)
      : weight(w), shift(shift_seconds), mu(rate) {
    const double lambda = rho * slots * mu;
    theta = slots * mu - lambda;
    waits = erlang_c(slots, lambda / mu);
  }

  // P(T > t), the response time without the shift.
  double response_tail(double t) const { return mmc_response_tail(mu, theta, waits, t); }
  double tail(double t) const { return response_tail(t - shift); }
  // shift + T's p-quantile.
  double quantile(double p) const {
    return shift + tail_quantile([this](double t) { return response_tail(t); }, p, 1.0 / mu);
  }
};

// splitmix64's finaliser: spreads the key's bits over the hash.
std::uint64_t mix(std::uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace

std::size_t LatencyMixture::hash(const Key& key) {
  const std::uint64_t small =
      (static_cast<std::uint64_t>(static_cast<std::uint32_t>(key.c)) << 40) ^
      (static_cast<std::uint64_t>(key.rho_bin) << 32) ^ key.shift_bin;
  return static_cast<std::size_t>(mix(mix(std::bit_cast<std::uint64_t>(key.mu)) ^ small));
}

LatencyMixture::Bucket& LatencyMixture::bucket(const Key& key) {
  if (!slots_.empty()) {
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = hash(key) & mask; slots_[i].used; i = (i + 1) & mask)
      if (slots_[i].key == key) return slots_[i].bucket;
  }
  if (2 * (size_ + 1) > slots_.size()) {
    // A new key would make the table more than half full: double it and re-insert every bucket
    // (their order does not matter).
    std::vector<Slot> old(std::max<std::size_t>(64, 2 * slots_.size()));
    old.swap(slots_);
    const std::size_t mask = slots_.size() - 1;
    for (const Slot& from : old) {
      if (!from.used) continue;
      std::size_t i = hash(from.key) & mask;
      while (slots_[i].used) i = (i + 1) & mask;
      slots_[i] = from;
    }
  }
  const std::size_t mask = slots_.size() - 1;
  std::size_t i = hash(key) & mask;
  while (slots_[i].used) i = (i + 1) & mask;
  slots_[i].used = true;
  slots_[i].key = key;
  ++size_;
  return slots_[i].bucket;
}

void LatencyMixture::add(int c, double mu, double rho, double shift_seconds, double weight) {
  if (!(weight > 0 && std::isfinite(weight)) || c < 1 || !(mu > 0 && std::isfinite(mu)) ||
      !std::isfinite(rho) || !std::isfinite(shift_seconds))
    return;
  rho = std::clamp(rho, 0.0, kMaxRho);
  const double shift = shift_seconds >= kMinShift ? shift_seconds : 0.0;
  Key key;
  key.c = c;
  key.mu = mu;
  key.rho_bin = static_cast<std::uint32_t>(rho * kRhoBins);  // rho ≤ 0.999: bins 0..255
  key.shift_bin =
      shift > 0
          ? static_cast<std::uint32_t>(std::bit_cast<std::uint64_t>(shift) >> kShiftDroppedBits)
          : 0;
  Bucket& b = bucket(key);
  b.weight += weight;
  b.weighted_rho += weight * rho;
  b.weighted_shift += weight * shift;
  total_ += weight;
}

void LatencyMixture::merge(const LatencyMixture& other) {
  // Each key occurs once in `other`, so every bucket here gets at most one addition: the result
  // does not depend on `other`'s hash order.
  for (const Slot& slot : other.slots_) {
    if (!slot.used) continue;
    Bucket& b = bucket(slot.key);
    b.weight += slot.bucket.weight;
    b.weighted_rho += slot.bucket.weighted_rho;
    b.weighted_shift += slot.bucket.weighted_shift;
  }
  total_ += other.total_;
}

std::optional<double> LatencyMixture::quantile(double p) const {
  if (!(p > 0 && p < 1) || size_ == 0) return std::nullopt;
  // Key order, not hash order: the sums below then round the same way on every run.
  std::vector<std::pair<Key, Bucket>> sorted;
  sorted.reserve(size_);
  for (const Slot& slot : slots_)
    if (slot.used) sorted.emplace_back(slot.key, slot.bucket);
  std::sort(sorted.begin(), sorted.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<Component> components;
  components.reserve(sorted.size());
  double total = 0;
  for (const auto& [key, bucket] : sorted) {
    components.emplace_back(key.c, key.mu, bucket.weighted_rho / bucket.weight,
                            bucket.weighted_shift / bucket.weight, bucket.weight);
    total += bucket.weight;
  }

  // At the smallest component quantile every component's tail is still ≥ 1 − p, at the largest
  // every one is ≤ 1 − p: the mixture's quantile lies between.
  double lo = INFINITY, hi = 0;
  for (const Component& k : components) {
    const double q = k.quantile(p);
    lo = std::min(lo, q);
    hi = std::max(hi, q);
  }
  const double target = (1.0 - p) * total;
  for (int i = 0; i < 50 && hi - lo > 1e-6 * hi; ++i) {
    const double mid = 0.5 * (lo + hi);
    double above = 0;
    for (const Component& k : components) above += k.weight * k.tail(mid);
    (above > target ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

}  // namespace spotsim
