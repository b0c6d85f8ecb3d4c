/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vmkfs: the VMFS-3 compatible file system library. Written once against
 * vmkfs/platform.h; compiled into the vmkernel and into user space.
 *
 * Every call returns VMKFS_OK (0) or a negative VMKFS_E* status; calls that
 * take a volume leave a message saying what failed and where in
 * vmkfs_errmsg(vol).
 */
#ifndef VMKFS_VMKFS_H
#define VMKFS_VMKFS_H

#include "vmkfs/platform.h"

enum vmkfs_status {
	VMKFS_OK = 0,
	VMKFS_EIO = -1,		/* the device failed a read or write */
	VMKFS_ENOMEM = -2,
	VMKFS_ENOSPC = -3,	/* no free blocks / descriptors / entries */
	VMKFS_ENOENT = -4,
	VMKFS_EEXIST = -5,
	VMKFS_EBUSY = -6,	/* locked by a live holder */
	VMKFS_ECORRUPT = -7,	/* on-disk structure fails validation */
	VMKFS_EINVAL = -8,
	VMKFS_EROFS = -9,
	VMKFS_ENOTDIR = -10,
	VMKFS_EISDIR = -11,
	VMKFS_ENOTEMPTY = -12,
	VMKFS_EFBIG = -13,
	VMKFS_ENAMETOOLONG = -14,
};

const char *vmkfs_strerror(int status);

/* ---- format ---- */
struct vmkfs_format_opts {
	uint32_t block_size;	/* 1, 2, 4 or 8 MiB */
	const char *label;	/* vmkfs_label_problem() none; may be NULL */
};
int vmkfs_format(struct vmkfs_dev *dev, const struct vmkfs_format_opts *opts,
		 char *err, size_t errlen);
/*
 * What makes label (its size bytes, NUL-terminated within them) unfit to
 * name a datastore, as a phrase after "label", or NULL: at most 127
 * printable ASCII characters, no '/' or ']' (they end the label of
 * "/vmfs/volumes/LABEL/x" and "[LABEL] x"), not "." or "..". Empty is
 * fine (a volume without a label). vmkfs_format() refuses such a label;
 * a mount ignores one read from disk (vmkfs_volinfo.label_ignored).
 */
const char *vmkfs_label_problem(const char *label, size_t size);

/* ---- mount ---- */
/*
 * Whether dev holds a VMFS volume header (at its start or at its MBR's
 * VMFS partition): VMKFS_OK, VMKFS_ENOENT (none: not a VMFS device, say
 * nothing), or the device's error. Whether the volume is sound is
 * vmkfs_mount()'s to say.
 */
int vmkfs_probe(struct vmkfs_dev *dev);
struct vmkfs_vol;
#define VMKFS_MOUNT_RDONLY	0x1	/* no heartbeat, no writes */

int vmkfs_mount(struct vmkfs_dev *dev, unsigned int flags,
		struct vmkfs_vol **volp, char *err, size_t errlen);
int vmkfs_unmount(struct vmkfs_vol *vol);
const char *vmkfs_errmsg(const struct vmkfs_vol *vol);
/* keep this host's heartbeat alive; call at least every second */
int vmkfs_heartbeat(struct vmkfs_vol *vol);
/* how long a silent heartbeat must stay unchanged before its locks are stale */
void vmkfs_set_lock_timeout(struct vmkfs_vol *vol, uint32_t ms);
/*
 * The most one lock acquisition (an open, a namespace update) watches
 * other holders' heartbeats, over all of them (default and at most: the
 * lock timeout). A holder whose heartbeat has stood still for less than
 * the lock timeout when the wait ends is refused, VMKFS_EBUSY, with how
 * long it has been silent; the volume remembers since when, so a try
 * after the lock timeout takes its lock over without watching again.
 */
void vmkfs_set_lock_wait(struct vmkfs_vol *vol, uint32_t ms);

struct vmkfs_volinfo {
	char label[128];	/* NUL-terminated; "" when none or ignored */
	const char *label_ignored;	/* NULL, or vmkfs_label_problem() of the disk's */
	uint8_t uuid[16];
	uint8_t lvm_uuid[16];
	uint32_t version;	/* 31 for VMFS 3.31 */
	uint32_t block_size;
	uint64_t capacity;	/* bytes of file blocks */
	uint64_t free_bytes;
	uint32_t files_total;	/* file descriptors */
	uint32_t files_free;
	uint32_t hb_slot;	/* our heartbeat slot, or UINT32_MAX */
	uint32_t hb_active;	/* heartbeats of all hosts marked alive */
};
int vmkfs_statfs(struct vmkfs_vol *vol, struct vmkfs_volinfo *info);

/* I/O counters, split by what the I/O was for */
struct vmkfs_iostats {
	uint64_t meta_reads, meta_writes, data_reads, data_writes, flushes;
	uint64_t hb_reads, hb_writes;	/* heartbeat and lock liveness */
};
void vmkfs_iostats(const struct vmkfs_vol *vol, struct vmkfs_iostats *st);
/* Our heartbeat slot (a read-write mount's), or UINT32_MAX. */
uint32_t vmkfs_hb_slot(const struct vmkfs_vol *vol);

