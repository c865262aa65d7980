// SPDX-License-Identifier: GPL-2.0-only
/*
 * QEMU-level test of the emulated SEV host CPU (the QEMU series in
 * qemu/patches/).  Runs bare on the emulated CPU as a multiboot image,
 * acts as an SVM hypervisor itself and runs a small L2 guest:
 *
 * - the CPUID leaf 0x8000001F and the SYSCFG/HWCR/SEV_STATUS MSRs;
 * - an SEV L2 guest (nested_ctl bit 1) whose page tables and CR3 carry the
 *   C-bit runs, reads SEV_STATUS = 1 without an MSR exit although every
 *   MSR is intercepted, and its stores land at the C-bit-less address;
 * - the same guest without the SEV bit faults (#NPF) at GPA | C-bit;
 * - VMRUN of an SEV guest with a non-SEV ASID fails (VMEXIT_INVALID);
 * - NRIP save on VMMCALL, CPUID, MOV CR3, INVLPG, INT3 (#BP), and the
 *   DecodeAssists EXITINFO1 of MOV CR3 and INVLPG and the instruction bytes
 *   of a #NPF; XSETBV intercepted; a soft interrupt
 *   injected with next_rip returns to next_rip; TLB_CONTROL 3 (FlushByASID);
 * - MOV to CR8 with V_INTR_MASKING and a virtual interrupt pending;
 * - an external interrupt injected by VMRUN reaches its handler once,
 *   however long the handler runs with IF clear;
 * - the CR0 selective write intercept of a MOV to CR0 carries the
 *   DecodeAssists EXITINFO1 (CR_VALID and the GPR), and that of LMSW not.
 *
 * Without sev=on it checks that the leaf and the MSRs read zero and runs
 * the NRIP and DecodeAssists part only.  Prints TAP on COM1 and exits
 * through isa-debug-exit with 0 when every check passed.
 */
#include <stdint.h>
#include <stddef.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;

#define CBIT_EXPECTED	47
#define SEV_ASIDS	16

/* ---- console ---- */
static inline void outb(u16 port, u8 v)
{
	asm volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline u8 inb(u16 port)
{
	u8 v;

	asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static void putc_(char c)
{
	if (c == '\n')
		outb(0x3f8, '\r');
	outb(0x3f8, c);
}

static void puts_(const char *s)
{
	while (*s)
		putc_(*s++);
}

static void puthex(u64 v)
{
	char buf[19] = "0x";
	int i;

	for (i = 0; i < 16; i++)
		buf[2 + i] = "0123456789abcdef"[(v >> (60 - 4 * i)) & 0xf];
	buf[18] = 0;
	puts_(buf);
}

static int tests, failures;

static void check(int ok, const char *what, u64 got, u64 want)
{
	tests++;
	if (!ok)
		failures++;
	puts_(ok ? "ok - " : "not ok - ");
	puts_(what);
	puts_(": got ");
	puthex(got);
	puts_(", want ");
	puthex(want);
	putc_('\n');
}

#define CHECK_EQ(what, got, want) do {				\
	u64 g_ = (got), w_ = (want);				\
	check(g_ == w_, what, g_, w_);				\
} while (0)

/* ---- CPU ---- */
static void cpuid(u32 leaf, u32 *a, u32 *b, u32 *c, u32 *d)
{
	asm volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d)
		     : "a"(leaf), "c"(0));
}

static u64 rdmsr(u32 msr)
{
	u32 lo, hi;

	asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((u64)hi << 32) | lo;
}

static void wrmsr(u32 msr, u64 v)
{
	asm volatile("wrmsr" : : "c"(msr), "a"((u32)v), "d"((u32)(v >> 32)));
}

