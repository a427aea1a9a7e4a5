#!/usr/bin/env bash
# The benchmark suite (issue: performance). Not a test: a measurement anyone can rerun.
#
#   bench/run.sh                 100k and 1M operations (about 10 minutes on 2 cores)
#   BENCH_SIZES=100000 bench/run.sh          one size only
#   BENCH_RUNS=5 bench/run.sh                runs of balances, verify and rebuild (default 3)
#
# For each size it builds a workload with `payctl demo`, then measures in one run, side by side:
# import throughput and peak RSS; `payctl ledger balances`, `verify`, `rebuild` against
# `ledger bal` and `hledger bal` on the same store's export; one `payctl remit` and one
# `payctl money balance` as whole processes against the sqlite3 CLI doing the equivalent one-row
# write and indexed read on a copy of the same store; `rebuild` against the floor of any in-place
# rebuild (sqlite3 writing the finished tables into a copy of the store); store bytes per event;
# and, at the largest size, the console's first frame and frame times and what bounds verify
# (examples/verify_floor.rs, each of its stages alone) and the import and rebuild (SQLite writing
# only the rows they store: examples/write_floor.rs, about 4.5 GB of memory at 1M). Prints a
# Markdown table (also written to bench/results/<date>-<size>.md). Installs what it needs
# (hyperfine, GNU time, sqlite3, ledger, hledger) from Debian's packages when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=${BENCH_SIZES:-"100000 1000000"}
runs=${BENCH_RUNS:-3}

need=()
command -v hyperfine >/dev/null || need+=(hyperfine)
[ -x /usr/bin/time ] || need+=(time)
command -v sqlite3 >/dev/null || need+=(sqlite3)
command -v ledger >/dev/null || need+=(ledger)
command -v hledger >/dev/null || need+=(hledger)
command -v python3 >/dev/null || need+=(python3)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

cargo build --release -q -p payctl
payctl=$PWD/target/release/payctl
work=${BENCH_WORK:-$(mktemp -d)}
mkdir -p "$work"
mkdir -p bench/results
keep=${BENCH_KEEP:-}
[ -n "$keep" ] || trap 'rm -rf "$work"' EXIT

# median wall seconds of a hyperfine JSON export
median() { python3 -c 'import json,sys; print("%.6f" % json.load(open(sys.argv[1]))["results"][0]["median"])' "$1"; }
# hyperfine, N runs, no shell, its median in seconds
hf() { # $1 name, $2 runs, rest: command (one string) [--prepare CMD]
  local name=$1 n=$2; shift 2
  hyperfine -N --style none --warmup "$([ "$n" -ge 100 ] && echo 20 || { [ "$n" -ge 3 ] && echo 2 || echo 0; })" --runs "$n" \
    --export-json "$work/$name.json" "$@" >/dev/null 2>&1
  median "$work/$name.json"
}
ratio() { python3 -c 'import sys; a,b=float(sys.argv[1]),float(sys.argv[2]); print("%.2f" % (a/b) if b else "-")' "$1" "$2"; }
ms() { python3 -c 'import sys; print("%.2f" % (float(sys.argv[1])*1000))' "$1"; }

