#include "sim/random.hpp"

#include <cmath>
#include <numbers>

namespace spotsim {
namespace {

// SplitMix64 finaliser: spreads (seed, name, replication) over the whole state space.
std::uint64_t mix64(std::uint64_t z) {
  z += 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace

std::uint64_t stream_name_hash(std::string_view name) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (const char c : name) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}

RandomStream::RandomStream(std::uint64_t seed, std::string_view name, std::uint64_t replication)
    : rng_(mix64(mix64(seed) ^ mix64(replication + 0x5851f42d4c957f2dULL)),
           mix64(stream_name_hash(name))) {}
// pcg32's second argument selects one of 2^63 distinct streams: the name picks the stream, the
// seed and replication pick the starting point.

double RandomStream::uniform() {
  const std::uint64_t hi = rng_() >> 5;  // 27 bits
  const std::uint64_t lo = rng_() >> 6;  // 26 bits
  return static_cast<double>((hi << 26) | lo) * (1.0 / 9007199254740992.0);
}

std::uint32_t RandomStream::below(std::uint32_t n) {
  std::uint64_t m = std::uint64_t{rng_()} * n;
  auto low = static_cast<std::uint32_t>(m);
  if (low < n) {
    const std::uint32_t threshold = static_cast<std::uint32_t>(-n) % n;
    while (low < threshold) {
      m = std::uint64_t{rng_()} * n;
      low = static_cast<std::uint32_t>(m);
    }
  }
  return static_cast<std::uint32_t>(m >> 32);
}

double RandomStream::exponential(double rate) { return -std::log(uniform_pos()) / rate; }

double RandomStream::normal() {
  const double u1 = uniform_pos();
  const double u2 = uniform();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

}  // namespace spotsim
