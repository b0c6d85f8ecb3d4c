/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The COS world kind: one vCPU per physical CPU, pinned, built from the
 * Linux that loaded the vmkernel (cos_vcpu.c: its VMCB, run loop, exits,
 * hypercall entry and the give-back to native Linux). Beside it:
 * cos_intr.c (the COS's interrupts), cos_timer.c (its LAPIC timer while
 * another world has the CPU), cos_npt.c (its nested page table),
 * cos_mem.c/cos_copy.c (COS memory named by hypercalls).
 */
#ifndef VMKERNEL_COS_COS_H
#define VMKERNEL_COS_COS_H

#include "vmkernel/core/vmkernel.h"
#include "vmkernel/core/world.h"
#include "vmkernel/arch/x86/svm_vcpu.h"

/* VMCB state save area from ES (0x400) up to and including CR2 (0x640). */
#define COS_SAVE_OFF		0x400
#define COS_SAVE_LEN		(0x648 - COS_SAVE_OFF)

/* The COS's vCPU on one physical CPU. */
struct cos_vcpu {
	struct svm_vcpu svm;
	struct vmk_launch *launch;	/* what Linux handed over, and gets back */
	/* Copied at entry, while the COS is stopped: the launch record is COS
	 * memory, so give-back never reads back what it jumps with. */
	uint32_t launch_va;		/* the record's Linux address */
	uint32_t launch_cr3;		/* Linux's CR3 at entry */
	uint32_t cpu;
	bool svm_on;			/* EFER.SVME set on this CPU */
	bool cos_saved;			/* VMCB holds the COS FS/GS/TR/LDTR */
	bool launched;			/* a VMRUN reached the COS */
	bool panicking;
	bool in_exit;			/* handling an exit of the COS */
	uint64_t exits[VMK_EXIT_KINDS];
	uint64_t exits_total;
	uint64_t user_vmmcalls;		/* refused: VMMCALL at CPL > 0 */
	uint64_t msr_writes_refused;	/* cos_msr_write() said no */
	uint32_t pci_address;		/* its PCI address register (cos_pci.h) */
	/* The COS's save area as of its last VMRUN (cos_run, cpu_give_back). */
	uint8_t entry_save[COS_SAVE_LEN];
};

extern struct cos_vcpu cos_vcpus[VMK_MAX_CPUS];

/* Global resources of the COS (nested table, permission maps); CPU 0 at init. */
vmk_status_t cos_global_init(void);
/*
 * The COS's configuration cycles to bdf (the device the vmkernel took)
 * read all ones and write nothing: 0xCF8 and the data ports 0xCFC-0xCFF
 * exit from now on (cos_pci.h), and bdf's page of the CPU's ECAM window,
 * if it has one, is cut from the COS's nested table. CPU 0 during init,
 * before the COS vCPUs' VMCBs are set up. NULL, or why it cannot.
 */
const char *cos_pci_hide(uint32_t bdf);
/* Enables SVM on this CPU and builds the COS VMCB from the launch record. */
vmk_status_t cos_vcpu_init(struct cos_vcpu *v);
/* The COS vCPU world's run function (priv: its struct cos_vcpu). */
extern const struct world_ops cos_world_ops;

/*
 * After a panic: hands this CPU back. Inside the COS's exit handling, a
 * pending hypercall returns VMK_PANICKED and any other exiting instruction
 * is not completed (the COS executes it again natively); a COS vCPU that
 * was off the CPU resumes where it was.
 */
void cos_give_back_panicked(struct cos_vcpu *v) __attribute__((noreturn));

/* Hands this CPU back to the COS (native), EAX = st. */
void cpu_give_back(struct cos_vcpu *v, vmk_status_t st) __attribute__((noreturn));
/* The same, the COS's own EAX kept (it was not in a hypercall). */
void cpu_resume_cos(struct cos_vcpu *v) __attribute__((noreturn));

#endif /* VMKERNEL_COS_COS_H */
