#pragma once
// Built-in EC2 facts: instance types (vCPU, memory), On-Demand Linux prices per region, and the Spot
// Instance Advisor interruption-frequency bucket per region and type. Sources and dates are in
// instance_catalog.cpp next to the tables. A scenario's market.prices.onDemand overrides the prices.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spotsim {

struct InstanceTypeInfo {
  std::string name;  // "m5.large"
  int vcpu = 0;
  int memory_mib = 0;  // physical memory, MiB (GiB × 1024)
};

std::optional<InstanceTypeInfo> find_instance_type(std::string_view name);
// All types the catalog knows, in a stable order (for error messages: "expected one of …").
std::vector<std::string> catalog_instance_types();
// On-Demand Linux price in USD per hour.
std::optional<double> catalog_on_demand_price(std::string_view region, std::string_view type);
// Spot Advisor bucket index r (0: <5 %, 1: 5-10 %, 2: 10-15 %, 3: 15-20 %, 4: >20 % of capacity
// reclaimed over the trailing month; aws-semantics.md SP-8).
std::optional<int> catalog_advisor_bucket(std::string_view region, std::string_view type);

}  // namespace spotsim
