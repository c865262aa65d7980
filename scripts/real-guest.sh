#!/usr/bin/env bash
# make real-guest: boot a real guest on the emulated host, as a user would:
# the kernel under test (L1) runs a real VMM (the series' QEMU, the same
# build as the emulated host, unless VMM_QEMU names another, e.g. Debian's
# /usr/bin/qemu-system-x86_64), OVMF from Debian's ovmf package and
# Debian's guest kernel, whose workload checks its memory
# (tests/demo/l2-workload.c).
#   REAL_GUEST_MODES="plain sev sev-exit" (the default), REAL_GUEST_PASSES=2
# sev: KVM keeps the guest's shared pages (KVM_CAP_SHARED_GPA_TRACKING);
# sev-exit: QEMU keeps them from an exit per KVM_HC_MAP_GPA_RANGE, as with
# upstream KVM (needs the series' QEMU).
# Prints each boot's console with timestamps and its boot times; fails
# unless every guest reached its init and finished its passes.
set -uo pipefail
. "$(dirname "$0")/common.sh"

"$TOP/scripts/build-kernel.sh" || die "kernel build failed"
"$TOP/scripts/build-qemu.sh" >/dev/null || die "QEMU build failed"
"$TOP/scripts/initramfs.sh" >/dev/null || die "initramfs failed"
export VMM_QEMU=${VMM_QEMU:-$QEMU_BIN}
"$TOP/scripts/vmm-cpio.sh" || die "vmm.cpio failed"
programs sev_host_info || die "sev_host_info failed"
export RESULTS=$BUILD/real-guest
mkdir -p "$RESULTS"
bad=0
for mode in ${REAL_GUEST_MODES:-plain sev sev-exit}; do
	EXTRA_CPIO=$BUILD/initramfs/vmm.cpio EXTRA_FILES=$PROGS/sev_host_info \
		"$TOP/scripts/run-one.sh" "real-guest-$mode" "$TOP/tests/demo/real-guest.sh" 1700 \
		"$mode" "${REAL_GUEST_PASSES:-2}" 1500 >/dev/null
	tr -d '\r' < "$RESULTS/real-guest-$mode.out" | tail -n 80
	st=$(cat "$RESULTS/real-guest-$mode.status")
	echo "real-guest $mode: $st (L1's serial log: $RESULTS/real-guest-$mode.log)"
	case $st in PASS*) ;; *) bad=1 ;; esac
done
exit $bad
