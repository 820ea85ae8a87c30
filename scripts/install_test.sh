#!/usr/bin/env bash
# scripts/install_test.sh BUILD_DIR: `cmake --install` into a fresh prefix,
# then use only what it installed: the example (examples/translate.cc) built
# with find_package(tandem) and again with pkg-config, run on a model made by
# the installed `tandem`; and `import tandem` from the installed package.
set -euo pipefail
build=$(cd "$1" && pwd)
src=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fails=0
pass() { echo "ok: $1"; }
fail() { echo "FAIL: $1"; fails=$((fails + 1)); }

prefix=$work/prefix
cmake --install "$build" --prefix "$prefix" >"$work/install.log"
for f in bin/tandem lib/libtandem.so include/tandem/tandem.h include/tandem/version.h \
         lib/cmake/tandem/tandemConfig.cmake lib/pkgconfig/tandem.pc; do
  [ -e "$prefix/$f" ] || fail "not installed: $f"
done
# Only the public headers: nothing of the internals (Eigen, HDF5, ...) leaks.
if grep -rlE '#include [<"](Eigen|hdf5|yaml-cpp|sentencepiece|core/|search/)' "$prefix/include/tandem"; then
  fail "an installed header includes internals"
else pass "installed headers are self-contained"; fi

# A model made by the installed command (random weights, a real vocabulary).
for i in $(seq 1 200); do echo "the dog number $((i % 17)) runs over the green grass near house $((i % 5))"; done >"$work/text.txt"
"$prefix/bin/tandem" vocab -i "$work/text.txt" --size 80 -o "$work/spm.model" 2>/dev/null
"$prefix/bin/tandem" init -c "$src/tests/cli/tiny.yaml" --vocab "$work/spm.model" -o "$work/m.h5" 2>/dev/null
expected=$("$prefix/bin/tandem" translate -m "$work/m.h5" --beam 4 <<<"the dog runs" 2>/dev/null)

# find_package(tandem): the example's own CMake project, pointed at the prefix only.
cmake -S "$src/examples" -B "$work/ex" -DCMAKE_PREFIX_PATH="$prefix" >"$work/ex.log" 2>&1 \
  && cmake --build "$work/ex" >>"$work/ex.log" 2>&1 || { fail "example with find_package"; tail -20 "$work/ex.log"; }
if out=$("$work/ex/translate" "$work/m.h5" "the dog runs" 2>&1) && [ "$(head -1 <<<"$out" | cut -f1)" = "$expected" ] \
   && grep -q "score of the first translation, given" <<<"$out"; then pass "example (find_package) translates as the CLI does"
else fail "example (find_package): $out (CLI: $expected)"; fi

# pkg-config.
if PKG_CONFIG_PATH="$prefix/lib/pkgconfig" c++ "$src/examples/translate.cc" -o "$work/translate_pc" \
     $(PKG_CONFIG_PATH="$prefix/lib/pkgconfig" pkg-config --cflags --libs tandem) 2>"$work/pc.log" \
   && LD_LIBRARY_PATH="$prefix/lib" "$work/translate_pc" "$work/m.h5" "the dog runs" >"$work/pc.out" 2>&1 \
   && [ "$(head -1 "$work/pc.out" | cut -f1)" = "$expected" ]; then pass "example (pkg-config) translates as the CLI does"
else fail "example (pkg-config): $(cat "$work/pc.log" "$work/pc.out" 2>/dev/null | tail -5)"; fi

# Python from the installed package (Debian's interpreter, nothing else on its path).
site=$(find "$prefix/lib" -maxdepth 3 -name dist-packages -type d | head -1)
if [ -n "$site" ] && got=$(cd "$work" && PYTHONPATH="$site" /usr/bin/python3 -c \
     "import tandem, sys; print(tandem.Translator(sys.argv[1]).translate_batch(['the dog runs'], beam=4)[0].hypotheses[0])" \
     "$work/m.h5" 2>&1) && [ "$got" = "$expected" ]; then pass "import tandem from the installed package translates"
else fail "python from $site: $got"; fi

echo "$((fails == 0 ? 1 : 0)) passed, $((fails == 0 ? 0 : 1)) failed"
[ "$fails" -eq 0 ]
