// report.html: the page skeleton and the dispatch on the folder's kind (tools/report.hpp).
#include "tools/report.hpp"

#include <cmath>
#include <cstdio>

#include "tools/check.hpp"  // xml_escape: also right for HTML text
#include "tools/input_error.hpp"
#include "tools/report_assets.hpp"
#include "tools/report_internal.hpp"
#include "tools/results_writer.hpp"
#include "tools/scenario.hpp"
#include "tools/text_input.hpp"

namespace spotsim {
namespace fs = std::filesystem;

namespace report {

double round_for_page(double v) {
  if (!std::isfinite(v) || v == 0) return v;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return std::strtod(buf, nullptr);
}

nlohmann::json read_json_file(const fs::path& file) {
  const std::string text = text_input::read_file_text(file, file.generic_string(), 512u << 20);
  return parse_json_text(text, file.generic_string());  // syntax errors placed, nesting bounded
}

std::string money(double usd) {
  char buf[48];
  std::snprintf(buf, sizeof buf, usd < 0 ? "-$%.2f" : "$%.2f", std::fabs(usd));
  return buf;
}

std::string fixed(double v, int decimals) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::vector<bool> pareto_front(const std::vector<std::pair<double, double>>& points) {
  std::vector<bool> front(points.size(), true);
  for (std::size_t i = 0; i < points.size(); ++i) {
    for (std::size_t j = 0; j < points.size() && front[i]; ++j) {
      const auto& a = points[j];
      const auto& b = points[i];
      if (a.first <= b.first && a.second <= b.second && (a.first < b.first || a.second < b.second)) front[i] = false;
    }
  }
  return front;
}

}  // namespace report

namespace {

// Text for inside <script> and HTML text: "</" cannot end the JSON block early, and the page's
// text cannot open a tag.
std::string script_safe(const std::string& json) {
  std::string out;
  out.reserve(json.size() + 64);
  for (std::size_t i = 0; i < json.size(); ++i) {
    if (json[i] == '<' && i + 1 < json.size() && (json[i + 1] == '/' || json[i + 1] == '!')) {
      out += "\\u003c";
    } else {
      out += json[i];
    }
  }
  return out;
}

std::string page(const nlohmann::json& data) {
  const std::string title = data.value("title", std::string("spotsim report"));
  const std::string subtitle = data.value("subtitle", std::string());
  std::string html;
  html.reserve(report_chartjs().size() + 1'000'000);
  html += "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  // The page may load nothing from anywhere: inline scripts and styles, data: images (Chart.js) only.
  html += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'unsafe-inline'; "
          "style-src 'unsafe-inline'; img-src data:\">\n";
  html += "<title>" + xml_escape(title) + "</title>\n<style>\n";
  html += report_styles();
  html += "</style>\n</head>\n<body>\n<header><h1>" + xml_escape(title) + "</h1><div class=\"sub\">" +
          xml_escape(subtitle) + "</div></header>\n<main id=\"app\"></main>\n";
  html += "<script type=\"application/json\" id=\"spotsim-data\">";
  html += script_safe(data.dump());
  html += "</script>\n<script>\n";
  html += report_chartjs();
  html += "\n</script>\n<script>\n";
  html += report_script();
  html += "</script>\n</body>\n</html>\n";
  return html;
}

bool is_file(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec);
}

}  // namespace

ReportKind detect_report_kind(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    throw InputError(dir.generic_string(), "", fs::exists(dir, ec) ? "not a folder: expected a results folder"
                                                                       : "no such folder");
  if (is_file(dir / "compare.json")) return ReportKind::compare;
  if (is_file(dir / "sweep.json") && is_file(dir / "summary.json")) return ReportKind::sweep;
  if (is_file(dir / "summary.json") && is_file(dir / "timeseries.csv")) return ReportKind::run;
  throw InputError(dir.generic_string(), "",
                   "not a results folder: expected summary.json and timeseries.csv (a run), sweep.json and "
                   "summary.json (a sweep) or compare.json (spotsim compare --report)");
}

std::string report_html(const fs::path& dir) {
  switch (detect_report_kind(dir)) {
    case ReportKind::run: return page(report::run_data(dir));
    case ReportKind::sweep: return page(report::sweep_data(dir));
    case ReportKind::compare: return page(report::compare_data(dir));
  }
  return {};
}

fs::path write_report(const fs::path& dir) {
  const std::string html = report_html(dir);
  write_file_atomically(dir / "report.html", html);
  return dir / "report.html";
}

}  // namespace spotsim
