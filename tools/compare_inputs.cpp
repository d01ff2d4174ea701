// `spotsim compare`'s inputs (tools/compare.hpp): the base and the variant, loaded and checked
// before anything runs (design.md § "Bad input and failure": nothing partial).
#include <filesystem>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "tools/compare.hpp"
#include "tools/import_terraform.hpp"
#include "tools/input_error.hpp"
#include "tools/text_input.hpp"

namespace spotsim {
namespace {

namespace fs = std::filesystem;

constexpr const char* kCommand = "spotsim compare";
// A scenario document the Terraform import takes its defaults from; scenario files are small.
constexpr std::uintmax_t kMaxScenarioBytes = 64u << 20;

int ways_given(const CompareInputs& in) {
  return (in.variant_file ? 1 : 0) + (in.set.empty() ? 0 : 1) + (in.terraform_plan ? 1 : 0);
}

using text_input::same_file;

fs::path folder_of(const fs::path& file) {
  const fs::path parent = file.parent_path();
  return parent.empty() ? fs::path(".") : parent;
}

// The resolved scenario without what does not change a run's figures (its name and description):
// two scenarios equal here, with traces resolved against the same folder, simulate the same.
nlohmann::json simulated_part(const Scenario& s) {
  nlohmann::json r = s.resolved;
  if (r.is_object()) {
    r.erase("name");
    r.erase("description");
  }
  return r;
}

ScenarioOptions options_with_seed(const CompareInputs& in, std::optional<std::uint64_t> seed) {
  ScenarioOptions o;
  o.seed = seed;
  o.duration = in.duration;
  return o;
}

ComparePair from_terraform_plan(const CompareInputs& in) {
  const fs::path base_file = in.base_file;
  const std::string shown = base_file.generic_string();
  const nlohmann::json base_doc =
      parse_json_text(text_input::read_file_text(base_file, shown, kMaxScenarioBytes), shown);
  if (!base_doc.is_object())
    throw InputError(shown, "", "expected a scenario object ({\"spotsim\": 1, ...}) to take the plan's defaults from");
  TerraformImport imported = import_terraform_plan(*in.terraform_plan, nlohmann::ordered_json::parse(base_doc.dump()));
  // The seed the pair shares: --seed, else BASE's own (as for the other two ways).
  std::optional<std::uint64_t> seed = in.seed;
  if (!seed && base_doc.contains("seed") && base_doc["seed"].is_number_unsigned()) seed = base_doc["seed"].get<std::uint64_t>();
  const std::string plan = fs::path(*in.terraform_plan).generic_string();
  ComparePair pair{
      load_scenario_text(imported.base.dump(), plan + " (prior state)", base_file.parent_path(), options_with_seed(in, seed)),
      load_scenario_text(imported.variant.dump(), plan + " (planned values)", base_file.parent_path(),
                         options_with_seed(in, seed)),
      "terraform-plan", std::move(imported.changed)};
  return pair;
}

}  // namespace

ComparePair load_compare_pair(const CompareInputs& in) {
  const int ways = ways_given(in);
  if (ways != 1)
    throw InputError(kCommand, "",
                     std::string(ways == 0 ? "no variant given" : "several variants given") +
                         ": give exactly one of a VARIANT scenario file, --set PATH=VALUE overrides of BASE, "
                         "or --terraform-plan PLAN.json");

  ComparePair pair;
  if (in.terraform_plan) {
    pair = from_terraform_plan(in);
  } else {
    pair.base = load_scenario_file(in.base_file, options_with_seed(in, in.seed));
    // Common random numbers: the variant runs with the base's seed whatever its own file says.
    const std::uint64_t seed = pair.base.world.seed;
    if (in.variant_file) {
      if (same_file(in.base_file, *in.variant_file))
        throw InputError(kCommand, "",
                         "BASE and VARIANT are the same file (" + fs::path(*in.variant_file).generic_string() +
                             "): nothing to compare; change it with --set PATH=VALUE instead");
      pair.variant = load_scenario_file(*in.variant_file, options_with_seed(in, seed));
      pair.variant_made_by = "scenario";
    } else {
      ScenarioOptions o = options_with_seed(in, seed);
      o.set = in.set;
      pair.variant = load_scenario_file(in.base_file, o);
      pair.variant_made_by = "set";
      pair.variant_changes = in.set;
    }
  }

  const bool same_folder = !in.variant_file || same_file(folder_of(in.base_file), folder_of(*in.variant_file));
  if (same_folder && simulated_part(pair.base) == simulated_part(pair.variant))
    throw InputError(kCommand, "",
                     pair.variant_made_by == "set"
                         ? "the --set overrides leave BASE as it is: the variant is the base, nothing to compare"
                         : "the base and the variant are the same scenario: nothing to compare");
  return pair;
}

}  // namespace spotsim
