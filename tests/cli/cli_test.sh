#!/usr/bin/env bash
# CLI as a user drives it: help, a model made by `init` and read by `info`,
# and bad input giving a one-line error with a non-zero exit.
set -u
tandem=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
passes=0
pass() { echo "ok: $1"; passes=$((passes + 1)); }
fail() { echo "FAIL: $1"; fails=$((fails + 1)); }

# expect_error NAME PATTERN CMD...: non-zero exit, exactly one stderr line matching PATTERN.
expect_error() {
  local name=$1 pattern=$2; shift 2
  "$@" >"$tmp/out" 2>"$tmp/err"; local rc=$?
  local lines; lines=$(wc -l <"$tmp/err")
  if [ "$rc" -ne 0 ] && [ "$lines" -eq 1 ] && grep -q -- "$pattern" "$tmp/err"; then pass "$name"
  else fail "$name (rc=$rc, stderr: $(cat "$tmp/err"))"; fi
}

"$tandem" --help | grep -q "usage: tandem <command>" && pass "tandem --help" || fail "tandem --help"
"$tandem" info --help | grep -q -- "--threads" && pass "info --help" || fail "info --help"

"$tandem" init -c transformer-small --src-vocab 100 --tgt-vocab 100 -o "$tmp/m.h5" 2>/dev/null \
  && pass "init" || fail "init"
"$tandem" info "$tmp/m.h5" >"$tmp/info" 2>&1
grep -q "d_model: 256" "$tmp/info" && grep -q "encoder/layers/2" "$tmp/info" \
  && grep -q "total" "$tmp/info" && pass "info on a fresh model" || fail "info: $(cat "$tmp/info")"

expect_error "missing model file" "no-such.h5: cannot open" "$tandem" info "$tmp/no-such.h5"
echo "plain text" >"$tmp/text.h5"
expect_error "not an HDF5 file" "text.h5: not an HDF5 file" "$tandem" info "$tmp/text.h5"
expect_error "unknown option" "unrecognised option\|unrecognized option" "$tandem" info --bogus "$tmp/m.h5"
expect_error "unknown preset" "did you mean \`transformer-small\`" \
  "$tandem" init -c transformer-smal -o "$tmp/x.h5"
expect_error "bad vocab for tie all" "joint vocabulary" \
  "$tandem" init -c transformer-small --src-vocab 10 --tgt-vocab 12 -o "$tmp/x.h5"
[ ! -e "$tmp/x.h5" ] && pass "no file left after a failed init" || fail "x.h5 left behind"
"$tandem" frobnicate >/dev/null 2>&1; [ $? -ne 0 ] && pass "unknown command" || fail "unknown command"


# --- translate / summarize / score on a tiny model with a real vocabulary ---
for i in $(seq 1 300); do echo "the dog number $((i % 17)) runs over the green grass near house $((i % 5))"; done >"$tmp/text.txt"
"$tandem" vocab -i "$tmp/text.txt" --size 80 -o "$tmp/spm.model" 2>/dev/null && pass "vocab" || fail "vocab"
"$tandem" init -c "$(dirname "$0")/tiny.yaml" --vocab "$tmp/spm.model" -o "$tmp/tiny.h5" 2>/dev/null \
  && pass "init --vocab" || fail "init --vocab"
printf 'the dog runs\n\nthe green grass\n' >"$tmp/in.txt"
"$tandem" translate -m "$tmp/tiny.h5" <"$tmp/in.txt" >"$tmp/out.txt" 2>"$tmp/err"
[ $? -eq 0 ] && [ "$(wc -l <"$tmp/out.txt")" -eq 3 ] && [ -z "$(sed -n 2p "$tmp/out.txt")" ] \
  && pass "translate stdin->stdout keeps line count and empty lines" || fail "translate stdin/stdout: $(cat "$tmp/err")"
"$tandem" translate -m "$tmp/tiny.h5" -i "$tmp/in.txt" -o "$tmp/out2.txt" 2>/dev/null && cmp -s "$tmp/out.txt" "$tmp/out2.txt" \
  && pass "translate -i/-o equals stdin/stdout" || fail "translate -i/-o"
