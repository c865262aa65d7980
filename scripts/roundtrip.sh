#!/usr/bin/env bash
# The round trip tree -> patches -> tree is lossless: exporting the tree that
# make tree built from patches/ gives patches/ back, byte for byte.
set -euo pipefail
. "$(dirname "$0")/common.sh"

out=$BUILD/roundtrip
rm -rf "$out"
OUT=$out "$TOP/scripts/queue.sh" export linux >/dev/null
if ! diff -ru -x 'BASE-VERSION' "$TOP/patches" "$out"; then
	echo "round trip is not lossless: see the diff above" >&2
	exit 1
fi
echo "round trip lossless: $(wc -l < "$TOP/patches/series") patches"

# The same for the QEMU series in qemu/patches/ and build/qemu.
qout=$BUILD/roundtrip-qemu
rm -rf "$qout"
OUT=$qout "$TOP/scripts/queue.sh" export qemu >/dev/null
if ! diff -ru "$TOP/qemu/patches" "$qout"; then
	echo "QEMU round trip is not lossless: see the diff above" >&2
	exit 1
fi
echo "QEMU round trip lossless: $(wc -l < "$TOP/qemu/patches/series") patches"
