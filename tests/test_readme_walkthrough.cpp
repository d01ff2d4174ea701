// README.md cannot drift from the program (issue "README": "Every example command in the README runs
// in a test"). The rule, stated at the top of README.md's tour as well:
//
//   A ```sh block holds only commands this test runs — lines starting with `spotsim ` — and the two
//   set-up commands `tools/dev.sh run` and `tools/dev.sh test`, which are not run here (.ci/run runs
//   the second itself, and the first builds what this test already uses). Commands a test cannot
//   run (aws, terraform, git, sudo, jq, export ...) go in ```console blocks, program output in
//   ```text blocks. Any other line in a ```sh block fails this test, and so do ```bash/```shell
//   blocks, so nothing runnable-looking escapes the rule.
//
// Each `spotsim` line (`\` continuations joined, `#` comment lines skipped) runs in README order
// through /bin/sh -c with the built binary first on PATH, in one fresh folder shared by all of them,
// where scenarios/ and tests/data/ mirror the repository's: real folders whose files are symlinks,
// so commands read exactly as typed in the repository root, and a command that writes beside an
// input (import terraform's default prefix) writes into the scratch folder, never into the sources.
// A line ending in `# exits N` must exit N (a `check` breach: 1); every other line must exit 0.
//
// The command-line reference is checked against the binary too: every long option that
// `spotsim <command> --help` prints must appear in README.md's "### `spotsim <command> ...`"
// section, so an option added without documentation fails here.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <map>
#include <regex>
#include <set>

#include <catch2/catch.hpp>

#include "tests/tools_test_support.hpp"

extern char** environ;

using namespace spotsim::test;

namespace {

const fs::path kSource = SPOTSIM_SOURCE_DIR;
const fs::path kBinary = SPOTSIM_BINARY;

struct Block {
  std::string info;  // the fence's info string: "sh", "console", "text", "jsonc" ...
  std::size_t line = 0;  // README.md line of the opening fence
  std::vector<std::pair<std::size_t, std::string>> commands;  // (line, command): continuations joined, comments dropped
};

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

std::vector<std::string> readme_lines() {
  std::vector<std::string> out;
  std::istringstream in(read_text(kSource / "README.md"));
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// Fenced blocks (``` at any indentation, as inside list items), in README order.
std::vector<Block> fenced_blocks(const std::vector<std::string>& lines) {
  std::vector<Block> blocks;
  Block* open = nullptr;
  std::string pending;  // a command continued with `\`
  std::size_t pending_line = 0;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string t = trim(lines[i]);
    if (t.rfind("```", 0) == 0) {
      if (open == nullptr) {
        blocks.push_back({trim(t.substr(3)), i + 1, {}});
        open = &blocks.back();
      } else {
        if (!pending.empty()) open->commands.emplace_back(pending_line, pending);
        pending.clear();
        open = nullptr;
      }
      continue;
    }
    if (open == nullptr) continue;
    if (pending.empty() && (t.empty() || t[0] == '#')) continue;
    if (pending.empty()) pending_line = i + 1;
    if (!t.empty() && t.back() == '\\') {
      pending += t.substr(0, t.size() - 1);
      pending += ' ';
      continue;
    }
    pending += t;
    open->commands.emplace_back(pending_line, pending);
    pending.clear();
  }
  return blocks;
}

// The exit status a README line announces with a trailing "# exits N"; 0 otherwise.
int expected_exit(const std::string& command) {
  static const std::regex exits(R"(#\s*exits\s+([0-9]+)\s*$)");
  std::smatch m;
  return std::regex_search(command, m, exits) ? std::stoi(m[1]) : 0;
}

// `--seed` in "spotsim run --seed 7" or "`--seed N`", not in "--seeds" or "--seed-file".
bool has_option(const std::string& text, const std::string& option) {
  const std::regex re("(^|[^A-Za-z0-9-])" + option + "([^A-Za-z0-9-]|$)");
  return std::regex_search(text, re);
}

// scenarios/ and tests/data/ of the repository under `dir`: folders made, files symlinked.
void mirror(const fs::path& relative, const fs::path& dir) {
  for (const auto& entry : fs::recursive_directory_iterator(kSource / relative)) {
    const fs::path target = dir / relative / fs::relative(entry.path(), kSource / relative);
    if (entry.is_directory())
      fs::create_directories(target);
    else {
      fs::create_directories(target.parent_path());
      fs::create_symlink(entry.path(), target);
    }
  }
}

// The environment of a README command: the built binary's folder first on PATH, and nothing that
// would change what a user in a plain shell sees: no array-job shard variables (spotsim sweep would
// run one shard), no GitHub job summary for spotsim check to append to.
std::vector<std::string> command_environment() {
  static const std::set<std::string> dropped = {
      "PATH", "SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT", "SLURM_ARRAY_TASK_MIN", "SLURM_ARRAY_TASK_STEP",
      "AWS_BATCH_JOB_ARRAY_INDEX", "AWS_BATCH_JOB_ARRAY_SIZE", "JOB_COMPLETION_INDEX", "SPOTSIM_SHARD_COUNT",
      "GITHUB_STEP_SUMMARY"};
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry = *e;
    if (dropped.count(entry.substr(0, entry.find('='))) == 0) env.push_back(entry);
  }
  const char* path = std::getenv("PATH");
  std::string p = "PATH=";
  p += kBinary.parent_path().string();
  p += ':';
  p += path != nullptr ? path : "/usr/bin:/bin";
  env.push_back(p);
  return env;
}

