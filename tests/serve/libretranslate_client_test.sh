#!/usr/bin/env bash
# tests/serve/libretranslate_client_test.sh TANDEM: an existing LibreTranslate
# client, used unmodified, translates through `tandem serve`: the npm package
# `libretranslate` (1.0.1, installed into a temporary folder from the npm
# registry; skipped with exit 77 when npm or the registry is not there). It
# reads GET /languages, checks both codes against it, then POSTs /translate.
set -uo pipefail
tandem=$(readlink -f "$1")
here=$(cd "$(dirname "$0")" && pwd)
command -v npm >/dev/null && command -v node >/dev/null || { echo "skip: no node/npm"; exit 77; }
work=$(mktemp -d)
server=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"' EXIT
(cd "$work" && timeout 120 npm install --no-audit --no-fund --silent libretranslate@1.0.1 >/dev/null 2>&1) \
  || { echo "skip: cannot install the npm package libretranslate"; exit 77; }
for i in $(seq 1 300); do echo "the dog number $((i % 17)) runs over the green grass near house $((i % 5))"; done >"$work/text.txt"
"$tandem" vocab -i "$work/text.txt" --size 80 -o "$work/spm.model" 2>/dev/null
"$tandem" init -c "$here/../cli/tiny.yaml" --vocab "$work/spm.model" -o "$work/tiny.h5" 2>/dev/null
expected=$(echo "the dog number 3 runs" | "$tandem" translate -m "$work/tiny.h5" 2>/dev/null)
"$tandem" serve -m "$work/tiny.h5" --lang tiny=en:de --port 0 2>"$work/serve.log" &
server=$!
for _ in $(seq 1 100); do grep -q "listening on" "$work/serve.log" && break; sleep 0.1; done
url=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/serve.log")
[ -n "$url" ] || { echo "FAIL: server did not start: $(cat "$work/serve.log")"; exit 1; }
cat >"$work/client.js" <<'EOJ'
const { translate } = require("libretranslate");
translate({ query: "the dog number 3 runs", source: "en", target: "de", apiurl: process.argv[2] })
  .then((text) => { console.log(text); })
  .catch((e) => { console.error("client error: " + e); process.exit(1); });
EOJ
got=$(cd "$work" && node client.js "$url" 2>&1)
kill -TERM "$server"; wait "$server"; status=$?; server=""
if [ "$got" = "$expected" ] && [ "$status" -eq 0 ]; then
  echo "ok: the npm libretranslate client translates through tandem serve (\"$got\")"
  echo "1 passed, 0 failed"
else
  echo "FAIL: client got \"$got\", the CLI \"$expected\"; server exit $status"
  echo "0 passed, 1 failed"; exit 1
fi
