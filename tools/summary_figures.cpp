#include "tools/summary_figures.hpp"

#include <algorithm>
#include <limits>

namespace spotsim {
namespace {

void collect(const nlohmann::ordered_json& node, const std::string& prefix, std::vector<Figure>& out) {
  for (auto it = node.begin(); it != node.end(); ++it) {
    const std::string name = prefix.empty() ? it.key() : prefix + "." + it.key();
    const auto& v = it.value();
    if (v.is_object()) {
      collect(v, name, out);
    } else if (v.is_number()) {
      out.push_back({name, v.get<double>()});
    } else if (v.is_null()) {
      out.push_back({name, std::numeric_limits<double>::quiet_NaN()});
    }
    // strings, booleans and arrays (e.g. scaling.instance_refreshes, not_simulated) are not figures
  }
}

}  // namespace

std::vector<Figure> summary_figures(const nlohmann::ordered_json& summary) {
  std::vector<Figure> out;
  nlohmann::ordered_json copy = summary;
  for (const char* identity : {"seed", "replication"}) copy.erase(identity);
  collect(copy, "", out);
  return out;
}

bool has_figure(const std::vector<Figure>& figures, const std::string& name) {
  return std::any_of(figures.begin(), figures.end(), [&](const Figure& f) { return f.name == name; });
}

}  // namespace spotsim
