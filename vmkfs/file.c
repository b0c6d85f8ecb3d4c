// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmkfs: files and the namespace. Metadata updates are ordered so that a
 * power cut at any point leaves only leaks the check can reclaim
 * (allocated but unreferenced items, orphaned descriptors, a duplicated
 * directory entry) and never a reference to something unwritten:
 *   allocate (bitmaps) -> write blocks / pointer blocks -> flush ->
 *   write the descriptor -> flush -> link it into the directory -> flush.
 * Deletion runs the other way round. The data path of a preallocated,
 * zeroed file reads the block map cached at open and writes nothing else.
 */
#include "vmkfs/internal.h"

#define FILE_MODE	0100600u	/* S_IFREG | rw for the owner, as ESX */
#define DIR_MODE	01755u
#define IO_RUN_MAX	(64u * MIB)	/* longest single data request */
#define ZERO_RUN_MAX	(1u * MIB)	/* zeroed per request: a deadline is looked at between */

struct vmkfs_file_priv {
	struct vmkfs_file pub;
	uint32_t *map;
	uint64_t nmap;
};

static struct vmkfs_file_priv *priv(struct vmkfs_file *f)
{
	return (struct vmkfs_file_priv *)f;
}

static int op_begin(struct vmkfs_vol *vol, bool write)
{
	vmkfs_mutex_lock(vol->mutex);
	vol->errmsg[0] = 0;
	if (write && vol->ro) {
		vmkfs_err(vol, VMKFS_EROFS, "volume is mounted read-only");
		vmkfs_mutex_unlock(vol->mutex);
		return VMKFS_EROFS;
	}
	return VMKFS_OK;
}

static int op_end(struct vmkfs_vol *vol, int ret)
{
	vmkfs_mutex_unlock(vol->mutex);
	return ret;
}

/* a change to an open file, which must be open read-write */
static int op_begin_file_write(struct vmkfs_file *f)
{
	int ret = op_begin(f->vol, true);

	if (ret || f->rw)
		return ret;
	return op_end(f->vol, vmkfs_err(f->vol, VMKFS_EROFS, "file %#x is open read-only",
					f->ino.id));
}

/* a namespace update: volume lock, then the device reservation */
static int op_begin_reserved(struct vmkfs_vol *vol)
{
	int ret = op_begin(vol, true);

	if (ret)
		return ret;
	ret = vol_reserve(vol);
	return ret ? op_end(vol, ret) : VMKFS_OK;
}

/* allocate a descriptor slot and initialise it (caller holds reservation) */
static int new_inode(struct vmkfs_vol *vol, struct vmkfs_inode *ino,
		     uint32_t type, uint32_t mode, uint32_t zla, uint64_t blk_size)
{
	uint32_t id, e, it;
	uint64_t pos;
	int ret = res_alloc(vol, &vol->fdc, 1, &id, 0);

	if (ret)
		return ret;
	res_split(&vol->fdc, id, &e, &it);
	ret = res_item_pos(vol, &vol->fdc, e, it, &pos);
	if (ret) {
		res_free(vol, id);
		return ret;
	}
	inode_init(ino, id, pos, type, mode, zla, blk_size,
		   1 + vmkfs_random32() % 0xffff);
	return VMKFS_OK;
}

/* resolve the parent of a path that must not exist yet */
static int lookup_new(struct vmkfs_vol *vol, const char *path,
		      struct vmkfs_inode *dir, char name[VMKFS_NAME_MAX + 1])
{
	uint32_t id;
	int ret = path_parent(vol, path, dir, name);

	if (ret)
		return ret;
	ret = dir_lookup(vol, dir, name, &id, NULL);
	if (ret == VMKFS_OK)
		return vmkfs_err(vol, VMKFS_EEXIST, "%s already exists", path);
	return ret == VMKFS_ENOENT ? VMKFS_OK : ret;
}

/* zero the descriptor slot and free everything it owned */
static int destroy_inode(struct vmkfs_vol *vol, struct vmkfs_inode *ino)
{
	uint32_t *map, *pbs = NULL;
	uint64_t n, i, k = 0;
	uint8_t *zero = vmkfs_alloc(VMKFS_INODE_LEN);
	int ret;

	if (!zero)
		return VMKFS_ENOMEM;
	ret = inode_load_map(vol, ino, &map, &n, NULL, NULL);
	if (ret)
		goto out;
	for (i = 0; i < n; i++)
		if (map[i])
			map[k++] = map[i];
	ret = lvm_write(vol, ino->pos, zero, VMKFS_INODE_LEN);
	if (!ret)
		ret = vol_flush(vol);
	if (!ret && k)
		ret = res_free_list(vol, map, (uint32_t)k);
	if (!ret && ino->zla == VMKFS_BLK_PB) {
		pbs = ino->blocks;
		for (k = 0; k < VMKFS_INODE_BLOCKS && pbs[k]; k++)
			;
		if (k)
			ret = res_free_list(vol, pbs, (uint32_t)k);
	}
	if (!ret)
		ret = res_free(vol, ino->id);
	if (!ret)
		ret = vol_flush(vol);
	vmkfs_free(map);
out:
	vmkfs_free(zero);
	return ret;
}

