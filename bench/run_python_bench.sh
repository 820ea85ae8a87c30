#!/usr/bin/env bash
# bench/run_python_bench.sh [MODEL.h5]: in-process decoding, tandem's Python
# module against CTranslate2's Python module (bench/python_decode_bench.py),
# float32 and int8, both 2-core layouts, under both OpenMP wait policies; then
# the binding's overhead: the same work through `tandem translate` (its
# decode-only seconds) and through tandem.Translator.translate_batch.
# Input: Multi30k test_2016_flickr + val English (2,014 lines).
# COMPUTE_TYPES=float32 runs only that one. Needs the
# module built (build/python) and ../shared/peers/ctranslate2 (its README).
set -euo pipefail
cd "$(dirname "$0")/.."
data=${TANDEM_DATA:-../shared/data}
model=${1:-runs/multi30k-en-de-quick/model.h5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat "$data/multi30k/test_2016_flickr.en" "$data/multi30k/val.en" >"$work/in.en"
source bench/ct2_peer.sh
export PYTHONPATH=$work/peer:$PWD/build/python
/usr/bin/python3 "$work/peer/convert.py" "$model" "$work/f32" --quantization float32 >/dev/null
/usr/bin/python3 "$work/peer/convert.py" "$model" "$work/int8" --quantization int8 >/dev/null
echo "# $(date -u +%F) $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores"
for policy in PASSIVE ACTIVE; do
  [ -n "${OVERHEAD_ONLY:-}" ] && break
  OMP_WAIT_POLICY=$policy /usr/bin/python3 bench/python_decode_bench.py "$model" "$work/f32" "$work/int8" \
    "$work/f32/target.spm" "$work/in.en" --compute-types "${COMPUTE_TYPES:-float32,int8}" | tee -a "$work/runs.jsonl"
done
[ -s "$work/runs.jsonl" ] && /usr/bin/python3 - "$work/runs.jsonl" <<'PY'
import json, sys
runs = [json.loads(l) for l in open(sys.argv[1])]
print("\n| compute | tandem best (pieces/s) | CTranslate2 best (pieces/s) | ratio |")
print("|---|---|---|---|")
for ct in sorted({r["compute_type"] for r in runs}, reverse=True):
    best = {s: max((r for r in runs if r["system"] == s and r["compute_type"] == ct), key=lambda r: r["pieces_per_s"])
            for s in ("tandem", "ctranslate2")}
    t, c = best["tandem"], best["ctranslate2"]
    print(f"| {ct} | {t['pieces_per_s']:.0f} ({t['layout']}, {t['omp_wait']}) | {c['pieces_per_s']:.0f} "
          f"({c['layout']}, {c['omp_wait']}) | {t['pieces_per_s'] / c['pieces_per_s']:.2f}x |")
PY

# Binding overhead: the same 2,014 lines, beam 4, batches of 32, 2 threads, 2
# workers, float32, passive waits; the CLI's decode-only seconds (--progress
# summary) against translate_batch's, best of 5 each, alternating.
# OVERHEAD_ONLY=1 runs only this part.
export OMP_WAIT_POLICY=PASSIVE
cli_best=999 py_best=999
for i in 1 2 3 4 5; do
  ./build/tandem translate -m "$model" -i "$work/in.en" -o "$work/cli.out" --beam 4 --batch-size 32 \
    --threads 2 --workers 2 --progress 2>"$work/err"
  s=$(sed -n 's/.* in [^(]*(\([0-9.]*\) s):.*/\1/p' "$work/err" | tail -1)
  cli_best=$(awk -v a="$cli_best" -v b="$s" 'BEGIN { print (b < a ? b : a) }')
  s=$(/usr/bin/python3 -c "
import sys, time, tandem
t = tandem.Translator(sys.argv[1], threads=2, workers=2)
lines = open(sys.argv[2], encoding='utf-8').read().splitlines()
start = time.perf_counter(); r = t.translate_batch(lines, beam=4, batch_size=32); took = time.perf_counter() - start
open(sys.argv[3], 'w', encoding='utf-8').write(''.join(x.hypotheses[0] + '\n' for x in r)); print(f'{took:.3f}')" \
    "$model" "$work/in.en" "$work/py.out")
  py_best=$(awk -v a="$py_best" -v b="$s" 'BEGIN { print (b < a ? b : a) }')
done
cmp -s "$work/cli.out" "$work/py.out" && same="identical output" || same="OUTPUT DIFFERS"
awk -v c="$cli_best" -v p="$py_best" -v s="$same" 'BEGIN { printf "\nbinding overhead: CLI decode %.3f s, Python translate_batch %.3f s: %+.1f%% (%s)\n", c, p, 100 * (p / c - 1), s }'