"$tandem" translate -m "$tmp/tiny.h5" -i "$tmp/in.txt" --beam 3 --nbest 2 >"$tmp/nbest.txt" 2>/dev/null
grep -c ' ||| ' "$tmp/nbest.txt" | grep -qx 5 && head -1 "$tmp/nbest.txt" | grep -q '^0 ||| .* ||| -\?[0-9]' \
  && pass "n-best format" || fail "n-best: $(cat "$tmp/nbest.txt")"
# score-pairs (that scoring a beam's tokens gives the beam's scores is
# search_test's PairScorer: a random model's output text need not re-encode
# to the same pieces). Here: the numbers as the command prints them.
grep -v '^$' "$tmp/in.txt" >"$tmp/in_nonempty.txt"
"$tandem" translate -m "$tmp/tiny.h5" -i "$tmp/in_nonempty.txt" --beam 3 --nbest 2 --max-len-a 0 --max-len-b 6 >"$tmp/nb2.txt" 2>/dev/null
awk -F' [|][|][|] ' 'NR==FNR {src[FNR-1]=$0; next} {print src[$1] > "'"$tmp"'/sp_src.txt"; print $2 > "'"$tmp"'/sp_tgt.txt"}' \
  "$tmp/in_nonempty.txt" "$tmp/nb2.txt"
"$tandem" score-pairs -m "$tmp/tiny.h5" -s "$tmp/sp_src.txt" -t "$tmp/sp_tgt.txt" >"$tmp/sp.txt" 2>"$tmp/err"
"$tandem" score-pairs -m "$tmp/tiny.h5" -s "$tmp/sp_src.txt" -t "$tmp/sp_tgt.txt" --batch-tokens 1 --window 1 >"$tmp/sp1.txt" 2>&1
[ "$(wc -l <"$tmp/sp.txt")" -eq 4 ] && paste "$tmp/sp.txt" "$tmp/sp1.txt" \
  | awk '{d = $1 - $2; if (d < 0) d = -d; if (d > 1e-4 || $1 >= 0) bad = 1} END {exit bad || NR != 4}' \
  && pass "score-pairs: one negative log-probability per pair, the same pair by pair" \
  || fail "score-pairs: $(cat "$tmp/sp.txt" "$tmp/sp1.txt" "$tmp/err")"
"$tandem" score-pairs -m "$tmp/tiny.h5" -s "$tmp/sp_src.txt" -t "$tmp/sp_tgt.txt" --normalize --length-penalty 1 --per-token >"$tmp/spn.txt" 2>/dev/null
awk -F' [|][|][|] ' '{n = split($2, t, " "); s = 0; for (i = 1; i <= n; ++i) s += t[i]; d = s / ((5 + n) / 6) - $1; if (d < 0) d = -d; if (d > 1e-3) bad = 1} END {exit bad || NR != 4}' "$tmp/spn.txt" \
  && pass "score-pairs --normalize is the sum over ((5+len)/6)^alpha" || fail "score-pairs --normalize: $(cat "$tmp/spn.txt")"
"$tandem" score-pairs -m "$tmp/tiny.h5" -s "$tmp/sp_src.txt" -t "$tmp/sp_tgt.txt" --per-token >"$tmp/spt.txt" 2>/dev/null
awk -F' [|][|][|] ' '{n = split($2, t, " "); s = 0; for (i = 1; i <= n; ++i) s += t[i]; d = s - $1; if (d < 0) d = -d; if (d > 1e-3 || n < 2) bad = 1} END {exit bad || NR != 4}' "$tmp/spt.txt" \
  && pass "score-pairs --per-token adds up to the total" || fail "score-pairs --per-token: $(cat "$tmp/spt.txt")"
expect_error "score-pairs: line counts" "in.txt ends at line 3, .*sp_src.txt goes on" \
  "$tandem" score-pairs -m "$tmp/tiny.h5" -s "$tmp/sp_src.txt" -t "$tmp/in.txt"
