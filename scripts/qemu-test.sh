#!/usr/bin/env bash
# make qemu-test: the QEMU-level test of the emulated SEV host CPU
# (tests/qemu/sev-host-test.c, a bare multiboot image acting as an SVM
# hypervisor). It must pass on the patched QEMU with and without sev=on, and
# fail on Debian's unpatched QEMU, which shows that it can fail.
set -uo pipefail
. "$(dirname "$0")/common.sh"

out=$BUILD/qemu-test
mkdir -p "$out"
make -s -C "$TOP/tests/qemu" O="$out" || die "building tests/qemu failed"
img=$out/sev-host-test.bin

run() {	# run QEMU_BINARY CPU LOG -> exit status of the test (0 = all passed)
	timeout -s KILL 120 "$1" $QEMU_FW -machine q35 -accel tcg,thread=single \
		-cpu "$2" -m 512 -nodefaults -display none -no-reboot \
		-serial "file:$3" -device isa-debug-exit,iobase=0xf4,iosize=4 \
		-kernel "$img" >"$3.qemu" 2>&1
	local rc=$?
	# isa-debug-exit: QEMU exits with (value << 1) | 1; main() returns 0 on success.
	[ $rc = 1 ] && grep -q '^# PASS' "$3"
}

bad=0
base_cpu=$QEMU_CPU_BASE
# sev-memcrypt=on without a PSP: no ASID has a key, so the guest's memory
# reads as plaintext and every check holds; the model must not get in the way.
for mode in sev=on sev=on,sev-memcrypt=on nosev; do
	cpu=$base_cpu; [ $mode = nosev ] || cpu=$base_cpu,$mode
	log=$out/$mode.log
	if run "$QEMU_BIN" "$cpu" "$log"; then
		echo "PASS patched QEMU, -cpu $cpu: $(grep -c '^ok' "$log") checks"
	else
		echo "FAIL patched QEMU, -cpu $cpu:"; grep '^not ok\|^#' "$log" | sed 's/^/  /'
		tail -3 "$log.qemu" | sed 's/^/  qemu: /'
		bad=1
	fi
done
# Debian's QEMU has none of it: the test must notice.
log=$out/unpatched.log
if run /usr/bin/qemu-system-x86_64 "$QEMU_CPU_DEBIAN" "$log"; then
	echo "FAIL the test passed on Debian's unpatched QEMU: it cannot detect a missing feature"
	bad=1
else
	echo "PASS fails as it should on Debian's unpatched QEMU ($(grep -c '^not ok' "$log") failed checks)"
fi
exit $bad
