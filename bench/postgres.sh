#!/usr/bin/env bash
# PostgreSQL against SQLite, same machine, same run: the import, one `remit` and one `money
# balance` process, `verify` and `rebuild` on the demo workload; then writes from 1 and from 8
# concurrent processes (each a loop of `payctl remit` processes) on each backend.
#   bench/postgres.sh                                  # 100k operations (about 15 minutes)
#   BENCH_SIZES="100000 1000000" bench/postgres.sh     # and 1M (hours: the import is round-trip bound)
#   BENCH_PG='postgres://me@db/test' bench/postgres.sh # another server (default: the local socket)
set -euo pipefail
cd "$(dirname "$0")/.."

sizes=${BENCH_SIZES:-100000}
runs=${BENCH_RUNS:-3}
pg=${BENCH_PG:-host=/var/run/postgresql dbname=test user=$(id -un)}
writes=${BENCH_WRITES:-400}
need=()
command -v hyperfine >/dev/null || need+=(hyperfine)
command -v psql >/dev/null || need+=(postgresql-client)
command -v sqlite3 >/dev/null || need+=(sqlite3)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
cargo build --release -q -p payctl
cargo build --release -q -p payctl-core --example pg_floor
payctl=$PWD/target/release/payctl floor=$PWD/target/release/examples/pg_floor
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
out="bench/results/$(date +%Y-%m-%d-%H%M)-postgres.md"
mkdir -p bench/results

# The location of schema $1 on the server.
at() { case $pg in *://*) case $pg in *\?*) echo "$pg&schema=$1" ;; *) echo "$pg?schema=$1" ;; esac ;; *) echo "$pg schema=$1" ;; esac; }
drop() { psql -X -q -d "$pg" -c "SET client_min_messages = warning; DROP SCHEMA IF EXISTS $1 CASCADE"; }
median() { python3 -c 'import json,sys; print("%.6f" % json.load(open(sys.argv[1]))["results"][0]["median"])' "$1"; }
hf() { # $1 name, $2 runs, $3 command
  hyperfine -N --style none --warmup "$([ "$2" -ge 100 ] && echo 10 || echo 1)" --runs "$2" \
    --export-json "$work/$1.json" "$3" >/dev/null 2>&1
  median "$work/$1.json"
}
ms() { python3 -c 'import sys; print("%.2f ms" % (float(sys.argv[1])*1000))' "$1"; }
s() { python3 -c 'import sys; print("%.2f s" % float(sys.argv[1]))' "$1"; }
ratio() { python3 -c 'import sys; a,b=float(sys.argv[1]),float(sys.argv[2]); print("%.2f×" % (a/b))' "$1" "$2"; }
ops() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["ops_per_sec"])' "$1"; }

