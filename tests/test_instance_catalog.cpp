// The built-in EC2 catalog (models/instance_catalog.cpp) against its sources: aws-semantics.md §8,
// the SkyPilot catalog subset and the Spot Advisor feed in /work/shared/data (read here, so editing a
// figure in the catalog without its source fails a test).
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "models/instance_catalog.hpp"

namespace spotsim {
namespace {

const std::filesystem::path kData = std::filesystem::path(SPOTSIM_SHARED_DIR) / "data";
const std::vector<std::string> kRegions{"us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-central-1"};

nlohmann::json read_json(const std::filesystem::path& file) {
  std::ifstream in(file);
  REQUIRE(in);
  return nlohmann::json::parse(in);
}

// Size relative to large, for the linear price rule.
double size_factor(const std::string& type) {
  const std::string size = type.substr(type.find('.') + 1);
  const std::map<std::string, double> factors{{"small", 0.25}, {"medium", 0.5}, {"large", 1},
                                              {"xlarge", 2},   {"2xlarge", 4},  {"4xlarge", 8}};
  return factors.at(size);
}

}  // namespace

// aws-semantics.md §8: m5.large On-Demand Linux, us-east-1 $0.096/h, eu-west-1 $0.107/h.
TEST_CASE("m5.large costs 0.096 USD per hour in us-east-1 and 0.107 in eu-west-1") {
  CHECK(catalog_on_demand_price("us-east-1", "m5.large") == Approx(0.096));
  CHECK(catalog_on_demand_price("eu-west-1", "m5.large") == Approx(0.107));
}

// aws-semantics.md §8: c5.large 0.085 / 0.096, t3.small 0.0208 / 0.0228, and AWS's own example of
// c5.2xlarge in us-east-1 at 0.34.
TEST_CASE("c5 and t3 prices agree with the pricing defaults of aws-semantics section 8") {
  CHECK(catalog_on_demand_price("us-east-1", "c5.large") == Approx(0.085));
  CHECK(catalog_on_demand_price("eu-west-1", "c5.large") == Approx(0.096));
  CHECK(catalog_on_demand_price("us-east-1", "t3.small") == Approx(0.0208));
  CHECK(catalog_on_demand_price("eu-west-1", "t3.small") == Approx(0.0228));
  CHECK(catalog_on_demand_price("us-east-1", "c5.2xlarge") == Approx(0.34));
}

// AWS instance specifications: m5 4 GiB per vCPU, c5 2 GiB, r5 8 GiB; t3.small 2 vCPU 2 GiB.
TEST_CASE("instance types carry their vCPU count and memory in MiB") {
  const auto m5 = find_instance_type("m5.large");
  REQUIRE(m5);
  CHECK(m5->name == "m5.large");
  CHECK(m5->vcpu == 2);
  CHECK(m5->memory_mib == 8 * 1024);
  CHECK(find_instance_type("c5.xlarge")->memory_mib == 8 * 1024);
  CHECK(find_instance_type("r5.4xlarge")->vcpu == 16);
  CHECK(find_instance_type("r5.4xlarge")->memory_mib == 128 * 1024);
  CHECK(find_instance_type("t3.small")->memory_mib == 2 * 1024);
  CHECK(find_instance_type("t3.2xlarge")->vcpu == 8);
  CHECK(find_instance_type("c5a.2xlarge")->memory_mib == 16 * 1024);
}

TEST_CASE("lookups need the exact name of a known type and region") {
  CHECK_FALSE(find_instance_type("M5.large"));
  CHECK_FALSE(find_instance_type("m5.large "));
  CHECK_FALSE(find_instance_type("m7g.large"));
  CHECK_FALSE(catalog_on_demand_price("us-east-1", "m5"));
  CHECK_FALSE(catalog_on_demand_price("ap-south-1", "m5.large"));
  CHECK_FALSE(catalog_advisor_bucket("ap-south-1", "m5.large"));
  CHECK_FALSE(catalog_advisor_bucket("us-east-1", "m5.8xlarge"));
}

TEST_CASE("the catalog lists 29 types, each with a price in us-east-1 and eu-west-1") {
  const auto types = catalog_instance_types();
  CHECK(types.size() == 29);
  CHECK(types.front() == "t3.small");
  for (const auto& type : types) {
    INFO(type);
    CHECK(find_instance_type(type));
    CHECK(catalog_on_demand_price("us-east-1", type));
    CHECK(catalog_on_demand_price("eu-west-1", type));
  }
}

// c5a is priced from AWS's published list for us-east-1 and eu-west-1 only (not in the csv).
TEST_CASE("c5a is priced in us-east-1 and eu-west-1 only") {
  CHECK(catalog_on_demand_price("us-east-1", "c5a.large") == Approx(0.077));
  CHECK(catalog_on_demand_price("eu-west-1", "c5a.large") == Approx(0.086));
  CHECK(catalog_on_demand_price("us-east-1", "c5a.4xlarge") == Approx(0.616));
  CHECK_FALSE(catalog_on_demand_price("us-east-2", "c5a.large"));
  CHECK_FALSE(catalog_on_demand_price("eu-central-1", "c5a.xlarge"));
}

// AWS prices these families linearly in size (xlarge = 2 × large, ...); sizes missing from the csv
// were filled in by this rule, the others must follow it too.
TEST_CASE("within a family the price is proportional to the size") {
  for (const auto& type : catalog_instance_types()) {
    const std::string large = type.substr(0, type.find('.')) + ".large";
    for (const auto& region : kRegions) {
      const auto price = catalog_on_demand_price(region, type);
      const auto base = catalog_on_demand_price(region, large);
      if (!price) continue;
      INFO(type << " in " << region);
      REQUIRE(base);
      CHECK(*price == Approx(*base * size_factor(type)).epsilon(1e-9));
    }
  }
}

// Source: /work/shared/data/ec2_catalog/vms_subset.csv (skypilot-catalog v7, column Price).
TEST_CASE("every On-Demand price of the SkyPilot catalog subset equals the catalog's") {
  std::ifstream in(kData / "ec2_catalog" / "vms_subset.csv");
  REQUIRE(in);
  std::string line;
  std::getline(in, line);
  REQUIRE(line.rfind("InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,GpuInfo,Price,", 0) == 0);
  int compared = 0;
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::stringstream fields(line);
    for (std::string cell; std::getline(fields, cell, ',');) f.push_back(cell);
    REQUIRE(f.size() >= 9);
    const std::string &type = f[0], &price = f[6], &region = f[8];
    if (!find_instance_type(type)) continue;  // t3.micro is not in the catalog
    INFO(type << " in " << region);
    const auto ours = catalog_on_demand_price(region, type);
    REQUIRE(ours);
    CHECK(*ours == Approx(std::stod(price)).epsilon(1e-12));
    CHECK(find_instance_type(type)->vcpu == static_cast<int>(std::stod(f[3])));
    CHECK(find_instance_type(type)->memory_mib == static_cast<int>(std::stod(f[4]) * 1024));
    ++compared;
  }
  CHECK(compared == 288);  // 306 rows, one per AZ, minus the 18 of t3.micro
}