for size in $sizes; do
  out="bench/results/$(date +%Y-%m-%d)-$size.md"
  members=$((size / 50)); merchants=$((size / 5000 + 10)); days=$((size / 20000 + 10))
  "$payctl" demo --members "$members" --merchants "$merchants" --days "$days" --ops "$size" \
    --seed 42 > "$work/w.jsonl"
  db=$work/store-$size.db
  heavy=$([ "$size" -ge 1000000 ] && echo 1 || echo "$runs")

  # Import: fresh store each run; ops/s from the summary, peak RSS from GNU time.
  best_ops=(); rss_max=0
  for _ in $(seq "$heavy"); do
    rm -f "$db" "$db"-*
    /usr/bin/time -f '%M' -o "$work/rss" "$payctl" --db "$db" --json import "$work/w.jsonl" \
      > "$work/summary.json" || [ $? -eq 3 ]
    best_ops+=("$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["ops_per_sec"])' "$work/summary.json")")
    rss=$(tail -n 1 "$work/rss"); [ "$rss" -gt "$rss_max" ] && rss_max=$rss
  done
  import_ops=$(printf '%s\n' "${best_ops[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  events=$("$payctl" --db "$db" --json config | python3 -c 'import json,sys; print(json.load(sys.stdin)["events"])')
  bytes=$(( $(stat -c %s "$db") + $(stat -c %s "$db-wal" 2>/dev/null || echo 0) ))

  # Peers on the same data.
  "$payctl" --db "$db" export --format ledger --output "$work/export.journal"
  t_bal=$(hf balances "$runs" "$payctl --db $db ledger balances")
  t_ledger=$(hf ledger "$heavy" "ledger -f $work/export.journal bal")
  t_hledger=$(hf hledger 1 "hledger -f $work/export.journal bal")
  t_verify=$(hf verify "$runs" "$payctl --db $db verify")
  t_rebuild=$(hf rebuild "$runs" "$payctl --db $db rebuild")
  # The floor under any in-place rebuild: sqlite3 itself writing the finished projection tables
  # into a copy of the store (query-only indexes dropped first and built after, and `INSERT OR
  # FAIL`, with no statement journal, as `rebuild` does), one transaction through the WAL with
  # synchronous=FULL, and no replay at all.
  cp "$db" "$work/floor.db"; [ -f "$db-wal" ] && cp "$db-wal" "$work/floor.db-wal"
  query_indexes="type = 'index' AND sql IS NOT NULL AND tbl_name NOT IN ('events', 'idempotency')"
  {
    echo "PRAGMA synchronous=FULL; ATTACH '$db' AS src; BEGIN IMMEDIATE;"
    sqlite3 "$db" "SELECT 'DROP INDEX ' || name || ';' FROM sqlite_master WHERE $query_indexes"
    for t in $(sqlite3 "$db" "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('events', 'idempotency', 'store_meta')"); do
      echo "DELETE FROM main.$t; INSERT OR FAIL INTO main.$t SELECT * FROM src.$t;"
    done
    sqlite3 "$db" "SELECT sql || ';' FROM sqlite_master WHERE $query_indexes"
    echo "COMMIT;"
  } > "$work/floor.sql"
  t_floor=$(hf rebuild_floor "$runs" "sqlite3 $work/floor.db '.read $work/floor.sql'")
  rm -f "$work/floor.db" "$work/floor.db"-*

  # One command as a whole process vs the sqlite3 CLI on a copy of the same store.
  rich=$(sqlite3 "$db" "SELECT member FROM wallets ORDER BY balance_minor DESC LIMIT 1")
  cp "$db" "$work/raw.db"; [ -f "$db-wal" ] && cp "$db-wal" "$work/raw.db-wal"
  # Flush what the copy and the rebuild left dirty: a command's fsync would otherwise wait for
  # gigabytes of someone else's writeback (the 1M medians swung by half without this).
  sync
  t_remit=$(hf remit 300 "$payctl --db $db remit mem_$rich --to mem_$(( rich == 1 ? 2 : 1 )) 1")
  t_raw_write=$(hf raw_write 300 "sqlite3 $work/raw.db \"PRAGMA synchronous=FULL; INSERT INTO events(stream,version,kind,schema,payload,recorded_at,effective_at,actor,hash) VALUES('bench',abs(random()),'Bench',1,'{}','t','t','a','h')\"")
  t_lookup=$(hf lookup 300 "$payctl --db $db money balance mem_$rich")
  t_raw_read=$(hf raw_read 300 "sqlite3 $work/raw.db \"SELECT balance_minor, held_minor FROM wallets WHERE member = $rich\"")

  {
    echo "## $size operations ($events events), $(date -u +%Y-%m-%dT%H:%MZ)"
    echo
    echo "| measure | payctl | peer / baseline | ratio |"
    echo "|---|---|---|---|"
    echo "| import (median of $heavy) | $import_ops ops/s, peak RSS $((rss_max / 1024)) MB | | |"
    echo "| store size | $bytes bytes, $((bytes / events)) bytes/event | | |"
    echo "| balances | \`ledger balances\` $(ms "$t_bal") ms | \`ledger bal\` $(ms "$t_ledger") ms | $(ratio "$t_ledger" "$t_bal")× faster |"
    echo "| balances vs hledger | \`ledger balances\` $(ms "$t_bal") ms | \`hledger bal\` $(ms "$t_hledger") ms | $(ratio "$t_hledger" "$t_bal")× faster |"
    echo "| full replay | \`verify\` $(ms "$t_verify") ms | \`ledger bal\` $(ms "$t_ledger") ms | $(ratio "$t_ledger" "$t_verify")× faster |"
    echo "| rebuild | \`rebuild\` $(ms "$t_rebuild") ms | floor: sqlite3 writing the finished tables in place $(ms "$t_floor") ms | $(ratio "$t_rebuild" "$t_floor")× the floor |"
    echo "| one write command | \`remit\` $(ms "$t_remit") ms | sqlite3 one-row insert $(ms "$t_raw_write") ms | $(ratio "$t_remit" "$t_raw_write")× the baseline |"
    echo "| one balance lookup | \`money balance\` $(ms "$t_lookup") ms | sqlite3 indexed read $(ms "$t_raw_read") ms | $(ratio "$t_lookup" "$t_raw_read")× the baseline |"
  } | tee "$out"

  if [ "$size" = "$(echo "$sizes" | tr ' ' '\n' | sort -n | tail -1)" ]; then
    echo | tee -a "$out"
    echo "Console at $events events (\`cargo bench -p payctl-tui --bench frames\`):" | tee -a "$out"
    BENCH_DB=$db cargo bench -q -p payctl-tui --bench frames 2>/dev/null | tee -a "$out"
    echo | tee -a "$out"
    echo "What bounds \`verify\`: each stage alone on one core, fastest of 3 (\`examples/verify_floor.rs\`):" | tee -a "$out"
    echo | tee -a "$out"
    cargo run -q --release --example verify_floor -- "$db" 3 | sed 's/^/    /' | tee -a "$out"
    echo | tee -a "$out"
    echo "What bounds the import and \`rebuild\`: SQLite writing only the rows they store, nothing else (\`examples/write_floor.rs\`):" | tee -a "$out"
    echo | tee -a "$out"
    cargo run -q --release --example write_floor -- "$db" "$work" both 2>/dev/null | sed 's/^/    /' | tee -a "$out"
  fi
  echo | tee -a "$out"
done

# Size independence of a lookup: the same command on each size's store, measured back to back at
# the end in one hyperfine call (the VM's speed drifts over a run, so figures taken minutes apart
# compare the machine), after the rebuild's writeback is flushed.
set -- $sizes
if [ "$#" -ge 2 ]; then
  small=$work/store-$1.db; large=$work/store-${!#}.db
  member() { sqlite3 "$1" "SELECT member FROM wallets ORDER BY balance_minor DESC LIMIT 1"; }
  sync
  # Five rounds of 60 each, alternating, so a drift hits both stores alike.
  for round in 1 2 3 4 5; do
    hyperfine -N --style none --warmup 10 --runs 60 --export-json "$work/by_size_$round.json" \
      "$payctl --db $small money balance mem_$(member "$small")" \
      "$payctl --db $large money balance mem_$(member "$large")" >/dev/null 2>&1
  done
  nth() { python3 -c 'import glob,json,statistics,sys
t=[x for f in glob.glob(sys.argv[1]) for x in json.load(open(f))["results"][int(sys.argv[2])]["times"]]
print("%.6f" % statistics.median(t))' "$work/by_size_*.json" "$1"; }
  t_small=$(nth 0); t_large=$(nth 1)
  out="bench/results/$(date +%Y-%m-%d)-lookup-by-size.md"
  {
    echo "## One balance lookup by store size, back to back, $(date -u +%Y-%m-%dT%H:%MZ)"
    echo
    echo "| store | \`money balance\` (median of 300) | ratio to the smallest |"
    echo "|---|---|---|"
    echo "| $1 operations | $(ms "$t_small") ms | 1.00 |"
    echo "| ${!#} operations | $(ms "$t_large") ms | $(ratio "$t_large" "$t_small") |"
  } | tee "$out"
fi