/* allocate file blocks for map[from..to) per `alloc` (no reservation held) */
static int alloc_blocks(struct vmkfs_vol *vol, uint32_t *map, uint64_t from,
			uint64_t to, enum vmkfs_alloc alloc)
{
	uint64_t i, run;
	int ret;

	if (alloc == VMKFS_THIN || from >= to) {
		for (i = from; i < to; i++)
			map[i] = 0;
		return VMKFS_OK;
	}
	ret = vol_reserve(vol);
	if (ret)
		return ret;
	ret = res_alloc(vol, &vol->fbb, (uint32_t)(to - from), map + from,
			from ? VMKFS_FB_ITEM(map[from - 1]) + 1 : 0);
	vol_release(vol);
	if (ret)
		return ret;
	if (alloc == VMKFS_ZEROEDTHICK) {
		for (i = from; i < to; i++)
			map[i] |= VMKFS_FB_TBZ;
		return VMKFS_OK;
	}
	/* eager zeroing, one request per run of consecutive blocks */
	for (i = from; i < to && !ret; i += run) {
		for (run = 1; i + run < to && run < IO_RUN_MAX / vol->bs &&
		     VMKFS_FB_ITEM(map[i + run]) == VMKFS_FB_ITEM(map[i]) + run; run++)
			;
		ret = lvm_zero(vol, (uint64_t)VMKFS_FB_ITEM(map[i]) * vol->bs,
			       run * vol->bs);
	}
	if (ret) {
		vol_reserve(vol);
		res_free_list(vol, map + from, (uint32_t)(to - from));
		vol_release(vol);
	}
	return ret;
}

static int check_size(struct vmkfs_vol *vol, const char *path, uint64_t size)
{
	uint64_t max = (uint64_t)VMKFS_INODE_BLOCKS * VMKFS_PB_IDS * vol->bs;

	if (size > max || size > (uint64_t)vol->fbb.total * vol->bs)
		return vmkfs_err(vol, VMKFS_EFBIG,
				 "%s: %llu bytes is more than a %u-byte-block volume of %u blocks can hold",
				 path, (unsigned long long)size, vol->bs,
				 vol->fbb.total);
	return VMKFS_OK;
}

int vmkfs_create(struct vmkfs_vol *vol, const char *path, uint64_t size,
		 enum vmkfs_alloc alloc)
{
	char name[VMKFS_NAME_MAX + 1];
	struct vmkfs_inode dir, ino;
	uint32_t *map = NULL;
	/* small thin files live in sub-blocks, as ESX keeps descriptors */
	bool sub = alloc == VMKFS_THIN && size <= vol->sbc.data_size;
	uint64_t bsz = sub ? vol->sbc.data_size : vol->bs;
	uint64_t n = (size + bsz - 1) / bsz;
	bool have_inode = false;
	int ret = op_begin(vol, true);

	if (ret)
		return ret;
	ret = check_size(vol, path, size);
	if (!ret)
		ret = vol_reserve(vol);
	if (ret)
		return op_end(vol, ret);
	ret = lookup_new(vol, path, &dir, name);
	if (!ret)
		ret = new_inode(vol, &ino, VMKFS_TYPE_FILE, FILE_MODE,
				sub ? VMKFS_BLK_SB : VMKFS_BLK_FB, bsz);
	vol_release(vol);
	if (ret)
		return op_end(vol, ret);
	have_inode = true;
	map = vmkfs_alloc((n ? n : 1) * sizeof(*map));
	ret = map ? alloc_blocks(vol, map, 0, n, alloc) :
		    vmkfs_err(vol, VMKFS_ENOMEM, "no memory for %llu block ids",
			      (unsigned long long)n);
	if (!ret)
		ret = vol_flush(vol);
	if (!ret)
		ret = vol_reserve(vol);
	if (ret)
		goto fail;
	/* commit the descriptor, then link it */
	ret = inode_commit_map(vol, &ino, map, n, size);
	if (!ret)
		ret = vol_flush(vol);
	/* another host may have taken the name meanwhile */
	if (!ret)
		ret = lookup_new(vol, path, &dir, name);
	if (!ret)
		ret = dir_add(vol, &dir, name, &ino);
	if (!ret)
		ret = vol_flush(vol);
	if (!ret) {
		vol_release(vol);
		vmkfs_free(map);
		return op_end(vol, VMKFS_OK);
	}
	vol_release(vol);
fail:
	if (have_inode && vol_reserve(vol) == VMKFS_OK) {
		/* best effort: the check reclaims whatever this leaves */
		if (map && n && alloc != VMKFS_THIN && ino.blk_count == 0)
			res_free_list(vol, map, (uint32_t)n);
		if (ino.blk_count)
			destroy_inode(vol, &ino);
		else
			res_free(vol, ino.id);
		vol_release(vol);
	}
	vmkfs_free(map);
	return op_end(vol, ret);
}

