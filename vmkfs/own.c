// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmkfs: block ownership, checked before a file is opened read-write. A
 * volume is input from outside (another host, a crafted image): a file
 * whose map names a block of another file, of a directory or of the
 * volume's metadata would send its writes there. The file's blocks
 * (data ids and pointer blocks) must be allocated in their bitmaps, lie
 * outside the volume header's blocks and be named by no other file the
 * namespace reaches. Cost, once per read-write open: the file's bitmap
 * entries (1 KiB each, consecutive blocks share one), then one walk of
 * the namespace, breadth first and without recursion (nesting has no
 * limit, the vmkernel's stacks are small): every directory's blocks, every descriptor once
 * (2 KiB; at most the FDC's, 30720 on the largest volume) and every
 * pointer block (4 KiB per 1024 blocks). Memory: one bit per file block,
 * sub-block and pointer block, and 8 bytes per descriptor slot.
 */
#include "vmkfs/internal.h"

/* the other owner's path, its head cut: the message has VMKFS_ERRMSG_LEN */
#define WHERE_LEN	96

struct own {
	struct vmkfs_vol *vol;
	const struct vmkfs_inode *self;
	const char *path;		/* the file being opened */
	uint8_t *fb, *sb, *pb;		/* bit per item: named by the file */
	uint8_t *seen;			/* bit per descriptor slot: reached */
	uint32_t *parent;		/* per slot: the directory it was reached in */
	uint32_t *queue, nq;		/* directories (slots) to walk */
	struct vmkfs_inode *ino, *dir;
	uint32_t cur;			/* slot being looked at, UINT32_MAX: a resource file */
	uint32_t hit;			/* a block of ours it names, or 0 */
	char where[WHERE_LEN];		/* the other owner, for the message */
};

static bool bit(const uint8_t *b, uint32_t i)
{
	return b[i / 8] & (1u << (i % 8));
}

static void set_bit(uint8_t *b, uint32_t i)
{
	b[i / 8] |= 1u << (i % 8);
}

/* the file's bit for block id, or NULL when the id is outside the volume */
static uint8_t *own_bits(struct own *o, uint32_t id, uint32_t *idx)
{
	struct vmkfs_res *res = res_for_id(o->vol, id);

	*idx = res ? res_index(res, id) : UINT32_MAX;
	if (*idx == UINT32_MAX || res->type == VMKFS_BLK_FD)
		return NULL;
	return res->type == VMKFS_BLK_FB ? o->fb :
	       res->type == VMKFS_BLK_SB ? o->sb : o->pb;
}

static uint32_t fd_of_slot(struct vmkfs_vol *vol, uint32_t slot)
{
	return VMKFS_FD_ID(slot / vol->fdc.ipe, slot % vol->fdc.ipe);
}

/* what the operator can do: --repair marks used blocks allocated, no more */
#define REPAIR	"; run vmkfstools --check --repair"
#define RESTORE	"; vmkfstools --check reports it, --repair cannot fix it: " \
		"restore or delete the file"
#define REFUSE(o, id, fmt, ...) \
	vmkfs_err((o)->vol, VMKFS_ECORRUPT, "%s block %#x " fmt, (o)->path, \
		  (id) & ~VMKFS_FB_TBZ, __VA_ARGS__)

/* (a) and (b) for one of the file's own ids, and mark it */
static int own_mark(struct own *o, uint32_t id, uint8_t *bme, uint32_t *bme_at)
{
	struct vmkfs_res *res = res_for_id(o->vol, id);
	uint32_t idx, e, it;
	uint8_t *bits = own_bits(o, id, &idx);
	uint64_t pos;
	int ret;

	if (!bits)
		return REFUSE(o, id, "is outside the volume%s", RESTORE);
	if (res->type == VMKFS_BLK_FB && (uint64_t)idx * o->vol->bs < VMKFS_HB_END)
		return REFUSE(o, id, "is the volume header's (%s)%s", ".vh.sf", RESTORE);
	res_split(res, id & ~VMKFS_FB_TBZ, &e, &it);
	if (*bme_at != (res->type << 24 | e)) {
		ret = bme_read(o->vol, res, e, bme, &pos);
		if (ret)
			return ret;
		*bme_at = res->type << 24 | e;
	}
	if (bit(bme + VMKFS_BME_BITMAP, it))
		return REFUSE(o, id, "is free in %s%s", res->name, REPAIR);
	set_bit(bits, idx);
	return VMKFS_OK;
}

/* the file's pointer blocks, then its data blocks */
static int own_mark_file(struct own *o, const uint32_t *map, uint64_t n)
{
	const struct vmkfs_inode *ino = o->self;
	uint8_t *bme = vmkfs_alloc(VMKFS_BME_LEN);
	uint32_t bme_at = UINT32_MAX;
	uint64_t i;
	int ret = bme ? VMKFS_OK : VMKFS_ENOMEM;

	for (i = 0; !ret && ino->zla == VMKFS_BLK_PB &&
		    i < (n + VMKFS_PB_IDS - 1) / VMKFS_PB_IDS; i++)
		if (ino->blocks[i])
			ret = own_mark(o, ino->blocks[i], bme, &bme_at);
	for (i = 0; !ret && i < n; i++)
		if (map[i])
			ret = own_mark(o, map[i], bme, &bme_at);
	vmkfs_free(bme);
	return ret;
}

/* (c): an id the file or directory o->cur uses; a hit ends the walk */
static int other_uses(void *arg, uint32_t id)
{
	struct own *o = arg;
	uint32_t idx;
	uint8_t *bits = own_bits(o, id, &idx);

	if (!bits || !bit(bits, idx))
		return VMKFS_OK;
	o->hit = id;
	return VMKFS_ECORRUPT;
}

static int other_uses_all(struct own *o, const struct vmkfs_inode *ino)
{
	uint32_t *map;
	uint64_t n, i;
	int ret = inode_load_map(o->vol, ino, &map, &n, other_uses, o);

	if (!ret) {
		for (i = 0; !ret && i < n; i++)
			if (map[i])
				ret = other_uses(o, map[i]);
		vmkfs_free(map);
	}
	/* a map that cannot be read cannot be written through either */
	if (ret == VMKFS_ECORRUPT && !o->hit) {
		o->vol->errmsg[0] = 0;
		return VMKFS_OK;
	}
	return ret;
}

struct walk {
	struct own *o;
	uint32_t dir;		/* slot of the directory walked */
};

static int walk_entry(void *arg, uint32_t slot, const char *name,
		      uint32_t type, uint32_t id)
{
	struct walk *w = arg;
	struct own *o = w->o;
	uint32_t idx = res_index(&o->vol->fdc, id);
	int ret;

	(void)slot;
	(void)type;
	if (!vmkfs_memcmp(name, ".", 2) || !vmkfs_memcmp(name, "..", 3) ||
	    idx == UINT32_MAX || bit(o->seen, idx))
		return VMKFS_OK;
	set_bit(o->seen, idx);
	o->parent[idx] = w->dir;
	if (id == o->self->id)
		return VMKFS_OK;	/* the file itself, by another name */
	ret = inode_read(o->vol, id, o->ino);
	if (ret == VMKFS_ENOENT || ret == VMKFS_ECORRUPT) {
		o->vol->errmsg[0] = 0;	/* cannot be opened, so not written */
		return VMKFS_OK;
	}
	o->cur = idx;
	if (!ret)
		ret = other_uses_all(o, o->ino);
	if (!ret && o->ino->type == VMKFS_TYPE_DIR)
		o->queue[o->nq++] = idx;	/* each slot once: fits */
	return ret;
}

/* every file and directory reachable from the root, each once */
static int walk_namespace(struct own *o)
{
	struct walk w = { o, 0 };
	uint32_t q;
	int ret = inode_read(o->vol, VMKFS_ROOT_ID, o->ino);

	set_bit(o->seen, 0);
	o->cur = 0;
	if (!ret)
		ret = other_uses_all(o, o->ino);
	o->queue[o->nq++] = 0;
	for (q = 0; !ret && q < o->nq; q++) {
		w.dir = o->queue[q];
		ret = inode_read(o->vol, fd_of_slot(o->vol, w.dir), o->dir);
		if (!ret)
			ret = dir_foreach(o->vol, o->dir, walk_entry, &w);
		if ((ret == VMKFS_ECORRUPT || ret == VMKFS_ENOENT) && !o->hit) {
			o->vol->errmsg[0] = 0;	/* lookups through it fail too */
			ret = VMKFS_OK;
		}
	}
	return ret;
}

struct find {
	uint32_t id;
	char *name;
};

static int find_name(void *arg, uint32_t slot, const char *name,
		     uint32_t type, uint32_t id)
{
	struct find *f = arg;

	(void)slot;
	(void)type;
	if (id != f->id || !vmkfs_memcmp(name, ".", 2) || !vmkfs_memcmp(name, "..", 3))
		return VMKFS_OK;
	vmkfs_memcpy(f->name, name, vmkfs_strlen(name) + 1);
	return 1;
}

/* o->where: the path slot was reached by, its head cut to "..." if long */
static void owner_path(struct own *o, uint32_t slot)
{
	char name[VMKFS_NAME_MAX + 2], buf[WHERE_LEN];
	struct find f = { 0, name };
	size_t at = WHERE_LEN - 1, len;
	uint32_t steps;

	buf[at] = 0;
	for (steps = 0; slot && steps < o->vol->fdc.total; steps++) {
		f.id = fd_of_slot(o->vol, slot);
		if (inode_read(o->vol, fd_of_slot(o->vol, o->parent[slot]), o->dir) ||
		    dir_foreach(o->vol, o->dir, find_name, &f) != 1)
			vmkfs_fmt(name, sizeof(name), "%#x", f.id);
		len = vmkfs_strlen(name);
		if (at < len + 1 + 4) {
			at -= 3;
			vmkfs_memcpy(buf + at, "...", 3);
			break;
		}
		at -= len;
		vmkfs_memcpy(buf + at, name, len);
		buf[--at] = '/';
		slot = o->parent[slot];
	}
	if (at == WHERE_LEN - 1)
		buf[--at] = '/';
	vmkfs_memcpy(o->where, buf + at, WHERE_LEN - at);
	o->vol->errmsg[0] = 0;
}

/* the resource files as the volume uses them (not looked up by name) */
static int walk_metadata(struct own *o)
{
	struct vmkfs_res *res[] = { &o->vol->fdc, &o->vol->fbb, &o->vol->pbc,
				    &o->vol->sbc };
	unsigned int i;
	int ret = VMKFS_OK;

	o->cur = UINT32_MAX;
	for (i = 0; !ret && i < sizeof(res) / sizeof(res[0]); i++) {
		ret = other_uses_all(o, &res[i]->ino);
		if (o->hit)
			vmkfs_fmt(o->where, WHERE_LEN, "/%s", res[i]->name);
	}
	return ret;
}

/*
 * Whether file ino (opened as path, map[0..n) loaded) may be written: its
 * blocks allocated, not the volume header's, named by no other file or
 * directory and by none of the resource files. Caller holds the volume.
 */
int own_check(struct vmkfs_vol *vol, const struct vmkfs_inode *ino,
	      const char *path, const uint32_t *map, uint64_t n)
{
	/*
	 * fdc.total comes from the disk (res.c checks it against the file's
	 * size, not against memory): sized in 64 bits, so that an i386
	 * size_t cannot wrap to a short array the walk then overruns.
	 */
	uint64_t slot_bytes = ((uint64_t)vol->fdc.total + 1) * sizeof(uint32_t);
	struct own *o;
	int ret;

	if (slot_bytes > SIZE_MAX)
		return vmkfs_err(vol, VMKFS_ENOMEM, "no memory to check %s's blocks (%u file descriptors)",
				 path, vol->fdc.total);
	o = vmkfs_alloc(sizeof(*o));
	if (!o)
		return vmkfs_err(vol, VMKFS_ENOMEM, "no memory to check %s's blocks", path);
	o->vol = vol;
	o->self = ino;
	o->path = path;
	o->fb = vmkfs_alloc(vol->fbb.total / 8 + 1);
	o->sb = vmkfs_alloc(vol->sbc.total / 8 + 1);
	o->pb = vmkfs_alloc(vol->pbc.total / 8 + 1);
	o->seen = vmkfs_alloc(vol->fdc.total / 8 + 1);
	o->parent = vmkfs_alloc((size_t)slot_bytes);
	o->queue = vmkfs_alloc((size_t)slot_bytes);
	o->ino = vmkfs_alloc(sizeof(*o->ino));
	o->dir = vmkfs_alloc(sizeof(*o->dir));
	if (!o->fb || !o->sb || !o->pb || !o->seen || !o->parent || !o->queue ||
	    !o->ino || !o->dir) {
		ret = vmkfs_err(vol, VMKFS_ENOMEM,
				"no memory to check %s's blocks against the volume's", path);
		goto out;
	}
	ret = own_mark_file(o, map, n);
	if (!ret)
		ret = walk_metadata(o);
	if (!ret)
		ret = walk_namespace(o);
	if (o->hit) {
		if (o->cur != UINT32_MAX)
			owner_path(o, o->cur);
		ret = REFUSE(o, o->hit, "is also %s's: cross-linked%s",
			     o->where, RESTORE);
	}
out:
	vmkfs_free(o->fb);
	vmkfs_free(o->sb);
	vmkfs_free(o->pb);
	vmkfs_free(o->seen);
	vmkfs_free(o->parent);
	vmkfs_free(o->queue);
	vmkfs_free(o->ino);
	vmkfs_free(o->dir);
	vmkfs_free(o);
	return ret;
}
