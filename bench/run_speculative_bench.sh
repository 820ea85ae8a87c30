#!/usr/bin/env bash
# bench/run_speculative_bench.sh [MODEL.h5 DRAFT.h5]: speculative greedy
# decoding (issue #11) against plain greedy decoding of the same model, one
# sentence at a time (the latency case speculative decoding is for), side by
# side in one run: ms/sentence, the draft's acceptance rate, tokens per pass of
# the main model, BLEU, and whether the output is identical to plain greedy.
# Defaults: the quick recipe's model and recipes/multi30k-en-de-draft.yaml's draft.
# Input: Multi30k test_2016_flickr + val English (2,014 lines). Run with nothing else running.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${TANDEM_DATA:-../shared/data}
model=${1:-runs/multi30k-en-de-quick/model.h5}
draft=${2:-runs/multi30k-en-de-draft/model.h5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat "$data/multi30k/test_2016_flickr.en" "$data/multi30k/val.en" >"$work/in.en"
lines=$(wc -l <"$work/in.en")
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores; $(date -u +%F)"
echo "model $model, draft $draft; $lines lines, greedy, one sentence at a time, 1 thread"
echo
echo "| system | ms/sentence | speedup | accepted | tokens/pass | BLEU (test_2016_flickr) | output = plain greedy |"
echo "|---|---|---|---|---|---|---|"
run() {  # run NAME OUT FLAGS...: prints seconds; stderr kept in $work/err
  local name=$1 out=$2; shift 2
  /usr/bin/time -f '%e' -o "$work/time" ./build/tandem translate -m "$model" -i "$work/in.en" -o "$out" \
    --beam 1 --batch-size 1 --workers 1 --threads 1 "$@" 2>"$work/err"
  cat "$work/time"
}
bleu() { head -n 1000 "$1" >"$work/h"; ./build/tandem score -r "$data/multi30k/test_2016_flickr.de" -i "$work/h" -m bleu | awk '{ print $3 }'; }
for type in float32 int8; do
  base=$(run plain "$work/plain.$type" --compute-type "$type")
  echo "| greedy $type | $(awk -v s="$base" -v l="$lines" 'BEGIN { printf "%.2f", 1000 * s / l }') | 1.00 | | 1.00 | $(bleu "$work/plain.$type") | |"
  for k in 2 4 6; do
    s=$(run spec "$work/spec" --compute-type "$type" --draft-model "$draft" --draft-tokens "$k")
    acc=$(sed -n 's/.*(\([0-9.]*%\)).*/\1/p' "$work/err")
    per=$(sed -n 's/.*; \([0-9.]*\) tokens per pass.*/\1/p' "$work/err")
    same=$(cmp -s "$work/spec" "$work/plain.$type" && echo yes || echo "no ($(diff "$work/spec" "$work/plain.$type" | grep -c '^<') lines differ)")
    echo "| speculative $type, draft-tokens $k | $(awk -v s="$s" -v l="$lines" 'BEGIN { printf "%.2f", 1000 * s / l }') | $(awk -v a="$base" -v b="$s" 'BEGIN { printf "%.2f", a / b }') | $acc | $per | $(bleu "$work/spec") | $same |"
  done
done
