#include "tools/trace_readers.hpp"

#include <algorithm>
#include <climits>
#include <cmath>
#include <functional>
#include <nlohmann/json.hpp>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/sim_time.hpp"
#include "tools/json_walker.hpp"
#include "tools/text_input.hpp"

namespace spotsim {
namespace {

using Json = nlohmann::json;

// Shared with the load-trace readers (text_input.hpp).
using text_input::document_end;
using text_input::document_label;
using text_input::escape_pointer_token;
using text_input::format_instant;
using text_input::format_number;
using text_input::is_json_space;
using text_input::json_text;
using text_input::kMaxCsvColumns;
using text_input::kMaxJsonDepth;
using text_input::LeadingPlus;
using text_input::LineCounter;
using text_input::parse_number;
using text_input::Problems;
using text_input::quote_value;
using text_input::read_file_text;
using text_input::skip_bom;
using text_input::split_csv_line;
using text_input::syntax_message;

// Limits against hostile or mistaken input (the shared ones are in text_input.hpp). Memory stays
// proportional to the (capped) file size.
constexpr std::size_t kMaxTraceTicks = 50'000'000;  // 47 years at SkyPilot's finest gap (30 s)

// ---------------------------------------------------------------------------------------------
// Values

bool is_valid_price(double usd_per_hour) { return std::isfinite(usd_per_hour) && usd_per_hour >= 0; }

// The product descriptions of Linux spot prices (EC2-Classic's plain and VPC's variant).
bool is_linux_product(std::string_view product) {
  return product == "Linux/UNIX" || product == "Linux/UNIX (Amazon VPC)";
}

const char* const kTimestampExample = "an ISO 8601 timestamp like \"2024-02-01T10:00:00+00:00\"";

// ---------------------------------------------------------------------------------------------
// Spot price records -> step functions per pool

// Where a record came from, to name it in messages.
struct Origin {
  std::uint32_t line = 0;      // CSV: the record's line; JSON: the line its document starts on
  std::uint32_t document = 0;  // JSON: 0-based index of the document in the file
  std::int32_t page = -1;      // JSON: index in a top-level array of pages, -1 if the document is a page
  std::uint32_t record = 0;    // JSON: index in SpotPriceHistory
};

struct PriceRecord {
  std::uint32_t pool = 0;
  std::int64_t epoch_ms = 0;
  double usd_per_hour = 0;
  Origin origin;
};

class PriceTable {
 public:
  explicit PriceTable(std::function<std::string(const Origin&)> describe) : describe_(std::move(describe)) {}

  void add(const std::string& type, const std::string& zone, std::int64_t epoch_ms, double usd_per_hour,
           const Origin& origin) {
    const auto [it, inserted] =
        pool_ids_.try_emplace(type + "/" + zone, static_cast<std::uint32_t>(pool_names_.size()));
    if (inserted) pool_names_.push_back(it->first);
    records_.push_back(PriceRecord{it->second, epoch_ms, usd_per_hour, origin});
  }
  void count_other_product() { ++other_products_; }

  std::map<std::string, StepFunction> build(std::int64_t start_epoch_ms, Problems& problems) {
    if (records_.empty()) {
      problems.error("", "no Linux/UNIX spot price record" + (other_products_ > 0
                                                                  ? " (" + std::to_string(other_products_) +
                                                                        " records of other products skipped)"
                                                                  : std::string()));
      problems.throw_if_any();
    }
    // Stable: records of the same pool and time stay in file order, so messages name the first one.
    std::stable_sort(records_.begin(), records_.end(), [](const PriceRecord& a, const PriceRecord& b) {
      return a.pool != b.pool ? a.pool < b.pool : a.epoch_ms < b.epoch_ms;
    });
    std::vector<StepFunction> by_pool(pool_names_.size());
    const PriceRecord* kept = nullptr;
    for (const PriceRecord& r : records_) {
      if (kept != nullptr && kept->pool == r.pool && kept->epoch_ms == r.epoch_ms) {
        if (kept->usd_per_hour != r.usd_per_hour)  // exact duplicates come from overlapping pages
          problems.error(describe_(r.origin),
                         "conflicting spot prices for " + pool_names_[r.pool] + " at " +
                             format_instant(r.epoch_ms) + ": " + format_number(r.usd_per_hour) + " here, " +
                             format_number(kept->usd_per_hour) + " at " + describe_(kept->origin));
        continue;
      }
      kept = &r;
      SimTime at = 0;
      if (__builtin_sub_overflow(r.epoch_ms, start_epoch_ms, &at)) {
        problems.error(describe_(r.origin), "timestamp too far from the scenario start");
        continue;
      }
      by_pool[r.pool].add(at, r.usd_per_hour);
    }
    problems.throw_if_any();
    std::map<std::string, StepFunction> result;
    for (std::size_t p = 0; p < by_pool.size(); ++p) result.emplace(pool_names_[p], std::move(by_pool[p]));
    return result;
  }

