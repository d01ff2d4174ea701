#!/usr/bin/env bash
# A throwaway single-node Slurm cluster (Debian 12's slurm-wlm 22.05) for the test suite.
#
#   dir=$(tests/slurm/slurm_cluster.sh start $$)  # prints the cluster's private directory on stdout
#   export SLURM_CONF=$dir/slurm.conf            # every Slurm command must see this
#   tests/slurm/slurm_cluster.sh logs "$dir"     # the daemons' last log lines, on stderr
#   tests/slurm/slurm_cluster.sh stop "$dir"     # kills what start started, removes the directory
#
# Everything lives in a fresh `mktemp -d` directory: configuration, munge key and socket, state, spool,
# logs, pid files. Ports are picked free at random, so two clusters (Release and ASan ctest runs, or two
# engineers on one machine) never clash, and nothing under /etc, /run or /var is touched: the system's
# own munge/slurmd/slurmctld services (which Debian enables on install) can run beside it. No systemd is
# needed: the daemons run in the foreground (-D, -F) in their own session, one pid file each.
#
# A watchdog stops the cluster when the owner (start's argument, the test script's $$; default: start's
# parent) dies, even by SIGKILL (ctest's timeout), when no `trap` can run.
#
# start fails loudly (non-zero, the daemons' logs on stderr) if the cluster is not up within
# SPOTSIM_SLURM_TIMEOUT seconds (default 30). It needs root: slurmd must be root to start jobs as the
# submitting user.
set -euo pipefail

die() { echo "slurm_cluster.sh: $*" >&2; exit 1; }

