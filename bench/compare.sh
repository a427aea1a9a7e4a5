#!/usr/bin/env bash
# Two payctl binaries side by side on the same data, in one run: the before/after tables of
# BENCHMARKS.md. The long measures alternate A, B, A, B, … so a machine whose speed drifts over
# the run moves both alike; each figure is the median of its runs.
#
#   bench/compare.sh BEFORE_BIN AFTER_BIN [SIZE] [RUNS]     (SIZE 1000000, RUNS 3)
#
# For SIZE operations of the demo workload (the same parameters as bench/run.sh): the import into
# a fresh store (ops/s, peak RSS), `verify` and `rebuild` on copies of one store, and one
# `remit` and one `money balance` as whole processes (hyperfine, 100 runs a side, twice).
set -euo pipefail
before=$1 after=$2 size=${3:-1000000} runs=${4:-3}
work=${BENCH_WORK:-$(mktemp -d)}
mkdir -p "$work"
[ -n "${BENCH_KEEP:-}" ] || trap 'rm -rf "$work"' EXIT
members=$((size / 50)); merchants=$((size / 5000 + 10)); days=$((size / 20000 + 10))
"$after" demo --members "$members" --merchants "$merchants" --days "$days" --ops "$size" \
  --seed 42 > "$work/w.jsonl"
median() { python3 -c 'import statistics,sys; print("%.3f" % statistics.median(float(x) for x in sys.argv[1:]))' "$@"; }
declare -A t

# import: a fresh store per run; seconds and peak RSS from GNU time, ops/s from the summary
for i in $(seq "$runs"); do
  for side in before after; do
    bin=${!side}; db=$work/$side.db
    rm -f "$db" "$db"-*
    /usr/bin/time -f '%e %M' -o "$work/time" "$bin" --db "$db" --json import "$work/w.jsonl" \
      > "$work/summary.json" || [ $? -eq 3 ]
    t[import_$side]+=" $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["ops_per_sec"])' "$work/summary.json")"
    t[rss_$side]+=" $(tail -n 1 "$work/time" | awk '{print $2}')"
  done
done
store=$work/after.db
# verify: both on the same store, alternating
for i in $(seq "$runs"); do
  for side in before after; do
    bin=${!side}
    /usr/bin/time -f '%e' -o "$work/time" "$bin" --db "$store" verify > /dev/null
    t[verify_$side]+=" $(tail -n 1 "$work/time")"
  done
done
# rebuild: each side on its own copy of the store, alternating
for side in before after; do cp "$store" "$work/r-$side.db"; [ -f "$store-wal" ] && cp "$store-wal" "$work/r-$side.db-wal"; done
for i in $(seq "$runs"); do
  for side in before after; do
    bin=${!side}
    /usr/bin/time -f '%e' -o "$work/time" "$bin" --db "$work/r-$side.db" rebuild > /dev/null
    t[rebuild_$side]+=" $(tail -n 1 "$work/time")"
  done
done
# one command as a whole process: hyperfine medians, A and B twice each in turn
rich=$(sqlite3 "$store" "SELECT member FROM wallets ORDER BY balance_minor DESC LIMIT 1")
sync
for round in 1 2; do
  for side in before after; do
    bin=${!side}
    hyperfine -N --style none --warmup 10 --runs 100 --export-json "$work/h.json" \
      "$bin --db $store remit mem_$rich --to mem_1 1" > /dev/null 2>&1
    t[remit_$side]+=" $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][0]["median"]*1000)' "$work/h.json")"
    hyperfine -N --style none --warmup 10 --runs 100 --export-json "$work/h.json" \
      "$bin --db $store money balance mem_$rich" > /dev/null 2>&1
    t[balance_$side]+=" $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][0]["median"]*1000)' "$work/h.json")"
  done
done

row() { # name unit key
  local b a; b=$(median ${t[$3_before]}); a=$(median ${t[$3_after]})
  echo "| $1 | $b $2 | $a $2 | $(python3 -c 'import sys; print("%.2f" % (float(sys.argv[2]) / float(sys.argv[1])))' "$b" "$a") |"
}
echo "## before/after at $size operations, $(date -u +%Y-%m-%dT%H:%MZ) (medians; runs alternate)"
echo
echo "| measure | before | after | after / before |"
echo "|---|---|---|---|"
row "import" "ops/s" import
row "import peak RSS" "KB" rss
row "verify" "s" verify
row "rebuild" "s" rebuild
row "one remit process" "ms" remit
row "one money balance process" "ms" balance
