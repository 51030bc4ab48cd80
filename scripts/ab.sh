#!/usr/bin/env bash
# Interleaved timing of two or more builds of chancap on the reference scenario:
# A, B, A, B, … in one sitting (this VM's speed drifts by the minute, so builds
# timed one after the other are not comparable), then the minimum and median
# wall time of each.
# Usage: bash scripts/ab.sh ROUNDS ITERATIONS THREADS BINARY...
# e.g.   bash scripts/ab.sh 7 100000 2 /tmp/chancap-old target/release/chancap
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$#" -lt 4 ]; then
  sed -n '2,7p' "$0"
  exit 2
fi
rounds=$1 iterations=$2 threads=$3
shift 3
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
declare -A times
for _ in $(seq "$rounds"); do
  for bin in "$@"; do
    start=$(date +%s%N)
    "$bin" run scenarios/reference.toml --iterations "$iterations" --threads "$threads" --quiet --no-plots \
      --out "$out/run" > /dev/null
    end=$(date +%s%N)
    times[$bin]="${times[$bin]:-} $(((end - start) / 1000000))"
  done
done
for bin in "$@"; do
  sorted=$(printf '%s\n' ${times[$bin]} | sort -n)
  echo "$bin: min $(echo "$sorted" | head -1) ms, median $(echo "$sorted" | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}') ms"
done
