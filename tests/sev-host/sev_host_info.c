// SPDX-License-Identifier: GPL-2.0-only
/*
 * Print what the kernel under test reports about SEV on this host: the VM
 * types of KVM_CAP_VM_TYPES, whether /dev/sev exists, and the CPU's SEV
 * leaf as seen from L1.  scripts/sev-host-check.sh reads the output
 * together with the kernel log.  Exits 0 when it could ask.
 */
#include <cpuid.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/kvm.h>

int main(void)
{
	unsigned int a, b, c, d;
	int kvm, types;

	__cpuid(0x8000001f, a, b, c, d);
	printf("cpuid 0x8000001f: eax=%#x ebx=%#x ecx=%u edx=%u\n", a, b, c, d);
	printf("/dev/sev: %s\n", access("/dev/sev", F_OK) ? "absent" : "present");
	kvm = open("/dev/kvm", O_RDWR);
	if (kvm < 0) {
		perror("/dev/kvm");
		return 1;
	}
	types = ioctl(kvm, KVM_CHECK_EXTENSION, KVM_CAP_VM_TYPES);
	printf("KVM_CAP_VM_TYPES: %#x (KVM_X86_SEV_VM %s)\n", types,
	       types > 0 && (types & (1 << KVM_X86_SEV_VM)) ? "yes" : "no");
	return 0;
}
