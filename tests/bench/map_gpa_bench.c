// SPDX-License-Identifier: GPL-2.0-only
/*
 * map_gpa_bench: KVM_HC_MAP_GPA_RANGE handled in the kernel
 * (KVM_CAP_SHARED_GPA_TRACKING, track only) against the upstream path (the
 * hypercall exits to userspace, and the VMM records the range), with the
 * same guest, in one run, for instruction counting by the insn_count TCG
 * plugin (tests/bench/insn_mark.h).
 *
 * The guest (16-bit real mode, a raw VMM: nothing but what is measured)
 * walks a table of conversions, one KVM_HC_MAP_GPA_RANGE per entry, the
 * table's number of times, then OUT to port 0x10.  Tables:
 *  flip: 256 single-page conversions to shared, then the same 256 back to
 *        private, as set_memory_decrypted()/set_memory_encrypted() over
 *        4 KiB leaves issue them (one hypercall per leaf,
 *        enc_dec_hypercall() in arch/x86/mm/mem_encrypt_amd.c);
 *  boot: the conversions a Linux SEV guest of 2 GiB and 4 vCPUs makes at
 *        boot (see boot_table()), once per interval from an empty list,
 *        20 intervals a run (the report adds them up);
 *  null: as many KVM_HC_VAPIC_POLL_IRQ as flip has conversions: the cost
 *        of a VM exit that KVM handles in the kernel doing nothing.
 * Modes: kernel (track only), exit (KVM_EXIT_HYPERCALL; the VMM keeps a
 * bitmap of shared pages, the least a VMM must keep), kernel+dirty (track
 * only, with the memslot's dirty log on).  Every (table, mode) is run
 * three times, alternating, plus an empty table per mode (the fixed cost
 * of one KVM_RUN, subtracted by the report).
 *
 * Prints one line per interval:
 *   interval id=N table=T mode=M run=R ops=O kvm_run=K user_exits=U wall_ns=W
 * Exits 0, 4 without KVM_CAP_SHARED_GPA_TRACKING, 1 on error.
 */
#define _GNU_SOURCE	/* sched_setaffinity() in insn_mark.h */
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
#include <time.h>
#include <unistd.h>
#include "insn_mark.h"

#define MEM_SIZE	(2ULL << 30)	/* the boot table's guest: 2 GiB */
#define CODE_GPA	0x1000
#define TABLE_GPA	0x8000		/* DS = 0x800: up to 4096 entries */
#define MAX_ENTRIES	4000
#define PAGE		4096ULL
#define ENC		(KVM_MAP_GPA_RANGE_ENCRYPTED | KVM_MAP_GPA_RANGE_PAGE_SZ_4K)
#define DEC		(KVM_MAP_GPA_RANGE_DECRYPTED | KVM_MAP_GPA_RANGE_PAGE_SZ_4K)

struct entry {
	uint32_t gpa_page, npages, attrs;	/* gpa_page: gpa >> 12 */
	uint32_t nr;				/* the hypercall */
};

/*
 * The guest: for ebp times, for each table entry until npages == 0:
 * hypercall nr(gpa, npages, attrs).  Then OUT and HLT.
 */
extern const uint8_t guest_start[], guest_end[];
asm(".pushsection .rodata\n"
    ".code16\n"
    "guest_start:\n"
    "	mov $0x800, %ax\n"
    "	mov %ax, %ds\n"
    "1:	xor %si, %si\n"
    "2:	mov 4(%si), %ecx\n"
    "	test %ecx, %ecx\n"
    "	jz 3f\n"
    "	mov (%si), %ebx\n"
    "	shl $12, %ebx\n"
    "	mov 8(%si), %edx\n"
    "	mov 12(%si), %eax\n"			/* KVM_HC_MAP_GPA_RANGE */
    "	vmmcall\n"
    "	add $16, %si\n"
    "	jmp 2b\n"
    "3:	dec %ebp\n"
    "	jnz 1b\n"
    "	out %al, $0x10\n"
    "	hlt\n"
    "guest_end:\n"
    ".code64\n"
    ".popsection\n");

