// CloudWatch load traces: `aws cloudwatch get-metric-data` output (load_trace.hpp, form "cloudwatch"),
// read in one SAX pass that knows the JSON pointer of every value.
#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "tools/json_walker.hpp"
#include "tools/load_trace_internal.hpp"

namespace spotsim::load_trace_detail {
namespace {

using Json = nlohmann::json;

using text_input::document_end;
using text_input::JsonWalker;
using text_input::walk_json;
using text_input::document_label;
using text_input::escape_pointer_token;
using text_input::is_json_space;
using text_input::kMaxJsonDepth;
using text_input::LineCounter;
using text_input::skip_bom;
using text_input::syntax_message;

// Where a datapoint came from.
struct Origin {
  std::uint32_t document = 0;  // 0-based index of the JSON document in the file
  std::uint32_t line = 1;      // the line that document starts on
  std::int32_t page = -1;      // index in a top-level array of pages, -1 when the document is a page
  std::uint32_t result = 0;    // index in MetricDataResults
  std::uint32_t element = 0;   // index in Timestamps / Values
};

std::string point_where(const Origin& o, const char* array) {
  const std::string label = document_label(o.document, o.line);
  const std::string pointer = (o.page >= 0 ? "/" + std::to_string(o.page) : std::string()) + "/MetricDataResults/" +
                              std::to_string(o.result) + "/" + array + "/" + std::to_string(o.element);
  return label.empty() ? pointer : label + ": " + pointer;
}

struct Point {
  std::int64_t epoch_ms = 0;
  double value = 0;
  Origin origin;
};

// Python's json module (the AWS CLI's) writes NaN, Infinity and -Infinity for non-finite floats; JSON
// has no such numbers. When the parser stopped on one at or just after text[at]: where it starts and
// which it is.
std::optional<std::pair<std::size_t, std::string_view>> non_finite_token(const std::string& text, std::size_t at) {
  const std::string_view t(text);
  for (const std::string_view word : {"-Infinity", "-NaN", "Infinity", "NaN"})
    for (std::size_t back = 0; back <= 1 && back <= at; ++back)
      if (t.substr(at - back, word.size()) == word) return std::pair{at - back, word};
  return std::nullopt;
}

const char* const kExpectedPage =
    "expected aws cloudwatch get-metric-data output: an object with a \"MetricDataResults\" array, or an array "
    "of such pages";

class CloudWatchWalker final : public JsonWalker {
 public:
  explicit CloudWatchWalker(Problems& problems) : JsonWalker(problems), out_(problems) {}

  std::map<std::string, std::vector<Point>> by_id;
  std::size_t points = 0;

  void start_document(std::uint32_t document, std::uint32_t line) {
    JsonWalker::start_document(document_label(document, line));
    document_ = document;
    line_ = line;
    root_is_array_ = in_page_ = in_results_ = in_result_ = false;
  }

 private:
  struct Result {
    std::optional<std::string> id, status;
    std::vector<std::optional<std::int64_t>> timestamps;
    std::vector<std::optional<double>> values;
    bool saw_timestamps = false, saw_values = false, bad = false;
  };

  // Levels: the page object at pl(), MetricDataResults' array at pl() + 1, a result at pl() + 2, its
  // fields' values at depth pl() + 3, elements of Timestamps / Values at depth pl() + 4.
  std::size_t pl() const { return root_is_array_ ? 1 : 0; }
  bool at_results(std::size_t d) const { return in_page_ && d == pl() + 1 && is_key(pl(), "MetricDataResults"); }
  bool at_field(std::size_t d) const { return in_result_ && d == pl() + 3; }
  const std::string& field_name() const { return key_at(pl() + 2); }

