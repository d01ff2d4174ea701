// The `requests` spec of workload.traffic[] (load_trace.hpp): forms, alignment, scale and loop, the
// synthetic and constant forms, and the helpers the file readers share.
#include "tools/load_trace.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <utility>

#include "sim/random.hpp"
#include "tools/load_trace_internal.hpp"
#include "tools/text_input.hpp"
#include "tools/trace_readers.hpp"  // kMaxTraceFileBytes

namespace spotsim {
namespace load_trace_detail {

// ---------------------------------------------------------------------------------------------
// Shared helpers

std::string read_input_file(const std::filesystem::path& file, const std::string& display_name) {
  std::string text = text_input::read_file_text(file, display_name, kMaxTraceFileBytes);
  if (is_gzip(text)) return gunzip(text, display_name, static_cast<std::size_t>(kMaxTraceFileBytes));
  return text;
}

std::string duration_text(SimTime ms) {
  if (ms == 0) return "0s";
  std::string s = ms < 0 ? "-" : "";
  // |ms| without overflow for INT64_MIN.
  std::uint64_t left = ms < 0 ? std::uint64_t{0} - static_cast<std::uint64_t>(ms) : static_cast<std::uint64_t>(ms);
  for (const auto& [unit, size] : {std::pair{"d", 86'400'000ULL}, std::pair{"h", 3'600'000ULL}, std::pair{"m", 60'000ULL},
                                   std::pair{"s", 1'000ULL}, std::pair{"ms", 1ULL}}) {
    if (left >= size) {
      s += std::to_string(left / size) + unit;
      left %= size;
    }
  }
  return s;
}

InputError SpecPlace::error(const std::string& key, const std::string& message) const {
  return InputError(file, key.empty() ? pointer : pointer + "/" + key, message);
}

// ---------------------------------------------------------------------------------------------
// File traces -> profile

namespace {


std::string with_commas(std::size_t n) {
  const std::string digits = std::to_string(n);
  std::string s;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) s += ',';
    s += digits[i];
  }
  return s;
}

// Receives the change points of the profile in time order and keeps those in [0, limit): the value
// in force at 0 becomes a step at 0.
class ClippedSink {
 public:
  ClippedSink(SimTime limit, const SpecPlace& place, const std::string& source)
      : limit_(limit), place_(place), source_(source) {}
  // False once at or past the limit (the caller stops).
  bool emit(SimTime at, double value) {
    if (at <= 0) {
      at_zero_ = value;
      return true;
    }
    if (at >= limit_) return false;
    if (!started_) start();
    out_.add(at, value);
    if (out_.size() > kMaxLoadSteps) throw too_many();
    return true;
  }
  StepFunction finish() {
    if (!started_) start();
    return std::move(out_);
  }
  InputError too_many() const {
    return place_.error("", "the load profile of " + source_ + " would need more than " +
                                with_commas(kMaxLoadSteps) +
                                " steps over the simulated duration; use a coarser interval or a shorter duration");
  }

 private:
  void start() {
    started_ = true;
    out_.add(0, at_zero_);
  }
  SimTime limit_;
  const SpecPlace& place_;
  const std::string& source_;
  StepFunction out_;
  double at_zero_ = 0;
  bool started_ = false;
};

}  // namespace

LoadTrace build_profile(const TraceData& data, const Alignment& align, std::int64_t start_epoch_ms,
                        SimTime duration, double scale, bool loop, const SpecPlace& place, const std::string& source) {
  LoadTrace trace;
  trace.source = source;
  const auto& iv = data.intervals;
  if (iv.empty() || data.per <= 0) throw place.error("", "internal: empty trace");  // readers refuse these
  if (align.absolute && !data.absolute)
    throw place.error("align", "\"absolute\" needs real timestamps (ISO 8601 or epoch seconds), but the trace's "
                               "times are relative; use \"align\": \"first\"");
  const std::int64_t t0 = iv.front().start;
  const std::int64_t t1 = iv.back().start + data.per;
  const SimTime period = t1 - t0;
  trace.period = period;
  // Simulated time 0 is trace time `anchor`.
  const std::int64_t anchor = (align.absolute ? start_epoch_ms : t0) + align.offset;
  const double to_rate = data.values_are_rates ? scale : scale / to_seconds(data.per);

  // One pass as change points at offsets from t0, in [0, period): each interval's rate, and zero
  // after an interval that the next does not follow directly. Repeats are merged.
  std::vector<std::pair<SimTime, double>> pass;
  const auto push = [&](SimTime at, double v) {
    if (!pass.empty() && pass.back().second == v) return;
    pass.emplace_back(at, v);
  };
  for (std::size_t i = 0; i < iv.size(); ++i) {
    push(iv[i].start - t0, iv[i].value * to_rate);
    const SimTime end = iv[i].start + data.per;
    if (i + 1 < iv.size() && iv[i + 1].start > end) push(end - t0, 0.0);
  }

  const SimTime origin0 = t0 - anchor;  // simulated time of the first pass's start
  SimTime limit = duration;
  if (limit <= 0) limit = loop ? std::max<SimTime>(period, 1) : std::max<SimTime>(origin0 + period, 1);

  ClippedSink sink(limit, place, trace.source);
  if (!loop) {
    bool going = true;
    for (const auto& [at, v] : pass)
      if (!(going = sink.emit(origin0 + at, v))) break;
    if (going) sink.emit(origin0 + period, 0.0);  // no data after the trace: no requests
  } else if (pass.size() == 1) {
    sink.emit(0, pass.front().second);  // one rate throughout: constant
  } else {
    // Passes start at origin0 + k·period; the first one used covers time 0.
    std::int64_t k = floor_div(-origin0, period);
    const double passes = std::ceil(static_cast<double>(limit - (origin0 + k * period)) / static_cast<double>(period));
    if (passes * static_cast<double>(pass.size()) > static_cast<double>(kMaxLoadSteps) + 2.0 * static_cast<double>(pass.size()))
      throw sink.too_many();
    for (bool going = true; going; ++k) {
      const SimTime origin = origin0 + k * period;
      for (const auto& [at, v] : pass)
        if (!(going = sink.emit(origin + at, v))) break;
    }
  }
  trace.rps = sink.finish();
  return trace;
}

}  // namespace load_trace_detail

// ---------------------------------------------------------------------------------------------
// Synthetic

// ---------------------------------------------------------------------------------------------
// The spec

namespace {

using Json = nlohmann::json;
using namespace load_trace_detail;

constexpr double kMaxRps = 1e12;

std::string join_keys(std::initializer_list<const char*> keys) {
  std::string s;
  for (const char* k : keys) s += (s.empty() ? "\"" : ", \"") + std::string(k) + "\"";
  return s;
}

// Reads the members of one form, collecting every problem at its pointer.
class SpecReader {
 public:
  SpecReader(const Json& spec, const SpecPlace& place) : spec_(spec), place_(place), problems_(place.file) {}

