// `spotsim compare` (contract.md "Command line"): not implemented yet.
#include "tools/cli_commands.hpp"

namespace spotsim {

CliCommand add_compare_command(CLI::App& app) { return not_implemented_command(app, "compare", "paired what-if of a base and a variant"); }

}  // namespace spotsim
