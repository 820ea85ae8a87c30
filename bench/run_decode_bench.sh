#!/usr/bin/env bash
# bench/run_decode_bench.sh: decoding benchmark, tandem vs PyTorch side by side
# (issue #4). transformer-small with random weights and a Multi30k vocabulary,
# test_2016_flickr.en, every hypothesis forced to OUT_LEN tokens.
# Needs Debian's python3-torch, python3-h5py, python3-sentencepiece, python3-yaml, and
# libopenblas0-pthread: Debian's torch calls the system BLAS, and without OpenBLAS that is
# the reference BLAS, which makes the PyTorch side several times slower.
# Run while nothing else runs. Prints a Markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${TANDEM_DATA:-../shared/data}
out_len=${OUT_LEN:-13}          # ~ the mean output length of a trained model on this set
single=${SINGLE_SENTENCES:-300} # sentences for the one-at-a-time rows
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
./build/tandem vocab -i "$data/multi30k/train.en" -i "$data/multi30k/train.de" --size 8000 -o "$work/v.model" 2>/dev/null
./build/tandem init -c transformer-small --vocab "$work/v.model" -o "$work/m.h5" 2>/dev/null
input="$data/multi30k/test_2016_flickr.en"
export OMP_WAIT_POLICY=PASSIVE
# OpenBLAS 0.3.21 does not know recent CPUs and falls back to its slowest
# kernels ("Core: Prescott"): name the kernel set, in PyTorch's command only.
grep -q avx512f /proc/cpuinfo && coretype=SkylakeX || coretype=Haswell
echo "| config | threads | sentences | tandem sent/s | tandem tok/s | tandem RSS MB | torch sent/s | torch tok/s | torch RSS MB | tok/s ratio |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for threads in 1 2; do
  for cfg in "beam4-batch32 4 32 1000" "greedy-batch32 1 32 1000" "beam4-single 4 1 $single"; do
    set -- $cfg
    t=$(./build/bench_decode "$work/m.h5" "$input" "$2" "$3" "$threads" "$out_len" "$4")
    p=$(OPENBLAS_CORETYPE=$coretype /usr/bin/python3 bench/torch_decode.py "$work/m.h5" "$input" "$2" "$3" "$threads" "$out_len" "$4")
    IFS=$'\t' read -r n ts tsent ttok trss _ <<<"$t"
    IFS=$'\t' read -r _ ps psent ptok prss <<<"$p"
    ratio=$(awk -v a="$ttok" -v b="$ptok" 'BEGIN { printf "%.2f", a / b }')
    echo "| $1 | $threads | $n | $tsent | $ttok | $trss | $psent | $ptok | $prss | $ratio |"
  done
done
