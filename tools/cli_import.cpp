// `spotsim import aws FILE...` and `spotsim import terraform PLAN.json` (contract.md "Command line",
// issue 6). Both build scenarios in memory, load them as `validate` would, and only then write:
// bad input, or an import that would not load, writes nothing and exits 2.
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tools/cli.hpp"
#include "tools/cli_commands.hpp"
#include "tools/import_aws.hpp"
#include "tools/import_terraform.hpp"
#include "tools/input_error.hpp"
#include "tools/results_writer.hpp"
#include "tools/scenario.hpp"

namespace spotsim {
namespace {

struct ImportOptions {
  // import aws
  std::vector<std::string> files;
  std::string output;
  std::string name, region, duration;
  std::vector<std::string> attributes, request_count;  // NAME=FILE
  // import terraform
  std::string plan;
  std::string prefix;
  bool quiet = false;
};

std::map<std::string, std::filesystem::path> name_file_pairs(const std::vector<std::string>& items,
                                                             const char* option) {
  std::map<std::string, std::filesystem::path> out;
  for (const auto& item : items) {
    const auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == item.size())
      throw CLI::ValidationError(option, "expected NAME=FILE (a target group's name and a file), found \"" + item + "\"");
    out[item.substr(0, eq)] = item.substr(eq + 1);
  }
  return out;
}

std::string pretty(const nlohmann::ordered_json& doc) { return doc.dump(2) + "\n"; }

// Loads a scenario as `validate` does; its problems (file = where it will be written) are errors.
Scenario check_loads(const nlohmann::ordered_json& doc, const std::filesystem::path& file) {
  const nlohmann::json plain = nlohmann::json::parse(doc.dump());
  std::filesystem::path dir = file.parent_path();
  if (dir.empty()) dir = ".";
  return load_scenario(plain, file.generic_string(), dir);
}

void print_warnings(const Scenario& s, std::ostream& err) {
  for (const auto& w : s.warnings) err << w.str() << "\n";
}

int import_aws_command(const ImportOptions& o, std::ostream& out, std::ostream& err) {
  AwsImportOptions options;
  options.name = o.name;
  options.region = o.region;
  options.duration = o.duration;
  options.target_group_attributes = name_file_pairs(o.attributes, "--target-group-attributes");
  options.request_count = name_file_pairs(o.request_count, "--request-count");
  const bool to_stdout = o.output == "-";
  if (!to_stdout && !o.output.empty()) {
    const auto dir = std::filesystem::path(o.output).parent_path();
    options.output_dir = dir.empty() ? std::filesystem::path(".") : dir;
  }
  std::vector<std::filesystem::path> files(o.files.begin(), o.files.end());
  AwsImport imported = import_aws(files, options);
  const std::string name = imported.scenario.value("name", std::string("imported"));
  const std::filesystem::path file = to_stdout ? std::filesystem::path("-")
                                     : o.output.empty() ? std::filesystem::path(name + ".json")
                                                        : std::filesystem::path(o.output);
  if (to_stdout && !imported.side_files.empty())
    throw CLI::ValidationError("-o", "several describe-spot-price-history outputs are merged into a file beside the "
                                     "scenario: give -o FILE rather than -");

  // The scenario's folder must exist for its relative trace paths to resolve, and the merged price
  // file for the scenario to load; both go again if the scenario does not load.
  std::vector<std::filesystem::path> written;
  std::error_code ec;
  if (!to_stdout && !std::filesystem::exists(options.output_dir, ec)) {
    std::filesystem::create_directories(options.output_dir, ec);
    if (ec) throw InputError(options.output_dir.generic_string(), "", "cannot create the folder: " + ec.message());
    written.push_back(options.output_dir);
  }
  for (const auto& [side, content] : imported.side_files) {
    const auto path = options.output_dir / side;
    write_file_atomically(path, pretty(content));
    written.push_back(path);
  }
  Scenario loaded;
  try {
    loaded = check_loads(imported.scenario, to_stdout ? std::filesystem::path("(stdout)") : file);
  } catch (const InputError&) {
    for (auto p = written.rbegin(); p != written.rend(); ++p) std::filesystem::remove(*p, ec);  // files, then the folder
    err << "spotsim import aws: the imported scenario does not load (nothing written):\n";
    throw;
  }
  if (!o.quiet) {
    for (const auto& a : imported.assumed) err << "assumed: " << a << "\n";
    for (const auto& i : imported.ignored) err << "ignored: " << i << "\n";
    print_warnings(loaded, err);
  }
  if (to_stdout) {
    out << pretty(imported.scenario);
  } else {
    write_file_atomically(file, pretty(imported.scenario));
    if (!o.quiet) out << "wrote " << file.generic_string() << " (scenario " << name << ")\n";
  }
  return kExitOk;
}

int import_terraform_command(const ImportOptions& o, std::ostream& out, std::ostream& err) {
  const std::filesystem::path plan(o.plan);
  TerraformImport imported = import_terraform_plan(plan);
  std::string prefix = o.prefix;
  if (prefix.empty()) prefix = (plan.parent_path() / plan.stem()).generic_string();
  const std::filesystem::path base_file = prefix + ".base.json", planned_file = prefix + ".planned.json";
  std::filesystem::path dir = base_file.parent_path();
  std::error_code ec;
  bool created = false;
  if (!dir.empty() && !std::filesystem::exists(dir, ec)) {
    std::filesystem::create_directories(dir, ec);
    if (ec) throw InputError(dir.generic_string(), "", "cannot create the folder: " + ec.message());
    created = true;
  }
  Scenario base, planned;
  try {
    base = check_loads(imported.base, base_file);
    planned = check_loads(imported.variant, planned_file);
  } catch (const InputError&) {
    if (created) std::filesystem::remove(dir, ec);
    err << "spotsim import terraform: the imported scenarios do not load (nothing written):\n";
    throw;
  }
  if (!o.quiet) {
    for (const auto& a : imported.assumed) err << "assumed: " << a << "\n";
    print_warnings(base, err);
    print_warnings(planned, err);
  }
  write_file_atomically(base_file, pretty(imported.base));
  write_file_atomically(planned_file, pretty(imported.variant));
  if (!o.quiet) {
    out << "changed (" << imported.changed.size() << "):\n";
    for (const auto& c : imported.changed) out << "  " << c << "\n";
    if (imported.changed.empty()) out << "  nothing spotsim simulates\n";
    out << "wrote " << base_file.generic_string() << " (prior state) and " << planned_file.generic_string()
        << " (planned values)\n";
  }
  return kExitOk;
}

}  // namespace

