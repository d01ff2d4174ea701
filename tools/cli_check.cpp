// `spotsim check` (contract.md "Command line"): not implemented yet.
#include "tools/cli_commands.hpp"

namespace spotsim {

CliCommand add_check_command(CLI::App& app) { return not_implemented_command(app, "check", "compare results with thresholds"); }

}  // namespace spotsim
