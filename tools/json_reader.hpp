#pragma once
// Typed, pointer-tracking access to a parsed JSON document. Every read that fails records a
// Diagnostic naming the file, the JSON pointer, what was expected and what was found, and returns
// nullopt, so a loader keeps going and reports every problem of a file at once (contract.md:
// "validate: every problem with file, line or JSON pointer").
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/sim_time.hpp"
#include "tools/input_error.hpp"

namespace spotsim {

// "/a/b~1c" from "/a" and "b/c" (RFC 6901 escaping).
std::string pointer_append(const std::string& pointer, std::string_view key);
std::string pointer_append(const std::string& pointer, std::size_t index);
// How a value reads in a message: `a string "two"`, `the number -1`, `an object`, ...
std::string describe_json(const nlohmann::json& value);

// Levenshtein distance ignoring ASCII case: how close a misspelt key or name is, for "did you mean".
std::size_t edit_distance(std::string_view a, std::string_view b);

class Diagnostics {
 public:
  explicit Diagnostics(std::string file) : file_(std::move(file)) {}
  const std::string& file() const { return file_; }
  void error(std::string where, std::string message);
  void warning(std::string where, std::string message);
  void add(const Diagnostic& d) { list_.push_back(d); }
  void add_all(const std::vector<Diagnostic>& ds) { list_.insert(list_.end(), ds.begin(), ds.end()); }
  bool has_errors() const;
  const std::vector<Diagnostic>& list() const { return list_; }
  std::vector<Diagnostic> errors() const;
  std::vector<Diagnostic> warnings() const;

 private:
  std::string file_;
  std::vector<Diagnostic> list_;
};

// One place in the document: a value (or its absence) and the pointer that names it.
class Node {
 public:
  Node(Diagnostics& diag, const nlohmann::json* value, std::string pointer)
      : diag_(&diag), value_(value), pointer_(std::move(pointer)) {}

  bool present() const { return value_ != nullptr && !value_->is_null(); }
  const nlohmann::json* json() const { return value_; }
  const std::string& pointer() const { return pointer_; }
  Diagnostics& diagnostics() const { return *diag_; }
  void error(std::string message) const { diag_->error(pointer_, std::move(message)); }
  void warning(std::string message) const { diag_->warning(pointer_, std::move(message)); }

  // A member of an object (absent if this is absent or not an object) / an element of an array.
  Node operator[](std::string_view key) const;
  Node at(std::size_t index) const;

  // Type checks: true if present and of the type; an error if present and of another type.
  bool is_object() const;
  bool is_array() const;
  // Present, or an error "missing required field".
  bool require() const;
  // Array elements (empty if absent or not an array; the type error is reported).
  std::vector<Node> elements() const;
  // Object members in key order (empty if absent or not an object).
  std::vector<std::pair<std::string, Node>> members() const;
  // An error for every member not in `allowed` (spotsim's own blocks: typos must not pass).
  void reject_unknown_keys(std::initializer_list<std::string_view> allowed) const;
  void reject_unknown_keys(const std::vector<std::string>& allowed) const;

  // Scalars. Absent gives nullopt silently; a wrong type or an out-of-range value gives nullopt and
  // an error saying what was expected and what was found.
  std::optional<std::string> string() const;
  std::optional<std::string> nonempty_string() const;
  std::optional<bool> boolean() const;
  std::optional<std::int64_t> integer(std::int64_t min, std::int64_t max) const;
  std::optional<int> int32(int min, int max) const;
  std::optional<double> number(double min, double max) const;
  // A number, or a string holding one (AWS prints SpotMaxPrice as "0.05").
  std::optional<double> number_or_numeric_string(double min, double max) const;
  // contract.md durations: "90s", "15m", "7d", "1m30s", or integer seconds. `min` inclusive.
  std::optional<SimTime> duration(SimTime min) const;
  // An ISO 8601 UTC instant, as milliseconds since the Unix epoch.
  std::optional<std::int64_t> instant() const;
  // One of `choices` (exact spelling); the error lists them.
  std::optional<std::string> one_of(std::initializer_list<std::string_view> choices) const;

 private:
  Diagnostics* diag_;
  const nlohmann::json* value_;
  std::string pointer_;
};

// "90s", "15m", "7d", "1h30m" ... the shortest exact form of a duration, for the resolved scenario.
std::string format_duration(SimTime t);

}  // namespace spotsim
