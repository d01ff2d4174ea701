#!/usr/bin/env bash
# The README's two commands, from a fresh clone on Debian 12:
#   tools/dev.sh run [ARGS...]   build, then `spotsim run ARGS...` (no ARGS: the embedded default)
#   tools/dev.sh test            build, then the whole test suite (ctest)
# Missing Debian packages are installed when run as root; otherwise the exact apt-get line is
# printed and the script exits 2. SPOTSIM_SANITIZE=1 builds into build-asan/ with AddressSanitizer
# and UndefinedBehaviorSanitizer (-O1 -g1, no benchmarks) instead of build/ (Release).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

packages=(cmake g++ make libboost-graph-dev libeigen3-dev nlohmann-json3-dev libpcg-cpp-dev libcli11-dev
          catch2 libbenchmark-dev zlib1g-dev
          libjs-chart.js  # report.html inlines Debian's Chart.js (tools/embed_text.cmake)
          slurm-wlm munge  # tests/slurm: a private single-node Slurm cluster runs the sweep as an array job
          chromium)  # tests/browser: the HTML reports opened in headless Chromium

usage() {
  echo "usage: tools/dev.sh run [spotsim run arguments...] | tools/dev.sh test" >&2
  exit 2
}

ensure_packages() {
  if ! command -v dpkg >/dev/null 2>&1; then
    echo "dev.sh: no dpkg here (not Debian?): make sure these are installed: ${packages[*]}" >&2
    return
  fi
  local missing=() p
  for p in "${packages[@]}"; do
    dpkg -s "$p" 2>/dev/null | grep -q '^Status: install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return
  if [ "$(id -u)" -eq 0 ]; then
    echo "dev.sh: installing ${missing[*]}" >&2
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
  else
    echo "dev.sh: missing Debian packages: ${missing[*]}" >&2
    echo "install them with:" >&2
    echo "  sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 2
  fi
}

configure_and_build() {  # build dir, build target (empty: everything)
  local dir=$1 target=${2:-}
  if [ "${SPOTSIM_SANITIZE:-0}" = 1 ]; then
    # -O1 -g1: the sanitizers' usual setting; compiles in about half the time of -O2 -g, and still
    # names file:line in reports. The tools and tests build at -O0 (CMakeLists.txt): with them,
    # .ci/run (both builds on 2 cores) stays well inside its 15 minutes. No browser tests: the
    # Release pass already proves the pages, and CI's time is short.
    cmake -S . -B "$dir" -DSPOTSIM_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" -DSPOTSIM_BUILD_BENCH=OFF \
      -DSPOTSIM_BROWSER_TESTS=OFF --log-level=WARNING
  else
    cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release --log-level=WARNING
  fi
  cmake --build "$dir" -j"$(nproc)" ${target:+--target "$target"}
}

[ $# -ge 1 ] || usage
command=$1
shift
build_dir=build
[ "${SPOTSIM_SANITIZE:-0}" = 1 ] && build_dir=build-asan

case "$command" in
  run)
    ensure_packages
    configure_and_build "$build_dir" spotsim
    exec "$build_dir/spotsim" run "$@"
    ;;
  test)
    [ $# -eq 0 ] || usage
    ensure_packages
    configure_and_build "$build_dir"
    exec ctest --test-dir "$build_dir" --output-on-failure -j"$(nproc)"
    ;;
  *)
    usage
    ;;
esac