expect_error "score-pairs: both stdin" "cannot both be stdin" "$tandem" score-pairs -m "$tmp/tiny.h5" -s - -t -
expect_error "score-pairs: missing target" "nope.txt" "$tandem" score-pairs -m "$tmp/tiny.h5" -s "$tmp/in.txt" -t "$tmp/nope.txt"
expect_error "score-pairs: output over an input" "" \
  "$tandem" score-pairs -m "$tmp/tiny.h5" -s "$tmp/sp_src.txt" -t "$tmp/sp_tgt.txt" -o "$tmp/sp_tgt.txt"
head -n 120 "$tmp/text.txt" >"$tmp/many.txt"
"$tandem" translate -m "$tmp/tiny.h5" -i "$tmp/many.txt" --batch-tokens 96 --threads 2 --workers 1 >"$tmp/w1.txt" 2>/dev/null
"$tandem" translate -m "$tmp/tiny.h5" -i "$tmp/many.txt" --batch-tokens 96 --threads 2 --workers 2 >"$tmp/w2.txt" 2>/dev/null
[ "$(wc -l <"$tmp/w2.txt")" -eq 120 ] && cmp -s "$tmp/w1.txt" "$tmp/w2.txt" \
  && pass "two decoding workers give the same output in input order" || fail "--workers 2 differs from --workers 1"
expect_error "bad --workers" "\-\-workers must be between 0 and" "$tandem" translate -m "$tmp/tiny.h5" --workers -1 -i "$tmp/in.txt"
long=$(for i in $(seq 1 20); do printf 'the green grass near house %d ' $i; done)
echo "$long" | "$tandem" translate -m "$tmp/tiny.h5" >"$tmp/long.txt" 2>"$tmp/err"
[ $? -eq 0 ] && [ "$(wc -l <"$tmp/long.txt")" -eq 1 ] && grep -q "translated as [0-9]* pieces" "$tmp/err" \
  && pass "long line translated in pieces and reported" || fail "long line: $(cat "$tmp/err")"
echo "$long" | "$tandem" summarize -m "$tmp/tiny.h5" >"$tmp/sum.txt" 2>"$tmp/err"
[ $? -eq 0 ] && [ "$(wc -l <"$tmp/sum.txt")" -eq 1 ] && grep -q "exceed the model" "$tmp/err" \
  && pass "summarize splits a long document and says so" || fail "summarize: $(cat "$tmp/err")"
expect_error "translate: missing model" "nope.h5: cannot open" "$tandem" translate -m "$tmp/nope.h5" -i "$tmp/in.txt"
expect_error "translate: not HDF5" "text.h5: not an HDF5 file" "$tandem" translate -m "$tmp/text.h5" -i "$tmp/in.txt"
expect_error "translate: model without vocabulary" "no vocabulary" "$tandem" translate -m "$tmp/m.h5" -i "$tmp/in.txt"
printf 'fine\nbad \xff byte\n' >"$tmp/bad.txt"
expect_error "translate: invalid UTF-8 names the line" "bad.txt:2: invalid UTF-8" "$tandem" translate -m "$tmp/tiny.h5" -i "$tmp/bad.txt"
expect_error "translate: --tag the model lacks" "\-\-tag >>xx<<: not a piece of the model's vocabulary (its tags: none)" \
  "$tandem" translate -m "$tmp/tiny.h5" --tag ">>xx<<" -i "$tmp/in.txt"
expect_error "translate: --tag with --alignment" "\-\-tag: no \-\-alignment or \-\-attention with it" \
  "$tandem" translate -m "$tmp/tiny.h5" --tag ">>xx<<" --alignment -i "$tmp/in.txt"
expect_error "translate: --beam 0" "beam must be between 1 and" "$tandem" translate -m "$tmp/tiny.h5" --beam 0 -i "$tmp/in.txt"
expect_error "translate: --beam 100000" "beam must be between 1 and 1024, got 100000" \
  "$tandem" translate -m "$tmp/tiny.h5" --beam 100000 -i "$tmp/in.txt"
expect_error "translate: --max-len-a nan" "max-len-a must be a finite number" \
  "$tandem" translate -m "$tmp/tiny.h5" --max-len-a nan -i "$tmp/in.txt"
