// Placeholder until the importer lands (issue 6): see tools/import_terraform.hpp.
#include "tools/import_terraform.hpp"

#include "tools/input_error.hpp"

namespace spotsim {

TerraformImport import_terraform_plan(const std::filesystem::path& plan, const std::optional<nlohmann::ordered_json>&) {
  throw InputError(plan.generic_string(), "", "importing Terraform plans is not implemented yet");
}

}  // namespace spotsim
