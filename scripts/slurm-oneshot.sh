#!/usr/bin/env bash
# A real Slurm, on this one machine: installs Debian's slurm-wlm and munge when absent, starts
# munged, slurmctld and slurmd as a one-node cluster (configuration and state in a temporary
# folder; nothing under /etc is changed but a munge key created when there is none), submits
# the documented array job (docs/scale-out/shards.sbatch) and its dependent merge
# (docs/scale-out/merge.sbatch) on a small scenario, checks that the merged result equals a
# single run's, and stops the daemons it started.
#
#   scripts/slurm-oneshot.sh [HEARTLAND_BINARY]     # default: target/debug/heartland (built if missing)
#
# Needs root (as in CI). SHARDS and RUNS set the split and the work (default 3 shards, 40 runs).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
bin=${1:-target/debug/heartland}
[ -x "$bin" ] || cargo build --quiet --locked
bin=$(realpath "$bin")
shards=${SHARDS:-3}
runs=${RUNS:-40}
scenario=$root/tests/fixtures/tiny.toml

if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v munged >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null
fi

work=$(mktemp -d /tmp/heartland-slurm.XXXXXX)
pids=()
stop() {
    # Only the daemons this script started, by the process ids they recorded.
    for f in "$work/slurmd.pid" "$work/slurmctld.pid" "$work/munged.pid"; do
        if [ -s "$f" ]; then kill "$(cat "$f")" 2>/dev/null || true; fi
    done
    sleep 1
    rm -rf "$work"
}
trap stop EXIT

# munge: a key if there is none, and a daemon of our own on its own socket.
if [ ! -s /etc/munge/munge.key ]; then
    mkdir -p /etc/munge
    dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
    chmod 400 /etc/munge/munge.key
fi
chown munge:munge /etc/munge /etc/munge/munge.key 2>/dev/null || true
mkdir -p "$work/munge"
chown munge:munge "$work/munge" 2>/dev/null || true
socket=$work/munge/munge.socket
munged --force --socket="$socket" --pid-file="$work/munged.pid" --log-file="$work/munged.log" \
    --seed-file="$work/munge/seed"
export MUNGE_SOCKET=$socket

host=$(hostname -s)
cpus=$(nproc)
mkdir -p "$work/state" "$work/spool" "$work/results"
cat >"$work/slurm.conf" <<CONF
ClusterName=heartland
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$socket
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
SlurmctldPort=16817
SlurmdPort=16818
NodeName=$host CPUs=$cpus State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$work/slurm.conf
slurmctld -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF"
for _ in $(seq 60); do
    sinfo -h -o %t 2>/dev/null | grep -qE '^(idle|mix|alloc)' && break
    sleep 1
done
sinfo

# The documented array job and its dependent merge, as docs/scale-out.md submits them.
export N=$shards SCENARIO=$scenario RUNS=$runs RESULTS=$work/results HEARTLAND=$bin
jid=$(sbatch --parsable --array=0-$((shards - 1)) --export=ALL --chdir="$work" \
    --output="$work/shard-%a.log" docs/scale-out/shards.sbatch)
echo "submitted array job $jid ($shards shards of $runs runs)"
sbatch --wait --dependency=afterok:"$jid" --export=ALL --chdir="$work" --output="$work/merge.log" \
    docs/scale-out/merge.sbatch || { cat "$work"/*.log; exit 1; }
cat "$work/merge.log"

# The same work in one process: every merged file must be the same, wall time and threads aside.
"$bin" run "$scenario" --runs "$runs" --out "$work/single" --quiet
status=0
while IFS= read -r f; do
    rel=${f#"$work/single/"}
    machine='"(wall_seconds|threads)"|<th>(wall time|threads)</th>'
    case $rel in
    *.json | *.html) diff <(grep -vE "$machine" "$f") <(grep -vE "$machine" "$work/results/merged/$rel") >/dev/null ;;
    *) cmp -s "$f" "$work/results/merged/$rel" ;;
    esac || {
        echo "differs: $rel"
        status=1
    }
done < <(find "$work/single" -type f | sort)
[ $status = 0 ] && echo "slurm: the merged result of $shards shards equals the single run ($(find "$work/single" -type f | wc -l) files)"
exit $status