expect_error "translate: --threads 100000" "threads must be between 0 (all cores) and 512" \
  "$tandem" translate -m "$tmp/tiny.h5" --threads 100000 -i "$tmp/in.txt"
"$tandem" translate -m "$tmp/tiny.h5" --max-len-a 1e30 --max-len-b 5 -i "$tmp/in.txt" >"$tmp/huge_a.txt" 2>"$tmp/err"
[ $? -eq 0 ] && [ "$(wc -l <"$tmp/huge_a.txt")" -eq 3 ] \
  && pass "translate: --max-len-a 1e30 is capped by the model's positions" || fail "huge --max-len-a: $(cat "$tmp/err")"
expect_error "translate: bad --sampling" "expected topk:K or topp:P" "$tandem" translate -m "$tmp/tiny.h5" --sampling nucleus -i "$tmp/in.txt"
"$tandem" translate -m "$tmp/tiny.h5" -i "$tmp/in.txt" --sampling topk:5 --seed 3 >"$tmp/s1.txt" 2>/dev/null
"$tandem" translate -m "$tmp/tiny.h5" -i "$tmp/in.txt" --sampling topk:5 --seed 3 >"$tmp/s2.txt" 2>/dev/null
cmp -s "$tmp/s1.txt" "$tmp/s2.txt" && pass "sampling is reproducible" || fail "sampling"
printf 'a b c d e\nf g h i j\n' >"$tmp/ref.txt"; printf 'a b c\n' >"$tmp/hyp.txt"
expect_error "score: line counts" "hyp.txt has 1 lines, .*ref.txt has 2" "$tandem" score -r "$tmp/ref.txt" -i "$tmp/hyp.txt"
"$tandem" score -r "$tmp/ref.txt" -i "$tmp/ref.txt" -m bleu,chrf,ter -f json >"$tmp/score.json" 2>&1
grep -q '"name": "BLEU", "score": 100.0000, "signature": "nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0"' "$tmp/score.json" \
  && grep -q '"name": "TER", "score": 0.0000' "$tmp/score.json" && pass "score json" || fail "score json: $(cat "$tmp/score.json")"
# Input hygiene: spaces only, a 100,000-character line, mixed scripts and emoji,
# control characters, CRLF: every line translated (or in pieces, said on stderr),
# one output line per input line, for translate and summarize alike.
{
  printf '   \n'
  head -c 100000 /dev/zero | tr '\0' 'a'; printf '\n'
  printf 'the dog \xd0\xbf\xd1\x80\xd0\xb8 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80 runs\n'
  printf 'the\tgreen\x01grass\x7f\r\n'
  printf '\n'
} >"$tmp/hostile.txt"
for cmd in translate summarize; do
  "$tandem" "$cmd" -m "$tmp/tiny.h5" -i "$tmp/hostile.txt" -o "$tmp/hostile.out" 2>"$tmp/err"; rc=$?
  if [ "$rc" -eq 0 ] && [ "$(wc -l <"$tmp/hostile.out")" -eq 5 ] && [ -z "$(sed -n 1p "$tmp/hostile.out")" ]; then
    pass "$cmd: hostile lines keep the line count"
  else fail "$cmd hostile input: rc=$rc, $(wc -l <"$tmp/hostile.out" 2>/dev/null) lines, $(tail -2 "$tmp/err")"; fi
done
"$tandem" score -r "$tmp/hostile.txt" -i "$tmp/hostile.txt" -m bleu,chrf,ter,rouge >/dev/null 2>"$tmp/err" \
  && pass "score: hostile lines against themselves" || fail "score hostile: $(cat "$tmp/err")"