CliCommand add_import_command(CLI::App& app) {
  auto o = std::make_shared<ImportOptions>();
  CliCommand c;
  c.app = app.add_subcommand("import", "build a scenario from AWS CLI outputs or a Terraform plan");
  c.app->require_subcommand(1);

  CLI::App* aws = c.app->add_subcommand("aws", "build a scenario from AWS CLI describe-* JSON outputs");
  aws->add_option("files", o->files, "AWS CLI outputs, recognised by their top-level key: " + aws_import_kinds())
      ->required()
      ->type_name("FILE");
  aws->add_option("-o,--output", o->output, "scenario file to write (default: <name>.json; - for standard output)")
      ->type_name("FILE");
  aws->add_option("--name", o->name, "scenario name (default: the cluster's name)")->type_name("NAME");
  aws->add_option("--region", o->region,
                  "AWS Region (default: the one the ARNs and Availability Zones name, else us-east-1)")
      ->type_name("REGION");
  aws->add_option("--duration", o->duration, "simulated time, e.g. 7d (default 7d)")->type_name("DURATION");
  aws->add_option("--target-group-attributes", o->attributes,
                  "FILE is describe-target-group-attributes output of target group NAME; repeatable")
      ->allow_extra_args(false)
      ->type_name("NAME=FILE");
  aws->add_option("--request-count", o->request_count,
                  "FILE is get-metric-data RequestCount of target group NAME; repeatable")
      ->allow_extra_args(false)
      ->type_name("NAME=FILE");
  aws->add_flag("--quiet", o->quiet, "print nothing on success");

  CLI::App* terraform = c.app->add_subcommand("terraform", "build base and planned scenarios from terraform show -json");
  terraform->add_option("plan", o->plan, "terraform show -json PLAN output")->required()->type_name("FILE");
  terraform->add_option("-o,--output", o->prefix,
                        "writes PREFIX.base.json and PREFIX.planned.json (default: the plan file without its "
                        "extension, beside it)")
      ->type_name("PREFIX");
  terraform->add_flag("--quiet", o->quiet, "print nothing on success");

  c.run = [o, aws, terraform](std::ostream& out, std::ostream& err) {
    if (*aws) return import_aws_command(*o, out, err);
    if (*terraform) return import_terraform_command(*o, out, err);
    err << "spotsim import: expected aws or terraform\n";
    return kExitBadInput;
  };
  return c;
}

}  // namespace spotsim
