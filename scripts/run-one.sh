#!/usr/bin/env bash
# Boot the built kernel once under QEMU TCG and run one test in it.
#   run-one.sh NAME BINARY TIMEOUT [ARGS...]
# Writes $RESULTS/NAME.{log,status,out}; status is PASS, SKIP or FAIL plus
# a reason. NAME may contain '/'. EXTRA_FILES: more files for /test.
set -uo pipefail
. "$(dirname "$0")/common.sh"

name=$1 bin=$2 tmo=$3
shift 3
[ -x "$QEMU" ] || command -v "$QEMU" >/dev/null || die "no QEMU at $QEMU: run make qemu"
QEMU_MEM=${QEMU_MEM:-3G}
slug=${name//\//_}
out=$RESULTS/$slug
mkdir -p "$RESULTS"
work=$(mktemp -d "$BUILD/tmp.run.XXXXXX")
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/root/test"
cp "$bin" ${EXTRA_FILES:-} "$work/root/test/"
{
	printf 'KVMTEST_NAME=%q\nKVMTEST_TIMEOUT=%q\n' "$name" "$tmo"
} > "$work/root/test/env"
{
	printf 'exec ./%q' "$(basename "$bin")"
	[ $# = 0 ] || printf ' %q' "$@"
	printf '\n'
} > "$work/root/test/run"
(cd "$work/root" && find . -print0 | sort -z | cpio --null -o -H newc --quiet) > "$work/test.cpio"
cat "${BASE_CPIO:-$BUILD/initramfs/base.cpio}" "$work/test.cpio" > "$work/initrd"

start=$(date +%s)
timeout -s KILL $((tmo + 150)) "$QEMU" "${QEMU_FW_ARGS[@]}" -machine q35 -accel tcg,thread=single \
	-cpu "$QEMU_CPU" "${QEMU_DEV_ARGS[@]}" -smp 2 -m "$QEMU_MEM" -nodefaults -display none -no-reboot \
	-monitor none -serial "file:$out.log" \
	-kernel "${BZIMAGE:-$KOBJ/arch/x86/boot/bzImage}" -initrd "$work/initrd" \
	-append "console=ttyS0 loglevel=3 panic=-1 nokaslr ${KVMTEST_CMDLINE:-}" \
	${QEMU_EXTRA:-} >"$work/qemu.out" 2>&1
qrc=$?
secs=$(( $(date +%s) - start ))

log=$out.log
# The test's own output, between the markers.
sed -n '/^@@KVMTEST-BEGIN /,/^@@KVMTEST-RC /p' "$log" | sed '1d;$d' | tr -d '\r' > "$out.out"
rc=$(sed -n 's/^@@KVMTEST-RC \([0-9]*\)@@.*/\1/p' "$log" | tr -d '\r' | head -n1)
if grep -q '^@@KVMTEST-DMESG@@' "$log"; then
	sed -n '/^@@KVMTEST-DMESG@@/,/^@@KVMTEST-END@@/p' "$log" > "$out.dmesg"
else
	cp "$log" "$out.dmesg"
fi
# Kernel reports, anchored after the printk timestamp so that boot banners
# that merely mention a word ("RCU lockdep checking is enabled", SRSO's
# "WARNING: See ...") do not count. Lockdep reports start with "WARNING:".
splat=$(grep -n -E '\] (WARNING: CPU|WARNING: (possible|inconsistent|suspicious|bad)|BUG: |Oops|kernel BUG at|general protection fault|Call Trace:|INFO: task .* blocked|INFO: rcu_|rcu: INFO: |Kernel panic|UBSAN: |[^ ]*KASAN: |\[ cut here \])' "$out.dmesg" | head -n 5)

if ! grep -q '^@@KVMTEST-BOOTED' "$log"; then
	status="FAIL did not boot (qemu rc=$qrc: $(head -c 300 "$work/qemu.out" | tr '\n' ' '))"
elif [ -z "$rc" ]; then
	if [ $qrc = 137 ]; then status="FAIL timeout: VM killed after $secs s"; else status="FAIL no exit status (kernel crashed or hung, qemu rc=$qrc)"; fi
elif [ "$rc" = 137 ]; then
	status="FAIL timeout: test killed after ${tmo} s"
elif [ -n "$splat" ]; then
	status="FAIL kernel report in dmesg: $(echo "$splat" | head -n1 | cut -c1-160)"
elif [ "$rc" = 0 ]; then
	status=PASS
elif [ "$rc" = 4 ]; then
	status="SKIP $(grep -i -m1 'skip' "$out.out" | cut -c1-160)"
else
	status="FAIL exit status $rc"
fi
[ -n "$splat" ] && case "$status" in FAIL*) ;; *) status="FAIL kernel report in dmesg: $(echo "$splat" | head -n1 | cut -c1-160)";; esac
echo "$status" > "$out.status"
echo "$secs" > "$out.secs"
echo "${status%% *} $name (${secs}s)"
