/* SPDX-License-Identifier: GPL-2.0-only */
/* vmkfs internals shared by the library's files; not an interface. */
#ifndef VMKFS_INTERNAL_H
#define VMKFS_INTERNAL_H

#include "vmkfs/format.h"
#include "vmkfs/vmkfs.h"

#define VMKFS_ERRMSG_LEN	256
#define VMKFS_DEFAULT_LOCK_TIMEOUT_MS	16000u	/* ESX 3.x: 16 s */

/* little-endian accessors for on-disk buffers */
static inline uint32_t get32(const uint8_t *b, unsigned int off)
{
	return (uint32_t)b[off] | (uint32_t)b[off + 1] << 8 |
	       (uint32_t)b[off + 2] << 16 | (uint32_t)b[off + 3] << 24;
}

static inline uint64_t get64(const uint8_t *b, unsigned int off)
{
	return (uint64_t)get32(b, off) | (uint64_t)get32(b, off + 4) << 32;
}

static inline void put32(uint8_t *b, unsigned int off, uint32_t v)
{
	b[off] = v;
	b[off + 1] = v >> 8;
	b[off + 2] = v >> 16;
	b[off + 3] = v >> 24;
}

static inline void put64(uint8_t *b, unsigned int off, uint64_t v)
{
	put32(b, off, (uint32_t)v);
	put32(b, off + 4, (uint32_t)(v >> 32));
}

/* a file descriptor (inode) in memory */
struct vmkfs_inode {
	uint64_t pos;		/* LVM offset */
	uint32_t id, id2, nlink, type, flags;
	uint64_t size, blk_size, blk_count;
	uint32_t mtime, ctime, atime, uid, gid, mode, zla, tbz, cow;
	uint32_t blocks[VMKFS_INODE_BLOCKS];
	uint8_t mdh[VMKFS_MDH_LEN];	/* header as read (lock fields) */
};

/* a resource file: a bitmap of items plus, except for FBB, item storage */
struct vmkfs_res {
	const char *name;
	uint32_t magic, type;	/* VMKFS_MAGIC_*, VMKFS_BLK_* */
	uint32_t ipe, epa, hdr_size, data_size, area_size, total, areas;
	struct vmkfs_inode ino;	/* the .sf file holding it */
};

struct vmkfs_vol {
	struct vmkfs_dev *dev;
	uint64_t base;		/* device offset of the VMFS partition (or 0) */
	bool ro;
	uint32_t bs;		/* file block size */
	uint64_t lvm_size;
	uint8_t uuid[16], lvm_uuid[16];
	char label[VMKFS_FS_LABEL_LEN + 1];
	const char *label_ignored;	/* why the disk's label was, or NULL */
	uint32_t version;
	struct vmkfs_res fbb, sbc, pbc, fdc;
	/* heartbeat */
	uint32_t hb_slot;
	uint64_t hb_seq;
	uint8_t host_uuid[16];
	uint64_t hb_last_us;
	uint32_t lock_timeout_ms;
	uint32_t lock_wait_ms;	/* one lock_acquire()'s watch, all holders */
	/* holders' heartbeats seen standing still, and since when (hb.c) */
	struct hb_silence {
		uint64_t hb_pos, hb_seq, uptime, since_us;
	} silent[VMKFS_RO_HOLDERS + 1];
	uint32_t silent_next;
	uint32_t reserve_depth;
	struct vmkfs_mutex *mutex;
	struct vmkfs_iostats stats;
	uint32_t open_files;
	char errmsg[VMKFS_ERRMSG_LEN];
};

struct vmkfs_file {
	struct vmkfs_vol *vol;
	struct vmkfs_inode ino;
	bool rw;
};

