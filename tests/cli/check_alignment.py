#!/usr/bin/python3
"""check_alignment.py OUTPUT ATTENTION.h5: every line's `||| i-j` alignment (from
`tandem translate --alignment --attention FILE`) equals what the weights in the
HDF5 file give: per target piece (EOS step excluded), the argmax source piece;
no pair when that is the source EOS; pairs of word indices, unique, sorted by
target then source word. Exit 1 with the first mismatch."""
import sys

import h5py
import numpy as np


def expected(group):
    weights = group["weights"][()]
    src_words = group["source_words"][()]
    tgt_words = group["target_words"][()]
    pairs = set()
    for t in range(min(len(tgt_words), weights.shape[0])):
        best = int(np.argmax(weights[t]))
        if best < len(src_words):
            pairs.add((int(tgt_words[t]), int(src_words[best])))
    return " ".join(f"{s}-{t}" for t, s in sorted(pairs))


def main(output, attention):
    lines = open(output, encoding="utf-8").read().split("\n")[:-1]
    checked = pairs = 0
    with h5py.File(attention, "r") as f:
        for i, line in enumerate(lines):
            got = line.split(" ||| ")[1] if " ||| " in line else ""
            if f"lines/{i}" not in f:
                if got:
                    sys.exit(f"line {i}: alignment {got!r} but no attention in the file")
                continue
            group = f[f"lines/{i}"]
            rows, cols = group["weights"].shape
            if not np.allclose(group["weights"][()].sum(axis=1), 1.0, atol=1e-4):
                sys.exit(f"line {i}: attention rows do not sum to 1")
            if cols != len(group["source_words"]) + 1 or rows != len(group["target_words"]) + 1:
                sys.exit(f"line {i}: weights {rows}x{cols} do not match the pieces")
            if got != expected(group):
                sys.exit(f"line {i}: alignment {got!r}, weights give {expected(group)!r}")
            checked += 1
            pairs += len(got.split())
    if checked == 0 or pairs == 0:
        sys.exit(f"nothing to compare: {checked} lines, {pairs} alignment pairs")
    print(f"{checked} alignments ({pairs} pairs) match the attention argmax")


if __name__ == "__main__":
    main(*sys.argv[1:])
