/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ASIDs for VM vCPUs (APM vol. 2 §15.16), handed out per physical CPU
 * the way KVM's pre_svm_run() does. The TLB tags guest translations,
 * nested ones included, with the ASID only: not with the guest's CR3,
 * the vCPU or the nested table. So an ASID must never carry a
 * translation from one vCPU (or one power-on of a VM, whose RAM went
 * back to the pool) into another without a flush.
 *
 * Each CPU hands its ASIDs out in turn, each at most once per
 * generation; a vCPU keeps its ASID while it stays on that CPU in that
 * generation. When the CPU has handed them all out, it starts a new
 * generation with one full flush (TLB_CONTROL_FLUSH_ALL) and hands them
 * out again. A vCPU that comes from another CPU, is new, or was reset
 * takes the next ASID: one nobody used since the last flush, so it holds
 * no translation. ASID 0 is the host's and COS_ASID the COS's; VMs get
 * the rest. Portable (no instructions): host-tested in
 * tests/unit/vmkernel/test_asid.c.
 */
#ifndef VMKERNEL_ARCH_X86_ASID_H
#define VMKERNEL_ARCH_X86_ASID_H

#include "vmkernel/platform.h"

/* One physical CPU's ASIDs; only that CPU touches it (no lock). */
struct asid_cpu {
	uint32_t first, last;		/* the VMs' ASIDs: [first, last] */
	uint32_t next;			/* handed out next; > last: all taken */
	uint32_t generation;		/* 0: none yet */
};

/* A vCPU's ASID: valid on cpu while generation is that CPU's. */
struct asid_tag {
	uint32_t asid;
	uint32_t cpu;			/* physical CPU + 1; 0: none */
	uint32_t generation;
};

/*
 * nasid is CPUID 8000_000Ah EBX (ASIDs 0 to nasid - 1 exist). The first
 * asid_enter() starts generation 1 with a flush: ASIDs a kernel used
 * before the vmkernel loaded may still hold translations.
 */
void asid_cpu_init(struct asid_cpu *c, uint32_t nasid);

/*
 * Before VMRUN on physical CPU cpu (its struct asid_cpu c): the ASID the
 * vCPU of tag t runs with. True when the TLB must be flushed entirely
 * first (TLB_CONTROL_FLUSH_ALL): a new generation began.
 */
bool asid_enter(struct asid_cpu *c, uint32_t cpu, struct asid_tag *t);

/* The vCPU holds no ASID any more: its next entry takes a fresh one. */
static inline void asid_forget(struct asid_tag *t)
{
	t->cpu = 0;
}

#endif
