#pragma once
// Randomness the project owns: every model draws from its own named pcg32 stream, derived from
// (master seed, stream name, replication). Streams are named, not assigned by first use, so adding a
// model or a draw in one model never shifts the numbers another model sees — the property that makes
// common random numbers work across the points of a sweep. The distributions are written here: the
// standard library's differ between implementations, and outputs must be byte-identical everywhere.
#include <cstdint>
#include <string_view>

#include <pcg_random.hpp>

namespace spotsim {

// 64-bit FNV-1a of a stream name; stable across platforms and releases.
std::uint64_t stream_name_hash(std::string_view name);

class RandomStream {
 public:
  RandomStream(std::uint64_t seed, std::string_view name, std::uint64_t replication);

  std::uint32_t next_u32() { return rng_(); }
  // Uniform on [0, 1) with 53 random bits.
  double uniform();
  // Uniform on (0, 1]: safe under log().
  double uniform_pos() { return 1.0 - uniform(); }
  // Uniform integer on [0, n) without modulo bias (Lemire's method). n must be > 0.
  std::uint32_t below(std::uint32_t n);
  // Exponential with the given rate (events per unit); rate must be > 0.
  double exponential(double rate);
  bool bernoulli(double p) { return uniform() < p; }
  // Standard normal (Box–Muller; the second value is discarded so draws stay one-per-call).
  double normal();

 private:
  pcg32 rng_;
};

}  // namespace spotsim
