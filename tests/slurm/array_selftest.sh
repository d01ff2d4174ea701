#!/usr/bin/env bash
# ctest slurm_array_selftest: the Slurm harness alone, no spotsim. Starts the private cluster, runs a
# 3-task array job whose tasks write what Slurm told them, checks it, stops the cluster.
#   tests/slurm/array_selftest.sh WORKDIR
# Fails loudly (non-zero, daemon logs and job output on stderr) if Slurm cannot start or a task fails.
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 WORKDIR" >&2; exit 2; }
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
work=$1
rm -rf "$work" && mkdir -p "$work" && work=$(cd "$work" && pwd)

unset "${!SLURM_@}"  # an outer allocation's (the suite run inside Slurm) is not this cluster's

test_name=array_selftest
source "$here/with_cluster.sh"

# --array=1-3, not 0-2: the first task id is not always 0, which is why spotsim reads SLURM_ARRAY_TASK_MIN.
t0=$SECONDS
job=$(sbatch --parsable --wait --array=1-3 --time=2 --chdir="$work" --output="$work/slurm-%A_%a.out" \
  --wrap 'echo "$SLURM_ARRAY_JOB_ID $SLURM_ARRAY_TASK_ID $SLURM_ARRAY_TASK_COUNT $SLURM_ARRAY_TASK_MIN" > "task-$SLURM_ARRAY_TASK_ID"') ||
  fail "the array job failed (sbatch --wait exit $?)"
echo "array_selftest: job $job done in $((SECONDS - t0)) s" >&2

for id in 1 2 3; do
  got=$(cat "$work/task-$id")
  [ "$got" = "$job $id 3 1" ] || fail "task $id wrote '$got', expected '$job $id 3 1'"
done
[ "$(ls "$work" | grep -c '^task-')" = 3 ] || fail "not exactly 3 task files: $(ls "$work")"
echo "array_selftest: OK (3 array tasks ran under Slurm job $job)" >&2
