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

/*
 * A COS disk's ring (struct vmk_cos_disk_ring, in COS memory) as the
 * vmkernel keeps it: where it is and its own indices. Everything in COS
 * memory is read once into vmkernel memory and never trusted: req_prod is
 * read once a look and must be at most DEPTH ahead of req_cons (else the
 * ring is broken and nothing more is taken from it), an entry is copied
 * once, at req_cons masked, before anything of it is looked at.
 */
struct cos_disk_ring {
	uint64_t gpa;			/* 0: none */
	uint32_t req_cons;		/* the next request to take */
	uint32_t rsp_prod;		/* the next response to write */
	uint32_t most_waiting;		/* the most requests found waiting at a take */
	bool broken;
};

/* COS memory as the ring sees it: false if [gpa, gpa + len) is not COS memory. */
struct cos_disk_mem {
	bool (*read)(uint64_t gpa, void *dst, uint32_t len);
	bool (*write)(uint64_t gpa, const void *src, uint32_t len);
};

enum cos_disk_take {
	COS_DISK_EMPTY,			/* nothing new */
	COS_DISK_TAKEN,			/* *out is the next request, the vmkernel's copy */
	COS_DISK_BROKEN,		/* msg says why; the ring is left alone */
};

/* A new ring at gpa (SETUP): nothing taken, nothing answered. */
void cos_disk_ring_init(struct cos_disk_ring *r, uint64_t gpa);
/* The next request of the ring, copied once into *out. */
enum cos_disk_take cos_disk_ring_take(struct cos_disk_ring *r, const struct cos_disk_mem *m,
				      struct vmk_cos_disk_ring_req *out, char *msg, uint32_t len);
/*
 * The request as a VMK_HC_COS_DISK of target:lun, for cos_disk_check():
 * false (msg says why) for an op a ring may not carry (only READ, WRITE
 * and FLUSH) or more pieces than there are.
 */
bool cos_disk_ring_req(const struct vmk_cos_disk_ring_req *q, uint32_t target, uint32_t lun,
		       struct vmk_cos_disk *out, char *msg, uint32_t len);
/*
 * The response of request id at rsp_prod, then rsp_prod moved: true if
 * the COS asked for the doorbell (rsp_event passed). False too when the
 * ring is not COS memory any more (r->broken then).
 */
bool cos_disk_ring_answer(struct cos_disk_ring *r, const struct cos_disk_mem *m, uint64_t id,
			  vmk_status_t status, const char *msg);
/*
 * Nothing left: req_event set to req_cons + 1 (the COS kicks at the next
 * request), then req_prod read again: true if a request came meanwhile
 * (take it: the COS may not have kicked).
 */
bool cos_disk_ring_sleep(struct cos_disk_ring *r, const struct cos_disk_mem *m);
/* The doorbell the COS asks for now: true with a device vector and an APIC ID. */
bool cos_disk_ring_bell(const struct cos_disk_ring *r, const struct cos_disk_mem *m,
			uint8_t *vector, uint8_t *apic_id);

#endif /* VMKERNEL_STORAGE_COS_DISK_H */
