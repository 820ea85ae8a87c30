#!/usr/bin/env python3
"""In-process decoding: tandem.Translator.translate_batch against CTranslate2's
Python Translator.translate_batch on the same weights and sentences (issue #25).

    python_decode_bench.py MODEL.h5 CT2_F32_DIR CT2_INT8_DIR SPM IN [--beam 4] [--batch-size 32] [--repeat 3]

Both get the whole input list in one call, sorted by length and cut into
batches of --batch-size sentences (tandem: batch_size; CTranslate2:
max_batch_size, examples); beam 4, GNMT-style alpha 0.6 on each side's own
rule (CTranslate2 natively, no re-ranking: its fastest). Timed: the call
(tokenization, decoding and detokenization included on both sides; model
load excluded), best of --repeat. Layouts on 2 cores: one batch at a time on 2
threads (tandem workers=1; CTranslate2 intra_threads=2) and two batches at
once on 1 thread each (tandem workers=2; CTranslate2 inter_threads=2). Output
pieces are counted by re-encoding each output with the same SentencePiece
model. One JSON line per run on stdout. The OpenMP wait policy is the
process's (OMP_WAIT_POLICY, set by bench/run_python_bench.sh).
"""
import argparse
import json
import os
import time


def best_of(repeat, fn):
    best, out = None, None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        took = time.perf_counter() - start
        best = took if best is None or took < best else best
    return best, out


def main():
    ap = argparse.ArgumentParser()
    for name in ("model", "ct2_f32", "ct2_int8", "spm", "input"):
        ap.add_argument(name)
    ap.add_argument("--beam", type=int, default=4)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--compute-types", default="float32,int8", help="which to run (comma-separated)")
    args = ap.parse_args()

    import ctranslate2
    import sentencepiece as spm
    import tandem

    sp = spm.SentencePieceProcessor(model_file=args.spm)
    lines = [l.rstrip("\n") for l in open(args.input, encoding="utf-8")]
    policy = os.environ.get("OMP_WAIT_POLICY", "default")

    def pieces(texts):
        return sum(len(sp.encode(t)) for t in texts)

    def report(system, compute_type, layout, seconds, texts):
        n = pieces(texts)
        print(json.dumps({"system": system, "compute_type": compute_type, "layout": layout, "omp_wait": policy,
                          "seconds": round(seconds, 3), "pieces": n, "pieces_per_s": round(n / seconds, 1)}),
              flush=True)

    layouts = {"1x2": (1, 2), "2x1": (2, 1)}  # batches at once x threads per batch
    wanted = args.compute_types.split(",")
    for compute_type, ct2_dir in (("float32", args.ct2_f32), ("int8", args.ct2_int8)):
        if compute_type not in wanted:
            continue
        for layout, (batches, threads) in layouts.items():
            t = tandem.Translator(args.model, compute_type=compute_type, threads=2, workers=batches)
            secs, res = best_of(args.repeat, lambda: t.translate_batch(lines, beam=args.beam, batch_size=args.batch_size,
                                                                       length_penalty=0.6))
            report("tandem", compute_type, layout, secs, [r.hypotheses[0] for r in res])
            del t
            c = ctranslate2.Translator(ct2_dir, device="cpu", compute_type=compute_type,
                                       inter_threads=batches, intra_threads=threads)

            def ct2_call():
                tokens = [[sp.id_to_piece(i) for i in sp.encode(l)] for l in lines]
                out = c.translate_batch(tokens, beam_size=args.beam, max_batch_size=args.batch_size,
                                        batch_type="examples", length_penalty=0.6, max_decoding_length=256)
                return [sp.decode_pieces(r.hypotheses[0]) for r in out]

            secs, texts = best_of(args.repeat, ct2_call)
            report("ctranslate2", compute_type, layout, secs, texts)
            del c


if __name__ == "__main__":
    main()
