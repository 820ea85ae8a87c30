#!/usr/bin/env bash
# scripts/run_tests.sh: set up (packages + build), then run the whole suite
# through ctest. python3-h5py is installed so that the h5py layout check runs.
set -euo pipefail
cd "$(dirname "$0")/.."
TANDEM_EXTRA_PACKAGES="python3-h5py" bash scripts/setup.sh
cd build
ctest --output-on-failure -j2
