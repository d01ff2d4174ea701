// `spotsim report DIR` (contract.md "Command line"): (re)build report.html for a run, sweep or compare
// folder from its files (tools/report.hpp). Exit 2 for a folder that is none of these or holds a bad
// file; the old page is left as it was then.
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "tools/cli.hpp"
#include "tools/cli_commands.hpp"
#include "tools/report.hpp"

namespace spotsim {

CliCommand add_report_command(CLI::App& app) {
  struct Options {
    std::vector<std::string> dirs;
    bool quiet = false;
  };
  auto o = std::make_shared<Options>();
  CliCommand c;
  c.app = app.add_subcommand("report", "(re)build report.html for results folders (a run, a sweep or a compare --report)");
  c.app->add_option("dirs", o->dirs, "results folders: what spotsim run, sweep, merge or compare --report wrote")
      ->required()
      ->type_name("DIR");
  c.app->add_flag("--quiet", o->quiet, "print nothing on success");
  c.run = [o](std::ostream& out, std::ostream&) {
    for (const std::string& dir : o->dirs) {
      const auto page = write_report(dir);
      if (!o->quiet) out << "report: " << page.generic_string() << "\n";
    }
    return kExitOk;
  };
  return c;
}

}  // namespace spotsim
