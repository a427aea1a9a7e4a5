#!/usr/bin/env bash
# Import throughput and memory (issue: batch import). Not a test: a measurement to rerun.
#   bench/import.sh [RUNS]       (default 3 runs at 100k operations, 1 run at 1M)
# Prints the median ops/s and peak RSS for a generated 100k-operation workload, and the same for
# 1M operations. Needs GNU time (/usr/bin/time; installed if missing).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
if [ ! -x /usr/bin/time ]; then
  if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq time >/dev/null
fi
cargo build --release -q
payctl=target/release/payctl
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

measure() { # $1 workload file → prints "ops_per_sec peak_rss_kb"
  rm -f "$work/store.db"*
  /usr/bin/time -f '%M' -o "$work/rss" "$payctl" --db "$work/store.db" --json import "$1" \
    > "$work/summary.json" || [ $? -eq 3 ]
  ops=$(sed -E 's/.*"ops_per_sec":([0-9]+).*/\1/' "$work/summary.json")
  echo "$ops $(tail -n 1 "$work/rss")"  # GNU time adds a line when the exit code is not 0
}

for size in 100000 1000000; do
  members=$((size / 50)); merchants=$((size / 5000 + 10)); days=$((size / 20000 + 10))
  "$payctl" demo --members "$members" --merchants "$merchants" --days "$days" --ops "$size" \
    --seed 42 > "$work/w.jsonl"
  lines=$(grep -vc '^#' "$work/w.jsonl")
  n=$runs; [ "$size" -ge 1000000 ] && n=1
  results=()
  for _ in $(seq "$n"); do results+=("$(measure "$work/w.jsonl")"); done
  median=$(printf '%s\n' "${results[@]}" | awk '{print $1}' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  rss=$(printf '%s\n' "${results[@]}" | awk '{print $2}' | sort -n | tail -1)
  printf '%9s operations (%s lines): median %s ops/s over %s run(s), peak RSS %s MB\n' \
    "$size" "$lines" "$median" "$n" "$((rss / 1024))"
done
