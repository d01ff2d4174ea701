// ALB access logs -> requests per bucket and the logs' own outcome counts (alb_access_logs.hpp).
#include "tools/alb_access_logs.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include "tools/load_trace_internal.hpp"

namespace spotsim {
namespace {

using load_trace_detail::Problems;
using load_trace_detail::quote_value;

namespace fs = std::filesystem;

constexpr std::size_t kMinFields = 12;          // type ... sent_bytes
constexpr std::size_t kMaxFields = 64;          // fields split per entry (quotes checked that far)
constexpr std::size_t kRequestCreationTime = 21;  // 0-based field index
constexpr double kMaxProcessingSeconds = 1e6;   // the idle timeout is at most 4,000 s


// Splits an entry into at most `max` fields: space-separated, a field starting with a double quote
// runs to the closing quote (a backslash escapes the next character). False: an unterminated quote.
bool split_entry(std::string_view line, std::size_t max, std::vector<std::string_view>& out) {
  out.clear();
  std::size_t i = 0;
  const std::size_t n = line.size();
  while (out.size() < max) {
    while (i < n && (line[i] == ' ' || line[i] == '\t')) ++i;
    if (i >= n) break;
    if (line[i] == '"') {
      std::size_t j = i + 1;
      while (j < n && line[j] != '"') j += line[j] == '\\' ? 2 : 1;
      if (j >= n) return false;
      out.push_back(line.substr(i + 1, j - i - 1));
      i = j + 1;
    } else {
      std::size_t j = i;
      while (j < n && line[j] != ' ' && line[j] != '\t') ++j;
      out.push_back(line.substr(i, j - i));
      i = j;
    }
  }
  return true;
}

// A processing time in seconds: >= 0, or -1 (not dispatched). Milliseconds, or nullopt.
std::optional<std::int64_t> processing_ms(std::string_view text) {
  const auto x = load_trace_detail::parse_number(text);
  if (!x || !std::isfinite(*x)) return std::nullopt;
  if (*x == -1) return -1;
  if (*x < 0 || *x > kMaxProcessingSeconds) return std::nullopt;
  return static_cast<std::int64_t>(std::llround(*x * 1000));
}

// Status class 1-5 of "200", 0 for "-"; nullopt for anything else.
std::optional<int> status_class(std::string_view text, int& code) {
  code = 0;
  if (text == "-") return 0;
  if (text.size() != 3) return std::nullopt;
  for (const char c : text)
    if (c < '0' || c > '9') return std::nullopt;
  code = (text[0] - '0') * 100 + (text[1] - '0') * 10 + (text[2] - '0');
  if (code < 100 || code > 599) return std::nullopt;
  return code / 100;
}

struct Source {
  fs::path path;
  std::string display;
};

// The files to read, in order: a named file as is; a directory's *.log and *.gz files, recursively,
// sorted by path.
std::vector<Source> list_files(const std::vector<fs::path>& paths, const std::vector<std::string>& names) {
  std::vector<Source> out;
  for (std::size_t k = 0; k < paths.size(); ++k) {
    const fs::path& p = paths[k];
    const std::string& name = k < names.size() ? names[k] : p.generic_string();
    std::error_code ec;
    const auto status = fs::status(p, ec);
    if (ec || !fs::is_directory(status)) {
      out.push_back(Source{p, name});  // reading it reports what is wrong
    } else {
      std::vector<Source> found;
      fs::recursive_directory_iterator it(p, fs::directory_options::skip_permission_denied, ec), end;
      for (; !ec && it != end; it.increment(ec)) {
        const auto& entry = *it;
        std::error_code type_ec;
        if (!entry.is_regular_file(type_ec)) continue;
        const std::string file_name = entry.path().filename().string();
        if (file_name.starts_with('.') || !(file_name.ends_with(".log") || file_name.ends_with(".gz"))) continue;
        if (out.size() + found.size() >= kMaxAlbFiles)
          throw InputError(name, "", "more than " + std::to_string(kMaxAlbFiles) + " access-log files");
        found.push_back(Source{entry.path(), name + "/" + entry.path().lexically_relative(p).generic_string()});
      }
      if (ec) throw InputError(name, "", "cannot read directory: " + ec.message());
      if (found.empty())
        throw InputError(name, "", "no access-log files (names ending in .log or .gz) in this directory");
      std::sort(found.begin(), found.end(), [](const Source& a, const Source& b) { return a.path < b.path; });
      for (auto& s : found) out.push_back(std::move(s));
    }
    if (out.size() > kMaxAlbFiles)
      throw InputError(name, "", "more than " + std::to_string(kMaxAlbFiles) + " access-log files");
  }
  return out;
}

class Reader {
 public:
  Reader(std::int64_t per_ms, AlbRequestTime request_time) : per_(per_ms), request_time_(request_time) {
    result_.per_ms = per_ms;
  }

