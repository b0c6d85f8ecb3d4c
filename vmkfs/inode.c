// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmkfs: file descriptors (inodes) and their block maps. An inode's block
 * array holds, per its ZLA, file-block ids (FB), sub-block ids (SB) or
 * pointer-block ids (PB, each pointing to 1024 file-block ids). In memory
 * a file's blocks are handled as one flat map, whatever the ZLA.
 */
#include "vmkfs/internal.h"

uint64_t inode_nblocks(const struct vmkfs_inode *ino)
{
	if (!ino->blk_size)
		return 0;
	return (ino->size + ino->blk_size - 1) / ino->blk_size;
}

/* the type of the block ids a file's map holds: sub-blocks or file blocks */
uint32_t inode_data_type(const struct vmkfs_inode *ino)
{
	return ino->zla == VMKFS_BLK_SB ? VMKFS_BLK_SB : VMKFS_BLK_FB;
}

/* a fresh descriptor with one link, times set to now */
void inode_init(struct vmkfs_inode *ino, uint32_t id, uint64_t pos,
		       uint32_t type, uint32_t mode, uint32_t zla,
		       uint64_t blk_size, uint32_t gen)
{
	uint32_t now = vmkfs_time_unix();

	vmkfs_memset(ino, 0, sizeof(*ino));
	put32(ino->mdh, VMKFS_MDH_MAGIC, VMKFS_INODE_MAGIC);
	ino->pos = pos;
	ino->id = id;
	ino->id2 = gen;
	ino->nlink = 1;
	ino->type = type;
	ino->mode = mode;
	ino->zla = zla;
	ino->blk_size = blk_size;
	ino->mtime = ino->ctime = ino->atime = now;
}

void inode_decode(struct vmkfs_inode *ino, const uint8_t *b)
{
	unsigned int i;

	vmkfs_memcpy(ino->mdh, b, VMKFS_MDH_LEN);
	ino->pos = get64(b, VMKFS_MDH_POS);
	ino->id = get32(b, VMKFS_IN_ID);
	ino->id2 = get32(b, VMKFS_IN_ID2);
	ino->nlink = get32(b, VMKFS_IN_NLINK);
	ino->type = get32(b, VMKFS_IN_TYPE);
	ino->flags = get32(b, VMKFS_IN_FLAGS);
	ino->size = get64(b, VMKFS_IN_SIZE);
	ino->blk_size = get64(b, VMKFS_IN_BLK_SIZE);
	ino->blk_count = get64(b, VMKFS_IN_BLK_COUNT);
	ino->mtime = get32(b, VMKFS_IN_MTIME);
	ino->ctime = get32(b, VMKFS_IN_CTIME);
	ino->atime = get32(b, VMKFS_IN_ATIME);
	ino->uid = get32(b, VMKFS_IN_UID);
	ino->gid = get32(b, VMKFS_IN_GID);
	ino->mode = get32(b, VMKFS_IN_MODE);
	ino->zla = get32(b, VMKFS_IN_ZLA);
	ino->tbz = get32(b, VMKFS_IN_TBZ);
	ino->cow = get32(b, VMKFS_IN_COW);
	for (i = 0; i < VMKFS_INODE_BLOCKS; i++)
		ino->blocks[i] = get32(b, VMKFS_IN_BLOCKS + 4 * i);
}

void inode_encode(const struct vmkfs_inode *ino, uint8_t *b)
{
	unsigned int i;

	vmkfs_memset(b, 0, VMKFS_INODE_LEN);
	vmkfs_memcpy(b, ino->mdh, VMKFS_MDH_LEN);
	put32(b, VMKFS_MDH_MAGIC, VMKFS_INODE_MAGIC);
	put64(b, VMKFS_MDH_POS, ino->pos);
	put32(b, VMKFS_IN_ID, ino->id);
	put32(b, VMKFS_IN_ID2, ino->id2);
	put32(b, VMKFS_IN_NLINK, ino->nlink);
	put32(b, VMKFS_IN_TYPE, ino->type);
	put32(b, VMKFS_IN_FLAGS, ino->flags);
	put64(b, VMKFS_IN_SIZE, ino->size);
	put64(b, VMKFS_IN_BLK_SIZE, ino->blk_size);
	put64(b, VMKFS_IN_BLK_COUNT, ino->blk_count);
	put32(b, VMKFS_IN_MTIME, ino->mtime);
	put32(b, VMKFS_IN_CTIME, ino->ctime);
	put32(b, VMKFS_IN_ATIME, ino->atime);
	put32(b, VMKFS_IN_UID, ino->uid);
	put32(b, VMKFS_IN_GID, ino->gid);
	put32(b, VMKFS_IN_MODE, ino->mode);
	put32(b, VMKFS_IN_ZLA, ino->zla);
	put32(b, VMKFS_IN_TBZ, ino->tbz);
	put32(b, VMKFS_IN_COW, ino->cow);
	for (i = 0; i < VMKFS_INODE_BLOCKS; i++)
		put32(b, VMKFS_IN_BLOCKS + 4 * i, ino->blocks[i]);
}