/* ---- namespace ---- */
enum vmkfs_ftype { VMKFS_FT_DIR = 2, VMKFS_FT_FILE = 3, VMKFS_FT_META = 5 };

struct vmkfs_stat {
	uint32_t id;		/* FD block id */
	uint32_t type;		/* enum vmkfs_ftype */
	uint32_t mode;
	uint32_t nlink;
	uint64_t size;
	uint64_t alloc_blocks;	/* file blocks allocated */
	uint32_t tbz_blocks;	/* allocated but not yet zeroed */
	uint32_t block_size;
	uint32_t mtime, ctime;
	uint32_t lock_mode;	/* 0 free, 1 exclusive, 2 read-only */
	uint32_t lock_hb_slot;	/* heartbeat slot of the (first) holder */
	uint8_t lock_owner[16];	/* host UUID of the (first) holder */
	uint32_t lock_holders;	/* number of read-only holders */
	bool lock_owner_alive;	/* the holder's heartbeat is marked alive */
};
int vmkfs_stat(struct vmkfs_vol *vol, const char *path, struct vmkfs_stat *st);

typedef int (*vmkfs_readdir_cb)(void *arg, const char *name,
				const struct vmkfs_stat *st);
int vmkfs_readdir(struct vmkfs_vol *vol, const char *path,
		  vmkfs_readdir_cb cb, void *arg);
/*
 * At most max entries from the start-th on (0: the first; "." and ".."
 * are not entries here), the files' descriptors read for those only;
 * *next: the entry to go on from, 0 at the end. Entries move when one is
 * removed (the last takes its place).
 */
int vmkfs_readdir_from(struct vmkfs_vol *vol, const char *path, uint32_t start,
		       uint32_t max, vmkfs_readdir_cb cb, void *arg, uint32_t *next);

int vmkfs_mkdir(struct vmkfs_vol *vol, const char *path);
int vmkfs_rmdir(struct vmkfs_vol *vol, const char *path);
int vmkfs_unlink(struct vmkfs_vol *vol, const char *path);
int vmkfs_rename(struct vmkfs_vol *vol, const char *from, const char *to);

/* ---- files ---- */
enum vmkfs_alloc {
	VMKFS_THIN,			/* blocks allocated on first write */
	VMKFS_ZEROEDTHICK,		/* allocated now, zeroed lazily (TBZ) */
	VMKFS_EAGERZEROEDTHICK,		/* allocated and zeroed now */
};
/* create a file of `size` bytes; durable when this returns */
int vmkfs_create(struct vmkfs_vol *vol, const char *path, uint64_t size,
		 enum vmkfs_alloc alloc);

struct vmkfs_file;
#define VMKFS_O_RDONLY	0x0	/* shared read-only on-disk lock */
#define VMKFS_O_RDWR	0x1	/* exclusive on-disk lock */
int vmkfs_open(struct vmkfs_vol *vol, const char *path, unsigned int flags,
	       struct vmkfs_file **filep);
int vmkfs_close(struct vmkfs_file *f);
uint64_t vmkfs_file_size(const struct vmkfs_file *f);
/* return bytes transferred (short only at end of file for reads) or < 0 */
int64_t vmkfs_pread(struct vmkfs_file *f, void *buf, size_t len, uint64_t off);
int64_t vmkfs_pwrite(struct vmkfs_file *f, const void *buf, size_t len,
		     uint64_t off);
/* make data written so far durable */
int vmkfs_fsync(struct vmkfs_file *f);
/*
 * Zero up to max of the file's to-be-zeroed blocks (a zeroedthick file's,
 * lowest first), each durable as it is done; *left: those still pending.
 * A zeroedthick file becomes eagerzeroedthick a bounded step at a time.
 * With deadline_us (vmkfs_time_us(); 0: none), it stops at the first
 * run of blocks (one file block, or 1 MiB of smaller ones) that would
 * begin after it; at least one
 * run is zeroed per call.
 */
int vmkfs_zero_pending(struct vmkfs_file *f, uint32_t max, uint64_t deadline_us,
		       uint64_t *left);
/* grow (allocating per `alloc`) or shrink (freeing blocks) */
int vmkfs_truncate(struct vmkfs_file *f, uint64_t size, enum vmkfs_alloc alloc);

/* ---- consistency check ---- */
struct vmkfs_check_result {
	uint32_t errors;	/* problems found */
	uint32_t repaired;	/* problems fixed */
	uint32_t files, dirs;
};
typedef void (*vmkfs_report_cb)(void *arg, const char *msg);
/*
 * Needs exclusive access: watches the heartbeats for hb_timeout_ms and
 * refuses if one of them moves (0: take every heartbeat as stale).
 */
int vmkfs_check(struct vmkfs_dev *dev, bool repair, uint32_t hb_timeout_ms,
		vmkfs_report_cb report, void *arg,
		struct vmkfs_check_result *res, char *err, size_t errlen);

/* UUID as VMFS prints it: xxxxxxxx-xxxxxxxx-xxxx-xxxxxxxxxxxx */
#define VMKFS_UUID_STR_LEN 35
void vmkfs_uuid_str(const uint8_t uuid[16], char out[VMKFS_UUID_STR_LEN + 1]);
int vmkfs_uuid_parse(const char *s, uint8_t uuid[16]);

#endif
