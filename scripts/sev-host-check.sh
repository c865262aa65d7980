#!/usr/bin/env bash
# The kernel under test on the emulated SEV host (QEMU sev=on): kvm_amd must
# pass every CPU check of sev_hardware_setup() and read the advertised ASID
# range. Whether it then enables SEV depends on the PSP firmware
# (sev_platform_init()); the emulated PSP is issue 5. Until it exists the
# check reports "SEV disabled" as such and says why, and then requires it.
set -uo pipefail
. "$(dirname "$0")/common.sh"

export RESULTS=$BUILD/sev-host
rm -rf "$RESULTS"; mkdir -p "$RESULTS"
hdr=$KOBJ/usr/include
gcc -O2 -static -I"$hdr" -o "$RESULTS/sev_host_info" "$TOP/tests/sev-host/sev_host_info.c" ||
	die "building sev_host_info failed"
"$TOP/scripts/run-one.sh" sev_host_info "$RESULTS/sev_host_info" 60
status=$(cat "$RESULTS/sev_host_info.status")
log=$RESULTS/sev_host_info.log
echo "test program: $status"
cat "$RESULTS/sev_host_info.out"
line=$(grep -o 'kvm_amd: SEV [a-z]* (ASIDs [0-9]* - [0-9]*)' "$log" | head -n1)
echo "kernel: ${line:-no kvm_amd SEV line}"
case $status in PASS*) ;; *) echo "FAIL: the program did not run"; exit 1 ;; esac
grep -q 'cpuid 0x8000001f: eax=0x402 ebx=0x6f ecx=16 edx=1' "$RESULTS/sev_host_info.out" ||
	{ echo "FAIL: L1 does not see the emulated CPU's SEV leaf"; exit 1; }
case $line in
*"(ASIDs 1 - 16)") ;;
*) echo "FAIL: kvm_amd did not get through its SEV CPU checks (want ASIDs 1 - 16)"; exit 1 ;;
esac
if [[ $line == *"SEV enabled"* ]]; then
	grep -q 'KVM_X86_SEV_VM yes' "$RESULTS/sev_host_info.out" ||
		{ echo "FAIL: SEV enabled but KVM_CAP_VM_TYPES lacks KVM_X86_SEV_VM"; exit 1; }
	echo "PASS: kvm_amd enabled SEV with ASIDs 1 - 16; KVM_CAP_VM_TYPES has KVM_X86_SEV_VM"
elif grep -qil "0x14ca" "$TOP"/qemu/patches/*.patch 2>/dev/null; then
	echo "FAIL: the emulated PSP is in the series, but kvm_amd did not enable SEV"; exit 1
else
	grep -q '/dev/sev: absent' "$RESULTS/sev_host_info.out" || { echo "FAIL: /dev/sev without a PSP?"; exit 1; }
	echo "PASS (CPU side only): kvm_amd passed its SEV CPU checks and read ASIDs 1 - 16, then"
	echo "  left SEV disabled because sev_platform_init() has no PSP to talk to (no /dev/sev):"
	echo "  the emulated PSP is issue 5. KVM_CAP_VM_TYPES lacks KVM_X86_SEV_VM until then."
fi
