#pragma once
// report.html (contract.md "Results folder"; issue 7): one self-contained page per results folder
// that opens offline — Debian's Chart.js, the page's script (tools/report.js) and styles
// (tools/report.css) are compiled into the program and inlined, and the figures travel as one JSON
// block. The page is built from the folder's files only, so `spotsim report DIR` rebuilds, byte for
// byte, the page `spotsim run` (or `sweep`, `merge`, `compare --report`) wrote.
#include <filesystem>
#include <string>

namespace spotsim {

enum class ReportKind { run, sweep, compare };

// What `dir` holds: a comparison (compare.json), a sweep (sweep.json + summary.json) or a run
// (summary.json + timeseries.csv). InputError naming the folder and what is missing otherwise.
ReportKind detect_report_kind(const std::filesystem::path& dir);

// The page for the folder. Bad or missing files: InputError naming the file and place.
std::string report_html(const std::filesystem::path& dir);

// Writes dir/report.html atomically and returns its path.
std::filesystem::path write_report(const std::filesystem::path& dir);

}  // namespace spotsim