  void allow_only(std::initializer_list<const char*> keys, const char* form) {
    // Not a structured binding: clang 14 cannot capture one in a lambda.
    for (const auto& item : spec_.items()) {
      const std::string& key = item.key();
      const bool known = std::any_of(keys.begin(), keys.end(), [&](const char* k) { return key == k; });
      if (!known) error(key, "unknown key \"" + key + "\" for " + form + "; expected " + join_keys(keys));
    }
  }
  bool has(const char* key) const { return spec_.contains(key); }
  const Json& at(const char* key) const { return spec_.at(key); }

  void error(const std::string& key, const std::string& message) {
    problems_.error(key.empty() ? place_.pointer : place_.pointer + "/" + key, message);
  }
  void error_at(const std::string& pointer, const std::string& message) { problems_.error(pointer, message); }
  void throw_if_any() { problems_.throw_if_any(); }
  std::string pointer(const std::string& key) const { return place_.pointer + "/" + key; }
  std::string where() const { return place_.file + ": " + place_.pointer; }

  std::optional<std::string> string(const char* key, const char* expected) {
    if (!has(key)) return std::nullopt;
    const Json& v = at(key);
    if (v.is_string() && !v.get_ref<const std::string&>().empty()) return v.get<std::string>();
    error(key, std::string("expected ") + expected + ", found " + json_text(v));
    return std::nullopt;
  }