// `command` through /bin/sh -c in `dir`, stdout and stderr together, stopped after two minutes
// (coreutils' timeout exits 124 then) so a hanging command fails the test instead of stalling CI.
Run run_in(const fs::path& dir, const std::string& command, const std::vector<std::string>& env) {
  std::vector<std::string> args = {"/usr/bin/timeout", "120", "/bin/sh", "-c", command};
  std::vector<char*> argv, envp;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_copy = env;
  for (auto& e : env_copy) envp.push_back(e.data());
  envp.push_back(nullptr);
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::dup2(fds[1], 1);
    ::dup2(fds[1], 2);
    ::close(fds[0]);
    ::close(fds[1]);
    if (::chdir(dir.c_str()) != 0) ::_exit(126);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  ::close(fds[1]);
  Run r;
  char buf[4096];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) r.output.append(buf, static_cast<std::size_t>(n));
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

// README.md's "### `spotsim <command> ...`" section: from that heading to the next ## or ### one.
std::string command_section(const std::vector<std::string>& lines, const std::string& command) {
  std::string section;
  bool in = false;
  for (const auto& line : lines) {
    if (line.rfind("## ", 0) == 0 || line.rfind("### ", 0) == 0) {
      std::string heading;
      for (char c : line.substr(line.find(' ') + 1))
        if (c != '`') heading += c;
      heading = trim(heading);
      in = line.rfind("### ", 0) == 0 && (heading == command || heading.rfind(command + " ", 0) == 0);
      if (in) continue;
    }
    if (in) section += line + "\n";
  }
  return section;
}

}  // namespace

TEST_CASE("readme: the two set-up commands stand alone in their sh blocks under Quick start", "[readme]") {
  const auto lines = readme_lines();
  // contract.md "Install and first run": each alone in its own fenced block, first the run, then the tests.
  std::vector<std::string> setup;
  for (const Block& b : fenced_blocks(lines))
    for (const auto& [line, command] : b.commands)
      if (b.info == "sh" && command.rfind("tools/dev.sh", 0) == 0) {
        INFO("README.md:" << line << ": " << command);
        CHECK(b.commands.size() == 1);
        setup.push_back(command);
      }
  CHECK(setup == std::vector<std::string>{"tools/dev.sh run", "tools/dev.sh test"});
  const auto quick = std::find(lines.begin(), lines.end(), "## Quick start");
  const auto run = std::find(lines.begin(), lines.end(), "tools/dev.sh run");
  const auto test = std::find(lines.begin(), lines.end(), "tools/dev.sh test");
  REQUIRE(quick != lines.end());
  CHECK(quick < run);
  CHECK(run < test);
  // Nothing but the set-up lies between Quick start and them (no other ## heading in between).
  CHECK(std::none_of(quick + 1, test, [](const std::string& l) { return l.rfind("## ", 0) == 0; }));
}

// [slow]: every command of the page in turn (~32 s under the sanitizers, where each command's own
// tests already run): the Release pass only (tests/CMakeLists.txt).
TEST_CASE("readme: every spotsim command of its sh blocks runs, in order, with the exit status it announces",
          "[readme][cli][slow]") {
  const auto blocks = fenced_blocks(readme_lines());
  const fs::path dir = scratch_dir("readme-walkthrough");
  mirror("scenarios", dir);
  mirror("tests/data", dir);
  const auto env = command_environment();


  std::size_t ran = 0;
  for (const Block& b : blocks) {
    INFO("the block at README.md:" << b.line << " (```" << b.info << ")");
    CHECK(b.info != "bash");  // the rule above: sh (run here) or console (shown only)
    CHECK(b.info != "shell");
    if (b.info != "sh") continue;
    for (const auto& [line, command] : b.commands) {
      INFO("README.md:" << line << ": " << command);
      if (command == "tools/dev.sh run" || command == "tools/dev.sh test") continue;  // CI runs them itself
      // Anything else in a sh block breaks the rule: show it in a ```console block instead.
      const bool spotsim_command = command.rfind("spotsim ", 0) == 0;
      CHECK(spotsim_command);
      if (!spotsim_command) continue;
      const auto start = std::chrono::steady_clock::now();
      const Run r = run_in(dir, command, env);
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      INFO("exit " << r.exit_code << " after " << seconds << " s; output:\n" << r.output);
      CHECK(r.exit_code == expected_exit(command));
      // README commands are quick: a slow one belongs in the README with --duration.
      CHECK(seconds < 60);
      ++ran;
    }
  }
  // The tour alone has more: a README whose blocks lost their `sh` fence must not pass by running nothing.
  CHECK(ran >= 15);
}

TEST_CASE("readme: every long option of every command's --help is in its README command-line section",
          "[readme][cli]") {
  const auto lines = readme_lines();
  static const std::regex option("--[a-z][a-z0-9-]*");
  for (const char* command : {"run", "sweep", "merge", "validate", "import aws", "import terraform", "compare",
                              "check", "report"}) {
    const Run help = run_spotsim(std::string(command) + " --help");
    REQUIRE(help.exit_code == 0);
    const std::string section = command_section(lines, std::string("spotsim ") + command);
    INFO("README.md section ### `spotsim " << command << "`");
    REQUIRE_FALSE(section.empty());
    std::set<std::string> options;
    for (std::sregex_iterator it(help.output.begin(), help.output.end(), option), end; it != end; ++it)
      if (it->str() != "--help") options.insert(it->str());  // every command has it: documented once, above
    for (const auto& o : options) {
      INFO("spotsim " << command << " --help prints " << o);
      CHECK(has_option(section, o));
    }
  }
}
