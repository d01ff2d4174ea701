// Helpers shared by the input-file readers (text_input.hpp).
#include "tools/text_input.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <system_error>

#include "sim/sim_time.hpp"

namespace spotsim::text_input {

// ---------------------------------------------------------------------------------------------
// Problems and files

void Problems::error(std::string where, std::string message) {
  if (full()) return;
  list_.push_back(Diagnostic{Diagnostic::Severity::error, file_, std::move(where), std::move(message)});
}

void Problems::throw_if_any() {
  if (!any()) return;
  if (full())
    list_.push_back(Diagnostic{Diagnostic::Severity::error, file_, "",
                               "too many errors; stopped reading after the first " + std::to_string(kMaxProblems)});
  throw InputError(std::move(list_));
}

std::string read_file_text(const std::filesystem::path& file, const std::string& display_name,
                           std::uintmax_t max_bytes) {
  const auto fail = [&](int error) {
    return InputError(display_name, "", "cannot read file: " + std::generic_category().message(error));
  };
  struct Descriptor {
    int fd;
    ~Descriptor() {
      if (fd >= 0) ::close(fd);
    }
  } const descriptor{::open(file.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC)};
  const int fd = descriptor.fd;
  if (fd < 0) throw fail(errno);
  struct stat st {};
  if (::fstat(fd, &st) != 0) throw fail(errno);
  if (S_ISDIR(st.st_mode)) throw InputError(display_name, "", "cannot read file: it is a directory");
  const auto too_large = [&] {
    return InputError(display_name, "",
                      "file is larger than " + std::to_string(max_bytes >> 20) + " MiB; refusing to read it");
  };
  if (S_ISREG(st.st_mode) && static_cast<std::uintmax_t>(st.st_size) > max_bytes) throw too_large();
  // Non-blocking only for the open (a FIFO without a writer reads as empty); reads then block.
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0 || ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0) throw fail(errno);
  std::string text;
  std::vector<char> buffer(std::size_t{1} << 16);
  for (;;) {
    const ::ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw fail(errno);
    if (n == 0) break;
    text.append(buffer.data(), static_cast<std::size_t>(n));
    if (text.size() > max_bytes) throw too_large();
  }
  return text;
}

// ---------------------------------------------------------------------------------------------
// Positions in text

std::size_t skip_bom(const std::string& text) { return text.starts_with("\xEF\xBB\xBF") ? 3 : 0; }

bool is_json_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::size_t LineCounter::line(std::size_t index) {
  advance(index);
  return line_;
}

std::string LineCounter::line_column(std::size_t index) {
  index = std::min(index, text_.size());
  advance(index);
  return "line " + std::to_string(line_) + ", column " + std::to_string(index - line_start_ + 1);
}

void LineCounter::advance(std::size_t index) {
  index = std::min(index, text_.size());
  for (; scanned_ < index; ++scanned_)
    if (text_[scanned_] == '\n') {
      ++line_;
      line_start_ = scanned_ + 1;
    }
}

// ---------------------------------------------------------------------------------------------
// CSV

bool LineSplitter::next(std::string_view& line) {
  if (pos_ >= text_.size()) return false;
  const std::size_t newline = std::min(text_.find('\n', pos_), text_.size());
  line = std::string_view(text_.data() + pos_, newline - pos_);
  pos_ = newline + 1;
  ++number_;
  if (line.ends_with('\r')) line.remove_suffix(1);
  return true;
}

bool split_csv_line(std::string_view line, std::size_t max_fields, std::vector<std::string>& out) {
  out.clear();
  std::string field;
  bool quoted = false;
  const auto finish = [&] {
    const auto first = field.find_first_not_of(" \t");
    const auto last = field.find_last_not_of(" \t");
    out.push_back(first == std::string::npos ? std::string() : field.substr(first, last - first + 1));
    field.clear();
  };
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c != '"')
        field += c;
      else if (i + 1 < line.size() && line[i + 1] == '"')
        field += line[++i];
      else
        quoted = false;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      finish();
      if (out.size() > max_fields) return true;
    } else {
      field += c;
    }
  }
  if (quoted) return false;
  finish();
  return true;
}

