/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The trampoline page: the only code mapped at the same address in Linux's
 * page tables and in the vmkernel's (loader-module/memory.c maps it), so
 * the CR3 switch in both directions happens here. Must stay in one page.
 */
#include <linux/linkage.h>
#include <vmk/abi.h>

/* MSRs, AMD APM vol. 2 appendix A. */
#define MSR_EFER		0xc0000080
#define MSR_VM_HSAVE_PA		0xc0010117

	.section .text.vmk_tramp, "ax"
	.balign 4096
SYM_CODE_START(vmk_tramp_start)

/*
 * int vmk_launch(struct vmk_launch *l)   (regparm: l in EAX)
 * Saves what the COS will resume with, switches to the vmkernel's page
 * tables and enters it. Returns twice-removed: as the COS (a guest now,
 * VMRUN resumes at .Lresume with EAX = VMK_OK) or natively through
 * vmk_tramp_exit with EAX = the vmkernel's status.
 */
SYM_FUNC_START(vmk_launch)
	pushl	%ebp
	pushl	%ebx
	pushl	%esi
	pushl	%edi
	pushfl
	cli
	/*
	 * GIF=0 before the CR3 switch (launch_cpu set EFER.SVME, which CLGI
	 * needs): from the switch until the vmkernel's lidt, Linux's IDT
	 * names code the vmkernel's tables do not map, and an NMI there
	 * would triple-fault. It stays pending until the vmkernel's first
	 * interrupt window; the vmkernel runs with GIF=0 anyway.
	 */
	clgi
	movl	%esp, VMK_LAUNCH_ESP(%eax)
	movl	$.Lresume, VMK_LAUNCH_EIP(%eax)
	pushfl
	popl	VMK_LAUNCH_EFLAGS(%eax)
	movl	VMK_LAUNCH_VMK_ENTRY(%eax), %ebx
	movl	VMK_LAUNCH_VMK_CR3(%eax), %ecx
	movl	VMK_LAUNCH_SELF_PA(%eax), %eax
	movl	%ecx, %cr3
	jmp	*%ebx
.Lresume:
	popfl
	popl	%edi
	popl	%esi
	popl	%ebx
	popl	%ebp
	RET
SYM_FUNC_END(vmk_launch)

/*
 * vmk_tramp_exit: the vmkernel hands a CPU back (APM vol. 2 §15.5; order
 * from docs/architecture.md). EAX = COS VMCB (0: SVM never enabled),
 * ECX = COS CR3, EDX = launch record (Linux VA), holding the COS state.
 */
SYM_CODE_START(vmk_tramp_exit)
	movl	%ecx, %cr3
	movl	%edx, %ebp
	lgdt	VMK_LAUNCH_GDTR(%ebp)
	lidt	VMK_LAUNCH_IDTR(%ebp)
	testl	%eax, %eax
	jz	1f
	vmload	%eax			/* COS FS, GS, TR, LDTR, syscall MSRs */
	movl	$MSR_VM_HSAVE_PA, %ecx
	xorl	%eax, %eax
	xorl	%edx, %edx
	wrmsr
	/*
	 * GIF back to 1 (vmk_launch cleared it, #VMEXIT each time) before
	 * SVME goes: STGI #UDs without it. Linux's IDT is loaded by now.
	 */
1:	stgi
	movl	$MSR_EFER, %ecx		/* the COS's EFER, SVME clear */
	movl	VMK_LAUNCH_EFER(%ebp), %eax
	movl	VMK_LAUNCH_EFER+4(%ebp), %edx
	wrmsr
	movl	VMK_LAUNCH_CR4(%ebp), %eax
	movl	%eax, %cr4
	movl	VMK_LAUNCH_CR0(%ebp), %eax
	movl	%eax, %cr0
	movl	VMK_LAUNCH_CR2(%ebp), %eax
	movl	%eax, %cr2
	movl	VMK_LAUNCH_DS(%ebp), %eax
	movl	%eax, %ds
	movl	VMK_LAUNCH_ES(%ebp), %eax
	movl	%eax, %es
	cmpl	$0, VMK_LAUNCH_USER_FRAME(%ebp)
	jne	2f
	movl	VMK_LAUNCH_SS(%ebp), %eax	/* kernel mode: iret frame */
	movl	%eax, %ss			/* on the COS's own stack */
	movl	VMK_LAUNCH_ESP(%ebp), %esp
	pushl	VMK_LAUNCH_EFLAGS(%ebp)
	pushl	VMK_LAUNCH_CS(%ebp)
	pushl	VMK_LAUNCH_EIP(%ebp)
	jmp	3f
2:	leal	VMK_LAUNCH_FRAME(%ebp), %esp	/* user mode: frame with SS:ESP */
3:	movl	VMK_LAUNCH_EAX(%ebp), %eax
	movl	VMK_LAUNCH_EBX(%ebp), %ebx
	movl	VMK_LAUNCH_ECX(%ebp), %ecx
	movl	VMK_LAUNCH_EDX(%ebp), %edx
	movl	VMK_LAUNCH_ESI(%ebp), %esi
	movl	VMK_LAUNCH_EDI(%ebp), %edi
	movl	VMK_LAUNCH_EBP(%ebp), %ebp
	iret
SYM_CODE_END(vmk_tramp_exit)

SYM_CODE_END(vmk_tramp_start)
SYM_CODE_START(vmk_tramp_end)	/* load() checks that the page holds it all */
SYM_CODE_END(vmk_tramp_end)