int vmkfs_mkdir(struct vmkfs_vol *vol, const char *path)
{
	char name[VMKFS_NAME_MAX + 1];
	uint8_t de[2 * VMKFS_DIRENT_LEN] = { 0 };
	struct vmkfs_inode dir, ino;
	uint32_t sb = 0, blen;
	uint64_t pos;
	int ret = op_begin_reserved(vol);

	if (ret)
		return ret;
	ret = lookup_new(vol, path, &dir, name);
	if (!ret)
		ret = new_inode(vol, &ino, VMKFS_TYPE_DIR, DIR_MODE, VMKFS_BLK_SB,
				vol->sbc.data_size);
	if (ret)
		goto out;
	ino.nlink = 2;
	ret = res_alloc(vol, &vol->sbc, 1, &sb, 0);
	if (!ret)
		ret = blk_pos(vol, sb, &pos, &blen);
	if (!ret)
		ret = lvm_zero(vol, pos, blen);
	put32(de, VMKFS_DE_TYPE, VMKFS_TYPE_DIR);
	put32(de, VMKFS_DE_ID, ino.id);
	put32(de, VMKFS_DE_RECORD, ino.id2);
	de[VMKFS_DE_NAME] = '.';
	put32(de + VMKFS_DIRENT_LEN, VMKFS_DE_TYPE, VMKFS_TYPE_DIR);
	put32(de + VMKFS_DIRENT_LEN, VMKFS_DE_ID, dir.id);
	put32(de + VMKFS_DIRENT_LEN, VMKFS_DE_RECORD, dir.id2);
	de[VMKFS_DIRENT_LEN + VMKFS_DE_NAME] = '.';
	de[VMKFS_DIRENT_LEN + VMKFS_DE_NAME + 1] = '.';
	if (!ret)
		ret = lvm_write(vol, pos, de, sizeof(de));
	if (!ret) {
		ino.blocks[0] = sb;
		ino.blk_count = 1;
		ino.size = sizeof(de);
		ret = inode_write(vol, &ino);
	}
	if (!ret)
		ret = vol_flush(vol);
	if (!ret) {
		dir.nlink++;
		ret = dir_add(vol, &dir, name, &ino);
	}
	if (!ret)
		ret = vol_flush(vol);
	if (ret) {
		if (ino.blk_count)
			destroy_inode(vol, &ino);
		else if (sb)
			res_free(vol, sb);
		if (!ino.blk_count)
			res_free(vol, ino.id);
	}
out:
	vol_release(vol);
	return op_end(vol, ret);
}

/* unlink `name` (slot found again under the reservation) */
static int unlink_locked(struct vmkfs_vol *vol, const char *path,
			 struct vmkfs_inode *ino, bool want_dir)
{
	char name[VMKFS_NAME_MAX + 1];
	struct vmkfs_inode dir;
	uint64_t slot;
	uint32_t id;
	int ret = path_parent(vol, path, &dir, name);

	if (!ret)
		ret = dir_lookup(vol, &dir, name, &id, &slot);
	if (ret == VMKFS_ENOENT)
		return vmkfs_err(vol, ret, "%s does not exist", path);
	if (!ret && id != ino->id)
		return vmkfs_err(vol, VMKFS_EBUSY, "%s was replaced meanwhile", path);
	if (!ret)
		ret = inode_read(vol, id, ino);
	if (ret)
		return ret;
	if (want_dir && ino->size != 2 * VMKFS_DIRENT_LEN)
		return vmkfs_err(vol, VMKFS_ENOTEMPTY, "%s is not empty", path);
	if (want_dir)
		dir.nlink--;
	ret = dir_remove(vol, &dir, slot);
	if (!ret)
		ret = vol_flush(vol);
	if (!ret && !want_dir && ino->nlink > 1) {
		ino->nlink--;
		return inode_write(vol, ino);
	}
	if (!ret)
		ret = destroy_inode(vol, ino);
	return ret;
}

