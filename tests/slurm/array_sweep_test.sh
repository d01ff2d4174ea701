#!/usr/bin/env bash
# ctest slurm_array_sweep (issue 6, Must show 2): a sweep run as a Slurm array job merges to the same
# bytes as the sweep run in one go.
#   tests/slurm/array_sweep_test.sh SPOTSIM_BINARY SWEEP_FILE WORKDIR
# 1. `spotsim sweep` unsharded into WORKDIR/whole;
# 2. a 3-task array job on a private single-node cluster (slurm_cluster.sh), each task running the same
#    command with no --shard: spotsim takes its shard from SLURM_ARRAY_TASK_ID, _COUNT and _MIN;
# 3. `spotsim merge` of the 3 shard folders; runs.csv and summary.json must equal the unsharded ones.
# Fails loudly (non-zero, daemon logs and job output on stderr) if Slurm cannot start or a task fails.
set -euo pipefail
[ $# -eq 3 ] || { echo "usage: $0 SPOTSIM_BINARY SWEEP_FILE WORKDIR" >&2; exit 2; }
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
abs() { echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; }
SPOTSIM=$(abs "$1")
SWEEP=$(abs "$2")
WORK=$3
rm -rf "$WORK" && mkdir -p "$WORK" && WORK=$(cd "$WORK" && pwd)
# The suite itself may run inside an array job (Slurm, AWS Batch, a Kubernetes Indexed Job): the
# unsharded sweep must not see its shard variables, nor the tasks anything but their own Slurm ones.
unset "${!SLURM_@}" AWS_BATCH_JOB_ARRAY_INDEX AWS_BATCH_JOB_ARRAY_SIZE JOB_COMPLETION_INDEX
export SPOTSIM SWEEP WORK  # the array tasks get the submitter's environment (sbatch's --export=ALL)
# Short runs: the test is about sharding and merging, not the figures (12 runs of 6 h take well under
# a second in a Release build, a few seconds under the sanitizers).
duration=6h

work=$WORK test_name=array_sweep_test
source "$here/with_cluster.sh"

"$SPOTSIM" sweep "$SWEEP" --duration "$duration" -o "$WORK/whole" --quiet ||
  fail "the unsharded sweep failed (exit $?)"

# --array=1-3, not 0-2: task ids need not start at 0, so spotsim must use SLURM_ARRAY_TASK_MIN too.
# Each task first records which task of which job it was, to prove the shards ran under Slurm.
export DURATION=$duration
t0=$SECONDS
job=$(sbatch --parsable --wait --array=1-3 --time=5 --chdir="$WORK" --output="$WORK/slurm-%A_%a.out" \
  --wrap 'echo "$SLURM_ARRAY_JOB_ID $SLURM_ARRAY_TASK_ID $SLURM_ARRAY_TASK_COUNT" > "task-$SLURM_ARRAY_TASK_ID" &&
          exec "$SPOTSIM" sweep "$SWEEP" --duration "$DURATION" -o "$WORK/shard-$SLURM_ARRAY_TASK_ID" --quiet') ||
  fail "the array job failed (sbatch --wait exit $?)"
echo "array_sweep_test: array job $job done in $((SECONDS - t0)) s" >&2

# Each shard ran some of the runs, not all, and together exactly the unsharded sweep's (runs.csv: a
# header, then one line a run).
for f in whole/runs.csv shard-{1,2,3}/runs.csv; do [ -f "$WORK/$f" ] || fail "no $f"; done
rows() { echo $(($(wc -l <"$WORK/$1/runs.csv") - 1)); }
total=0
for id in 1 2 3; do
  [ "$(cat "$WORK/task-$id")" = "$job $id 3" ] || fail "task $id recorded '$(cat "$WORK/task-$id")', not '$job $id 3'"
  n=$(rows "shard-$id")
  [ "$n" -gt 0 ] && [ "$n" -lt "$(rows whole)" ] ||
    fail "shard $id has $n of $(rows whole) runs (was the shard taken from SLURM_ARRAY_TASK_*?)"
  total=$((total + n))
done
[ "$total" = "$(rows whole)" ] || fail "the shards ran $total runs together, the unsharded sweep $(rows whole)"

"$SPOTSIM" merge "$WORK"/shard-1 "$WORK"/shard-2 "$WORK"/shard-3 -o "$WORK/merged" || fail "merge failed (exit $?)"
for f in runs.csv summary.json; do
  cmp "$WORK/whole/$f" "$WORK/merged/$f" || fail "merged $f differs from the unsharded sweep's"
done
echo "array_sweep_test: OK (3 shards of Slurm job $job merged to the unsharded sweep's bytes)" >&2
