#include "sim/huge_pages.hpp"
#include "tools/cli.hpp"

int main(int argc, char** argv) {
  // The simulation's heap on huge pages, faulted in off its thread (sim/huge_pages.hpp): a
  // program-wide setting of malloc's, so the program makes it, not the library.
  spotsim::huge_pages::enable();
  return spotsim::run_cli(argc, argv);
}
