/*
 * Entry from QEMU's multiboot loader: 32-bit protected mode, paging off.
 * Identity-map the first 1 GiB with 2 MiB pages, enter long mode and call
 * main().  main()'s return value is written to the isa-debug-exit port.
 */
#define MB_MAGIC	0x1badb002
#define MB_FLAGS	0x00010002	/* memory info, a.out kludge addresses */

	.section .multiboot, "a"
	.align 4
mb_header:
	.long MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)
	.long mb_header, 0x100000, _edata, _end, _start

	.section .text
	.code32
	.globl _start
_start:
	cli
	movl $stack_top, %esp
	/* PML4[0] -> PDPT, PDPT[0] -> PD, PD: 512 x 2 MiB */
	movl $pdpt, %eax
	orl $3, %eax
	movl %eax, pml4
	movl $pd, %eax
	orl $3, %eax
	movl %eax, pdpt
	xorl %ecx, %ecx
1:	movl %ecx, %eax
	shll $21, %eax
	orl $0x83, %eax
	movl %eax, pd(,%ecx,8)
	incl %ecx
	cmpl $512, %ecx
	jne 1b
	movl $pml4, %eax
	movl %eax, %cr3
	movl %cr4, %eax
	orl $0x20, %eax			/* PAE */
	movl %eax, %cr4
	movl $0xc0000080, %ecx		/* EFER.LME */
	rdmsr
	orl $0x100, %eax
	wrmsr
	movl %cr0, %eax
	orl $0x80000001, %eax		/* PG | PE */
	movl %eax, %cr0
	lgdt gdt_desc
	ljmp $0x08, $long_mode

	.code64
long_mode:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movq $stack_top, %rsp
	call main
	movw $0xf4, %dx			/* isa-debug-exit: status (v << 1) | 1 */
	outl %eax, %dx
2:	hlt
	jmp 2b

	.section .data
	.align 16
	.globl gdt
gdt:
	.quad 0
	.quad 0x00af9a000000ffff	/* 0x08: 64-bit code */
	.quad 0x00cf92000000ffff	/* 0x10: data */
gdt_desc:
	.word gdt_desc - gdt - 1
	.long gdt

	.section .bss
	.align 4096
pml4:	.skip 4096
pdpt:	.skip 4096
pd:	.skip 4096
	.skip 16384
stack_top:
