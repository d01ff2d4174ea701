#pragma once
// A streaming (SAX) walk over one JSON document that knows the JSON pointer of every value, so trace
// files of any size are read in one pass without building a document tree, and every problem names
// its place. Readers derive from JsonWalker and implement the three hooks.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "tools/text_input.hpp"

namespace spotsim::text_input {

class JsonWalker : public nlohmann::json_sax<nlohmann::json> {
 public:
  using Json = nlohmann::json;
  explicit JsonWalker(Problems& problems) : problems_(problems) {}

  // Problems are placed at "<label>: <pointer>" (for files holding several documents).
  void start_document(std::string label) {
    label_ = std::move(label);
    frames_.clear();
    stopped_ = false;
    syntax_error_.reset();
  }
  // Set when the parser met invalid JSON: byte offset (in the parsed range) and nlohmann's message.
  const std::optional<std::pair<std::size_t, std::string>>& syntax_error() const { return syntax_error_; }

  bool null() final { return scalar(Json(nullptr)); }
  bool boolean(bool v) final { return scalar(Json(v)); }
  bool number_integer(number_integer_t v) final { return scalar(Json(v)); }
  bool number_unsigned(number_unsigned_t v) final { return scalar(Json(v)); }
  bool number_float(number_float_t v, const string_t& /*text*/) final { return scalar(Json(v)); }
  bool string(string_t& v) final { return scalar(Json(v)); }
  bool binary(binary_t& /*v*/) final { return scalar(Json()); }  // JSON text has no binary values
  bool start_object(std::size_t /*elements*/) final { return open(false); }
  bool key(string_t& k) final {
    frames_.back().key = k;
    return true;
  }
  bool end_object() final { return close(); }
  bool start_array(std::size_t /*elements*/) final { return open(true); }
  bool end_array() final { return close(); }
  bool parse_error(std::size_t position, const std::string& /*last_token*/,
                   const nlohmann::detail::exception& e) final {
    syntax_error_.emplace(position, e.what());
    return false;
  }

 protected:
  // Hooks. In each, depth() is the number of containers enclosing the value and pointer() names it.
  virtual void on_scalar(const Json& value) = 0;
  virtual void on_open(bool is_array) = 0;  // a container starts
  virtual void on_close() = 0;              // a container ended

  std::size_t depth() const { return frames_.size(); }
  // The enclosing container at `level` (0 = the root) is an object and the value lies under `key`.
  bool is_key(std::size_t level, std::string_view key) const {
    return level < frames_.size() && !frames_[level].is_array && frames_[level].key == key;
  }
  bool is_array(std::size_t level) const { return level < frames_.size() && frames_[level].is_array; }
  const std::string& key_at(std::size_t level) const { return frames_[level].key; }
  std::size_t index_at(std::size_t level) const { return frames_[level].index; }

  std::string pointer() const {
    std::string p;
    for (const Frame& f : frames_) {
      p += '/';
      p += f.is_array ? std::to_string(f.index) : escape_pointer_token(f.key);
    }
    return p;
  }
  std::string where() const {
    const std::string p = pointer();
    return label_.empty() ? p : p.empty() ? label_ : label_ + ": " + p;
  }
  void error(std::string message) { problems_.error(where(), std::move(message)); }
  // Reports and ends the walk (the rest of the document would only repeat the problem).
  void stop(std::string message) {
    error(std::move(message));
    stopped_ = true;
  }

 private:
  struct Frame {
    bool is_array = false;
    std::size_t index = 0;  // arrays: index of the element being read
    std::string key;        // objects: key of the member being read
  };
  bool going() const { return !stopped_ && !problems_.full(); }
  void next_element() {
    if (!frames_.empty() && frames_.back().is_array) ++frames_.back().index;
  }
  bool scalar(const Json& v) {
    on_scalar(v);
    next_element();
    return going();
  }
  bool open(bool array) {
    if (frames_.size() >= kMaxJsonDepth) {
      stop("JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
      return false;
    }
    on_open(array);
    frames_.push_back(Frame{array, 0, {}});
    return going();
  }
  bool close() {
    frames_.pop_back();
    on_close();
    next_element();
    return going();
  }

  Problems& problems_;
  std::string label_;
  std::vector<Frame> frames_;
  bool stopped_ = false;
  std::optional<std::pair<std::size_t, std::string>> syntax_error_;
};

// Walks text[begin, end) as one JSON document. False after a syntax error (reported at its line and
// column in the file) or when the walker stopped.
inline bool walk_json(const std::string& text, std::size_t begin, std::size_t end, JsonWalker& walker,
               LineCounter& lines, Problems& problems) {
  if (nlohmann::json::sax_parse(text.data() + begin, text.data() + end, &walker)) return true;
  if (const auto& e = walker.syntax_error()) {
    // position counts the offending character itself (1-based).
    const std::size_t at = begin + (e->first > 0 ? e->first - 1 : 0);
    problems.error(lines.line_column(at), syntax_message(e->second));
  }
  return false;
}

}  // namespace spotsim::text_input
