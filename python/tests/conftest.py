"""Shared fixtures: a small copy-task model trained once by the command line
(so the Python side is compared with the CLI on a model that translates)."""
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

TANDEM = os.environ.get("TANDEM", "tandem")

WORDS = "red blue green dog cat runs sits on the a big small house tree near river old man sees bird".split()

RECIPE = """name: py-test
data:
  train: {{src: train.src, tgt: train.tgt}}
  valid: {{src: valid.src, tgt: valid.tgt}}
vocab: {{type: unigram, size: 40, joint: true}}
model: {{d_model: 64, heads: 4, ffn_dim: 256, encoder_layers: 2, decoder_layers: 2, max_positions: 64, dropout: 0.1, tie_embeddings: all}}
train:
  batch_tokens: 400
  optimizer: {{name: adam, lr: 3.0e-3}}
  schedule: {{name: inverse_sqrt, warmup: 50}}
  max_updates: {updates}
  valid_every: 100
  valid_sentences: 8
  average: 1
  log_every: 50
  seed: 3
decode: {{beam: 2}}
"""


def run_cli(*args, **kwargs):
    return subprocess.run([TANDEM, *map(str, args)], check=True, capture_output=True, text=True, **kwargs)


def write_corpus(folder: Path, updates: int) -> Path:
    rng = random.Random(7)
    lines = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 8))) for _ in range(3000)]
    for name, part in (("train", lines), ("valid", lines[:40])):
        (folder / f"{name}.src").write_text("\n".join(part) + "\n")
        (folder / f"{name}.tgt").write_text("\n".join(part) + "\n")
    recipe = folder / "recipe.yaml"
    recipe.write_text(RECIPE.format(updates=updates))
    return recipe


@pytest.fixture(scope="session")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    return write_corpus(folder, 300)


@pytest.fixture(scope="session")
def model(corpus):
    out = corpus.parent / "cli-run"
    run_cli("train", corpus, "--data-root", corpus.parent, "--threads", "1", "--set", f"output={out}")
    return out / "model.h5"


@pytest.fixture(scope="session")
def sentences():
    rng = random.Random(11)
    lines = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 9))) for _ in range(60)]
    lines[5] = ""  # an empty line stays empty
    return lines
