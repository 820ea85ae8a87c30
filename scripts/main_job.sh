#!/usr/bin/env bash
# scripts/main_job.sh: set up, build, and run the main job.
# Until training lands (issue #5) the main job creates a transformer-small
# model with random weights and shows what the file holds; it then becomes
# "train the quick recipe, translate the test set, print BLEU".
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
mkdir -p runs/smoke
./build/tandem --help
./build/tandem init -c transformer-small --src-vocab 8000 --tgt-vocab 8000 -o runs/smoke/model.h5
./build/tandem info runs/smoke/model.h5