/* structural validation of a decoded inode */
static int inode_validate(struct vmkfs_vol *vol, const struct vmkfs_inode *ino)
{
	uint64_t max;

	switch (ino->zla) {
	case VMKFS_BLK_FB:
		max = (uint64_t)VMKFS_INODE_BLOCKS * vol->bs;
		if (ino->blk_size != vol->bs)
			goto bad;
		break;
	case VMKFS_BLK_SB:
		max = (uint64_t)VMKFS_INODE_BLOCKS * vol->sbc.data_size;
		if (ino->blk_size != vol->sbc.data_size)
			goto bad;
		break;
	case VMKFS_BLK_PB:
		max = (uint64_t)VMKFS_INODE_BLOCKS * VMKFS_PB_IDS * vol->bs;
		if (ino->blk_size != vol->bs)
			goto bad;
		break;
	default:
		goto bad;
	}
	if (ino->size > max || ino->type < VMKFS_TYPE_DIR ||
	    ino->type > VMKFS_TYPE_META)
		goto bad;
	return VMKFS_OK;
bad:
	return vmkfs_err(vol, VMKFS_ECORRUPT,
			 "file descriptor %#x at LVM offset %#llx is damaged (type %u, zla %u, block size %llu, size %llu)",
			 ino->id, (unsigned long long)ino->pos, ino->type,
			 ino->zla, (unsigned long long)ino->blk_size,
			 (unsigned long long)ino->size);
}

/* VMKFS_ENOENT for a never-used or freed slot */
int inode_read(struct vmkfs_vol *vol, uint32_t id, struct vmkfs_inode *ino)
{
	uint8_t *b = vmkfs_alloc(VMKFS_INODE_LEN);
	uint32_t e, it, magic;
	uint64_t pos;
	int ret;

	if (!b)
		return VMKFS_ENOMEM;
	if (VMKFS_BLK_TYPE(id) != VMKFS_BLK_FD) {
		ret = vmkfs_err(vol, VMKFS_ECORRUPT, "%#x is not a file descriptor id", id);
		goto out;
	}
	res_split(&vol->fdc, id, &e, &it);
	ret = res_item_pos(vol, &vol->fdc, e, it, &pos);
	if (!ret)
		ret = lvm_read(vol, pos, b, VMKFS_INODE_LEN);
	if (ret)
		goto out;
	inode_decode(ino, b);
	magic = get32(b, VMKFS_MDH_MAGIC);
	if (magic == 0 || (magic == VMKFS_INODE_MAGIC && ino->nlink == 0 &&
			   ino->id == 0)) {
		ret = VMKFS_ENOENT;
		goto out;
	}
	if (magic != VMKFS_INODE_MAGIC || ino->id != id || ino->pos != pos) {
		ret = vmkfs_err(vol, VMKFS_ECORRUPT,
				"file descriptor %#x at LVM offset %#llx has magic %#x, id %#x, position %#llx",
				id, (unsigned long long)pos, magic, ino->id,
				(unsigned long long)ino->pos);
		goto out;
	}
	ret = inode_validate(vol, ino);
out:
	vmkfs_free(b);
	return ret;
}

int inode_write(struct vmkfs_vol *vol, struct vmkfs_inode *ino)
{
	uint8_t *b = vmkfs_alloc(VMKFS_INODE_LEN);
	int ret;

	if (!b)
		return VMKFS_ENOMEM;
	inode_encode(ino, b);
	ret = lvm_write(vol, ino->pos, b, VMKFS_INODE_LEN);
	vmkfs_free(b);
	return ret;
}

