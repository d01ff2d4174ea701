#pragma once
// Support for reader tests: scratch folders (files written into a fresh folder under the system's
// temp directory, removed at the end of the test), instants written as ISO 8601, and the
// diagnostics a reader throws.
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "sim/sim_time.hpp"
#include "tools/input_error.hpp"

namespace spotsim::test_support {

class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("spotsim-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  // Writes `content` to `name` (sub-folders created), byte for byte.
  std::filesystem::path write(const std::string& name, const std::string& content) const {
    const std::filesystem::path file = path_ / name;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << content;
    return file;
  }
  // `name`.gz made by gzip(1) from `content`.
  std::filesystem::path write_gz(const std::string& name, const std::string& content) const {
    const std::filesystem::path plain = write(name + ".plain", content);
    const std::filesystem::path gz = path_ / (name + ".gz");
    const std::string command = "gzip -c '" + plain.string() + "' > '" + gz.string() + "'";
    REQUIRE(std::system(command.c_str()) == 0);
    std::filesystem::remove(plain);
    return gz;
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Milliseconds since the epoch of an ISO 8601 instant (fails the test if it does not parse).
inline std::int64_t at(const char* iso) {
  const auto ms = parse_iso8601_ms(iso);
  REQUIRE(ms);
  return *ms;
}

// The diagnostics of the InputError `read` throws (fails the test if it throws none).
template <typename Read>
std::vector<Diagnostic> errors_of(Read&& read) {
  try {
    read();
  } catch (const InputError& e) {
    return e.diagnostics();
  }
  FAIL("expected an InputError");
  return {};
}

}  // namespace spotsim::test_support
