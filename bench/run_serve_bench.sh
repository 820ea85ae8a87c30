#!/usr/bin/env bash
# bench/run_serve_bench.sh [MODEL.h5]: tandem serve under load (issue #24), on
# loopback only, every run bounded in requests and seconds. The same sentences
# (Multi30k test_2016_flickr + val English, 2,014 lines), the main job's model,
# beam 4, 2 cores. Side by side in one run:
#   offline  `tandem translate` of the sentences as one file (the ceiling)
#   serve    tandem serve (batching across requests, --max-wait-ms 10):
#            1, 8 and 64 concurrent clients x 1- and 10-sentence requests
#   (b)      tandem serve --max-wait-ms 0 (one request per batch)
#   (c)      CTranslate2 served as its users do (bench/ct2_server.py: a Python
#            HTTP server calling translate_batch per request, inter_threads 2)
# Load: bench/load_client.py. Batch sizes from tandem's /metrics.
# CTranslate2 from ../shared/peers/ctranslate2 (see bench/run_ct2_bench.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
data=${TANDEM_DATA:-../shared/data}
model=${1:-runs/multi30k-en-de-quick/model.h5}
peer=${CT2:-../shared/peers/ctranslate2}
tandem=./build/tandem
work=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$work"' EXIT
cat "$data/multi30k/test_2016_flickr.en" "$data/multi30k/val.en" >"$work/in.en"
lines=$(wc -l <"$work/in.en")
/usr/bin/python3 -c "
import sys, h5py; open(sys.argv[2], 'wb').write(bytes(h5py.File(sys.argv[1], 'r')['vocab/src'][()]))" "$model" "$work/spm.model"
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores; $(date -u +%F)"
echo "model: $model; $lines sentences; beam 4"
pieces() { /usr/bin/python3 -c "
import sys, sentencepiece as s
sp = s.SentencePieceProcessor(model_file=sys.argv[1])
print(sum(len(sp.encode(l.rstrip('\n'))) for l in open(sys.argv[2], encoding='utf-8')))" "$work/spm.model" "$1"; }

# Offline ceiling, and the CLI's time for one sentence at a time.
"$tandem" translate -m "$model" -i "$work/in.en" -o "$work/offline.de" --beam 4 --threads 2 --progress 2>"$work/err"
offline_s=$(sed -n 's/.*(\([0-9.]*\) s):.*/\1/p' "$work/err" | tail -1)
offline_tok=$(awk -v n="$(pieces "$work/offline.de")" -v s="$offline_s" 'BEGIN { printf "%.0f", n / s }')
head -n 200 "$work/in.en" >"$work/200.en"
"$tandem" translate -m "$model" -i "$work/200.en" -o /dev/null --beam 4 --threads 2 --workers 1 --batch-size 1 \
  --progress 2>"$work/err"
cli_one_ms=$(sed -n 's/.*(\([0-9.]*\) s):.*/\1/p' "$work/err" | tail -1 | awk '{ printf "%.1f", 1000 * $1 / 200 }')
echo "offline translate (2 threads, default batching): $offline_tok target tok/s (decode only)"
echo "CLI one sentence at a time (--batch-size 1, 2 threads): $cli_one_ms ms per sentence"

start_tandem() {  # start_tandem EXTRA...: sets url
  "$tandem" serve -m "en-de=$model" --lang en-de=en:de --port 0 --threads 2 "$@" 2>"$work/serve.log" &
  pids+=($!)
  for _ in $(seq 1 100); do grep -q "listening on" "$work/serve.log" && break; sleep 0.1; done
  url=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/serve.log")
}
stop_last() { kill -TERM "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true; unset 'pids[-1]'; }
batch_stats() { curl -s "$url/metrics" | awk '/^tandem_batch_sentences_sum/ { s = $2 } /^tandem_batch_sentences_count/ { c = $2 } END { print s + 0, c + 0 }'; }
load() {  # load NAME CLIENTS PER_REQUEST [tandem]
  local requests=$(( (lines + $3 - 1) / $3 ))
  local before after
  [ "${4:-}" = tandem ] && before=$(batch_stats)
  /usr/bin/python3 bench/load_client.py "$url" "$work/in.en" "$work/spm.model" --clients "$2" --per-request "$3" \
    --requests "$requests" --seconds 40 >"$work/load.json"
  local mean="-"
  if [ "${4:-}" = tandem ]; then
    after=$(batch_stats)
    mean=$(awk -v a="$before" -v b="$after" 'BEGIN { split(a, x, " "); split(b, y, " "); if (y[2] > x[2]) printf "%.1f", (y[1] - x[1]) / (y[2] - x[2]); else print "-" }')
  fi
  /usr/bin/python3 -c "
import json, sys
r = json.load(open(sys.argv[1]))
print(f\"| {sys.argv[2]} | {r['clients']} | {r['per_request']} | {r['requests_per_s']} | {r['tokens_per_s']:.0f} | {r['p50_ms']} | {r['p90_ms']} | {r['p99_ms']} | {sys.argv[3]} | {r['errors']} |\")
print(sys.argv[2], r['clients'], r['per_request'], r['tokens_per_s'], r['p50_ms'], r['p99_ms'], file=open(sys.argv[4], 'a'))
" "$work/load.json" "$1" "$mean" "$work/rates"
}
echo
echo "| server | clients | sentences/request | requests/s | target tok/s | p50 ms | p90 ms | p99 ms | mean batch (sentences) | errors |"
echo "|---|---|---|---|---|---|---|---|---|---|"
start_tandem
for clients in 1 8 64; do for per in 1 10; do load "tandem serve" "$clients" "$per" tandem; done; done
curl -s "$url/metrics" | grep '^tandem_batch_sentences_bucket' >"$work/histogram"
stop_last
start_tandem --max-wait-ms 0
for clients in 1 64; do load "tandem serve --max-wait-ms 0" "$clients" 1 tandem; done
stop_last

# CTranslate2 behind a Python HTTP server, at its best 2-core layout (2 x 1 thread).
cp -r "$peer" "$work/peer"; chmod -R u+w "$work/peer"
for f in "$work"/peer/ctranslate2/lib*.so.*; do
  if [ -f "$f" ] && [ "$(stat -c %s "$f")" -lt 256 ] && grep -qv $'\x7fELF' "$f"; then
    target=$(cat "$f"); rm "$f"; ln -s "$target" "$f"
  fi
done
PYTHONPATH=$work/peer /usr/bin/python3 "$work/peer/convert.py" "$model" "$work/ct2" --quantization float32 >/dev/null
port=$(/usr/bin/python3 -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
PYTHONPATH=$work/peer OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 bench/ct2_server.py "$work/ct2" "$work/ct2/target.spm" "$port" \
  --inter-threads 2 --intra-threads 1 >"$work/ct2.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do grep -q "listening" "$work/ct2.log" && break; sleep 0.1; done
url=http://127.0.0.1:$port
for clients in 1 8 64; do load "CTranslate2 (Python server, inter_threads 2)" "$clients" 1; done
load "CTranslate2 (Python server, inter_threads 2)" 64 10
stop_last
echo
echo "batch sizes (tandem serve, all loads above; cumulative buckets of sentences per batch):"
sed 's/^/    /' "$work/histogram"
echo
awk -v off="$offline_tok" -v one="$cli_one_ms" '
  # fields from the end: clients, sentences/request, tok/s, p50, p99
  /^tandem serve 64 1 / { t64 = $(NF - 2); p99 = $NF }
  /^tandem serve 1 1 / { p50 = $(NF - 1) }
  /^tandem serve --max-wait-ms 0 64 1 / { b64 = $(NF - 2) }
  /^CTranslate2 .* 64 1 / { c64 = $(NF - 2) }
  END {
    printf "64 clients x 1 sentence: %.0f tok/s = %.2fx offline, %.2fx --max-wait-ms 0, %.2fx CTranslate2 server; p99 %s ms\n", t64, t64 / off, t64 / b64, t64 / c64, p99
    printf "1 client: p50 %s ms = %.2fx the CLI one-sentence time (%s ms)\n", p50, p50 / one, one
  }' "$work/rates"
