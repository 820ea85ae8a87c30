#!/usr/bin/env bash
# scripts/disk_full_test.sh TANDEM: writes on a full file system (issue #12).
# Mounts a small tmpfs (needs root; exits 77 = skipped where mounting is not
# allowed) and checks that (1) a model/checkpoint write that does not fit is a
# clear error, leaves the previous file under the same name intact and
# loadable and no temporary behind (checkpoints and `average -o` share the
# same atomic writer), and (2) `translate -o` on a full disk is an error that
# leaves no half-written output under the final name.
set -u
tandem=$(readlink -f "${1:-./build/tandem}")
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
mnt=$work/disk
mkdir -p "$mnt"
cleanup() { umount "$mnt" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
fails=0 passes=0
pass() { echo "ok: $1"; passes=$((passes + 1)); }
fail() { echo "FAIL: $1"; fails=$((fails + 1)); }

for i in $(seq 1 300); do echo "the dog number $((i % 17)) runs over the green grass near house $((i % 5))"; done >"$work/text.txt"
"$tandem" vocab -i "$work/text.txt" --size 80 -o "$work/spm.model" 2>/dev/null
"$tandem" init -c "$here/tests/cli/tiny.yaml" --vocab "$work/spm.model" -o "$work/small.h5" 2>/dev/null
sed 's/^ffn_dim: .*/ffn_dim: 8192/' "$here/tests/cli/tiny.yaml" >"$work/big.yaml"
"$tandem" init -c "$work/big.yaml" --vocab "$work/spm.model" -o "$work/big.h5" 2>/dev/null
small=$(stat -c %s "$work/small.h5"); big=$(stat -c %s "$work/big.h5")
# Room for the small file (and its temporary copy) but not for the big one.
size_kb=$(( (small * 2 + 65536) / 1024 ))
[ "$big" -gt $((size_kb * 1024)) ] || { echo "FAIL: test set-up: big model too small"; exit 1; }
mount -t tmpfs -o size=${size_kb}k tmpfs "$mnt" 2>/dev/null || { echo "skipped: cannot mount a tmpfs here"; exit 77; }

"$tandem" average -o "$mnt/model.h5" "$work/small.h5" 2>/dev/null || fail "writing the small model"
before=$(md5sum <"$mnt/model.h5")
"$tandem" average -o "$mnt/model.h5" "$work/big.h5" 2>"$work/err"; rc=$?
if [ "$rc" -ne 0 ] && [ "$(wc -l <"$work/err")" -eq 1 ] && grep -q "the disk is full" "$work/err"; then pass "model write on a full disk: one-line error ($(cat "$work/err"))"
else fail "model write on a full disk: rc=$rc, $(cat "$work/err")"; fi
[ "$(md5sum <"$mnt/model.h5")" = "$before" ] && "$tandem" info "$mnt/model.h5" >/dev/null 2>&1 \
  && pass "the previous model file is intact and loads" || fail "previous model file damaged"
ls "$mnt" | grep -q tmp && fail "a temporary file was left: $(ls "$mnt")" || pass "no temporary file left"

printf 'the dog runs\nthe green grass\n' >"$work/in.txt"
for i in $(seq 1 2000); do cat "$work/in.txt"; done >"$work/many.txt"
dd if=/dev/zero of="$mnt/filler" bs=1k count=$((size_kb)) 2>/dev/null  # fill the disk
"$tandem" translate -m "$work/small.h5" -i "$work/many.txt" -o "$mnt/out.txt" 2>"$work/err"; rc=$?
if [ "$rc" -ne 0 ] && grep -q "No space left" "$work/err"; then pass "translate -o on a full disk: $(tail -1 "$work/err")"
else fail "translate -o on a full disk: rc=$rc, $(cat "$work/err")"; fi
[ ! -e "$mnt/out.txt" ] && pass "no half-written output under the final name" || fail "out.txt exists"
echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