# TER on the reference with each line's words reversed: once a segmentation fault
# (a shift near the end of the line read past the word vector).
awk '{ for (i = NF; i > 0; i--) printf "%s%s", $i, (i > 1 ? " " : "\n") }' "$tmp/ref.txt" >"$tmp/reversed.txt"
printf 'a a b\n' >"$tmp/ter_hyp.txt"; printf 'a b c\n' >"$tmp/ter_ref.txt"
"$tandem" score -r "$tmp/ref.txt" -i "$tmp/reversed.txt" -m ter >"$tmp/ter.txt" 2>&1 \
  && "$tandem" score -r "$tmp/ter_ref.txt" -i "$tmp/ter_hyp.txt" -m ter >"$tmp/ter2.txt" 2>&1 \
  && grep -q 'TER = 66.67' "$tmp/ter2.txt" && pass "score: TER of reversed lines and a shift at the end" \
  || fail "score ter: $(cat "$tmp/ter.txt" "$tmp/ter2.txt")"
# Two references (sacreBLEU README's example): 48.53 BLEU, 59.73 chrF2.
printf '%s\n' "The dog bit the man." "It wasn't surprising." "The man had just bitten him." >"$tmp/mr_hyp.txt"
printf '%s\n' "The dog bit the man." "It was not unexpected." "The man bit him first." >"$tmp/mr_ref1.txt"
printf '%s\n' "The dog had bit the man." "No one was surprised." "The man had bitten the dog." >"$tmp/mr_ref2.txt"
"$tandem" score -r "$tmp/mr_ref1.txt" -r "$tmp/mr_ref2.txt" -i "$tmp/mr_hyp.txt" >"$tmp/mr.txt" 2>&1
grep -q '^BLEU = 48.53  nrefs:2|' "$tmp/mr.txt" && grep -q '^chrF2 = 59.73  nrefs:2|' "$tmp/mr.txt" \
  && pass "score: two references (sacreBLEU's README example)" || fail "score -r -r: $(cat "$tmp/mr.txt")"
expect_error "score: second reference line count" "ref.txt has 2" \
  "$tandem" score -r "$tmp/mr_ref1.txt" -r "$tmp/ref.txt" -i "$tmp/mr_hyp.txt"
expect_error "score: unknown metric" "unknown metric \"blue\"" "$tandem" score -r "$tmp/ref.txt" -i "$tmp/ref.txt" -m blue

# --- model variants (issue #6) ---
"$tandem" translate -m "$tmp/tiny.h5" -i "$tmp/in.txt" --alignment --attention "$tmp/att.h5" >"$tmp/al.txt" 2>"$tmp/err"
[ $? -eq 0 ] && [ "$(wc -l <"$tmp/al.txt")" -eq 3 ] && head -1 "$tmp/al.txt" | grep -q ' ||| \([0-9]*-[0-9]*\)\?' \
  && /usr/bin/python3 "$(dirname "$0")/check_alignment.py" "$tmp/al.txt" "$tmp/att.h5" >/dev/null 2>"$tmp/err" \
  && pass "alignment equals the argmax of the --attention weights" || fail "alignment: $(cat "$tmp/err" "$tmp/al.txt")"
cut -d'|' -f1 "$tmp/al.txt" | sed 's/ $//' | cmp -s - "$tmp/out.txt" \
  && pass "--alignment leaves the translations unchanged" || fail "alignment changed the text"
for variant in "positions: rope" "positions: alibi" "positions: relative"; do
  { cat "$(dirname "$0")/tiny.yaml"; echo "$variant"; echo "kv_heads: 1"; } >"$tmp/variant.yaml"
  "$tandem" init -c "$tmp/variant.yaml" --vocab "$tmp/spm.model" -o "$tmp/variant.h5" 2>/dev/null
  echo "$long" | "$tandem" translate -m "$tmp/variant.h5" --max-len-a 0 --max-len-b 60 >"$tmp/long.txt" 2>"$tmp/err"
  [ $? -eq 0 ] && [ "$(wc -l <"$tmp/long.txt")" -eq 1 ] && [ -s "$tmp/long.txt" ] && [ "$(wc -w <"$tmp/long.txt")" -gt 0 ] \
    && ! grep -q "pieces" "$tmp/err" \
    && pass "$variant: a line past max_positions decodes whole" || fail "$variant long line: $(cat "$tmp/err")"
