#!/usr/bin/env bash
# bench/run_ct2_bench.sh [MODEL.h5]: decoding speed of a trained model, tandem
# (float32, int8 from its exported file, bfloat16) against CTranslate2 (float32,
# int8) on the same weights (issues #11, #23), side by side in one run; batches
# of 32 sentences, one sentence at a time, and each system's large batching; 1
# thread, and both 2-core layouts of each: one batch on 2 threads, and two
# batches at once on 1 thread each (tandem --workers 2 = CTranslate2
# --threads 1 --inter-threads 2), CTranslate2 under both OpenMP wait policies.
# Input: Multi30k test_2016_flickr + val English (2,014 lines); beam 4 with the
# model's decode settings (length penalty, output limits). Two times for every
# run: the whole command (process start and model load included on both sides)
# and decode only (tandem's --progress summary, CTranslate2's own JSON line:
# both exclude start-up and model load); target pieces
# counted by re-encoding every output with the model's target vocabulary (the
# same counter for all); BLEU on the test_2016_flickr part; peak RSS of the
# command. CTranslate2 comes from ../shared/peers/ctranslate2 (its README) and
# needs python3-numpy, python3-yaml, python3-h5py, python3-sentencepiece, libdnnl2.
# Default model: the main job's (scripts/main_job.sh). Run with nothing else running.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${TANDEM_DATA:-../shared/data}
model=${1:-runs/multi30k-en-de-quick/model.h5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat "$data/multi30k/test_2016_flickr.en" "$data/multi30k/val.en" >"$work/in.en"
lines=$(wc -l <"$work/in.en")
# One sentence at a time measures latency: the first 200 lines are enough.
head -n 200 "$work/in.en" >"$work/in200.en"
source bench/ct2_peer.sh
export PYTHONPATH=$peer OMP_WAIT_POLICY=PASSIVE
/usr/bin/python3 "$peer/convert.py" "$model" "$work/ct2-float32" --quantization float32 >/dev/null
/usr/bin/python3 "$peer/convert.py" "$model" "$work/ct2-int8" --quantization int8 >/dev/null
spm=$work/ct2-float32/target.spm
decode_settings=$(./build/tandem info "$model" | awk '/length_penalty|max_len_a|max_len_b/ { gsub(":", ""); printf "%s=%s ", $1, $2 }')
lp=$(sed -n 's/.*length_penalty=\([^ ]*\).*/\1/p' <<<"$decode_settings"); lp=${lp:-0.6}
la=$(sed -n 's/.*max_len_a=\([^ ]*\).*/\1/p' <<<"$decode_settings"); la=${la:-1.5}
lb=$(sed -n 's/.*max_len_b=\([^ ]*\).*/\1/p' <<<"$decode_settings"); lb=${lb:-10}

pieces() { /usr/bin/python3 -c "
import sys, sentencepiece as s
sp = s.SentencePieceProcessor(model_file=sys.argv[1])
print(sum(len(sp.encode(l.rstrip('\n'))) for l in open(sys.argv[2], encoding='utf-8')))" "$spm" "$1"; }

# decode_seconds: the decode-only seconds a run reported on stderr.
decode_seconds() {
  sed -n 's/.* in [^(]*(\([0-9.]*\) s):.*/\1/p; s/.*"seconds": *\([0-9.]*\).*/\1/p' "$work/err" | tail -1
}

# row KEY NAME CMD...: runs CMD (writing $work/out), prints a table row and
# records "KEY whole-command-tok/s decode-only-tok/s" for the ratios. $input
# names the input the command reads ($work/in.en, or the 200-line one).
row() {
  local key=$1 name=$2; shift 2
  /usr/bin/time -f '%e %M' -o "$work/time" "$@" >/dev/null 2>"$work/err" || { cat "$work/err" >&2; return 1; }
  read -r seconds rss_kb <"$work/time"
  local decode; decode=$(decode_seconds); decode=${decode:-$seconds}
  local n; n=$(pieces "$work/out")
  local count; count=$(wc -l <"$input")
  local bleu="-"
  if [ "$count" = "$lines" ]; then
    head -n 1000 "$work/out" >"$work/test.hyp"
    bleu=$(./build/tandem score -r "$data/multi30k/test_2016_flickr.de" -i "$work/test.hyp" -m bleu | awk '{ print $3 }')
  fi
  awk -v name="$name" -v s="$seconds" -v d="$decode" -v n="$n" -v l="$count" -v r="$rss_kb" -v b="$bleu" \
    'BEGIN { printf "| %s | %d | %.0f | %.0f | %.0f | %.2f | %.0f | %s |\n", name, l, l / s, n / s, n / d, 1000 * s / l, r / 1024, b }'
  echo "$key $(awk -v s="$seconds" -v d="$decode" -v n="$n" 'BEGIN { printf "%.0f %.0f", n / s, n / d }')" >>"$work/rates"
}

# tandem's own int8 file, exported with its quality check on the validation set.
./build/tandem export -m "$model" -o "$work/int8.h5" --quantize int8 \
  --check "$data/multi30k/val.en" "$data/multi30k/val.de" >"$work/export.txt"
int8_model=$work/int8.h5

size_of() { du -sh "$1" | cut -f1; }
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores; $(date -u +%F)"
echo "input: $lines lines; beam 4, length penalty $lp, max_len $la*src+$lb"
echo "model files: tandem fp32 $(size_of "$model"), tandem int8 $(size_of "$int8_model"), CTranslate2 float32 $(size_of "$work/ct2-float32"), int8 $(size_of "$work/ct2-int8")"
sed 's/^/    /' "$work/export.txt"
echo
echo "| system | lines | sent/s | target tok/s (whole command) | target tok/s (decode only) | ms/sentence | peak RSS MB | BLEU (test_2016_flickr) |"
echo "|---|---|---|---|---|---|---|---|"
# tandem: fp32 and bf16 from the float32 file, int8 from the exported file;
# batches of 32 sentences, the default token-budget batching, one at a time.
# Layouts: 1 thread; 2 threads on one batch (--workers 1); two batches at
# once, one thread each (--workers 2). Keys end in the cores used.
layouts_tandem=("1:--threads 1 --workers 1" "2:--threads 2 --workers 1" "2w:--threads 2 --workers 2")
for batching in 32 default 1; do
  for layout in "${layouts_tandem[@]}"; do
    tag=${layout%%:*}; flags=(${layout#*:})
    cores=${tag%w}
    [ "$batching" = default ] && [ "$tag" = 1 ] && continue
    # One sentence at a time measures latency: batches of one give two workers
    # nothing to share, so that layout is left out.
    [ "$batching" = 1 ] && [ "$tag" = 2w ] && continue
    [ "$batching" != default ] && flags+=(--batch-size "$batching")
    input=$work/in.en; [ "$batching" = 1 ] && input=$work/in200.en
    for type in float32 int8 bfloat16; do
      file=$model; [ "$type" = int8 ] && file=$int8_model
      row "tandem-$type-$batching-$tag-$cores" "tandem $type, ${flags[*]}" \
        ./build/tandem translate -m "$file" -i "$input" -o "$work/out" --beam 4 --progress \
        --compute-type "$type" "${flags[@]}"
    done
  done
done
# CTranslate2: the same three layouts (--threads is its intra_threads,
# --inter-threads its batches at once), each under both OpenMP wait policies
# (which one is faster differs between machines and runs): the ratios take its best.
layouts_ct2=("1:--threads 1" "2:--threads 2" "2w:--threads 1 --inter-threads 2")
for batch in 1 32 256; do
  for layout in "${layouts_ct2[@]}"; do
    tag=${layout%%:*}; flags=(${layout#*:})
    cores=${tag%w}
    [ "$batch" = 256 ] && [ "$tag" = 1 ] && continue
    [ "$batch" = 1 ] && [ "$tag" = 2w ] && continue
    input=$work/in.en; [ "$batch" = 1 ] && input=$work/in200.en
    for type in float32 int8; do
      for policy in PASSIVE ACTIVE; do
        row "ct2-$type-$batch-$tag-$policy-$cores" "CTranslate2 $type, ${flags[*]}, batch $batch, OMP $policy" \
          env OMP_WAIT_POLICY=$policy /usr/bin/python3 "$peer/translate.py" "$work/ct2-$type" "$spm" "$input" \
          "$work/out" --beam 4 --batch-size "$batch" "${flags[@]}" --length-penalty "$lp" \
          --max-len-a "$la" --max-len-b "$lb"
      done
    done
  done
done
echo
# best PREFIX COLUMN: the highest rate among 2-core runs whose key starts with
# PREFIX (column 2: whole command, 3: decode only).
# (throughput only: one-sentence-at-a-time rows, "-1-" in the key, are latency figures)
best() { awk -v p="$1" -v c="$2" 'index($1, p) == 1 && substr($1, length($1) - 1) == "-2" && $1 !~ /-1-/ { if ($c > m) m = $c } END { print m }' "$work/rates"; }
best_key() { awk -v p="$1" -v c="$2" 'index($1, p) == 1 && substr($1, length($1) - 1) == "-2" && $1 !~ /-1-/ { if ($c > m) { m = $c; k = $1 } } END { print k }' "$work/rates"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
for column in 2 3; do
  [ "$column" = 2 ] && what="whole command" || what="decode only"
  echo "2 cores, each system at its best layout, batching and wait policy ($what, target tok/s):"
  for type in float32 int8 bfloat16; do
    t=$(best "tandem-$type-" "$column")
    line="  tandem $type $t ($(best_key "tandem-$type-" "$column"))"
    for peer_type in float32 int8; do
      c=$(best "ct2-$peer_type-" "$column")
      line="$line; / CTranslate2 $peer_type $c ($(best_key "ct2-$peer_type-" "$column")) = $(ratio "$t" "$c")x"
    done
    echo "$line"
  done
done
