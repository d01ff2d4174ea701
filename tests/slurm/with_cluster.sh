# Sourced by the Slurm tests (array_selftest.sh, array_sweep_test.sh) after they set `here` (this
# folder), `work` (their work folder) and `test_name`: starts the private cluster (slurm_cluster.sh)
# and exports SLURM_CONF for it; `fail MESSAGE` ends the test. On any exit the cluster is stopped,
# and on a failure the daemons' logs and the jobs' output are printed with the reason last.
cluster=""
failure=""
finish() {
  local rc=$?
  if [ $rc != 0 ]; then
    [ -n "$cluster" ] && "$here/slurm_cluster.sh" logs "$cluster"
    tail -n 20 "$work"/slurm-*.out >&2 2>/dev/null || true
    echo "$test_name: FAILED (exit $rc)${failure:+: $failure}" >&2  # last, below the logs
  fi
  "$here/slurm_cluster.sh" stop "$cluster"
  exit $rc
}
fail() { failure=$*; exit 1; }
trap finish EXIT
trap 'exit 130' INT TERM  # so that finish runs on Ctrl-C or kill too
cluster=$("$here/slurm_cluster.sh" start $$) || fail "the Slurm cluster did not start (see above)"
export SLURM_CONF=$cluster/slurm.conf
