/* SPDX-License-Identifier: GPL-2.0-only */
/* The VMCB, APM vol. 2 appendix B (layout) and §15.5-15.21 (semantics). */
#ifndef VMKERNEL_ARCH_X86_VMCB_H
#define VMKERNEL_ARCH_X86_VMCB_H

#include "vmkernel/platform.h"

/* CR intercepts (offset 0x00): writes are bits 16-31, table B-1. */
#define INTERCEPT_CR4_WRITE	(1u << (16 + 4))
/* Intercept word 3 (offset 0x0c), APM vol. 2 table B-1. */
#define INTERCEPT_INTR		(1u << 0)
#define INTERCEPT_NMI		(1u << 1)
#define INTERCEPT_VINTR		(1u << 4)
#define INTERCEPT_RDPMC		(1u << 15)
#define INTERCEPT_CPUID		(1u << 18)
#define INTERCEPT_IRET		(1u << 20)
#define INTERCEPT_INVD		(1u << 22)
#define INTERCEPT_HLT		(1u << 24)
#define INTERCEPT_INVLPGA	(1u << 26)
#define INTERCEPT_IOIO_PROT	(1u << 27)
#define INTERCEPT_MSR_PROT	(1u << 28)
#define INTERCEPT_SHUTDOWN	(1u << 31)
/* Intercept word 4 (offset 0x10). VMRUN must be intercepted (§15.5.1). */
#define INTERCEPT_VMRUN		(1u << 0)
#define INTERCEPT_VMMCALL	(1u << 1)
#define INTERCEPT_VMLOAD	(1u << 2)
#define INTERCEPT_VMSAVE	(1u << 3)
#define INTERCEPT_STGI		(1u << 4)
#define INTERCEPT_CLGI		(1u << 5)
#define INTERCEPT_SKINIT	(1u << 6)
#define INTERCEPT_WBINVD	(1u << 9)
#define INTERCEPT_MONITOR	(1u << 10)
#define INTERCEPT_MWAIT		(1u << 11)
#define INTERCEPT_XSETBV	(1u << 13)

/* Exit codes, APM vol. 2 appendix C. */
#define SVM_EXIT_WRITE_CR4	0x014		/* MOV to CR4 intercepted */
#define SVM_EXIT_READ_DR0	0x020		/* + n: MOV from DRn, §15.8 */
#define SVM_EXIT_WRITE_DR0	0x030		/* + n: MOV to DRn */
#define SVM_EXIT_EXCP_DB	0x041		/* exception 1 intercepted */
#define SVM_EXIT_INTR		0x060
#define SVM_EXIT_NMI		0x061
#define SVM_EXIT_VINTR		0x064
#define SVM_EXIT_RDPMC		0x06f
#define SVM_EXIT_CPUID		0x072
#define SVM_EXIT_IRET		0x074
#define SVM_EXIT_INVD		0x076
#define SVM_EXIT_HLT		0x078
#define SVM_EXIT_INVLPGA	0x07a
#define SVM_EXIT_IOIO		0x07b
#define SVM_EXIT_MSR		0x07c
#define SVM_EXIT_SHUTDOWN	0x07f
#define SVM_EXIT_VMRUN		0x080
#define SVM_EXIT_VMMCALL	0x081
#define SVM_EXIT_VMLOAD		0x082
#define SVM_EXIT_VMSAVE		0x083
#define SVM_EXIT_STGI		0x084
#define SVM_EXIT_CLGI		0x085
#define SVM_EXIT_SKINIT		0x086
#define SVM_EXIT_WBINVD		0x089
#define SVM_EXIT_MONITOR	0x08a
#define SVM_EXIT_MWAIT		0x08b
#define SVM_EXIT_XSETBV		0x08d
#define SVM_EXIT_NPF		0x400
#define SVM_EXIT_INVALID	0xffffffffu	/* VMRUN refused the state */

/* EVENTINJ / EXITINTINFO, §15.20. */
#define EVENT_TYPE_INTR		(0u << 8)
#define EVENT_TYPE_NMI		(2u << 8)
#define EVENT_TYPE_EXCEPTION	(3u << 8)
#define EVENT_ERROR_VALID	(1u << 11)
#define EVENT_VALID		(1u << 31)

#define NP_ENABLE		(1ull << 0)	/* §15.25.3 */

/* V_INTR fields of int_ctl (VMCB 0x60), §15.21. */
#define V_IRQ			(1ull << 8)
#define V_INTR_PRIO_SHIFT	16
#define V_IGN_TPR		(1ull << 20)
#define V_INTR_MASKING		(1ull << 24)
#define INT_STATE_SHADOW	(1ull << 0)	/* int_state: interrupt shadow */
#define TLB_CONTROL_FLUSH_ALL	1		/* §15.16.1 */