 private:
  std::function<std::string(const Origin&)> describe_;
  std::map<std::string, std::uint32_t> pool_ids_;
  std::vector<std::string> pool_names_;
  std::vector<PriceRecord> records_;
  std::size_t other_products_ = 0;
};

// A pool key is "type/zone": neither part may be empty or hold the separator.
bool is_valid_pool_part(std::string_view s) { return !s.empty() && s.find('/') == std::string_view::npos; }

using text_input::JsonWalker;
using text_input::walk_json;

// ---------------------------------------------------------------------------------------------
// describe-spot-price-history JSON

const char* const kExpectedPage =
    "expected describe-spot-price-history output: an object with a \"SpotPriceHistory\" array, or an "
    "array of such pages";

class SpotPriceHistoryWalker final : public JsonWalker {
 public:
  SpotPriceHistoryWalker(Problems& problems, PriceTable& table) : JsonWalker(problems), table_(table) {}

  void start_page_document(std::uint32_t document, std::uint32_t line, std::string label) {
    start_document(std::move(label));
    document_ = document;
    line_ = line;
    root_is_array_ = in_page_ = in_history_ = in_record_ = false;
  }

 private:
  struct Fields {
    std::optional<std::string> zone, type, product;
    std::optional<double> usd_per_hour;
    std::optional<std::int64_t> epoch_ms;
    bool bad = false;  // a field was reported already
  };

  // Depth of a page object: 0 when the document is a page, 1 in an array of pages. The history array
  // is at page_level() + 1, its records at + 2, their fields at + 3.
  std::size_t page_level() const { return root_is_array_ ? 1 : 0; }
  bool at_history(std::size_t d) const {
    return in_page_ && d == page_level() + 1 && is_key(page_level(), "SpotPriceHistory");
  }

  void on_open(bool array) override {
    const std::size_t d = depth();
    if (d == 0) {
      root_is_array_ = array;
      if (!array) begin_page();
    } else if (root_is_array_ && d == 1) {
      if (array)
        error(kExpectedPage);
      else
        begin_page();
    } else if (at_history(d)) {
      saw_history_ = true;
      if (array)
        in_history_ = true;
      else
        error("expected an array of spot price records, found an object");
    } else if (in_history_ && d == page_level() + 2) {
      if (array)
        error("expected a spot price record (an object), found an array");
      else
        begin_record();
    } else if (in_record_ && d == page_level() + 3 && is_known_field(key_at(page_level() + 2))) {
      error(std::string("expected a ") +
            (key_at(page_level() + 2) == "Timestamp" ? "timestamp string" : "string") + ", found " +
            (array ? "an array" : "an object"));
      fields_.bad = true;
    }
  }

  void on_close() override {
    const std::size_t d = depth();
    if (in_record_ && d == page_level() + 2)
      end_record();
    else if (in_history_ && d == page_level() + 1)
      in_history_ = false;
    else if (in_page_ && d == page_level())
      end_page();
  }

  void on_scalar(const Json& v) override {
    const std::size_t d = depth();
    if (d == 0 || (root_is_array_ && d == 1))
      error(std::string(kExpectedPage) + ", found " + json_text(v));
    else if (at_history(d)) {
      saw_history_ = true;
      error("expected an array of spot price records, found " + json_text(v));
    } else if (in_history_ && d == page_level() + 2)
      error("expected a spot price record (an object), found " + json_text(v));
    else if (in_record_ && d == page_level() + 3)
      field(key_at(page_level() + 2), v);
  }

