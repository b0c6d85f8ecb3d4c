/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Datastores: the VMFS volumes on the vmkernel's LUNs, mounted with the
 * vmkfs library (vmkfs/vmkfs.h; docs/storage.md "Datastores").
 *
 * A LUN becomes a vmkfs block device (struct ds_dev) over the same
 * physical path as a VM's raw disk: struct rdm_io_ops (storage.c's
 * storage_lun_io_ops, each piece polled to its end under the storage
 * lock as a VM's disk command is) moving 512-byte blocks through a
 * bounce buffer of vmkernel memory.
 *
 * Mounts are read-write: a mount claims a heartbeat slot, which
 * storage.c's service task (vmkernel/core/service.h) advances every
 * second with ds_heartbeat() under the storage lock, taken with a short
 * deadline (a beat not had in time is skipped and counted); unmount
 * releases the slot. Every I/O of a ds_dev runs with the storage lock
 * held by its caller (mount, beat, unmount). While loaded the COS has no
 * path to the LUNs, so nothing else writes them.
 *
 * The volume's facts (label, UUID, capacity, free) are read once at the
 * mount: only the heartbeat is written while mounted, and listing them
 * then costs no I/O. No globals, no logging; host-tested over a fake LUN
 * (tests/unit/storage/test_datastore.c).
 */
#ifndef VMKERNEL_STORAGE_DATASTORE_H
#define VMKERNEL_STORAGE_DATASTORE_H

#include "vmkernel/platform.h"
#include "vmkernel/storage/rdm.h"
#include "vmkfs/vmkfs.h"
#include <vmk/hypercall.h>

#define DS_MAX		VMK_STORAGE_MAX_LUNS	/* one volume per LUN */
#define DS_BLOCK_SIZE	512			/* the LUNs' blocks */
#define DS_WHY_LEN	256			/* vmkfs's messages fit */
/*
 * The most one vmkfs open or update watches an on-disk lock's holders
 * (vmkfs_set_lock_wait()): every one runs on the COS CPU in a hypercall
 * under the storage lock, so a lock a previous load left behind is
 * refused with vmkfs's sentence rather than waited out (16 s); vmkfs
 * remembers the holder's silence, and a try once it has been silent for
 * the lock timeout takes the lock over.
 */
#define DS_LOCK_WAIT_MS	500

/* Vmkernel memory the adapter reaches: the bounce buffer of every ds_dev. */
struct ds_bounce {
	uint8_t *virt;
	uint64_t pa;
	uint32_t blocks;		/* of DS_BLOCK_SIZE; at least 1 */
};

/*
 * A bound on a mount's or a format's I/O, on the caller's clock: no
 * piece starts after by (ms; 0: no bound). Each piece is bounded by the
 * LUN's I/O ladder, but a LUN that answers every one slowly is never
 * marked unresponsive, and a mount is thousands of pieces.
 */
struct ds_deadline {
	uint64_t (*now_ms)(void *ctx);
	void *ctx;
	uint64_t by;
};

/* A LUN as a vmkfs block device. */
struct ds_dev {
	struct vmkfs_dev dev;		/* dev.ctx is this */
	const struct rdm_io_ops *io;
	void *io_ctx;
	struct ds_bounce bounce;
	struct ds_deadline deadline;	/* while mounting or formatting; by 0 after */
	bool late;			/* a piece not sent: the deadline had passed */
	uint64_t pieces_written;
	uint64_t io_errors;		/* pieces the LUN failed */
};

/*
 * d over nr_blocks blocks of the LUN behind io/io_ctx. Reservations are
 * no-ops: one host, and the vmkernel is the only one writing its LUNs
 * while loaded (docs/storage.md "Datastores").
 */
void ds_dev_init(struct ds_dev *d, uint64_t nr_blocks, bool read_only,
		 const struct rdm_io_ops *io, void *io_ctx,
		 const struct ds_bounce *bounce);

struct datastore {
	bool used;
	uint32_t state;			/* VMK_DATASTORE_* */
	uint32_t target, lun;
	struct ds_dev dev;
	struct vmkfs_vol *vol;		/* MOUNTED */
	struct vmkfs_volinfo info;	/* MOUNTED: read at the mount */
	uint32_t beats, beats_missed, beats_failed;	/* ds_heartbeat() */
	char msg[VMK_STORAGE_MSG_LEN];	/* REFUSED: why; MOUNTED: an ignored label, last failed beat */
};

