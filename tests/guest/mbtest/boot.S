/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mbtest entry: the Multiboot v1 header (Multiboot Specification 0.6.96
 * §3.1), a stack, and the interrupt stubs. The loader enters in 32-bit
 * protected mode with EAX = 0x2BADB002 and EBX = the info structure.
 */
#define MB_MAGIC	0x1badb002
#define MB_FLAGS	0x00000003	/* page-aligned modules, memory info */
#define STACK_SIZE	16384

	.section .multiboot, "a"
	.balign 4
	.long MB_MAGIC
	.long MB_FLAGS
	.long -(MB_MAGIC + MB_FLAGS)

	.text
	.globl mbtest_entry
mbtest_entry:
	cli
	movl $stack_top, %esp
	pushl %ebx		/* info structure */
	pushl %eax		/* loader magic */
	call mbtest_main
1:	cli
	hlt
	jmp 1b

/* IRQ 0 (vector 0x20): count the tick in C, then return. */
	.globl mbtest_timer_stub
mbtest_timer_stub:
	pushal
	cld
	call mbtest_timer_tick
	popal
	iret

/* Every other vector: nothing else is expected to arrive. */
	.globl mbtest_unexpected_stub
mbtest_unexpected_stub:
	cld
	call mbtest_unexpected
	jmp 1b

	.bss
	.balign 16
stack:
	.skip STACK_SIZE
stack_top:
	.section .note.GNU-stack, "", @progbits
