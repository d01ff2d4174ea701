#!/usr/bin/env bash
# The README's two commands, from a fresh clone on Debian 12:
#   tools/dev.sh run [ARGS...]   build, then `spotsim run ARGS...` (no ARGS: the embedded default)
#   tools/dev.sh test            build, then the whole test suite (ctest)
#   tools/dev.sh fuzz [SECONDS [TARGET...]]
#                                build the libFuzzer targets (tests/fuzz/) in build-asan/, then run each
#                                (default: every target) for SECONDS (default 60) from its seeds
# Missing Debian packages are installed when run as root; otherwise the exact apt-get line is
# printed and the script exits 2. SPOTSIM_SANITIZE=1 builds into build-asan/ with clang,
# AddressSanitizer and UndefinedBehaviorSanitizer (-O1 -g1, no benchmarks) instead of build/ (Release,
# g++); its readers (tools/) are instrumented for libFuzzer too, so it holds the fuzz targets.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

packages=(cmake g++ make libboost-graph-dev libeigen3-dev nlohmann-json3-dev libpcg-cpp-dev libcli11-dev
          catch2 libbenchmark-dev zlib1g-dev
          libjs-chart.js  # report.html inlines Debian's Chart.js (tools/embed_text.cmake)
          slurm-wlm munge  # tests/slurm: a private single-node Slurm cluster runs the sweep as an array job
          chromium  # tests/browser: the HTML reports opened in headless Chromium
          clang libclang-rt-14-dev)  # the sanitizer build and the libFuzzer targets (tests/fuzz/)

usage() {
  echo "usage: tools/dev.sh run [spotsim run arguments...] | tools/dev.sh test | tools/dev.sh fuzz [SECONDS [TARGET...]]" >&2
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
    # Release pass already proves the pages, and CI's time is short. clang, so that the same build
    # links the libFuzzer targets (SPOTSIM_FUZZ): a separate fuzz build would not fit in CI's time.
    CXX=clang++ cmake -S . -B "$dir" -DSPOTSIM_SANITIZE=ON -DSPOTSIM_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" -DSPOTSIM_BUILD_BENCH=OFF \
      -DSPOTSIM_BROWSER_TESTS=OFF --log-level=WARNING
  else
    cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release --log-level=WARNING
  fi
  cmake --build "$dir" -j"$(nproc)" ${target:+--target "$target"}
}

# Runs the fuzz targets of build-asan/ for $1 seconds each (the rest: target names; none: all). Each
# starts from tests/fuzz/corpus/<target>/ and the folders tests/fuzz/seed_dirs.txt names, adds what it
# finds to build-asan/fuzz/corpus/<target>/, and writes a crash, timeout or out-of-memory input to
# build-asan/fuzz/artifacts/<target>/. Exits 1 when any target found something.
run_fuzz_targets() {
  local seconds=$1 out=build-asan/fuzz failed=() t
  shift
  local targets=("$@")
  [ ${#targets[@]} -gt 0 ] || targets=(scenario sweep csv_trace cloudwatch_trace spot_price_history spot_price_csv
                                       import_aws import_terraform)
  mkdir -p "$out"
  # A dictionary of the words the readers know: the string literals of tools/ and the seeds' JSON keys.
  grep -aohE '"[A-Za-z][A-Za-z0-9_.:/$-]{1,40}"' tools/*.cpp tests/fuzz/corpus/*/* scenarios/*.json \
    tests/data/import/*/* | sort -u > "$out/spotsim.dict"
  printf '%s\n' '"---8<---"' '"#spec "' '"\\n"' '"1e308"' '"-0"' '"2024-02-05T00:00:00Z"' >> "$out/spotsim.dict"
  for t in "${targets[@]}"; do
    local seeds=() dir
    for dir in "tests/fuzz/corpus/$t" $(awk -v t="$t" '$1 == t { $1 = ""; print }' tests/fuzz/seed_dirs.txt); do
      if [ -d "$dir" ]; then seeds+=("$dir"); fi
    done
    mkdir -p "$out/corpus/$t" "$out/artifacts/$t"
    echo "fuzz_$t: ${seconds} s" >&2
    if ! "build-asan/tests/fuzz/fuzz_$t" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
        -print_final_stats=1 -dict="$out/spotsim.dict" -artifact_prefix="$out/artifacts/$t/" \
        "$out/corpus/$t" "${seeds[@]}" > "$out/$t.log" 2>&1; then
      failed+=("$t")
      tail -n 40 "$out/$t.log" >&2
    fi
    grep -E '^(#[0-9]+[[:space:]]+DONE|stat::number_of_executed_units)' "$out/$t.log" >&2 || true
  done
  if [ ${#failed[@]} -gt 0 ]; then
    echo "dev.sh fuzz: findings in ${failed[*]}: inputs in $out/artifacts/ (tests/fuzz/README.md)" >&2
    return 1
  fi
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
  fuzz)
    seconds=${1:-60}
    [[ "$seconds" =~ ^[0-9]+$ ]] || usage
    if [ $# -gt 0 ]; then shift; fi
    ensure_packages
    SPOTSIM_SANITIZE=1 configure_and_build build-asan fuzz_targets
    run_fuzz_targets "$seconds" "$@"
    ;;
  *)
    usage
    ;;
esac