static int remove_path(struct vmkfs_vol *vol, const char *path, bool want_dir)
{
	struct vmkfs_inode ino;
	int ret = op_begin(vol, true);

	if (ret)
		return ret;
	ret = path_resolve(vol, path, &ino);
	if (!ret && ino.id == VMKFS_ROOT_ID)
		ret = vmkfs_err(vol, VMKFS_EINVAL, "cannot remove the root directory");
	if (!ret && ino.type == VMKFS_TYPE_META)
		ret = vmkfs_err(vol, VMKFS_EINVAL, "%s is a system file", path);
	if (!ret && want_dir && ino.type != VMKFS_TYPE_DIR)
		ret = vmkfs_err(vol, VMKFS_ENOTDIR, "%s is not a directory", path);
	if (!ret && !want_dir && ino.type == VMKFS_TYPE_DIR)
		ret = vmkfs_err(vol, VMKFS_EISDIR, "%s is a directory", path);
	/* a file in use by any host cannot go: take its lock first */
	if (!ret && !want_dir)
		ret = lock_acquire(vol, &ino, true);
	if (ret)
		return op_end(vol, ret);
	ret = vol_reserve(vol);
	if (!ret) {
		ret = unlink_locked(vol, path, &ino, want_dir);
		vol_release(vol);
	}
	/* a file that keeps other names (or failed to go) keeps no lock */
	if (!want_dir) {
		int rel = lock_release(vol, &ino);

		ret = ret ? ret : rel;
	}
	return op_end(vol, ret);
}

int vmkfs_unlink(struct vmkfs_vol *vol, const char *path)
{
	return remove_path(vol, path, false);
}

int vmkfs_rmdir(struct vmkfs_vol *vol, const char *path)
{
	return remove_path(vol, path, true);
}

int vmkfs_rename(struct vmkfs_vol *vol, const char *from, const char *to)
{
	char fname[VMKFS_NAME_MAX + 1], tname[VMKFS_NAME_MAX + 1];
	struct vmkfs_inode fdir, tdir, ino;
	uint64_t slot;
	uint32_t id;
	int ret = op_begin_reserved(vol);

	if (ret)
		return ret;
	ret = path_parent(vol, from, &fdir, fname);
	if (!ret)
		ret = dir_lookup(vol, &fdir, fname, &id, &slot);
	if (ret == VMKFS_ENOENT)
		ret = vmkfs_err(vol, ret, "%s does not exist", from);
	if (!ret)
		ret = inode_read(vol, id, &ino);
	if (!ret && ino.type == VMKFS_TYPE_META)
		ret = vmkfs_err(vol, VMKFS_EINVAL, "%s is a system file", from);
	if (!ret)
		ret = path_parent(vol, to, &tdir, tname);
	if (!ret && dir_lookup(vol, &tdir, tname, &id, NULL) == VMKFS_OK)
		ret = vmkfs_err(vol, VMKFS_EEXIST, "%s already exists", to);
	if (ret)
		goto out;
	if (tdir.id == fdir.id) {
		/* one sector write: atomic */
		ret = dir_rename_slot(vol, &fdir, slot, tname);
	} else if (ino.type == VMKFS_TYPE_DIR) {
		ret = vmkfs_err(vol, VMKFS_EINVAL,
				"%s: moving a directory to another parent is not supported",
				from);
	} else {
		/* link count covers both names while both may exist */
		ino.nlink++;
		ret = inode_write(vol, &ino);
		if (!ret)
			ret = vol_flush(vol);
		if (!ret)
			ret = dir_add(vol, &tdir, tname, &ino);
		if (!ret)
			ret = vol_flush(vol);
		if (!ret)
			ret = path_parent(vol, from, &fdir, fname);
		if (!ret)
			ret = dir_lookup(vol, &fdir, fname, &id, &slot);
		if (!ret)
			ret = dir_remove(vol, &fdir, slot);
		if (!ret)
			ret = vol_flush(vol);
		if (!ret) {
			ino.nlink--;
			ret = inode_write(vol, &ino);
		}
	}
	if (!ret)
		ret = vol_flush(vol);
out:
	vol_release(vol);
	return op_end(vol, ret);
}