pid_files() { ls "$1"/*.pid 2>/dev/null || true; }

# Kill every daemon that has a pid file in DIR (TERM, then KILL after 5 s), then remove DIR.
stop_cluster() {
  local dir=$1 f pid i
  [ -n "$dir" ] && [ -d "$dir" ] || return 0
  [ -f "$dir/slurm.conf" ] || die "stop: $dir is not a cluster directory made by start"
  # Jobs still running (a test that failed or was killed) first: their slurmstepd would outlive slurmd.
  export SLURM_CONF=$dir/slurm.conf
  if kill -0 "$(cat "$dir/slurmctld.pid" 2>/dev/null)" 2>/dev/null && [ -n "$(timeout 5 squeue -h 2>/dev/null)" ]; then
    timeout 5 scancel --quiet --full "--user=$(id -u)" 2>/dev/null || true
    for i in $(seq 50); do [ -z "$(timeout 5 squeue -h 2>/dev/null)" ] && break; sleep 0.1; done
  fi
  for f in $(pid_files "$dir"); do
    pid=$(cat "$f" 2>/dev/null) && [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  done
  for i in $(seq 50); do
    local alive=0
    for f in $(pid_files "$dir"); do
      pid=$(cat "$f" 2>/dev/null) && [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && alive=1
    done
    [ $alive = 0 ] && break
    [ "$i" = 50 ] && for f in $(pid_files "$dir"); do kill -9 "$(cat "$f")" 2>/dev/null || true; done
    sleep 0.1
  done
  rm -rf "$dir"
}

# The daemons' logs, last lines of each (NAME.out, their stderr, only where there is no NAME.log).
print_logs() {
  local f
  for f in "$1"/log/*; do
    [ -f "$f" ] || continue
    [ "${f%.out}" != "$f" ] && [ -s "${f%.out}.log" ] && continue
    echo "----- $f (last 40 lines)" >&2
    tail -n 40 "$f" >&2
  done
}

# A TCP port nobody listens on or talks to (/proc/net/tcp{,6} list ports in hex), below Linux's
# ephemeral range (32768+) so no outgoing connection takes it meanwhile.
free_port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 12000))
    [ "$p" != "${1:-}" ] || continue
    grep -qi ":$(printf '%04X' "$p") " /proc/net/tcp /proc/net/tcp6 2>/dev/null || { echo "$p"; return; }
  done
}

# Run DAEMON ARGS... detached (own session, no terminal, stdout/stderr to log/NAME.out, so that
# `$(slurm_cluster.sh start)` does not wait for it) and write its pid to NAME.pid.
spawn() {
  local name=$1; shift
  setsid "$@" </dev/null >"$dir/log/$name.out" 2>&1 &
  echo $! >"$dir/$name.pid"
}

start_cluster() {
  [ "$(id -u)" -eq 0 ] || die "needs root (slurmd starts jobs as the submitting user; run the tests as root, e.g. sudo tools/dev.sh test)"
  local cmd
  for cmd in munged mungekey slurmctld slurmd sinfo sbatch; do
    command -v "$cmd" >/dev/null 2>&1 || PATH=$PATH:/usr/sbin:/sbin command -v "$cmd" >/dev/null 2>&1 ||
      die "'$cmd' not found: install Debian's slurm-wlm and munge (apt-get install slurm-wlm munge; tools/dev.sh does it)"
  done
  export PATH=$PATH:/usr/sbin:/sbin

  # /tmp, not $TMPDIR: the munge socket's path must fit a sockaddr_un (108 bytes).
  dir=$(mktemp -d /tmp/spotsim-slurm.XXXXXX)
  trap 'rc=$?; if [ $rc != 0 ]; then print_logs "$dir"; stop_cluster "$dir"; fi' EXIT
  mkdir -p "$dir"/{log,munge,state,spool}

  # Authentication. Slurm 22.05 still ships auth/none, but with it anyone who can reach the ports could
  # run commands as root for the life of the test; munge, the only real option, costs one extra daemon.
  # A private munged with its own key and socket: the system's munged may be absent, down (no systemd
  # in a container) or hold another key. munged runs as root without complaint, but checks the paths
  # of its key (owner-only) and socket (directories searchable by all: 711); -f turns a failed check
  # into a warning, so that an unusual /tmp cannot stop the test (the key is private to $dir anyway).
  chmod 711 "$dir" "$dir/munge"
  mungekey --create --keyfile="$dir/munge/munge.key"
  chmod 400 "$dir/munge/munge.key"
  local socket=$dir/munge/munge.socket
  spawn munged munged -F -f --socket="$socket" --key-file="$dir/munge/munge.key" \
    --pid-file="$dir/munge/munged.pid.own" --log-file="$dir/log/munged.log" --seed-file="$dir/munge/munged.seed"

  local host ctld_port slurmd_port cpus mem
  host=$(hostname -s)
  ctld_port=$(free_port)
  slurmd_port=$(free_port "$ctld_port")
  cpus=$(nproc)
  mem=$(awk '/^MemTotal:/ { print int($2 / 1024 / 2) }' /proc/meminfo)  # MB; half, never more than there is
  cat >"$dir/slurm.conf" <<EOF
# Generated by tests/slurm/slurm_cluster.sh: a private single-node cluster, everything under $dir.
ClusterName=spotsim-test
# The node and the controller are this host, reached on loopback (no DNS needed).
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
# munge through the private munged's socket (auth and job credentials alike).
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$socket
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid.own
SlurmdPidFile=$dir/slurmd.pid.own
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
# No cgroups: containers rarely give a writable cgroup hierarchy. linuxproc tracks a job's processes
# through /proc parentage, which is all a test needs; task/none does no CPU binding.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
MailProg=/bin/true
# One CPU per array task, the node's CPUs shared between tasks (memory not tracked).
SchedulerType=sched/builtin
SchedulerParameters=batch_sched_delay=0
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
# A node that was down comes back by itself; the configured CPUs/memory win over what slurmd detects
# (no "Low RealMemory" drain in a container that reports its host's hardware).
ReturnToService=2
SlurmdParameters=config_overrides
# Finished jobs are forgotten after MinJobAge s; below 4 s, sbatch --wait polls every 2 s instead of
# backing off to 8 and 32 s (it scales its poll interval with MinJobAge).
MinJobAge=4
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
  export SLURM_CONF=$dir/slurm.conf

  spawn slurmctld slurmctld -D -f "$SLURM_CONF"
  spawn slurmd slurmd -D -f "$SLURM_CONF"

  # Watchdog: stop the cluster once our caller is gone (see the header).
  local owner=${1:-$PPID} self
  self=$(readlink -f "${BASH_SOURCE[0]}")
  setsid bash -c 'while kill -0 '"$owner"' 2>/dev/null && [ -d "$1" ]; do sleep 1; done; exec "$2" stop "$1"' \
    watchdog "$dir" "$self" </dev/null >/dev/null 2>&1 &

  local timeout=${SPOTSIM_SLURM_TIMEOUT:-30} t0=$SECONDS state=""
  while :; do
    state=$(sinfo -h -n "$host" -o %T 2>/dev/null || true)
    [ "$state" = idle ] && break
    for f in munged slurmctld slurmd; do
      kill -0 "$(cat "$dir/$f.pid")" 2>/dev/null || die "$f exited while the cluster was starting (logs below)"
    done
    [ $((SECONDS - t0)) -lt "$timeout" ] || die "node $host not idle after ${timeout}s (sinfo says '${state}'; logs below)"
    sleep 0.2
  done
  echo "slurm_cluster.sh: up in $((SECONDS - t0)) s at $dir (slurmctld port $ctld_port, slurmd port $slurmd_port)" >&2
  trap - EXIT
  echo "$dir"
}

case "${1:-}" in
  start) [ $# -le 2 ] || die "usage: slurm_cluster.sh start [OWNER_PID]"; start_cluster "${2:-}" ;;
  logs) [ $# -eq 2 ] || die "usage: slurm_cluster.sh logs DIR"; print_logs "$2" ;;
  stop) [ $# -eq 2 ] || die "usage: slurm_cluster.sh stop DIR"; stop_cluster "$2" ;;
  *) echo "usage: slurm_cluster.sh start [OWNER_PID] | logs DIR | stop DIR" >&2; exit 2 ;;
esac