/* ---- VMCB (AMD APM vol. 2, appendix B) ---- */
#define VMCB_INTERCEPT_CR_READ	0x000
#define VMCB_INTERCEPT_EXC	0x008
#define VMCB_INTERCEPT		0x00c	/* 64 bits: bit n = exit code 0x60 + n */
#define VMCB_IOPM		0x040
#define VMCB_MSRPM		0x048
#define VMCB_ASID		0x058
#define VMCB_TLB_CTL		0x05c
#define VMCB_INT_CTL		0x060
#define VMCB_EXIT_CODE		0x070
#define VMCB_EXIT_INFO1		0x078
#define VMCB_EXIT_INFO2		0x080
#define VMCB_NESTED_CTL		0x090
#define VMCB_EVENT_INJ		0x0a8
#define VMCB_NESTED_CR3		0x0b0
#define VMCB_NEXT_RIP		0x0c8
#define VMCB_INSN_LEN		0x0d0
#define VMCB_SAVE		0x400
#define VMCB_ES			(VMCB_SAVE + 0x000)
#define VMCB_CS			(VMCB_SAVE + 0x010)
#define VMCB_SS			(VMCB_SAVE + 0x020)
#define VMCB_DS			(VMCB_SAVE + 0x030)
#define VMCB_GDTR		(VMCB_SAVE + 0x060)
#define VMCB_IDTR		(VMCB_SAVE + 0x080)
#define VMCB_EFER		(VMCB_SAVE + 0x0d0)
#define VMCB_CR4		(VMCB_SAVE + 0x148)
#define VMCB_CR3		(VMCB_SAVE + 0x150)
#define VMCB_CR0		(VMCB_SAVE + 0x158)
#define VMCB_DR7		(VMCB_SAVE + 0x160)
#define VMCB_DR6		(VMCB_SAVE + 0x168)
#define VMCB_RFLAGS		(VMCB_SAVE + 0x170)
#define VMCB_RIP		(VMCB_SAVE + 0x178)
#define VMCB_RSP		(VMCB_SAVE + 0x1d8)
#define VMCB_RAX		(VMCB_SAVE + 0x1f8)
#define VMCB_G_PAT		(VMCB_SAVE + 0x268)

#define EXIT_EXCP_BP	0x043
#define EXIT_INTR	0x060
#define EXIT_READ_CR3	0x003
#define EXIT_CR0_SEL	0x065
#define EXIT_CPUID	0x072
#define EXIT_HLT	0x078
#define EXIT_INVLPG	0x079
#define EXIT_MSR	0x07c
#define EXIT_SHUTDOWN	0x07f
#define EXIT_VMRUN	0x080
#define EXIT_VMMCALL	0x081
#define EXIT_XSETBV	0x08d
#define EXIT_NPF	0x400
#define EXIT_INVALID	((u64)-1)

#define ICPT(code)	(1ULL << ((code) - 0x60))

static u8 vmcb[4096] __attribute__((aligned(4096)));
static u8 hsave[4096] __attribute__((aligned(4096)));
static u8 msrpm[8192] __attribute__((aligned(4096)));
static u8 iopm[12288] __attribute__((aligned(4096)));
static u64 npt_pml4[512] __attribute__((aligned(4096)));
static u64 npt_pdpt[512] __attribute__((aligned(4096)));
static u64 npt_pd[512] __attribute__((aligned(4096)));
static u64 g_pml4[512] __attribute__((aligned(4096)));
static u64 g_pdpt[512] __attribute__((aligned(4096)));
static u64 g_pd[512] __attribute__((aligned(4096)));
static u64 g_idt[2 * 256] __attribute__((aligned(4096)));
static u8 g_stack[4096] __attribute__((aligned(4096)));

extern u64 gdt[];
extern u8 l2_entry[], l2_rdmsr[], l2_vmmcall[], l2_invlpg[], l2_after_vmmcall[], l2_after_cpuid[], l2_after_cr3[],
	l2_after_invlpg[], l2_int3[], l2_after_int3[], l2_softint[],
	l2_xsetbv[], l2_hlt[], l2_npf[],
	l2_softint_handler[], l2_cr8[], l2_cr8_vmmcall[],
	l2_irq_wait[], l2_irq_handler[], l2_cr0_sel[], l2_lmsw[];
