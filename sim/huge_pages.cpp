#include "sim/huge_pages.hpp"

#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>

#include "sim/prefault.hpp"

namespace spotsim::huge_pages {

namespace {

constexpr std::uintptr_t kHugePage = std::uintptr_t{2} << 20;
constexpr int kMmapThreshold = 32 << 20;   // glibc's largest (HEAP_MAX_SIZE / 2 on 64-bit)
constexpr int kTopPad = 32 << 20;          // each growth of the heap: what it needs and this much more
constexpr int kTrimThreshold = 256 << 20;  // free memory kept at the heap's top before giving it back

std::atomic<bool> on{false};
std::atomic<std::uintptr_t> seen{0};  // the heap's end at the last look

std::uintptr_t heap_end() { return reinterpret_cast<std::uintptr_t>(sbrk(0)); }

// Transparent huge pages on request: the kernel's setting is `always` or `madvise`.
bool kernel_allows() {
  std::ifstream in("/sys/kernel/mm/transparent_hugepage/enabled");
  std::string modes;
  if (!std::getline(in, modes)) return false;
  return modes.find("[always]") != std::string::npos || modes.find("[madvise]") != std::string::npos;
}

}  // namespace

bool enable() {
  if (on.load()) return true;
  const char* env = std::getenv("SPOTSIM_HUGE_PAGES");
  if (env != nullptr && std::strcmp(env, "0") == 0) return false;
  if (!prefault::enabled() || !kernel_allows()) return false;
  if (mallopt(M_MMAP_THRESHOLD, kMmapThreshold) == 0 || mallopt(M_TOP_PAD, kTopPad) == 0 ||
      mallopt(M_TRIM_THRESHOLD, kTrimThreshold) == 0)
    return false;
  seen.store((heap_end() + kHugePage - 1) / kHugePage * kHugePage);  // the heap so far stays as it is
  on.store(true);
  return true;
}

bool enabled() { return on.load(std::memory_order_relaxed); }

void grew() {
  if (!on.load(std::memory_order_relaxed)) return;
  const std::uintptr_t end = heap_end();
  std::uintptr_t before = seen.load(std::memory_order_relaxed);  // a huge page boundary
  if (end >= before && end - before < kHugePage) return;  // not a whole huge page more
  // Whole huge pages only: the block the heap's end falls in waits for the next growth.
  const std::uintptr_t to = end / kHugePage * kHugePage;
  // Several threads may look (sweeps run worlds side by side): one of them hands a growth over.
  if (!seen.compare_exchange_strong(before, to, std::memory_order_relaxed)) return;
  if (to <= before) return;  // malloc gave memory back: the next growth starts from there
  // Errors change nothing: the pages then stay small, as without this.
  (void)madvise(reinterpret_cast<void*>(before), to - before, MADV_HUGEPAGE);
  prefault::request(reinterpret_cast<const void*>(before), to - before);
}

}  // namespace spotsim::huge_pages
