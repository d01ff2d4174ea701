#pragma once
#include <string_view>
namespace spotsim {
// The seed article's DemoApiClusterProd scenario, compiled in from scenarios/demo-api-prod.json.
std::string_view default_scenario_json();
}  // namespace spotsim