static void fill_stat(struct vmkfs_vol *vol, const struct vmkfs_inode *ino,
		      struct vmkfs_stat *st)
{
	vmkfs_memset(st, 0, sizeof(*st));
	st->id = ino->id;
	st->type = ino->type;
	st->mode = ino->mode;
	st->nlink = ino->nlink;
	st->size = ino->size;
	st->alloc_blocks = ino->blk_count;
	st->tbz_blocks = ino->tbz;
	st->block_size = (uint32_t)ino->blk_size;
	st->mtime = ino->mtime;
	st->ctime = ino->ctime;
	lock_describe(vol, ino, st);
}

int vmkfs_stat(struct vmkfs_vol *vol, const char *path, struct vmkfs_stat *st)
{
	struct vmkfs_inode ino;
	int ret = op_begin(vol, false);

	if (ret)
		return ret;
	ret = path_resolve(vol, path, &ino);
	if (!ret)
		fill_stat(vol, &ino, st);
	return op_end(vol, ret);
}

struct readdir_ent {
	char name[VMKFS_NAME_MAX + 2];
	struct vmkfs_stat st;
};

/*
 * The largest directory (256 blocks of the largest size, inode_validate())
 * gives vmkfs_readdir() an array that still fits the vmkernel's 32-bit
 * size_t (the freestanding build checks this for i386).
 */
_Static_assert(((uint64_t)VMKFS_INODE_BLOCKS * VMKFS_BLKSIZE_MAX / VMKFS_DIRENT_LEN + 1) *
	       sizeof(struct readdir_ent) <= (size_t)-1,
	       "a directory's entries can wrap size_t");

struct readdir_ctx {
	struct vmkfs_vol *vol;
	struct readdir_ent *ents;
	uint32_t n;
	uint32_t start, max;	/* the entries wanted: [start, start + max) */
	uint32_t seen;		/* entries passed so far */
	uint32_t next;		/* the first entry past them, 0: none */
	bool dots;		/* "." and ".." are entries */
};

#define READDIR_FULL	1	/* dir_foreach() stops: max entries taken */

static int readdir_one(void *arg, uint32_t slot, const char *name,
		       uint32_t type, uint32_t id)
{
	struct readdir_ctx *c = arg;
	struct vmkfs_inode ino;
	int ret;

	(void)type;
	(void)slot;
	if (!c->dots && (!name[0] || !vmkfs_memcmp(name, ".", 2) ||
			 !vmkfs_memcmp(name, "..", 3)))
		return VMKFS_OK;
	if (c->seen++ < c->start)
		return VMKFS_OK;
	if (c->n == c->max) {
		c->next = c->seen - 1;
		return READDIR_FULL;
	}
	ret = inode_read(c->vol, id, &ino);
	if (ret == VMKFS_ENOENT)
		return vmkfs_err(c->vol, VMKFS_ECORRUPT,
				 "entry %s points to free file descriptor %#x", name, id);
	if (ret)
		return ret;
	vmkfs_memcpy(c->ents[c->n].name, name, VMKFS_NAME_MAX + 2);
	fill_stat(c->vol, &ino, &c->ents[c->n].st);
	c->n++;
	return VMKFS_OK;
}

static int readdir_range(struct vmkfs_vol *vol, const char *path, uint32_t start,
			 uint32_t max, bool dots, vmkfs_readdir_cb cb, void *arg,
			 uint32_t *next)
{
	struct readdir_ctx c = { vol, NULL, 0, start, 0, 0, 0, dots };
	struct vmkfs_inode dir;
	uint32_t i;
	int ret = op_begin(vol, false);

	if (ret)
		return ret;
	ret = path_resolve(vol, path, &dir);
	if (!ret && dir.type != VMKFS_TYPE_DIR)
		ret = vmkfs_err(vol, VMKFS_ENOTDIR, "%s is not a directory", path);
	if (!ret) {
		/* entries are collected first: the callback may use the volume */
		c.max = dir.size / VMKFS_DIRENT_LEN + 1 < max ?
			(uint32_t)(dir.size / VMKFS_DIRENT_LEN + 1) : max;
		c.ents = vmkfs_alloc(((size_t)c.max + 1) * sizeof(*c.ents));
		ret = c.ents ? dir_foreach(vol, &dir, readdir_one, &c) : VMKFS_ENOMEM;
		if (ret == READDIR_FULL)
			ret = VMKFS_OK;
	}
	op_end(vol, ret);
	for (i = 0; !ret && i < c.n; i++)
		ret = cb(arg, c.ents[i].name, &c.ents[i].st);
	vmkfs_free(c.ents);
	if (!ret && next)
		*next = c.next;
	return ret;
}

int vmkfs_readdir_from(struct vmkfs_vol *vol, const char *path, uint32_t start,
		       uint32_t max, vmkfs_readdir_cb cb, void *arg, uint32_t *next)
{
	return readdir_range(vol, path, start, max, false, cb, arg, next);
}

