#!/usr/bin/env bash
# `tandem export` as a user drives it: an int8 export of a tiny model passes
# its own --check and translates; a model whose weights were damaged on purpose
# (an outlier weight on a dead unit: invisible in float32, fatal to per-channel
# int8) fails the check and writes nothing; bad options are one-line errors.
# Needs python3-h5py (Debian's interpreter) to damage the weights.
set -u
tandem=$1
here=$(dirname "$0")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
pass() { echo "ok: $1"; }
fail() { echo "FAIL: $1"; fails=$((fails + 1)); }
expect_error() {
  local name=$1 pattern=$2; shift 2
  "$@" >"$tmp/out" 2>"$tmp/err"; local rc=$?
  if [ "$rc" -ne 0 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q -- "$pattern" "$tmp/err"; then pass "$name"
  else fail "$name (rc=$rc, stderr: $(cat "$tmp/err"))"; fi
}

# A tiny copy model, trained for ~2 s: an untrained one has flat output
# distributions that any rounding reorders, which would say nothing.
for i in $(seq 1 400); do echo "the dog number $((i % 17)) runs over the green grass near house $((i % 5))"; done >"$tmp/train.src"
cp "$tmp/train.src" "$tmp/train.tgt"
cat >"$tmp/recipe.yaml" <<EOR
name: export-test
data:
  train: {src: train.src, tgt: train.tgt}
  valid: {src: train.src, tgt: train.tgt}
vocab: {type: unigram, size: 60, joint: true}
model: $here/tiny.yaml
train: {max_updates: 1500, batch_tokens: 512, valid_every: 100000, valid_sentences: 4, average: 1,
        optimizer: {name: adam, lr: 3.0e-3}, schedule: {name: inverse_sqrt, warmup: 30}}
output: $tmp/run
EOR
"$tandem" train "$tmp/recipe.yaml" --data-root "$tmp" --set model.max_positions=64 >/dev/null 2>"$tmp/err" \
  && cp "$tmp/run/model.h5" "$tmp/tiny.h5" || fail "train: $(tail -3 "$tmp/err")"
head -n 60 "$tmp/train.src" >"$tmp/valid.src"
# The reference is the model's own output: the original scores BLEU 100.
"$tandem" translate -m "$tmp/tiny.h5" -i "$tmp/valid.src" -o "$tmp/valid.ref" 2>/dev/null || fail "translate"

# d_model 16 leaves int8 little room: a few lines change, so allow 5 points of
# BLEU, but at least 90% of the lines must come out identical.
"$tandem" export -m "$tmp/tiny.h5" -o "$tmp/int8.h5" --quantize int8 --max-bleu-drop 5 \
  --check "$tmp/valid.src" "$tmp/valid.ref" >"$tmp/report" 2>"$tmp/err"
identical=$(sed -n 's/ *identical output lines: \([0-9.]*\)%/\1/p' "$tmp/report")
if [ $? -eq 0 ] && grep -q "original   BLEU 100.00" "$tmp/report" && grep -q "wrote .*int8.h5: int8" "$tmp/report" \
  && awk -v p="${identical:-0}" 'BEGIN { exit !(p >= 90) }'; then pass "int8 export passes its check, ${identical}% identical lines"
else fail "int8 export: $(cat "$tmp/report" "$tmp/err")"; fi
"$tandem" info "$tmp/int8.h5" | grep -q "^weights: *int8" && pass "info shows int8" || fail "info int8"
"$tandem" info "$tmp/int8.h5" | grep -q "bleu_original: 100" && pass "check recorded in /config" \
  || fail "no check provenance"
[ "$(stat -c %s "$tmp/int8.h5")" -lt "$(stat -c %s "$tmp/tiny.h5")" ] && pass "int8 file is smaller" \
  || fail "int8 file not smaller"
"$tandem" translate -m "$tmp/int8.h5" -i "$tmp/valid.src" -o "$tmp/int8.out" 2>/dev/null \
  && [ "$(wc -l <"$tmp/int8.out")" -eq 60 ] && pass "int8 file translates" || fail "int8 translate"
"$tandem" translate -m "$tmp/tiny.h5" --compute-type int8 -i "$tmp/valid.src" -o "$tmp/int8b.out" 2>/dev/null \
  && cmp -s "$tmp/int8.out" "$tmp/int8b.out" && pass "int8 file == --compute-type int8 on the float32 file" \
  || fail "int8 file and load-time int8 differ"
"$tandem" export -m "$tmp/tiny.h5" -o "$tmp/f32.h5" 2>/dev/null && "$tandem" translate -m "$tmp/f32.h5" \
  -i "$tmp/valid.src" 2>/dev/null | cmp -s - "$tmp/valid.ref" && pass "float32 export translates as before" \
  || fail "float32 export"

/usr/bin/python3 - "$tmp/tiny.h5" "$tmp/damaged.h5" <<'PY'
import shutil, sys, h5py, numpy as np
shutil.copy(sys.argv[1], sys.argv[2])
with h5py.File(sys.argv[2], "r+") as f:
    for stack in ("encoder", "decoder"):
        for layer in f["params"][stack]["layers"].values():
            # Hidden unit 0 of each feed-forward block never fires (relu of -1)...
            layer["fc1/weight"][0, :] = 0
            layer["fc1/bias"][0] = -1
            # ...so fc2 may weigh it at anything in float32; per-channel int8
            # then has one step of 1000/127 times the row's real weights.
            w = layer["fc2/weight"][()]
            w[:, 0] = 1000 * np.abs(w).max(axis=1)
            layer["fc2/weight"][...] = w
PY
"$tandem" translate -m "$tmp/damaged.h5" -i "$tmp/valid.src" -o "$tmp/damaged.ref" 2>/dev/null || fail "damaged translate"
expect_error "check fails on a model int8 cannot represent" "export check failed: BLEU dropped" \
  "$tandem" export -m "$tmp/damaged.h5" -o "$tmp/damaged8.h5" --quantize int8 --check "$tmp/valid.src" "$tmp/damaged.ref" --max-bleu-drop 5
[ ! -e "$tmp/damaged8.h5" ] && pass "nothing written after a failed check" || fail "damaged8.h5 written"

expect_error "bf16 is not a file type" "translate --compute-type bfloat16" \
  "$tandem" export -m "$tmp/tiny.h5" -o "$tmp/x.h5" --quantize bf16
expect_error "same input and output" "is the input file" "$tandem" export -m "$tmp/tiny.h5" -o "$tmp/tiny.h5"
expect_error "check needs two files" "two files" \
  "$tandem" export -m "$tmp/tiny.h5" -o "$tmp/x.h5" --check "$tmp/valid.src"
head -n 5 "$tmp/valid.ref" >"$tmp/short.ref"
expect_error "check files of different lengths" "has 60 lines but" \
  "$tandem" export -m "$tmp/tiny.h5" -o "$tmp/x.h5" --quantize int8 --check "$tmp/valid.src" "$tmp/short.ref"
expect_error "int8 back to float32" "already int8" "$tandem" export -m "$tmp/int8.h5" -o "$tmp/x.h5"
expect_error "average refuses int8" "cannot be averaged" "$tandem" average -o "$tmp/x.h5" "$tmp/int8.h5" "$tmp/tiny.h5"
expect_error "bad compute type" "unknown compute type 'int4'" \
  "$tandem" translate -m "$tmp/tiny.h5" --compute-type int4 -i "$tmp/valid.src"
# tune-decode: the references are beam 4's output (length penalty 1.0) of an
# untrained model, whose flat distributions make greedy search differ from
# beam search; the sweep must find beam 4 (BLEU 100) over rows below 100.
"$tandem" init -c "$here/tiny.yaml" --vocab "$tmp/run/vocab.model" -o "$tmp/random.h5" 2>/dev/null || fail "init random"
"$tandem" translate -m "$tmp/random.h5" --beam 4 --length-penalty 1.0 -i "$tmp/valid.src" -o "$tmp/beam4.ref" 2>/dev/null \
  || fail "beam 4 translate"
"$tandem" tune-decode -m "$tmp/random.h5" --valid "$tmp/valid.src" "$tmp/beam4.ref" -o "$tmp/tuned.h5" \
  --beams 1,4 --length-penalties 0.6,1.0 >"$tmp/tune" 2>"$tmp/err" || fail "tune-decode: $(cat "$tmp/err")"
[ "$(grep -c '^| [0-9]' "$tmp/tune")" = 4 ] && pass "tune-decode tries 4 settings" || fail "tune-decode rows: $(cat "$tmp/tune")"
awk -F'|' '/^\| [0-9]/ && $4 + 0 < 100 { below = 1 } END { exit !below }' "$tmp/tune" \
  && pass "some settings score below 100 against beam 4's output" || fail "every setting scored 100: $(cat "$tmp/tune")"
grep -q "^chosen: beam 4, length penalty [0-9.]* (validation BLEU 100.00" "$tmp/tune" \
  && pass "tune-decode finds beam 4 against beam 4 references" || fail "tune-decode choice: $(cat "$tmp/tune")"
"$tandem" info "$tmp/tuned.h5" | grep -A2 "^decode:" | grep -q "beam: 4" \
  && pass "tuned settings are the stored defaults" || fail "tuned defaults: $("$tandem" info "$tmp/tuned.h5" | grep '^decode')"
"$tandem" translate -m "$tmp/tuned.h5" -i "$tmp/valid.src" 2>/dev/null | cmp -s - "$tmp/beam4.ref" \
  && pass "the tuned model translates with them" || fail "tuned model output"
# Summaries: scored with ROUGE, documents summarized as `tandem summarize` does.
"$tandem" summarize -m "$tmp/random.h5" --beam 4 -i "$tmp/valid.src" -o "$tmp/sum4.ref" 2>/dev/null || fail "summarize"
"$tandem" tune-decode -m "$tmp/random.h5" --valid "$tmp/valid.src" "$tmp/sum4.ref" -o "$tmp/tuned-sum.h5" \
  --beams 1,4 --length-penalties 0.6 --metric rouge >"$tmp/tune-sum" 2>"$tmp/err" || fail "tune-decode rouge: $(cat "$tmp/err")"
grep -q "^| beam | length penalty | BLEU | chrF | ROUGE |" "$tmp/tune-sum" \
  && grep -q "^chosen: beam 4, length penalty 0.60 (validation .* ROUGE 100.00)" "$tmp/tune-sum" \
  && pass "tune-decode --metric rouge finds beam 4" || fail "tune-decode rouge: $(cat "$tmp/tune-sum")"
expect_error "tune-decode: bad beam list" "\-\-beams: 0 is outside \[1, 64\]" \
  "$tandem" tune-decode -m "$tmp/tiny.h5" --valid "$tmp/valid.src" "$tmp/beam4.ref" -o "$tmp/x.h5" --beams 4,0
expect_error "tune-decode: same output as input" "is the input file" \
  "$tandem" tune-decode -m "$tmp/tiny.h5" --valid "$tmp/valid.src" "$tmp/beam4.ref" -o "$tmp/tiny.h5"

[ ! -e "$tmp/x.h5" ] && pass "no file left by failed commands" || fail "x.h5 left behind"

[ "$fails" -eq 0 ] && echo "all passed" || { echo "$fails failed"; exit 1; }