  void file(const Source& source) {
    const std::string text = load_trace_detail::read_input_file(source.path, source.display);
    Problems problems(source.display);
    std::vector<std::int64_t> buckets;
    std::vector<std::string_view> fields;
    const std::size_t wanted = request_time_ == AlbRequestTime::request_creation_time ? kRequestCreationTime + 1
                                                                                      : kMinFields;
    static_assert(kRequestCreationTime + 1 <= kMaxFields);
    text_input::LineSplitter lines(text, text_input::Bom::kept);
    std::string_view line;
    while (!problems.full() && lines.next(line)) {
      const std::size_t line_number = lines.number();
      if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
      const std::string where = "line " + std::to_string(line_number);
      if (!split_entry(line, kMaxFields, fields)) {
        problems.error(where, "unterminated quoted field; expected an ALB access-log entry");
        continue;
      }
      if (fields.size() < wanted) {
        problems.error(where, "expected an ALB access-log entry of at least " + std::to_string(wanted) +
                                  " space-separated fields (type time elb client:port target:port "
                                  "request_processing_time ...), found " + std::to_string(fields.size()));
        continue;
      }
      entry(fields, where, problems, buckets);
    }
    problems.throw_if_any();
    ++result_.counts.files;
    if (buckets.empty() && !first_empty_) first_empty_ = Empty{source.display, lines.number() > 0};
    // This file's buckets, counted, join the others; compacted when they have doubled.
    std::sort(buckets.begin(), buckets.end());
    for (std::size_t i = 0; i < buckets.size();) {
      std::size_t j = i;
      while (j < buckets.size() && buckets[j] == buckets[i]) ++j;
      pairs_.emplace_back(buckets[i], static_cast<std::uint64_t>(j - i));
      i = j;
    }
    if (pairs_.size() > 2 * compacted_ + (std::size_t{1} << 20)) compact(source.display);
  }

  AlbRequestBuckets finish(const std::string& display) {
    compact(display);
    // Every line either counts or is an error: no request means every file was empty. Named at the
    // first empty file's line 1, where an entry was expected.
    if (result_.counts.requests == 0) {
      const std::size_t others = result_.counts.files - 1;
      throw InputError(first_empty_ ? first_empty_->display : display, "line 1",
                       std::string("no requests in the access logs: expected ALB access-log entries, one per line, "
                                   "found ") +
                           (first_empty_ && first_empty_->blank_lines ? "only blank lines" : "an empty file") +
                           (others > 0 ? " (and the " + std::to_string(others) + " other file" +
                                             (others > 1 ? "s read hold" : " read holds") + " none either)"
                                       : std::string()));
    }
    result_.buckets = std::move(pairs_);
    return std::move(result_);
  }