/* LVM position and length of a file block or sub-block */
int blk_pos(struct vmkfs_vol *vol, uint32_t blk, uint64_t *pos, uint32_t *len)
{
	struct vmkfs_res *res = res_for_id(vol, blk);
	uint32_t e, it;

	if (!res || (res->type != VMKFS_BLK_FB && res->type != VMKFS_BLK_SB))
		return vmkfs_err(vol, VMKFS_ECORRUPT, "block id %#x is not a data block", blk);
	res_split(res, blk & ~VMKFS_FB_TBZ, &e, &it);
	*len = res->type == VMKFS_BLK_FB ? vol->bs : res->data_size;
	return res_item_pos(vol, res, e, it, pos);
}

static int pb_io(struct vmkfs_vol *vol, uint32_t pb, uint8_t *buf, bool write)
{
	uint64_t pos;
	int ret;

	if (VMKFS_BLK_TYPE(pb) != VMKFS_BLK_PB)
		return vmkfs_err(vol, VMKFS_ECORRUPT, "%#x is not a pointer block id", pb);
	ret = res_item_pos(vol, &vol->pbc, VMKFS_PB_ENTRY(pb), VMKFS_PB_ITEM(pb),
			   &pos);
	if (ret)
		return ret;
	return write ? lvm_write(vol, pos, buf, VMKFS_PB_SIZE) :
		       lvm_read(vol, pos, buf, VMKFS_PB_SIZE);
}

/*
 * The flat block map of an inode: n = number of blocks covering its size.
 * pb_cb, if set, is called for every pointer block id.
 */
int inode_load_map(struct vmkfs_vol *vol, const struct vmkfs_inode *ino,
		   uint32_t **mapp, uint64_t *np, inode_block_cb pb_cb, void *arg)
{
	uint64_t n = inode_nblocks(ino), i;
	uint32_t *map = vmkfs_alloc((n ? n : 1) * sizeof(uint32_t));
	uint8_t *pbuf = NULL;
	int ret = VMKFS_OK;

	if (!map)
		return vmkfs_err(vol, VMKFS_ENOMEM, "no memory for the map of %llu blocks",
				 (unsigned long long)n);
	if (ino->zla != VMKFS_BLK_PB) {
		for (i = 0; i < n; i++)
			map[i] = ino->blocks[i];
		goto out;
	}
	pbuf = vmkfs_alloc(VMKFS_PB_SIZE);
	if (!pbuf) {
		ret = VMKFS_ENOMEM;
		goto out;
	}
	for (i = 0; i < n && !ret; i += VMKFS_PB_IDS) {
		uint32_t pb = ino->blocks[i / VMKFS_PB_IDS], j;

		if (!pb)
			continue;	/* a hole of 1024 blocks */
		if (pb_cb)
			ret = pb_cb(arg, pb);
		if (!ret)
			ret = pb_io(vol, pb, pbuf, false);
		for (j = 0; !ret && j < VMKFS_PB_IDS && i + j < n; j++)
			map[i + j] = get32(pbuf, 4 * j);
	}
out:
	vmkfs_free(pbuf);
	if (ret) {
		vmkfs_free(map);
		return ret;
	}
	*mapp = map;
	*np = n;
	return VMKFS_OK;
}

/*
 * Every id of map[0..n) is a hole or a data block of the file's kind. The
 * data path sizes its device requests by the block an id names: a file
 * block id in a sub-block file would read or write a whole file block
 * (1 to 8 MiB) against a caller's buffer of one sub-block.
 */
int inode_check_map(struct vmkfs_vol *vol, const struct vmkfs_inode *ino,
		    const uint32_t *map, uint64_t n)
{
	uint32_t want = inode_data_type(ino);
	uint64_t i;

	for (i = 0; i < n; i++)
		if (map[i] && VMKFS_BLK_TYPE(map[i]) != want)
			return vmkfs_err(vol, VMKFS_ECORRUPT,
					 "file %#x block %llu has non-data id %#x",
					 ino->id, (unsigned long long)i, map[i]);
	return VMKFS_OK;
}

