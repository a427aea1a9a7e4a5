#!/usr/bin/env bash
# The /docs page as a browser shows it: headless Chromium renders it (no network: the assets
# are vendored) and every operation of /openapi.json must be on the page. Keeps a screenshot.
# Usage: .ci/docs-page.sh [SCREENSHOT]   (default: docs/api-docs.png)
set -euo pipefail
cd "$(dirname "$0")/.."
PAYCTL=${PAYCTL:-target/debug/payctl}
shot=${1:-docs/api-docs.png}
work=$(mktemp -d)
trap 'kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; rm -rf "$work"' EXIT
. .ci/serve-sample.sh
serve_sample "$work/books.db" "$work/serve.log"
chrome=(chromium --headless --no-sandbox --disable-gpu --no-first-run
  --disable-background-networking --virtual-time-budget=15000)
"${chrome[@]}" --dump-dom "$addr/docs/" >"$work/dom.html" 2>/dev/null
curl -sf "$addr/openapi.json" >"$work/openapi.json"
python3 - "$work/openapi.json" "$work/dom.html" <<'PY'
import json, re, sys
doc = json.load(open(sys.argv[1]))
dom = open(sys.argv[2]).read()
shown = set()
for block in re.finditer(r'class="opblock opblock-(\w+)[^"]*".*?data-path="([^"]+)"', dom, re.S):
    shown.add((block.group(1), block.group(2).replace("\u200b", "")))
wanted = {(m, p) for p, item in doc["paths"].items() for m in item}
missing = sorted(wanted - shown)
print(f"docs page: {len(shown & wanted)} of {len(wanted)} operations shown")
for m, p in missing:
    print(f"  missing: {m.upper()} {p}")
sys.exit(1 if missing or not wanted else 0)
PY
mkdir -p "$(dirname "$shot")"
"${chrome[@]}" --window-size=1280,2200 --hide-scrollbars --screenshot="$shot" "$addr/docs/" 2>/dev/null
echo "screenshot: $shot"
