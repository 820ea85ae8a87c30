#!/usr/bin/env bash
# tests/serve/browser_test.sh TANDEM SCREENSHOT.png: tandem serve's web page in
# a real headless browser (Debian's chromium; skipped with exit 77 without
# it). The page is opened with ?text=...&auto=1: it translates the sentences
# (streamed over Server-Sent Events) and draws the first one's attention
# heatmap. Checks the DOM after the page has run: each streamed translation
# equals the CLI's, and the heatmap canvas was drawn. Saves a screenshot.
set -uo pipefail
tandem=$(readlink -f "$1")
shot=${2:-serve_page.png}
here=$(cd "$(dirname "$0")" && pwd)
browser=$(command -v chromium || command -v chromium-browser || true)
[ -n "$browser" ] || { echo "skip: no chromium (apt-get install chromium)"; exit 77; }
work=$(mktemp -d)
server=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"' EXIT
for i in $(seq 1 300); do echo "the dog number $((i % 17)) runs over the green grass near house $((i % 5))"; done >"$work/text.txt"
"$tandem" vocab -i "$work/text.txt" --size 80 -o "$work/spm.model" 2>/dev/null
"$tandem" init -c "$here/../cli/tiny.yaml" --vocab "$work/spm.model" -o "$work/tiny.h5" 2>/dev/null
printf 'the dog number 3 runs\nthe green grass near house 4\n' >"$work/in.txt"
"$tandem" translate -m "$work/tiny.h5" -i "$work/in.txt" -o "$work/cli.txt" 2>/dev/null
"$tandem" serve -m "$work/tiny.h5" --lang tiny=en:de --port 0 2>"$work/serve.log" &
server=$!
for _ in $(seq 1 100); do grep -q "listening on" "$work/serve.log" && break; sleep 0.1; done
url=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/serve.log")
[ -n "$url" ] || { echo "FAIL: server did not start: $(cat "$work/serve.log")"; exit 1; }
page="$url/?auto=1&text=$(/usr/bin/python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(open(sys.argv[1]).read().rstrip("\n")))' "$work/in.txt")"
flags=(--headless --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run --user-data-dir="$work/profile"
       --virtual-time-budget=15000 --window-size=1200,900)
timeout 120 "$browser" "${flags[@]}" --dump-dom "$page" >"$work/dom.html" 2>"$work/browser.log"
timeout 120 "$browser" "${flags[@]}" --screenshot="$shot" "$page" >/dev/null 2>>"$work/browser.log"
kill -TERM "$server"; wait "$server"; server=""
/usr/bin/python3 - "$work/dom.html" "$work/cli.txt" "$shot" <<'PY'
import html, re, sys, os
dom = open(sys.argv[1], encoding="utf-8").read()
cli = open(sys.argv[2], encoding="utf-8").read().split("\n")[:2]
spans = {int(i): html.unescape(t) for i, t in re.findall(r'<span class="sentence done[^"]*" data-index="(\d+)">(.*?)</span>', dom)}
ok = [spans.get(0) == cli[0], spans.get(1) == cli[1], 'data-drawn="1"' in dom,
      os.path.exists(sys.argv[3]) and os.path.getsize(sys.argv[3]) > 1000]
names = ["sentence 1 == CLI", "sentence 2 == CLI", "heatmap drawn", "screenshot saved"]
for name, good in zip(names, ok):
    print(("ok: " if good else "FAIL: ") + name + ("" if good else f" (page has {spans}, CLI {cli})"))
print(f"{sum(ok)} passed, {len(ok) - sum(ok)} failed")
sys.exit(0 if all(ok) else 1)
PY