static void inode_count(struct vmkfs_inode *ino, const uint32_t *map,
			uint64_t n)
{
	uint64_t i;

	ino->blk_count = 0;
	ino->tbz = 0;
	for (i = 0; i < n; i++) {
		if (!map[i])
			continue;
		ino->blk_count++;
		if (VMKFS_BLK_TYPE(map[i]) == VMKFS_BLK_FB && (map[i] & VMKFS_FB_TBZ))
			ino->tbz++;
	}
}

static int write_pbs(struct vmkfs_vol *vol, const uint32_t *map, uint64_t n,
		     const uint32_t *pbs, uint32_t first, uint32_t last)
{
	uint8_t *pbuf = vmkfs_alloc(VMKFS_PB_SIZE);
	uint32_t p, j;
	int ret = VMKFS_OK;

	if (!pbuf)
		return VMKFS_ENOMEM;
	for (p = first; p < last && !ret; p++) {
		vmkfs_memset(pbuf, 0, VMKFS_PB_SIZE);
		for (j = 0; j < VMKFS_PB_IDS &&
			    (uint64_t)p * VMKFS_PB_IDS + j < n; j++)
			put32(pbuf, 4 * j, map[(uint64_t)p * VMKFS_PB_IDS + j]);
		ret = pb_io(vol, pbs[p], pbuf, true);
	}
	vmkfs_free(pbuf);
	return ret;
}

/*
 * Point the inode at map[0..n) and give it `size` bytes; the inode write
 * is the commit point. Growing: new pointer blocks are written before the
 * inode. Shrinking: the inode first, then pointer-block tails are cleared
 * and unused pointer blocks freed. Caller holds the reservation.
 */
int inode_commit_map(struct vmkfs_vol *vol, struct vmkfs_inode *ino,
		     const uint32_t *map, uint64_t n, uint64_t size)
{
	uint64_t n_old = inode_nblocks(ino);
	uint32_t pbs[VMKFS_INODE_BLOCKS] = { 0 };
	uint32_t npb_old, npb_new, i, first;
	bool grow = n >= n_old;
	int ret;

	if (ino->zla != VMKFS_BLK_PB && n <= VMKFS_INODE_BLOCKS) {
		for (i = 0; i < VMKFS_INODE_BLOCKS; i++)
			ino->blocks[i] = i < n ? map[i] : 0;
		ino->size = size;
		inode_count(ino, map, n);
		return inode_write(vol, ino);
	}
	if (ino->zla == VMKFS_BLK_SB || n > (uint64_t)VMKFS_INODE_BLOCKS * VMKFS_PB_IDS)
		return vmkfs_err(vol, VMKFS_EFBIG,
				 "file descriptor %#x cannot map %llu blocks",
				 ino->id, (unsigned long long)n);
	npb_old = ino->zla == VMKFS_BLK_PB ?
		  (uint32_t)((n_old + VMKFS_PB_IDS - 1) / VMKFS_PB_IDS) : 0;
	npb_new = (uint32_t)((n + VMKFS_PB_IDS - 1) / VMKFS_PB_IDS);
	for (i = 0; i < npb_old; i++)
		pbs[i] = ino->blocks[i];
	if (grow) {
		if (npb_new > npb_old) {
			ret = res_alloc(vol, &vol->pbc, npb_new - npb_old,
					pbs + npb_old, 0);
			if (ret)
				return ret;
		}
		/* the pointer block holding the old end may gain entries */
		first = npb_old ? (uint32_t)(n_old / VMKFS_PB_IDS) : 0;
		ret = write_pbs(vol, map, n, pbs, first, npb_new);
		if (ret)
			return ret;
	}
	for (i = 0; i < VMKFS_INODE_BLOCKS; i++)
		ino->blocks[i] = i < npb_new ? pbs[i] : 0;
	ino->zla = VMKFS_BLK_PB;
	ino->size = size;
	inode_count(ino, map, n);
	ret = inode_write(vol, ino);
	if (ret || grow)
		return ret;
	if (npb_new && n % VMKFS_PB_IDS)
		ret = write_pbs(vol, map, n, pbs, npb_new - 1, npb_new);
	if (!ret && npb_old > npb_new)
		ret = res_free_list(vol, pbs + npb_new, npb_old - npb_new);
	return ret;
}

