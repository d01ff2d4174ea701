#pragma once
// Helpers shared by the readers of input text files: the spot price readers (trace_readers.cpp) and the
// load-trace readers (load_trace*.cpp, alb_access_logs.cpp). Not part of the program's interface.
// Bounded file reading, problem collection, positions in text, CSV lines, concatenated JSON documents,
// and the formatting of values in messages.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "tools/input_error.hpp"

namespace spotsim::text_input {

inline constexpr std::size_t kMaxProblems = 20;      // a reader stops after this many errors
inline constexpr std::size_t kMaxQuoted = 60;        // characters of a bad value echoed in a message
inline constexpr std::size_t kMaxJsonDepth = 64;     // the formats read nest 5 levels at most
inline constexpr std::size_t kMaxCsvColumns = 1000;  // fields split in a header row

// ---- Problems and files

// Collects one file's problems (up to kMaxProblems); the reader throws them as one InputError.
class Problems {
 public:
  explicit Problems(std::string file) : file_(std::move(file)) {}
  // Records an error at `where` (a line, a JSON pointer, or ""); ignored once full().
  void error(std::string where, std::string message);
  bool any() const { return !list_.empty(); }
  bool full() const { return list_.size() >= kMaxProblems; }
  // Throws the collected problems as one InputError (plus a "too many errors" note when full).
  void throw_if_any();

 private:
  std::string file_;
  std::vector<Diagnostic> list_;
};

// The whole file as bytes, refusing directories and files above max_bytes (also when the size is
// unknown beforehand: pipes, /dev files). Opened non-blocking so a FIFO without a writer reads as empty
// instead of hanging; reads then block as usual (process substitution, <(aws ...), works). No
// decompression. Errors: InputError(display_name, "", "cannot read file: <reason>") or
// InputError(display_name, "", "file is larger than N MiB; refusing to read it").
std::string read_file_text(const std::filesystem::path& file, const std::string& display_name,
                           std::uintmax_t max_bytes);

// ---- Positions in text

// 3 when text starts with a UTF-8 byte order mark, else 0: where the content starts.
std::size_t skip_bom(const std::string& text);

// JSON's whitespace: space, tab, line feed, carriage return.
bool is_json_space(char c);

// "line L, column C" (1-based; columns count bytes) of text[index], for positions asked in
// increasing order: each character is scanned once however many documents a file holds.
class LineCounter {
 public:
  explicit LineCounter(const std::string& text) : text_(text) {}
  // The 1-based line of text[index] (index clamped to the text).
  std::size_t line(std::size_t index);
  // "line L, column C" of text[index] (index clamped to the text).
  std::string line_column(std::size_t index);

 private:
  void advance(std::size_t index);
  const std::string& text_;
  std::size_t scanned_ = 0;
  std::size_t line_ = 1;
  std::size_t line_start_ = 0;
};

// ---- CSV

// Whether LineSplitter starts after a UTF-8 byte order mark (CSV readers) or at byte 0 (access logs).
enum class Bom { skipped, kept };

// The lines of a text, split at '\n' with one trailing '\r' dropped; numbered from 1. Blank lines
// are returned too (what counts as blank is the caller's choice).
class LineSplitter {
 public:
  LineSplitter(const std::string& text, Bom bom) : text_(text), pos_(bom == Bom::skipped ? skip_bom(text) : 0) {}
  // The next line into `line`; false at the end of the text.
  bool next(std::string_view& line);
  // The number of the line last returned by next() (0 before the first).
  std::size_t number() const { return number_; }

 private:
  const std::string& text_;
  std::size_t pos_;
  std::size_t number_ = 0;
};

// Splits one CSV line into at most max_fields + 1 fields (more are not split: the caller reports the
// count as wrong). RFC 4180 quoting ("a,b", "" for a quote); no line breaks inside fields; spaces and
// tabs around fields are dropped. False: an unterminated quote.
bool split_csv_line(std::string_view line, std::size_t max_fields, std::vector<std::string>& out);

// Where a column name stands in a header row: the first match, and whether it appears again.
struct ColumnMatch {
  std::optional<std::size_t> index;  // nullopt: not in the header
  bool repeated = false;             // the name appears more than once
};
ColumnMatch find_column(const std::vector<std::string>& header, std::string_view name);

// ---- Concatenated JSON documents

// One past the bracket that closes the document starting at text[begin] ('{' or '['), found by
// matching brackets outside strings; text.size() if it never closes (the parser reports where).
std::size_t document_end(const std::string& text, std::size_t begin);

// Label of the n-th (0-based) JSON document of a file starting on `line`: empty for the first, so a
// one-document file names places by JSON pointer alone; else "document N (line L)".
std::string document_label(std::uint32_t document, std::uint32_t line);

// nlohmann's message without its "[json.exception...] parse error at line 1, column 2: " prefix (its
// position counts from the start of the parsed range, not of the file), at most 200 characters, as
// "invalid JSON: <message>".
std::string syntax_message(const std::string& what);

// An object key as a JSON pointer token (RFC 6901: "~" -> "~0", "/" -> "~1").
std::string escape_pointer_token(std::string_view key);

// ---- Values in messages

// s in double quotes, cut to kMaxQuoted characters plus "..." when longer.
std::string quote_value(std::string_view s);

// A path as messages show it: normalised, '/' separators ("traces/../a.csv" -> "a.csv").
std::string display_path(const std::filesystem::path& p);

// v with `decimals` digits after the point ("%.*f").
std::string format_fixed(double v, int decimals);

// The items with `sep` between them ("a, b, c").
std::string join(const std::vector<std::string>& items, std::string_view sep = ", ");

// Whether two paths name the same file (false when either does not exist or cannot be examined).
bool same_file(const std::filesystem::path& a, const std::filesystem::path& b);

// Shortest text that reads back as the same double ("0.0369", not "0.036900000000000002").
std::string format_number(double v);

// "2024-02-01T10:00:00Z", with milliseconds when there are any ("...:00.250Z").
std::string format_instant(std::int64_t epoch_ms);

// "the string \"x\"", "null", "an object", "an array", "12.5": a JSON value as a message names it
// (numbers and booleans cut to kMaxQuoted characters plus "...").
std::string json_text(const nlohmann::json& v);

// Whether parse_number accepts a leading '+' ("+5"); the readers differ.
enum class LeadingPlus { rejected, accepted };

// A decimal number covering the whole text ("0.036900"); empty text is no number. Not-a-number and
// infinities read as such: callers range-check.
std::optional<double> parse_number(std::string_view text, LeadingPlus plus);

}  // namespace spotsim::text_input