enum { M_KERNEL, M_EXIT, M_DIRTY, M_NR };
static const char *const mode_name[M_NR] = { "kernel", "exit", "kernel+dirty" };
enum { T_EMPTY, T_FLIP, T_BOOT, T_NULL, T_NR };
static const char *const table_name[T_NR] = { "empty", "flip", "boot", "null" };
/*
 * The boot table runs once per interval, from an empty list (and a clear
 * VMM bitmap), as a boot does; repeated, its E820 calls would unshare what
 * the previous repetition shared.
 */
static const int table_reps[T_NR] = { 1, 16, 1, 16 };
/* How many intervals of a table a run has: the boot table's are short. */
static const int table_intervals[T_NR] = { 1, 1, 20, 1 };

static struct entry tables[T_NR][MAX_ENTRIES + 1];
static int table_len[T_NR];
static uint8_t *mem;
static uint64_t *shared_bm;	/* the exit-mode VMM's record: a bit per page */

static void add(int t, uint64_t gpa, uint64_t npages, uint32_t attrs)
{
	if (table_len[t] == MAX_ENTRIES)
		errx(1, "table %s too long", table_name[t]);
	tables[t][table_len[t]++] = (struct entry){ gpa / PAGE, npages, attrs,
						    KVM_HC_MAP_GPA_RANGE };
}

/*
 * What a Linux 6.12 SEV guest converts at boot, with OVMF's memory map of a
 * q35 guest with 2 GiB and 4 vCPUs:
 *  - kvm_init_platform() (arch/x86/kernel/kvm.c): one ENCRYPTED call per
 *    E820 RAM entry, then the .bss..decrypted section made DECRYPTED
 *    (early_set_mem_enc_dec_hypercall(): here 2 MiB-aligned, one 2 MiB leaf);
 *  - sev_map_percpu_data() (kvm.c): steal time, the async-PF reason and the
 *    PV EOI word of each possible CPU, early_set_memory_decrypted(), one
 *    4 KiB leaf each;
 *  - swiotlb_update_mem_attributes() (kernel/dma/swiotlb.c): the 64 MiB
 *    bounce buffer made shared with set_memory_decrypted(), one call per
 *    2 MiB leaf of the direct map (enc_dec_hypercall()).
 * Linux passes KVM_MAP_GPA_RANGE_PAGE_SZ_4K in every call, whatever the
 * leaf's size (kvm_sev_hc_page_enc_status()).
 * The E820 layout is an assumption (OVMF's for a 2 GiB q35 guest: low RAM,
 * RAM from 1 MiB with the holes OVMF leaves for its own data); the counts
 * and kinds of calls are what the code above makes.
 */
static void boot_table(void)
{
	static const uint64_t e820[][2] = {
		{ 0, 0x9f000 }, { 0x100000, 0x700000 }, { 0x808000, 0x3000 },
		{ 0x80c000, 0x4000 }, { 0x900000, 0x7e6fe000 },
	};
	uint64_t i, c;

	for (i = 0; i < sizeof(e820) / sizeof(e820[0]); i++)
		add(T_BOOT, e820[i][0], (e820[i][1] + PAGE - 1) / PAGE, ENC);
	add(T_BOOT, 0x3000000, 512, DEC);		/* .bss..decrypted */
	for (c = 0; c < 4; c++)
		for (i = 0; i < 3; i++)
			add(T_BOOT, 0x4000000 + c * 0x200000 + i * PAGE, 1, DEC);
	for (i = 0; i < 32; i++)			/* swiotlb, 64 MiB */
		add(T_BOOT, 0x78000000 + i * 0x200000, 512, DEC);
}