{
  echo "# PostgreSQL against SQLite, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "payctl $("$payctl" --version | cut -d' ' -f2-); $(psql --version); server: ${pg//password=*/…}"
  echo
} > "$out"

for size in $sizes; do
  members=$((size / 50)); merchants=$((size / 5000 + 10)); days=$((size / 20000 + 10))
  "$payctl" demo --members "$members" --merchants "$merchants" --days "$days" --ops "$size" \
    --seed 42 > "$work/w.jsonl"
  lite=$work/store.db schema=bench_$size pgdb=$(at "bench_$size")
  rm -f "$lite" "$lite"-*; drop "$schema"
  "$payctl" --db "$lite" --json import "$work/w.jsonl" > "$work/lite.json" || [ $? -eq 3 ]
  "$payctl" --db "$pgdb" --json import "$work/w.jsonl" > "$work/pg.json" || [ $? -eq 3 ]
  i_lite=$(ops "$work/lite.json") i_pg=$(ops "$work/pg.json")
  d_lite=$("$payctl" --db "$lite" --json verify --digest | python3 -c 'import json,sys; print(json.load(sys.stdin)["projection_digest"])')
  d_pg=$("$payctl" --db "$pgdb" --json verify --digest | python3 -c 'import json,sys; print(json.load(sys.stdin)["projection_digest"])')
  rich=$(sqlite3 "$lite" "SELECT member FROM wallets ORDER BY balance_minor DESC LIMIT 1")
  other=$(( rich == 1 ? 2 : 1 ))
  sync
  r_lite=$(hf remit_lite 100 "$payctl --db $lite remit mem_$rich --to mem_$other 1")
  r_pg=$(hf remit_pg 100 "$payctl --db '$pgdb' remit mem_$rich --to mem_$other 1")
  b_lite=$(hf bal_lite 100 "$payctl --db $lite money balance mem_$rich")
  b_pg=$(hf bal_pg 100 "$payctl --db '$pgdb' money balance mem_$rich")
  # What any command pays on the server before its own work: a process connecting, one query.
  f_pg=$(hf floor_pg 100 "$floor '$pg'")
  v_lite=$(hf verify_lite "$runs" "$payctl --db $lite verify")
  v_pg=$(hf verify_pg "$runs" "$payctl --db '$pgdb' verify")
  rb_lite=$(hf rebuild_lite "$runs" "$payctl --db $lite rebuild")
  rb_pg=$(hf rebuild_pg "$runs" "$payctl --db '$pgdb' rebuild")
  {
    echo "## $size operations ($(wc -l < "$work/w.jsonl") lines; projection digests $([ "$d_lite" = "$d_pg" ] && echo equal || echo DIFFER))"
    echo
    echo "| measure | SQLite | PostgreSQL | PostgreSQL / SQLite |"
    echo "|---|---|---|---|"
    echo "| import | $i_lite ops/s | $i_pg ops/s | $(ratio "$i_pg" "$i_lite") of the rate |"
    echo "| one \`remit\` process (median of 100) | $(ms "$r_lite") | $(ms "$r_pg") | $(ratio "$r_pg" "$r_lite") |"
    echo "| one \`money balance\` process (median of 100) | $(ms "$b_lite") | $(ms "$b_pg") | $(ratio "$b_pg" "$b_lite") |"
    echo "| floor: a process connecting and running \`SELECT 1\` (\`examples/pg_floor\`) | | $(ms "$f_pg") | |"
    echo "| \`verify\` (median of $runs) | $(s "$v_lite") | $(s "$v_pg") | $(ratio "$v_pg" "$v_lite") |"
    echo "| \`rebuild\` (median of $runs) | $(s "$rb_lite") | $(s "$rb_pg") | $(ratio "$rb_pg" "$rb_lite") |"
    echo
  } | tee -a "$out"
  rm -f "$lite" "$lite"-*; drop "$schema"
done

# Writes from concurrent processes: $writes remits in all, by 1 and by 8 loops of processes.
setup() { # $1 store
  for i in $(seq 16); do
    "$payctl" --db "$1" member register --name "W$i" --email "w$i@example.com" >/dev/null
    "$payctl" --db "$1" bank link "mem_$i" --bank KB --account "100-000-$(printf %06d "$i")" >/dev/null
    "$payctl" --db "$1" money recharge "mem_$i" 1000000 >/dev/null
  done
}
loop() { # $1 store, $2 writer, $3 count
  for n in $(seq "$3"); do
    "$payctl" --db "$1" remit "mem_$(( ($2 + n) % 16 + 1 ))" --to "mem_$(( ($2 + n + 5) % 16 + 1 ))" 1 >/dev/null
  done
}
rate() { # $1 store, $2 processes: remits per second
  local start end per=$((writes / $2))
  start=$(date +%s.%N)
  for w in $(seq "$2"); do loop "$1" "$w" "$per" & done
  wait
  end=$(date +%s.%N)
  python3 -c 'import sys; print("%.1f" % (int(sys.argv[1]) / (float(sys.argv[3]) - float(sys.argv[2]))))' "$((per * $2))" "$start" "$end"
}
{
  echo "## Writes from concurrent processes ($writes remits, each a \`payctl remit\` process)"
  echo
  echo "| backend | 1 process at a time | 8 processes at once | 8 / 1 |"
  echo "|---|---|---|---|"
} | tee -a "$out"
for backend in sqlite postgresql; do
  if [ $backend = sqlite ]; then db=$work/w.db; rm -f "$db" "$db"-*; else drop bench_writes; db=$(at bench_writes); fi
  setup "$db"
  one=$(rate "$db" 1); eight=$(rate "$db" 8)
  "$payctl" --db "$db" verify >/dev/null
  echo "| $backend | $one remits/s | $eight remits/s | $(ratio "$eight" "$one") |" | tee -a "$out"
  [ $backend = sqlite ] || drop bench_writes
done
echo "(results in $out)"
