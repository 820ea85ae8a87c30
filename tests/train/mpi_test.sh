#!/usr/bin/env bash
# tests/train/mpi_test.sh TANDEM: data-parallel training over MPI (issue #13),
# on a tiny copy-task model with 1 thread per rank:
#   1. equivalence: 2 ranks taking one batch each per update end with the same
#      parameters as 1 rank accumulating those 2 batches (dropout off), to 1e-6
#      relative per tensor (float sums in another order), across an epoch's
#      end where one rank has no batch;
#   2. with dropout on, two 2-rank runs with one seed are identical, and
#      differ from a run without dropout; a 2-stage recipe runs on 2 ranks;
#   3. a rank killed with SIGKILL mid-run ends the whole job, with a message,
#      within 60 s; --resume then continues it to the same final update, once
#      on 1 rank and once on 2.
# Skips (exit 77) when mpirun, an MPI build of tandem, or h5py is missing.
set -uo pipefail
tandem=${1:?usage: mpi_test.sh TANDEM}
command -v mpirun >/dev/null || { echo "skip: no mpirun (apt-get install openmpi-bin)"; exit 77; }
"$tandem" --version | grep -q "training: mpi" || { echo "skip: tandem built without MPI"; exit 77; }
/usr/bin/python3 -c "import h5py, numpy" 2>/dev/null || { echo "skip: no python3-h5py"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
pass() { echo "ok   $1"; }
fail() { echo "FAIL $1"; failures=$((failures + 1)); }

# Root in containers; more ranks than cores; shared memory without ptrace.
export OMPI_MCA_rmaps_base_oversubscribe=1 OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_btl_vader_single_copy_mechanism=none OMPI_MCA_hwloc_base_binding_policy=none
mpi() { local n=$1; shift; mpirun -np "$n" "$tandem" "$@"; }

awk 'BEGIN { srand(11); split("red blue green dog cat runs sits on the a big small house tree near river old man sees bird", w, " ");
  for (i = 0; i < 600; i++) { n = 3 + int(rand() * 6); s = ""; for (j = 0; j < n; j++) s = s (j ? " " : "") w[1 + int(rand() * 20)]; print s } }' \
  >"$work/train.src"
cp "$work/train.src" "$work/train.tgt"
head -20 "$work/train.src" >"$work/valid.src"; cp "$work/valid.src" "$work/valid.tgt"
recipe() {  # recipe DROPOUT MAX_UPDATES
  cat >"$work/recipe.yaml" <<EOR
name: mpi-test
data:
  train: {src: train.src, tgt: train.tgt}
  valid: {src: valid.src, tgt: valid.tgt}
vocab: {type: unigram, size: 40, joint: true}
model: {d_model: 32, heads: 4, ffn_dim: 64, encoder_layers: 1, decoder_layers: 1, max_positions: 32, dropout: $1, tie_embeddings: all}
train:
  batch_tokens: 200
  optimizer: {name: adam, lr: 3.0e-3}
  schedule: {name: inverse_sqrt, warmup: 10}
  max_updates: $2
  valid_every: 10
  valid_sentences: 4
  average: 1
  log_every: 5
  seed: 5
decode: {beam: 1}
EOR
}
train() {  # train RANKS OUTPUT [ARGS...]
  local n=$1 out=$2; shift 2
  mpi "$n" train "$work/recipe.yaml" --data-root "$work" --threads 1 --set "output=$work/$out" "$@"
}
# The key projections' biases are left out of the equivalence: their exact
# gradient is zero (softmax ignores a constant added to every score of a row),
# so what they receive is rounding noise, which Adam scales to full-size steps;
# another summation order gives other noise. Every other tensor must agree.
compare() {  # compare A.h5 B.h5 RTOL [all]: max |a-b| / max |a| per tensor
  /usr/bin/python3 - "$@" <<'PY'
import sys, h5py, numpy as np
a, b, rtol = h5py.File(sys.argv[1], "r"), h5py.File(sys.argv[2], "r"), float(sys.argv[3])
every = len(sys.argv) > 4
names = []
a["params"].visititems(lambda n, o: names.append(n) if isinstance(o, h5py.Dataset) and (every or not n.endswith("k_proj/bias")) else None)
worst = max(float(np.max(np.abs(a["params"][n][()] - b["params"][n][()]))) / max(float(np.max(np.abs(a["params"][n][()]))), 1e-30) for n in names)
print(f"{len(names)} tensors, worst relative difference {worst:.2e}")
sys.exit(0 if names and worst <= rtol else 1)
PY
}
update_of() { "$tandem" info "$1" 2>/dev/null | grep -o 'checkpoint at update [0-9]*' | grep -o '[0-9]*$'; }

