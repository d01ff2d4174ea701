#pragma once
// One headless Chromium, started with a fresh profile in its own temp folder and its own process
// group, and killed with everything it started when this object goes (RAII).
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <string>

namespace spotsim::browser {

class ChromiumProcess {
 public:
  // Starts `chromium` (throws BrowserError when it is missing or cannot be started) and waits at most
  // `launch_timeout` for it to publish its DevTools port.
  ChromiumProcess(const std::filesystem::path& chromium, int window_width, int window_height,
                  std::chrono::milliseconds launch_timeout);
  ~ChromiumProcess();
  ChromiumProcess(const ChromiumProcess&) = delete;
  ChromiumProcess& operator=(const ChromiumProcess&) = delete;

  int devtools_port() const { return port_; }
  // The end of the browser's stderr (DBus noise left out), for failure messages.
  std::string log_tail() const;

 private:
  void wait_for_port(std::chrono::milliseconds launch_timeout);
  void kill_all();

  std::filesystem::path folder_;  // profile, HOME, log: removed at the end
  pid_t pid_ = -1;                // also the process group id
  int port_ = 0;
};

}  // namespace spotsim::browser
