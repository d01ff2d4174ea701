// libFuzzer's entry point for one target of tests/fuzz/fuzz_targets.hpp: CMake builds this file once
// per target (fuzz_<name>, SPOTSIM_FUZZ=ON, clang) with SPOTSIM_FUZZ_FUNCTION naming its function.
#include <cstddef>
#include <cstdint>

#include "tests/fuzz/fuzz_targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return spotsim::fuzz::SPOTSIM_FUZZ_FUNCTION(data, size);
}