  void on_open(bool array) override {
    const std::size_t d = depth();
    const char* const kind = array ? "an array" : "an object";
    if (d == 0) {
      root_is_array_ = array;
      if (!array) begin_page();
    } else if (root_is_array_ && d == 1) {
      if (array)
        error(std::string(kExpectedPage) + ", found an array");
      else
        begin_page();
    } else if (at_results(d)) {
      page_saw_results_ = true;
      if (array)
        in_results_ = true;
      else
        error("expected an array of metric results, found an object");
    } else if (in_results_ && d == pl() + 2) {
      if (array)
        error("expected a metric result (an object), found an array");
      else
        begin_result();
    } else if (at_field(d)) {
      const std::string& f = field_name();
      if (f == "Timestamps" || f == "Values") {
        if (!array) {
          error(std::string("expected an array of ") + (f == "Timestamps" ? "timestamps" : "numbers") +
                ", found an object");
          result_.bad = true;
        }
        (f == "Timestamps" ? result_.saw_timestamps : result_.saw_values) = true;
      } else if (f == "Id" || f == "StatusCode") {
        error(std::string("expected a string, found ") + kind);
        result_.bad = true;
      }
    } else if (in_result_ && d == pl() + 4 && is_array(pl() + 3) &&
               (is_key(pl() + 2, "Timestamps") || is_key(pl() + 2, "Values"))) {
      error(std::string("expected a ") + (is_key(pl() + 2, "Timestamps") ? "timestamp" : "number") + ", found " +
            kind);
      element_failed();
    }
  }

  void on_close() override {
    const std::size_t d = depth();
    if (in_result_ && d == pl() + 2)
      end_result();
    else if (in_results_ && d == pl() + 1)
      in_results_ = false;
    else if (in_page_ && d == pl())
      end_page();
  }

  void on_scalar(const Json& v) override {
    const std::size_t d = depth();
    if (d == 0 || (root_is_array_ && d == 1)) {
      error(std::string(kExpectedPage) + ", found " + json_text(v));
    } else if (at_results(d)) {
      page_saw_results_ = true;
      error("expected an array of metric results, found " + json_text(v));
    } else if (in_results_ && d == pl() + 2) {
      error("expected a metric result (an object), found " + json_text(v));
    } else if (at_field(d)) {
      field(v);
    } else if (in_result_ && d == pl() + 4 && is_array(pl() + 3)) {
      if (is_key(pl() + 2, "Timestamps"))
        timestamp(v);
      else if (is_key(pl() + 2, "Values"))
        value(v);
    }
  }

  void field(const Json& v) {
    const std::string& f = field_name();
    if (f == "Id" || f == "StatusCode") {
      if (!v.is_string()) {
        error("expected a string, found " + json_text(v));
        result_.bad = true;
        return;
      }
      (f == "Id" ? result_.id : result_.status) = v.get<std::string>();
      if (f == "StatusCode") {
        const auto& s = *result_.status;
        if (s == "InternalError" || s == "Forbidden") {
          error("the query failed (StatusCode " + quote_value(s) + "): these values are not the metric; run the query "
                "again");
          result_.bad = true;
        } else if (s != "Complete" && s != "PartialData") {
          error("unknown StatusCode " + quote_value(s) + "; expected \"Complete\" or \"PartialData\"");
          result_.bad = true;
        }
      }
    } else if (f == "Timestamps" || f == "Values") {
      error(std::string("expected an array of ") + (f == "Timestamps" ? "timestamps" : "numbers") + ", found " +
            json_text(v));
      result_.bad = true;
      (f == "Timestamps" ? result_.saw_timestamps : result_.saw_values) = true;
    }
  }

  bool room() {
    if (points + std::max(result_.timestamps.size(), result_.values.size()) < kMaxLoadSteps) return true;
    stop("more than " + std::to_string(kMaxLoadSteps) + " datapoints; refusing to read further");
    return false;
  }
  void element_failed() {
    result_.bad = true;
    if (is_key(pl() + 2, "Timestamps"))
      result_.timestamps.emplace_back();
    else
      result_.values.emplace_back();
  }
  void timestamp(const Json& v) {
    if (!room()) return;
    std::optional<std::int64_t> ms;
    if (v.is_string()) ms = parse_iso8601_ms(v.get_ref<const std::string&>());
    if (ms && std::llabs(*ms) > kMaxTraceMs) ms.reset();
    if (!ms) {
      error("expected an ISO 8601 timestamp like \"2024-02-05T10:05:00+00:00\", found " + json_text(v));
      result_.bad = true;
    }
    result_.timestamps.push_back(ms);
  }
  void value(const Json& v) {
    if (!room()) return;
    std::optional<double> x;
    if (v.is_number()) {
      x = v.get<double>();
      if (!std::isfinite(*x) || *x < 0 || *x > kMaxTraceValue) {
        error(std::string(*x > kMaxTraceValue ? "expected a request count of at most 1e12" : "expected a request count >= 0") +
              " (RequestCount Sum), found " + json_text(v));
        x.reset();
      }
    } else {
      error("expected a number (RequestCount Sum), found " + json_text(v));
    }
    if (!x) result_.bad = true;
    result_.values.push_back(x);
  }