  static bool is_known_field(const std::string& name) {
    return name == "AvailabilityZone" || name == "InstanceType" || name == "ProductDescription" ||
           name == "SpotPrice" || name == "Timestamp";
  }

  void begin_page() {
    in_page_ = true;
    saw_history_ = false;
  }
  void end_page() {
    in_page_ = false;
    if (!saw_history_) error("missing \"SpotPriceHistory\"; " + std::string(kExpectedPage));
  }
  void begin_record() {
    in_record_ = true;
    fields_ = Fields{};
  }

  std::optional<std::string> text_field(const Json& v, const char* expected, bool pool_part) {
    if (!v.is_string()) {
      error(std::string("expected ") + expected + ", found " + json_text(v));
      fields_.bad = true;
      return std::nullopt;
    }
    const auto& s = v.get_ref<const std::string&>();
    if (pool_part && !is_valid_pool_part(s)) {
      error(std::string("expected ") + expected + ", found " + quote_value(s));
      fields_.bad = true;
      return std::nullopt;
    }
    return s;
  }

  void field(const std::string& name, const Json& v) {
    if (name == "AvailabilityZone") {
      fields_.zone = text_field(v, "an Availability Zone name like \"us-east-1a\"", true);
    } else if (name == "InstanceType") {
      fields_.type = text_field(v, "an instance type like \"m5.large\"", true);
    } else if (name == "ProductDescription") {
      fields_.product = text_field(v, "a product description like \"Linux/UNIX\"", false);
    } else if (name == "SpotPrice") {
      std::optional<double> price;
      if (v.is_string())
        price = parse_number(v.get_ref<const std::string&>(), LeadingPlus::rejected);
      else if (v.is_number())
        price = v.get<double>();
      if (!price) {
        error("expected a price in USD per hour like \"0.036900\", found " + json_text(v));
        fields_.bad = true;
      } else if (!is_valid_price(*price)) {
        error("spot price must be a finite number >= 0, found " + json_text(v));
        fields_.bad = true;
      } else {
        fields_.usd_per_hour = price;
      }
    } else if (name == "Timestamp") {
      std::optional<std::int64_t> ms;
      if (v.is_string()) ms = parse_iso8601_ms(v.get_ref<const std::string&>());
      if (!ms) {
        error(std::string("expected ") + kTimestampExample + ", found " + json_text(v));
        fields_.bad = true;
      }
      fields_.epoch_ms = ms;
    }
  }

  void end_record() {
    in_record_ = false;
    if (fields_.bad) return;
    for (const auto& [present, name] : {std::pair{fields_.zone.has_value(), "AvailabilityZone"},
                                        std::pair{fields_.type.has_value(), "InstanceType"},
                                        std::pair{fields_.usd_per_hour.has_value(), "SpotPrice"},
                                        std::pair{fields_.epoch_ms.has_value(), "Timestamp"}}) {
      if (!present) {
        error(std::string("missing \"") + name + "\"");
        return;
      }
    }
    if (fields_.product && !is_linux_product(*fields_.product)) {
      table_.count_other_product();
      return;
    }
    const Origin origin{line_, document_, root_is_array_ ? static_cast<std::int32_t>(index_at(0)) : -1,
                        static_cast<std::uint32_t>(index_at(page_level() + 1))};
    table_.add(*fields_.type, *fields_.zone, *fields_.epoch_ms, *fields_.usd_per_hour, origin);
  }

