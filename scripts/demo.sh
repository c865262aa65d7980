#!/usr/bin/env bash
# make demo: fetch the base, apply the series, build the kernel, boot it
# under QEMU TCG and show the series at work: in-kernel KVM_HC_MAP_GPA_RANGE,
# then SEV guests migrated between two VMs on the emulated SEV host, then a
# real SEV guest live-migrated between two QEMUs.
set -euo pipefail
. "$(dirname "$0")/common.sh"

[ -d "$KTREE/.git" ] || "$TOP/scripts/queue.sh" tree linux
"$TOP/scripts/build-kernel.sh"
"$TOP/scripts/build-qemu.sh"
"$TOP/scripts/initramfs.sh" >/dev/null
kmake -s headers >/dev/null
dir=$BUILD/demo
mkdir -p "$dir"
programs shared_gpa_demo
"$TOP/scripts/build-selftests.sh" >/dev/null

say "booting the patched kernel under the patched QEMU (TCG, -cpu $KVMTEST_QEMU_CPU $KVMTEST_QEMU_DEVICES)"
export RESULTS=$dir/results
EXTRA_FILES="$PROGS/shared_gpa_demo $SELFTESTS_OUT/x86_64/sev_send_receive_test" \
	"$TOP/scripts/run-one.sh" demo \
	"$TOP/tests/demo/demo-guest.sh" 300 >/dev/null || true
cat "$RESULTS/demo.out"
status=$(cat "$RESULTS/demo.status")
echo
echo "demo: $status (serial log: $RESULTS/demo.log)"
case $status in PASS*) ;; *) exit 1 ;; esac

# A real SEV guest (Debian's OVMF and kernel) live-migrated by the series'
# QEMU inside the patched kernel: with KVM keeping the list of shared
# pages, then with QEMU keeping it from the exits, as upstream KVM has it.
echo
say "live-migrating a real SEV guest between two QEMUs in the patched kernel (scripts/migrate.sh)"
MIGRATE_MODES=${MIGRATE_MODES:-kvm exit} "$TOP/scripts/migrate.sh" || exit 1