int vmkfs_readdir(struct vmkfs_vol *vol, const char *path,
		  vmkfs_readdir_cb cb, void *arg)
{
	return readdir_range(vol, path, 0, UINT32_MAX, true, cb, arg, NULL);
}

int vmkfs_open(struct vmkfs_vol *vol, const char *path, unsigned int flags,
	       struct vmkfs_file **filep)
{
	struct vmkfs_file_priv *p;
	bool rw = flags & VMKFS_O_RDWR;
	int ret = op_begin(vol, rw);

	if (ret)
		return ret;
	p = vmkfs_alloc(sizeof(*p));
	if (!p)
		return op_end(vol, VMKFS_ENOMEM);
	p->pub.vol = vol;
	p->pub.rw = rw;
	ret = path_resolve(vol, path, &p->pub.ino);
	if (!ret && p->pub.ino.type == VMKFS_TYPE_DIR)
		ret = vmkfs_err(vol, VMKFS_EISDIR, "%s is a directory", path);
	if (!ret && rw && p->pub.ino.type == VMKFS_TYPE_META)
		ret = vmkfs_err(vol, VMKFS_EINVAL, "%s is a system file", path);
	if (!ret && !vol->ro)
		ret = lock_acquire(vol, &p->pub.ino, rw);
	if (ret) {
		vmkfs_free(p);
		return op_end(vol, ret);
	}
	/* the descriptor may have changed before we held the lock */
	ret = inode_read(vol, p->pub.ino.id, &p->pub.ino);
	if (!ret)
		ret = inode_load_map(vol, &p->pub.ino, &p->map, &p->nmap, NULL, NULL);
	if (!ret) {
		ret = inode_check_map(vol, &p->pub.ino, p->map, p->nmap);
		if (!ret && rw)
			ret = own_check(vol, &p->pub.ino, path, p->map, p->nmap);
		if (ret)
			vmkfs_free(p->map);
	}
	if (ret) {
		if (!vol->ro)
			lock_release(vol, &p->pub.ino);
		vmkfs_free(p);
		return op_end(vol, ret);
	}
	vol->open_files++;
	*filep = &p->pub;
	return op_end(vol, VMKFS_OK);
}

int vmkfs_close(struct vmkfs_file *f)
{
	struct vmkfs_vol *vol = f->vol;
	int ret = op_begin(vol, false);

	if (!vol->ro)
		ret = lock_release(vol, &f->ino);
	vol->open_files--;
	vmkfs_free(priv(f)->map);
	vmkfs_free(f);
	return op_end(vol, ret);
}

uint64_t vmkfs_file_size(const struct vmkfs_file *f)
{
	return f->ino.size;
}

/*
 * Give block idx real contents: allocate a hole, or clear a TBZ block. The
 * block is filled with `data` (a whole block) or zeroes before the map
 * points at it, so no crash can expose stale contents.
 */
static int materialize(struct vmkfs_file *f, uint64_t idx, const uint8_t *data)
{
	struct vmkfs_vol *vol = f->vol;
	struct vmkfs_file_priv *p = priv(f);
	bool sub = f->ino.zla == VMKFS_BLK_SB;
	uint32_t blk = p->map[idx], old = blk, blen;
	uint64_t pos;
	int ret = VMKFS_OK;

	if (!blk) {
		ret = vol_reserve(vol);
		if (!ret) {
			ret = res_alloc(vol, sub ? &vol->sbc : &vol->fbb, 1, &blk,
					idx && !sub ? VMKFS_FB_ITEM(p->map[idx - 1]) + 1 : 0);
			vol_release(vol);
		}
		if (ret)
			return ret;
	}
	ret = blk_pos(vol, blk, &pos, &blen);
	if (!ret)
		ret = data ? lvm_write_data(vol, pos, data, blen) : lvm_zero(vol, pos, blen);
	if (!ret)
		ret = vol_flush(vol);
	if (!ret)
		ret = vol_reserve(vol);
	if (ret)
		goto undo;
	p->map[idx] = blk & ~VMKFS_FB_TBZ;
	if (f->ino.zla == VMKFS_BLK_PB) {
		ret = inode_commit_entry(vol, &f->ino, p->map, p->nmap, idx);
	} else {
		ret = inode_commit_map(vol, &f->ino, p->map, p->nmap, f->ino.size);
	}
	vol_release(vol);
	if (!ret)
		return VMKFS_OK;
	p->map[idx] = old;
undo:
	if (!old && vol_reserve(vol) == VMKFS_OK) {
		res_free(vol, blk);
		vol_release(vol);
	}
	return ret;
}