static void flip_table(void)
{
	int i;

	for (i = 0; i < 256; i++)
		add(T_FLIP, 0x100000 + i * PAGE, 1, DEC);
	for (i = 0; i < 256; i++)
		add(T_FLIP, 0x100000 + i * PAGE, 1, ENC);
	/*
	 * The floor: as many KVM_HC_VAPIC_POLL_IRQ, a hypercall KVM completes
	 * in the kernel without doing anything, so the same VM exit and entry.
	 */
	for (i = 0; i < 512; i++) {
		add(T_NULL, 0x100000, 1, ENC);
		tables[T_NULL][i].nr = KVM_HC_VAPIC_POLL_IRQ;
	}
}

static void vmm_record(uint64_t gpa, uint64_t npages, uint64_t attrs)
{
	uint64_t p = gpa / PAGE, end = p + npages;

	if (end > MEM_SIZE / PAGE)
		end = MEM_SIZE / PAGE;
	for (; p < end && (p & 63); p++)
		attrs & KVM_MAP_GPA_RANGE_ENCRYPTED ? (shared_bm[p / 64] &= ~(1ULL << p % 64)) :
						      (shared_bm[p / 64] |= 1ULL << p % 64);
	for (; p + 64 <= end; p += 64)
		shared_bm[p / 64] = attrs & KVM_MAP_GPA_RANGE_ENCRYPTED ? 0 : ~0ULL;
	for (; p < end; p++)
		attrs & KVM_MAP_GPA_RANGE_ENCRYPTED ? (shared_bm[p / 64] &= ~(1ULL << p % 64)) :
						      (shared_bm[p / 64] |= 1ULL << p % 64);
}

struct vm {
	int vm, vcpu;
	struct kvm_run *run;
};

static void vm_create(int kvm, struct vm *v, int mode)
{
	struct kvm_userspace_memory_region region = {
		.slot = 0, .guest_phys_addr = 0, .memory_size = MEM_SIZE,
		.userspace_addr = (uintptr_t)mem,
		.flags = mode == M_DIRTY ? KVM_MEM_LOG_DIRTY_PAGES : 0,
	};
	struct kvm_enable_cap cap = { .cap = KVM_CAP_EXIT_HYPERCALL,
				      .args = { 1 << KVM_HC_MAP_GPA_RANGE } };

	v->vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (v->vm < 0)
		err(1, "KVM_CREATE_VM");
	if (ioctl(v->vm, KVM_SET_USER_MEMORY_REGION, &region))
		err(1, "KVM_SET_USER_MEMORY_REGION");
	if (ioctl(v->vm, KVM_ENABLE_CAP, &cap))
		err(1, "KVM_CAP_EXIT_HYPERCALL");
	if (mode != M_EXIT) {
		cap = (struct kvm_enable_cap){ .cap = KVM_CAP_SHARED_GPA_TRACKING,
					       .args = { KVM_SHARED_GPA_TRACK } };
		if (ioctl(v->vm, KVM_ENABLE_CAP, &cap))
			err(1, "KVM_CAP_SHARED_GPA_TRACKING");
	}
	v->vcpu = ioctl(v->vm, KVM_CREATE_VCPU, 0);
	if (v->vcpu < 0)
		err(1, "KVM_CREATE_VCPU");
	v->run = mmap(NULL, ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0), PROT_READ | PROT_WRITE,
		      MAP_SHARED, v->vcpu, 0);
	if (v->run == MAP_FAILED)
		err(1, "mmap kvm_run");
}

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000ULL + t.tv_nsec;
}

