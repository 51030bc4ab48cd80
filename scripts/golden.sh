#!/usr/bin/env bash
# Proves that a change leaves every output of every command byte-identical.
#
#   bash scripts/golden.sh > before.txt       # on the old commit
#   bash scripts/golden.sh > after.txt        # on the new one
#   diff before.txt after.txt                 # nothing: outputs unchanged
#
# Runs run, report (with SOURCE_DATE_EPOCH), compare, sensitivity, sweep, sweep
# shards and merge, and check on the three shipped scenarios with small iteration
# counts (the batched summary path included), plus variants made on the fly: the
# reference with consistent [[correlations]] and with inconsistent ones repaired
# (--repair-correlations), and the quarterly dealer network with capacity not
# enforced; and the --help of every command. Prints one line per file written or
# printed: its SHA-256 and its name. Uses the release binary
# (target/release/chancap), which it builds first, or the one named by CHANCAP_BIN.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${CHANCAP_BIN:-}" ]; then
  cargo build --release --locked --quiet
fi
bin="${CHANCAP_BIN:-$PWD/target/release/chancap}"
work=$(mktemp -d)
export SOURCE_DATE_EPOCH=1800000000
export COLUMNS=100

go() { # go NAME ARGS…: run chancap, keep its stdout and stderr, and its exit status
  local name=$1
  shift
  local status=0
  "$bin" "$@" >"$work/$name.stdout" 2>"$work/$name.stderr" || status=$?
  echo "$status" >"$work/$name.status"
}

for s in reference dealer-network saas-inside-sales; do
  f=scenarios/$s.toml
  go "check-$s" check "$f"
  go "run-$s" run "$f" -n 3000 --seed 5 --threads 2 --out "$work/run-$s"
  go "json-$s" run "$f" -n 500 --json --no-plots
  go "lhs-$s" run "$f" -n 700 --sampling lhs --no-plots --out "$work/lhs-$s"
  go "report-$s" report "$f" -n 1000 --out "$work/report-$s"
  go "sens-$s" sensitivity "$f" -n 300 --out "$work/sens-$s"
done
# A run past one batch (the batched summary path) and a precision run.
go big run scenarios/reference.toml -n 40000 --threads 2 --no-plots --out "$work/big"
go precision run scenarios/dealer-network.toml --precision 2% --no-plots --out "$work/precision"
go report-from report scenarios/reference.toml --from "$work/run-reference" --out "$work/report-from"
go sens-metric sensitivity scenarios/reference.toml --metric telesales.shortfall -n 300 --out "$work/sens-metric"
go compare compare scenarios/reference.toml scenarios/dealer-network.toml -n 800 --out "$work/compare"
sweep=(--set channels.telesales.headcount=6..10:2 --set coverage.medium.direct.share=0,0.1 -n 400)
go sweep sweep scenarios/reference.toml "${sweep[@]}" --out "$work/sweep"
go shard0 sweep scenarios/reference.toml "${sweep[@]}" --shard 0/2 --out "$work/shards/0"
go shard1 sweep scenarios/reference.toml "${sweep[@]}" --shard 1/2 --out "$work/shards/1"
go merge merge "$work/shards/0" "$work/shards/1" --out "$work/merged"
go bad check tests/fixtures/bad/campaign_periods.toml

# Variants of the shipped scenarios for paths they do not take.
variants=$(mktemp -d)
trap 'rm -rf "$work" "$variants"' EXIT
pair() { printf '\n[[correlations]]\nbetween = ["%s", "%s"]\nrank = %s\n' "$1" "$2" "$3"; }
growth=scenario.market_growth key=coverage.key.direct.hit_rate large=coverage.large.direct.hit_rate
{ cat scenarios/reference.toml; pair $growth $key 0.6; pair $key $large 0.4; } >"$variants/corr.toml"
{ cat scenarios/reference.toml; pair $growth $key 0.9; pair $key $large 0.9; pair $growth $large -0.9; } \
  >"$variants/corr-bad.toml"
sed 's/^enforce = true/enforce = false/' scenarios/dealer-network.toml >"$variants/soft.toml"
go corr run "$variants/corr.toml" -n 3000 --seed 3 --no-plots --out "$work/corr"
go corr-lhs run "$variants/corr.toml" -n 700 --sampling lhs --no-plots --out "$work/corr-lhs"
go corr-bad check "$variants/corr-bad.toml"
go corr-repair run "$variants/corr-bad.toml" --repair-correlations -n 2000 --no-plots --out "$work/corr-repair"
go corr-sens sensitivity "$variants/corr.toml" -n 300 --no-plots --out "$work/corr-sens"
go soft run "$variants/soft.toml" -n 3000 --out "$work/soft"
go soft-report report "$variants/soft.toml" -n 800 --out "$work/soft-report"
for cmd in "" check run report compare sensitivity sweep merge; do
  go "help-${cmd:-main}" $cmd --help
done

cd "$work"
# Paths printed inside the outputs name the temporary directory: make them stable.
find . -type f | LC_ALL=C sort | while read -r file; do
  case $file in
    *.status) printf "exit %s  %s\n" "$(cat "$file")" "$file" ;;
    # Printed timings (engine 0.21 s, in 0.07 s) vary from run to run: mask them.
    *.stdout | *.stderr) printf "%s  %s\n" "$(sed -E "s#$work#WORK#g; s#$variants#VARIANTS#g; s/[0-9.]+ (s|ms) (on|in)/T \\2/g; s/in [0-9.]+ (s|ms)/in T/g" "$file" | sha256sum | cut -d" " -f1)" "$file" ;;
    *) printf "%s  %s\n" "$(sed "s#$work#WORK#g; s#$variants#VARIANTS#g" "$file" | sha256sum | cut -d" " -f1)" "$file" ;;
  esac
done