done
"$tandem" info "$tmp/variant.h5" | grep -q "self-attention:  64 bytes per target token (1 layers x keys+values x 1 kv heads x 8 dims)" \
  && pass "info shows the cache size per token" || fail "info cache: $("$tandem" info "$tmp/variant.h5" | tail -3)"
{ cat "$(dirname "$0")/tiny.yaml"; echo "kv_heads: 3"; } >"$tmp/bad.yaml"
expect_error "init: kv_heads not dividing heads" "model.kv_heads 3 does not divide model.heads 2" \
  "$tandem" init -c "$tmp/bad.yaml" --vocab "$tmp/spm.model" -o "$tmp/x.h5"
# Recipes take the variants from --set on top of a preset, checked before any work.
head -200 "$tmp/text.txt" >"$tmp/train.src"; head -200 "$tmp/text.txt" >"$tmp/train.tgt"
cat >"$tmp/recipe.yaml" <<EOR
name: variant-test
data:
  train: {src: train.src, tgt: train.tgt}
  valid: {src: train.src, tgt: train.tgt}
vocab: {type: unigram, size: 60, joint: true}
model: transformer-small
train: {max_updates: 2, batch_tokens: 256, valid_every: 2, valid_sentences: 4}
output: $tmp/run
EOR
"$tandem" train "$tmp/recipe.yaml" --data-root "$tmp" --dry-run --set model.positions=rope --set model.kv_heads=1 \
  --set model.sliding_window=8 >"$tmp/plan.txt" 2>&1 \
  && grep -q "positions: rope" "$tmp/plan.txt" && grep -q "kv_heads: 1" "$tmp/plan.txt" \
  && pass "train --set model.positions=rope --set model.kv_heads=1" || fail "train --set variants: $(tail -5 "$tmp/plan.txt")"
"$tandem" train "$tmp/recipe.yaml" --data-root "$tmp" --dry-run --set vocab.sample_sentences=100 >"$tmp/plan2.txt" 2>&1 \
  && grep -q "seeded sample of 100 of 400 lines" "$tmp/plan2.txt" \
  && pass "train: the vocabulary trains on a bounded sample (vocab.sample_sentences)" || fail "vocab sample: $(grep -i vocab "$tmp/plan2.txt")"
expect_error "train: vocab.sample_sentences below 100" "sample_sentences" \
  "$tandem" train "$tmp/recipe.yaml" --data-root "$tmp" --dry-run --set vocab.sample_sentences=5
[ ! -e "$tmp/run" ] && pass "train --dry-run creates no run folder" || fail "train --dry-run created $tmp/run"
expect_error "train: kv_heads 3 rejected before training" "model.kv_heads 3 does not divide model.heads 4" \
  "$tandem" train "$tmp/recipe.yaml" --data-root "$tmp" --dry-run --set model.kv_heads=3
# A second writer of the same run folder refuses (here this shell holds the lock).
mkdir -p "$tmp/run"
exec 9>"$tmp/run/.lock"
flock 9
expect_error "train: a second run on the same folder refuses" "run is in use by another tandem train" \
  "$tandem" train "$tmp/recipe.yaml" --data-root "$tmp"
flock -u 9
exec 9>&-

# --- streaming (issue #24): windows give the whole-file output, the first
# lines come out while the input is still open ---
head -n 300 "$tmp/text.txt" | sed 's/ near house 3//' >"$tmp/stream.txt"; cat "$tmp/hostile.txt" >>"$tmp/stream.txt"
"$tandem" translate -m "$tmp/tiny.h5" -i "$tmp/stream.txt" --window 1000000 >"$tmp/whole.out" 2>/dev/null
"$tandem" translate -m "$tmp/tiny.h5" -i "$tmp/stream.txt" --window 7 >"$tmp/window7.out" 2>/dev/null
"$tandem" translate -m "$tmp/tiny.h5" --window 1 <"$tmp/stream.txt" >"$tmp/window1.out" 2>/dev/null
[ "$(wc -l <"$tmp/whole.out")" -eq "$(wc -l <"$tmp/stream.txt")" ] && cmp -s "$tmp/whole.out" "$tmp/window7.out" \
  && cmp -s "$tmp/whole.out" "$tmp/window1.out" && pass "translate: windows of 1 and 7 lines give the whole-file output" \
  || fail "windowed output differs"