/* One interval: the guest walks table @t reps times. */
static void interval(struct vm *v, int id, int t, int mode, int run)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs = { .rip = CODE_GPA, .rflags = 2, .rbp = table_reps[t] };
	uint64_t kvm_runs = 0, user_exits = 0, t0, t1;
	unsigned long ops = (unsigned long)table_len[t] * table_reps[t];

	memcpy(mem + TABLE_GPA, tables[t], sizeof(struct entry) * (table_len[t] + 1));
	if (t == T_BOOT) {	/* a boot starts with every page private */
		struct kvm_shared_gpa_list empty = { .nr = 0 };

		if (mode == M_EXIT)
			memset(shared_bm, 0, MEM_SIZE / PAGE / 8);
		else if (ioctl(v->vm, KVM_SET_SHARED_GPA_LIST, &empty))
			err(1, "KVM_SET_SHARED_GPA_LIST");
	}
	if (ioctl(v->vcpu, KVM_GET_SREGS, &sregs))
		err(1, "KVM_GET_SREGS");
	sregs.cs.base = 0;
	sregs.cs.selector = 0;
	if (ioctl(v->vcpu, KVM_SET_SREGS, &sregs) || ioctl(v->vcpu, KVM_SET_REGS, &regs))
		err(1, "KVM_SET_REGS");

	t0 = now_ns();
	mark_begin(id);
	for (;;) {
		kvm_runs++;
		if (ioctl(v->vcpu, KVM_RUN, 0))
			err(1, "KVM_RUN");
		if (v->run->exit_reason == KVM_EXIT_HYPERCALL) {
			user_exits++;
			vmm_record(v->run->hypercall.args[0], v->run->hypercall.args[1],
				   v->run->hypercall.args[2]);
			v->run->hypercall.ret = 0;
			continue;
		}
		if (v->run->exit_reason == KVM_EXIT_IO)
			break;
		errx(1, "unexpected exit %u", v->run->exit_reason);
	}
	mark_end(id);
	t1 = now_ns();
	printf("interval id=%d table=%s mode=%s run=%d ops=%lu kvm_run=%lu user_exits=%lu wall_ns=%lu\n",
	       id, table_name[t], mode_name[mode], run, ops, (unsigned long)kvm_runs,
	       (unsigned long)user_exits, (unsigned long)(t1 - t0));
	fflush(stdout);
}

int main(int argc, char **argv)
{
	struct vm vms[M_NR];
	int kvm, flags, mode, t, run, runs = 3, i;

	if (argc > 1)
		runs = atoi(argv[1]);
	kvm = open("/dev/kvm", O_RDWR);
	if (kvm < 0)
		err(1, "/dev/kvm");
	flags = ioctl(kvm, KVM_CHECK_EXTENSION, KVM_CAP_SHARED_GPA_TRACKING);
	if (!(flags & KVM_SHARED_GPA_TRACK)) {
		printf("map_gpa_bench: SKIP, no KVM_CAP_SHARED_GPA_TRACKING\n");
		return 4;
	}
	mark_init(0);
	mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	shared_bm = calloc(MEM_SIZE / PAGE / 64, sizeof(*shared_bm));
	if (mem == MAP_FAILED || !shared_bm)
		err(1, "guest memory");
	memcpy(mem + CODE_GPA, guest_start, guest_end - guest_start);
	flip_table();
	boot_table();

	for (mode = 0; mode < M_NR; mode++)
		vm_create(kvm, &vms[mode], mode);
	printf("map_gpa_bench: tables: flip %d conversions x %d, boot %d x %d, %d times from an empty list; %d runs\n",
	       table_len[T_FLIP], table_reps[T_FLIP], table_len[T_BOOT], table_reps[T_BOOT],
	       table_intervals[T_BOOT], runs);
	/* A first pass of everything, not measured: warm caches, fault in. */
	for (t = 0; t < T_NR; t++)
		for (mode = 0; mode < M_NR; mode++)
			interval(&vms[mode], 4000 + t * M_NR + mode, t, mode, -1);
	for (run = 0; run < runs; run++)
		for (t = 0; t < T_NR; t++)
			for (mode = 0; mode < M_NR; mode++)
				for (i = 0; i < table_intervals[t]; i++)
					interval(&vms[mode], t * M_NR + mode, t, mode, run);
	return 0;
}
