#!/usr/bin/env bash
# scripts/multi30k_pair_baselines.sh [de fr cs]: the single-pair models the
# multilingual recipe (recipes/multi30k-en-xx.yaml, 75 minutes for three pairs)
# is compared with (issue #14): one English->XX model per pair, 25 minutes of
# training each on 2 threads, so each pair gets the budget it gets inside the
# multilingual run. Same model and optimizer settings as the multilingual recipe
# (transformer-small at its preset dropout 0.1, 200 validation sentences);
# only the data, the vocabulary (8,000 pieces for two languages instead of
# 12,000 for four), the time and the validation interval (every 500 updates,
# not 1,000, so a 25-minute run still has checkpoints to choose from;
# validation time is not counted in max_time) differ. Each run's test score is on
# test_2016_flickr, the set the multilingual recipe reports per language.
# Takes the machine for 75 minutes plus decoding: run with nothing else running.
set -euo pipefail
cd "$(dirname "$0")/.."
langs=("$@")
[ ${#langs[@]} -gt 0 ] || langs=(de fr cs)
for xx in "${langs[@]}"; do
  out=runs/multi30k-en-$xx-25m
  ./build/tandem train recipes/multi30k-en-de.yaml \
    --set name=multi30k-en-$xx-25m --set output=$out \
    --set data.train.tgt=multi30k/train.$xx --set languages.target=$xx \
    --set data.valid.tgt=multi30k/val.$xx \
    --set data.test.tgt=multi30k/test_2016_flickr.$xx \
    --set model.dropout=0.1 --set train.max_time=25m --set train.valid_sentences=200 \
    >"$out.log" 2>&1
done
for xx in "${langs[@]}"; do
  printf 'en-%s (25 min, single pair): %s\n' "$xx" \
    "$(grep -m1 'test BLEU' runs/multi30k-en-$xx-25m.log | sed 's/^\[[^]]*\] //')"
done