static int64_t file_io(struct vmkfs_file *f, bool write, uint8_t *buf,
		       size_t len, uint64_t off)
{
	struct vmkfs_vol *vol = f->vol;
	struct vmkfs_file_priv *p = priv(f);
	uint64_t bs = f->ino.blk_size, done = 0;
	int ret = op_begin(vol, write);

	if (ret)
		return ret;
	if (write && !f->rw)
		return op_end(vol, vmkfs_err(vol, VMKFS_EROFS,
					     "file %#x is open read-only", f->ino.id));
	if (off >= f->ino.size || !len) {
		if (write && len)
			ret = vmkfs_err(vol, VMKFS_EFBIG,
					"write at %llu is past the end of file %#x (%llu bytes): extend it first",
					(unsigned long long)off, f->ino.id,
					(unsigned long long)f->ino.size);
		return op_end(vol, ret);
	}
	if (len > f->ino.size - off) {
		if (write)
			return op_end(vol, vmkfs_err(vol, VMKFS_EFBIG,
				"write of %zu bytes at %llu runs past the end of file %#x (%llu bytes)",
				len, (unsigned long long)off, f->ino.id,
				(unsigned long long)f->ino.size));
		len = (size_t)(f->ino.size - off);
	}
	while (done < len && !ret) {
		uint64_t idx = off / bs, in = off % bs, n = bs - in, run = 1, pos = 0;
		uint32_t blk = p->map[idx], blen;

		if (write && (!blk || (blk & VMKFS_FB_TBZ))) {
			/* a whole block written: its data replaces the zeroing */
			bool whole = !in && len - done >= bs;

			ret = materialize(f, idx, whole ? buf + done : NULL);
			if (ret)
				break;
			if (whole) {
				done += bs;
				off += bs;
				continue;
			}
			blk = p->map[idx];
		}
		/* extend over physically consecutive file blocks */
		while (VMKFS_BLK_TYPE(blk) == VMKFS_BLK_FB && !(blk & VMKFS_FB_TBZ) &&
		       idx + run < p->nmap &&
		       p->map[idx + run] == blk + (run << 6) &&
		       n + bs <= IO_RUN_MAX && done + n < len) {
			n += bs;
			run++;
		}
		if (n > len - done)
			n = len - done;
		/* the map's ids were checked at open (inode_check_map) */
		if (!blk || (blk & VMKFS_FB_TBZ))
			vmkfs_memset(buf + done, 0, n);
		else if ((ret = blk_pos(vol, blk, &pos, &blen)) != VMKFS_OK)
			break;
		else if (write)
			ret = lvm_write_data(vol, pos + in, buf + done, n);
		else
			ret = lvm_read_data(vol, pos + in, buf + done, n);
		done += n;
		off += n;
	}
	if (!ret && !vol->ro)
		ret = hb_tick(vol);
	return op_end(vol, ret ? ret : (int64_t)done);
}

int64_t vmkfs_pread(struct vmkfs_file *f, void *buf, size_t len, uint64_t off)
{
	return file_io(f, false, buf, len, off);
}

int64_t vmkfs_pwrite(struct vmkfs_file *f, const void *buf, size_t len,
		     uint64_t off)
{
	return file_io(f, true, (uint8_t *)buf, len, off);
}

/* Is map entry m a file block still to be zeroed? */
static bool pending_zero(uint32_t m)
{
	return VMKFS_BLK_TYPE(m) == VMKFS_BLK_FB && (m & VMKFS_FB_TBZ);
}

/* Zeroed: map[first..last)'s pending blocks lose their flags, on disk first. */
static int commit_zeroed(struct vmkfs_file *f, uint64_t first, uint64_t last)
{
	struct vmkfs_vol *vol = f->vol;
	struct vmkfs_file_priv *p = priv(f);
	uint32_t *map = vmkfs_alloc(p->nmap * sizeof(*map) + 4);
	uint64_t idx;
	int ret;

	if (!map)
		return VMKFS_ENOMEM;
	vmkfs_memcpy(map, p->map, p->nmap * sizeof(*map));
	for (idx = first; idx < last; idx++)
		if (pending_zero(map[idx]))
			map[idx] &= ~VMKFS_FB_TBZ;
	ret = vol_flush(vol);
	if (!ret)
		ret = vol_reserve(vol);
	if (!ret) {
		ret = inode_commit_entries(vol, &f->ino, map, p->nmap, first, last);
		vol_release(vol);
	}
	if (!ret)
		vmkfs_memcpy(p->map, map, p->nmap * sizeof(*map));
	vmkfs_free(map);
	return ret;
}