  PriceTable& table_;
  std::uint32_t document_ = 0;
  std::uint32_t line_ = 1;
  bool root_is_array_ = false;
  bool in_page_ = false;
  bool saw_history_ = false;
  bool in_history_ = false;
  bool in_record_ = false;
  Fields fields_;
};

std::string json_record_where(const Origin& o) {
  const std::string label = document_label(o.document, o.line);
  const std::string pointer = (o.page >= 0 ? "/" + std::to_string(o.page) : std::string()) +
                              "/SpotPriceHistory/" + std::to_string(o.record);
  return label.empty() ? pointer : label + ": " + pointer;
}

// ---------------------------------------------------------------------------------------------
// CSV

struct CsvColumns {
  std::size_t count = 0;
  std::size_t timestamp = 0, type = 0, price = 0, zone = 0;
  std::optional<std::size_t> product;
};

// Finds the columns by name in the header row; reports what is missing.
std::optional<CsvColumns> read_csv_header(const std::vector<std::string>& header, const std::string& where,
                                          Problems& problems) {
  CsvColumns c;
  c.count = header.size();
  const auto find = [&](std::string_view name) -> std::optional<std::size_t> {
    const auto match = text_input::find_column(header, name);
    if (match.repeated) problems.error(where, "column \"" + std::string(name) + "\" appears twice in the header");
    return match.index;
  };
  std::string missing;
  int missing_count = 0;
  const auto require = [&](std::string_view name, std::size_t& index) {
    if (const auto i = find(name)) {
      index = *i;
    } else {
      missing += (missing.empty() ? "\"" : ", \"") + std::string(name) + "\"";
      ++missing_count;
    }
  };
  require("Timestamp", c.timestamp);
  require("InstanceType", c.type);
  require("SpotPrice", c.price);
  require("AvailabilityZone", c.zone);
  c.product = find("ProductDescription");
  if (!missing.empty()) {
    std::string found;
    for (const auto& name : header) found += (found.empty() ? "" : ", ") + name;
    problems.error(where,
                   (missing_count > 1 ? "missing columns " : "missing column ") + missing +
                       "; the header needs Timestamp, InstanceType, SpotPrice and AvailabilityZone, found " +
                       quote_value(found));
  }
  if (problems.any()) return std::nullopt;
  return c;
}

// Checks that timestamps run one way over the file; the first two distinct ones set the direction.
class OrderCheck {
 public:
  // An error message if `epoch_ms` (on `line`) breaks the order; the last in-order timestamp stays
  // the reference, so one misplaced row is reported once.
  std::optional<std::string> check(std::int64_t epoch_ms, std::size_t line) {
    if (!last_) {
      last_ = epoch_ms;
      last_line_ = line;
      return std::nullopt;
    }
    if (epoch_ms == *last_) return std::nullopt;
    const int step = epoch_ms > *last_ ? 1 : -1;
    if (direction_ == 0) {
      direction_ = step;
      set_by_ = "lines " + std::to_string(last_line_) + " and " + std::to_string(line);
    } else if (step != direction_) {
      return "timestamp " + format_instant(epoch_ms) +
             (step < 0 ? " goes back after " : " goes forward after ") + format_instant(*last_) +
             "; expected timestamps in order (" + (direction_ > 0 ? "oldest first" : "newest first") +
             ", as set by " + set_by_ + ")";
    }
    last_ = epoch_ms;
    last_line_ = line;
    return std::nullopt;
  }