extern volatile u64 l2_marker, l2_sev_status, l2_irq_count;

#define W64(off)	(*(volatile u64 *)(vmcb + (off)))
#define W32(off)	(*(volatile u32 *)(vmcb + (off)))
#define W16(off)	(*(volatile u16 *)(vmcb + (off)))
#define W8(off)		(*(volatile u8 *)(vmcb + (off)))

/*
 * The L2 code.  Runs in long mode at CPL0 on identity mappings that carry
 * the C-bit when the test asks for it.
 */
asm(".pushsection .text\n"
    ".globl l2_entry, l2_rdmsr, l2_vmmcall, l2_invlpg, l2_after_vmmcall, l2_after_cpuid, l2_after_cr3\n"
    ".globl l2_after_invlpg, l2_int3, l2_after_int3, l2_softint\n"
    ".globl l2_xsetbv, l2_hlt, l2_npf\n"
    ".globl l2_softint_handler, l2_marker, l2_sev_status\n"
    ".globl l2_cr8, l2_cr8_vmmcall\n"
    ".globl l2_irq_wait, l2_irq_handler, l2_irq_count\n"
    ".globl l2_cr0_sel, l2_lmsw\n"
    "l2_entry:\n"
    "	mov $0xc0010131, %ecx\n"
    "l2_rdmsr:\n"
    "	rdmsr\n"
    "	mov %rax, l2_sev_status(%rip)\n"
    "	movq $0x5ec0de, l2_marker(%rip)\n"
    "l2_vmmcall:\n"
    "	vmmcall\n"
    "l2_after_vmmcall:\n"
    "	cpuid\n"
    "l2_after_cpuid:\n"
    "	mov %cr3, %rax\n"
    "l2_after_cr3:\n"
    "	lea l2_marker(%rip), %rbx\n"
    "l2_invlpg:\n"
    "	invlpg (%rbx)\n"
    "l2_after_invlpg:\n"
    "l2_int3:\n"
    "	int3\n"
    "l2_after_int3:\n"
    "	mov $1, %eax\n"
    "	xor %edx, %edx\n"
    "	xor %ecx, %ecx\n"
    "l2_xsetbv:\n"
    "	xsetbv\n"
    "l2_hlt:\n"
    "	hlt\n"
    "1:	jmp 1b\n"
    "l2_npf:\n"
    "	mov (%rax), %rax\n"	/* 48 8b 00: a GPA outside the NPT */
    "	vmmcall\n"
    "l2_softint:\n"
    "	int $0x80\n"
    "	hlt\n"
    "l2_softint_handler:\n"
    "	mov (%rsp), %rax\n"	/* the return address the CPU pushed */
    "	vmmcall\n"
    "2:	jmp 2b\n"
    "l2_cr8:\n"
    "	xor %eax, %eax\n"
    "	mov %rax, %cr8\n"
    "	mov %cr8, %rax\n"
    "l2_cr8_vmmcall:\n"
    "	vmmcall\n"
    "3:	jmp 3b\n"
    "l2_irq_wait:\n"
    "	jmp l2_irq_wait\n"
    /* Count the entries, then spin about 2^30 TSC ticks with IF clear. */
    "l2_irq_handler:\n"
    "	incq l2_irq_count(%rip)\n"
    "	rdtsc\n"
    "	shl $32, %rdx\n"
    "	or %rdx, %rax\n"
    "	mov %rax, %rcx\n"
    "4:	rdtsc\n"
    "	shl $32, %rdx\n"
    "	or %rdx, %rax\n"
    "	sub %rcx, %rax\n"
    "	cmp $0x40000000, %rax\n"
    "	jb 4b\n"
    "	mov l2_irq_count(%rip), %rax\n"
    "	vmmcall\n"
    "5:	jmp 5b\n"
    /* CR0 with CD (bit 30) flipped, through RBX: GPR 3. */
    "l2_cr0_sel:\n"
    "	mov %cr0, %rbx\n"
    "	btc $30, %rbx\n"
    "	mov %rbx, %cr0\n"
    "	vmmcall\n"
    /* LMSW of PE | EM: EM (bit 2) changes, a selective write. */
    "l2_lmsw:\n"
    "	mov $0x5, %eax\n"
    "	lmsw %ax\n"
    "	vmmcall\n"
    ".popsection\n"
    ".pushsection .data\n"
    ".align 4096\n"
    "l2_marker: .quad 0\n"
    "l2_sev_status: .quad 0xdead\n"
    "l2_irq_count: .quad 0\n"
    ".popsection\n");

