// Running a sweep's runs on a thread pool, and the progress line.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <ostream>

#include "tools/parallel_for.hpp"
#include "tools/results_writer.hpp"
#include "tools/sweep.hpp"

namespace spotsim {

void run_sweep(const Sweep& sweep, const std::vector<std::size_t>& runs, int jobs, const SweepRunDone& done) {
  // Each point's scenario is loaded when its first run starts and released after its last: runs are
  // handed out in index order, so about `jobs` points are held at once, however large the grid.
  struct Point {
    std::mutex mutex;
    std::unique_ptr<const Scenario> scenario;
    std::size_t remaining = 0;  // runs of the point not started yet
  };
  std::vector<Point> points(sweep.header.points);
  for (const std::size_t run : runs) ++points[sweep.header.point_of(run)].remaining;

  parallel_for(runs.size(), jobs, [&](std::size_t k) {
    const std::size_t run = runs[k];
    Point& point = points[sweep.header.point_of(run)];
    Scenario scenario;
    {
      const std::lock_guard<std::mutex> lock(point.mutex);
      if (!point.scenario) point.scenario = std::make_unique<const Scenario>(sweep.load_point(sweep.header.point_of(run)));
      scenario = *point.scenario;
      if (--point.remaining == 0) point.scenario.reset();
    }
    scenario.world.replication = static_cast<std::uint64_t>(sweep.header.replication_of(run));
    World world(scenario.world);
    const RunResult result = world.run();
    done(run, summary_json(scenario, result));
  });
}

bool progress_wanted(bool forced) {
  if (forced) return true;
  const char* ci = std::getenv("CI");
  if (ci != nullptr && std::strcmp(ci, "true") == 0) return false;
  return ::isatty(STDERR_FILENO) == 1;
}

SweepProgress::SweepProgress(std::ostream& err, bool enabled, std::size_t total, std::size_t already_done)
    : err_(err), enabled_(enabled), total_(total), done_(already_done), started_with_(already_done),
      start_(std::chrono::steady_clock::now()), last_print_(start_) {}

namespace {

std::string clock_text(double seconds) {
  const long s = static_cast<long>(seconds + 0.5);
  char buf[32];
  if (s >= 3600)
    std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
  else
    std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
  return buf;
}
}  // namespace

void SweepProgress::run_done() {
  if (!enabled_) return;
  const std::lock_guard<std::mutex> lock(mutex_);
  ++done_;
  print(false);
}

void SweepProgress::finish() {
  if (!enabled_) return;
  const std::lock_guard<std::mutex> lock(mutex_);
  if (!printed_ || printed_done_ != done_) print(true);
  err_ << "\n" << std::flush;
}

void SweepProgress::print(bool force) {
  const auto now = std::chrono::steady_clock::now();
  if (!force && now - last_print_ < std::chrono::milliseconds(200) && done_ != total_) return;
  last_print_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double rate = elapsed > 0 ? static_cast<double>(done_ - started_with_) / elapsed : 0;
  char line[160];
  std::snprintf(line, sizeof line, "\r%zu/%zu runs, %.1f runs/s, ETA %s   ", done_, total_, rate,
                rate > 0 ? clock_text(static_cast<double>(total_ - done_) / rate).c_str() : "?");
  err_ << line << std::flush;
  printed_ = true;
  printed_done_ = done_;
}

}  // namespace spotsim
