#!/usr/bin/env bash
# make psp-test: the emulated PSP's own tests.
#  1. Known-answer tests of its cryptography (tests/psp/psp_crypto_kat.c),
#     linked against the very file of the QEMU series it tests.
#  2. tests/psp/sev_psp_test.c inside the kernel under test on the emulated
#     SEV host: /dev/sev, LAUNCH + DBG, policies, wrong states, SEND and
#     RECEIVE of a page between two VMs, a tampered packet.
#  3. tests/psp/sev_owner_test.c there too: a guest owner's session,
#     measurement and LAUNCH_SECRET.
set -uo pipefail
. "$(dirname "$0")/common.sh"

out=$BUILD/psp-test
rm -rf "$out"; mkdir -p "$out"
crypto=$QTREE/hw/misc/amd_sev_psp_crypto.c
[ -f "$crypto" ] || die "no $crypto: run make qemu-tree"
bad=0

programs psp_crypto_kat sev_psp_test sev_owner_test || die "building the PSP tests failed"
if "$PROGS/psp_crypto_kat" > "$out/kat.log"; then
	echo "PASS psp_crypto_kat: $(grep -c '^ok' "$out/kat.log") known-answer checks"
else
	echo "FAIL psp_crypto_kat:"; grep -A2 '^not ok' "$out/kat.log" | sed 's/^/  /'
	bad=1
fi

# Both boots at once (one core each).
for t in sev_psp_test sev_owner_test; do
	RESULTS=$out "$TOP/scripts/run-one.sh" $t "$PROGS/$t" 120 > "$out/$t.line" &
done
wait
for t in sev_psp_test sev_owner_test; do
	cat "$out/$t.line"
	case $(cat "$out/$t.status") in
	PASS*) echo "  $(grep -c '^ok' "$out/$t.out") checks" ;;
	*) grep -v '^ok' "$out/$t.out" | sed 's/^/  /'; bad=1 ;;
	esac
done
exit $bad