static void vmrun(void)
{
	u64 pa = (u64)(uintptr_t)vmcb;

	asm volatile("clgi\n\tvmrun %%rax\n\tstgi" : : "a"(pa) : "memory",
		     "rbx", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10",
		     "r11", "r12", "r13", "r14", "r15");
}

static void set_seg(u32 off, u16 sel, u16 attrib)
{
	W16(off) = sel;
	W16(off + 2) = attrib;
	W32(off + 4) = 0xffffffff;
	W64(off + 8) = 0;
}

/* A 64-bit gate of TYPE (0x8e interrupt, 0xee DPL-3 interrupt) to CS 0x08. */
static void set_gate(int vec, u8 *handler, u64 type)
{
	u64 h = (u64)(uintptr_t)handler;

	g_idt[2 * vec] = (h & 0xffff) | (0x08ULL << 16) | (type << 40) |
			 ((h >> 16) & 0xffff) << 48;
	g_idt[2 * vec + 1] = h >> 32;
}

static void setup_vmcb(int sev, u32 asid, u64 cbit)
{
	u64 i;

	for (i = 0; i < sizeof(vmcb); i++)
		vmcb[i] = 0;
	/* Nested page tables: GPA = HPA for the first 1 GiB, user|rw|p. */
	for (i = 0; i < 512; i++) {
		npt_pd[i] = (i << 21) | 0x87;
		g_pd[i] = (i << 21) | 0x83 | cbit;
	}
	npt_pml4[0] = (u64)(uintptr_t)npt_pdpt | 0x7;
	npt_pdpt[0] = (u64)(uintptr_t)npt_pd | 0x7;
	/* Guest page tables: identity, every entry (and CR3) with cbit. */
	g_pml4[0] = (u64)(uintptr_t)g_pdpt | 0x3 | cbit;
	g_pdpt[0] = (u64)(uintptr_t)g_pd | 0x3 | cbit;
	/* 1-2 GiB: a 1 GiB guest page onto GPAs the NPT does not map. */
	g_pdpt[1] = (1ULL << 30) | 0x83 | cbit;
	set_gate(0x80, l2_softint_handler, 0xee);
	for (i = 0; i < sizeof(msrpm); i++)
		msrpm[i] = 0xff;	/* intercept every MSR */

	W64(VMCB_INTERCEPT) = ICPT(EXIT_VMRUN) | ICPT(EXIT_VMMCALL) |
			      ICPT(EXIT_CPUID) | ICPT(EXIT_HLT) |
			      ICPT(EXIT_INVLPG) | ICPT(EXIT_MSR) |
			      ICPT(EXIT_SHUTDOWN) | ICPT(EXIT_XSETBV);
	W16(VMCB_INTERCEPT_CR_READ) = 1 << 3;		/* CR3 reads */
	W32(VMCB_INTERCEPT_EXC) = 1 << 3;		/* #BP */
	W64(VMCB_IOPM) = (u64)(uintptr_t)iopm;
	W64(VMCB_MSRPM) = (u64)(uintptr_t)msrpm;
	W32(VMCB_ASID) = asid;
	W8(VMCB_TLB_CTL) = 3;				/* flush this ASID */
	W64(VMCB_NESTED_CTL) = 1 | (sev ? 2 : 0);
	W64(VMCB_NESTED_CR3) = (u64)(uintptr_t)npt_pml4;

	set_seg(VMCB_CS, 0x08, 0xa9b);
	set_seg(VMCB_SS, 0x10, 0xc93);
	set_seg(VMCB_DS, 0x10, 0xc93);
	set_seg(VMCB_ES, 0x10, 0xc93);
	W32(VMCB_GDTR + 4) = 3 * 8 - 1;
	W64(VMCB_GDTR + 8) = (u64)(uintptr_t)gdt;
	W32(VMCB_IDTR + 4) = sizeof(g_idt) - 1;
	W64(VMCB_IDTR + 8) = (u64)(uintptr_t)g_idt;
	W64(VMCB_EFER) = 0x1d00;		/* SVME | LMA | LME | NXE */
	W64(VMCB_CR0) = 0x80000031;		/* PG | NE | ET | PE */
	W64(VMCB_CR4) = 0x20 | (1 << 18);	/* PAE | OSXSAVE */
	W64(VMCB_CR3) = (u64)(uintptr_t)g_pml4 | cbit;
	W64(VMCB_DR6) = 0xffff0ff0;
	W64(VMCB_DR7) = 0x400;
	W64(VMCB_RFLAGS) = 0x2;
	W64(VMCB_RIP) = (u64)(uintptr_t)l2_entry;
	W64(VMCB_RSP) = (u64)(uintptr_t)g_stack + sizeof(g_stack);
	W64(VMCB_G_PAT) = 0x0007040600070406ULL;
}

