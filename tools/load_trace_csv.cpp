// CSV load traces: a time column and a value column (load_trace.hpp, form "csv").
#include <algorithm>
#include <cmath>
#include <string>
#include <string_view>
#include <vector>

#include "tools/load_trace_internal.hpp"

namespace spotsim::load_trace_detail {
namespace {

constexpr double kEpochSecondsFrom = 1e8;  // "auto": numbers from here on are epoch seconds (1973-03-03)

using text_input::kMaxCsvColumns;
using text_input::split_csv_line;

std::string list_columns(const std::vector<std::string>& header) {
  std::string s;
  for (const auto& h : header) s += (s.empty() ? "" : ", ") + quote_value(h);
  return s;
}

// True when an ISO 8601 text names its offset from UTC ("Z", "+02:00", "-0400" after the time).
bool has_utc_offset(std::string_view s) {
  if (s.empty()) return false;
  if (s.back() == 'Z' || s.back() == 'z') return true;
  const auto sign = s.find_last_of("+-");
  return sign != std::string_view::npos && sign > 10;  // past "YYYY-MM-DD"
}

const char* format_name(TimeFormat f) {
  switch (f) {
    case TimeFormat::iso8601:
      return "an ISO 8601 date-time like \"1998-04-30 21:30:00\"";
    case TimeFormat::epoch_seconds:
      return "seconds since the Unix epoch";
    case TimeFormat::epoch_millis:
      return "milliseconds since the Unix epoch";
    case TimeFormat::relative:
      return "a relative time (a number of timeUnit)";
    case TimeFormat::automatic:
      break;
  }
  return "an ISO 8601 date-time like \"1998-04-30 21:30:00\", epoch seconds, or a relative number";
}

struct Row {
  std::int64_t time = 0;  // ms: epoch, or relative
  double value = 0;
  std::size_t line = 0;
};

class CsvTraceReader {
 public:
  CsvTraceReader(const std::string& display_name, const CsvOptions& options)
      : options_(options), problems_(display_name), format_(options.time_format) {}

  TraceData read(const std::string& text) {
    std::vector<std::string> fields;
    text_input::LineSplitter lines(text, text_input::Bom::skipped);
    std::string_view line;
    while (!problems_.full() && !stop_ && lines.next(line)) {
      const std::size_t line_number = lines.number();
      if (line.find_first_not_of(" \t") == std::string_view::npos) continue;  // blank lines carry nothing
      const std::string where = "line " + std::to_string(line_number);
      if (!split_csv_line(line, header_.empty() ? kMaxCsvColumns : header_.size(), fields)) {
        problems_.error(where, "unterminated quoted field");
        if (header_.empty()) break;
        continue;
      }
      if (header_.empty()) {
        header_line_ = line_number;
        header(fields, where);
        continue;
      }
      row(fields, line_number, where);
    }
    // An empty trace is reported at the line where the missing content should have started.
    if (!problems_.any()) {
      if (header_.empty())
        problems_.error("line 1", std::string("empty file: expected a header row naming the time and value "
                                              "columns, then one row per interval; found ") +
                                      (lines.number() == 0 ? "nothing" : "only blank lines"));
      else if (rows_.empty())
        problems_.error("line " + std::to_string(header_line_ + 1),
                        "no data rows after the header on line " + std::to_string(header_line_) +
                            ": expected one row per interval, found the end of the file; the trace is empty");
    }
    problems_.throw_if_any();
    return finish();
  }

 private:
  void header(std::vector<std::string>& fields, const std::string& where) {
    if (fields.size() > kMaxCsvColumns) {
      problems_.error(where, "more than " + std::to_string(kMaxCsvColumns) + " columns in the header");
      stop_ = true;
      return;
    }
    header_ = fields;
    const auto find = [&](const std::string& name, const char* key) -> std::optional<std::size_t> {
      const auto match = text_input::find_column(header_, name);
      if (!match.index) {
        problems_.error(where, "no column " + quote_value(name) + " (the \"" + key + "\" of " + options_.spec_where +
                                   "); the header has " + list_columns(header_));
        return std::nullopt;
      }
      if (match.repeated) {
        problems_.error(where, "column " + quote_value(name) + " appears twice in the header");
        return std::nullopt;
      }
      return match.index;
    };
    if (!options_.time_column && !options_.value_column && header_.size() == 2) {
      time_ = 0;
      value_ = 1;
    } else if (!options_.time_column || !options_.value_column) {
      problems_.error(where, "the header has " + std::to_string(header_.size()) + " columns (" + list_columns(header_) +
                                 "): name the time and value columns with \"time\" and \"value\" in " +
                                 options_.spec_where);
    } else {
      time_ = find(*options_.time_column, "time");
      value_ = find(*options_.value_column, "value");
    }
    if (!time_ || !value_) stop_ = true;
  }

