#include "sim/prefault.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>
#include <utility>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23  // Linux 5.14 (older headers lack it; older kernels say EINVAL)
#endif

namespace spotsim::prefault {

namespace {

constexpr std::uintptr_t kPiece = std::uintptr_t{64} << 10;  // at most this much per madvise call
constexpr std::size_t kMaxQueued = 4096;                       // beyond this, requests are dropped

bool enabled_by_default() {
  const char* env = std::getenv("SPOTSIM_PREFAULT");
  if (env != nullptr && std::strcmp(env, "0") == 0) return false;
  return std::thread::hardware_concurrency() > 1;
}

std::atomic<bool>& enabled_flag() {
  static std::atomic<bool> on{enabled_by_default()};
  return on;
}

class Helper {
 public:
  static Helper& instance() {
    static Helper helper;
    return helper;
  }

  void push(std::uintptr_t begin, std::uintptr_t end) {
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      if (stop_ || queue_.size() >= kMaxQueued) return;
      if (!thread_.joinable()) thread_ = std::thread([this] { loop(); });
      queue_.emplace_back(begin, end);
    }
    wake_.notify_one();
  }

  void drain() {
    std::unique_lock<std::mutex> lock(mutex_);
    idle_.wait(lock, [&] { return queue_.empty() && !busy_; });
  }

  ~Helper() {
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    wake_.notify_one();
    if (thread_.joinable()) thread_.join();
  }

 private:
  Helper() = default;

  void loop() {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      wake_.wait(lock, [&] { return stop_ || !queue_.empty(); });
      if (stop_) return;
      busy_ = true;
      auto& [begin, end] = queue_.front();
      const std::uintptr_t from = begin, to = std::min(end, begin + kPiece);
      if (to == end)
        queue_.pop_front();
      else
        begin = to;
      lock.unlock();
      // Errors change nothing: the pages then fault when first touched, as without the helper.
      (void)madvise(reinterpret_cast<void*>(from), to - from, MADV_POPULATE_WRITE);
      lock.lock();
      busy_ = false;
      if (queue_.empty()) idle_.notify_all();
    }
  }

  std::mutex mutex_;
  std::condition_variable wake_, idle_;
  std::deque<std::pair<std::uintptr_t, std::uintptr_t>> queue_;
  bool stop_ = false;
  bool busy_ = false;  // a piece is being populated (outside the lock)
  std::thread thread_;
};

}  // namespace

bool enabled() { return enabled_flag().load(std::memory_order_relaxed); }
void set_enabled(bool on) { enabled_flag().store(on, std::memory_order_relaxed); }

void drain() { Helper::instance().drain(); }

void request(const void* p, std::size_t bytes) {
  if (p == nullptr || bytes == 0 || !enabled()) return;
  static const auto page = static_cast<std::uintptr_t>(sysconf(_SC_PAGESIZE));
  const auto at = reinterpret_cast<std::uintptr_t>(p);
  const std::uintptr_t begin = (at + page - 1) / page * page;
  const std::uintptr_t end = (at + bytes) / page * page;
  if (begin >= end) return;
  Helper::instance().push(begin, end);
}

}  // namespace spotsim::prefault