/* Run until the next exit, check its code, resume at next_rip. */
static void expect_exit(const char *what, u64 code, u8 *rip, u8 *next, int nrip)
{
	vmrun();
	CHECK_EQ(what, W64(VMCB_EXIT_CODE), code);
	if (!nrip)
		return;
	CHECK_EQ("  rip at the exit", W64(VMCB_RIP), (u64)(uintptr_t)rip);
	CHECK_EQ("  next_rip (NRIP save)", W64(VMCB_NEXT_RIP),
		 (u64)(uintptr_t)next);
	W64(VMCB_RIP) = W64(VMCB_NEXT_RIP);
}

static void run_nrip_sequence(int nrip, int decode)
{
	expect_exit("VMMCALL exit", EXIT_VMMCALL, l2_vmmcall,
		    l2_after_vmmcall, nrip);
	expect_exit("CPUID exit", EXIT_CPUID, l2_after_vmmcall, l2_after_cpuid,
		    nrip);
	expect_exit("MOV from CR3 exit", EXIT_READ_CR3, l2_after_cpuid,
		    l2_after_cr3, nrip);
	if (decode)
		CHECK_EQ("  EXITINFO1 = CR_VALID | rax (DecodeAssists)",
			 W64(VMCB_EXIT_INFO1), 1ULL << 63);
	expect_exit("INVLPG exit", EXIT_INVLPG, l2_invlpg,
		    l2_after_invlpg, nrip);
	if (decode)
		CHECK_EQ("  EXITINFO1 = the address (DecodeAssists)",
			 W64(VMCB_EXIT_INFO1), (u64)(uintptr_t)&l2_marker);
	expect_exit("INT3 intercepted as #BP", EXIT_EXCP_BP, l2_int3,
		    l2_after_int3, nrip);
	expect_exit("XSETBV exit", EXIT_XSETBV, l2_xsetbv, l2_hlt, nrip);
	expect_exit("HLT exit", EXIT_HLT, l2_hlt, l2_hlt + 1, nrip);

	/* A load from a GPA outside the NPT: #NPF with the instruction bytes. */
	W64(VMCB_RIP) = (u64)(uintptr_t)l2_npf;
	W64(VMCB_RAX) = 1ULL << 30;
	vmrun();
	CHECK_EQ("load outside the NPT: #NPF", W64(VMCB_EXIT_CODE), EXIT_NPF);
	CHECK_EQ("  EXITINFO2 = the GPA", W64(VMCB_EXIT_INFO2), 1ULL << 30);
	CHECK_EQ("  next_rip = 0 (not an instruction intercept)",
		 W64(VMCB_NEXT_RIP), 0);
	if (decode) {
		u8 n = W8(VMCB_INSN_LEN);

		check(n >= 3 && n <= 15, "  insn_len (DecodeAssists)", n, 3);
		CHECK_EQ("  insn_bytes = 48 8b 00 (mov (%rax),%rax)",
			 W8(VMCB_INSN_LEN + 1) | W8(VMCB_INSN_LEN + 2) << 8 |
			 W8(VMCB_INSN_LEN + 3) << 16, 0x008b48);
	}

	/* Inject INT 0x80 as a soft interrupt: it must return to next_rip. */
	W64(VMCB_RIP) = (u64)(uintptr_t)l2_softint;
	W64(VMCB_NEXT_RIP) = (u64)(uintptr_t)l2_softint + 2;
	W32(VMCB_EVENT_INJ) = 0x80 | (4 << 8) | (1U << 31);
	vmrun();
	CHECK_EQ("injected soft INT 0x80 reaches its handler",
		 W64(VMCB_EXIT_CODE), EXIT_VMMCALL);
	if (nrip)
		CHECK_EQ("  return address pushed = next_rip",
			 W64(VMCB_RAX), (u64)(uintptr_t)l2_softint + 2);
}

