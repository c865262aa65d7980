#!/usr/bin/env bash
# make sev-noncoherent: the SEV selftests once on an emulated SEV host
# without SME_COHERENT (sev-coherent=off), so that kvm_amd's cache-flush
# paths (sev_clflush_pages() and the batched RECEIVE's flush) run; kprobes
# count them (tests/sev-host/sev_flush_probe.sh).
set -uo pipefail
export QEMU_SEV_COHERENT=0
. "$(dirname "$0")/common.sh"

export RESULTS=$BUILD/results-noncoherent
rm -rf "$RESULTS"; mkdir -p "$RESULTS"
x=$SELFTESTS_OUT/x86_64
export EXTRA_FILES="$x/sev_smoke_test $x/sev_migrate_tests $x/sev_send_receive_test"
echo "# QEMU -cpu $KVMTEST_QEMU_CPU"
"$TOP/scripts/run-one.sh" sev_flush_probe "$TOP/tests/sev-host/sev_flush_probe.sh" 600
sed 's/^/  /' "$RESULTS/sev_flush_probe.out" 2>/dev/null
case $(cat "$RESULTS/sev_flush_probe.status" 2>/dev/null) in
PASS*) exit 0 ;;
*) exit 1 ;;
esac
