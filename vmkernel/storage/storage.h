/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The vmkernel's physical storage: at load it finds the PVSCSI HBA on the
 * PCI buses, checks its register BAR, takes it from the COS (its BAR
 * left out of the COS's nested table), drives it with pvscsi_hba.c and
 * scans its LUNs with scan.c; at give-back it resets the adapter and
 * turns its bus mastering off so Linux can probe it again. No interrupts
 * yet: every command is polled to its end by its caller (the scan at
 * load, the debug read), the device's INTx is disabled. docs/storage.md.
 */
#ifndef VMKERNEL_STORAGE_STORAGE_H
#define VMKERNEL_STORAGE_STORAGE_H

#include "vmkernel/platform.h"
#include "vmkernel/lib/why.h"
#include "vmkernel/storage/scan.h"
#include "vmkernel/storage/disk_sched.h"
#include <vmk/hypercall.h>

/*
 * CPU 0 at init, after the COS's nested table is built. Never fails the
 * load: an HBA refused or failed is reported by storage_list_fill() and
 * the log, with the sentence why.
 */
void storage_global_init(void);
/*
 * VMK_HC_STORAGE_LIST: the adapter and its LUNs (l->nluns); VMK_BUSY
 * with l->msg when the storage lock stayed held (storage.c's top).
 */
vmk_status_t storage_list_fill(struct vmk_storage_list *l);
/*
 * VMK_HC_STORAGE_RESCAN: scan the adapter again and merge the result
 * into the list; r says what changed, r->msg why it failed (VMK_BUSY:
 * another rescan runs, the adapter went back to the COS meanwhile, or
 * VM I/O held the storage lock until the scan's deadline).
 */
vmk_status_t storage_rescan(struct vmk_storage_rescan *r);
/*
 * VMK_HC_STORAGE_READ: r's in fields checked; r->msg says why on failure
 * (VMK_BUSY: the storage lock stayed held, nothing sent).
 */
vmk_status_t storage_read(struct vmk_storage_read *r);
/*
 * VMK_HC_COS_DISK: r (the vmkernel's copy) checked (cos_disk.h) and run
 * under the storage lock, the data through the datastores' bounce
 * buffer; r->msg says why not (VMK_BUSY: the lock stayed held, nothing
 * done). ATTACH answers r->nr_blocks and r->block_size.
 */
struct vmk_cos_disk;
vmk_status_t storage_cos_disk(struct vmk_cos_disk *r);
/*
 * VM disks (raw device mappings, rdm.h): a LUN named as `vmkctl storage
 * luns` names it, claimed read-write by one VM. The I/O is polled to its
 * end under the storage lock, from the vCPU that asked, in its turn by
 * the disk's shares (ref->flow, set by the caller; docs/storage.md):
 * for a hung LUN at most LUN_IO_HOLD_MAX_MS once, then its I/O fails at
 * once (NOT READY) until a probe is answered (lun_io.h).
 */
struct storage_lun_ref {
	uint32_t target, lun;
	uint64_t nr_blocks;		/* of 512 bytes */
	struct scan_id id;		/* the disk opened: another there is gone */
	struct dsched_flow flow;	/* a VM's disk: its shares of the LUN */
};
/*
 * Claim the LUN for owner; why says why not (VMK_BUSY: in
 * use, or the storage lock stayed held). Close waits for the lock.
 */
vmk_status_t storage_lun_open(const char *name, uint32_t owner,
			      const char *owner_name, struct storage_lun_ref *ref,
			      struct vmk_why *why);
void storage_lun_close(const struct storage_lun_ref *ref, uint32_t owner);
/* The rdm_io_ops of an open LUN (ctx: its struct storage_lun_ref). */
struct rdm_io_ops;
extern const struct rdm_io_ops storage_lun_io_ops;
/*
 * VM disks on datastores (vdisk.h): name is a descriptor's path,
 * "/vmfs/volumes/LABEL/..." or "[LABEL] ...", on a datastore mounted at
 * load; its extent opened read-write for owner (vmkfs's on-disk lock).
 * vd->bounce and bounce_blocks are the caller's; vd's I/O then takes the
 * storage lock around each vmkfs call, as a VM's LUN commands do. why
 * says why not (VMK_BUSY: in use, or the storage lock stayed held).
 * Close waits for the lock.
 */
struct vdisk;
vmk_status_t storage_vdisk_open(const char *name, uint32_t owner,
				const char *owner_name, struct vdisk *vd,
				struct vmk_why *why);
void storage_vdisk_close(struct vdisk *vd);
/*
 * VMK_HC_STORAGE_DATASTORES: the VMFS volumes found at load, mounted or
 * refused (datastore.h); VMK_BUSY with only msg written when the storage
 * lock stayed held.
 */
struct hc_call;
vmk_status_t storage_hc_datastores(struct hc_call *c);
/*
 * VMK_HC_STORAGE_FORMAT (vmkfstools -C on vmhba0:C0:Tt:Ll): f's in
 * fields checked here, a VMFS-3 volume made on the LUN and mounted (f->ds)
 * or f->msg says why not. The COS CPU waits for the whole format.
 */
struct vmk_storage_format;
vmk_status_t storage_format(struct vmk_storage_format *f);
/*
 * VMK_HC_STORAGE_VDISK (vmkfstools --mkdir and -c on a mounted datastore):
 * v's in fields checked here, the folder or the disk (vdisk_create())
 * made, or v->msg says why not with nothing left behind. The COS CPU
 * waits for the whole call: an eagerzeroedthick disk is made
 * zeroedthick, and VMK_VDISK_OP_ZERO calls zero it a bounded step each.
 */
struct vmk_storage_vdisk;
vmk_status_t storage_vdisk(struct vmk_storage_vdisk *v);
/*
 * VMK_HC_VMFS_FILE (the COS's /vmfs/volumes): r's in fields checked and
 * run on a mounted datastore (vmfs_file.h) under the storage lock, or
 * r->error and r->msg say why not.
 */
struct vmk_vmfs_file;
vmk_status_t storage_vmfs_file(struct vmk_vmfs_file *r);
/*
 * At give-back (every CPU's; the first one acts): virtual disks and the
 * COS's datastore files still open closed, datastores unmounted, reset, bus master off.
 */
void storage_stop(void);

#endif /* VMKERNEL_STORAGE_STORAGE_H */