/* IOIO EXITINFO1, §15.10.2. */
#define IOIO_TYPE_IN		(1u << 0)
#define IOIO_STR		(1u << 2)
#define IOIO_REP		(1u << 3)
#define IOIO_SZ_SHIFT		4		/* bits 4-6: 1, 2, 4 bytes */
#define IOIO_PORT_SHIFT		16
#define COS_ASID		1		/* ASID 0 is the host's, §15.16 */

/* Sizes of the permission maps, §15.10-15.11. */
#define IOPM_PAGES		3
#define MSRPM_PAGES		2

struct vmcb_seg {
	uint16_t sel;
	uint16_t attr;		/* descriptor bits 47:40 and 55:52, §15.5.1 */
	uint32_t limit;
	uint64_t base;
} __attribute__((packed));

struct vmcb {
	/* control area */
	uint32_t intercept_cr;		/* 0x000 */
	uint32_t intercept_dr;		/* 0x004 */
	uint32_t intercept_exc;		/* 0x008 */
	uint32_t intercept3;		/* 0x00c */
	uint32_t intercept4;		/* 0x010 */
	uint8_t rsvd0[0x40 - 0x14];
	uint64_t iopm_pa;		/* 0x040 */
	uint64_t msrpm_pa;		/* 0x048 */
	uint64_t tsc_offset;		/* 0x050 */
	uint32_t asid;			/* 0x058 */
	uint32_t tlb_ctl;		/* 0x05c */
	uint64_t int_ctl;		/* 0x060 */
	uint64_t int_state;		/* 0x068 */
	uint32_t exit_code;		/* 0x070 */
	uint32_t exit_code_hi;
	uint64_t exit_info1;		/* 0x078 */
	uint64_t exit_info2;		/* 0x080 */
	uint32_t exit_int_info;		/* 0x088 */
	uint32_t exit_int_info_err;
	uint64_t np_ctl;		/* 0x090 */
	uint8_t rsvd1[0xa8 - 0x98];
	uint32_t event_inj;		/* 0x0a8 */
	uint32_t event_inj_err;
	uint64_t ncr3;			/* 0x0b0 */
	uint64_t virt_ext;		/* 0x0b8 */
	uint32_t clean;			/* 0x0c0 */
	uint32_t rsvd2;
	uint64_t next_rip;		/* 0x0c8 */
	uint8_t rsvd3[0x400 - 0xd0];
	/* state save area */
	struct vmcb_seg es, cs, ss, ds, fs, gs;	/* 0x400 */
	struct vmcb_seg gdtr, ldtr, idtr, tr;	/* 0x460 */
	uint8_t rsvd4[0x4cb - 0x4a0];
	uint8_t cpl;			/* 0x4cb */
	uint32_t rsvd5;
	uint64_t efer;			/* 0x4d0 */
	uint8_t rsvd6[0x548 - 0x4d8];
	uint64_t cr4;			/* 0x548 */
	uint64_t cr3;
	uint64_t cr0;
	uint64_t dr7;
	uint64_t dr6;
	uint64_t rflags;
	uint64_t rip;			/* 0x578 */
	uint8_t rsvd7[0x5d8 - 0x580];
	uint64_t rsp;			/* 0x5d8 */
	uint8_t rsvd8[0x5f8 - 0x5e0];
	uint64_t rax;			/* 0x5f8 */
	uint64_t star, lstar, cstar, sfmask, kernel_gs_base;
	uint64_t sysenter_cs, sysenter_esp, sysenter_eip;
	uint64_t cr2;			/* 0x640 */
	uint8_t rsvd9[0x668 - 0x648];
	uint64_t g_pat;			/* 0x668 */
	uint8_t rsvd10[0x1000 - 0x670];
} __attribute__((packed));

_Static_assert(__builtin_offsetof(struct vmcb, exit_code) == 0x70, "vmcb");
_Static_assert(__builtin_offsetof(struct vmcb, ncr3) == 0xb0, "vmcb");
_Static_assert(__builtin_offsetof(struct vmcb, es) == 0x400, "vmcb");
_Static_assert(__builtin_offsetof(struct vmcb, cpl) == 0x4cb, "vmcb");
_Static_assert(__builtin_offsetof(struct vmcb, efer) == 0x4d0, "vmcb");
_Static_assert(__builtin_offsetof(struct vmcb, rip) == 0x578, "vmcb");
_Static_assert(__builtin_offsetof(struct vmcb, rax) == 0x5f8, "vmcb");
_Static_assert(__builtin_offsetof(struct vmcb, cr2) == 0x640, "vmcb");
_Static_assert(__builtin_offsetof(struct vmcb, g_pat) == 0x668, "vmcb");
_Static_assert(sizeof(struct vmcb) == 0x1000, "vmcb");
_Static_assert(__builtin_offsetof(struct vmcb, es) == 0x400, "vmcb");

#endif /* VMKERNEL_ARCH_X86_VMCB_H */
