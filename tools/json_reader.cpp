#include "tools/json_reader.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <limits>

namespace spotsim {
namespace {

std::string in_quotes(std::string_view s) {
  std::string out = "\"";
  out += s;
  return out + "\"";
}

std::string join_quoted(const std::vector<std::string>& items) {
  std::string s;
  for (const auto& i : items) s += (s.empty() ? "" : ", ") + in_quotes(i);
  return s;
}


std::string format_bound(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

}  // namespace

// Levenshtein distance, ignoring case (json_reader.hpp).
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      const bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                        std::tolower(static_cast<unsigned char>(b[j - 1]));
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (same ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

std::string pointer_append(const std::string& pointer, std::string_view key) {
  std::string out = pointer + "/";
  for (char c : key) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}

std::string pointer_append(const std::string& pointer, std::size_t index) {
  return pointer + "/" + std::to_string(index);
}

std::string describe_json(const nlohmann::json& v) {
  using T = nlohmann::json::value_t;
  switch (v.type()) {
    case T::null: return "null";
    case T::boolean: return v.get<bool>() ? "true" : "false";
    case T::string: {
      std::string s = v.get<std::string>();
      if (s.size() > 60) s = s.substr(0, 57) + "...";
      return "the string " + in_quotes(s);
    }
    case T::number_integer:
    case T::number_unsigned:
    case T::number_float: return "the number " + v.dump();
    case T::object: return "an object";
    case T::array: return "an array";
    case T::binary:
    case T::discarded: return "an unreadable value";
  }
  return "an unreadable value";
}

void Diagnostics::error(std::string where, std::string message) {
  list_.push_back({Diagnostic::Severity::error, file_, std::move(where), std::move(message)});
}

void Diagnostics::warning(std::string where, std::string message) {
  list_.push_back({Diagnostic::Severity::warning, file_, std::move(where), std::move(message)});
}

bool Diagnostics::has_errors() const {
  return std::any_of(list_.begin(), list_.end(),
                     [](const Diagnostic& d) { return d.severity == Diagnostic::Severity::error; });
}

std::vector<Diagnostic> Diagnostics::errors() const {
  std::vector<Diagnostic> out;
  for (const auto& d : list_)
    if (d.severity == Diagnostic::Severity::error) out.push_back(d);
  return out;
}

std::vector<Diagnostic> Diagnostics::warnings() const {
  std::vector<Diagnostic> out;
  for (const auto& d : list_)
    if (d.severity == Diagnostic::Severity::warning) out.push_back(d);
  return out;
}

Node Node::operator[](std::string_view key) const {
  const nlohmann::json* child = nullptr;
  if (value_ != nullptr && value_->is_object()) {
    const auto it = value_->find(std::string(key));
    if (it != value_->end()) child = &*it;
  }
  return Node(*diag_, child, pointer_append(pointer_, key));
}

Node Node::at(std::size_t index) const {
  const nlohmann::json* child = nullptr;
  if (value_ != nullptr && value_->is_array() && index < value_->size()) child = &(*value_)[index];
  return Node(*diag_, child, pointer_append(pointer_, index));
}

bool Node::is_object() const {
  if (!present()) return false;
  if (value_->is_object()) return true;
  error("expected an object, found " + describe_json(*value_));
  return false;
}

bool Node::is_array() const {
  if (!present()) return false;
  if (value_->is_array()) return true;
  error("expected an array, found " + describe_json(*value_));
  return false;
}

bool Node::require() const {
  if (present()) return true;
  error(value_ == nullptr ? "missing required field" : "expected a value, found null");
  return false;
}

std::vector<Node> Node::elements() const {
  std::vector<Node> out;
  if (!is_array()) return out;
  for (std::size_t i = 0; i < value_->size(); ++i) out.push_back(at(i));
  return out;
}

std::vector<std::pair<std::string, Node>> Node::members() const {
  std::vector<std::pair<std::string, Node>> out;
  if (!is_object()) return out;
  for (auto it = value_->begin(); it != value_->end(); ++it)
    out.emplace_back(it.key(), (*this)[it.key()]);
  return out;
}

void Node::reject_unknown_keys(std::initializer_list<std::string_view> allowed) const {
  reject_unknown_keys(std::vector<std::string>(allowed.begin(), allowed.end()));
}

void Node::reject_unknown_keys(const std::vector<std::string>& allowed) const {
  if (value_ == nullptr || !value_->is_object()) return;
  for (auto it = value_->begin(); it != value_->end(); ++it) {
    const std::string& key = it.key();
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    std::string message = "unknown field " + in_quotes(key);
    const std::string* closest = nullptr;
    std::size_t best = std::numeric_limits<std::size_t>::max();
    for (const auto& a : allowed) {
      const std::size_t d = edit_distance(key, a);
      if (d < best) best = d, closest = &a;
    }
    if (closest != nullptr && best <= std::max<std::size_t>(2, closest->size() / 3))
      message += " (did you mean " + in_quotes(*closest) + "?)";
    else
      message += " (expected one of " + join_quoted(allowed) + ")";
    diag_->error(pointer_append(pointer_, key), message);
  }
}

std::optional<std::string> Node::string() const {
  if (!present()) return std::nullopt;
  if (value_->is_string()) return value_->get<std::string>();
  error("expected a string, found " + describe_json(*value_));
  return std::nullopt;
}

std::optional<std::string> Node::nonempty_string() const {
  auto s = string();
  if (s && s->empty()) {
    error("expected a non-empty string, found \"\"");
    return std::nullopt;
  }
  return s;
}

std::optional<bool> Node::boolean() const {
  if (!present()) return std::nullopt;
  if (value_->is_boolean()) return value_->get<bool>();
  error("expected true or false, found " + describe_json(*value_));
  return std::nullopt;
}

std::optional<std::int64_t> Node::integer(std::int64_t min, std::int64_t max) const {
  if (!present()) return std::nullopt;
  std::optional<std::int64_t> v;
  if (value_->is_number_unsigned()) {
    const auto u = value_->get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      error("expected an integer up to " + std::to_string(max) + ", found " + describe_json(*value_));
      return std::nullopt;
    }
    v = static_cast<std::int64_t>(u);
  } else if (value_->is_number_integer()) {
    v = value_->get<std::int64_t>();
  } else if (value_->is_number_float()) {
    // 2.0 is an integer; 2.5 is not.
    const double d = value_->get<double>();
    if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9e15) v = static_cast<std::int64_t>(d);
  }
  if (!v) {
    error("expected an integer, found " + describe_json(*value_));
    return std::nullopt;
  }
  if (*v < min || *v > max) {
    std::string range = max == std::numeric_limits<std::int64_t>::max()
                            ? (min == 0 ? "a non-negative integer" : "an integer >= " + std::to_string(min))
                            : "an integer from " + std::to_string(min) + " to " + std::to_string(max);
    error("expected " + range + ", found " + describe_json(*value_));
    return std::nullopt;
  }
  return v;
}

std::optional<int> Node::int32(int min, int max) const {
  const auto v = integer(min, max);
  if (!v) return std::nullopt;
  return static_cast<int>(*v);
}

std::optional<double> Node::number(double min, double max) const {
  if (!present()) return std::nullopt;
  if (!value_->is_number()) {
    error("expected a number, found " + describe_json(*value_));
    return std::nullopt;
  }
  const double v = value_->get<double>();
  if (!(v >= min && v <= max)) {
    error("expected a number from " + format_bound(min) + " to " + format_bound(max) + ", found " +
          describe_json(*value_));
    return std::nullopt;
  }
  return v;
}

std::optional<double> Node::number_or_numeric_string(double min, double max) const {
  if (!present()) return std::nullopt;
  if (value_->is_string()) {
    const std::string s = value_->get<std::string>();
    double v = 0;
    std::size_t used = 0;
    try {
      v = std::stod(s, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != s.size() || !std::isfinite(v)) {
      error("expected a number (or a string holding one), found " + describe_json(*value_));
      return std::nullopt;
    }
    if (!(v >= min && v <= max)) {
      error("expected a number from " + format_bound(min) + " to " + format_bound(max) + ", found " +
            describe_json(*value_));
      return std::nullopt;
    }
    return v;
  }
  return number(min, max);
}

std::optional<SimTime> Node::duration(SimTime min) const {
  if (!present()) return std::nullopt;
  std::optional<SimTime> v;
  if (value_->is_string()) {
    v = parse_duration(value_->get<std::string>());
  } else if (value_->is_number_integer() || value_->is_number_unsigned()) {
    // Integer seconds, as AWS API fields write them; bounded like parse_duration (~290 years).
    const auto secs = value_->is_number_unsigned() ? static_cast<std::int64_t>(std::min<std::uint64_t>(
                                                         value_->get<std::uint64_t>(), 1ULL << 62))
                                                   : value_->get<std::int64_t>();
    if (secs >= 0 && secs <= days(365) * 290 / 1000) v = seconds(secs);
  }
  if (!v) {
    error("expected a duration such as \"90s\", \"15m\", \"7d\" or integer seconds, found " +
          describe_json(*value_));
    return std::nullopt;
  }
  if (*v < min) {
    error("expected a duration of at least " + format_duration(min) + ", found " + describe_json(*value_));
    return std::nullopt;
  }
  return v;
}

std::optional<std::int64_t> Node::instant() const {
  const auto s = string();
  if (!s) return std::nullopt;
  const auto v = parse_iso8601_ms(*s);
  if (!v) error("expected an ISO 8601 UTC time such as \"2024-02-05T00:00:00Z\", found " + describe_json(*value_));
  return v;
}

std::optional<std::string> Node::one_of(std::initializer_list<std::string_view> choices) const {
  const auto s = string();
  if (!s) return std::nullopt;
  for (auto c : choices)
    if (*s == c) return s;
  error("expected one of " + join_quoted(std::vector<std::string>(choices.begin(), choices.end())) +
        ", found " + describe_json(*value_));
  return std::nullopt;
}

std::string format_duration(SimTime t) {
  if (t == 0) return "0s";
  struct Unit {
    SimTime ms;
    const char* name;
  };
  static constexpr Unit units[] = {{days(1), "d"}, {hours(1), "h"}, {minutes(1), "m"}, {seconds(1), "s"}, {1, "ms"}};
  for (const auto& u : units)
    if (t % u.ms == 0) return std::to_string(t / u.ms) + u.name;
  return std::to_string(t) + "ms";
}

}  // namespace spotsim
