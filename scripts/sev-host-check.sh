#!/usr/bin/env bash
# The kernel under test on the emulated SEV host (QEMU sev=on, the emulated
# PSP): kvm_amd must pass every CPU check of sev_hardware_setup(), read the
# advertised ASID range, enable SEV (sev_platform_init() through the PSP)
# and offer KVM_X86_SEV_VM in KVM_CAP_VM_TYPES.
set -uo pipefail
. "$(dirname "$0")/common.sh"

export RESULTS=$BUILD/sev-host
rm -rf "$RESULTS"; mkdir -p "$RESULTS"
programs sev_host_info || die "building sev_host_info failed"
"$TOP/scripts/run-one.sh" sev_host_info "$PROGS/sev_host_info" 60
status=$(cat "$RESULTS/sev_host_info.status")
log=$RESULTS/sev_host_info.log
echo "test program: $status"
cat "$RESULTS/sev_host_info.out"
line=$(grep -o 'kvm_amd: SEV [a-z]* (ASIDs [0-9]* - [0-9]*)' "$log" | head -n1)
echo "kernel: ${line:-no kvm_amd SEV line}"
case $status in PASS*) ;; *) echo "FAIL: the program did not run"; exit 1 ;; esac
grep -q 'cpuid 0x8000001f: eax=0x402 ebx=0x6f ecx=16 edx=1' "$RESULTS/sev_host_info.out" ||
	{ echo "FAIL: L1 does not see the emulated CPU's SEV leaf"; exit 1; }
[[ $line == *"SEV enabled (ASIDs 1 - 16)" ]] ||
	{ echo "FAIL: kvm_amd did not enable SEV with ASIDs 1 - 16"; exit 1; }
grep -q 'KVM_X86_SEV_VM yes' "$RESULTS/sev_host_info.out" ||
	{ echo "FAIL: SEV enabled but KVM_CAP_VM_TYPES lacks KVM_X86_SEV_VM"; exit 1; }
echo "PASS: kvm_amd enabled SEV with ASIDs 1 - 16; KVM_CAP_VM_TYPES has KVM_X86_SEV_VM"
