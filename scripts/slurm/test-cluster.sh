#!/usr/bin/env bash
# End-to-end test of a sweep on a real Slurm cluster: installs Debian's slurmctld,
# slurmd, slurm-client and munge if missing, starts a single-node cluster on
# 127.0.0.1 with all state in a temporary directory, submits the sweep as an
# array job (sbatch --array=0-3 --wait), merges the shards and compares the
# result byte for byte with the same sweep run on this machine. Every daemon it
# started is stopped on exit, also when a step fails.
#
#   bash scripts/slurm/test-cluster.sh            (as root; .ci/run calls it)
#   bash scripts/slurm/test-cluster.sh SWEEP_OPTIONS…   (another sweep, e.g. a 500-point grid)
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)

if [ "$(id -u)" -ne 0 ]; then
  echo "test-cluster: needs root (it installs packages and runs slurmd); skipped" >&2
  exit 0
fi
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v sbatch >/dev/null \
   || ! command -v munged >/dev/null; then
  echo "test-cluster: installing slurm and munge"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    slurmctld slurmd slurm-client munge >/dev/null
fi

cargo build --release --locked -q
bin="$repo/target/release/chancap"
work=$(mktemp -d /tmp/chancap-slurm.XXXXXX)
chmod 755 "$work"
export SLURM_CONF="$work/etc/slurm.conf"

cleanup() {
  status=$?
  scontrol shutdown >/dev/null 2>&1 || true
  for pidfile in "$work/run/slurmd.pid" "$work/run/slurmctld.pid" "$work/munge/munged.pid"; do
    if [ -s "$pidfile" ]; then
      pid=$(cat "$pidfile")
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; kill "$pid" 2>/dev/null || true; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
    fi
  done
  if [ $status -ne 0 ]; then
    echo "test-cluster: FAILED; daemon logs follow" >&2
    tail -n 30 "$work"/log/*.log "$work"/munge/munged.log "$work"/out/*.out 2>/dev/null >&2 || true
  fi
  rm -rf "$work"
  exit $status
}
trap cleanup EXIT

mkdir -p "$work"/{etc,run,log,state,spool,out} "$work/munge"
chmod 755 "$work/munge"
# munge: its own key and socket.
dd if=/dev/urandom of="$work/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$work/munge/munge.key"
munged --force --key-file="$work/munge/munge.key" --socket="$work/munge/munge.socket" \
  --pid-file="$work/munge/munged.pid" --log-file="$work/munge/munged.log" --seed-file="$work/munge/munged.seed"

cpus=$(nproc)
cat > "$SLURM_CONF" <<CONF
ClusterName=chancap-test
SlurmctldHost=localhost(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$work/munge/munge.socket
CredType=cred/munge
SlurmctldPort=16817
SlurmdPort=16818
CommunicationParameters=NoCtldInAddrAny,NoInAddrAny
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/run/slurmctld.pid
SlurmdPidFile=$work/run/slurmd.pid
SlurmctldLogFile=$work/log/slurmctld.log
SlurmdLogFile=$work/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0
MinJobAge=5
ReturnToService=2
MpiDefault=none
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=test Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF

slurmctld -i
slurmd -N localhost
for _ in $(seq 100); do
  state=$(sinfo -h -o %t 2>/dev/null || true)
  [ "$state" = "idle" ] && break
  sleep 0.2
done
[ "$state" = "idle" ] || { echo "test-cluster: node not idle (state '$state')" >&2; exit 1; }

sweep_args=(-n 1000 --set channels.telesales.headcount=6..12:2 --set coverage.medium.direct.share=0,0.1)
if [ $# -gt 0 ]; then
  sweep_args=("$@")
fi
echo "test-cluster: submitting 4 array tasks"
start=$(date +%s%N)
CHANCAP="$bin" sbatch --wait --array=0-3 --chdir="$repo" --output="$work/out/slurm-%A_%a.out" \
  scripts/slurm/sweep.sbatch scenarios/reference.toml "$work/shards" "${sweep_args[@]}" >/dev/null
end=$(date +%s%N)
"$bin" merge "$work"/shards/shard-* --out "$work/merged" --quiet
"$bin" sweep scenarios/reference.toml "${sweep_args[@]}" --quiet --out "$work/local"
for f in "$work"/local/*.*; do
  name=$(basename "$f")
  cmp "$f" "$work/merged/$name"
done
echo "test-cluster: OK — Slurm array job ($(( (end - start) / 1000000 )) ms) merged to files identical to the local sweep ($(ls "$work"/local/*.* | wc -l) files)"
