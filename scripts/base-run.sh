#!/usr/bin/env bash
# make base-run: build the unpatched base (the same config, the base's own
# selftests) in build/base and run every test there, one boot each. Its
# results are what tests/base-results and tests/known-tcg-failures record;
# this script prints them and never edits those files.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
export BUILD=$TOP/build/base
# The runner uses the patched QEMU of the main build.
export QEMU=${QEMU:-$TOP/build/qemu-obj/qemu-system-x86_64}
mkdir -p "$BUILD/dl"
# Share the downloaded package with the main build.
ln -sf "$TOP"/build/dl/*.deb "$BUILD/dl/" 2>/dev/null || true
. "$TOP/scripts/common.sh"

BASE_ONLY=1 "$TOP/scripts/tree.sh" || exit 1
"$TOP/scripts/build-kernel.sh" || exit 1
"$TOP/scripts/build-selftests.sh" || exit 1
"$TOP/scripts/initramfs.sh" || exit 1
[ -x "$QEMU" ] || BUILD=$TOP/build "$TOP/scripts/build-qemu.sh" || exit 1
DEFAULT_TIMEOUT=${DEFAULT_TIMEOUT:-600} "$TOP/scripts/vmtest.sh"
echo
echo "== base results (for tests/base-results):"
for s in "$RESULTS"/*.status; do
	n=$(basename "$s" .status)
	echo "$(cut -d' ' -f1 "$s") ${n#x86_64_}"
done | sort -k2
