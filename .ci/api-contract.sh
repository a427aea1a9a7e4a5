#!/usr/bin/env bash
# The HTTP API against its own OpenAPI document: schemathesis generates requests for every
# operation of /openapi.json on a live server over the sample store and checks every answer:
# no 5xx, and status, content type, headers and body as the document says.
# Usage: .ci/api-contract.sh [DB]   (DB: a PostgreSQL URL; default: a new SQLite file)
set -euo pipefail
cd "$(dirname "$0")/.."
PAYCTL=${PAYCTL:-target/debug/payctl}
ST=${ST:-st}
work=$(mktemp -d)
trap 'kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; rm -rf "$work"' EXIT
db=${1:-$work/books.db}
. .ci/serve-sample.sh
serve_sample "$db" "$work/serve.log"
# Run from the scratch directory: schemathesis leaves a cache where it runs.
(cd "$work" && "$ST" run "$addr/openapi.json" \
  -H "Authorization: Bearer $token" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance \
  --max-examples "${ST_EXAMPLES:-30}" --workers 1 --no-color >"$work/st.log" 2>&1) || true
# Any failures and errors in full, then the summary.
awk '/^=+ (FAILURES|ERRORS) =+$/ { shown = 1 } /^=+ SUMMARY =+$/ { shown = 1 } shown' "$work/st.log" | cut -c 1-400
grep -qE '^  [0-9]+ generated, [0-9]+ passed$' "$work/st.log" &&
  ! grep -qE '^(Failures|Errors):' "$work/st.log"
