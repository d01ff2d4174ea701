// `spotsim compare`'s outputs (tools/compare.hpp): the terminal table and the JSON of every figure.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include <nlohmann/json.hpp>

#include "spotsim/version.hpp"
#include "tools/compare.hpp"

namespace spotsim {
namespace {

std::string number(double v) {
  if (std::isnan(v)) return "n/a";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

std::string signed_number(double v) {
  if (std::isnan(v)) return "n/a";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%+.6g", v);
  return buf;
}

std::string percent(double v) {
  if (!std::isfinite(v)) return "n/a";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%+.1f %%", v * 100);
  return buf;
}

std::string interval(const Estimate& e) {
  if (std::isnan(e.ci95_low) || std::isnan(e.ci95_high)) return "n/a";
  // Appended piecewise: GCC 12 warns (-Wrestrict, a false positive) on `const char* + string`.
  std::string s = "[";
  s += signed_number(e.ci95_low);
  s += ", ";
  s += signed_number(e.ci95_high);
  s += ']';
  return s;
}

std::string describe_variant(const Comparison& c) {
  std::string s = "variant " + c.variant_scenario;
  if (c.variant_made_by == "set") {
    s += " = base with";
    for (const auto& o : c.variant_changes) s += " --set " + o;
  } else if (c.variant_made_by == "terraform-plan") {
    s += " (the plan's planned values; base = its prior state)";
  }
  return s;
}

nlohmann::ordered_json estimate_json(const Estimate& e, bool with_sd) {
  nlohmann::ordered_json j;
  j["mean"] = e.mean;  // NaN is written as null
  if (with_sd) j["sd"] = e.sd;
  j["ci95_low"] = e.ci95_low;
  j["ci95_high"] = e.ci95_high;
  return j;
}

}  // namespace

std::string comparison_table(const Comparison& c) {
  std::vector<const FigureComparison*> rows;
  for (const std::string& name : headline_figures())
    for (const auto& f : c.figures)
      if (f.name == name) rows.push_back(&f);
  const auto& headline = headline_figures();
  for (const auto& f : c.figures)
    if (f.significant() && std::find(headline.begin(), headline.end(), f.name) == headline.end()) rows.push_back(&f);

  std::vector<std::vector<std::string>> cells = {
      {"figure", "base", "variant", "difference", "95 % CI of the difference", "change"}};
  for (const FigureComparison* f : rows)
    cells.push_back({f->name, number(f->base.mean), number(f->variant.mean),
                     signed_number(f->difference.mean) + (f->significant() ? " *" : "  "), interval(f->difference),
                     percent(f->relative_change)});
  std::vector<std::size_t> width(cells[0].size(), 0);
  for (const auto& row : cells)
    for (std::size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());

  std::ostringstream out;
  out << "base " << c.base_scenario << "; " << describe_variant(c) << "\n";
  out << c.settings.replications << " replications each, seed " << c.seed << ", "
      << (c.settings.independent_seeds ? "independent seeds (variant replications " +
                                             std::to_string(c.settings.replications) + "-" +
                                             std::to_string(2 * c.settings.replications - 1) +
                                             "; Welch's interval)"
                                       : std::string("common random numbers (paired interval)"))
      << ", " << c.simulated_seconds << " simulated seconds, " << to_string(c.settings.mode) << "\n\n";
  for (const auto& row : cells) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i) {
      const bool left = i == 0 || i == 4;
      const std::string pad(width[i] - row[i].size(), ' ');
      line += (i == 0 ? "" : "  ") + (left ? row[i] + pad : pad + row[i]);
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out << line << "\n";
  }
  out << "\n* the 95 % interval of the difference excludes 0. Other figures: --json.\n";
  return out.str();
}

std::string comparison_json(const Comparison& c) {
  nlohmann::ordered_json j;
  j["spotsim_version"] = kVersion;
  j["base_scenario"] = c.base_scenario;
  j["variant_scenario"] = c.variant_scenario;
  j["variant_made_by"] = c.variant_made_by;
  j["variant_changes"] = c.variant_changes;
  j["seed"] = c.seed;
  j["replications"] = c.settings.replications;
  j["common_random_numbers"] = !c.settings.independent_seeds;
  j["difference_interval"] = c.settings.independent_seeds ? "welch" : "paired";
  j["mode"] = to_string(c.settings.mode);
  j["simulated_seconds"] = c.simulated_seconds;
  nlohmann::ordered_json figures = nlohmann::ordered_json::object();
  for (const auto& f : c.figures) {
    nlohmann::ordered_json fj;
    fj["base"] = estimate_json(f.base, true);
    fj["variant"] = estimate_json(f.variant, true);
    fj["difference"] = estimate_json(f.difference, !c.settings.independent_seeds);
    fj["relative_change"] = f.relative_change;
    fj["significant"] = f.significant();
    figures[f.name] = std::move(fj);
  }
  j["figures"] = std::move(figures);
  return j.dump(2) + "\n";
}

}  // namespace spotsim
