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
#            HTTP server calling translate_batch per request, inter_threads 2,
#            under both OpenMP wait policies; its best is the ratio's base)
# Load: wrk (Debian's, keep-alive connections, C: it leaves the 2 cores to the
# servers) posting bodies of 1 or 10 sentences (bench/wrk_bodies.lua), 20 s
# per point; target tok/s = requests/s x sentences per request x the mean
# target pieces per sentence of the offline output. Batch sizes from
# tandem's /metrics. bench/load_client.py is a Python client for spot checks.
# CTranslate2 from ../shared/peers/ctranslate2 (see bench/run_ct2_bench.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "run_serve_bench: needs wrk (apt-get install wrk)"; exit 1; }
seconds=${SECONDS_PER_POINT:-20}
data=${TANDEM_DATA:-../shared/data}
model=${1:-runs/multi30k-en-de-quick/model.h5}
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
# bodies PER_REQUEST: one JSON body per line, PER_REQUEST sentences each.
bodies() {
  /usr/bin/python3 -c "
import json, sys
lines = [l.rstrip('\n') for l in open(sys.argv[1], encoding='utf-8') if l.strip()]
per = int(sys.argv[2])
for k in range(len(lines)):
    print(json.dumps({'text': [lines[(k * per + i) % len(lines)] for i in range(per)]}, ensure_ascii=False))" "$work/in.en" "$1"
}
bodies 1 >"$work/bodies1"; bodies 10 >"$work/bodies10"
tokens_per_sentence=$(awk -v n="$(pieces "$work/offline.de")" -v l="$lines" 'BEGIN { printf "%.3f", n / l }')
load() {  # load NAME CLIENTS PER_REQUEST [tandem]
  local before after threads=2
  [ "$2" -lt 2 ] && threads=1
  [ "${4:-}" = tandem ] && before=$(batch_stats)
  BODIES=$work/bodies$3 wrk -t"$threads" -c"$2" -d"${seconds}s" --timeout 30s --latency -s bench/wrk_bodies.lua \
    "$url/v1/translate" >"$work/wrk.txt" 2>&1
  local mean="-"
  if [ "${4:-}" = tandem ]; then
    after=$(batch_stats)
    mean=$(awk -v a="$before" -v b="$after" 'BEGIN { split(a, x, " "); split(b, y, " "); if (y[2] > x[2]) printf "%.1f", (y[1] - x[1]) / (y[2] - x[2]); else print "-" }')
  fi
  awk -v name="$1" -v c="$2" -v per="$3" -v tps="$tokens_per_sentence" -v mean="$mean" -v rates="$work/rates" '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /Requests\/sec/ { rps = $2 }
    /^ +50%/ { p50 = ms($2) } /^ +90%/ { p90 = ms($2) } /^ +99%/ { p99 = ms($2) }
    /Non-2xx/ { errors += $NF } /Socket errors/ { errors += $4 + $6 + $8 + $10 }
    END {
      tok = rps * per * tps
      printf "| %s | %d | %d | %.1f | %.0f | %.1f | %.1f | %.1f | %s | %d |\n", name, c, per, rps, tok, p50, p90, p99, mean, errors
      printf "%s %d %d %.0f %.1f %.1f\n", name, c, per, tok, p50, p99 >> rates
    }' "$work/wrk.txt"
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
source bench/ct2_peer.sh
PYTHONPATH=$work/peer /usr/bin/python3 "$work/peer/convert.py" "$model" "$work/ct2" --quantization float32 >/dev/null
# Both OpenMP wait policies (which one is faster differs by machine); the
# summary takes its best at 64 one-sentence clients.
for policy in PASSIVE ACTIVE; do
  port=$(/usr/bin/python3 -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
  PYTHONPATH=$work/peer OMP_WAIT_POLICY=$policy /usr/bin/python3 bench/ct2_server.py "$work/ct2" "$work/ct2/target.spm" \
    "$port" --inter-threads 2 --intra-threads 1 >"$work/ct2.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do grep -q "listening" "$work/ct2.log" && break; sleep 0.1; done
  url=http://127.0.0.1:$port
  name="CTranslate2 (Python server, inter_threads 2, OMP $policy)"
  for clients in 1 8 64; do load "$name" "$clients" 1; done
  load "$name" 64 10
  stop_last
done
echo
echo "batch sizes (tandem serve, all loads above; cumulative buckets of sentences per batch):"
sed 's/^/    /' "$work/histogram"
echo
awk -v off="$offline_tok" -v one="$cli_one_ms" '
  # fields from the end: clients, sentences/request, tok/s, p50, p99
  /^tandem serve 64 1 / { t64 = $(NF - 2); p99 = $NF }
  /^tandem serve 1 1 / { p50 = $(NF - 1) }
  /^tandem serve --max-wait-ms 0 64 1 / { b64 = $(NF - 2) }
  /^CTranslate2 .* 64 1 / { if ($(NF - 2) > c64) c64 = $(NF - 2) }
  END {
    printf "64 clients x 1 sentence: %.0f tok/s = %.2fx offline, %.2fx --max-wait-ms 0, %.2fx CTranslate2 server; p99 %s ms\n", t64, t64 / off, t64 / b64, t64 / c64, p99
    printf "1 client: p50 %s ms = %.2fx the CLI one-sentence time (%s ms)\n", p50, p50 / one, one
  }' "$work/rates"