"$tandem" translate -m "$tmp/tiny.h5" -i "$tmp/stream.txt" --window 5 --sampling topk:5 --seed 3 >"$tmp/ws.out" 2>/dev/null
"$tandem" translate -m "$tmp/tiny.h5" -i "$tmp/stream.txt" --sampling topk:5 --seed 3 >"$tmp/ws2.out" 2>/dev/null
cmp -s "$tmp/ws.out" "$tmp/ws2.out" && pass "sampling does not depend on the window" || fail "sampling differs by window"
"$tandem" summarize -m "$tmp/tiny.h5" -i "$tmp/stream.txt" --window 3 >"$tmp/sw3.out" 2>/dev/null
"$tandem" summarize -m "$tmp/tiny.h5" -i "$tmp/stream.txt" >"$tmp/sw.out" 2>/dev/null
cmp -s "$tmp/sw3.out" "$tmp/sw.out" && pass "summarize: windows give the whole-file output" || fail "summarize windows"
# Lines written to an open pipe come back translated at once, while the
# writer keeps the pipe open for 4 s more: the time is taken when the third
# translation has arrived (a reader that read everything first would need 4 s).
mkfifo "$tmp/fifo"
( exec 3>"$tmp/fifo"; head -n 3 "$tmp/stream.txt" >&3; sleep 4 ) &
writer=$!
start=$(date +%s%N)
timeout 10 "$tandem" translate -m "$tmp/tiny.h5" -i "$tmp/fifo" 2>/dev/null \
  | { head -n 3 >"$tmp/fifo.out"; date +%s%N >"$tmp/fifo.time"; cat >/dev/null; }
ms=$(( ($(cat "$tmp/fifo.time") - start) / 1000000 ))
wait $writer
[ "$(wc -l <"$tmp/fifo.out")" -eq 3 ] && [ "$ms" -lt 3000 ] && cmp -s "$tmp/fifo.out" <(head -n 3 "$tmp/whole.out") \
  && pass "translate streams: 3 lines of an open pipe back in ${ms} ms" || fail "open pipe: $(wc -l <"$tmp/fifo.out") lines in $ms ms"
expect_error "translate: --window 0" "\-\-window must be between 1 and" "$tandem" translate -m "$tmp/tiny.h5" --window 0 -i "$tmp/in.txt"

# --- nothing a command reads is written over (issue #23) ---
cp "$tmp/in.txt" "$tmp/keep.txt"
expect_error "translate: -o the input" "\-o $tmp/keep.txt is the input file $tmp/keep.txt" \
  "$tandem" translate -m "$tmp/tiny.h5" -i "$tmp/keep.txt" -o "$tmp/keep.txt"
ln -s keep.txt "$tmp/keep-link.txt"
expect_error "translate: -o a symlink to the input" "is the input file" \
  "$tandem" translate -m "$tmp/tiny.h5" -i "$tmp/keep.txt" -o "$tmp/keep-link.txt"
expect_error "summarize: -o the model" "is the input file" "$tandem" summarize -m "$tmp/tiny.h5" -i "$tmp/keep.txt" -o "$tmp/tiny.h5"
cmp -s "$tmp/in.txt" "$tmp/keep.txt" && pass "refused outputs left the input as it was" || fail "input changed"
cp "$tmp/tiny.h5" "$tmp/orig.h5"
expect_error "export: -o DIR/./same" "is the input file" "$tandem" export -m "$tmp/orig.h5" -o "$tmp/./orig.h5"
ln "$tmp/orig.h5" "$tmp/hard.h5"
expect_error "export: -o a hard link of the input" "is the input file" "$tandem" export -m "$tmp/orig.h5" -o "$tmp/hard.h5"
ln -s orig.h5 "$tmp/soft.h5"
printf 'the dog runs\n' >"$tmp/v.src"; printf 'the dog runs\n' >"$tmp/v.ref"
expect_error "tune-decode: -o a symlink to the input" "is the input file" \
  "$tandem" tune-decode -m "$tmp/orig.h5" --valid "$tmp/v.src" "$tmp/v.ref" -o "$tmp/soft.h5"
