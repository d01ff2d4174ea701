// `spotsim sweep` and `spotsim merge` (contract.md "Command line"): not implemented yet.
#include "tools/cli_commands.hpp"

namespace spotsim {

CliCommand add_sweep_command(CLI::App& app) {
  return not_implemented_command(app, "sweep", "run a grid of settings x replications");
}
CliCommand add_merge_command(CLI::App& app) {
  return not_implemented_command(app, "merge", "merge shard folders of one sweep");
}

}  // namespace spotsim