# 1. Equivalence (dropout off). An epoch is 53 batches: update 27 holds the
# epoch's last batch alone, and rank 1 sits it out, still making every
# collective of the update.
recipe 0.0 30
train 2 two --set train.accumulate=1 >"$work/two.log" 2>&1 || { cat "$work/two.log"; fail "2-rank run"; }
train 1 one --set train.accumulate=2 >"$work/one.log" 2>&1 || { cat "$work/one.log"; fail "1-rank run"; }
grep -q "2 ranks: all-reduce of" "$work/two.log" && pass "2 ranks report their all-reduce" || fail "all-reduce line"
grep -q "batches/epoch: *53 " <("$tandem" train "$work/recipe.yaml" --data-root "$work" --dry-run --set "output=$work/dry") \
  && pass "the first epoch ends in an update of one batch" || fail "batches per epoch changed: pick another batch_tokens"
[ "$(grep -c 'validation at update' "$work/two.log")" = 3 ] && pass "only rank 0 logs" || fail "rank 0 alone logs"
compare "$work/one/checkpoints/last.h5" "$work/two/checkpoints/last.h5" 1e-6 \
  && pass "2 ranks x 1 batch == 1 rank x 2 batches after 30 updates" || fail "equivalence"
[ "$(update_of "$work/two/checkpoints/last.h5")" = 30 ] && pass "30 updates" || fail "update count"
# The same with the sums overlapping backward (non-blocking, layer by layer).
train 2 overlap --set train.accumulate=1 --set train.allreduce=overlap >"$work/overlap.log" 2>&1 \
  || { cat "$work/overlap.log"; fail "2-rank overlap run"; }
grep -q "ms inside backward + .* ms after it (overlap)" "$work/overlap.log" && pass "overlap reports its split" \
  || fail "overlap line"
compare "$work/one/checkpoints/last.h5" "$work/overlap/checkpoints/last.h5" 1e-6 \
  && pass "overlapped sums: 2 ranks == 1 rank after 30 updates" || fail "overlap equivalence"

# 2. Dropout on: the same N and seed give the same run.
recipe 0.1 20
train 2 d1 >/dev/null 2>&1 && train 2 d2 >/dev/null 2>&1 || fail "dropout runs"
compare "$work/d1/checkpoints/last.h5" "$work/d2/checkpoints/last.h5" 0 all \
  && pass "2-rank runs with dropout are reproducible" || fail "dropout reproducibility"
# ... and dropout does act: the same run without it ends elsewhere.
recipe 0.0 20
train 2 d0 >/dev/null 2>&1 || fail "dropout-off run"
! compare "$work/d0/checkpoints/last.h5" "$work/d1/checkpoints/last.h5" 1e-3 all >/dev/null \
  && pass "dropout on differs from dropout off" || fail "dropout changed nothing"

# 2b. A staged recipe on 2 ranks: rank 1 starts the second stage from the
# first stage's model only once rank 0 has written it (once an MPI_Abort).
recipe 0.0 10
cat >>"$work/recipe.yaml" <<EOR
stages:
  - name: first
  - name: second
    set: {train.max_updates: 5}
EOR
train 2 staged >"$work/staged.log" 2>&1 && [ -e "$work/staged/second/model.h5" ] && [ -e "$work/staged/second/finished.yaml" ] \
  && pass "2 ranks run a 2-stage recipe" || { tail -5 "$work/staged.log"; fail "2-rank stages"; }

# 3. A rank killed mid-run ends the job; resume finishes it on 1 or 2 ranks.
recipe 0.1 400
for resume_ranks in 1 2; do
  out=kill$resume_ranks
  train 2 "$out" >"$work/$out.log" 2>&1 &
  job=$!
  for _ in $(seq 1 600); do [ -e "$work/$out/checkpoints/last.h5" ] && break; sleep 0.1; done
  victim=""
  for pid in $(pgrep -f "train $work/recipe.yaml"); do
    tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | grep -qx 'OMPI_COMM_WORLD_RANK=1' && victim=$pid
  done
  [ -n "$victim" ] || { fail "found rank 1 to kill"; kill "$job"; continue; }
  killed_at=$(date +%s)
  kill -9 "$victim"
  wait "$job"; status=$?
  took=$(( $(date +%s) - killed_at ))
  [ "$status" -ne 0 ] && [ "$took" -le 60 ] && pass "killed rank 1: job ended with status $status in ${took}s" \
    || fail "killed rank: status $status after ${took}s"
  grep -q "rank 1 .*exited on signal 9" "$work/$out.log" && pass "the job says a rank died" || { tail -5 "$work/$out.log"; fail "message"; }
  saved=$(update_of "$work/$out/checkpoints/last.h5")
  train "$resume_ranks" "$out" --resume >"$work/$out.resume.log" 2>&1 || { tail -5 "$work/$out.resume.log"; fail "resume"; }
  grep -q "resumed at update $saved," "$work/$out.resume.log" && pass "resume started at the saved update $saved" \
    || fail "resume did not start at update $saved: $(grep -m1 'resumed at' "$work/$out.resume.log")"
  [ "$(update_of "$work/$out/checkpoints/last.h5")" = 400 ] \
    && pass "resumed from update $saved on $resume_ranks rank(s) to update 400" || fail "resume to 400"
done

[ "$failures" = 0 ] && echo "all MPI checks passed" || echo "$failures MPI check(s) failed"
exit $((failures > 0))
