#include "models/instance_catalog.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

namespace spotsim {
namespace {

// The regions the price and advisor tables have a column for, in column order.
constexpr std::array<std::string_view, 5> kRegions{"us-east-1", "us-east-2", "us-west-2", "eu-west-1",
                                                   "eu-central-1"};
using PerRegion = std::array<double, kRegions.size()>;
constexpr double kNone = 0;  // no figure for the type in that region

struct TypeRow {
  std::string_view name;
  int vcpu;
  int memory_gib;
};

// vCPU and memory: AWS's instance-type specifications (m5/m6i 4 GiB per vCPU, c5/c6i/c5a 2 GiB,
// r5 8 GiB, t3 as listed); they agree with the Spot Advisor feed's `instance_types` (cores, ram_gb)
// of 2025-06-28 (tests/test_instance_catalog.cpp compares them). The order is the catalog's order.
constexpr std::array<TypeRow, 29> kTypes{{
    {"t3.small", 2, 2},     {"t3.medium", 2, 4},     {"t3.large", 2, 8},      {"t3.xlarge", 4, 16},
    {"t3.2xlarge", 8, 32},  //
    {"m5.large", 2, 8},     {"m5.xlarge", 4, 16},    {"m5.2xlarge", 8, 32},   {"m5.4xlarge", 16, 64},
    {"m6i.large", 2, 8},    {"m6i.xlarge", 4, 16},   {"m6i.2xlarge", 8, 32},  {"m6i.4xlarge", 16, 64},
    {"c5.large", 2, 4},     {"c5.xlarge", 4, 8},     {"c5.2xlarge", 8, 16},   {"c5.4xlarge", 16, 32},
    {"c6i.large", 2, 4},    {"c6i.xlarge", 4, 8},    {"c6i.2xlarge", 8, 16},  {"c6i.4xlarge", 16, 32},
    {"c5a.large", 2, 4},    {"c5a.xlarge", 4, 8},    {"c5a.2xlarge", 8, 16},  {"c5a.4xlarge", 16, 32},
    {"r5.large", 2, 16},    {"r5.xlarge", 4, 32},    {"r5.2xlarge", 8, 64},   {"r5.4xlarge", 16, 128},
}};

// Where a row of kOnDemandPrices comes from.
enum class PriceSource : std::uint8_t {
  // `Price` column of /work/shared/data/ec2_catalog/vms_subset.csv: github.com/skypilot-org/
  // skypilot-catalog catalogs/v7/aws/vms.csv at commit 001367d22a0033fac286a8c71aeac7109e431bcb
  // (date not recorded; the file lists i7i, so 2025-04 or later), On-Demand Linux USD/h.
  csv,
  // Not in that csv: the family's large price from the csv, scaled linearly with size
  // (xlarge = 2 ×, 2xlarge = 4 ×, 4xlarge = 8 × large; t3.2xlarge = 2 × t3.xlarge). AWS prices
  // these families linearly, as every size the csv does have shows (c5 up to 4xlarge, t3).
  linear,
  // c5a is not in the csv: AWS's published On-Demand price of c5a.large (us-east-1 0.077,
  // eu-west-1 0.086; corroborated for us-east-1 by several third-party price tables), scaled
  // linearly. No figure for the other regions.
  aws_published,
};

struct PriceRow {
  std::string_view type;
  PerRegion usd_per_hour;  // columns as kRegions; kNone = unknown
  PriceSource source;
};

// On-Demand Linux USD/h. Cross-checked against aws-semantics.md §8: m5.large 0.096 (us-east-1),
// 0.107 (eu-west-1); c5.large 0.085 / 0.096; t3.small 0.0208 / 0.0228; c5.2xlarge us-east-1 0.34.
//        type             us-east-1 us-east-2 us-west-2 eu-west-1 eu-central-1
constexpr std::array<PriceRow, 29> kOnDemandPrices{{
    {"t3.small",    {0.0208, 0.0208, 0.0208, 0.0228, 0.024}, PriceSource::csv},
    {"t3.medium",   {0.0416, 0.0416, 0.0416, 0.0456, 0.048}, PriceSource::csv},
    {"t3.large",    {0.0832, 0.0832, 0.0832, 0.0912, 0.096}, PriceSource::csv},
    {"t3.xlarge",   {0.1664, 0.1664, 0.1664, 0.1824, 0.192}, PriceSource::csv},
    {"t3.2xlarge",  {0.3328, 0.3328, 0.3328, 0.3648, 0.384}, PriceSource::linear},
    {"m5.large",    {0.096,  0.096,  0.096,  0.107,  0.115}, PriceSource::csv},
    {"m5.xlarge",   {0.192,  0.192,  0.192,  0.214,  0.23},  PriceSource::csv},
    {"m5.2xlarge",  {0.384,  0.384,  0.384,  0.428,  0.46},  PriceSource::linear},
    {"m5.4xlarge",  {0.768,  0.768,  0.768,  0.856,  0.92},  PriceSource::linear},
    {"m6i.large",   {0.096,  0.096,  0.096,  0.107,  0.115}, PriceSource::csv},
    {"m6i.xlarge",  {0.192,  0.192,  0.192,  0.214,  0.23},  PriceSource::csv},
    {"m6i.2xlarge", {0.384,  0.384,  0.384,  0.428,  0.46},  PriceSource::linear},
    {"m6i.4xlarge", {0.768,  0.768,  0.768,  0.856,  0.92},  PriceSource::linear},
    {"c5.large",    {0.085,  0.085,  0.085,  0.096,  0.097}, PriceSource::csv},
    {"c5.xlarge",   {0.17,   0.17,   0.17,   0.192,  0.194}, PriceSource::csv},
    {"c5.2xlarge",  {0.34,   0.34,   0.34,   0.384,  0.388}, PriceSource::csv},
    {"c5.4xlarge",  {0.68,   0.68,   0.68,   0.768,  0.776}, PriceSource::csv},
    {"c6i.large",   {0.085,  0.085,  0.085,  0.0912, 0.097}, PriceSource::csv},
    {"c6i.xlarge",  {0.17,   0.17,   0.17,   0.1824, 0.194}, PriceSource::csv},
    {"c6i.2xlarge", {0.34,   0.34,   0.34,   0.3648, 0.388}, PriceSource::linear},
    {"c6i.4xlarge", {0.68,   0.68,   0.68,   0.7296, 0.776}, PriceSource::linear},
    {"c5a.large",   {0.077,  kNone,  kNone,  0.086,  kNone}, PriceSource::aws_published},
    {"c5a.xlarge",  {0.154,  kNone,  kNone,  0.172,  kNone}, PriceSource::aws_published},
    {"c5a.2xlarge", {0.308,  kNone,  kNone,  0.344,  kNone}, PriceSource::aws_published},
    {"c5a.4xlarge", {0.616,  kNone,  kNone,  0.688,  kNone}, PriceSource::aws_published},
    {"r5.large",    {0.126,  0.126,  0.126,  0.141,  0.152}, PriceSource::csv},
    {"r5.xlarge",   {0.252,  0.252,  0.252,  0.282,  0.304}, PriceSource::csv},
    {"r5.2xlarge",  {0.504,  0.504,  0.504,  0.564,  0.608}, PriceSource::linear},
    {"r5.4xlarge",  {1.008,  1.008,  1.008,  1.128,  1.216}, PriceSource::linear},
}};

struct BucketRow {
  std::string_view type;
  std::array<int, kRegions.size()> bucket;  // columns as kRegions
};

// Spot Instance Advisor interruption-frequency bucket r (aws-semantics.md SP-8) of the Linux entry,
// spot_advisor[region]["Linux"][type].r, in /work/shared/data/spot_advisor/
// spot-advisor-data.2025-06-28.json = github.com/alexei-led/spotinfo internal/spot/data/
// spot-advisor-data.json at commit 5eedf20a99614443af215f4aaf09bd10805cac72 (2025-06-28), AWS's
// public feed https://spot-bid-advisor.s3.amazonaws.com/spot-advisor-data.json. The buckets move
// month to month; a scenario can point at a newer feed instead.
//        type          us-east-1 us-east-2 us-west-2 eu-west-1 eu-central-1
constexpr std::array<BucketRow, 29> kAdvisorBuckets{{
    {"t3.small",    {0, 2, 0, 0, 0}},
    {"t3.medium",   {0, 1, 0, 0, 0}},
    {"t3.large",    {1, 0, 1, 0, 0}},
    {"t3.xlarge",   {2, 1, 2, 0, 0}},
    {"t3.2xlarge",  {2, 0, 1, 0, 0}},
    {"m5.large",    {3, 3, 2, 1, 4}},
    {"m5.xlarge",   {4, 4, 3, 2, 4}},
    {"m5.2xlarge",  {2, 4, 3, 1, 4}},
    {"m5.4xlarge",  {3, 4, 4, 2, 4}},
    {"m6i.large",   {2, 4, 1, 0, 4}},
    {"m6i.xlarge",  {1, 1, 2, 1, 3}},
    {"m6i.2xlarge", {4, 4, 4, 1, 4}},
    {"m6i.4xlarge", {4, 4, 4, 4, 4}},
    {"c5.large",    {0, 1, 0, 0, 2}},
    {"c5.xlarge",   {0, 4, 0, 0, 4}},
    {"c5.2xlarge",  {1, 4, 1, 0, 4}},
    {"c5.4xlarge",  {4, 4, 4, 1, 4}},
    {"c6i.large",   {1, 4, 1, 0, 3}},
    {"c6i.xlarge",  {3, 2, 4, 2, 4}},
    {"c6i.2xlarge", {1, 4, 3, 4, 4}},
    {"c6i.4xlarge", {3, 4, 4, 4, 4}},
    {"c5a.large",   {1, 1, 0, 0, 3}},
    {"c5a.xlarge",  {0, 2, 0, 0, 3}},
    {"c5a.2xlarge", {2, 4, 1, 0, 3}},
    {"c5a.4xlarge", {1, 1, 4, 0, 4}},
    {"r5.large",    {0, 3, 2, 1, 4}},
    {"r5.xlarge",   {3, 4, 4, 1, 4}},
    {"r5.2xlarge",  {4, 4, 4, 3, 4}},
    {"r5.4xlarge",  {4, 4, 4, 2, 4}},
}};

std::optional<std::size_t> region_column(std::string_view region) {
  for (std::size_t i = 0; i < kRegions.size(); ++i)
    if (kRegions[i] == region) return i;
  return std::nullopt;
}

// Linear search by exact name: the tables are small and read at load time only.
template <typename Row>
const Row* find_row(const auto& table, std::string_view name) {
  for (const Row& row : table)
    if (row.type == name) return &row;
  return nullptr;
}

}  // namespace

std::optional<InstanceTypeInfo> find_instance_type(std::string_view name) {
  for (const TypeRow& row : kTypes)
    if (row.name == name) return InstanceTypeInfo{std::string(row.name), row.vcpu, row.memory_gib * 1024};
  return std::nullopt;
}

std::vector<std::string> catalog_instance_types() {
  std::vector<std::string> names;
  names.reserve(kTypes.size());
  for (const TypeRow& row : kTypes) names.emplace_back(row.name);
  return names;
}

std::optional<double> catalog_on_demand_price(std::string_view region, std::string_view type) {
  const auto column = region_column(region);
  const PriceRow* row = find_row<PriceRow>(kOnDemandPrices, type);
  if (!column || !row || row->usd_per_hour[*column] == kNone) return std::nullopt;
  return row->usd_per_hour[*column];
}

std::optional<int> catalog_advisor_bucket(std::string_view region, std::string_view type) {
  const auto column = region_column(region);
  const BucketRow* row = find_row<BucketRow>(kAdvisorBuckets, type);
  if (!column || !row) return std::nullopt;
  return row->bucket[*column];
}

}  // namespace spotsim