  void begin_page() {
    in_page_ = true;
    page_saw_results_ = false;
  }
  void end_page() {
    in_page_ = false;
    if (!page_saw_results_) error("missing \"MetricDataResults\"; " + std::string(kExpectedPage));
  }
  void begin_result() {
    in_result_ = true;
    result_ = Result{};
  }
  void end_result() {
    in_result_ = false;
    if (!result_.id) {
      error("missing \"Id\"");
      return;
    }
    if (!result_.saw_timestamps || !result_.saw_values) {
      error(std::string("missing \"") + (result_.saw_timestamps ? "Values" : "Timestamps") + "\"");
      return;
    }
    if (result_.bad) return;
    if (result_.timestamps.size() != result_.values.size()) {
      error("\"Timestamps\" has " + std::to_string(result_.timestamps.size()) + " entries but \"Values\" has " +
            std::to_string(result_.values.size()) + "; they must pair up");
      return;
    }
    const Origin base{document_, line_, root_is_array_ ? static_cast<std::int32_t>(index_at(0)) : -1,
                      static_cast<std::uint32_t>(index_at(pl() + 1)), 0};
    if (!in_order(base)) return;
    auto& list = by_id[*result_.id];
    for (std::size_t i = 0; i < result_.timestamps.size(); ++i) {
      Origin o = base;
      o.element = static_cast<std::uint32_t>(i);
      list.push_back(Point{*result_.timestamps[i], *result_.values[i], o});
    }
    points += result_.timestamps.size();
    result_ = Result{};
  }

  // One result's Timestamps run one way, each once: AWS prints them newest first (ScanBy
  // TimestampDescending, the default) or oldest first (TimestampAscending), never mixed or repeated.
  // A disorder or a repeat inside one array means the file was edited or put together wrongly, so it
  // is an error at the element; pages may overlap each other (see read_cloudwatch_trace).
  bool in_order(const Origin& base) {
    const auto& ts = result_.timestamps;
    int direction = 0;
    std::size_t set_by = 0;  // the element whose step from the one before set the direction
    bool ok = true;
    for (std::size_t i = 1; i < ts.size(); ++i) {
      Origin here = base, before = base;
      here.element = static_cast<std::uint32_t>(i);
      before.element = static_cast<std::uint32_t>(i - 1);
      const std::int64_t a = *ts[i - 1], b = *ts[i];
      if (a == b) {
        out_.error(point_where(here, "Timestamps"),
                        "duplicate timestamp " + format_instant(b) + " (also at " + point_where(before, "Timestamps") +
                            "); expected each period once in a metric result");
        ok = false;
        continue;
      }
      const int step = b > a ? 1 : -1;
      if (direction == 0) {
        direction = step;
        set_by = i;
      } else if (step != direction) {
        Origin first = base;
        first.element = static_cast<std::uint32_t>(set_by);
        out_.error(point_where(here, "Timestamps"),
                        "timestamp " + format_instant(b) + (step > 0 ? " is later than " : " is earlier than ") +
                            format_instant(a) + " at " + point_where(before, "Timestamps") +
                            "; expected one order throughout a result (AWS prints newest first, or oldest first "
                            "with --scan-by TimestampAscending): here " +
                            (direction < 0 ? "newest first" : "oldest first") + ", as set at " +
                            point_where(first, "Timestamps"));
        ok = false;
      }
    }
    return ok;
  }