int inode_foreach_block(struct vmkfs_vol *vol, const struct vmkfs_inode *ino,
			inode_block_cb cb, void *arg)
{
	uint32_t *map;
	uint64_t n, i;
	int ret = inode_load_map(vol, ino, &map, &n, cb, arg);

	if (ret)
		return ret;
	for (i = 0; !ret && i < n; i++)
		if (map[i])
			ret = cb(arg, map[i]);
	vmkfs_free(map);
	return ret;
}

/* read or write within allocated blocks of a metadata file (directories) */
int inode_rw(struct vmkfs_vol *vol, struct vmkfs_inode *ino, bool write,
	     void *buf, size_t len, uint64_t off)
{
	uint8_t *p = buf;

	while (len) {
		uint64_t idx = off / ino->blk_size, pos;
		uint32_t blk, blen, in = (uint32_t)(off % ino->blk_size), n;
		int ret;

		if (idx >= VMKFS_INODE_BLOCKS || ino->zla == VMKFS_BLK_PB)
			return vmkfs_err(vol, VMKFS_EFBIG,
					 "directory %#x offset %llu is beyond its direct blocks",
					 ino->id, (unsigned long long)off);
		blk = ino->blocks[idx];
		/* of the directory's kind, so that blen is its block size */
		ret = blk && VMKFS_BLK_TYPE(blk) == inode_data_type(ino) ?
		      blk_pos(vol, blk, &pos, &blen) :
		      vmkfs_err(vol, VMKFS_ECORRUPT,
				"directory %#x has no block %llu (id %#x)",
				ino->id, (unsigned long long)idx, blk);
		if (ret)
			return ret;
		n = blen - in < len ? blen - in : (uint32_t)len;
		ret = write ? lvm_write(vol, pos + in, p, n) :
			      lvm_read(vol, pos + in, p, n);
		if (ret)
			return ret;
		p += n;
		off += n;
		len -= n;
	}
	return VMKFS_OK;
}

/*
 * A single map entry changed: rewrite its pointer block. A hole of 1024
 * blocks (a zero pointer-block id, as thin files may have) gets a pointer
 * block first, written before the inode points at it.
 */
int inode_commit_entry(struct vmkfs_vol *vol, struct vmkfs_inode *ino,
		       const uint32_t *map, uint64_t n, uint64_t idx)
{
	uint32_t pbs[VMKFS_INODE_BLOCKS], p = (uint32_t)(idx / VMKFS_PB_IDS), pb = 0;
	int ret;

	if (ino->zla != VMKFS_BLK_PB)
		return inode_commit_map(vol, ino, map, n, ino->size);
	vmkfs_memcpy(pbs, ino->blocks, sizeof(pbs));
	if (!pbs[p]) {
		ret = res_alloc(vol, &vol->pbc, 1, &pb, 0);
		if (ret)
			return ret;
		pbs[p] = pb;
	}
	ret = write_pbs(vol, map, n, pbs, p, p + 1);
	if (!ret && pb)
		ret = vol_flush(vol);
	if (!ret) {
		ino->blocks[p] = pbs[p];
		inode_count(ino, map, n);
		ret = inode_write(vol, ino);
	}
	if (ret && pb) {
		ino->blocks[p] = 0;
		res_free(vol, pb);
	}
	return ret;
}

/*
 * Entries map[from..to) changed in place (no hole filled, none freed):
 * rewrite the pointer blocks that hold them, then the inode (its counts).
 */
int inode_commit_entries(struct vmkfs_vol *vol, struct vmkfs_inode *ino,
			 const uint32_t *map, uint64_t n, uint64_t from, uint64_t to)
{
	uint32_t first = (uint32_t)(from / VMKFS_PB_IDS), last, p;
	int ret;

	if (ino->zla != VMKFS_BLK_PB)
		return inode_commit_map(vol, ino, map, n, ino->size);
	if (from >= to || to > n)
		return VMKFS_OK;
	last = (uint32_t)((to - 1) / VMKFS_PB_IDS) + 1;
	for (p = first; p < last; p++)
		if (p >= VMKFS_INODE_BLOCKS || !ino->blocks[p])
			return vmkfs_err(vol, VMKFS_EIO,
					 "file descriptor %#x: no pointer block %u for entries that changed",
					 ino->id, p);
	ret = write_pbs(vol, map, n, ino->blocks, first, last);
	if (ret)
		return ret;
	inode_count(ino, map, n);
	return inode_write(vol, ino);
}
