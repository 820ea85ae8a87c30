#!/usr/bin/env bash
# scripts/run_tests.sh: set up (packages + build), then run the whole suite
# through ctest, twice: the release build, then a second build under
# AddressSanitizer + UndefinedBehaviorSanitizer (build-sanitize/, -O1 with
# debug info) where any report fails the run. python3-h5py is installed so
# that the h5py layout check runs; curl and chromium for the server's tests
# (an HTTP client, the web page in a headless browser; the machine's own
# node/npm, when there, runs an unmodified LibreTranslate client).
#   TANDEM_SANITIZE=0  skip the sanitizer build (a quick local run)
set -euo pipefail
cd "$(dirname "$0")/.."
TANDEM_EXTRA_PACKAGES="python3-h5py python3-pytest curl chromium" bash scripts/setup.sh
start=$(date +%s)
(cd build && ctest --output-on-failure -j2)
echo "release suite: $(( $(date +%s) - start )) s"

if [ "${TANDEM_SANITIZE:-1}" != "0" ]; then
  start=$(date +%s)
  cmake -S . -B build-sanitize -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" \
        -DTANDEM_SANITIZE=ON -DTANDEM_PYTHON=OFF -DTANDEM_NATIVE="${TANDEM_NATIVE:-ON}" >/dev/null
  cmake --build build-sanitize -j2 >/dev/null
  echo "sanitizer build: $(( $(date +%s) - start )) s"
  start=$(date +%s)
  # halt_on_error: the first report ends the test (and fails it). Leaks are
  # not checked: HDF5, OpenMP and oneDNN keep process-lifetime allocations.
  export ASAN_OPTIONS="halt_on_error=1:abort_on_error=1:detect_leaks=0"
  export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
  (cd build-sanitize && ctest --output-on-failure -j2)
  echo "sanitizer suite: $(( $(date +%s) - start )) s"
fi