  Problems& out_;  // the base class keeps its own reference private
  std::uint32_t document_ = 0, line_ = 1;
  bool root_is_array_ = false, in_page_ = false, in_results_ = false, in_result_ = false;
  bool page_saw_results_ = false;
  Result result_;
};

}  // namespace

TraceData read_cloudwatch_trace(const std::filesystem::path& file, const std::string& display_name,
                                const CloudWatchOptions& options) {
  const std::string text = read_input_file(file, display_name);
  Problems problems(display_name);
  CloudWatchWalker walker(problems);
  LineCounter lines(text);
  // Pages are JSON documents back to back (a shell loop over --next-token), each one page or an array.
  std::uint32_t documents = 0;
  std::size_t pos = skip_bom(text);
  for (;;) {
    while (pos < text.size() && is_json_space(text[pos])) ++pos;
    if (pos >= text.size() || problems.full()) break;
    if (text[pos] != '{' && text[pos] != '[') {
      problems.error(lines.line_column(pos),
                     std::string("invalid JSON: expected '{' or '[' to start a document, found '") + text[pos] + "'");
      break;
    }
    const std::size_t end = document_end(text, pos);
    walker.start_document(documents++, static_cast<std::uint32_t>(lines.line(pos)));
    // Syntax errors are reported here, not by walk_json, to explain NaN and Infinity.
    Problems syntax(display_name);
    if (!walk_json(text, pos, end, walker, lines, syntax)) {  // what follows cannot be trusted
      if (const auto& e = walker.syntax_error()) {
        const std::size_t at = pos + (e->first > 0 ? e->first - 1 : 0);
        const auto token = non_finite_token(text, at);
        problems.error(lines.line_column(token ? token->first : at),
                       token ? "invalid JSON: " + std::string(token->second) +
                                   " is not a JSON number (a missing or non-finite value written by a "
                                   "program); expected a request count >= 0 (RequestCount Sum)"
                             : syntax_message(e->second));
      }
      break;
    }
    pos = end;
  }
  if (documents == 0 && !problems.any())
    problems.error("line 1", "empty file: expected the JSON output of aws cloudwatch get-metric-data, found " +
                                 std::string(text.size() > skip_bom(text) ? "only whitespace" : "nothing"));
  problems.throw_if_any();

  // The metric: the one Id in the file, or the one asked for.
  std::string ids;
  for (const auto& [id, list] : walker.by_id) ids += (ids.empty() ? "" : ", ") + quote_value(id);
  std::vector<Point>* chosen = nullptr;
  if (options.id) {
    const auto it = walker.by_id.find(*options.id);
    if (it == walker.by_id.end())
      problems.error("", "no metric result with Id " + quote_value(*options.id) + "; the file has " +
                             (ids.empty() ? std::string("none") : ids));
    else
      chosen = &it->second;
  } else if (walker.by_id.size() > 1) {
    problems.error("", "several metrics in one file (Ids " + ids + "): choose one with \"id\"");
  } else if (!walker.by_id.empty()) {
    chosen = &walker.by_id.begin()->second;
  }
  if (!problems.any() && (chosen == nullptr || chosen->empty()))
    problems.error("", "no datapoints: the metric has no values in the queried period");
  problems.throw_if_any();

  // Oldest first (AWS prints newest first). Overlapping pages repeat a point: once is kept.
  std::vector<Point>& points = *chosen;
  std::stable_sort(points.begin(), points.end(), [](const Point& a, const Point& b) { return a.epoch_ms < b.epoch_ms; });
  std::vector<Point> kept;
  kept.reserve(points.size());
  for (const Point& p : points) {
    if (!kept.empty() && kept.back().epoch_ms == p.epoch_ms) {
      if (kept.back().value != p.value)
        problems.error(point_where(p.origin, "Values"),
                       "timestamp " + format_instant(p.epoch_ms) + " appears twice with different values: " +
                           format_number(p.value) + " here, " + format_number(kept.back().value) + " at " +
                           point_where(kept.back().origin, "Values"));
      continue;
    }
    kept.push_back(p);
  }
  points = {};
  TraceData d;
  d.absolute = true;
  if (options.period) {
    d.per = *options.period;
  } else if (kept.size() < 2) {
    problems.error("", "one datapoint only: give the metric's period with \"period\" (\"1m\", \"5m\", 300)");
  } else {
    d.per = kept[1].epoch_ms - kept[0].epoch_ms;
    for (std::size_t i = 2; i < kept.size(); ++i) d.per = std::min(d.per, kept[i].epoch_ms - kept[i - 1].epoch_ms);
  }
  for (std::size_t i = 1; i < kept.size() && d.per > 0; ++i)
    if (kept[i].epoch_ms - kept[i - 1].epoch_ms < d.per)
      problems.error(point_where(kept[i].origin, "Timestamps"),
                     "timestamps " + format_instant(kept[i - 1].epoch_ms) + " and " + format_instant(kept[i].epoch_ms) +
                         " are " + duration_text(kept[i].epoch_ms - kept[i - 1].epoch_ms) +
                         " apart, closer than the period (" + duration_text(d.per) + ")");
  problems.throw_if_any();
  d.intervals.reserve(kept.size());
  for (const Point& p : kept) d.intervals.push_back(TraceData::Interval{p.epoch_ms, p.value});
  return d;
}

}  // namespace spotsim::load_trace_detail