ColumnMatch find_column(const std::vector<std::string>& header, std::string_view name) {
  const auto it = std::find(header.begin(), header.end(), name);
  if (it == header.end()) return {};
  return ColumnMatch{static_cast<std::size_t>(it - header.begin()),
                     std::find(it + 1, header.end(), name) != header.end()};
}

// ---------------------------------------------------------------------------------------------
// Concatenated JSON documents

std::size_t document_end(const std::string& text, std::size_t begin) {
  std::size_t depth = 0;
  bool in_string = false;
  for (std::size_t i = begin; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if ((c == '}' || c == ']') && --depth == 0) {
      return i + 1;
    }
  }
  return text.size();
}

std::string document_label(std::uint32_t document, std::uint32_t line) {
  if (document == 0) return "";
  return "document " + std::to_string(document + 1) + " (line " + std::to_string(line) + ")";
}

std::string syntax_message(const std::string& what) {
  std::string m = what;
  if (m.starts_with("[json.exception.")) {
    const auto end = m.find("] ");
    if (end != std::string::npos) m.erase(0, end + 2);
  }
  if (m.starts_with("parse error")) {
    const auto colon = m.find(": ");
    if (colon != std::string::npos) m.erase(0, colon + 2);
  }
  if (m.size() > 200) m = m.substr(0, 200) + "...";
  return "invalid JSON: " + m;
}

std::string escape_pointer_token(std::string_view key) {
  std::string s;
  for (const char c : key) {
    if (c == '~')
      s += "~0";
    else if (c == '/')
      s += "~1";
    else
      s += c;
  }
  return s;
}

// ---------------------------------------------------------------------------------------------
// Values in messages

std::string quote_value(std::string_view s) {
  // Built piecewise: `"\"" + std::string(s)` trips GCC 12's -Wrestrict false positive here.
  std::string q = "\"";
  q += s.substr(0, kMaxQuoted);
  if (s.size() > kMaxQuoted) q += "...";
  q += '"';
  return q;
}

std::string display_path(const std::filesystem::path& p) { return p.lexically_normal().generic_string(); }

std::string format_fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string join(const std::vector<std::string>& items, std::string_view sep) {
  std::string s;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) s += sep;
    s += items[i];
  }
  return s;
}

bool same_file(const std::filesystem::path& a, const std::filesystem::path& b) {
  std::error_code ec;
  const bool same = std::filesystem::equivalent(a, b, ec);
  return !ec && same;
}

std::string format_number(double v) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

std::string format_instant(std::int64_t epoch_ms) {
  std::string s = format_iso8601(epoch_ms);
  const std::int64_t ms = ((epoch_ms % 1000) + 1000) % 1000;
  if (ms != 0) {
    char frac[8];
    std::snprintf(frac, sizeof frac, ".%03d", static_cast<int>(ms));
    s.insert(s.size() - 1, frac);
  }
  return s;
}

std::string json_text(const nlohmann::json& v) {
  if (v.is_string()) return "the string " + quote_value(v.get_ref<const std::string&>());
  if (v.is_null()) return "null";
  if (v.is_object()) return "an object";
  if (v.is_array()) return "an array";
  const std::string text = v.dump();
  return text.size() <= kMaxQuoted ? text : text.substr(0, kMaxQuoted) + "...";
}

std::optional<double> parse_number(std::string_view text, LeadingPlus plus) {
  if (plus == LeadingPlus::accepted && !text.empty() && text.front() == '+') text.remove_prefix(1);
  double v = 0;
  const auto r = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || r.ec != std::errc() || r.ptr != text.data() + text.size()) return std::nullopt;
  return v;
}

}  // namespace spotsim::text_input
