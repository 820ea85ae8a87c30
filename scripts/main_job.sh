#!/usr/bin/env bash
# scripts/main_job.sh: the main job, from a fresh machine: install what is
# missing, build, train recipes/multi30k-en-de-quick.yaml on the shared data
# (11 minutes of training), translate the test set with the trained model and
# print its BLEU and chrF. Data root: $TANDEM_DATA, else ../shared/data.
# Run again, it reuses a finished run and resumes an interrupted one.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${TANDEM_DATA:-../shared/data}
bash scripts/setup.sh tandem
run=runs/multi30k-en-de-quick
# Run again, the job never trains over its earlier run: a finished one is
# reused, an interrupted one continued.
if [ -e "$run/finished.yaml" ]; then
  echo "main job: $run has finished before; translating with its model (remove $run to train anew)"
elif [ -e "$run/checkpoints/last.h5" ]; then
  ./build/tandem train recipes/multi30k-en-de-quick.yaml --data-root "$data" --resume
else
  ./build/tandem train recipes/multi30k-en-de-quick.yaml --data-root "$data" --overwrite
fi
./build/tandem translate -m "$run/model.h5" -i "$data/multi30k/test_2016_flickr.en" -o "$run/test_2016_flickr.de" --progress
echo "test_2016_flickr En->De, $run/model.h5:"
./build/tandem score -r "$data/multi30k/test_2016_flickr.de" -i "$run/test_2016_flickr.de" --metrics bleu,chrf
