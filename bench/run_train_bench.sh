#!/usr/bin/env bash
# bench/run_train_bench.sh: training throughput, tandem vs PyTorch side by side
# (issues #5, #10): transformer-small, 4096-token Multi30k batches, label
# smoothing, dropout, clipping, Adam; the PyTorch side trains on the very same
# batches. tandem runs in fp32 and with train.precision: bf16 (bf16 GEMM
# inputs, fp32 everything else). Then the busy-machine case: tandem on 2 threads beside a CPU hog
# (`yes` pinned to core 1) against tandem on 1 thread alone.
#
# PyTorch (Debian's python3-torch) runs on OpenBLAS (libopenblas0-pthread) with
# OMP_WAIT_POLICY=PASSIVE (faster for it here than spinning), the OpenBLAS
# kernel set for this CPU (SkylakeX with AVX-512, else Haswell) and
# OPENBLAS_NUM_THREADS equal to its thread count; both thread counts are
# measured and its faster one is the baseline of the ratio. tandem's bf16 is
# compared with PyTorch's own bf16 (CPU autocast), fp32 with fp32.
#   UPDATES=20 (timed updates per run)
set -euo pipefail
cd "$(dirname "$0")/.."
data=${TANDEM_DATA:-../shared/data}
updates=${UPDATES:-20}
work=$(mktemp -d)
hog=""
trap 'rm -rf "$work"; [ -n "$hog" ] && kill "$hog" 2>/dev/null || true' EXIT
grep -q avx512f /proc/cpuinfo && coretype=SkylakeX || coretype=Haswell
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores; $(date -u +%F)"
echo "tandem gemm backend: oneDNN matmul (bench_gemm); PyTorch: OpenBLAS core $coretype"
./build/tandem vocab -i "$data/multi30k/train.en" -i "$data/multi30k/train.de" --size 8000 -o "$work/v.model" 2>/dev/null
train() {  # train THREADS [DUMP|--bf16]: tandem's figures, tab-separated
  OMP_WAIT_POLICY=PASSIVE ./build/bench_train "$work/v.model" "$data/multi30k/train.en" "$data/multi30k/train.de" \
    transformer-small 4096 "$1" "$updates" ${2:-}
}
torch() {  # torch THREADS [bf16]: OpenBLAS gets the same thread count as PyTorch
  OPENBLAS_CORETYPE=$coretype OPENBLAS_NUM_THREADS=$1 OMP_WAIT_POLICY=PASSIVE \
    /usr/bin/python3 bench/torch_train.py "$work/batches.txt" 8000 "$1" "${2:-}"
}
echo
echo "| threads | updates | tandem fp32 tgt tok/s | tandem bf16 tgt tok/s | tandem RSS MB fp32 / bf16 | torch fp32 tgt tok/s | torch bf16 autocast tgt tok/s | torch RSS MB | fp32 ratio | bf16 ratio (vs torch bf16) |"
echo "|---|---|---|---|---|---|---|---|---|---|"
best_torch=0 best_torch_bf16=0
declare -A tandem_tgt tandem_bf16
for threads in 1 2; do
  t=$(train "$threads" "$work/batches.txt")
  b=$(train "$threads" --bf16)
  p=$(torch "$threads")
  q=$(torch "$threads" bf16)
  IFS=$'\t' read -r n _ ttgt _ trss <<<"$t"
  IFS=$'\t' read -r _ _ btgt _ brss <<<"$b"
  IFS=$'\t' read -r _ _ ptgt _ prss <<<"$p"
  IFS=$'\t' read -r _ _ qtgt _ _ <<<"$q"
  tandem_tgt[$threads]=$ttgt
  tandem_bf16[$threads]=$btgt
  best_torch=$(awk -v a="$best_torch" -v b="$ptgt" 'BEGIN { print (b > a ? b : a) }')
  best_torch_bf16=$(awk -v a="$best_torch_bf16" -v b="$qtgt" 'BEGIN { print (b > a ? b : a) }')
  r32=$(awk -v a="$ttgt" -v b="$ptgt" 'BEGIN { printf "%.2f", a / b }')
  r16=$(awk -v a="$btgt" -v b="$qtgt" 'BEGIN { printf "%.2f", a / b }')
  echo "| $threads | $n | $ttgt | $btgt | $trss / $brss | $ptgt | $qtgt | $prss | $r32 | $r16 |"
done
echo
echo "tandem fp32 2 threads / PyTorch fp32 at its best thread count: $(awk -v a="${tandem_tgt[2]}" -v b="$best_torch" 'BEGIN { printf "%.2f", a / b }')x"
echo "tandem bf16 2 threads / PyTorch bf16 autocast at its best thread count: $(awk -v a="${tandem_bf16[2]}" -v b="$best_torch_bf16" 'BEGIN { printf "%.2f", a / b }')x"
echo
taskset -c 1 yes >/dev/null &
hog=$!
sleep 1
busy=$(train 2 | cut -f3)
kill "$hog"; hog=""
echo "| case | tgt tok/s |"
echo "|---|---|"
echo "| tandem 1 thread, machine idle | ${tandem_tgt[1]} |"
echo "| tandem 2 threads, a CPU hog on core 1 | $busy |"
echo "| ratio busy-2 / idle-1 | $(awk -v a="$busy" -v b="${tandem_tgt[1]}" 'BEGIN { printf "%.2f", a / b }') |"
