#!/usr/bin/env bash
# Issue 17's benchmark: data-parallel ranks against one process on this machine's cores, alternating in one run.
#   bash scripts/bench-devices.sh [rounds=3] [sizes="tiny mini"]
# Per round and size: mosaic at batch 32 × seq 128 on the native backend, 12 steps, on 1 device (one process, all
# cores) and on 2 devices (2 ranks under mpirun, a core each). Prints tokens/s, ms/step and, for 2 ranks, the
# milliseconds per step spent exchanging gradients (copies + MPI_Allreduce) and waiting for the slowest rank.
# Run it on an idle machine; docs/devices.md has the numbers and the model of larger rank counts.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
sizes=${2:-tiny mini}
out=$(mktemp -d /tmp/mbench-bench-devices.XXXXXX)
trap 'rm -rf "$out"' EXIT
printf '%-5s %-7s %-5s %9s %9s %16s %14s\n' size devices round tokens/s ms/step 'exchange ms/st' 'wait ms/step'
for r in $(seq "$rounds"); do
  for size in $sizes; do
    for d in 1 2; do
      dir="$out/$size-$d-$r"
      node bin/mbench.js pretrain --recipe mosaic --size "$size" --duration 12ba --batch 32 --seq 128 --backend native \
        --devices "$d" --eval-batches 0 --checkpoint-every 0 --out "$dir" > "$dir.log" 2>&1 || { echo "failed: see $dir.log"; cat "$dir.log"; exit 1; }
      node -e '
        const r = JSON.parse(require("fs").readFileSync(process.argv[1] + "/pretrain-result.json", "utf8"));
        const [size, d, round] = process.argv.slice(2);
        const f = (x) => (x === undefined ? "-" : x.toFixed(1));
        console.log(size.padEnd(5), d.padEnd(7), round.padEnd(5), String(Math.round(r.tokensPerSecond)).padStart(9),
          ((1000 * r.wallSeconds) / r.steps).toFixed(0).padStart(9), f(r.communicationMsPerStep).padStart(16), f(r.rankWaitMsPerStep).padStart(14));
      ' "$dir" "$size" "$d" "$r"
    done
  done
done