  // Trace time of a time field (ms), or nullopt with the problem reported.
  std::optional<std::int64_t> parse_time(const std::string& text, const std::string& where) {
    if (format_ == TimeFormat::automatic) {
      // The first row decides; every row must then have the same form.
      if (parse_iso8601_ms(text)) {
        format_ = TimeFormat::iso8601;
      } else if (const auto x = parse_number(text); x && std::isfinite(*x)) {
        format_ = std::fabs(*x) >= kEpochSecondsFrom ? TimeFormat::epoch_seconds : TimeFormat::relative;
      } else {
        problems_.error(where, "cannot read time " + quote_value(text) + " in column " + quote_value(header_[*time_]) +
                                   "; expected " + format_name(TimeFormat::automatic));
        return std::nullopt;
      }
    }
    if (format_ == TimeFormat::relative && !unit_) {
      unit_ = options_.time_unit ? options_.time_unit : options_.per;
      if (!unit_) {
        problems_.error(where, "the times in column " + quote_value(header_[*time_]) +
                                   " are relative numbers: say what they count with \"timeUnit\" (\"1m\" for "
                                   "minute indexes) or \"per\" in " + options_.spec_where);
        stop_ = true;
        return std::nullopt;
      }
    }
    const auto bad = [&] {
      problems_.error(where, "cannot read time " + quote_value(text) + " in column " + quote_value(header_[*time_]) +
                                 "; expected " + format_name(format_) + " as in the first row");
      return std::nullopt;
    };
    if (format_ == TimeFormat::iso8601) {
      auto ms = parse_iso8601_ms(text);
      if (!ms) return bad();
      if (!has_utc_offset(text)) *ms -= options_.utc_offset_ms;
      return ms;
    }
    const auto x = parse_number(text);
    if (!x || !std::isfinite(*x)) return bad();
    const double unit_ms = format_ == TimeFormat::epoch_seconds  ? 1000.0
                           : format_ == TimeFormat::epoch_millis ? 1.0
                                                                 : static_cast<double>(*unit_);
    const double ms = std::round(*x * unit_ms);
    if (std::fabs(ms) > static_cast<double>(kMaxTraceMs)) {
      problems_.error(where, "time " + quote_value(text) + " is out of range");
      return std::nullopt;
    }
    return static_cast<std::int64_t>(ms);
  }

  void row(const std::vector<std::string>& fields, std::size_t line_number, const std::string& where) {
    if (fields.size() != header_.size()) {
      problems_.error(where, "expected " + std::to_string(header_.size()) + " fields as in the header, found " +
                                 (fields.size() > header_.size() ? "more" : std::to_string(fields.size())));
      return;
    }
    if (rows_.size() >= kMaxLoadSteps) {
      problems_.error(where, "more than " + std::to_string(kMaxLoadSteps) + " rows; refusing to read further");
      stop_ = true;
      return;
    }
    const std::string& time_text = fields[*time_];
    const std::string& value_text = fields[*value_];
    const auto time = parse_time(time_text, where);
    std::optional<double> value;
    const std::string column = quote_value(header_[*value_]);
    const std::string expected = options_.values_are_rates ? "; expected a rate >= 0 (requests per second)"
                                                           : "; expected a number of requests >= 0";
    if (value_text.empty()) {
      problems_.error(where, "empty value in column " + column + expected);
    } else if (const auto v = parse_number(value_text); !v) {
      problems_.error(where, "cannot read value " + quote_value(value_text) + " in column " + column +
                                 " as a number" + expected);
    } else if (!std::isfinite(*v)) {
      problems_.error(where, "value " + quote_value(value_text) + " in column " + column + " is not a finite number" +
                                 expected);
    } else if (*v < 0) {
      problems_.error(where, "negative value " + quote_value(value_text) + " in column " + column + expected);
    } else if (*v > kMaxTraceValue) {
      problems_.error(where, "value " + quote_value(value_text) + " in column " + column +
                                 " is larger than 1e12, the most a trace may hold" + expected);
    } else {
      value = *v;
    }
    if (!time) return;
    if (!order(*time, time_text, line_number, where)) return;
    if (value) rows_.push_back(Row{*time, *value, line_number});
  }

