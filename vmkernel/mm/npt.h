/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The COS's nested page table: guest-physical = host-physical for the
 * whole 4 GiB a legacy-PAE nested table can address (APM vol. 2
 * §15.25.5), 2 MiB pages, except the vmkernel's pool chunks, which are
 * left out. A COS access to a left-out page is counted and diverted: the
 * 4 KiB page is mapped onto a sink page, so the access completes without
 * reaching vmkernel memory and the COS runs on.
 */
#ifndef VMKERNEL_MM_NPT_H
#define VMKERNEL_MM_NPT_H

#include "vmkernel/platform.h"
#include "vmkernel/mm/pae.h"
#include "vmkernel/mm/pool.h"

/* Nested walks are user accesses: every level needs U/S (§15.25.5). */
#define NPT_RAM_FLAGS	(PAE_RW | PAE_US)

struct npt {
	struct pae_space space;
	struct spinlock lock;
	uint32_t sink_pa;
	uint64_t violations;
};

vmk_status_t npt_build(struct npt *n, const struct pae_ops *ops,
		       const struct pool *pool, uint32_t sink_pa);
/* #NPF on gpa: VMK_OK if it was vmkernel memory (now diverted). */
vmk_status_t npt_divert(struct npt *n, const struct pool *pool, uint64_t gpa);

#endif /* VMKERNEL_MM_NPT_H */