 private:
  std::optional<std::int64_t> last_;
  std::size_t last_line_ = 0;
  int direction_ = 0;
  std::string set_by_;
};

}  // namespace

// ---------------------------------------------------------------------------------------------

std::map<std::string, StepFunction> read_spot_price_history_json(const std::filesystem::path& file,
                                                                 const std::string& display_name,
                                                                 std::int64_t start_epoch_ms) {
  const std::string text = read_file_text(file, display_name, kMaxTraceFileBytes);
  Problems problems(display_name);
  PriceTable table(json_record_where);
  SpotPriceHistoryWalker walker(problems, table);
  LineCounter lines(text);
  // Pages are JSON documents back to back (what a shell loop over `aws ... --starting-token` writes),
  // each either one page or an array of pages.
  std::uint32_t documents = 0;
  std::size_t pos = skip_bom(text);
  for (;;) {
    while (pos < text.size() && is_json_space(text[pos])) ++pos;
    if (pos >= text.size() || problems.full()) break;
    if (text[pos] != '{' && text[pos] != '[') {
      problems.error(
          lines.line_column(pos),
          std::string("invalid JSON: expected '{' or '[' to start a document, found '") + text[pos] + "'");
      break;
    }
    const std::size_t end = document_end(text, pos);
    const auto line = static_cast<std::uint32_t>(lines.line(pos));
    walker.start_page_document(documents, line, document_label(documents, line));
    ++documents;
    if (!walk_json(text, pos, end, walker, lines, problems)) break;  // what follows cannot be trusted
    pos = end;
  }
  if (documents == 0 && !problems.any())
    problems.error("", "empty file: expected the JSON output of aws ec2 describe-spot-price-history");
  problems.throw_if_any();
  return table.build(start_epoch_ms, problems);
}

std::map<std::string, StepFunction> read_spot_price_csv(const std::filesystem::path& file,
                                                        const std::string& display_name,
                                                        std::int64_t start_epoch_ms) {
  const std::string text = read_file_text(file, display_name, kMaxTraceFileBytes);
  Problems problems(display_name);
  PriceTable table([](const Origin& o) { return "line " + std::to_string(o.line); });
  std::optional<CsvColumns> columns;
  std::size_t rows = 0;
  OrderCheck order;
  std::vector<std::string> fields;
  text_input::LineSplitter lines(text, text_input::Bom::skipped);
  std::string_view line;
  while (!problems.full() && lines.next(line)) {
    const std::size_t line_number = lines.number();
    if (line.empty()) continue;  // blank lines carry nothing
    const std::string where = "line " + std::to_string(line_number);
    if (!split_csv_line(line, columns ? columns->count : kMaxCsvColumns, fields)) {
      problems.error(where, "unterminated quoted field");
      if (!columns) break;
      continue;
    }
    if (!columns) {
      columns = read_csv_header(fields, where, problems);
      if (!columns) break;  // nothing else can be read
      continue;
    }
    ++rows;
    if (fields.size() != columns->count) {
      problems.error(where, "expected " + std::to_string(columns->count) +
                                " fields as in the header, found " +
                                (fields.size() > columns->count ? "more" : std::to_string(fields.size())));
      continue;
    }
    const std::string& stamp = fields[columns->timestamp];
    const std::string& price_text = fields[columns->price];
    const std::string& type = fields[columns->type];
    const std::string& zone = fields[columns->zone];
    bool ok = true;
    const auto epoch_ms = parse_iso8601_ms(stamp);
    if (!epoch_ms) {
      problems.error(where,
                     "cannot read timestamp " + quote_value(stamp) + "; expected " + kTimestampExample);
      ok = false;
    } else if (auto message = order.check(*epoch_ms, line_number)) {
      problems.error(where, std::move(*message));
      ok = false;
    }
    const auto price = parse_number(price_text, LeadingPlus::rejected);
    if (!price) {
      problems.error(where, "cannot read spot price " + quote_value(price_text) +
                                "; expected USD per hour like 0.036900");
      ok = false;
    } else if (!is_valid_price(*price)) {
      problems.error(where, "spot price must be a finite number >= 0, found " + quote_value(price_text));
      ok = false;
    }
    if (!is_valid_pool_part(type)) {
      problems.error(where,
                     "expected an instance type like m5.large in InstanceType, found " + quote_value(type));
      ok = false;
    }
    if (!is_valid_pool_part(zone)) {
      problems.error(where, "expected an Availability Zone like us-east-1a in AvailabilityZone, found " +
                                quote_value(zone));
      ok = false;
    }
    if (!ok) continue;
    if (columns->product && !is_linux_product(fields[*columns->product])) {
      table.count_other_product();
      continue;
    }
    table.add(type, zone, *epoch_ms, *price, Origin{static_cast<std::uint32_t>(line_number), 0, -1, 0});
  }
  if (!problems.any()) {
    if (!columns)
      problems.error(
          "", "empty file: expected a header row with Timestamp, InstanceType, SpotPrice, AvailabilityZone");
    else if (rows == 0)
      problems.error("", "no spot price rows after the header");
  }
  problems.throw_if_any();
  return table.build(start_epoch_ms, problems);
}

// ---------------------------------------------------------------------------------------------
// Spot Advisor feed

namespace {

// {"spot_advisor": {region: {"Linux": {type: {"s": savings %, "r": bucket}}}}, "instance_types": ...}
class SpotAdvisorWalker final : public JsonWalker {
 public:
  SpotAdvisorWalker(Problems& problems, std::string region)
      : JsonWalker(problems), region_(std::move(region)) {}

