# Sourced by the API checks: `serve_sample DB` imports the SPEC's sample into DB (a file path or
# a PostgreSQL URL), makes an admin token ($token) and starts `payctl serve` on a free port
# ($addr, $server_pid). PAYCTL is the binary to run.
serve_sample() {
  local db=$1 log=$2
  "$PAYCTL" --db "$db" import fixtures/sample.jsonl >/dev/null 2>&1
  token=$("$PAYCTL" --db "$db" token create --name ci --scope admin 2>/dev/null | grep -o 'pct_[0-9a-f]*')
  local out; out=$(mktemp)
  # Event streams end after a second, so that a contract fuzzer can call the stream too.
  "$PAYCTL" --db "$db" serve --listen 127.0.0.1:0 --log off --stream-lifetime 1 >"$out" 2>"$log" &
  server_pid=$!
  for _ in $(seq 100); do grep -q 'listening on' "$out" && break; sleep 0.1; done
  addr=$(grep -o 'http://[0-9.:]*' "$out" | head -n 1)
  rm -f "$out"
  [ -n "$addr" ] || { echo "payctl serve did not start:"; cat "$log"; return 1; }
}
