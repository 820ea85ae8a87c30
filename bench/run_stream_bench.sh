#!/usr/bin/env bash
# bench/run_stream_bench.sh [MODEL.h5]: the streaming CLI (issue #24).
# 1. Memory: peak RSS of `tandem translate` over 100k, 1M and 10M generated
#    lines, streamed (--window 4096) with a tiny random model (d16, greedy,
#    outputs capped at 4 tokens: the decoding is cheap, so what is measured is
#    what the command holds), beside reading the whole file first (one window,
#    today's behaviour before streaming) up to 1M lines.
# 2. Throughput: the trained model (default: the main job's) over Multi30k
#    test_2016_flickr + val repeated 10x (20,140 lines), beam 4, 2 threads,
#    streamed vs one window, same run; target tok/s from the progress line.
# Generated data only (never committed). Run with nothing else running.
#   ONLY_THROUGHPUT=1  part 2 alone
set -euo pipefail
cd "$(dirname "$0")/.."
data=${TANDEM_DATA:-../shared/data}
model=${1:-runs/multi30k-en-de-quick/model.h5}
tandem=./build/tandem
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores; $(date -u +%F)"

# A tiny model with the trained model's vocabulary.
"$tandem" info "$model" >/dev/null
cat >"$work/tiny.yaml" <<EOY
d_model: 16
heads: 2
ffn_dim: 32
encoder_layers: 1
decoder_layers: 1
max_positions: 64
tie_embeddings: all
EOY
/usr/bin/python3 - "$model" "$work/spm.model" <<'PY'
import sys, h5py
f = h5py.File(sys.argv[1], "r")
open(sys.argv[2], "wb").write(bytes(f["vocab/src"][()]))
PY
"$tandem" init -c "$work/tiny.yaml" --vocab "$work/spm.model" -o "$work/tiny.h5" 2>/dev/null
# 10M lines: Multi30k training sentences, repeated.
src="$data/multi30k/train.en"
total=10000000
if [ -z "${ONLY_THROUGHPUT:-}" ]; then
  awk -v n=$total 'NR == FNR { l[c++] = $0; next } END { for (i = 0; i < n; i++) print l[i % c] }' "$src" /dev/null >"$work/10M.en"
  head -n 1000000 "$work/10M.en" >"$work/1M.en"
  head -n 100000 "$work/10M.en" >"$work/100k.en"
fi

# run NAME FILE [FLAGS...]: prints lines/s and peak RSS.
run() {
  local name=$1 file=$2; shift 2
  /usr/bin/time -f '%e %M' -o "$work/time" "$tandem" translate -m "$work/tiny.h5" -i "$file" -o /dev/null \
    --beam 1 --max-len-a 0 --max-len-b 4 --threads 2 "$@" 2>"$work/err" || { cat "$work/err"; return 1; }
  read -r seconds rss_kb <"$work/time"
  local lines; lines=$(wc -l <"$file")
  awk -v n="$name" -v l="$lines" -v s="$seconds" -v r="$rss_kb" \
    'BEGIN { printf "| %s | %d | %.1f | %.0f | %.0f |\n", n, l, s, l / s, r / 1024 }'
}
if [ -z "${ONLY_THROUGHPUT:-}" ]; then
echo
echo "1. memory (tiny model, greedy, 4 output tokens)"
echo "| run | lines | seconds | lines/s | peak RSS MB |"
echo "|---|---|---|---|---|"
run "streamed, window 4096" "$work/100k.en" --window 4096
run "streamed, window 4096" "$work/1M.en" --window 4096
run "streamed, window 4096" "$work/10M.en" --window 4096
run "whole file as one window" "$work/100k.en" --window 16777216
run "whole file as one window" "$work/1M.en" --window 16777216
fi

echo
echo "2. throughput ($model, beam 4, 2 threads)"
for i in $(seq 1 10); do cat "$data/multi30k/test_2016_flickr.en" "$data/multi30k/val.en"; done >"$work/real.en"
echo "| run | lines | decode seconds | target tok/s |"
echo "|---|---|---|---|"
for rep in 1 2; do
  for window in 4096 16777216; do
    "$tandem" translate -m "$model" -i "$work/real.en" -o "$work/out.$window" --beam 4 --threads 2 --progress \
      --window "$window" 2>"$work/err"
    sed -n 's/.*[^0-9]\([0-9][0-9]*\) sentences in [^(]*(\([0-9.]*\) s): .*, \([0-9]*\) generated tok\/s.*/\1 \2 \3/p' "$work/err" \
      | tail -1 | awk -v w="$window" -v r="$rep" '{ printf "| window %s (run %d) | %d | %.2f | %d |\n", w, r, $1, $2, $3 }'
  done
done
cmp -s "$work/out.4096" "$work/out.16777216" && echo "streamed output == one-window output: yes" \
  || echo "streamed output == one-window output: NO"