  // A duration: "90s", "1m", "1h30m" or an integer of seconds; negative only when allowed ("-1h").
  std::optional<SimTime> duration(const char* key, bool allow_negative, SimTime min) {
    if (!has(key)) return std::nullopt;
    const Json& v = at(key);
    std::optional<SimTime> d;
    if (v.is_string()) {
      std::string_view s = v.get_ref<const std::string&>();
      const bool negative = allow_negative && s.starts_with('-');
      if (negative) s.remove_prefix(1);
      d = parse_duration(s);
      if (d && negative) d = -*d;
    } else if (v.is_number_integer()) {
      const auto n = v.get<std::int64_t>();
      if ((allow_negative || n >= 0) && n <= 9'000'000'000 && n >= -9'000'000'000) d = seconds(n);
    }
    if (!d) {
      error(key, std::string("expected a duration like \"1m\", \"5m\", \"90s\" or integer seconds") +
                     (allow_negative ? " (may be negative, \"-1h\")" : "") + ", found " + json_text(v));
      return std::nullopt;
    }
    if (*d < min) {
      error(key, "must be at least " + duration_text(min) + ", found " + json_text(v));
      return std::nullopt;
    }
    return d;
  }

  std::optional<double> number(const char* key, double lo, double hi, bool hi_open = false) {
    if (!has(key)) return std::nullopt;
    const Json& v = at(key);
    if (v.is_number()) {
      const double x = v.get<double>();
      if (std::isfinite(x) && x >= lo && (hi_open ? x < hi : x <= hi)) return x;
    }
    error(key, "expected a number from " + format_number(lo) + " to " + format_number(hi) +
                   (hi_open ? " (excluded)" : "") + ", found " + json_text(v));
    return std::nullopt;
  }

  // One of `choices`, or nullopt (absent or reported).
  std::optional<std::string> choice(const char* key, std::initializer_list<const char*> choices) {
    if (!has(key)) return std::nullopt;
    const Json& v = at(key);
    if (v.is_string()) {
      const auto& s = v.get_ref<const std::string&>();
      for (const char* c : choices)
        if (s == c) return s;
    }
    error(key, "expected one of " + join_keys(choices) + ", found " + json_text(v));
    return std::nullopt;
  }

  Alignment alignment() {
    Alignment a;
    if (const auto mode = choice("align", {"first", "absolute"})) a.absolute = *mode == "absolute";
    if (const auto off = duration("offset", true, std::numeric_limits<SimTime>::min())) a.offset = *off;
    return a;
  }

