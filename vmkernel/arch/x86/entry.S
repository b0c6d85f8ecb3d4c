/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vmkernel entry, the world switch (VMRUN) of every world, and exception stubs.
 * 32-bit protected mode, PAE paging on the vmkernel's own page tables.
 */
#include "vmkernel/core/vmkernel_asm.h"

	.text

/*
 * vmk_entry: the loader's trampoline jumps here right after loading the
 * vmkernel's CR3. EAX = physical (= identity-mapped) address of this
 * CPU's struct vmk_launch. Interrupts are off; Linux's stack, GDT and IDT
 * are still loaded but not mapped, so switch stacks before anything else.
 */
	.globl vmk_entry
	.type vmk_entry, @function
vmk_entry:
	movl	VMK_LAUNCH_CPU(%eax), %ecx
	cmpl	$VMK_MAX_CPUS, %ecx
	jae	1f
	incl	%ecx
	shll	$CPU_STACK_SHIFT, %ecx
	leal	cpu_stacks(%ecx), %esp
	xorl	%ebp, %ebp
	pushl	%eax
	call	cpu_entry
1:	cli
	hlt
	jmp	1b
	.size vmk_entry, . - vmk_entry

/*
 * void svm_vcpu_run(struct svm_vcpu *v): one VMRUN of any world (the
 * COS's or a VM's vCPU; svm_world_switch() is the only caller) and back.
 * VMRUN/#VMEXIT switch only part of the state (APM vol. 2 §15.5): the
 * guest's FS, GS, TR, LDTR and syscall MSRs are loaded with VMLOAD and
 * saved with VMSAVE around VMRUN, the host's are reloaded with VMLOAD;
 * general registers other than EAX and ESP are kept in the svm_vcpu.
 */
	.globl svm_vcpu_run
	.type svm_vcpu_run, @function
svm_vcpu_run:
	pushl	%ebp
	pushl	%ebx
	pushl	%esi
	pushl	%edi
	movl	20(%esp), %ecx
	pushl	%ecx
	movl	SVCPU_VMCB_PA(%ecx), %eax
	movl	SVCPU_EBX(%ecx), %ebx
	movl	SVCPU_EDX(%ecx), %edx
	movl	SVCPU_ESI(%ecx), %esi
	movl	SVCPU_EDI(%ecx), %edi
	movl	SVCPU_EBP(%ecx), %ebp
	movl	SVCPU_ECX(%ecx), %ecx
	/*
	 * Host IF=1 at VMRUN: with V_INTR_MASKING it is what lets physical
	 * interrupts exit from the guest (§15.21.1); the LAPIC's TPR holds
	 * back those that must wait (cos_intr.c). GIF is 0 here and after
	 * the #VMEXIT, so none reaches the host before the CLI.
	 * The STI's shadow ends before VMRUN, on the VMLOAD: QEMU's TCG
	 * (7.2, the lab) carries a host's shadow into the guest (its VMRUN
	 * neither clears it nor loads the VMCB's INTERRUPT_SHADOW), and a
	 * guest whose first instruction is STI then has no shadow of its
	 * own: the interrupt came before the HLT after it (kvm-unit-tests'
	 * realmode, "sti inhibit"), which hardware never does.
	 */
	sti
	vmload	%eax
	vmrun	%eax
	.globl svm_vmrun_return
svm_vmrun_return:
	cli
	vmsave	%eax
	pushl	%ecx
	movl	4(%esp), %ecx
	popl	SVCPU_ECX(%ecx)
	movl	%ebx, SVCPU_EBX(%ecx)
	movl	%edx, SVCPU_EDX(%ecx)
	movl	%esi, SVCPU_ESI(%ecx)
	movl	%edi, SVCPU_EDI(%ecx)
	movl	%ebp, SVCPU_EBP(%ecx)
	movl	SVCPU_HOST_AREA_PA(%ecx), %eax
	vmload	%eax
	popl	%ecx
	popl	%edi
	popl	%esi
	popl	%ebx
	popl	%ebp
	ret
	.size svm_vcpu_run, . - svm_vcpu_run

/*
 * Exception stubs, 16 bytes each (desc.c computes their addresses).
 * Vectors 8, 10-14, 17, 21, 29, 30 push an error code (APM vol. 2 §8.2);
 * the others push a zero in its place.
 */
	.macro EXC_STUB vec
	.balign 16
	.if (\vec == 8) || ((\vec >= 10) && (\vec <= 14)) || (\vec == 17) || (\vec == 21) || (\vec == 29) || (\vec == 30)
	.else
	pushl	$0
	.endif
	pushl	$\vec
	jmp	exc_common
	.endm

	.balign 16
	.globl exc_stubs
exc_stubs:
	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	EXC_STUB \v
	.endr

exc_common:
	pushal
	movl	%esp, %eax
	pushl	%eax
	call	exc_dispatch
2:	cli
	hlt
	jmp	2b

/*
 * Interrupt stubs, 16 bytes each, one per vector (desc.c installs those for
 * NMI and 0x20-0xff): push the vector, call intr_dispatch(vector) with the
 * general registers saved, return to the interrupted code. The vmkernel
 * takes interrupts only at CPL0 on its own stack (no stack switch).
 * Interrupts and NMIs come in only in a window with GIF=1 (intr.c), and
 * IF=0 in the handler does not hold an NMI back: the handler runs with
 * GIF=0, else an NMI arriving while intr_dispatch() holds the scheduler's
 * lock would spin on that lock for ever (seen in the lab: CPU 0 stuck in
 * sched_wake() under cos_intr_take(NMI) under sched_vmkernel_interrupt()).
 * An NMI before the CLGI or after the STGI finds no lock held.
 */
	.balign 16
	.globl intr_stubs
intr_stubs:
	.set vec, 0
	.rept 256
	.balign 16
	pushl	$vec
	jmp	intr_common
	.set vec, vec + 1
	.endr

intr_common:
	clgi		/* no NMI inside the handler: it takes locks (below) */
	pushal
	cld
	pushl	32(%esp)		/* the vector */
	call	intr_dispatch
	addl	$4, %esp
	popal
	addl	$4, %esp
	stgi		/* as it came in: only GIF=1 lets an interrupt in (§15.17) */
	iret

	.section .note.GNU-stack, "", @progbits
