#!/usr/bin/env bash
# make demo: fetch the base, apply the series, build the kernel, boot it
# under QEMU TCG and show the series at work.
set -euo pipefail
. "$(dirname "$0")/common.sh"

[ -d "$KTREE/.git" ] || "$TOP/scripts/tree.sh"
"$TOP/scripts/build-kernel.sh"
"$TOP/scripts/build-qemu.sh"
"$TOP/scripts/initramfs.sh" >/dev/null
kmake -s headers >/dev/null
dir=$BUILD/demo
mkdir -p "$dir"
gcc -static -O2 -Wall -Werror -isystem "$KOBJ/usr/include" \
	-o "$dir/shared_gpa_demo" "$TOP/tests/demo/shared_gpa_demo.c"

say "booting the patched kernel under the patched QEMU (TCG, -cpu $QEMU_CPU ${QEMU_DEV_ARGS[*]})"
export RESULTS=$dir/results
EXTRA_FILES="$dir/shared_gpa_demo" "$TOP/scripts/run-one.sh" demo \
	"$TOP/tests/demo/demo-guest.sh" 300 >/dev/null || true
cat "$RESULTS/demo.out"
status=$(cat "$RESULTS/demo.status")
echo
echo "demo: $status (serial log: $RESULTS/demo.log)"
case $status in PASS*) ;; *) exit 1 ;; esac
