// `spotsim import` (contract.md "Command line"): not implemented yet.
#include "tools/cli_commands.hpp"

namespace spotsim {

CliCommand add_import_command(CLI::App& app) { return not_implemented_command(app, "import", "build a scenario from AWS or Terraform output"); }

}  // namespace spotsim
