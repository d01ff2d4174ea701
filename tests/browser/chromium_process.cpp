#include "chromium_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "chromium_page.hpp"

extern char** environ;

namespace spotsim::browser {
namespace {

using Clock = std::chrono::steady_clock;

std::filesystem::path make_temp_folder() {
  std::string pattern = (std::filesystem::temp_directory_path() / "spotsim-chromium-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw BrowserError("cannot create a temp folder for Chromium: " + std::string(std::strerror(errno)));
  }
  return pattern;
}

std::string read_all(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// A process on the machine that belongs to this browser: in its process group, or naming its temp
// folder on its command line (Chromium's crashpad handlers leave the group: they start their own
// session, and HOME points into the temp folder so their --database names it).
struct Member {
  pid_t pid;
  bool zombie;
  pid_t parent;
};

std::vector<Member> members_of(pid_t group, const std::string& folder) {
  std::vector<Member> found;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    // /proc/PID/stat: "pid (comm) state ppid pgrp ...", comm may hold spaces and parentheses.
    const std::string stat = read_all(entry.path() / "stat");
    const auto close = stat.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream fields(stat.substr(close + 1));
    char state = 0;
    pid_t parent = 0, pgrp = 0;
    if (!(fields >> state >> parent >> pgrp)) continue;
    const bool mine = pgrp == group || read_all(entry.path() / "cmdline").find(folder) != std::string::npos;
    if (mine) found.push_back({static_cast<pid_t>(std::stoi(name)), state == 'Z', parent});
  }
  return found;
}

}  // namespace

ChromiumProcess::ChromiumProcess(const std::filesystem::path& chromium, int window_width,
                                 int window_height, std::chrono::milliseconds launch_timeout) {
  if (::access(chromium.c_str(), X_OK) != 0) {
    throw BrowserError(chromium.string() +
                       " not found: install Debian's package chromium (tools/dev.sh test does)");
  }
  folder_ = make_temp_folder();
  std::filesystem::create_directories(folder_ / "home");
  // Orphans of the browser (its helpers, once it is killed) are handed to this process rather than
  // to PID 1, so kill_all() reaps them itself instead of leaving zombies behind.
  ::prctl(PR_SET_CHILD_SUBREAPER, 1);

  // Everything the child needs is built before fork(): after it only async-signal-safe calls.
  const std::string window = "--window-size=" + std::to_string(window_width) + "," + std::to_string(window_height);
  std::string profile = "--user-data-dir=";
  profile += (folder_ / "profile").string();
  std::vector<std::string> args = {
      chromium.string(),
      // The four flags.
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
      "--remote-debugging-port=0",  // the browser picks a free port and writes DevToolsActivePort
      profile, "--no-first-run", "--no-default-browser-check", "--disable-extensions", window,
      // The page's requests are blocked through DevTools (chromium_page.cpp); this keeps the
      // browser itself from resolving any host name either: nothing leaves the machine.
      "--host-resolver-rules=MAP * ~NOTFOUND",
      "about:blank"};
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);

  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string_view var(*e);
    if (var.starts_with("HOME=") || var.starts_with("XDG_CONFIG_HOME=") || var.starts_with("XDG_CACHE_HOME=")) continue;
    env_strings.emplace_back(var);
  }
  env_strings.push_back("HOME=" + (folder_ / "home").string());  // crashpad's database, ~/.config, ~/.cache
  std::vector<char*> envp;
  for (auto& var : env_strings) envp.push_back(var.data());
  envp.push_back(nullptr);

  const std::string log = (folder_ / "chromium.log").string();
  const int log_fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (log_fd < 0) throw BrowserError("cannot write " + log + ": " + std::strerror(errno));

  const pid_t harness = ::getpid();
  pid_ = ::fork();
  if (pid_ == 0) {
    ::setpgid(0, 0);
    // Should the test process die without running kill_all() (a crash, ctest's timeout), the
    // browser dies with it; its helpers then quit on losing their browser.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != harness) ::_exit(127);
    const int null_fd = ::open("/dev/null", O_RDONLY);
    ::dup2(null_fd, 0);
    ::dup2(log_fd, 1);
    ::dup2(log_fd, 2);
    ::close_range(3, ~0U, 0);  // no test-runner pipe or socket is inherited by the browser
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  const int fork_errno = errno;
  ::close(log_fd);
  if (pid_ < 0) {
    std::error_code ec;
    std::filesystem::remove_all(folder_, ec);
    throw BrowserError("cannot fork to start Chromium: " + std::string(std::strerror(fork_errno)));
  }
  ::setpgid(pid_, pid_);  // also here, so kill_all() can rely on the group even before exec
  try {
    wait_for_port(launch_timeout);
  } catch (...) {
    kill_all();
    throw;
  }
}

ChromiumProcess::~ChromiumProcess() { kill_all(); }

void ChromiumProcess::wait_for_port(std::chrono::milliseconds launch_timeout) {
  // DevToolsActivePort: the port on the first line, the browser target's path on the second.
  const auto file = folder_ / "profile" / "DevToolsActivePort";
  const auto deadline = Clock::now() + launch_timeout;
  while (Clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -pid_;  // reaped: kill_all() still clears the group it left
      throw BrowserError("Chromium exited at start (status " + std::to_string(status) + "):\n" + log_tail());
    }
    const std::string text = read_all(file);
    if (text.find('\n') != std::string::npos) {
      port_ = std::atoi(text.c_str());
      if (port_ > 0) return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  throw BrowserError("Chromium did not write " + file.string() + " within " +
                     std::to_string(launch_timeout.count()) + " ms:\n" + log_tail());
}

// SIGKILL to the group and to the helpers that left it, then reap: bounded, since a process in
// uninterruptible sleep may take a moment; the temp folder goes once nobody can write into it.
void ChromiumProcess::kill_all() {
  if (pid_ != -1) {
    const pid_t group = pid_ < 0 ? -pid_ : pid_;
    const std::string folder = folder_.string();
    ::kill(-group, SIGKILL);
    const auto deadline = Clock::now() + std::chrono::seconds(5);
    while (Clock::now() < deadline) {
      bool left = false;
      for (const Member& m : members_of(group, folder)) {
        if (!m.zombie) ::kill(m.pid, SIGKILL);
        if (!m.zombie || m.parent == ::getpid()) left = true;
        ::waitpid(m.pid, nullptr, WNOHANG);
      }
      if (!left) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    pid_ = -1;
  }
  std::error_code ec;
  if (!folder_.empty()) std::filesystem::remove_all(folder_, ec);
  folder_.clear();
}

std::string ChromiumProcess::log_tail() const {
  std::istringstream lines(read_all(folder_ / "chromium.log"));
  std::vector<std::string> kept;
  for (std::string line; std::getline(lines, line);) {
    if (line.find("dbus") == std::string::npos) kept.push_back(line);
  }
  std::string tail;
  for (std::size_t i = kept.size() > 20 ? kept.size() - 20 : 0; i < kept.size(); ++i) tail += kept[i] + "\n";
  return tail;
}

}  // namespace spotsim::browser