expect_error "average: -o one of the inputs" "is the input file" "$tandem" average -o "$tmp/hard.h5" "$tmp/orig.h5" "$tmp/tiny.h5"
cmp -s "$tmp/tiny.h5" "$tmp/orig.h5" && pass "refused writes left the model as it was" || fail "model changed"
# Averaging needs one architecture and one vocabulary, not just equal shapes.
{ cat "$(dirname "$0")/tiny.yaml"; echo "positions: learned"; } >"$tmp/learned.yaml"
"$tandem" init -c "$tmp/learned.yaml" --vocab "$tmp/spm.model" -o "$tmp/learned.h5" 2>/dev/null
expect_error "average: another positional scheme" "cannot average: model.positions is sinusoidal in $tmp/tiny.h5 but learned in $tmp/learned.h5" \
  "$tandem" average -o "$tmp/avg.h5" "$tmp/tiny.h5" "$tmp/learned.h5"
head -150 "$tmp/text.txt" | tr 'a-z' 'b-za' >"$tmp/other.txt"
"$tandem" vocab -i "$tmp/other.txt" --size 80 -o "$tmp/other.model" 2>/dev/null
"$tandem" init -c "$(dirname "$0")/tiny.yaml" --vocab "$tmp/other.model" -o "$tmp/other.h5" 2>/dev/null
expect_error "average: another vocabulary" "cannot average: $tmp/other.h5 has another vocabulary than $tmp/tiny.h5" \
  "$tandem" average -o "$tmp/avg.h5" "$tmp/tiny.h5" "$tmp/other.h5"
[ ! -e "$tmp/avg.h5" ] && pass "no average written after a refusal" || fail "avg.h5 written"
# A run folder that holds a run is refused without --resume or --overwrite.
cat >"$tmp/small.yaml" <<EOR
name: small
data:
  train: {src: train.src, tgt: train.tgt}
  valid: {src: train.src, tgt: train.tgt}
vocab: {type: unigram, size: 60, joint: true}
model: {d_model: 16, heads: 2, ffn_dim: 32, encoder_layers: 1, decoder_layers: 1, max_positions: 64, tie_embeddings: all}
train: {max_updates: 2, batch_tokens: 256, valid_every: 2, valid_sentences: 4}
output: $tmp/small-run
EOR
"$tandem" train "$tmp/small.yaml" --data-root "$tmp" >/dev/null 2>&1 && pass "train a small run" || fail "small run"
cp "$tmp/small-run/metrics.tsv" "$tmp/metrics.before"
expect_error "train: a folder holding a run is refused" "small-run already holds a run (metrics.tsv, .*--resume to continue it, --overwrite to replace it" \
  "$tandem" train "$tmp/small.yaml" --data-root "$tmp"
cmp -s "$tmp/metrics.before" "$tmp/small-run/metrics.tsv" && pass "the refused run left metrics.tsv" || fail "metrics.tsv changed"
expect_error "train: --resume with --overwrite" "\-\-resume and \-\-overwrite: choose one" \
  "$tandem" train "$tmp/small.yaml" --data-root "$tmp" --resume --overwrite
"$tandem" train "$tmp/small.yaml" --data-root "$tmp" --overwrite >/dev/null 2>&1 && [ -e "$tmp/small-run/finished.yaml" ] \
  && pass "train --overwrite replaces the run" || fail "--overwrite"
expect_error "train: max_len beyond the model's positions" "train.max_len 100 exceeds model.max_positions 64" \
  "$tandem" train "$tmp/small.yaml" --data-root "$tmp" --dry-run --set train.max_len=100
# The process is named tandem (not "exe" after its re-exec) in ps and top.
"$tandem" translate -m "$tmp/tiny.h5" -i /dev/stdin < <(sleep 2; echo hi) >/dev/null 2>&1 &
sleep 1
comm=$(ps -o comm= -p $! 2>/dev/null)
wait
[ "$comm" = "tandem" ] && pass "ps shows the process as tandem" || fail "ps shows \"$comm\""

echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
