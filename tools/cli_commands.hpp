#pragma once
// The subcommands beside `run` and `validate` (contract.md "Command line"), one file each, all
// registered in one place (tools/cli.cpp's dispatch). A command adds its options to its own
// CLI::App before parsing and keeps their values in state its `run` closure owns; `run` is called
// only when the user chose the command. It returns the exit code (tools/cli.hpp) and may throw
// InputError (exit 2, the message printed) or CLI::ParseError (bad usage, exit 2).
#include <functional>
#include <iosfwd>

#include <CLI/CLI.hpp>

namespace spotsim {

struct CliCommand {
  CLI::App* app = nullptr;
  std::function<int(std::ostream& out, std::ostream& err)> run;
};

CliCommand add_sweep_command(CLI::App& app);    // tools/cli_sweep.cpp
CliCommand add_merge_command(CLI::App& app);    // tools/cli_sweep.cpp
CliCommand add_compare_command(CLI::App& app);  // tools/cli_compare.cpp
CliCommand add_check_command(CLI::App& app);    // tools/cli_check.cpp
CliCommand add_import_command(CLI::App& app);   // tools/cli_import.cpp
CliCommand add_report_command(CLI::App& app);   // tools/cli_report.cpp

// `--seed`: digits only, 0 to 2^63 − 1 (CLI11 would wrap "-1" into an unsigned seed). tools/cli.cpp.
CLI::Validator seed_validator();

// A command that is not built yet: accepts anything, says so, exits 2.
CliCommand not_implemented_command(CLI::App& app, const char* name, const char* what);

}  // namespace spotsim
