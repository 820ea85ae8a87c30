#!/usr/bin/env bash
# scripts/kill_resume_test.sh [KILLS [UPDATES]]: crash safety of training
# (issues #12, #23). Trains a tiny copy-task model (1 thread, dropout on) for
# UPDATES updates (default 20000) once without interruption, then again while
# killing `tandem train` with SIGKILL KILLS times (default 50), resuming with
# --resume after each kill (a fresh start while no checkpoint exists yet).
# Every other kill is at a random moment; the others wait for a checkpoint
# write to start and kill inside it (confirmed when its temporary file is left
# behind by the dead process). Checks: kills happened, at least one landed
# inside a checkpoint write, every resume starts, no kill loses more than one
# checkpoint interval (valid_every) of updates, and the final parameters of the
# interrupted run equal the uninterrupted run's bit for bit. ctest runs it
# short (tests/CMakeLists.txt).
# Prints the figures; exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
kills=${1:-50}
updates=${2:-20000}
tandem=$(readlink -f "${TANDEM:-./build/tandem}")
/usr/bin/python3 -c "import h5py, numpy" 2>/dev/null || { echo "skip: no python3-h5py"; exit 77; }
work=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
# A copy task from a fixed word list (awk's seeded generator: the same data every run).
awk 'BEGIN { srand(7); split("red blue green dog cat runs sits on the a big small house tree near river old man sees bird", w, " ");
  for (i = 0; i < 3000; i++) { n = 3 + int(rand() * 6); s = ""; for (j = 0; j < n; j++) s = s (j ? " " : "") w[1 + int(rand() * 20)]; print s } }' \
  >"$work/train.src"
cp "$work/train.src" "$work/train.tgt"
head -40 "$work/train.src" >"$work/valid.src"; cp "$work/valid.src" "$work/valid.tgt"
interval=50
cat >"$work/recipe.yaml" <<EOR
name: kill-test
data:
  train: {src: train.src, tgt: train.tgt}
  valid: {src: valid.src, tgt: valid.tgt}
vocab: {type: unigram, size: 40, joint: true}
model: {d_model: 64, heads: 4, ffn_dim: 256, encoder_layers: 2, decoder_layers: 2, max_positions: 64, dropout: 0.1, tie_embeddings: all}
train:
  batch_tokens: 400
  optimizer: {name: adam, lr: 3.0e-3}
  schedule: {name: inverse_sqrt, warmup: 50}
  max_updates: $updates
  valid_every: $interval
  valid_sentences: 8
  average: 1
  log_every: 1
  seed: 3
decode: {beam: 1}
EOR
train() {  # train OUTPUT [--resume]; exec: a background `train` is tandem itself, for kill -9
  exec "$tandem" train "$work/recipe.yaml" --data-root "$work" --threads 1 --set "output=$1" "${@:2}"
}
params_equal() {
  /usr/bin/python3 - "$1" "$2" <<'PY'
import sys, h5py, numpy as np
a, b = h5py.File(sys.argv[1], "r"), h5py.File(sys.argv[2], "r")
names = []
a["params"].visititems(lambda n, o: names.append(n) if isinstance(o, h5py.Dataset) else None)
diff = [n for n in names if not np.array_equal(a["params"][n][()], b["params"][n][()])]
print(f"{len(names) - len(diff)}/{len(names)} parameter tensors identical" + (f"; differ: {diff[:3]}" if diff else ""))
sys.exit(1 if diff or not names else 0)
PY
}
last_update() { grep -o 'update [0-9]* |' "$1" | tail -1 | grep -o '[0-9]*'; }

