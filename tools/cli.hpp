#pragma once
// The spotsim command line (contract.md "Command line"). Exit codes: 0 success; 2 bad usage or bad
// input (the message names the file and the place); 3 internal error (a bug, and the message says so).
#include <iosfwd>

namespace spotsim {

inline constexpr int kExitOk = 0;
inline constexpr int kExitBadInput = 2;
inline constexpr int kExitInternalError = 3;

int run_cli(int argc, char** argv);
// Same, writing to the given streams (tests drive the CLI in-process with it).
int run_cli(int argc, char** argv, std::ostream& out, std::ostream& err);

}  // namespace spotsim