/*
 * The first max pending blocks are zeroed in runs of consecutive blocks,
 * made durable, and only then lose their flags in one map commit: a crash
 * in between leaves them pending (zeroed twice), never stale.
 */
int vmkfs_zero_pending(struct vmkfs_file *f, uint32_t max, uint64_t deadline_us,
		       uint64_t *left)
{
	struct vmkfs_vol *vol = f->vol;
	struct vmkfs_file_priv *p = priv(f);
	uint64_t idx, run, first = 0, last = 0, pending = 0;
	uint64_t run_max = ZERO_RUN_MAX / vol->bs ? ZERO_RUN_MAX / vol->bs : 1;
	uint32_t done = 0;
	bool stop = false;
	int ret = op_begin_file_write(f);

	if (ret)
		return ret;
	for (idx = 0; idx < p->nmap && !ret; idx += run) {
		run = 1;
		if (!pending_zero(p->map[idx]))
			continue;
		/* At least one run per call, so each call gets somewhere. */
		if (done == max || (done && deadline_us && vmkfs_time_us() >= deadline_us))
			stop = true;
		if (stop) {
			pending++;
			continue;
		}
		while (idx + run < p->nmap && done + run < max && run < run_max &&
		       pending_zero(p->map[idx + run]) &&
		       VMKFS_FB_ITEM(p->map[idx + run]) == VMKFS_FB_ITEM(p->map[idx]) + run)
			run++;
		ret = lvm_zero(vol, (uint64_t)VMKFS_FB_ITEM(p->map[idx]) * vol->bs, run * vol->bs);
		if (!done)
			first = idx;
		done += (uint32_t)run;
		last = idx + run;
	}
	if (!ret && done)
		ret = commit_zeroed(f, first, last);
	if (!ret)
		ret = hb_tick(vol);
	if (!ret)
		*left = pending;
	return op_end(vol, ret);
}

int vmkfs_fsync(struct vmkfs_file *f)
{
	int ret = op_begin(f->vol, false);

	if (!ret)
		ret = vol_flush(f->vol);
	return op_end(f->vol, ret);
}

int vmkfs_truncate(struct vmkfs_file *f, uint64_t size, enum vmkfs_alloc alloc)
{
	struct vmkfs_vol *vol = f->vol;
	struct vmkfs_file_priv *p = priv(f);
	uint64_t bsz = f->ino.blk_size, n = (size + bsz - 1) / bsz, i, k = 0;
	uint32_t *map;
	int ret = op_begin_file_write(f);

	if (ret)
		return ret;
	ret = check_size(vol, "file", size);
	if (!ret && f->ino.zla == VMKFS_BLK_SB && n > VMKFS_INODE_BLOCKS)
		ret = vmkfs_err(vol, VMKFS_EFBIG,
				"file %#x is kept in sub-blocks: at most %llu bytes",
				f->ino.id, (unsigned long long)VMKFS_INODE_BLOCKS * bsz);
	if (ret)
		return op_end(vol, ret);
	/* sub-block files grow thin: sub-blocks have no to-be-zeroed flag */
	if (f->ino.zla == VMKFS_BLK_SB)
		alloc = VMKFS_THIN;
	map = vmkfs_alloc((n > p->nmap ? n : p->nmap) * sizeof(*map) + 4);
	if (!map)
		return op_end(vol, VMKFS_ENOMEM);
	vmkfs_memcpy(map, p->map, p->nmap * sizeof(*map));
	if (n > p->nmap)
		ret = alloc_blocks(vol, map, p->nmap, n, alloc);
	if (!ret)
		ret = vol_flush(vol);
	if (!ret)
		ret = vol_reserve(vol);
	if (ret)
		goto out;
	ret = inode_commit_map(vol, &f->ino, map, n, size);
	if (!ret)
		ret = vol_flush(vol);
	if (!ret && n < p->nmap) {
		/* free what the shrunk map no longer holds */
		uint32_t *gone = vmkfs_alloc((p->nmap - n) * sizeof(*gone));

		for (i = n; gone && i < p->nmap; i++)
			if (p->map[i])
				gone[k++] = p->map[i];
		ret = !gone ? VMKFS_ENOMEM :
		      k ? res_free_list(vol, gone, (uint32_t)k) : VMKFS_OK;
		if (!ret)
			ret = vol_flush(vol);
		vmkfs_free(gone);
	}
	vol_release(vol);
	if (!ret) {
		vmkfs_free(p->map);
		p->map = map;
		p->nmap = n;
		return op_end(vol, VMKFS_OK);
	}
out:
	vmkfs_free(map);
	return op_end(vol, ret);
}