struct datastores {
	struct datastore ds[DS_MAX];
	struct ds_deadline deadline;	/* the caller's, for ds_mount() and ds_format() */
	/* beats skipped, not yet in the entries: atomic (ds_beat_missed()) */
	uint32_t missed;
};

enum ds_result {
	DS_NO_VOLUME = 0,	/* no VMFS volume header on the LUN: nothing listed */
	DS_MOUNTED,
	DS_REFUSED,		/* a volume, not mounted: why says */
	DS_IO_FAILED,		/* a read or write failed: nothing listed; why says */
	DS_TOO_SLOW,		/* set->deadline passed: nothing listed; why says */
};

/*
 * Look for a VMFS volume on target:lun and mount it read-write. why (a
 * sentence for the log and the list; the whole of vmkfs's message) is
 * set unless DS_MOUNTED or DS_NO_VOLUME. A volume whose label or UUID a
 * mounted datastore has already is refused (two paths named alike, or a
 * copy of a volume), as is a corrupt one: both get a listed entry. A
 * failed read (a flaky path, a LUN that hung) or set->deadline passed
 * leaves no entry, so that a later call tries again, and nothing
 * written: everything is read (a read-only mount, its facts) before the
 * heartbeat slot is claimed, the only write. A label on disk vmkfs
 * ignores (vmkfs_label_problem()) leaves the datastore without one,
 * mounted, msg saying so. io_ctx must stay valid while mounted.
 */
enum ds_result ds_mount(struct datastores *set, uint32_t target, uint32_t lun,
			uint64_t nr_blocks, const struct rdm_io_ops *io,
			void *io_ctx, const struct ds_bounce *bounce,
			char *why, uint32_t why_len);
/*
 * Make a VMFS-3 volume on target:lun (vmkfstools -C through the
 * vmkernel) and mount it as ds_mount() does. Refused, with why and
 * nothing written, while a datastore is mounted from the LUN or one has
 * the label; a volume listed refused on the LUN (corrupt, a copy) is
 * forgotten and overwritten: the operator asked for a new one.
 * block_size: 1, 2, 4 or 8 MiB; label: 1..127 characters. A format cut
 * by a failed write or set->deadline (DS_IO_FAILED, DS_TOO_SLOW) leaves
 * no volume header (vmkfs writes it last), which why says.
 */
enum ds_result ds_format(struct datastores *set, uint32_t target, uint32_t lun,
			 uint64_t nr_blocks, const struct rdm_io_ops *io,
			 void *io_ctx, const struct ds_bounce *bounce,
			 uint32_t block_size, const char *label,
			 char *why, uint32_t why_len);
/* The mounted datastore labelled label, or NULL. */
const struct datastore *ds_by_label(const struct datastores *set, const char *label);
/* The datastore mounted from target:lun, or NULL. */
const struct datastore *ds_on_lun(const struct datastores *set, uint32_t target,
				  uint32_t lun);
/*
 * ds's heartbeat (MOUNTED): counted in beats or, with its message in
 * ds->msg, beats_failed; the vmkfs error.
 */
int ds_heartbeat(struct datastore *ds);
/*
 * A beat skipped (the storage lock was busy): counted for every mount.
 * The one call without the lock (its caller could not have it): the
 * count is atomic, added to the entries by the next ds_list() or mount,
 * under the lock.
 */
void ds_beat_missed(struct datastores *set);
/*
 * Unmount (releasing the heartbeat slot) and forget every entry; the
 * number of volumes unmounted.
 */
uint32_t ds_unmount_all(struct datastores *set);
/* The entries, mounted and refused, as VMK_HC_STORAGE_DATASTORES gives them. */
void ds_list(struct datastores *set, struct vmk_datastore_list *l);
/* One entry as ds_list() gives it. */
void ds_describe(const struct datastore *ds, struct vmk_datastore *out);
/* Whether a used entry reads through io_ctx (a caller's per-LUN context). */
bool ds_uses_ctx(const struct datastores *set, const void *io_ctx);

/*
 * The wall clock vmkfs writes into volumes (vmkfs_platform.c): seconds
 * since 1970 as the COS said at its last request, counted on from there
 * with the vmkernel's clock. Before any, the time since the load.
 */
void vmkfs_set_time_unix(uint64_t now_unix);

#endif /* VMKERNEL_STORAGE_DATASTORE_H */