// Source: spot-advisor-data.2025-06-28.json, spot_advisor[region]["Linux"][type].r (SP-8).
TEST_CASE("every advisor bucket equals the Linux entry of the 2025-06-28 Spot Advisor feed") {
  const auto feed = read_json(kData / "spot_advisor" / "spot-advisor-data.2025-06-28.json");
  for (const auto& type : catalog_instance_types()) {
    for (const auto& region : kRegions) {
      INFO(type << " in " << region);
      const auto bucket = catalog_advisor_bucket(region, type);
      REQUIRE(bucket);
      CHECK(*bucket == feed.at("spot_advisor").at(region).at("Linux").at(type).at("r").get<int>());
    }
  }
  CHECK(catalog_advisor_bucket("us-east-1", "m5.large") == 3);  // the data README's example
  CHECK(catalog_advisor_bucket("us-east-1", "c5.large") == 0);
}

// The feed's instance_types carry cores (vCPU) and ram_gb for every type.
TEST_CASE("vCPU and memory of every type agree with the Spot Advisor feed") {
  const auto feed = read_json(kData / "spot_advisor" / "spot-advisor-data.2025-06-28.json");
  for (const auto& type : catalog_instance_types()) {
    INFO(type);
    const auto& spec = feed.at("instance_types").at(type);
    CHECK(find_instance_type(type)->vcpu == spec.at("cores").get<int>());
    CHECK(find_instance_type(type)->memory_mib == static_cast<int>(spec.at("ram_gb").get<double>() * 1024));
  }
}

}  // namespace spotsim
