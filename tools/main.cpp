#include "tools/cli.hpp"

int main(int argc, char** argv) { return spotsim::run_cli(argc, argv); }
