/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Raw device mappings: a LUN of the vmkernel's HBA as the backend of a
 * VM's virtual SCSI disk (vmm/scsi/disk.h), and the claims that keep
 * two VMs from opening one LUN read-write (docs/storage.md, "VM disks").
 *
 * The disk model has checked the CDB, the LBA range against the disk's
 * size and the transfer against the guest's buffer before a backend call;
 * the backend checks the range again against the LUN (a second fence,
 * never trusted to the caller), moves the data through a bounce buffer of
 * vmkernel memory and copies it to and from the guest only with
 * scsi_cmd_put()/get(), which bound every access by the guest's SG list.
 * A VM's direct pieces (vmkernel/vm/disk_pieces.h, rdm_rw_sg()) give the
 * adapter host ranges of the guest's RAM, resolved and checked by the
 * vmkernel; never a guest address.
 *
 * Synchronous: each call runs the physical commands to their end before
 * it returns (the adapter is polled). No globals, no allocation; the
 * caller serialises calls on one struct rdm (the VM's lock).
 */
#ifndef VMKERNEL_STORAGE_RDM_H
#define VMKERNEL_STORAGE_RDM_H

#include "vmkernel/platform.h"
#include "vmm/scsi/disk.h"
#include <vmk/vm.h>

#define RDM_NAME_LEN	32	/* "vmhba0:C0:T15:L7" and the NUL, with room */
#define RDM_MAX_CLAIMS	16	/* LUNs open by VMs at once */

/* How a physical command ended, for the backend. */
enum rdm_io_status {
	RDM_IO_OK = 0,
	RDM_IO_ERROR,		/* the device or the adapter failed it */
	RDM_IO_UNRESPONSIVE,	/* the LUN or the adapter does not answer (lun_io.h) */
};

struct storage_sg;

/*
 * The physical side: nr blocks at lba of the LUN to or from the bounce
 * buffer at physical address pa, and a cache flush; both run to the end.
 * rw_sg (NULL: none) is rw to or from nr_sg physical ranges that hold
 * nr blocks together (a VM's own pages, at most STORAGE_SG_MAX ranges).
 */
struct rdm_io_ops {
	enum rdm_io_status (*rw)(void *ctx, bool write, uint64_t lba,
				 uint32_t nr, uint64_t pa);
	enum rdm_io_status (*flush)(void *ctx);
	enum rdm_io_status (*rw_sg)(void *ctx, bool write, uint64_t lba, uint32_t nr,
				    const struct storage_sg *sg, uint32_t nr_sg);
};

struct rdm {
	const struct rdm_io_ops *io;
	void *io_ctx;
	uint64_t nr_blocks;		/* the LUN's, in SCSI_BLOCK_SIZE blocks */
	uint8_t *bounce;		/* vmkernel memory the adapter reaches */
	uint64_t bounce_pa;
	uint32_t bounce_blocks;		/* its size, in blocks; at least 1 */
	/* counters */
	uint64_t reads, writes, flushes;	/* backend requests */
	uint64_t blocks_read, blocks_written;
	uint64_t io_errors;		/* physical commands that failed */
	uint64_t unresponsive;		/* of them: the LUN did not answer */
	uint64_t range_refused;		/* requests past the LUN's end */
};

/*
 * One piece of n blocks at lba between the LUN and vmkernel memory at pa
 * (the adapter reaches it), or a flush; a failure counted in r. For a
 * caller that moves the data itself (vm_disk.c's storage world requests).
 */
enum scsi_backend_status rdm_rw(struct rdm *r, bool write, uint64_t lba,
				uint32_t n, uint64_t pa);
/* The same with the data in nr_sg physical ranges (rdm_io_ops.rw_sg; none: IO_ERROR). */
enum scsi_backend_status rdm_rw_sg(struct rdm *r, bool write, uint64_t lba, uint32_t n,
				   const struct storage_sg *sg, uint32_t nr_sg);
enum scsi_backend_status rdm_sync(struct rdm *r);

/* A backend for scsi_disk_init() over r (read-write, not thin). */
void rdm_backend(struct rdm *r, struct scsi_backend *be);

/*
 * A LUN's name as `vmkctl storage luns` prints it, vmhba0:C0:T<t>:L<l>,
 * into target and LUN (decimal, no leading zeros, no sign; target below
 * 256, LUN below 256). false: not such a name.
 */
bool rdm_parse_name(const char *name, uint32_t *target, uint32_t *lun);
/*
 * The disk of cfg (scsi0:N, N 0..3) that maps target:lun raw, or -1: a
 * VM's LUN whether it runs or not (a VM the vmkernel holds powered off
 * keeps its config), so that nothing mounts it as a datastore meanwhile.
 */
int rdm_cfg_disk(const struct vmk_vm_config *cfg, uint32_t target, uint32_t lun);

/* Who holds which LUN read-write. */
struct rdm_claims {
	struct {
		bool used;
		uint32_t target, lun;
		uint32_t owner;			/* a VM id */
		char owner_name[RDM_NAME_LEN];	/* for refusals */
	} c[RDM_MAX_CLAIMS];
};

enum rdm_claim_status {
	RDM_CLAIM_OK = 0,
	RDM_CLAIM_BUSY,		/* another owner holds it: *holder names it */
	RDM_CLAIM_FULL,		/* RDM_MAX_CLAIMS LUNs are open */
};

/*
 * Claim target:lun for owner. The same owner claiming again is refused
 * as BUSY too (one VM, two disks on one LUN would be two writers).
 */
enum rdm_claim_status rdm_claim(struct rdm_claims *cl, uint32_t target,
				uint32_t lun, uint32_t owner,
				const char *owner_name, const char **holder);
/* The name of the owner holding target:lun, or NULL. */
const char *rdm_holder(const struct rdm_claims *cl, uint32_t target, uint32_t lun);
/* Give back owner's claim of target:lun (no claim: nothing happens). */
void rdm_release(struct rdm_claims *cl, uint32_t target, uint32_t lun,
		 uint32_t owner);

#endif /* VMKERNEL_STORAGE_RDM_H */