start=$(date +%s)
(train "$work/ref") >"$work/ref.log" 2>&1 || { echo "FAIL: the uninterrupted run failed"; tail -3 "$work/ref.log"; exit 1; }
ref_seconds=$(( $(date +%s) - start ))
failures=0 resumes=0 max_lost=0 mid_write=0 killed=0 fresh=0
run=$work/killed
for k in $(seq 1 "$kills"); do
  args=()
  # A run killed before its first checkpoint has nothing to resume: it starts
  # over, replacing what it had written (the folder refuses a plain restart).
  if [ -e "$run/checkpoints/last.h5" ]; then args=(--resume); resumes=$((resumes + 1)); else args=(--overwrite); fresh=$((fresh + 1)); fi
  (train "$run" "${args[@]}") >"$work/k$k.log" 2>&1 &
  pid=$!
  if [ $((k % 2)) -eq 0 ]; then
    # Inside a checkpoint write: poll (bash builtins only, no fork) for its
    # temporary file, for at most ~20 s.
    deadline=$((SECONDS + 20))
    while [ "$SECONDS" -lt "$deadline" ] && kill -0 "$pid" 2>/dev/null \
          && ! compgen -G "$run/checkpoints/*.tmp-*" >/dev/null; do :; done
  else
    # A random moment within the run (which takes ~ref_seconds in all).
    sleep "$(awk -v s="$k" -v t="$ref_seconds" 'BEGIN { srand(s); printf "%.2f", 0.3 + rand() * (t / 30 + 0.5) }')"
  fi
  if ! kill -0 "$pid" 2>/dev/null; then
    wait "$pid" || { echo "FAIL: run $k ended by itself with an error:"; tail -3 "$work/k$k.log"; failures=$((failures + 1)); }
    grep -q "wrote .*model.h5" "$work/k$k.log" && break
    continue
  fi
  kill -9 "$pid"; wait "$pid" 2>/dev/null
  killed=$((killed + 1))
  # A temporary file the dead process left: the kill landed inside a write.
  compgen -G "$run/checkpoints/*.tmp-*" >/dev/null && mid_write=$((mid_write + 1))
  reached=$(last_update "$work/k$k.log"); reached=${reached:-0}
  saved=$("$tandem" info "$run/checkpoints/last.h5" 2>/dev/null | grep -o 'checkpoint at update [0-9]*' | grep -o '[0-9]*' | head -1)
  saved=${saved:-0}
  lost=$((reached - saved)); [ "$lost" -gt "$max_lost" ] && max_lost=$lost
done
# Ctrl-C: the run stops after the update in progress, writes its resume
# checkpoint at that very update, and exits 130.
interrupted=0
if [ -e "$run/checkpoints/last.h5" ]; then
  (train "$run" --resume) >"$work/int.log" 2>&1 &
  pid=$!
  sleep "$(awk -v t="$ref_seconds" 'BEGIN { printf "%.2f", 1 + t / 20 }')"
  if kill -INT "$pid" 2>/dev/null; then
    wait "$pid"; rc=$?
    at=$(grep -o 'interrupted at update [0-9]*' "$work/int.log" | head -1 | grep -o '[0-9]*')
    saved=$("$tandem" info "$run/checkpoints/last.h5" 2>/dev/null | grep -o 'checkpoint at update [0-9]*' | grep -o '[0-9]*' | head -1)
    if [ "$rc" -eq 130 ] && [ -n "$at" ] && [ "$at" = "$saved" ]; then interrupted=1
      echo "Ctrl-C: exit 130, checkpoint written at update $at (nothing lost)"
    elif grep -q "wrote .*model.h5" "$work/int.log"; then echo "Ctrl-C: the run had finished first"
    else echo "FAIL: Ctrl-C: rc $rc, log says update '$at', checkpoint at '$saved'"; tail -3 "$work/int.log"; failures=$((failures + 1)); fi
  else wait "$pid"; fi
fi
# Finish the interrupted run.
[ -e "$run/checkpoints/last.h5" ] && final_args=(--resume) || final_args=(--overwrite)
(train "$run" "${final_args[@]}") >"$work/final.log" 2>&1 || { echo "FAIL: the final resume failed"; tail -3 "$work/final.log"; failures=$((failures + 1)); }
echo "kills: $killed of $kills tried ($mid_write inside a checkpoint write: its temporary file left behind); starts: $resumes with --resume, $fresh fresh (no checkpoint yet); failures: $failures"
[ "$killed" -gt 0 ] || { echo "FAIL: no kill happened (every run ended first)"; failures=$((failures + 1)); }
[ "$mid_write" -gt 0 ] || { echo "FAIL: no kill landed inside a checkpoint write"; failures=$((failures + 1)); }
echo "uninterrupted run: $ref_seconds s"
echo "most updates lost by one kill: $max_lost (checkpoint interval: $interval)"
[ "$max_lost" -le "$interval" ] || { echo "FAIL: a kill lost more than one checkpoint interval"; failures=$((failures + 1)); }
params_equal "$work/ref/checkpoints/last.h5" "$run/checkpoints/last.h5" || failures=$((failures + 1))
echo "$((failures == 0 ? 1 : 0)) passed, $((failures == 0 ? 0 : 1)) failed"
[ "$failures" -eq 0 ]
