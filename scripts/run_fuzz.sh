#!/usr/bin/env bash
# scripts/run_fuzz.sh [RUNS]: run every fuzz harness (tests/fuzz) for RUNS
# mutations (default 1,000,000; the model-file and CLI harnesses, ~1 ms an
# execution, get a tenth) over its corpus, and print one line of figures per
# harness. A finding stops that harness with the input saved as
# fuzz-crash-HARNESS-seedN in the current folder: copy it into
# tests/fuzz/corpus/HARNESS/ as a regression input once fixed.
#   SEED=1  BUILD=build (the sanitizer build is build-sanitize)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-1000000}
build=${BUILD:-build}
seed=${SEED:-1}
corpus=tests/fuzz/corpus
cmake --build "$build" -j2 --target fuzz_text fuzz_recipe fuzz_model_file fuzz_cli >/dev/null
export OMP_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE
status=0
"$build/tests/fuzz_text" --runs "$runs" --seed "$seed" --max-len 20000 "$corpus/text" || status=1
"$build/tests/fuzz_recipe" --runs "$runs" --seed "$seed" "$corpus/recipe" recipes || status=1
"$build/tests/fuzz_model_file" --runs $((runs / 10)) --seed "$seed" "$corpus/model_file" || status=1
"$build/tests/fuzz_cli" --runs $((runs / 10)) --seed "$seed" "$corpus/cli" || status=1
exit $status
