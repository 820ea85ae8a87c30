#!/usr/bin/env bash
# bench/run_mpi_bench.sh: data-parallel training on this machine (issue #13):
# 1 rank x 2 threads (one batch per update, and accumulate: 2, the 2-rank
# runs' update) against 2 ranks x 1 thread (mpirun), the Multi30k recipe's
# model and batches (4,096-token batches, one per rank per update, so the
# 2-rank run's updates hold twice the tokens), no validation. Prints target
# tok/s from the first logged update (20) to the last, the all-reduce size per update and its time
# (blocking after backward, or with train.allreduce: overlap started inside
# backward + waited for after it),
# and peak RSS per process. Run with nothing else running.
#   UPDATES=200
set -euo pipefail
cd "$(dirname "$0")/.."
data=${TANDEM_DATA:-../shared/data}
updates=${UPDATES:-200}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_btl_vader_single_copy_mechanism=none
./build/tandem vocab -i "$data/multi30k/train.en" -i "$data/multi30k/train.de" --size 8000 -o "$work/v.model" 2>/dev/null
common=(recipes/multi30k-en-de.yaml --data-root "$data" --set "vocab.model=$work/v.model"
        --set "train.max_updates=$updates" --set train.valid_every=100000 --set train.log_every=20)
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores; $(date -u +%F)"
echo "| layout | tgt tok/s (updates 20 to $updates) | tokens per update | all-reduce per update | peak RSS MB per process |"
echo "|---|---|---|---|---|"
run() {  # run NAME OUTPUT LAUNCH...
  local name=$1 out=$2; shift 2
  "$@" --set "output=$out" >"$work/$name.log" 2>&1 || { tail -5 "$work/$name.log" >&2; return 1; }
  local rate reduce rss
  # metrics.tsv: tgt_tokens (column 7) and elapsed_s (column 9) are running totals.
  rate=$(awk -F'\t' 'NR == 2 { t0 = $7; s0 = $9 } NR > 2 { t = $7; s = $9 }
              END { if (NR < 3 || s <= s0) { print "too few updates logged"; exit 1 } printf "%.0f", (t - t0) / (s - s0) }' "$out/metrics.tsv")
  # "all-reduce of 28.9 MB of gradients per update: 7.5 ms after backward (blocking)"
  reduce=$(grep -o 'all-reduce of .*)' "$work/$name.log" | sed 's/all-reduce of //; s/ of gradients per update:/,/' || true)
  rss=$(grep -o 'RSS_KB [0-9]*' "$work/$name.log" | awk '{ printf "%s%.0f", sep, $2 / 1024; sep = " / " }')
  local per_update="2 x 4,096-token batches"
  [[ "$name" == "1 rank"* && "$name" != *"accumulate 2"* ]] && per_update="1 x 4,096-token batch"
  echo "| $name | $rate | $per_update | ${reduce:-none} | $rss |"
}
timed() { /usr/bin/time -f 'RSS_KB %M' "$@"; }
run "1 rank x 2 threads" "$work/one" timed ./build/tandem train "${common[@]}" --threads 2
# The like-for-like single process: 2 batches per update (accumulate: 2), the
# update the 2-rank runs make.
run "1 rank x 2 threads, accumulate 2" "$work/one-acc" timed ./build/tandem train "${common[@]}" --threads 2 \
  --set train.accumulate=2
run "2 ranks x 1 thread" "$work/two" mpirun -np 2 --bind-to core /usr/bin/time -f 'RSS_KB %M' \
  ./build/tandem train "${common[@]}" --threads 1
run "2 ranks x 1 thread, overlap" "$work/overlap" mpirun -np 2 --bind-to core /usr/bin/time -f 'RSS_KB %M' \
  ./build/tandem train "${common[@]}" --set train.allreduce=overlap --threads 1
# Where the optimizer step belongs: every rank stepping vs rank 0 stepping and broadcasting.
echo
mpirun -np 2 --bind-to core ./build/bench_optimizer_step transformer-small 8000 1 40