/*
 * MOV to CR8 in a guest with V_INTR_MASKING and a virtual interrupt pending
 * (V_IRQ at priority 15, V_TPR 15, guest IF clear so that it is not taken):
 * the write lowers V_TPR to 0 and the interrupt stays pending (AMD APM
 * vol. 2, virtual interrupts: with V_INTR_MASKING, CR8 accesses read and
 * write V_TPR).  A guest of KVM meets this when it writes CR8 while KVM
 * waits for an interrupt window; QEMU 7.2 aborted here (cpu_interrupt()
 * without the iothread lock).
 */
static void run_cr8_vintr(void)
{
	setup_vmcb(0, 1, 0);
	W32(VMCB_INT_CTL) = (1U << 24) | (0xfU << 16) | (1U << 8) | 0xf;
	W64(VMCB_RIP) = (u64)(uintptr_t)l2_cr8;
	W64(VMCB_RAX) = 0xdead;
	vmrun();
	CHECK_EQ("CR8 write with V_INTR_MASKING and V_IRQ pending: VMMCALL exit",
		 W64(VMCB_EXIT_CODE), EXIT_VMMCALL);
	CHECK_EQ("  at the VMMCALL after it", W64(VMCB_RIP),
		 (u64)(uintptr_t)l2_cr8_vmmcall);
	CHECK_EQ("  MOV from CR8 read V_TPR = 0", W64(VMCB_RAX), 0);
	CHECK_EQ("  V_TPR = 0, V_IRQ still pending", W32(VMCB_INT_CTL) & 0x1ff,
		 1U << 8);
}

/*
 * An external interrupt injected through EVENTINJ into a guest with IF set
 * is delivered once (AMD APM vol. 2, event injection).  Its handler runs
 * with IF clear for long enough that the emulator's CPU loop sees exit
 * requests (device interrupts raised by its main loop, such as the PIT the
 * firmware left running) meanwhile; QEMU left the vector in
 * exception_index after delivering it and delivered it again at the first
 * of them, inside the handler.  INTR is intercepted, so that a physical
 * interrupt taken in the guest ends the run instead.
 *
 * The PIT's IRQ 0 must already be latched in the master PIC (IRR bit 0)
 * when VMRUN runs: then its further edges only kick the CPU.  A first edge
 * during the handler would also raise CPU_INTERRUPT_POLL, whose handling
 * resets exception_index before an exit request can see it, and the test
 * would pass on a QEMU with the bug.
 */
