#!/usr/bin/env bash
# bench/run_train_bench.sh: training benchmark, tandem vs PyTorch side by side
# (issue #5): transformer-small, 4096-token Multi30k batches, label smoothing,
# dropout, clipping, Adam; the PyTorch side trains on the very same batches.
# PyTorch runs with OMP_WAIT_POLICY=PASSIVE (its OpenMP workers otherwise spin) and needs
# libopenblas0-openmp (Debian's torch calls the system BLAS; see run_decode_bench.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
data=${TANDEM_DATA:-../shared/data}
updates=${UPDATES:-20}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
./build/tandem vocab -i "$data/multi30k/train.en" -i "$data/multi30k/train.de" --size 8000 -o "$work/v.model" 2>/dev/null
export OMP_WAIT_POLICY=PASSIVE
echo "| threads | updates | tandem tgt tok/s | tandem src+tgt tok/s | tandem RSS MB | torch tgt tok/s | torch src+tgt tok/s | torch RSS MB | tgt tok/s ratio |"
echo "|---|---|---|---|---|---|---|---|---|"
for threads in 1 2; do
  t=$(./build/bench_train "$work/v.model" "$data/multi30k/train.en" "$data/multi30k/train.de" transformer-small 4096 "$threads" "$updates" "$work/batches.txt")
  p=$(/usr/bin/python3 bench/torch_train.py "$work/batches.txt" 8000 "$threads")
  IFS=$'\t' read -r n ts ttgt tall trss <<<"$t"
  IFS=$'\t' read -r _ ps ptgt pall prss <<<"$p"
  ratio=$(awk -v a="$ttgt" -v b="$ptgt" 'BEGIN { printf "%.2f", a / b }')
  echo "| $threads | $n | $ttgt | $tall | $trss | $ptgt | $pall | $prss | $ratio |"
done
