#!/usr/bin/env bash
# bench/run_variants_bench.sh: the model-variant benchmarks of issue #6.
#  1. One self-attention layer (d_model 512, 8 heads, one sentence), plain vs
#     tiled (flash-style) attention at 64..4096 tokens: time of inference
#     forward, training forward, backward; attention workspace; peak RSS.
#  2. Beam-4 decoding (batches of 32, test_2016_flickr.en, outputs forced to
#     OUT_LEN tokens) with full heads vs grouped-query attention: tok/s and the
#     decoder's self-attention cache.
# Random weights (speed does not depend on them). Run while nothing else runs.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${TANDEM_DATA:-../shared/data}
threads=${THREADS:-2}
sentences=${SENTENCES:-500}
export OMP_WAIT_POLICY=PASSIVE
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "## Tiled vs plain attention ($threads threads)"
echo "| tokens | impl | infer fwd ms | train fwd ms | bwd ms | workspace MB | peak RSS MB | tiled/plain time (fwd+bwd) |"
echo "|---|---|---|---|---|---|---|---|"
for len in 64 256 1024 4096; do
  repeats=$([ "$len" -ge 4096 ] && echo 2 || echo 5)
  p=$(./build/bench_attention plain "$len" "$threads" "$repeats")
  t=$(./build/bench_attention tiled "$len" "$threads" "$repeats")
  IFS=$'\t' read -r _ _ pi pf pb pw pr <<<"$p"
  IFS=$'\t' read -r _ _ ti tf tb tw tr <<<"$t"
  ratio=$(awk -v a="$tf" -v b="$tb" -v c="$pf" -v d="$pb" 'BEGIN { printf "%.2f", (a + b) / (c + d) }')
  echo "| $len | plain | $pi | $pf | $pb | $pw | $pr | |"
  echo "| $len | tiled | $ti | $tf | $tb | $tw | $tr | $ratio |"
done

echo
echo "## Grouped-query attention in beam-4 decoding ($threads threads, $sentences sentences, batches of 32)"
./build/tandem vocab -i "$data/multi30k/train.en" -i "$data/multi30k/train.de" --size 8000 -o "$work/v.model" 2>/dev/null
input="$data/multi30k/test_2016_flickr.en"
echo "| model | heads / kv_heads | out tokens | tok/s | vs full heads | self cache bytes/token | peak self cache MB | peak RSS MB |"
echo "|---|---|---|---|---|---|---|---|"
for preset in transformer-small transformer-base; do
  heads=$(grep '^heads:' "configs/$preset.yaml" | awk '{print $2}')
  for out_len in 13 60; do
    full=""
    for kv in "$heads" 2 1; do
      { grep -v '^kv_heads:' "configs/$preset.yaml"; echo "kv_heads: $kv"; } >"$work/c.yaml"
      ./build/tandem init -c "$work/c.yaml" --vocab "$work/v.model" -o "$work/m.h5" 2>/dev/null
      r=$(./build/bench_decode "$work/m.h5" "$input" 4 32 "$threads" "$out_len" "$sentences")
      IFS=$'\t' read -r _ _ _ tok rss bytes <<<"$r"
      [ -z "$full" ] && full=$tok
      ratio=$(awk -v a="$tok" -v b="$full" 'BEGIN { printf "%.2f", a / b }')
      cache=$(awk -v b="$bytes" -v n="$out_len" 'BEGIN { printf "%.1f", 32 * 4 * (n + 1) * b / 1048576 }')
      echo "| $preset | $heads / $kv | $out_len | $tok | $ratio | $bytes | $cache | $rss |"
    done
  done
done