static void run_injected_intr(void)
{
	u32 i;
	u8 irr = 0;

	setup_vmcb(0, 1, 0);
	set_gate(0x20, l2_irq_handler, 0x8e);	/* IF cleared on entry */
	W64(VMCB_INTERCEPT) |= ICPT(EXIT_INTR);
	W64(VMCB_RFLAGS) = 0x202;
	W64(VMCB_RIP) = (u64)(uintptr_t)l2_irq_wait;
	W32(VMCB_EVENT_INJ) = 0x20 | (1U << 31);	/* type 0: INTR */
	l2_irq_count = 0;
	for (i = 0; i < 10000000 && !(irr & 1); i++) {
		outb(0x20, 0x0a);			/* OCW3: read IRR */
		irr = inb(0x20);
	}
	CHECK_EQ("the PIT's IRQ 0 is pending in the PIC (IRR bit 0)", irr & 1, 1);
	vmrun();
	CHECK_EQ("injected external interrupt: VMMCALL from its handler",
		 W64(VMCB_EXIT_CODE), EXIT_VMMCALL);
	CHECK_EQ("  the handler was entered once", l2_irq_count, 1);
	CHECK_EQ("  EVENTINJ consumed", W32(VMCB_EVENT_INJ) >> 31, 0);
}

/*
 * With the CR0 selective write intercept (exit 0x65) and no CR0 write
 * intercept, a MOV to CR0 that changes a bit other than TS and MP exits
 * with the EXITINFO1 of the MOV CR intercepts: bit 63 set and the GPR in
 * bits 3:0 (AMD APM vol. 2, decode assists), LMSW with bit 63 clear.  KVM
 * reads the GPR from there (cr_interception()) and cannot decode an SEV
 * guest's instruction instead: without it, it injects #UD, as it did
 * into OVMF under SEV.
 */
static void run_cr0_selective_write(void)
{
	setup_vmcb(0, 1, 0);
	W64(VMCB_INTERCEPT) |= ICPT(EXIT_CR0_SEL);
	W64(VMCB_RIP) = (u64)(uintptr_t)l2_cr0_sel;
	vmrun();
	CHECK_EQ("MOV to CR0 flipping CD: CR0 selective write exit",
		 W64(VMCB_EXIT_CODE), EXIT_CR0_SEL);
	CHECK_EQ("  EXITINFO1 = CR_VALID | rbx (DecodeAssists)",
		 W64(VMCB_EXIT_INFO1), (1ULL << 63) | 3);
	CHECK_EQ("  rip at the MOV", W64(VMCB_RIP),
		 (u64)(uintptr_t)l2_cr0_sel + 8);
	CHECK_EQ("  next_rip after it (NRIP save)", W64(VMCB_NEXT_RIP),
		 (u64)(uintptr_t)l2_cr0_sel + 11);
	W64(VMCB_RIP) = (u64)(uintptr_t)l2_lmsw;
	vmrun();
	CHECK_EQ("LMSW setting EM: CR0 selective write exit",
		 W64(VMCB_EXIT_CODE), EXIT_CR0_SEL);
	CHECK_EQ("  EXITINFO1 = 0 (not a MOV CR)", W64(VMCB_EXIT_INFO1), 0);
}

