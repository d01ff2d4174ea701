// `spotsim report` (contract.md "Command line"): not implemented yet.
#include "tools/cli_commands.hpp"

namespace spotsim {

CliCommand add_report_command(CLI::App& app) { return not_implemented_command(app, "report", "(re)build report.html for a results folder"); }

}  // namespace spotsim
