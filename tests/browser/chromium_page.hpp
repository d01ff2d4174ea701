#pragma once
// Loads one HTML file in headless Chromium (Debian's `chromium`) and reports what a person opening
// it would have met: what it fetched, what it logged, what it threw, how long it took to load, what
// it drew (a full-page PNG), and what the page says about its own charts.
//
// The page contract every spotsim report (run, sweep, compare) follows, set by the page's own
// script once every chart has rendered:
//
//   window.spotsimReport = {
//     ready: true,                 // set last, after every chart below has been drawn
//     charts: [ { id: "latency-p99", title: "p99 latency", drawn: true, points: 1440 }, ... ],
//     errors: [ "..." ]            // every error the page caught itself (empty when all went well)
//   };
//
// `id` is the chart's stable name (tests list the ids they expect), `drawn` is true once its canvas
// was painted, `points` counts the data points it plotted. A report is self-contained: it must open
// offline, so any request other than its own file (and data:/blob: URLs it made itself) is a fault.
//
// Mechanism: a Chrome DevTools Protocol client over a WebSocket (Boost.Beast). load_page() starts
// `chromium --headless --no-sandbox --disable-gpu --disable-background-networking` in its own process
// group with a fresh profile in a temp dir, waits for the page's load event and then for
// spotsimReport.ready, and always kills the browser (SIGKILL to the group) and removes the temp dir.
// Every wait is bounded: a broken page or a hung browser throws BrowserError, never hangs.
#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace spotsim::browser {

// The browser could not be started, driven or did not answer in time (not a verdict on the page,
// except for a page that never fires its load event, which is one).
class BrowserError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct LoadOptions {
  std::filesystem::path chromium = "/usr/bin/chromium";
  int window_width = 1400;
  int window_height = 1000;
  // Bounds: the browser publishing its DevTools port, the page's load event, and then
  // window.spotsimReport.ready === true (polled). One DevTools command answers within command_timeout.
  std::chrono::milliseconds launch_timeout{15'000};
  std::chrono::milliseconds load_timeout{30'000};
  std::chrono::milliseconds ready_timeout{30'000};
  std::chrono::milliseconds command_timeout{10'000};
  // Where the full-page PNG goes (folders created); empty: no screenshot.
  std::filesystem::path screenshot;
};

struct PageReport {
  std::string url;  // the file:// URL that was opened
  // Every request the page made except its own file and data:/blob: URLs: a self-contained report
  // makes none. (They are blocked, so nothing leaves the machine, but still listed here.)
  std::vector<std::string> network_requests;
  std::vector<std::string> console_messages;  // console.error/assert/warn, as "error: text"
  std::vector<std::string> exceptions;        // uncaught exceptions and unhandled rejections
  std::vector<std::string> log_errors;        // the browser's own log, level error (failed loads...)
  bool ready = false;                         // spotsimReport.ready === true within ready_timeout
  double load_ms = 0;                         // navigation start to the end of the load event
  nlohmann::json spotsim_report;              // window.spotsimReport as JSON (null when unset)
  std::filesystem::path screenshot;           // the PNG written, empty when none was asked for
};

// Opens `html` (made absolute) in a fresh headless Chromium. Throws BrowserError when the browser
// is missing, fails to start, or the page does not fire its load event within load_timeout; a page
// that never becomes ready is reported (ready == false), with everything else still collected.
PageReport load_page(const std::filesystem::path& html, const LoadOptions& options = {});

// What is wrong with a loaded report page, one sentence each (empty: nothing): not ready, any
// network request, console error or warning, exception, browser-logged error, error the page caught
// itself, or an expected chart missing, not drawn or with no points.
std::vector<std::string> report_page_problems(const PageReport& report,
                                              const std::vector<std::string>& expected_chart_ids);

}  // namespace spotsim::browser
