// The Chromium harness proves it can fail: small fixture pages, each with one fault, must each be
// caught. These are not AWS rules: they check the test tooling behind report.html (contract.md,
// "self-contained page with the charts (no network needed to view it)").
//
// Adding a report test (run, sweep, compare) on top of this harness, e.g. in tests/browser/test_report_run.cpp:
//
//   TEST_CASE("browser: the default scenario's run report draws every chart offline", "[browser]") {
//     spotsim::test_support::TempDir out;
//     // make the report: run SPOTSIM_BINARY (defined for this target) with `run --out <dir>`...
//     spotsim::browser::LoadOptions options;
//     options.screenshot = spotsim::browser::artifact_path("report-run.png");
//     const auto page = spotsim::browser::load_page(out.path() / "report.html", options);
//     spotsim::browser::check_report_page(page, {"latency-p99", "running-tasks", "cost"});
//     CHECK(page.load_ms > 0);                                                 // it loaded
//     CHECK(std::filesystem::file_size(out.path() / "report.html") < 5'000'000);  // for a 30-day run
//   }
//
// Any tests/browser/test_*.cpp joins spotsim_browser_tests (ctest label `browser`).
#include <chrono>
#include <fstream>
#include <string>

#include <catch2/catch.hpp>

#include "../temp_dir.hpp"
#include "check_report_page.hpp"
#include "chromium_page.hpp"

using namespace spotsim::browser;
using Catch::Matchers::Contains;
using spotsim::test_support::TempDir;

namespace {

// A page body between a fixed head and tail; `script` runs at the end of <body>.
std::string page(const std::string& body, const std::string& script) {
  return "<!doctype html><html><head><meta charset=\"utf-8\"><title>fixture</title></head><body>" + body +
         "<script>" + script + "</script></body></html>";
}

// What a finished report says of itself (see chromium_page.hpp).
const std::string ready_script =
    "window.spotsimReport = {ready: true, charts: [], errors: []};";

const std::string line_chart_script = R"(
  const points = [[20, 260], [180, 60], [340, 190], [500, 40], [580, 120]];
  const ctx = document.getElementById('chart').getContext('2d');
  ctx.fillStyle = '#f4f6f8';
  ctx.fillRect(0, 0, 600, 300);
  ctx.strokeStyle = '#c0392b';
  ctx.lineWidth = 4;
  ctx.beginPath();
  points.forEach(([x, y], i) => (i === 0 ? ctx.moveTo(x, y) : ctx.lineTo(x, y)));
  ctx.stroke();
  window.spotsimReport = {ready: true, charts: [{id: 'line', title: 'A line', drawn: true, points: points.length}], errors: []};
)";

bool has(const std::vector<std::string>& list, const std::string& part) {
  for (const auto& entry : list) {
    if (entry.find(part) != std::string::npos) return true;
  }
  return false;
}

std::string read_bytes(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// PNG: 8-byte signature, then the IHDR chunk whose data starts with the width (big-endian).
unsigned png_width(const std::string& png) {
  unsigned width = 0;
  for (int i = 16; i < 20; ++i) width = (width << 8) | static_cast<unsigned char>(png[static_cast<std::size_t>(i)]);
  return width;
}

}  // namespace

