#!/bin/sh
# Runs inside the test VM for make demo.
echo "== kernel under test: $(uname -r)"
echo "== CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-), flags: $(grep -m1 -o -w -E 'svm|npt|sev|sev_es' /proc/cpuinfo | sort -u | tr '\n' ' ')"
if [ -d /sys/module/kvm_amd ]; then
	echo "== kvm_amd loaded: sev=$(cat /sys/module/kvm_amd/parameters/sev) sev_es=$(cat /sys/module/kvm_amd/parameters/sev_es) nested=$(cat /sys/module/kvm_amd/parameters/nested)"
else
	echo "== kvm_amd NOT loaded"
fi
echo "== SEV state of the host:"
dmesg | grep -E 'SEV|SME|ccp|psp|PSP' | sed 's/^/   /' | head -n 10 | grep . || echo '   no SEV, SME, CCP or PSP messages from the kernel'
[ -e /dev/sev ] && echo "   /dev/sev present" || echo "   no /dev/sev: no PSP (no SEV firmware on this host)"
echo "== in-kernel KVM_HC_MAP_GPA_RANGE demo"
./shared_gpa_demo || exit 1
echo
echo "== SEV migration between two VMs (x86_64/sev_send_receive_test)"
echo "   The source guest writes 160 data pages in rounds and flips some between"
echo "   private and shared; private pages go through the PSP in batches"
echo "   (KVM_SEV_SEND/RECEIVE_UPDATE_PAGES), shared ones in plaintext, and the"
echo "   target's guest checks every page.  Per pass: pages sent, ioctls."
exec ./sev_send_receive_test
