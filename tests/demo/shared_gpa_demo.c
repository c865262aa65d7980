// SPDX-License-Identifier: GPL-2.0
/*
 * make demo: a minimal VMM, with raw KVM ioctls, whose real-mode guest flips
 * pages between private and shared with KVM_HC_MAP_GPA_RANGE while the VMM
 * reads the shared list with KVM_GET_SHARED_GPA_LIST. With
 * KVM_CAP_SHARED_GPA_TRACKING the hypercalls cause no exit to userspace.
 * Built against the patched tree's uAPI headers; not part of the series.
 */
#include <err.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <linux/kvm_para.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#define MEM_SIZE	0x200000
#define CODE_GPA	0x1000
#define BASE_GPA	0x100000	/* the pages the guest converts: 1 MiB.. */
#define NPAGES		256

/*
 * The guest, 16-bit real mode. Phase 1: make pages 0..255 shared, then
 * every fourth one private again (64 ranges of 3 pages). Phase 2: make the
 * first half private. Each phase ends with OUT to port 0x10.
 */
extern const uint8_t guest_start[], guest_end[];
asm(".pushsection .rodata\n"
    ".code16\n"
    "guest_start:\n"
    "	xor %esi, %esi\n"
    "1:	mov $12, %eax\n"			/* KVM_HC_MAP_GPA_RANGE */
    "	mov %esi, %ebx\n"
    "	shl $12, %ebx\n"
    "	add $0x100000, %ebx\n"			/* gpa */
    "	mov $1, %ecx\n"				/* npages */
    "	xor %edx, %edx\n"			/* DECRYPTED: shared */
    "	vmmcall\n"
    "	inc %esi\n"
    "	cmp $256, %esi\n"
    "	jne 1b\n"
    "	xor %esi, %esi\n"
    "2:	mov $12, %eax\n"
    "	mov %esi, %ebx\n"
    "	shl $12, %ebx\n"
    "	add $0x100000, %ebx\n"
    "	mov $1, %ecx\n"
    "	mov $0x10, %edx\n"			/* ENCRYPTED: private */
    "	vmmcall\n"
    "	add $4, %esi\n"
    "	cmp $256, %esi\n"
    "	jb 2b\n"
    "	out %al, $0x10\n"
    "	mov $12, %eax\n"
    "	mov $0x100000, %ebx\n"
    "	mov $128, %ecx\n"
    "	mov $0x10, %edx\n"
    "	vmmcall\n"
    "	out %al, $0x10\n"
    "	hlt\n"
    "guest_end:\n"
    ".code64\n"
    ".popsection\n");

static int kvm, vm, vcpu;
static struct kvm_run *run;
static unsigned long hypercall_exits, io_exits;

static void show_list(const char *when)
{
	struct kvm_shared_gpa_range r[128];
	struct kvm_shared_gpa_list l = {
		.address = 0, .size = ~0ull << 12,
		.ranges = (uintptr_t)r, .nr = 128,
	};
	unsigned int i;

	if (ioctl(vm, KVM_GET_SHARED_GPA_LIST, &l))
		err(1, "KVM_GET_SHARED_GPA_LIST");
	printf("VMM, %s: %u shared ranges%s, generation %llu, overflow %s\n", when,
	       l.nr, l.size ? " (first 128)" : "", (unsigned long long)l.generation,
	       l.status & KVM_SHARED_GPA_LIST_OVERFLOW ? "yes" : "no");
	for (i = 0; i < l.nr; i++)
		if (i < 3 || i == l.nr - 1)
			printf("    [%#llx, %#llx) %llu pages\n",
			       (unsigned long long)r[i].address,
			       (unsigned long long)(r[i].address + r[i].size),
			       (unsigned long long)r[i].size >> 12);
		else if (i == 3)
			printf("    ...\n");
	printf("    userspace exits so far: %lu KVM_EXIT_HYPERCALL, %lu KVM_EXIT_IO\n",
	       hypercall_exits, io_exits);
}

int main(void)
{
	struct kvm_userspace_memory_region region;
	struct kvm_enable_cap cap = { .cap = KVM_CAP_SHARED_GPA_TRACKING };
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	int flags, phase = 0;
	uint8_t *mem;

	kvm = open("/dev/kvm", O_RDWR);
	if (kvm < 0)
		err(1, "/dev/kvm");
	flags = ioctl(kvm, KVM_CHECK_EXTENSION, KVM_CAP_SHARED_GPA_TRACKING);
	printf("KVM_CAP_SHARED_GPA_TRACKING: supported flags %#x\n", flags);
	if (!(flags & KVM_SHARED_GPA_TRACK))
		errx(4, "in-kernel tracking not supported by this kernel");

	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (vm < 0 || mem == MAP_FAILED)
		err(1, "VM");
	memcpy(mem + CODE_GPA, guest_start, guest_end - guest_start);
	region = (struct kvm_userspace_memory_region){
		.slot = 0, .guest_phys_addr = 0, .memory_size = MEM_SIZE,
		.userspace_addr = (uintptr_t)mem,
	};
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region))
		err(1, "KVM_SET_USER_MEMORY_REGION");

	/*
	 * Track in the kernel, no exit to userspace; the exit stays enabled
	 * as the fallback for a full list, which this guest never fills.
	 */
	cap.cap = KVM_CAP_EXIT_HYPERCALL;
	cap.args[0] = 1 << KVM_HC_MAP_GPA_RANGE;
	if (ioctl(vm, KVM_ENABLE_CAP, &cap))
		err(1, "KVM_ENABLE_CAP(KVM_CAP_EXIT_HYPERCALL)");
	cap.cap = KVM_CAP_SHARED_GPA_TRACKING;
	cap.args[0] = KVM_SHARED_GPA_TRACK;
	if (ioctl(vm, KVM_ENABLE_CAP, &cap))
		err(1, "KVM_ENABLE_CAP(KVM_CAP_SHARED_GPA_TRACKING)");

	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	run = mmap(NULL, ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0), PROT_READ | PROT_WRITE,
		   MAP_SHARED, vcpu, 0);
	if (vcpu < 0 || run == MAP_FAILED)
		err(1, "vCPU");
	ioctl(vcpu, KVM_GET_SREGS, &sregs);
	sregs.cs.base = 0;
	sregs.cs.selector = 0;
	ioctl(vcpu, KVM_SET_SREGS, &sregs);
	memset(&regs, 0, sizeof(regs));
	regs.rip = CODE_GPA;
	regs.rflags = 2;
	ioctl(vcpu, KVM_SET_REGS, &regs);

	printf("guest: %d KVM_HC_MAP_GPA_RANGE calls to share pages 1 MiB..2 MiB, then %d to make every fourth private\n",
	       NPAGES, NPAGES / 4);
	for (;;) {
		if (ioctl(vcpu, KVM_RUN, 0))
			err(1, "KVM_RUN");
		switch (run->exit_reason) {
		case KVM_EXIT_HYPERCALL:
			hypercall_exits++;
			run->hypercall.ret = 0;
			break;
		case KVM_EXIT_IO:
			io_exits++;
			show_list(phase++ ? "after phase 2" : "after phase 1");
			if (phase == 1)
				printf("guest: one KVM_HC_MAP_GPA_RANGE call to make 1 MiB..1.5 MiB private\n");
			break;
		case KVM_EXIT_HLT:
			printf("guest halted; %lu hypercall exits to userspace in all (upstream 6.12: %d)\n",
			       hypercall_exits, NPAGES + NPAGES / 4 + 1);
			return hypercall_exits ? 1 : 0;
		default:
			errx(1, "unexpected exit %u", run->exit_reason);
		}
	}
}
