#pragma once
// Runs f(0) … f(n − 1) on `jobs` threads (0: all cores), each index exactly once, taken in order
// from a shared counter, so long and short runs balance. Results must not depend on which thread
// ran what: callers write result k into slot k and assemble in index order, which keeps sweeps and
// compares byte-identical on any thread count. The first exception thrown by f stops the handing
// out of new indices and is rethrown in the caller once every thread has stopped.
#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace spotsim {

inline int default_jobs() { return std::max(1u, std::thread::hardware_concurrency()); }

template <class F>
void parallel_for(std::size_t n, int jobs, F&& f) {
  if (jobs <= 0) jobs = default_jobs();
  const std::size_t threads = std::min<std::size_t>(static_cast<std::size_t>(jobs), n);
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::exception_ptr error;
  std::mutex error_mutex;
  auto worker = [&] {
    for (;;) {
      if (failed.load(std::memory_order_relaxed)) return;
      const std::size_t k = next.fetch_add(1, std::memory_order_relaxed);
      if (k >= n) return;
      try {
        f(k);
      } catch (...) {
        const std::lock_guard<std::mutex> lock(error_mutex);
        if (!error) error = std::current_exception();
        failed = true;
        return;
      }
    }
  };
  if (threads <= 1) {
    worker();
  } else {
    std::vector<std::thread> pool;
    pool.reserve(threads);
    for (std::size_t t = 0; t < threads; ++t) pool.emplace_back(worker);
    for (auto& t : pool) t.join();
  }
  if (error) std::rethrow_exception(error);
}

}  // namespace spotsim
