#!/usr/bin/env bash
# CLI as a user drives it: help, a model made by `init` and read by `info`,
# and bad input giving a one-line error with a non-zero exit.
set -u
tandem=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
pass() { echo "ok: $1"; }
fail() { echo "FAIL: $1"; fails=$((fails + 1)); }

# expect_error NAME PATTERN CMD...: non-zero exit, exactly one stderr line matching PATTERN.
expect_error() {
  local name=$1 pattern=$2; shift 2
  "$@" >"$tmp/out" 2>"$tmp/err"; local rc=$?
  local lines; lines=$(wc -l <"$tmp/err")
  if [ "$rc" -ne 0 ] && [ "$lines" -eq 1 ] && grep -q -- "$pattern" "$tmp/err"; then pass "$name"
  else fail "$name (rc=$rc, stderr: $(cat "$tmp/err"))"; fi
}

"$tandem" --help | grep -q "usage: tandem <command>" && pass "tandem --help" || fail "tandem --help"
"$tandem" info --help | grep -q -- "--threads" && pass "info --help" || fail "info --help"

"$tandem" init -c transformer-small --src-vocab 100 --tgt-vocab 100 -o "$tmp/m.h5" 2>/dev/null \
  && pass "init" || fail "init"
"$tandem" info "$tmp/m.h5" >"$tmp/info" 2>&1
grep -q "d_model: 256" "$tmp/info" && grep -q "encoder/layers/2" "$tmp/info" \
  && grep -q "total" "$tmp/info" && pass "info on a fresh model" || fail "info: $(cat "$tmp/info")"

expect_error "missing model file" "no-such.h5: cannot open" "$tandem" info "$tmp/no-such.h5"
echo "plain text" >"$tmp/text.h5"
expect_error "not an HDF5 file" "text.h5: not an HDF5 file" "$tandem" info "$tmp/text.h5"
expect_error "unknown option" "unrecognised option\|unrecognized option" "$tandem" info --bogus "$tmp/m.h5"
expect_error "unknown preset" "did you mean \`transformer-small\`" \
  "$tandem" init -c transformer-smal -o "$tmp/x.h5"
expect_error "bad vocab for tie all" "joint vocabulary" \
  "$tandem" init -c transformer-small --src-vocab 10 --tgt-vocab 12 -o "$tmp/x.h5"
[ ! -e "$tmp/x.h5" ] && pass "no file left after a failed init" || fail "x.h5 left behind"
"$tandem" frobnicate >/dev/null 2>&1; [ $? -ne 0 ] && pass "unknown command" || fail "unknown command"

echo "$((6 + 6 - fails)) passed, $fails failed"
[ "$fails" -eq 0 ]
