#!/usr/bin/env bash
# scripts/tsan_test.sh: the threaded code under ThreadSanitizer. Not in CI: the
# build and run take ~15 minutes on 2 cores (the suite runs 5-20x slower).
#
# TSan only understands OpenMP when the runtime reports its synchronisation,
# so this builds with clang and LLVM's OpenMP runtime plus its Archer tool
# (Debian's clang and libomp-dev). oneDNN is left out (-DTANDEM_ONEDNN=OFF):
# Debian's libdnnl runs on GCC's OpenMP runtime, and two runtimes cannot share
# a process; what runs is every kernel of tandem's own (attention, softmax,
# cross entropy, the Eigen GEMM path, int8/bf16 packing references), the
# layers, the model and decoding, and `translate --workers`.
#   usage: scripts/tsan_test.sh [ctest -R regex]   (default: the threaded suites)
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in clang++ clang; do
  command -v "$tool" >/dev/null || { echo "tsan_test: $tool missing (apt-get install clang libomp-dev)" >&2; exit 1; }
done
archer=$(realpath -m "$(clang++ -print-resource-dir)/../../libarcher.so")
[ -f "$archer" ] || { echo "tsan_test: libarcher.so missing (apt-get install libomp-dev)" >&2; exit 1; }

start=$(date +%s)
cmake -S . -B build-tsan -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
      -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" \
      -DTANDEM_SANITIZE_THREAD=ON -DTANDEM_ONEDNN=OFF -DTANDEM_NATIVE="${TANDEM_NATIVE:-ON}" >/dev/null
cmake --build build-tsan -j2 --target kernels_test layers_test model_test search_test tandem >/dev/null
echo "tsan build: $(( $(date +%s) - start )) s"

# Two threads, so every parallel loop really runs in parallel; any report
# fails the test (halt_on_error) and the run.
export OMP_TOOL_LIBRARIES="$archer" OMP_NUM_THREADS=2 OMP_WAIT_POLICY=PASSIVE
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:ignore_noninstrumented_modules=1"
start=$(date +%s)
status=0
for suite in kernels_test layers_test model_test search_test; do
  "build-tsan/tests/$suite" --gtest_brief=1 || status=1
done
# Decoding batches on two workers at once (the CLI path with its own threads).
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for i in $(seq 1 300); do echo "the dog number $((i % 17)) runs over the green grass near house $((i % 5))"; done >"$tmp/text.txt"
build-tsan/tandem vocab -i "$tmp/text.txt" --size 80 -o "$tmp/spm.model" 2>/dev/null
build-tsan/tandem init -c tests/cli/tiny.yaml --vocab "$tmp/spm.model" -o "$tmp/tiny.h5" 2>/dev/null
head -40 "$tmp/text.txt" | cut -d" " -f1-5 >"$tmp/in.txt"
build-tsan/tandem translate -m "$tmp/tiny.h5" -i "$tmp/in.txt" --workers 2 --batch-size 3 \
  --threads 2 >"$tmp/out.txt" || status=1
[ "$(wc -l <"$tmp/out.txt")" = 40 ] || { echo "tsan_test: translate --workers lost lines" >&2; status=1; }
echo "tsan suites: $(( $(date +%s) - start )) s, status $status"
exit $status
