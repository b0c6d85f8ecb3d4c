/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The COS's nested page table: guest-physical = host-physical for the
 * whole 4 GiB a legacy-PAE nested table can address (APM vol. 2
 * §15.25.5), 2 MiB pages, except the vmkernel's pool chunks, which are
 * left out. A COS access to a left-out page is counted and diverted: the
 * 4 KiB page is mapped onto a sink page, so the access completes without
 * reaching vmkernel memory and the COS runs on.
 */
#ifndef VMKERNEL_COS_COS_NPT_H
#define VMKERNEL_COS_COS_NPT_H

#include "vmkernel/platform.h"
#include "vmkernel/mm/pae.h"
#include "vmkernel/mm/pool.h"

struct cos_npt {
	struct pae_space space;
	struct spinlock lock;
	uint32_t sink_pa;
	uint64_t violations;
};

/* The one table of every COS vCPU (cos_vcpu.c builds it at init). */
extern struct cos_npt cos_npt;

vmk_status_t cos_npt_build(struct cos_npt *n, const struct pae_ops *ops,
			   const struct pool *pool, uint32_t sink_pa);
/* #NPF on gpa: VMK_OK if it was vmkernel memory (now diverted). */
vmk_status_t cos_npt_divert(struct cos_npt *n, const struct pool *pool,
			    uint64_t gpa);

#endif /* VMKERNEL_COS_COS_NPT_H */
