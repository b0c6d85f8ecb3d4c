/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Files on the datastores for the COS (VMK_HC_VMFS_FILE; docs/storage.md
 * "The datastores in the COS"): the COS's vmkfs file system asks for a
 * path's stat, a folder's entries, a file's bytes, and the vmkernel runs
 * the request with the vmkfs library on the mounted volume.
 *
 * The request is the vmkernel's own copy; nothing in it is trusted: the
 * op, the path (NUL within its field, "LABEL" or "LABEL/a/b", no empty,
 * "." or ".." parts, each part at most VMFS-3's 127 bytes), a handle
 * (its slot and generation), a READ or WRITE's length (at most
 * VMK_VMFS_IO_MAX; its COS buffer is the caller's copy functions' to
 * check). A file a VM holds (struct vdisk_claims) is refused naming the
 * VM; vmkfs's own on-disk locks refuse the rest (another host's).
 *
 * Handles are a small table of files open with vmkfs (VMK_VMFS_HANDLES);
 * vmfs_files_close_all() closes them before the datastores go (the
 * give-back). No globals; the caller holds the storage lock around each
 * call. Host-tested over an in-memory volume (tests/unit/storage/
 * test_vmfs_file.c).
 */
#ifndef VMKERNEL_STORAGE_VMFS_FILE_H
#define VMKERNEL_STORAGE_VMFS_FILE_H

#include "vmkernel/platform.h"
#include "vmkernel/storage/vdisk.h"
#include "vmkfs/vmkfs.h"
#include <vmk/hypercall.h>

struct vmfs_files {
	struct {
		struct vmkfs_file *f;		/* NULL: free */
		struct vmkfs_vol *vol;
		uint32_t gen;		/* of its handle: a closed one's stays refused */
		bool rw;
	} h[VMK_VMFS_HANDLES];
	uint32_t gen;			/* the last handed out, 24 bits */
};

/* What a request needs of its caller (storage.c, or a test). */
struct vmfs_env {
	/* The mounted datastore with label, or NULL. */
	struct vmkfs_vol *(*volume)(void *ctx, const char *label);
	/* COS memory: false when [gpa, gpa + len) is not the COS's. */
	bool (*copy_in)(void *ctx, uint64_t gpa, void *dst, uint32_t len);
	bool (*copy_out)(void *ctx, uint64_t gpa, const void *src, uint32_t len);
	void *ctx;
	const struct vdisk_claims *claims;	/* the VMs' disks */
	uint8_t *buf;			/* VMK_VMFS_IO_MAX bytes of vmkernel memory */
};

/*
 * Run r (the vmkernel's copy; its out fields cleared by the caller):
 * VMK_OK, or a status with r->error (an errno for the COS) and r->msg.
 */
vmk_status_t vmfs_file_run(struct vmfs_files *t, const struct vmfs_env *env,
			   struct vmk_vmfs_file *r);
/* At the give-back, before the datastores unmount: how many were open. */
uint32_t vmfs_files_close_all(struct vmfs_files *t);

#endif /* VMKERNEL_STORAGE_VMFS_FILE_H */
