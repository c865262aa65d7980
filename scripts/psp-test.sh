#!/usr/bin/env bash
# make psp-test: the emulated PSP's own tests.
#  1. Known-answer tests of its cryptography (tests/psp/psp_crypto_kat.c),
#     linked against the very file of the QEMU series it tests.
#  2. tests/psp/sev_psp_test.c inside the kernel under test on the emulated
#     SEV host: /dev/sev, LAUNCH + DBG, policies, wrong states, SEND and
#     RECEIVE of a page between two VMs, a tampered packet.
#  3. tests/psp/sev_owner_test.c there too: a guest owner's session,
#     measurement and LAUNCH_SECRET, after it has verified the chain.
# Before 2 and 3: the emulated AMD's certificates (sev_amd_ca) are checked
# with OpenSSL, an implementation the PSP does not share: the ARK signed
# itself and the ASK, the ASK signed the CEK (RSA-PSS, SHA-384, 48-byte
# salt, little-endian fields), and the ARK is the root the emulated PSP
# holds (psp_ark_hash in amd_sev_psp.c).
set -uo pipefail
. "$(dirname "$0")/common.sh"

out=$BUILD/psp-test
rm -rf "$out"; mkdir -p "$out"
crypto=$QTREE/hw/misc/amd_sev_psp_crypto.c
[ -f "$crypto" ] || die "no $crypto: run make qemu-tree"
bad=0

programs psp_crypto_kat sev_psp_test sev_owner_test sev_amd_ca || die "building the PSP tests failed"
certs=$out/certs
sev_certs "$certs" || die "sev_amd_ca failed"
if python3 "$TOP/tests/psp/check_amd_certs.py" "$certs" "$TOP/tests/psp/emulated-amd" \
	"$QTREE/hw/misc/amd_sev_psp.c" "$PROGS/sev_amd_ca" > "$out/certs.log" 2>&1; then
	echo "PASS AMD certificates: $(grep -c '^ok' "$out/certs.log") checks with OpenSSL"
else
	echo "FAIL AMD certificates:"; sed 's/^/  /' "$out/certs.log"
	bad=1
fi
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
