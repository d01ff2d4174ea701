// The fuzz targets (tests/fuzz/fuzz_targets.hpp) on every input they were ever given on purpose: the
// seed corpus (tests/fuzz/corpus/<target>/ and the project's files tests/fuzz/seed_dirs.txt names)
// and every input the fuzzer found a bug with (tests/fuzz/regressions/<target>/). Each must end as
// the program's exit 0 or 2: the reader succeeds or throws InputError, which the target swallows;
// any other exception escapes and fails the test, and a memory error fails the sanitizer pass.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/fuzz/fuzz_targets.hpp"

namespace {

namespace fs = std::filesystem;

const fs::path kFuzzSource = fs::path(SPOTSIM_SOURCE_DIR) / "tests" / "fuzz";

std::string fuzz_file_bytes(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The regular files of `dir` (none when it does not exist), sorted.
std::vector<fs::path> fuzz_inputs_in(const fs::path& dir) {
  std::vector<fs::path> files;
  if (!fs::is_directory(dir)) return files;
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.is_regular_file()) files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

// The folders seed_dirs.txt names for `target`.
std::vector<fs::path> fuzz_seed_dirs(const std::string& target) {
  std::vector<fs::path> dirs;
  std::ifstream in(kFuzzSource / "seed_dirs.txt");
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string name, dir;
    if (!(words >> name) || name != target) continue;
    while (words >> dir) dirs.push_back(fs::path(SPOTSIM_SOURCE_DIR) / dir);
  }
  return dirs;
}

void replay_fuzz_inputs(const spotsim::fuzz::FuzzTarget& target, const std::vector<fs::path>& files) {
  for (const fs::path& file : files) {
    INFO("fuzz_" << target.name << " on " << file.string());
    const std::string bytes = fuzz_file_bytes(file);
    CHECK_NOTHROW(target.run(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
  }
}

}  // namespace

TEST_CASE("fuzz: every target replays its seed corpus without an internal error", "[fuzz]") {
  std::size_t replayed = 0;
  for (const auto& target : spotsim::fuzz::fuzz_targets()) {
    std::vector<fs::path> files = fuzz_inputs_in(kFuzzSource / "corpus" / target.name);
    for (const fs::path& dir : fuzz_seed_dirs(target.name)) {
      const auto more = fuzz_inputs_in(dir);
      REQUIRE_FALSE(more.empty());  // a folder seed_dirs.txt names went missing
      files.insert(files.end(), more.begin(), more.end());
    }
    REQUIRE_FALSE(files.empty());  // every target has seeds
    replay_fuzz_inputs(target, files);
    replayed += files.size();
  }
  CHECK(replayed >= spotsim::fuzz::fuzz_targets().size());
}

TEST_CASE("fuzz: every committed regression input ends as success or bad input", "[fuzz]") {
  for (const auto& target : spotsim::fuzz::fuzz_targets())
    replay_fuzz_inputs(target, fuzz_inputs_in(kFuzzSource / "regressions" / target.name));
}

// The targets' own contract: bad input is swallowed (it is the program's exit 2), so a fuzzer only
// stops on real findings.
TEST_CASE("fuzz: targets swallow bad input and empty input", "[fuzz]") {
  const std::string garbage = "{\"not\": [valid";
  for (const auto& target : spotsim::fuzz::fuzz_targets()) {
    INFO("fuzz_" << target.name);
    CHECK(target.run(reinterpret_cast<const std::uint8_t*>(garbage.data()), garbage.size()) == 0);
    CHECK(target.run(nullptr, 0) == 0);
  }
}
