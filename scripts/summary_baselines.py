#!/usr/bin/python3
"""Extractive baselines for dialogue summarization, to put ROUGE in context:
the first turn of each dialogue, and its three longest turns (in dialogue order).
Turns are split at DialogSum's #PersonN# tags.

usage: scripts/summary_baselines.py TEST.src OUT_PREFIX [--strip-tags]
writes OUT_PREFIX.first_turn and OUT_PREFIX.longest3 (with --strip-tags, without the
"#PersonN#:" speaker tags, which otherwise match the tags in the references); score with
    tandem score -r TEST.tgt -i OUT_PREFIX.first_turn --metrics rouge
"""
import re
import sys

src, prefix = sys.argv[1], sys.argv[2]
strip = "--strip-tags" in sys.argv[3:]
first, longest = [], []
for line in open(src, encoding="utf-8"):
    turns = [t.strip() for t in re.split(r"(?=#Person\w*#:)", line.strip()) if t.strip()]
    if strip:
        turns = [re.sub(r"^#Person\w*#:\s*", "", t) for t in turns]
    first.append(turns[0] if turns else "")
    top = sorted(range(len(turns)), key=lambda i: -len(turns[i].split()))[:3]
    longest.append(" ".join(turns[i] for i in sorted(top)))
open(prefix + ".first_turn", "w", encoding="utf-8").write("\n".join(first) + "\n")
open(prefix + ".longest3", "w", encoding="utf-8").write("\n".join(longest) + "\n")