int main(void)
{
	u32 a, b, c, d, svm_edx;
	u64 cbit;
	int sev;

	puts_("TAP version 13\n# emulated SEV host CPU test\n");
	cpuid(0x8000000a, &a, &b, &c, &svm_edx);
	cpuid(0x80000000, &a, &b, &c, &d);
	if (a >= 0x8000001f)
		cpuid(0x8000001f, &a, &b, &c, &d);
	else
		a = b = c = d = 0;
	sev = a & 2;
	puts_(sev ? "# mode: sev=on\n" : "# mode: without sev=on\n");

	CHECK_EQ("CPUID 0x8000000A EDX: NRIP save, FlushByASID, DecodeAssists",
		 svm_edx & ((1 << 3) | (1 << 6) | (1 << 7)),
		 (1 << 3) | (1 << 6) | (1 << 7));
	if (sev) {
		CHECK_EQ("CPUID 0x8000001F EAX: SEV | SME_COHERENT", a,
			 2 | (1 << 10));
		CHECK_EQ("CPUID 0x8000001F EBX[5:0]: C-bit", b & 0x3f,
			 CBIT_EXPECTED);
		CHECK_EQ("CPUID 0x8000001F EBX[11:6]: phys-bits reduction",
			 (b >> 6) & 0x3f, 1);
		CHECK_EQ("CPUID 0x8000001F ECX: SEV ASIDs", c, SEV_ASIDS);
		CHECK_EQ("CPUID 0x8000001F EDX: minimum SEV ASID", d, 1);
		cpuid(0x8000000a, &a, &b, &c, &d);
		check(b > SEV_ASIDS + 1, "CPUID 0x8000000A EBX: ASIDs beyond the SEV range",
		      b, SEV_ASIDS + 2);
		CHECK_EQ("SYSCFG MemEncryptionModEn", rdmsr(0xc0010010) & (1 << 23),
			 1 << 23);
		CHECK_EQ("HWCR SMMLOCK", rdmsr(0xc0010015) & 1, 1);
	} else {
		CHECK_EQ("CPUID 0x8000001F is empty", (u64)a | b | c | d, 0);
		CHECK_EQ("SYSCFG reads 0", rdmsr(0xc0010010), 0);
		CHECK_EQ("HWCR reads 0", rdmsr(0xc0010015), 0);
	}
	CHECK_EQ("SEV_STATUS outside a guest reads 0", rdmsr(0xc0010131), 0);

	wrmsr(0xc0000080, rdmsr(0xc0000080) | (1 << 12));	/* EFER.SVME */
	wrmsr(0xc0010117, (u64)(uintptr_t)hsave);		/* VM_HSAVE_PA */

	puts_("# CR8 write with a virtual interrupt pending\n");
	run_cr8_vintr();
	puts_("# an external interrupt injected by VMRUN\n");
	run_injected_intr();
	puts_("# CR0 selective write intercept\n");
	run_cr0_selective_write();

	if (sev) {
		cbit = 1ULL << CBIT_EXPECTED;

		puts_("# SEV guest, C-bit in CR3 and every PTE\n");
		setup_vmcb(1, 1, cbit);
		l2_marker = 0;
		run_nrip_sequence(1, 1);
		CHECK_EQ("SEV guest read SEV_STATUS without an MSR exit",
			 l2_sev_status, 1);
		CHECK_EQ("SEV guest's store through C-bit mappings landed",
			 l2_marker, 0x5ec0de);

		puts_("# the same page tables, SEV bit clear\n");
		setup_vmcb(0, 1, cbit);
		vmrun();
		CHECK_EQ("#NPF", W64(VMCB_EXIT_CODE), EXIT_NPF);
		CHECK_EQ("  at GPA | C-bit", W64(VMCB_EXIT_INFO2) & cbit, cbit);

		puts_("# SEV guest with an ASID outside the SEV range\n");
		setup_vmcb(1, SEV_ASIDS + 1, cbit);
		vmrun();
		/* KVM reads the low 32 bits (SVM_EXIT_ERR). */
		CHECK_EQ("VMRUN fails", W32(VMCB_EXIT_CODE), (u32)EXIT_INVALID);
	} else {
		puts_("# ordinary guest\n");
		setup_vmcb(0, 1, 0);
		l2_marker = 0;
		expect_exit("guest's SEV_STATUS read is intercepted", EXIT_MSR,
			    l2_rdmsr, l2_rdmsr + 2, 1);
		W64(VMCB_RAX) = 0xdead;		/* the value the "hypervisor" returns */
		run_nrip_sequence(1, 1);
		CHECK_EQ("  the guest got the hypervisor's value",
			 l2_sev_status, 0xdead);
		CHECK_EQ("guest's store landed", l2_marker, 0x5ec0de);
	}

	puts_("1..");
	{
		char n[4] = { '0' + tests / 100 % 10, '0' + tests / 10 % 10,
			      '0' + tests % 10, 0 };
		puts_(n);
	}
	puts_(failures ? "\n# FAIL\n" : "\n# PASS\n");
	return failures ? 1 : 0;
}
