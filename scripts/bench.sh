#!/usr/bin/env bash
# End-to-end speed and memory of `chancap run` on the reference scenario:
# 10k, 100k and 1M iterations on 1 and 2 threads, wall time, iterations per
# second and peak resident memory (GNU time -v). The median of RUNS runs (default
# 3; 1M runs once unless RUNS_1M is set). Usage: bash scripts/bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-3}
runs_1m=${RUNS_1M:-1}
cargo build --release --locked -q
bin=target/release/chancap
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/{print $2}') GiB"
echo "date:    $(date -u +%Y-%m-%d), $(rustc --version)"
echo "command: $bin run scenarios/reference.toml --iterations N --threads T --quiet --no-plots"
echo
printf '| iterations | threads | wall (median) | iterations/s | peak RSS |\n|---:|---:|---:|---:|---:|\n'
for n in 10000 100000 1000000; do
  for t in 1 2; do
    k=$runs
    [ "$n" -ge 1000000 ] && k=$runs_1m
    walls=()
    rss=0
    for _ in $(seq "$k"); do
      /usr/bin/time -v "$bin" run scenarios/reference.toml --iterations "$n" --threads "$t" --quiet --no-plots \
        --out "$out/run" 2> "$out/time.txt"
      walls+=("$(awk -F': ' '/Elapsed \(wall clock\)/{split($2,a,":"); if (length(a)==3) print a[1]*3600+a[2]*60+a[3]; else print a[1]*60+a[2]}' "$out/time.txt")")
      r=$(awk -F': ' '/Maximum resident set size/{print $2}' "$out/time.txt")
      [ "$r" -gt "$rss" ] && rss=$r
    done
    median=$(printf '%s\n' "${walls[@]}" | sort -g | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}')
    rate=$(awk -v n="$n" -v s="$median" 'BEGIN{printf "%.0f", n/s}')
    printf '| %s | %s | %.2f s | %s | %.0f MB |\n' "$n" "$t" "$median" "$rate" "$(awk -v k="$rss" 'BEGIN{print k/1024}')"
  done
done
