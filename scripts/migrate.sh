#!/usr/bin/env bash
# make migrate: live-migrate a real SEV guest inside the kernel under test
# (L1), between two instances of the series' QEMU (the same build as the
# emulated host), OVMF from Debian's ovmf package and Debian's guest
# kernel, whose workload checks its memory (tests/demo/migrate.sh).
#   MIGRATE_MODES="kvm exit" (the default): the list of shared pages kept
#   by KVM (KVM_CAP_SHARED_GPA_TRACKING), or by QEMU from the exits.
# Prints each run's figures; fails unless the guest's memory survived,
# every page went with the type of the guest's list and every bad path
# (not ready, wrong PDH, cancel) behaved.
set -uo pipefail
. "$(dirname "$0")/common.sh"

"$TOP/scripts/build-kernel.sh" || die "kernel build failed"
"$TOP/scripts/build-qemu.sh" >/dev/null || die "QEMU build failed"
"$TOP/scripts/initramfs.sh" >/dev/null || die "initramfs failed"
export VMM_QEMU=${VMM_QEMU:-$QEMU_BIN}
"$TOP/scripts/vmm-cpio.sh" || die "vmm.cpio failed"
programs sev_host_info || die "sev_host_info failed"
export RESULTS=$BUILD/migrate
mkdir -p "$RESULTS"
bad=0
for mode in ${MIGRATE_MODES:-kvm exit}; do
	EXTRA_CPIO=$BUILD/initramfs/vmm.cpio EXTRA_FILES=$PROGS/sev_host_info \
		"$TOP/scripts/run-one.sh" "migrate-$mode" "$TOP/tests/demo/migrate.sh" 1700 \
		"$mode" 1500 >/dev/null
	tr -d '\r' < "$RESULTS/migrate-$mode.out" | grep -v '^\[ *[0-9]*\.[0-9]*\] ' | tail -n 120
	st=$(cat "$RESULTS/migrate-$mode.status")
	echo "migrate $mode: $st (L1's serial log: $RESULTS/migrate-$mode.log)"
	case $st in PASS*) ;; *) bad=1 ;; esac
done
exit $bad