 private:
  void entry(const std::vector<std::string_view>& f, const std::string& where, Problems& problems,
             std::vector<std::int64_t>& buckets) {
    bool ok = true;
    const auto response = parse_iso8601_ms(f[1]);
    if (!response || std::llabs(*response) > load_trace_detail::kMaxTraceMs) {
      problems.error(where, "field 2 (time): expected an ISO 8601 time like \"2018-07-02T22:23:00.186641Z\", found " +
                                quote_value(f[1]));
      ok = false;
    }
    static constexpr const char* kTimes[] = {"request_processing_time", "target_processing_time",
                                             "response_processing_time"};
    std::int64_t processing = 0;
    for (std::size_t k = 0; k < 3; ++k) {
      const auto ms = processing_ms(f[5 + k]);
      if (!ms) {
        problems.error(where, "field " + std::to_string(6 + k) + " (" + kTimes[k] +
                                  "): expected seconds >= 0 or -1, found " + quote_value(f[5 + k]));
        ok = false;
      } else if (*ms > 0) {
        processing += *ms;
      }
    }
    int elb_code = 0, target_code = 0;
    const auto elb_class = status_class(f[8], elb_code);
    const auto target_class = status_class(f[9], target_code);
    if (!elb_class) {
      problems.error(where, "field 9 (elb_status_code): expected an HTTP status code or \"-\", found " + quote_value(f[8]));
      ok = false;
    }
    if (!target_class) {
      problems.error(where,
                     "field 10 (target_status_code): expected an HTTP status code or \"-\", found " + quote_value(f[9]));
      ok = false;
    }
    std::int64_t request = response ? *response - processing : 0;
    if (request_time_ == AlbRequestTime::request_creation_time) {
      const auto created = parse_iso8601_ms(f[kRequestCreationTime]);
      if (!created || std::llabs(*created) > load_trace_detail::kMaxTraceMs) {
        problems.error(where, "field 22 (request_creation_time): expected an ISO 8601 time, found " +
                                  quote_value(f[kRequestCreationTime]));
        ok = false;
      } else {
        request = *created;
      }
    }
    if (!ok) return;
    AlbLogCounts& c = result_.counts;
    if (c.requests == 0 || request < c.first_request_epoch_ms) c.first_request_epoch_ms = request;
    if (c.requests == 0 || request > c.last_request_epoch_ms) c.last_request_epoch_ms = request;
    ++c.requests;
    ++c.elb_by_class[static_cast<std::size_t>(*elb_class)];
    ++c.target_by_class[static_cast<std::size_t>(*target_class)];
    // A target's own 5xx is passed on as the elb_status_code too: only entries with no target status
    // are the load balancer's (CloudWatch's HTTPCode_ELB_5XX_Count and HTTPCode_ELB_50x_Count).
    if (*elb_class == 5) {
      ++c.elb_5xx;
      if (*target_class == 0) {
        ++c.elb_generated_5xx;
        if (elb_code == 502) ++c.elb_502;
        if (elb_code == 503) ++c.elb_503;
        if (elb_code == 504) ++c.elb_504;
      }
    }
    if (*target_class == 5) ++c.target_5xx;
    buckets.push_back(floor_div(request, per_) * per_);
  }

  void compact(const std::string& display) {
    std::sort(pairs_.begin(), pairs_.end());
    std::size_t out = 0;
    for (std::size_t i = 0; i < pairs_.size(); ++i) {
      if (out > 0 && pairs_[out - 1].first == pairs_[i].first)
        pairs_[out - 1].second += pairs_[i].second;
      else
        pairs_[out++] = pairs_[i];
    }
    pairs_.resize(out);
    compacted_ = out;
    if (out > kMaxLoadSteps)
      throw InputError(display, "",
                       "the access logs span more than " + std::to_string(kMaxLoadSteps) +
                           " distinct intervals; use a coarser \"per\"");
  }

  struct Empty {
    std::string display;
    bool blank_lines = false;  // blank lines rather than no bytes at all
  };
  std::optional<Empty> first_empty_;  // the first file read that held no entry
  std::int64_t per_;
  AlbRequestTime request_time_;
  AlbRequestBuckets result_;
  std::vector<std::pair<std::int64_t, std::uint64_t>> pairs_;
  std::size_t compacted_ = 0;
};

}  // namespace

AlbRequestBuckets read_alb_access_logs(const std::vector<fs::path>& paths, const std::vector<std::string>& display_names,
                                       std::int64_t per_ms, AlbRequestTime request_time) {
  if (paths.empty()) throw InputError("", "", "no access-log files given");
  if (per_ms <= 0) throw InputError(display_names.empty() ? "" : display_names.front(), "", "internal: per <= 0");
  const std::vector<Source> files = list_files(paths, display_names);
  Reader reader(per_ms, request_time);
  for (const Source& s : files) reader.file(s);
  return reader.finish(display_names.empty() ? paths.front().generic_string() : display_names.front());
}

}  // namespace spotsim
