// `spotsim check`'s reports (tools/check.hpp): the terminal lines, JUnit XML and Markdown.
//
// JUnit XML has no formal standard; this is the subset every CI system reads (the Ant/Maven
// Surefire shape that GitHub Actions' test reporters, GitLab's `artifacts:reports:junit` and
// Jenkins' junit step parse): <testsuites> with tests/failures counts, one <testsuite>, one
// <testcase name classname> per check, and <failure message type> inside a breached one.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "tools/check.hpp"

namespace spotsim {
namespace {

// The shortest of %.15g and %.17g that reads back as the same double, so a value just above its
// threshold never prints equal to it, and whole numbers print as such ("35", not "35.0"). NaN (null
// in summary.json) prints "null".
std::string exact_number(double v) {
  if (std::isnan(v)) return "null";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  if (std::strtod(buf, nullptr) != v) std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

const char* relation(const CheckOutcome& o) {
  const bool max = o.threshold.kind == Threshold::Kind::max;
  if (o.passed()) return max ? "<=" : ">=";
  return max ? ">" : "<";
}

std::string check_name(const CheckOutcome& o) {
  return o.threshold.figure + (o.threshold.kind == Threshold::Kind::max ? " <= " : " >= ") + exact_number(o.threshold.limit);
}

// "requests.drop_rate = 0.0023, above the maximum 0.001" or "… is null (undefined) …".
std::string breach_message(const CheckOutcome& o) {
  const bool max = o.threshold.kind == Threshold::Kind::max;
  std::string s = (o.point.empty() ? "" : o.point + ": ") + o.threshold.figure;
  if (std::isnan(o.value))
    return s + " is null (undefined in summary.json), so it cannot meet the " + (max ? "maximum " : "minimum ") +
           exact_number(o.threshold.limit);
  return s + " = " + exact_number(o.value) + ", " + (max ? "above the maximum " : "below the minimum ") + exact_number(o.threshold.limit);
}

std::string markdown_cell(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '|') out += "\\|";
    else if (c == '\n' || c == '\r') out += ' ';
    else out += c;
  }
  return out;
}

std::string title(const CheckReport& r) {
  return "spotsim check " + r.dir + (r.scenario.empty() ? "" : " (" + r.scenario + (r.sweep ? ", sweep)" : ")"));
}

}  // namespace

std::string xml_escape(std::string_view text) {
  std::string out;
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        // XML 1.0 allows tab, line feed and carriage return below 0x20, nothing else; in an
        // attribute those three would be normalised to spaces anyway, so they are escaped too.
        if (c == '\t') out += "&#9;";
        else if (c == '\n') out += "&#10;";
        else if (c == '\r') out += "&#13;";
        else if (c < 0x20 || c == 0x7f) out += '?';
        else out += ch;
    }
  }
  return out;
}

std::string check_lines(const CheckReport& r) {
  std::ostringstream out;
  for (const auto& o : r.outcomes) {
    out << (o.passed() ? "PASS " : "FAIL ") << (o.point.empty() ? "" : o.point + ": ") << o.threshold.figure << " = "
        << exact_number(o.value) << " " << relation(o) << " " << exact_number(o.threshold.limit) << " ("
        << (o.threshold.kind == Threshold::Kind::max ? "max" : "min") << ")\n";
  }
  const int failed = r.failures();
  if (failed == 0)
    out << "check: all " << r.outcomes.size() << " checks passed\n";
  else
    out << "check: " << failed << " of " << r.outcomes.size() << " checks failed\n";
  return out.str();
}

std::string junit_xml(const CheckReport& r) {
  const std::string suite = xml_escape(title(r));
  const std::string classname = xml_escape("spotsim.check" + (r.scenario.empty() ? "" : "." + r.scenario));
  std::ostringstream x;
  x << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  x << "<testsuites name=\"spotsim check\" tests=\"" << r.outcomes.size() << "\" failures=\"" << r.failures()
    << "\" errors=\"0\">\n";
  x << "  <testsuite name=\"" << suite << "\" tests=\"" << r.outcomes.size() << "\" failures=\"" << r.failures()
    << "\" errors=\"0\" skipped=\"0\">\n";
  for (const auto& o : r.outcomes) {
    const std::string name = xml_escape((o.point.empty() ? "" : o.point + ": ") + check_name(o));
    x << "    <testcase classname=\"" << classname << "\" name=\"" << name << "\"";
    if (o.passed()) {
      x << "/>\n";
      continue;
    }
    const std::string message = breach_message(o);
    x << ">\n      <failure message=\"" << xml_escape(message) << "\" type=\"threshold\">" << xml_escape(message)
      << "</failure>\n    </testcase>\n";
  }
  x << "  </testsuite>\n</testsuites>\n";
  return x.str();
}

std::string markdown_summary(const CheckReport& r) {
  const int failed = r.failures();
  std::ostringstream md;
  md << "### " << markdown_cell(title(r)) << ": "
     << (failed == 0 ? "all " + std::to_string(r.outcomes.size()) + " checks passed"
                     : std::to_string(failed) + " of " + std::to_string(r.outcomes.size()) + " checks failed")
     << "\n\n";
  md << "| result |" << (r.sweep ? " point |" : "") << " figure | value | threshold |\n";
  md << "|---|" << (r.sweep ? "---|" : "") << "---|---:|---|\n";
  for (const auto& o : r.outcomes) {
    md << "| " << (o.passed() ? "✅ PASS" : "❌ FAIL") << " |";
    if (r.sweep) md << " " << markdown_cell(o.point) << " |";
    md << " `" << markdown_cell(o.threshold.figure) << "` | " << exact_number(o.value) << " | "
       << (o.threshold.kind == Threshold::Kind::max ? "≤ " : "≥ ") << exact_number(o.threshold.limit) << " |\n";
  }
  md << "\n";
  return md.str();
}

}  // namespace spotsim