TEST_CASE("browser: a page that draws its chart and says it is ready passes, with a PNG screenshot", "[browser]") {
  TempDir dir;
  const auto html = dir.write("good.html", page("<h1>fixture</h1><canvas id=\"chart\" width=\"600\" height=\"300\"></canvas>",
                                                line_chart_script));
  LoadOptions options;
  options.screenshot = artifact_path("browser-selftest-good.png");
  std::filesystem::remove(options.screenshot);
  const PageReport report = load_page(html, options);

  check_report_page(report, {"line"});
  CHECK(report.spotsim_report["charts"][0]["points"] == 5);
  CHECK(report.load_ms > 0);
  CHECK(report.load_ms < 10'000);
  REQUIRE(std::filesystem::exists(options.screenshot));
  const std::string png = read_bytes(options.screenshot);
  CHECK(png.substr(0, 8) == std::string("\x89PNG\r\n\x1a\n", 8));
  CHECK(png.size() > 3'000);  // a blank 1400x1000 page compresses to a few hundred bytes
  CHECK(png_width(png) == 1400);
  // The same page, asked for a chart it does not have, fails.
  CHECK_THAT(report_page_problems(report, {"line", "cost"}).at(0), Contains("chart cost is missing"));
}

TEST_CASE("browser: an image from the network is reported as a request", "[browser]") {
  TempDir dir;
  const auto html = dir.write("img.html", page("<img src=\"http://127.0.0.1:9/x.png\">", ready_script));
  const PageReport report = load_page(html);
  CHECK(report.network_requests == std::vector<std::string>{"http://127.0.0.1:9/x.png"});
  CHECK(has(report_page_problems(report, {}), "network request: http://127.0.0.1:9/x.png"));
}

TEST_CASE("browser: a fetch is reported as a request", "[browser]") {
  TempDir dir;
  const auto html = dir.write("fetch.html", page("", "fetch('https://example.invalid/x').catch(() => {});" + ready_script));
  const PageReport report = load_page(html);
  CHECK(report.network_requests == std::vector<std::string>{"https://example.invalid/x"});
  CHECK_FALSE(report_page_problems(report, {}).empty());
}

TEST_CASE("browser: console errors and warnings are reported", "[browser]") {
  TempDir dir;
  const auto html = dir.write("console.html", page("", "console.error('x'); console.warn('careful', 2);" + ready_script));
  const PageReport report = load_page(html);
  CHECK(report.console_messages == std::vector<std::string>{"error: x", "warning: careful 2"});
  CHECK(has(report_page_problems(report, {}), "console error: x"));
}

TEST_CASE("browser: an uncaught exception is reported", "[browser]") {
  TempDir dir;
  const auto html = dir.write("throw.html", page("", ready_script + "throw new Error('boom');"));
  const PageReport report = load_page(html);
  REQUIRE(report.exceptions.size() == 1);
  CHECK_THAT(report.exceptions[0], Contains("boom"));
  CHECK(has(report_page_problems(report, {}), "exception: "));
}

TEST_CASE("browser: a page that never becomes ready fails after the bounded wait", "[browser]") {
  TempDir dir;
  const auto html = dir.write("never.html", page("", "window.spotsimReport = {ready: false, charts: [], errors: []};"));
  LoadOptions options;
  options.ready_timeout = std::chrono::seconds(2);
  const auto start = std::chrono::steady_clock::now();
  const PageReport report = load_page(html, options);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  CHECK_FALSE(report.ready);
  CHECK(has(report_page_problems(report, {}), "ready never became true"));
  CHECK(elapsed >= std::chrono::seconds(2));
  CHECK(elapsed < std::chrono::seconds(10));
}

TEST_CASE("browser: a page whose script never ends fails within the load bound", "[browser]") {
  TempDir dir;
  const auto html = dir.write("hang.html", page("", "while (true) {}"));
  LoadOptions options;
  options.load_timeout = std::chrono::seconds(2);
  const auto start = std::chrono::steady_clock::now();
  CHECK_THROWS_WITH(load_page(html, options), Contains("fired no load event within 2000 ms"));
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));
}

TEST_CASE("browser: errors the page caught, undrawn charts and charts without points fail the check", "[browser]") {
  PageReport report;  // no browser: report_page_problems alone
  report.ready = true;
  report.spotsim_report = nlohmann::json::parse(R"({"ready": true, "errors": ["no data for cost"], "charts": [
      {"id": "a", "drawn": true, "points": 3}, {"id": "b", "drawn": false, "points": 3},
      {"id": "c", "drawn": true, "points": 0}]})");
  CHECK(report_page_problems(report, {"a", "b", "c"}) ==
        std::vector<std::string>{"error caught by the page: no data for cost", "chart b was not drawn",
                                 "chart c plotted no points"});
}

TEST_CASE("browser: a missing chromium fails the test, never skips it", "[browser]") {
  TempDir dir;
  const auto html = dir.write("good.html", page("", ready_script));
  LoadOptions options;
  options.chromium = dir.path() / "no-chromium-here";
  CHECK_THROWS_AS(load_page(html, options), BrowserError);
}
