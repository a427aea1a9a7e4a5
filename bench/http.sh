#!/usr/bin/env bash
# `payctl serve` under load (wrk): remittances from 64 connections under unique keys, then
# balance reads, against one `payctl remit` process per command in the same run.
#   bench/http.sh                                         # on a SQLite store
#   BENCH_DB='host=/var/run/postgresql dbname=test schema=bench_http' bench/http.sh
#   BENCH_SERVE_ARGS="--readers 32" bench/http.sh            # serve with other options
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
command -v wrk >/dev/null || need+=(wrk)
command -v hyperfine >/dev/null || need+=(hyperfine)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
cargo build --release -q -p payctl
payctl=$PWD/target/release/payctl
work=$(mktemp -d); trap 'kill "$server" 2>/dev/null; rm -rf "$work"' EXIT
db=${BENCH_DB:-$work/store.db}
seconds=${BENCH_SECONDS:-15}
port=${BENCH_PORT:-18080}

for i in $(seq 16); do
  "$payctl" --db "$db" member register --name "W$i" --email "w$i@example.com" >/dev/null
  "$payctl" --db "$db" bank link "mem_$i" --bank KB --account "100-000-$(printf %06d "$i")" >/dev/null
  "$payctl" --db "$db" money recharge "mem_$i" 1000000 >/dev/null
done
secret=$("$payctl" --db "$db" --json token create --name "bench-$(date +%s)" --scope operate |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["secret"])')
export PAYCTL_TOKEN=$secret
cli=$(hyperfine -N --style none --warmup 5 --runs 100 --export-json "$work/cli.json" \
  "$payctl --db '$db' remit mem_1 --to mem_2 1" >/dev/null 2>&1 &&
  python3 -c 'import json,sys; print("%.1f" % (1 / json.load(open(sys.argv[1]))["results"][0]["median"]))' "$work/cli.json")
"$payctl" --db "$db" serve --listen "127.0.0.1:$port" ${BENCH_SERVE_ARGS:-} > "$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 50); do grep -q listening "$work/serve.log" 2>/dev/null && break; sleep 0.1; done
echo "## payctl serve under load, $(date -u '+%Y-%m-%d %H:%M UTC') (store: ${db//password=*/…})"
echo
echo "One \`payctl remit\` process per command (median of 100): $cli remits/s"
echo
echo "Writes: wrk, 2 threads, 64 connections, ${seconds} s, \`POST /v1/remittances\` under unique keys:"
wrk -t2 -c64 -d"${seconds}s" --latency -s bench/http-remit.lua "http://127.0.0.1:$port" |
  grep -E 'Requests/sec|50%|99%|Non-2xx|requests in'
echo
echo "Reads: wrk, 2 threads, 64 connections, 10 s, \`GET /v1/wallets/mem_1\`:"
wrk -t2 -c64 -d10s --latency -H "Authorization: Bearer $secret" "http://127.0.0.1:$port/v1/wallets/mem_1" |
  grep -E 'Requests/sec|50%|99%|Non-2xx|requests in'
kill -TERM "$server"; wait "$server" || true
"$payctl" --db "$db" verify
