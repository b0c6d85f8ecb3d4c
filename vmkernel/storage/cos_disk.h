/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The COS's disks through the vmkernel (VMK_HC_COS_DISK; docs/storage.md
 * "The COS's disks"): which LUNs the COS has attached, and the checks a
 * request passes before storage.c runs it. The request is the vmkernel's
 * own copy; nothing in it is trusted: a LUN the COS has not attached, one
 * a datastore or a VM uses, blocks past the LUN's end (lba + blocks may
 * wrap), more than the bounce buffer, pieces outside COS memory or
 * straddling a page are refused with a sentence. No globals; the caller
 * holds the storage lock.
 */
#ifndef VMKERNEL_STORAGE_COS_DISK_H
#define VMKERNEL_STORAGE_COS_DISK_H

#include "vmkernel/platform.h"
#include "vmkernel/storage/scan.h"
#include <vmk/hypercall.h>

/* What storage.c knows of the LUN a request names. */
struct cos_disk_lun {
	bool found;			/* listed by the scan */
	bool gone;			/* the last rescan did not find it */
	bool usable;			/* a disk, no error, blocks of 512 bytes */
	uint64_t nr_blocks;
	const char *datastore;		/* a mounted datastore's label, or NULL */
	const char *raw_vm;		/* a VM that maps it raw, or NULL */
};

struct cos_disks {
	struct {
		bool used;
		uint32_t target, lun;
		struct scan_id id;	/* the disk attached: another there is gone */
	} d[VMK_COS_DISK_MAX];
};

/* Is [gpa, gpa + len) COS memory the vmkernel may copy to or from? */
typedef bool (*cos_disk_range_ok)(uint64_t gpa, uint64_t len);

bool cos_disk_attached(const struct cos_disks *c, uint32_t target, uint32_t lun);
/*
 * r (its op, target and lun read) against l and c: true if it may run;
 * else false and why in msg. A READ or WRITE's pieces are checked with
 * range_ok; max_bytes bounds one transfer (the bounce buffer).
 */
bool cos_disk_check(const struct cos_disks *c, const struct vmk_cos_disk *r,
		    const struct cos_disk_lun *l, cos_disk_range_ok range_ok,
		    uint32_t max_bytes, char *msg, uint32_t len);
/* After cos_disk_check(): ATTACH and DETACH change c; false: c is full. */
bool cos_disk_attach(struct cos_disks *c, uint32_t target, uint32_t lun,
		     const struct scan_id *id);
/* The identity of the disk attached at target:lun, or NULL. */
const struct scan_id *cos_disk_id(const struct cos_disks *c, uint32_t target, uint32_t lun);
void cos_disk_detach(struct cos_disks *c, uint32_t target, uint32_t lun);
/* At the give-back: every LUN goes; how many the COS still had. */
uint32_t cos_disk_detach_all(struct cos_disks *c);

#endif /* VMKERNEL_STORAGE_COS_DISK_H */
