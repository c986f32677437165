#!/usr/bin/env bash
# A one-node Slurm cluster on localhost, as root, without systemd — for mbench's Slurm tests (CI and dev).
#   test/slurm/cluster.sh install   apt-get Debian's slurmctld slurmd slurm-client munge (no recommends)
#   test/slurm/cluster.sh start     munged + slurmctld + slurmd with state under $MBENCH_SLURM_DIR; waits for idle
#   test/slurm/cluster.sh stop      cancel and drain the queue, scontrol shutdown, stop daemons by recorded PIDs
#   test/slurm/cluster.sh status
# The munge key and socket live under the temp dir (munged --key-file --socket; AuthInfo=socket=… in
# slurm.conf). The config goes to $SLURM_CONF (default /etc/slurm/slurm.conf, where clients look for it).
set -euo pipefail

DIR=${MBENCH_SLURM_DIR:-/tmp/mbench-slurm}
CONF=${SLURM_CONF:-/etc/slurm/slurm.conf}
export SLURM_CONF=$CONF

log() { printf '[slurm-cluster] %s\n' "$*" >&2; }

install() {
  if command -v slurmctld >/dev/null && command -v slurmd >/dev/null && command -v sbatch >/dev/null && command -v munged >/dev/null; then
    log "slurm and munge already installed"
    return
  fi
  log "installing slurmctld slurmd slurm-client munge"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends slurmctld slurmd slurm-client munge >/dev/null
}

write_conf() {
  local host cpus mem
  host=$(hostname -s)
  cpus=$(nproc)
  mem=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 / 2 ))
  mkdir -p "$(dirname "$CONF")"
  cat >"$CONF" <<CONF
# Written by mbench test/slurm/cluster.sh: a one-node test cluster.
ClusterName=mbench-test
SlurmctldHost=$host(127.0.0.1)
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP OverSubscribe=FORCE:4
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CryptoType=crypto/munge
AuthInfo=socket=$DIR/munge/munge.socket
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/slurmctld.pid
SlurmdPidFile=$DIR/slurmd.pid
SlurmctldLogFile=$DIR/slurmctld.log
SlurmdLogFile=$DIR/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SlurmdParameters=config_overrides
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
SlurmctldTimeout=30
SlurmdTimeout=30
MinJobAge=300
CONF
}

start() {
  install
  mkdir -p "$DIR/munge" "$DIR/state" "$DIR/spool"
  chmod 700 "$DIR/munge"
  if [ ! -s "$DIR/munge/munge.key" ]; then
    dd if=/dev/urandom of="$DIR/munge/munge.key" bs=1024 count=1 status=none
    chmod 400 "$DIR/munge/munge.key"
  fi
  write_conf
  log "starting munged"
  munged --force --key-file="$DIR/munge/munge.key" --socket="$DIR/munge/munge.socket" \
    --pid-file="$DIR/munge/munged.pid" --log-file="$DIR/munge/munged.log" --seed-file="$DIR/munge/munge.seed"
  log "starting slurmctld and slurmd"
  slurmctld -f "$CONF"
  slurmd -f "$CONF"
  for _ in $(seq 1 60); do
    if sinfo -h -o '%T' 2>/dev/null | grep -qE '^idle'; then
      log "cluster up: $(sinfo -h -o '%N %T %c CPUs')"
      return 0
    fi
    sleep 0.5
  done
  log "the node did not become idle in 30 s; logs: $DIR/slurmctld.log $DIR/slurmd.log"
  sinfo -N -l >&2 || true
  tail -n 20 "$DIR/slurmctld.log" "$DIR/slurmd.log" >&2 || true
  return 1
}

kill_pidfile() {
  local f=$1
  [ -s "$f" ] || return 0
  local pid
  pid=$(cat "$f")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$f"
}

stop() {
  if [ -s "$DIR/slurmctld.pid" ] && kill -0 "$(cat "$DIR/slurmctld.pid")" 2>/dev/null; then
    log "cancelling and draining the queue"
    scancel --full --quiet $(squeue -h -o '%A' 2>/dev/null) 2>/dev/null || true
    for _ in $(seq 1 40); do
      [ -z "$(squeue -h -t PD,R,CG -o '%A' 2>/dev/null)" ] && break
      sleep 0.25
    done
    log "scontrol shutdown"
    scontrol shutdown >/dev/null 2>&1 || true
  fi
  kill_pidfile "$DIR/slurmd.pid"
  kill_pidfile "$DIR/slurmctld.pid"
  kill_pidfile "$DIR/munge/munged.pid"
  log "stopped"
}

case "${1:-}" in
  install) install ;;
  start) start ;;
  stop) stop ;;
  status) sinfo && squeue ;;
  *) echo "usage: $0 install|start|stop|status" >&2; exit 2 ;;
esac