/* util.c */
int vmkfs_err(struct vmkfs_vol *vol, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int vmkfs_fmt(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void vmkfs_make_uuid(uint8_t uuid[16]);

/* io.c: device access in LVM offsets, counted as metadata or data */
int lvm_read(struct vmkfs_vol *vol, uint64_t off, void *buf, size_t len);
int lvm_write(struct vmkfs_vol *vol, uint64_t off, const void *buf, size_t len);
int lvm_read_data(struct vmkfs_vol *vol, uint64_t off, void *buf, size_t len);
int lvm_write_data(struct vmkfs_vol *vol, uint64_t off, const void *buf,
		   size_t len);
int lvm_zero(struct vmkfs_vol *vol, uint64_t off, uint64_t len);
int vol_flush(struct vmkfs_vol *vol);
int vol_reserve(struct vmkfs_vol *vol);
void vol_release(struct vmkfs_vol *vol);

/* res.c: resource files */
#define RES_BOOTSTRAP UINT32_MAX
void bme_set_ffree(uint8_t *b, uint32_t total);
int res_load(struct vmkfs_vol *vol, struct vmkfs_res *res, uint32_t fd_item);
int res_item_pos(struct vmkfs_vol *vol, const struct vmkfs_res *res,
		 uint32_t entry, uint32_t item, uint64_t *pos);
int res_entry_pos(struct vmkfs_vol *vol, const struct vmkfs_res *res,
		  uint32_t entry, uint64_t *pos);
int res_alloc(struct vmkfs_vol *vol, struct vmkfs_res *res, uint32_t count,
	      uint32_t *ids, uint32_t hint);
int res_free(struct vmkfs_vol *vol, uint32_t id);
int res_free_list(struct vmkfs_vol *vol, const uint32_t *ids, uint32_t n);
int res_count_free(struct vmkfs_vol *vol, struct vmkfs_res *res,
		   uint32_t *free_items);
struct vmkfs_res *res_for_id(struct vmkfs_vol *vol, uint32_t id);
uint32_t res_id(const struct vmkfs_res *res, uint32_t entry, uint32_t item);
void res_split(const struct vmkfs_res *res, uint32_t id, uint32_t *entry,
	       uint32_t *item);
uint32_t res_index(const struct vmkfs_res *res, uint32_t id);
/* read bitmap entry `entry` of res into b (VMKFS_BME_LEN), validated */
int bme_read(struct vmkfs_vol *vol, struct vmkfs_res *res, uint32_t entry,
	     uint8_t *b, uint64_t *pos);

/* inode.c */
typedef int (*inode_block_cb)(void *arg, uint32_t blk);
void inode_init(struct vmkfs_inode *ino, uint32_t id, uint64_t pos,
		uint32_t type, uint32_t mode, uint32_t zla, uint64_t blk_size,
		uint32_t gen);
void inode_decode(struct vmkfs_inode *ino, const uint8_t *buf);
void inode_encode(const struct vmkfs_inode *ino, uint8_t *buf);
int inode_read(struct vmkfs_vol *vol, uint32_t id, struct vmkfs_inode *ino);
int inode_write(struct vmkfs_vol *vol, struct vmkfs_inode *ino);
uint64_t inode_nblocks(const struct vmkfs_inode *ino);
uint32_t inode_data_type(const struct vmkfs_inode *ino);
int blk_pos(struct vmkfs_vol *vol, uint32_t blk, uint64_t *pos, uint32_t *len);
int inode_load_map(struct vmkfs_vol *vol, const struct vmkfs_inode *ino,
		   uint32_t **mapp, uint64_t *np, inode_block_cb pb_cb,
		   void *arg);
int inode_check_map(struct vmkfs_vol *vol, const struct vmkfs_inode *ino,
		    const uint32_t *map, uint64_t n);
int inode_commit_map(struct vmkfs_vol *vol, struct vmkfs_inode *ino,
		     const uint32_t *map, uint64_t n, uint64_t size);
int inode_commit_entry(struct vmkfs_vol *vol, struct vmkfs_inode *ino,
		       const uint32_t *map, uint64_t n, uint64_t idx);
int inode_commit_entries(struct vmkfs_vol *vol, struct vmkfs_inode *ino,
			 const uint32_t *map, uint64_t n, uint64_t from, uint64_t to);
int inode_foreach_block(struct vmkfs_vol *vol, const struct vmkfs_inode *ino,
			inode_block_cb cb, void *arg);
int inode_rw(struct vmkfs_vol *vol, struct vmkfs_inode *ino, bool write,
	     void *buf, size_t len, uint64_t off);

/* dir.c */
typedef int (*dir_entry_cb)(void *arg, uint32_t slot, const char *name,
			    uint32_t type, uint32_t id);
int dir_lookup(struct vmkfs_vol *vol, struct vmkfs_inode *dir,
	       const char *name, uint32_t *id, uint64_t *slot);
int dir_foreach(struct vmkfs_vol *vol, struct vmkfs_inode *dir,
		dir_entry_cb cb, void *arg);
int dir_add(struct vmkfs_vol *vol, struct vmkfs_inode *dir, const char *name,
	    const struct vmkfs_inode *ino);
int dir_remove(struct vmkfs_vol *vol, struct vmkfs_inode *dir, uint64_t slot);
int dir_rename_slot(struct vmkfs_vol *vol, struct vmkfs_inode *dir,
		    uint64_t slot, const char *name);
int path_resolve(struct vmkfs_vol *vol, const char *path,
		 struct vmkfs_inode *ino);
int path_parent(struct vmkfs_vol *vol, const char *path,
		struct vmkfs_inode *dir, char name[VMKFS_NAME_MAX + 1]);

/* hb.c: heartbeats and on-disk locks */
int hb_claim(struct vmkfs_vol *vol);
int hb_release(struct vmkfs_vol *vol);
int hb_tick(struct vmkfs_vol *vol);
int lock_acquire(struct vmkfs_vol *vol, struct vmkfs_inode *ino, bool excl);
int lock_release(struct vmkfs_vol *vol, struct vmkfs_inode *ino);
void lock_describe(struct vmkfs_vol *vol, const struct vmkfs_inode *ino,
		   struct vmkfs_stat *st);

/* own.c: no cross-links before a read-write open */
int own_check(struct vmkfs_vol *vol, const struct vmkfs_inode *ino,
	      const char *path, const uint32_t *map, uint64_t n);

/* volume.c */
int vol_find_base(struct vmkfs_dev *dev, uint64_t *base);
int vol_load(struct vmkfs_dev *dev, bool ro, struct vmkfs_vol **volp,
	     char *err, size_t errlen);
void vol_free(struct vmkfs_vol *vol);

#endif
