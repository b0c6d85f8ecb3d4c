/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Virtual disks on datastores: a VMFS virtual disk (a `.vmdk` text
 * descriptor and its flat extent, as vmkfstools -c makes them) as the
 * backend of a VM's virtual SCSI disk (vmm/scsi/disk.h), beside the raw
 * LUNs of rdm.h (docs/storage.md "VM disks").
 *
 * The descriptor is disk data anyone with the datastore wrote: it is read
 * whole (at most VDISK_DESC_MAX bytes) and parsed bounded and checked,
 * and only one kind is served: createType "vmfs" with one RW extent of
 * type VMFS in the descriptor's own folder. The extent is opened with
 * vmkfs's exclusive on-disk lock (held until the close), and the disk's
 * size is the extent's. Which VM holds which extent is kept beside
 * (struct vdisk_claims), so a second opener is refused with the holder's
 * name; a lock vmkfs reports for another holder is refused with vmkfs's
 * sentence.
 *
 * The backend moves data as rdm.c does: the guest's buffer only through
 * scsi_cmd_put()/get(), in pieces of a bounce buffer of vmkernel memory,
 * and each vmkfs call (vmkfs_pread/pwrite/fsync: the volume's I/O) inside
 * the caller's lock (struct vdisk_lock: storage.c's storage lock, which
 * the datastores' heartbeat also takes). Unwritten blocks of a thin disk
 * read as zeros: vmkfs maps no block there.
 *
 * Synchronous, no globals, no allocation of its own (vmkfs allocates its
 * file state); the caller serialises calls on one struct vdisk (the VM's
 * lock). Host-tested over an in-memory volume (tests/unit/storage/
 * test_vdisk.c).
 */
#ifndef VMKERNEL_STORAGE_VDISK_H
#define VMKERNEL_STORAGE_VDISK_H

#include "vmkernel/platform.h"
#include "vmkernel/storage/disk_sched.h"
#include "vmm/scsi/disk.h"
#include "vmkfs/vmkfs.h"
#include <vmk/vm.h>
#include <vmk/hypercall.h>

#define VDISK_DESC_MAX		4096u	/* bytes of a descriptor (ESX's are < 1 KiB) */
#define VDISK_NAME_LEN		VMK_VM_DISK_NAME_LEN	/* a path, with the NUL */
#define VDISK_LABEL_LEN		128	/* a VMFS label, with the NUL (vmkfs.h) */
#define VDISK_EXTENT_LEN	96	/* an extent's file name, with the NUL */
#define VDISK_MAX_OPEN		16	/* disks open by VMs at once */
#define VDISK_OWNER_LEN		32	/* a VM's name, with the NUL */
#define VDISK_VOLUMES		"/vmfs/volumes/"

/* What a descriptor says (vdisk_parse_descriptor()). */
struct vdisk_desc {
	uint64_t sectors;		/* the extent's, of 512 bytes */
	char extent[VDISK_EXTENT_LEN];	/* its file, in the descriptor's folder */
	bool thin;			/* ddb.thinProvisioned = "1" */
	char adapter[VMK_VDISK_ADAPTER_LEN];	/* ddb.adapterType, if vdisk_adapter_ok() */
};

/*
 * Parse a descriptor of len bytes (not NUL-terminated, maybe binary);
 * false with a sentence in why (e.g. "createType 'vmfsSparse': vmk serves
 * 'vmfs' disks only").
 */
bool vdisk_parse_descriptor(const char *text, size_t len, struct vdisk_desc *d,
			    char *why, size_t why_len);

/* Does name look like a datastore path (rather than a LUN)? */
bool vdisk_is_path(const char *name);
/*
 * "/vmfs/volumes/LABEL/DIR/NAME.vmdk" or "[LABEL] DIR/NAME.vmdk" into the
 * datastore's label and the path on its volume ("/DIR/NAME.vmdk"); false
 * with a sentence in why. No "." or ".." parts, no empty ones.
 */
bool vdisk_split_name(const char *name, char label[VDISK_LABEL_LEN],
		      char path[VDISK_NAME_LEN], char *why, size_t why_len);

/* The same for a folder: "/vmfs/volumes/LABEL/DIR" or "[LABEL] DIR". */
bool vdisk_split_folder(const char *name, char label[VDISK_LABEL_LEN],
			char path[VDISK_NAME_LEN], char *why, size_t why_len);

/*
 * Making disks (vmkfstools -c and --mkdir through the vmkernel, storage.c):
 * the same descriptor text the COS's vmkfstools writes (vdisk_desc.h),
 * checked by vdisk_parse_descriptor() before anything is written; on a
 * failure nothing is left behind. The caller holds its lock around the
 * whole call. The descriptor of extent, sectors long, into out: its
 * length, or -1 when it does not fit.
 */
int vdisk_render_descriptor(char *out, size_t len, const char *extent, uint64_t sectors,
			    bool thin, const char *adapter, uint32_t cid);
/* ddb.adapterType's value: 1..size-1 of [a-z0-9], NUL-terminated in size. */
bool vdisk_adapter_ok(const char *adapter, size_t size);

struct vdisk_create {
	const char *path;		/* on the volume: "/DIR/NAME.vmdk" (vdisk_split_name()) */
	uint64_t size;			/* bytes: a nonzero multiple of 512, <= 2 TiB */
	enum vmkfs_alloc alloc;
	const char *adapter;		/* vdisk_adapter_ok() */
	uint32_t cid;			/* the descriptor's content id */
};
/*
 * Make the descriptor c->path and its
 * extent NAME-flat.vmdk beside it; text is VDISK_DESC_MAX bytes of the
 * caller's. VMKFS_OK, or a VMKFS_E* status with a sentence in why
 * (VMKFS_EEXIST, VMKFS_ENOENT: no folder, VMKFS_ENOSPC).
 */
int vdisk_create(struct vmkfs_vol *vol, const struct vdisk_create *c, char *text,
		 char *why, size_t why_len);
/*
 * A VMK_HC_STORAGE_VDISK request as the COS sent it, copied into
 * vmkernel memory: op, path (NUL within its field, split into label and
 * path; a disk's for CREATE and ZERO), and for CREATE format, size and
 * adapter. false with a sentence in why.
 */
bool vdisk_request_ok(const struct vmk_storage_vdisk *v, char label[VDISK_LABEL_LEN],
		      char path[VDISK_NAME_LEN], char *why, size_t why_len);
/* RENAME's new_path (vdisk_request_ok() passed) on label's datastore into to. */
bool vdisk_request_new_path(const struct vmk_storage_vdisk *v, const char *label,
			    char to[VDISK_NAME_LEN], char *why, size_t why_len);
/* Make the folder path ("/DIR"); its parent must exist. As vdisk_create(). */
int vdisk_mkdir(struct vmkfs_vol *vol, const char *path, char *why, size_t why_len);
/* Remove the empty folder path ("/DIR"). As vdisk_create(). */
int vdisk_rmdir(struct vmkfs_vol *vol, const char *path, char *why, size_t why_len);

struct vdisk;
/*
 * The caller's lock around each vmkfs call of blocks (storage.c: the
 * disk's turn by its shares, then the storage lock).
 */
struct vdisk_lock {
	void (*lock)(void *ctx, struct vdisk *vd, uint32_t blocks);
	void (*unlock)(void *ctx, struct vdisk *vd);
	void *ctx;
};

struct vdisk {
	struct vmkfs_file *f;		/* the flat extent, read-write; NULL: closed */
	struct vmkfs_vol *vol;		/* its volume (for vmkfs's messages) */
	const struct vdisk_lock *lock;
	struct dsched_flow flow;	/* its shares of the LUN (the caller's) */
	uint64_t nr_blocks;		/* of SCSI_BLOCK_SIZE: the extent's size */
	bool thin;			/* the descriptor says so (no UNMAP yet) */
	uint8_t *bounce;		/* vmkernel memory, at least VDISK_DESC_MAX bytes */
	uint32_t bounce_blocks;
	/* counters */
	uint64_t reads, writes, flushes;
	uint64_t blocks_read, blocks_written;
	uint64_t io_errors;
	char error[128];		/* vmkfs's message of the last failure */
};

/* Who holds which extent (a volume and its file descriptor id). */
struct vdisk_claims {
	struct {
		struct vdisk *vd;		/* NULL: free */
		struct vmkfs_file *f;		/* vd's extent, open */
		const struct vmkfs_vol *vol;
		uint32_t fd_id;
		uint32_t desc_id, dir_id;	/* its descriptor's, their folder's */
		uint32_t owner;			/* a VM id */
		char owner_name[VDISK_OWNER_LEN];
	} c[VDISK_MAX_OPEN];
	/* extents handed over by vdisk_close_later(), not yet closed: atomic */
	struct vmkfs_file *late[VDISK_MAX_OPEN];
};

/*
 * The VM holding vol's file fd_id (its name), or NULL: a disk's extent,
 * its descriptor or the folder they are in.
 */
const char *vdisk_holder(const struct vdisk_claims *cl, const struct vmkfs_vol *vol,
			 uint32_t fd_id);
/*
 * Open the disk whose descriptor is path on vol for owner: read and parse
 * the descriptor, open its extent read-write (on-disk lock) and claim it.
 * vd->bounce, bounce_blocks and lock are the caller's, set before; the
 * calls are made with the lock held by the caller. VMKFS_OK, or a
 * VMKFS_E* status with a sentence in why (VMKFS_EBUSY: in use; the
 * holder named).
 */
int vdisk_open(struct vdisk_claims *cl, struct vmkfs_vol *vol, const char *path,
	       uint32_t owner, const char *owner_name, struct vdisk *vd,
	       char *why, size_t why_len);
/* Close vd's extent (its lock released) and its claim; closed: nothing. */
void vdisk_close(struct vdisk_claims *cl, struct vdisk *vd);
/*
 * For a caller that could not have its lock in time (a VM's end): vd's
 * extent handed over, vd closed and free to go; the claim and the on-disk
 * lock stay (the disk is still in use) until vdisk_close_late(). The one
 * call without the caller's lock.
 */
void vdisk_close_later(struct vdisk_claims *cl, struct vdisk *vd);
/* Close the extents handed over, and their claims; how many. */
uint32_t vdisk_close_late(struct vdisk_claims *cl);
/* Close every disk still open, handed over or not (the give-back); how many. */
uint32_t vdisk_close_all(struct vdisk_claims *cl);

/*
 * The disk operations of the COS (vmkfstools -P, -U, -X through the
 * vmkernel, storage.c), each on the descriptor path of vol, checked as
 * vdisk_open() checks a disk (descriptor parsed, its extent there and of
 * the size it says); buf is VDISK_DESC_MAX bytes of the caller's. The
 * caller holds its lock around the whole call. VMKFS_OK, or a VMKFS_E*
 * status with a sentence in why (VMKFS_EBUSY: a VM holds the disk, or
 * another host's live lock is on its extent; a stale lock is left to
 * vmkfs_open(), which takes it over or says when it can); a refused call
 * changes nothing.
 */
struct vdisk_info {
	uint64_t size;			/* bytes */
	uint32_t format;		/* VMK_VDISK_*: zeroedthick while blocks are pending */
	uint32_t block_size;		/* the volume's file block */
	uint64_t blocks_alloc;		/* the extent's file blocks allocated */
	uint64_t blocks_pending;	/* of those, still to be zeroed */
	uint64_t blocks_total;		/* the extent's file blocks */
	char holder[VDISK_OWNER_LEN];	/* the VM holding it, "another host", or "" */
};
int vdisk_stat(const struct vdisk_claims *cl, struct vmkfs_vol *vol, const char *path,
	       uint8_t *buf, struct vdisk_info *info, char *why, size_t why_len);
/* Remove the descriptor and its extent (the extent first). */
int vdisk_delete(const struct vdisk_claims *cl, struct vmkfs_vol *vol, const char *path,
		 uint8_t *buf, char *why, size_t why_len);
/*
 * Grow the disk to size bytes (a multiple of 512, larger than now, at
 * most 2 TiB): the extent first, thin staying thin and a thick one's new
 * blocks allocated now and zeroed on first write, then the descriptor
 * rewritten as vdisk_render_descriptor() writes it (its sectors, cid, the
 * adapter kept). A descriptor that cannot be rewritten shrinks the extent
 * back.
 */
int vdisk_extend(const struct vdisk_claims *cl, struct vmkfs_vol *vol, const char *path,
		 uint64_t size, uint32_t cid, uint8_t *buf, char *why, size_t why_len);
/*
 * Rename the disk to = "/DIR/NAME.vmdk" (an existing folder of vol):
 * the extent to NAME-flat.vmdk, then the descriptor, then the descriptor
 * rewritten naming the new extent (as vdisk_extend() rewrites it); a
 * step that fails puts back what went before.
 */
int vdisk_rename(const struct vdisk_claims *cl, struct vmkfs_vol *vol, const char *path,
		 const char *to, uint32_t cid, uint8_t *buf, char *why, size_t why_len);

/*
 * One piece of nr blocks at lba between the extent and buf (vmkernel
 * memory), or a flush, in vd's lock; a failure counted and kept in vd.
 * For a caller that moves the data itself (vm_disk.c's storage world
 * requests).
 */
enum scsi_backend_status vdisk_rw(struct vdisk *vd, bool write, uint64_t lba,
				  uint32_t nr, uint8_t *buf);
enum scsi_backend_status vdisk_sync(struct vdisk *vd);

/* A backend for scsi_disk_init() over an open vd (read-write). */
void vdisk_backend(struct vdisk *vd, struct scsi_backend *be);

#endif /* VMKERNEL_STORAGE_VDISK_H */