 private:
  const Json& spec_;
  const SpecPlace& place_;
  Problems problems_;
};


std::filesystem::path resolve(const std::string& name, const std::filesystem::path& base_dir) {
  std::filesystem::path p(name);
  return p.is_relative() ? base_dir / p : p;
}

// "+HH:MM" / "-HH:MM" / "Z" -> ms to add to UTC for local time.
std::optional<std::int64_t> parse_utc_offset(std::string_view s) {
  if (s == "Z" || s == "+00:00" || s == "-00:00") return 0;
  if (s.size() != 6 || (s[0] != '+' && s[0] != '-') || s[3] != ':') return std::nullopt;
  const auto digit = [&](std::size_t i) { return s[i] >= '0' && s[i] <= '9' ? s[i] - '0' : -100; };
  const int h = digit(1) * 10 + digit(2), m = digit(4) * 10 + digit(5);
  if (h < 0 || h > 23 || m < 0 || m > 59) return std::nullopt;
  return (s[0] == '-' ? -1 : 1) * (h * 60 + m) * std::int64_t{60'000};
}

LoadTrace csv_trace(SpecReader& r, const std::filesystem::path& base_dir, const SpecPlace& place,
                    std::int64_t start_epoch_ms, SimTime duration, double scale, bool loop) {
  r.allow_only({"csv", "time", "value", "per", "valueKind", "timeFormat", "timeUnit", "utcOffset", "align", "offset"},
               "a CSV trace");
  const auto name = r.string("csv", "a CSV file name");
  CsvOptions o;
  o.time_column = r.string("time", "a column name");
  o.value_column = r.string("value", "a column name");
  o.per = r.duration("per", false, 1);
  o.time_unit = r.duration("timeUnit", false, 1);
  if (const auto kind = r.choice("valueKind", {"count", "rps"})) o.values_are_rates = *kind == "rps";
  if (const auto f = r.choice("timeFormat", {"auto", "iso8601", "epochSeconds", "epochMillis", "relative"})) {
    o.time_format = *f == "iso8601"        ? TimeFormat::iso8601
                    : *f == "epochSeconds" ? TimeFormat::epoch_seconds
                    : *f == "epochMillis"  ? TimeFormat::epoch_millis
                    : *f == "relative"     ? TimeFormat::relative
                                           : TimeFormat::automatic;
  }
  if (r.has("utcOffset")) {
    const Json& v = r.at("utcOffset");
    std::optional<std::int64_t> off;
    if (v.is_string()) off = parse_utc_offset(v.get_ref<const std::string&>());
    if (off)
      o.utc_offset_ms = *off;
    else
      r.error("utcOffset", "expected an offset from UTC like \"-04:00\" or \"+02:00\", found " + json_text(v));
  }
  const Alignment align = r.alignment();
  r.throw_if_any();
  o.spec_where = r.where();
  const auto file = resolve(*name, base_dir);
  return build_profile(read_csv_trace(file, text_input::display_path(file), o), align, start_epoch_ms, duration, scale, loop,
                       place, text_input::display_path(file));
}

LoadTrace cloudwatch_trace(SpecReader& r, const std::filesystem::path& base_dir, const SpecPlace& place,
                           std::int64_t start_epoch_ms, SimTime duration, double scale, bool loop) {
  r.allow_only({"cloudwatch", "period", "id", "align", "offset"}, "a CloudWatch trace");
  const auto name = r.string("cloudwatch", "the file name of aws cloudwatch get-metric-data output");
  CloudWatchOptions o;
  o.period = r.duration("period", false, 1);
  o.id = r.string("id", "a metric query Id");
  const Alignment align = r.alignment();
  r.throw_if_any();
  const auto file = resolve(*name, base_dir);
  return build_profile(read_cloudwatch_trace(file, text_input::display_path(file), o), align, start_epoch_ms, duration, scale,
                       loop, place, text_input::display_path(file));
}

LoadTrace alb_trace(SpecReader& r, const std::filesystem::path& base_dir, const SpecPlace& place,
                    std::int64_t start_epoch_ms, SimTime duration, double scale, bool loop) {
  r.allow_only({"albAccessLogs", "per", "requestTime", "align", "offset"}, "ALB access logs");
  std::vector<std::filesystem::path> paths;
  std::vector<std::string> names;
  const Json& v = r.at("albAccessLogs");
  const char* const expected = "a file or directory of ALB access logs, or an array of them";
  const auto add = [&](const Json& item, const std::string& pointer) {
    if (item.is_string() && !item.get_ref<const std::string&>().empty()) {
      paths.push_back(resolve(item.get<std::string>(), base_dir));
      names.push_back(text_input::display_path(paths.back()));
    } else {
      r.error_at(pointer, std::string("expected ") + expected + ", found " + json_text(item));
    }
  };
  if (v.is_array()) {
    if (v.empty()) r.error("albAccessLogs", std::string("expected ") + expected + ", found an empty array");
    if (v.size() > kMaxAlbFiles)
      r.error("albAccessLogs", "more than " + std::to_string(kMaxAlbFiles) + " entries");
    else
      for (std::size_t i = 0; i < v.size(); ++i) add(v[i], r.pointer("albAccessLogs") + "/" + std::to_string(i));
  } else {
    add(v, r.pointer("albAccessLogs"));
  }
  const SimTime per = r.duration("per", false, 1).value_or(seconds(1));
  AlbRequestTime request_time = AlbRequestTime::computed;
  if (const auto c = r.choice("requestTime", {"computed", "requestCreationTime"}))
    request_time = *c == "computed" ? AlbRequestTime::computed : AlbRequestTime::request_creation_time;
  const Alignment align = r.alignment();
  r.throw_if_any();

  AlbRequestBuckets logs = read_alb_access_logs(paths, names, per, request_time);
  TraceData data;
  data.per = logs.per_ms;
  data.absolute = true;
  data.intervals.reserve(logs.buckets.size());
  for (const auto& [start, count] : logs.buckets)
    data.intervals.push_back(TraceData::Interval{start, static_cast<double>(count)});
  logs.buckets = {};
  LoadTrace t = build_profile(
      data, align, start_epoch_ms, duration, scale, loop, place,
      names.front() + (names.size() > 1 ? " (and " + std::to_string(names.size() - 1) + " more)" : ""));
  t.alb_counts = logs.counts;
  return t;
}

}  // namespace

LoadTrace read_load_trace(const nlohmann::json& spec, const std::string& scenario_file, const std::string& pointer,
                          const std::filesystem::path& base_dir, std::int64_t start_epoch_ms, SimTime duration,
                          double scale, bool loop, std::uint64_t seed, std::string_view random_stream,
                          std::uint64_t replication) {
  const SpecPlace place{scenario_file, pointer};
  if (!spec.is_object())
    throw place.error("", "expected an object naming the load: {\"csv\": ...}, {\"cloudwatch\": ...}, "
                          "{\"albAccessLogs\": ...}, {\"synthetic\": {...}} or {\"rps\": N}; found " +
                              json_text(spec));
  if (!std::isfinite(scale) || scale < 0 || scale > kMaxRps) {
    const auto slash = pointer.rfind('/');
    throw InputError(scenario_file, (slash == std::string::npos ? std::string() : pointer.substr(0, slash)) + "/scale",
                     "expected a finite scale factor >= 0, found " + format_number(scale));
  }
  if (std::llabs(start_epoch_ms) > kMaxTraceMs) throw place.error("", "internal: scenario start out of range");
  static constexpr const char* kForms[] = {"csv", "cloudwatch", "albAccessLogs", "synthetic", "rps"};
  std::vector<const char*> present;
  for (const char* form : kForms)
    if (spec.contains(form)) present.push_back(form);
  if (present.size() != 1) {
    std::string found;
    for (const auto& [key, value] : spec.items()) found += (found.empty() ? "\"" : ", \"") + key + "\"";
    throw place.error("", std::string(present.empty() ? "no load source" : "more than one load source") +
                              ": give exactly one of \"csv\", \"cloudwatch\", \"albAccessLogs\", \"synthetic\", "
                              "\"rps\"; found " +
                              (found.empty() ? std::string("an empty object") : found));
  }
  const std::string form = present.front();
  SpecReader r(spec, place);
  if (form == "csv") return csv_trace(r, base_dir, place, start_epoch_ms, duration, scale, loop);
  if (form == "cloudwatch") return cloudwatch_trace(r, base_dir, place, start_epoch_ms, duration, scale, loop);
  if (form == "albAccessLogs") return alb_trace(r, base_dir, place, start_epoch_ms, duration, scale, loop);

  LoadTrace t;
  if (form == "rps") {
    r.allow_only({"rps"}, "a constant load");
    const auto rps = r.number("rps", 0, kMaxRps);
    r.throw_if_any();
    t.rps = StepFunction(*rps * scale);
    t.source = "constant " + format_number(*rps) + " rps";
    return t;
  }
  // synthetic
  r.allow_only({"synthetic"}, "a synthetic load");
  const Json& s = spec.at("synthetic");
  if (!s.is_object()) {
    r.error("synthetic", "expected an object like {\"meanRps\": 300, \"dailyAmplitude\": 0.5, \"noise\": 0.1}, found " +
                             json_text(s));
    r.throw_if_any();
  }
  const SpecPlace inner{scenario_file, pointer + "/synthetic"};
  SpecReader sr(s, inner);
  sr.allow_only({"meanRps", "dailyAmplitude", "peakHourUtc", "noise", "step"}, "a synthetic load");
  SyntheticLoad load;
  if (!sr.has("meanRps")) sr.error("", "missing \"meanRps\": the mean offered requests per second");
  load.mean_rps = sr.number("meanRps", 0, kMaxRps).value_or(0);
  load.daily_amplitude = sr.number("dailyAmplitude", 0, 1).value_or(0);
  load.peak_hour_utc = sr.number("peakHourUtc", 0, 24, /*hi_open=*/true).value_or(14);
  load.noise = sr.number("noise", 0, 5).value_or(0);
  load.step = sr.duration("step", false, 1).value_or(minutes(1));
  if (duration > 0 && duration / load.step >= static_cast<SimTime>(kMaxLoadSteps))
    sr.error("step", "a step of " + duration_text(load.step) + " makes more than " + with_commas(kMaxLoadSteps) +
                         " steps over the simulated duration; use a longer step");
  r.throw_if_any();
  sr.throw_if_any();
  // The step check above bounds the profile: synthetic_rps (models/) draws it without checking.
  t.rps = synthetic_rps(load, start_epoch_ms, duration, scale, seed, random_stream, replication);
  t.synthetic = load;
  t.source = "synthetic";
  return t;
}

}  // namespace spotsim
