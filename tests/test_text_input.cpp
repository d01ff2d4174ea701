// The helpers shared by the trace readers (tools/text_input.hpp): text positions, CSV lines and
// headers, concatenated JSON documents, values in messages, bounded file reading, problem lists.
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "tools/text_input.hpp"
#include "tools_test_support.hpp"

namespace spotsim::text_input {
namespace {

TEST_CASE("text_input: LineCounter gives 1-based lines and byte columns") {
  const std::string text = "ab\ncd\n\nx";
  LineCounter lines(text);
  CHECK(lines.line_column(0) == "line 1, column 1");
  CHECK(lines.line(4) == 2);
  CHECK(lines.line_column(4) == "line 2, column 2");
  CHECK(lines.line_column(7) == "line 4, column 1");
  CHECK(lines.line_column(100) == "line 4, column 2");  // clamped to the end
}

TEST_CASE("text_input: LineSplitter drops CR, numbers lines, and skips a BOM on request") {
  const std::string text = "\xEF\xBB\xBF" "a,b\r\n\nc";
  std::vector<std::string> got;
  std::string_view line;
  LineSplitter skipped(text, Bom::skipped);
  while (skipped.next(line)) got.emplace_back(line);
  CHECK(got == std::vector<std::string>{"a,b", "", "c"});
  CHECK(skipped.number() == 3);
  LineSplitter kept(text, Bom::kept);
  REQUIRE(kept.next(line));
  CHECK(line == "\xEF\xBB\xBF" "a,b");
  CHECK(skip_bom("abc") == 0);
}

TEST_CASE("text_input: split_csv_line quotes, trims, caps and reports unterminated quotes") {
  std::vector<std::string> f;
  REQUIRE(split_csv_line(" a , \"b,c\" ,\"d\"\"e\"", 10, f));
  CHECK(f == std::vector<std::string>{"a", "b,c", "d\"e"});
  REQUIRE(split_csv_line("1,2,3,4", 2, f));
  CHECK(f.size() == 3);  // max_fields + 1, the rest unsplit
  CHECK(!split_csv_line("a,\"b", 10, f));
  const std::vector<std::string> header{"x", "y", "x"};
  CHECK(find_column(header, "y").index == 1u);
  CHECK(!find_column(header, "y").repeated);
  CHECK(find_column(header, "x").index == 0u);
  CHECK(find_column(header, "x").repeated);
  CHECK(!find_column(header, "z").index);
}

TEST_CASE("text_input: document_end matches brackets outside strings") {
  const std::string text = R"({"a": "}\"]"} [1, [2]] {)";
  const std::size_t first = document_end(text, 0);
  CHECK(text.substr(0, first) == R"({"a": "}\"]"})");
  CHECK(text.substr(first + 1, document_end(text, first + 1) - first - 1) == "[1, [2]]");
  CHECK(document_end(text, text.size() - 1) == text.size());
  CHECK(document_label(0, 5).empty());
  CHECK(document_label(2, 7) == "document 3 (line 7)");
  CHECK(escape_pointer_token("a/b~c") == "a~1b~0c");
  CHECK(syntax_message("[json.exception.parse_error.101] parse error at line 1, column 2: unexpected '}'") ==
        "invalid JSON: unexpected '}'");
}

TEST_CASE("text_input: values in messages") {
  CHECK(quote_value("ab") == "\"ab\"");
  CHECK(quote_value(std::string(kMaxQuoted + 5, 'x')) == "\"" + std::string(kMaxQuoted, 'x') + "...\"");
  CHECK(format_number(0.0369) == "0.0369");
  CHECK(format_instant(1'706'781'600'000) == "2024-02-01T10:00:00Z");
  CHECK(format_instant(1'706'781'600'250) == "2024-02-01T10:00:00.250Z");
  CHECK(json_text(nlohmann::json("x")) == "the string \"x\"");
  CHECK(json_text(nlohmann::json::array()) == "an array");
  CHECK(json_text(nlohmann::json(12.5)) == "12.5");
  CHECK(parse_number("0.036900", LeadingPlus::rejected) == 0.0369);
  CHECK(!parse_number("+5", LeadingPlus::rejected));
  CHECK(parse_number("+5", LeadingPlus::accepted) == 5.0);
  CHECK(!parse_number("+", LeadingPlus::accepted));
  CHECK(!parse_number("", LeadingPlus::accepted));
  CHECK(!parse_number("1x", LeadingPlus::rejected));
}

TEST_CASE("text_input: read_file_text caps the size and refuses directories") {
  const auto dir = test::scratch_dir("text_input_read");
  test::write_text(dir / "small.txt", "hello");
  CHECK(read_file_text(dir / "small.txt", "small.txt", 100) == "hello");
  const auto message = [](const auto& f) {
    try {
      f();
    } catch (const InputError& e) {
      return e.diagnostics().front().message;
    }
    return std::string("no error");
  };
  CHECK(message([&] { read_file_text(dir, "dir", 100); }) == "cannot read file: it is a directory");
  CHECK(message([&] { read_file_text(dir / "small.txt", "small.txt", 4); }) ==
        "file is larger than 0 MiB; refusing to read it");
  CHECK(message([&] { read_file_text(dir / "missing.txt", "missing.txt", 100); }).starts_with("cannot read file: "));
}

TEST_CASE("text_input: Problems stops at kMaxProblems and says so") {
  Problems problems("f.csv");
  CHECK_NOTHROW(problems.throw_if_any());
  for (std::size_t i = 0; i < kMaxProblems + 3; ++i) problems.error("line " + std::to_string(i + 1), "bad");
  CHECK(problems.full());
  try {
    problems.throw_if_any();
    FAIL("no throw");
  } catch (const InputError& e) {
    REQUIRE(e.diagnostics().size() == kMaxProblems + 1);
    CHECK(e.diagnostics().back().message == "too many errors; stopped reading after the first 20");
    CHECK(e.diagnostics().front().file == "f.csv");
  }
}

}  // namespace
}  // namespace spotsim::text_input
