#!/usr/bin/python3
"""Draws a run's training loss and validation curves to RUN_DIR/curves.png.

usage: scripts/plot_run.py RUN_DIR
Reads RUN_DIR/metrics.tsv and RUN_DIR/valid.tsv (written by `tandem train`).
Needs Debian's python3-matplotlib.
"""
import csv
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def read(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    run = sys.argv[1]
    train = read(os.path.join(run, "metrics.tsv"))
    valid = read(os.path.join(run, "valid.tsv"))
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4))
    ax1.plot([float(r["elapsed_s"]) / 60 for r in train], [float(r["loss"]) for r in train], label="train loss")
    ax1.plot([float(r["elapsed_s"]) / 60 for r in valid], [float(r["valid_loss"]) for r in valid], "o-", label="valid loss")
    ax1.set_xlabel("training minutes")
    ax1.set_ylabel("label-smoothed loss per token")
    ax1.legend()
    ax2.plot([float(r["elapsed_s"]) / 60 for r in valid], [float(r["bleu"]) for r in valid], "o-", label="valid BLEU")
    ax2.plot([float(r["elapsed_s"]) / 60 for r in valid], [float(r["chrf"]) for r in valid], "s-", label="valid chrF")
    ax2.set_xlabel("training minutes")
    ax2.legend()
    fig.suptitle(os.path.basename(os.path.normpath(run)))
    fig.tight_layout()
    out = os.path.join(run, "curves.png")
    fig.savefig(out, dpi=100)
    print(out)


if __name__ == "__main__":
    main()