  std::map<std::string, int> buckets;
  bool saw_feed = false, saw_region = false, saw_linux = false;
  std::vector<std::string> regions;  // the feed's, for the message when region_ is not among them

 private:
  // Levels: 0 root, 1 spot_advisor, 2 region, 3 Linux, 4 type entry, 5 its fields.
  bool in_feed() const { return is_key(0, "spot_advisor"); }
  bool in_region() const { return in_feed() && is_key(1, region_); }
  bool in_linux() const { return in_region() && is_key(2, "Linux"); }

  void on_open(bool array) override {
    const std::size_t d = depth();
    const char* const kind = array ? "an array" : "an object";
    if (d == 0 && array) {
      error("expected the Spot Advisor feed, an object with \"spot_advisor\", found an array");
    } else if (d == 1 && in_feed()) {
      saw_feed = true;
      if (array) error("expected an object of regions, found an array");
    } else if (d == 2 && in_feed() && !is_array(1)) {
      if (regions.size() < 100) regions.push_back(key_at(1));
      if (in_region()) {
        saw_region = true;
        if (array) error("expected an object of operating systems, found an array");
      }
    } else if (d == 3 && in_linux()) {
      saw_linux = true;
      if (array) error("expected an object of instance types, found an array");
    } else if (d == 4 && in_linux()) {
      type_open_ = !array;
      type_has_bucket_ = false;
      if (array) error(std::string("expected an object with \"r\", found ") + kind);
    } else if (d == 5 && in_linux() && is_key(4, "r")) {
      error(std::string("expected a bucket index 0-4, found ") + kind);
      type_has_bucket_ = true;  // reported already
    }
  }

  void on_close() override {
    if (depth() == 4 && in_linux() && type_open_) {
      type_open_ = false;
      if (!type_has_bucket_) error("missing \"r\" (interruption-frequency bucket)");
    }
  }

  void on_scalar(const Json& v) override {
    const std::size_t d = depth();
    if (d == 0) {
      error("expected the Spot Advisor feed, an object with \"spot_advisor\", found " + json_text(v));
    } else if ((d == 1 && in_feed()) || (d == 2 && in_region()) || (d == 3 && in_linux())) {
      error("expected an object, found " + json_text(v));
    } else if (d == 4 && in_linux()) {
      error("expected an object with \"r\", found " + json_text(v));
    } else if (d == 5 && in_linux() && is_key(4, "r")) {
      type_has_bucket_ = true;
      const bool ok = v.is_number_integer() && v.get<std::int64_t>() >= 0 && v.get<std::int64_t>() <= 4;
      if (ok)
        buckets[key_at(3)] = v.get<int>();
      else
        error("expected a bucket index 0-4, found " + json_text(v));
    }
  }

  std::string region_;
  bool type_open_ = false;
  bool type_has_bucket_ = false;
};

// {"metadata": {"gap_seconds": G}, "data": [n0, n1, ...]}
class AvailabilityTraceWalker final : public JsonWalker {
 public:
  using JsonWalker::JsonWalker;

  std::optional<SimTime> gap;
  bool saw_data = false;
  std::vector<int> counts;

 private:
  bool at_gap(std::size_t d) const { return d == 2 && is_key(0, "metadata") && is_key(1, "gap_seconds"); }
  bool at_tick(std::size_t d) const { return d == 2 && is_key(0, "data") && is_array(1); }

  void on_open(bool array) override {
    const std::size_t d = depth();
    const std::string found = array ? "an array" : "an object";
    if (d == 0 && array)
      error("expected {\"metadata\": {\"gap_seconds\": G}, \"data\": [...]}, found an array");
    else if (d == 1 && is_key(0, "metadata") && array)
      error("expected an object, found an array");
    else if (d == 1 && is_key(0, "data")) {
      saw_data = true;
      if (!array) error("expected an array of instance counts, found an object");
    } else if (at_gap(d))
      error("expected a number of seconds, found " + found);
    else if (at_tick(d))
      error("expected a count of instances, found " + found);
  }
  void on_close() override {}

