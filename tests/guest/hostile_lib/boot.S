/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Entry of the test guests: the Multiboot v1 header (Multiboot Specification
 * 0.6.96 §3.1) and a stack; guest_main(magic, info) never returns.
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
	.globl guest_entry
guest_entry:
	cli
	movl $guest_stack_top, %esp
	pushl %ebx		/* info structure */
	pushl %eax		/* loader magic */
	call guest_main
1:	cli
	hlt
	jmp 1b

	.bss
	.balign 16
	.globl guest_stack_top
guest_stack:
	.skip STACK_SIZE
guest_stack_top:
	.section .note.GNU-stack, "", @progbits
