# bench/ct2_peer.sh (sourced): a private copy of ../shared/peers/ctranslate2
# (or $CT2) in $work/peer, `peer` set to it. The shared copy may carry its
# library symlinks as small text files naming the target (a copy that did not
# keep links): they are relinked here.
cp -r "${CT2:-../shared/peers/ctranslate2}" "$work/peer"
chmod -R u+w "$work/peer"
for f in "$work"/peer/ctranslate2/lib*.so.*; do
  if [ -f "$f" ] && [ "$(stat -c %s "$f")" -lt 256 ] && grep -qv $'\x7fELF' "$f"; then
    target=$(cat "$f"); rm "$f"; ln -s "$target" "$f"
  fi
done
peer=$work/peer