  void on_scalar(const Json& v) override {
    const std::size_t d = depth();
    if (d == 0) {
      error("expected {\"metadata\": {\"gap_seconds\": G}, \"data\": [...]}, found " + json_text(v));
    } else if (d == 1 && (is_key(0, "metadata") || is_key(0, "data"))) {
      error(std::string("expected ") + (is_key(0, "data") ? "an array" : "an object") + ", found " +
            json_text(v));
    } else if (at_gap(d)) {
      // Milliseconds, at least 1, at most a year (so offset + k × gap cannot overflow SimTime).
      const double ms = v.is_number() ? std::round(v.get<double>() * 1000) : NAN;
      if (std::isfinite(ms) && ms >= 1 && ms <= static_cast<double>(days(365)))
        gap = static_cast<SimTime>(ms);
      else
        error("expected a positive number of seconds (at most a year), found " + json_text(v));
    } else if (at_tick(d)) {
      tick(v);
    }
  }

  void tick(const Json& v) {
    if (counts.size() >= kMaxTraceTicks) {
      stop("more than " + std::to_string(kMaxTraceTicks) + " ticks; refusing to read further");
      return;
    }
    // Counts are non-negative integers; 2.0 is accepted as 2.
    const double n = v.is_number() ? v.get<double>() : NAN;
    if (n >= 0 && n <= INT_MAX && std::floor(n) == n)
      counts.push_back(static_cast<int>(n));
    else
      error("expected a count of instances (an integer >= 0), found " + json_text(v));
  }
};

// Walks a one-document JSON file, reporting syntax errors at their line and column.
void walk_json_file(const std::string& text, JsonWalker& walker, Problems& problems) {
  LineCounter lines(text);
  const std::size_t begin = skip_bom(text);
  if (text.find_first_not_of(" \t\r\n", begin) == std::string::npos) {
    problems.error("", "empty file: expected JSON");
    return;
  }
  walk_json(text, begin, text.size(), walker, lines, problems);
}

}  // namespace

std::map<std::string, int> read_spot_advisor_buckets(const std::filesystem::path& file,
                                                     const std::string& display_name,
                                                     const std::string& region) {
  const std::string text = read_file_text(file, display_name, kMaxTraceFileBytes);
  Problems problems(display_name);
  SpotAdvisorWalker walker(problems, region);
  walk_json_file(text, walker, problems);
  if (!problems.any()) {
    if (!walker.saw_feed) {
      problems.error("",
                     "not a Spot Instance Advisor feed (spot-advisor-data.json): no \"spot_advisor\" object");
    } else if (!walker.saw_region) {
      std::string known;
      for (const auto& r : walker.regions) known += (known.empty() ? "" : ", ") + r;
      problems.error("/spot_advisor", "no region " + quote_value(region) + "; the feed has " +
                                          (known.empty() ? std::string("none") : known));
    } else if (!walker.saw_linux) {
      problems.error("/spot_advisor/" + escape_pointer_token(region), "no \"Linux\" entries");
    } else if (walker.buckets.empty()) {
      problems.error("/spot_advisor/" + escape_pointer_token(region) + "/Linux", "no instance types");
    }
  }
  problems.throw_if_any();
  return std::move(walker.buckets);
}

AvailabilityTrace read_availability_trace(const std::filesystem::path& file,
                                          const std::string& display_name) {
  const std::string text = read_file_text(file, display_name, kMaxTraceFileBytes);
  Problems problems(display_name);
  AvailabilityTraceWalker walker(problems);
  walk_json_file(text, walker, problems);
  if (!problems.any()) {
    if (!walker.gap) problems.error("/metadata/gap_seconds", "missing: the seconds between ticks");
    if (!walker.saw_data)
      problems.error("/data", "missing: the instance count of every tick");
    else if (walker.counts.empty())
      problems.error("/data", "no ticks");
  }
  problems.throw_if_any();
  AvailabilityTrace trace;
  trace.source = display_name;
  trace.gap = *walker.gap;
  trace.offset = 0;
  trace.loop = true;
  trace.counts = std::move(walker.counts);
  return trace;
}

}  // namespace spotsim
