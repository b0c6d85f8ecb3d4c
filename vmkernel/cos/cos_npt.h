/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The COS's nested page table: guest-physical = host-physical for the
 * whole 4 GiB a legacy-PAE nested table can address (APM vol. 2
 * §15.25.5), 2 MiB pages, except the vmkernel's pool chunks, which are
 * left out. A COS access to a left-out page is counted and diverted: its
 * 2 MiB region is pointed at a page table, built at load, whose every
 * entry maps one sink page, so the access completes without reaching
 * vmkernel memory, the COS runs on, and no divert ever needs memory.
 */
#ifndef VMKERNEL_COS_COS_NPT_H
#define VMKERNEL_COS_COS_NPT_H

#include "vmkernel/platform.h"
#include "vmkernel/mm/pae.h"
#include "vmkernel/mm/pool.h"

#define COS_NPT_DEVICES	4	/* the HBA's and the uplink NIC's BAR and ECAM page */

struct cos_npt {
	struct pae_space space;
	struct spinlock lock;
	uint32_t sink_pa;
	uint64_t sink_table_pa;	/* 512 entries, each on sink_pa */
	uint64_t violations;	/* COS #NPFs: diverted or refused */
	/* Devices the vmkernel drives (their BARs): left out in 4 KiB pages. */
	uint32_t ndevices;
	struct {
		uint64_t pa;
		uint32_t len;
	} device[COS_NPT_DEVICES];
};

/* The one table of every COS vCPU (cos_vcpu.c builds it at init). */
extern struct cos_npt cos_npt;

vmk_status_t cos_npt_build(struct cos_npt *n, const struct pae_ops *ops,
			   const struct pool *pool, uint32_t sink_pa);
/*
 * Leave the device pages [pa, pa + len) out of the COS's table, 4 KiB at
 * a time (their 2 MiB region is split; the other pages keep their
 * identity mapping). Once per device (at most COS_NPT_DEVICES, else
 * VMK_NO_CAPACITY), at init, before any COS vCPU runs.
 */
vmk_status_t cos_npt_hide_device(struct cos_npt *n, uint64_t pa, uint32_t len);

/* What a COS #NPF touched. */
enum cos_npt_hit {
	COS_NPT_VMKERNEL,	/* vmkernel memory: its region now maps the sink */
	COS_NPT_DEVICE,		/* the vmkernel's device: that page maps the sink */
	COS_NPT_UNMAPPABLE,	/* beyond the table's 4 GiB: refuse the access */
};

/*
 * A COS #NPF on gpa, counted (*nth: this one's number). Needs no memory:
 * a device page's table exists since cos_npt_hide_device().
 */
enum cos_npt_hit cos_npt_divert(struct cos_npt *n, const struct pool *pool,
				uint64_t gpa, uint64_t *nth);

#endif /* VMKERNEL_COS_COS_NPT_H */
