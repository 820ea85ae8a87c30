#!/usr/bin/env bash
# scripts/setup.sh [TARGET...]: install the Debian packages tandem needs (only
# the missing ones; `apt-get update` runs only if something is missing), then
# configure and build into build/ with -j2 (all targets, or the ones named).
# Safe to run again: it only does what is left.
# scripts/setup.sh install [PREFIX]: the same, then `cmake --install` into
# PREFIX (default /usr/local): bin/tandem, libtandem.so with include/tandem/,
# find_package and pkg-config files, and the Python package where Debian's
# /usr/bin/python3 finds local ones (PREFIX/lib/python3.X/dist-packages).
#   TANDEM_NATIVE=OFF  build without -march=native (portable binary)
#   TANDEM_EXTRA_PACKAGES="..."  more packages to ensure (the test script adds some)
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(g++ make cmake pkg-config libeigen3-dev libsentencepiece-dev libyaml-cpp-dev
          libhdf5-dev libboost-program-options-dev libgtest-dev libdnnl-dev libopenmpi-dev openmpi-bin
          libcpp-httplib-dev nlohmann-json3-dev python3-dev python3-numpy python3-pybind11 pybind11-dev
          ${TANDEM_EXTRA_PACKAGES:-})
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DTANDEM_NATIVE="${TANDEM_NATIVE:-ON}" >/dev/null
if [ "${1:-}" = "install" ]; then
  prefix=${2:-/usr/local}
  cmake --build build -j2
  sudo=""
  [ "$(id -u)" -ne 0 ] && [ ! -w "$prefix" ] && sudo="sudo"
  $sudo cmake --install build --prefix "$prefix"
  # The new libtandem.so into the loader's cache (/usr/local/lib is on Debian's path).
  $sudo ldconfig 2>/dev/null || true
  echo "setup: installed into $prefix (try: /usr/bin/python3 -c 'import tandem; help(tandem.Translator)')" >&2
elif [ $# -gt 0 ]; then
  for target in "$@"; do cmake --build build -j2 --target "$target"; done
else
  cmake --build build -j2
fi