  // Rows run one way over the file (the first two distinct times set the direction); a repeated
  // time is an error. False when this row breaks the order.
  bool order(std::int64_t time, const std::string& text, std::size_t line_number, const std::string& where) {
    if (last_) {
      if (time == *last_) {
        problems_.error(where, "duplicate time " + quote_value(text) + " (also on line " + std::to_string(last_line_) +
                                   "); expected each interval once");
        return false;
      }
      const int step = time > *last_ ? 1 : -1;
      if (direction_ == 0) {
        direction_ = step;
        direction_set_by_ = "lines " + std::to_string(last_line_) + " and " + std::to_string(line_number);
      } else if (step != direction_) {
        problems_.error(where, "time " + quote_value(text) + (step < 0 ? " goes back after " : " goes forward after ") +
                                   quote_value(last_text_) + " on line " + std::to_string(last_line_) +
                                   "; expected times in order (" + (direction_ > 0 ? "oldest first" : "newest first") +
                                   ", as set by " + direction_set_by_ + ")");
        return false;
      }
    }
    last_ = time;
    last_text_ = text;
    last_line_ = line_number;
    return true;
  }

  TraceData finish() {
    if (direction_ < 0) std::reverse(rows_.begin(), rows_.end());
    TraceData d;
    d.absolute = format_ != TimeFormat::relative;
    d.values_are_rates = options_.values_are_rates;
    if (options_.per) {
      d.per = *options_.per;
    } else if (rows_.size() < 2) {
      problems_.error("line " + std::to_string(rows_.front().line),
                      "one row only: give the interval it counts with \"per\" in " + options_.spec_where);
    } else {
      d.per = rows_[1].time - rows_[0].time;
      for (std::size_t i = 2; i < rows_.size(); ++i) d.per = std::min(d.per, rows_[i].time - rows_[i - 1].time);
    }
    for (std::size_t i = 1; i < rows_.size() && d.per > 0; ++i) {
      const Row& a = rows_[i - 1];
      const Row& b = rows_[i];
      if (b.time - a.time < d.per)
        problems_.error("line " + std::to_string(std::max(a.line, b.line)),
                        "rows on lines " + std::to_string(std::min(a.line, b.line)) + " and " +
                            std::to_string(std::max(a.line, b.line)) + " are " + duration_text(b.time - a.time) +
                            " apart, closer than \"per\" (" + duration_text(d.per) +
                            "): each row counts the requests of one interval");
    }
    problems_.throw_if_any();
    d.intervals.reserve(rows_.size());
    for (const Row& r : rows_) d.intervals.push_back(TraceData::Interval{r.time, r.value});
    rows_ = {};
    return d;
  }

  const CsvOptions& options_;
  Problems problems_;
  TimeFormat format_;
  std::optional<SimTime> unit_;
  std::vector<std::string> header_;
  std::size_t header_line_ = 0;
  std::optional<std::size_t> time_, value_;
  std::vector<Row> rows_;
  bool stop_ = false;
  std::optional<std::int64_t> last_;
  std::string last_text_;
  std::size_t last_line_ = 0;
  int direction_ = 0;
  std::string direction_set_by_;
};

}  // namespace

TraceData read_csv_trace(const std::filesystem::path& file, const std::string& display_name,
                         const CsvOptions& options) {
  const std::string text = read_input_file(file, display_name);
  return CsvTraceReader(display_name, options).read(text);
}

}  // namespace spotsim::load_trace_detail
