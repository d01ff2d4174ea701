#pragma once
// Catch2 side of the Chromium harness: the assertion every report test makes, and where its
// screenshots go (${CMAKE_BINARY_DIR}/test-artifacts/, kept after the run as CI artifacts).
#include <filesystem>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "chromium_page.hpp"

namespace spotsim::browser {

// Where a test keeps `name` (a screenshot) after the run.
inline std::filesystem::path artifact_path(const std::string& name) {
  return std::filesystem::path(SPOTSIM_TEST_ARTIFACT_DIR) / name;
}

// The page is a good report: ready, no network request, no console error or warning, no exception,
// no error logged by the browser or caught by the page, and every expected chart drawn with points.
inline void check_report_page(const PageReport& report, const std::vector<std::string>& expected_chart_ids) {
  const std::vector<std::string> problems = report_page_problems(report, expected_chart_ids);
  std::string listed;
  for (const auto& problem : problems) listed += "\n  " + problem;
  INFO("page " << report.url << " (screenshot " << report.screenshot.string() << ")" << listed);
  CHECK(problems.empty());
}

}  // namespace spotsim::browser
