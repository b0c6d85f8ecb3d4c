// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmkfs: volume creation (format), mount and unmount. Layout of a new
 * volume, in file blocks (as ESX 3.x lays it out):
 *   .vh.sf   the first 4 MiB: FS descriptor at 2 MiB, heartbeats at 3 MiB
 *   .fdc.sf  file descriptors (its first block also holds the root inode)
 *   /        the root directory, one file block
 *   .fbb.sf  .pbc.sf  .sbc.sf  the other resource files
 */
#include "vmkfs/internal.h"

#define VH_SIZE		(4u * MIB)	/* covered by .vh.sf */
#define FDC_MIN		1024u
#define FDC_MAX		30720u		/* ESX 3.x: 30720 files per volume */
#define SBC_MIN		128u
#define SBC_MAX		1024u
#define ROOT_MODE	01755u		/* as on ESX-made volumes */
#define SYSFILE_MODE	0400u

static uint64_t div_up(uint64_t a, uint64_t b)
{
	return (a + b - 1) / b;
}

static uint32_t round_up(uint32_t a, uint32_t m)
{
	return (a + m - 1) / m * m;
}

static bool valid_block_size(uint64_t bs)
{
	return bs == 1 * MIB || bs == 2 * MIB || bs == 4 * MIB || bs == VMKFS_BLKSIZE_MAX;
}

/* the block holding the FDC's header: first block after the heartbeats */
static uint32_t fdc_base(uint32_t bs)
{
	uint32_t b = VMKFS_HB_END / bs;

	return b ? b : 1;
}

static void res_geometry(struct vmkfs_res *res, const char *name,
			 uint32_t magic, uint32_t type, uint32_t ipe,
			 uint32_t data_size, uint32_t total)
{
	res->name = name;
	res->magic = magic;
	res->type = type;
	res->ipe = ipe;
	res->epa = VMKFS_EPA;
	res->hdr_size = VMKFS_RES_HDR_LEN;
	res->data_size = data_size;
	res->area_size = VMKFS_EPA * VMKFS_BME_LEN + ipe * VMKFS_EPA * data_size;
	res->total = total;
	res->areas = (uint32_t)div_up(total, (uint64_t)ipe * VMKFS_EPA);
}

static uint64_t res_file_size(const struct vmkfs_res *res)
{
	uint64_t ipa = (uint64_t)res->ipe * res->epa;

	return res->hdr_size + (uint64_t)res->areas * res->area_size -
	       ((uint64_t)res->areas * ipa - res->total) * res->data_size;
}

static void put_dirent(uint8_t *de, uint32_t type, uint32_t id, uint32_t rec,
		       const char *name)
{
	put32(de, VMKFS_DE_TYPE, type);
	put32(de, VMKFS_DE_ID, id);
	put32(de, VMKFS_DE_RECORD, rec);
	vmkfs_memcpy(de + VMKFS_DE_NAME, name, vmkfs_strlen(name));
}

/* write a resource file's header and all its bitmap entries */
static int res_format(struct vmkfs_vol *vol, const struct vmkfs_res *res,
		      uint32_t first_blk, const bool *used, uint32_t nused)
{
	uint8_t *b = vmkfs_alloc(VMKFS_RES_HDR_LEN);
	uint64_t base = (uint64_t)first_blk * vol->bs;
	uint32_t nent = (uint32_t)div_up(res->total, res->ipe), e, i;
	int ret;

	if (!b)
		return VMKFS_ENOMEM;
	put32(b, VMKFS_RES_IPE, res->ipe);
	put32(b, VMKFS_RES_EPA, res->epa);
	put32(b, VMKFS_RES_HDR_SIZE, res->hdr_size);
	put32(b, VMKFS_RES_DATA_SIZE, res->data_size);
	put32(b, VMKFS_RES_AREA_SIZE, res->area_size);
	put32(b, VMKFS_RES_TOTAL, res->total);
	put32(b, VMKFS_RES_AREAS, res->areas);
	ret = lvm_write(vol, base, b, VMKFS_RES_HDR_LEN);
	for (e = 0; e < res->areas * res->epa && !ret; e++) {
		uint64_t pos = base + res->hdr_size +
			       (uint64_t)(e / res->epa) * res->area_size +
			       (uint64_t)(e % res->epa) * VMKFS_BME_LEN;
		uint32_t total = 0, freec = 0;

		vmkfs_memset(b, 0, VMKFS_BME_LEN);
		if (e < nent) {
			total = res->total - e * res->ipe;
			if (total > res->ipe)
				total = res->ipe;
			put32(b, VMKFS_MDH_MAGIC, res->magic);
			put64(b, VMKFS_MDH_POS, pos);
			put32(b, VMKFS_BME_ID, e);
			put32(b, VMKFS_BME_TOTAL, total);
			for (i = 0; i < total; i++) {
				uint32_t item = e * res->ipe + i;

				if (item < nused && used[item])
					continue;
				b[VMKFS_BME_BITMAP + i / 8] |= 1u << (i % 8);
				freec++;
			}
			put32(b, VMKFS_BME_FREE, freec);
			bme_set_ffree(b, total);
		}
		ret = lvm_write(vol, pos, b, VMKFS_BME_LEN);
	}
	vmkfs_free(b);
	return ret;
}

static int write_volinfo(struct vmkfs_vol *vol, uint32_t segments)
{
	uint8_t *b = vmkfs_alloc(VMKFS_VOLINFO_LEN);
	uint8_t pv_uuid[16];
	char ustr[VMKFS_UUID_STR_LEN + 1];
	uint64_t now = (uint64_t)vmkfs_time_unix() * 1000000u;
	uint32_t s;
	int ret;

	if (!b)
		return VMKFS_ENOMEM;
	vmkfs_make_uuid(pv_uuid);
	put32(b, VMKFS_VI_MAGIC, VMKFS_VOLINFO_MAGIC);
	put32(b, VMKFS_VI_VERSION, VMKFS_VOLINFO_VERSION);
	vmkfs_memcpy(b + VMKFS_VI_NAME, "vmk     vmkfs", 13);
	put32(b, VMKFS_VI_SIZE, (uint32_t)(vol->dev->size / 256));
	vmkfs_memcpy(b + VMKFS_VI_UUID, pv_uuid, 16);
	put64(b, VMKFS_VI_CTIME, now);
	put64(b, VMKFS_VI_MTIME, now);
	put64(b, VMKFS_LV_SIZE, vol->lvm_size);
	put64(b, VMKFS_LV_BLOCKS, segments + 1);
	put32(b, VMKFS_LV_ONE, 1);
	vmkfs_uuid_str(vol->lvm_uuid, ustr);
	vmkfs_memcpy(b + VMKFS_LV_UUID_STR, ustr, VMKFS_LV_UUID_STR_LEN);
	vmkfs_memcpy(b + VMKFS_LV_UUID, vol->lvm_uuid, 16);
	put32(b, VMKFS_LV_ONE2, 1);
	put64(b, VMKFS_LV_CTIME, now);
	put32(b, VMKFS_LV_NUM_SEGMENTS, segments);
	put32(b, VMKFS_LV_FIRST_SEGMENT, 0);
	put32(b, VMKFS_LV_LAST_SEGMENT, segments - 1);
	put64(b, VMKFS_LV_MTIME, now);
	put32(b, VMKFS_LV_NUM_EXTENTS, 1);
	ret = vol->dev->write(vol->dev, vol->base + VMKFS_VOLINFO_OFFSET, b,
			      VMKFS_VOLINFO_LEN);
	/* segment map: one bit and one descriptor per segment (not read back) */
	for (s = 0; !ret && s < segments && s < 8 * VMKFS_SECTOR; s++) {
		vmkfs_memset(b, 0, VMKFS_SEGMAP_DESC_LEN);
		b[0] = 1;
		b[1] = (uint8_t)s;
		put32(b, 0x0c, s << 4 | 1);
		put32(b, 0x14, s << 4);
		put32(b, 0x1c, 0x10);
		put32(b, 0x20, 0x100);
		ret = vol->dev->write(vol->dev, vol->base + VMKFS_VOLINFO_OFFSET +
				      VMKFS_SEGMAP_DESC + (uint64_t)s *
				      VMKFS_SEGMAP_DESC_LEN, b,
				      VMKFS_SEGMAP_DESC_LEN);
	}
	if (!ret) {
		vmkfs_memset(b, 0, VMKFS_SECTOR);
		for (s = 0; s < segments && s < 8 * VMKFS_SECTOR; s++)
			b[s / 8] |= 1u << (s % 8);
		ret = vol->dev->write(vol->dev, vol->base + VMKFS_VOLINFO_OFFSET +
				      VMKFS_SEGMAP_BITMAP, b, VMKFS_SECTOR);
	}
	vmkfs_free(b);
	return ret;
}

static int write_fsinfo(struct vmkfs_vol *vol)
{
	uint8_t b[VMKFS_SECTOR] = { 0 };

	put32(b, VMKFS_FS_MAGIC, VMKFS_FSINFO_MAGIC);
	put32(b, VMKFS_FS_VOLVER, VMKFS_FSINFO_VOLVER);
	b[VMKFS_FS_VERSION] = VMKFS_FSINFO_VERSION;
	vmkfs_memcpy(b + VMKFS_FS_UUID, vol->uuid, 16);
	put32(b, VMKFS_FS_MODE, VMKFS_FSINFO_MODE_PUBLIC);
	vmkfs_memcpy(b + VMKFS_FS_LABEL, vol->label, vmkfs_strlen(vol->label));
	put32(b, VMKFS_FS_DEV_BLKSIZE, VMKFS_SECTOR);
	put64(b, VMKFS_FS_BLKSIZE, vol->bs);
	put32(b, VMKFS_FS_CTIME, vmkfs_time_unix());
	put32(b, VMKFS_FS_ONE, 1);
	vmkfs_memcpy(b + VMKFS_FS_LVM_UUID, vol->lvm_uuid, 16);
	put32(b, VMKFS_FS_ONE2, 1);
	put32(b, VMKFS_FS_FDC_HDR_SIZE, VMKFS_RES_HDR_LEN);
	put32(b, VMKFS_FS_FDC_BITMAPS, VMKFS_EPA);
	put32(b, VMKFS_FS_SUBBLOCK_SIZE, VMKFS_SUBBLOCK_SIZE);
	return lvm_write(vol, VMKFS_FSINFO_OFFSET, b, sizeof(b));
}

static int write_heartbeats(struct vmkfs_vol *vol)
{
	uint8_t *b = vmkfs_alloc(VMKFS_HB_SLOTS * VMKFS_HB_SLOT_SIZE);
	uint32_t i;
	int ret;

	if (!b)
		return VMKFS_ENOMEM;
	for (i = 0; i < VMKFS_HB_SLOTS; i++) {
		put32(b + i * VMKFS_HB_SLOT_SIZE, VMKFS_HBR_MAGIC, VMKFS_HB_MAGIC_OFF);
		put64(b + i * VMKFS_HB_SLOT_SIZE, VMKFS_HBR_POS,
		      VMKFS_HB_OFFSET + (uint64_t)i * VMKFS_HB_SLOT_SIZE);
	}
	ret = lvm_write(vol, VMKFS_HB_OFFSET, b, VMKFS_HB_SLOTS * VMKFS_HB_SLOT_SIZE);
	vmkfs_free(b);
	return ret;
}

struct sysfile {
	const char *name;
	struct vmkfs_res *res;	/* NULL for .vh.sf */
	uint32_t first, nblocks;
	uint64_t size;
};

static int format_volume(struct vmkfs_vol *vol, uint32_t segments)
{
	uint32_t fb_total = (uint32_t)(vol->lvm_size / vol->bs), next, i, ipe;
	uint32_t root_blk, fdc_total, sbc_total;
	uint64_t fdc_items;
	struct sysfile sf[VMKFS_SYSFILES];
	struct vmkfs_inode ino;
	uint8_t *b = NULL;
	bool *used = NULL;
	int ret;

	ipe = round_up((uint32_t)div_up(fb_total, VMKFS_EPA), 8);
	if (ipe > VMKFS_BME_MAX_ITEMS)
		ipe = VMKFS_BME_MAX_ITEMS;
	res_geometry(&vol->fbb, ".fbb.sf", VMKFS_MAGIC_FBB, VMKFS_BLK_FB, ipe, 0,
		     fb_total);
	fdc_total = round_up(fb_total / 4, FDC_MIN);
	fdc_total = fdc_total > FDC_MAX ? FDC_MAX : fdc_total;
	res_geometry(&vol->fdc, ".fdc.sf", VMKFS_MAGIC_FDC, VMKFS_BLK_FD,
		     VMKFS_FDC_IPE, VMKFS_INODE_LEN, fdc_total);
	res_geometry(&vol->pbc, ".pbc.sf", VMKFS_MAGIC_PBC, VMKFS_BLK_PB,
		     VMKFS_PBC_IPE, VMKFS_PB_SIZE,
		     round_up(fb_total / 256 + 16, VMKFS_PBC_IPE));
	sbc_total = round_up(fb_total / 8, VMKFS_SBC_IPE);
	sbc_total = sbc_total < SBC_MIN ? SBC_MIN :
		    sbc_total > SBC_MAX ? SBC_MAX : sbc_total;
	res_geometry(&vol->sbc, ".sbc.sf", VMKFS_MAGIC_SBC, VMKFS_BLK_SB,
		     VMKFS_SBC_IPE, VMKFS_SUBBLOCK_SIZE, sbc_total);

	/* place the system files; index = their FD item */
	sf[VMKFS_SYSFILE_VH] = (struct sysfile){ ".vh.sf", NULL, 0,
		(uint32_t)div_up(VH_SIZE, vol->bs), VH_SIZE };
	next = sf[VMKFS_SYSFILE_VH].nblocks;
	if (next != fdc_base(vol->bs))
		return VMKFS_EINVAL;
	sf[VMKFS_SYSFILE_FDC] = (struct sysfile){ .name = ".fdc.sf", .res = &vol->fdc };
	sf[VMKFS_SYSFILE_FBB] = (struct sysfile){ .name = ".fbb.sf", .res = &vol->fbb };
	sf[VMKFS_SYSFILE_PBC] = (struct sysfile){ .name = ".pbc.sf", .res = &vol->pbc };
	sf[VMKFS_SYSFILE_SBC] = (struct sysfile){ .name = ".sbc.sf", .res = &vol->sbc };
	root_blk = 0;
	{
		static const uint32_t order[] = { VMKFS_SYSFILE_FDC, 0,
			VMKFS_SYSFILE_FBB, VMKFS_SYSFILE_PBC, VMKFS_SYSFILE_SBC };

		for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
			struct sysfile *s = &sf[order[i]];

			if (!order[i]) {
				root_blk = next++;
				continue;
			}
			s->size = res_file_size(s->res);
			s->first = next;
			s->nblocks = (uint32_t)div_up(s->size, vol->bs);
			next += s->nblocks;
		}
	}
	for (i = 1; i < VMKFS_SYSFILES; i++)
		if (sf[i].nblocks > VMKFS_INODE_BLOCKS)
			return VMKFS_EFBIG;
	if (next >= fb_total)
		return VMKFS_ENOSPC;

	used = vmkfs_alloc(fb_total > VMKFS_SYSFILES ? fb_total : VMKFS_SYSFILES);
	b = vmkfs_alloc(VMKFS_INODE_LEN > VMKFS_SECTOR * 2 ? VMKFS_INODE_LEN : 1024);
	if (!used || !b) {
		ret = VMKFS_ENOMEM;
		goto out;
	}
	/* the descriptor file is zeroed whole: stale inodes must not show */
	ret = lvm_zero(vol, (uint64_t)sf[VMKFS_SYSFILE_FDC].first * vol->bs,
		       (uint64_t)sf[VMKFS_SYSFILE_FDC].nblocks * vol->bs);
	if (!ret)
		ret = lvm_zero(vol, (uint64_t)root_blk * vol->bs, vol->bs);
	if (!ret)
		ret = lvm_zero(vol, 0, VMKFS_HB_OFFSET);
	if (!ret)
		ret = write_fsinfo(vol);
	if (!ret)
		ret = write_heartbeats(vol);
	for (i = 0; i < next; i++)
		used[i] = true;
	for (i = VMKFS_SYSFILE_FBB; !ret && i <= VMKFS_SYSFILE_SBC; i++) {
		bool fd_used[VMKFS_SYSFILES] = { true, true, true, true, true, true };

		if (sf[i].res == &vol->fbb)
			ret = res_format(vol, sf[i].res, sf[i].first, used, next);
		else if (sf[i].res == &vol->fdc)
			ret = res_format(vol, sf[i].res, sf[i].first, fd_used,
					 VMKFS_SYSFILES);
		else
			ret = res_format(vol, sf[i].res, sf[i].first, NULL, 0);
	}
	if (ret)
		goto out;

	/* inodes: FD(0,0) root, FD(0,1..5) the system files */
	fdc_items = (uint64_t)sf[VMKFS_SYSFILE_FDC].first * vol->bs +
		    VMKFS_RES_HDR_LEN + VMKFS_EPA * VMKFS_BME_LEN;
	inode_init(&ino, VMKFS_ROOT_ID, fdc_items, VMKFS_TYPE_DIR, ROOT_MODE,
		   VMKFS_BLK_FB, vol->bs, 1);
	ino.nlink = 2;
	ino.size = (uint64_t)(VMKFS_SYSFILES + 1) * VMKFS_DIRENT_LEN;
	ino.blk_count = 1;
	ino.blocks[0] = VMKFS_FB_ID(root_blk);
	ret = inode_write(vol, &ino);
	for (i = 1; !ret && i < VMKFS_SYSFILES; i++) {
		uint32_t k;

		inode_init(&ino, VMKFS_FD_ID(0, i), fdc_items +
			   (uint64_t)i * VMKFS_INODE_LEN, VMKFS_TYPE_META,
			   SYSFILE_MODE, VMKFS_BLK_FB, vol->bs, 1);
		ino.size = sf[i].size;
		ino.blk_count = sf[i].nblocks;
		for (k = 0; k < sf[i].nblocks; k++)
			ino.blocks[k] = VMKFS_FB_ID(sf[i].first + k);
		ret = inode_write(vol, &ino);
	}
	if (ret)
		goto out;
	/* root directory entries, in the order ESX writes them */
	{
		static const uint32_t order[] = { VMKFS_SYSFILE_FBB,
			VMKFS_SYSFILE_FDC, VMKFS_SYSFILE_PBC, VMKFS_SYSFILE_SBC,
			VMKFS_SYSFILE_VH };
		uint8_t *d = vmkfs_alloc((VMKFS_SYSFILES + 1) * VMKFS_DIRENT_LEN);

		if (!d) {
			ret = VMKFS_ENOMEM;
			goto out;
		}
		put_dirent(d, VMKFS_TYPE_DIR, VMKFS_ROOT_ID, 1, ".");
		put_dirent(d + VMKFS_DIRENT_LEN, VMKFS_TYPE_DIR, VMKFS_ROOT_ID, 1, "..");
		for (i = 0; i < 5; i++)
			put_dirent(d + (i + 2) * VMKFS_DIRENT_LEN, VMKFS_TYPE_META,
				   VMKFS_FD_ID(0, order[i]), 1, sf[order[i]].name);
		ret = lvm_write(vol, (uint64_t)root_blk * vol->bs, d,
				(VMKFS_SYSFILES + 1) * VMKFS_DIRENT_LEN);
		vmkfs_free(d);
	}
	if (!ret)
		ret = vol_flush(vol);
	/* the volume header goes last: a cut format leaves no valid volume */
	if (!ret)
		ret = write_volinfo(vol, segments);
	if (!ret)
		ret = vol_flush(vol);
out:
	vmkfs_free(used);
	vmkfs_free(b);
	return ret;
}

int vmkfs_format(struct vmkfs_dev *dev, const struct vmkfs_format_opts *opts,
		 char *err, size_t errlen)
{
	struct vmkfs_vol *vol;
	uint64_t segments;
	uint32_t bs = opts->block_size ? opts->block_size : MIB;
	const char *label = opts->label ? opts->label : "";
	const char *bad_label = vmkfs_label_problem(label, vmkfs_strlen(label) + 1);
	uint8_t zero[VMKFS_SECTOR] = { 0 };
	uint64_t base;
	int ret;

	if (!valid_block_size(bs)) {
		vmkfs_fmt(err, errlen, "block size %u is not 1, 2, 4 or 8 MiB", bs);
		return VMKFS_EINVAL;
	}
	if (bad_label) {
		vmkfs_fmt(err, errlen, "label %s", bad_label);
		return VMKFS_EINVAL;
	}
	ret = vol_find_base(dev, &base);
	if (ret) {
		vmkfs_fmt(err, errlen, "cannot read the partition table");
		return ret;
	}
	segments = dev->size > base + VMKFS_LVM_DATA_OFFSET ?
		   (dev->size - base - VMKFS_LVM_DATA_OFFSET) / VMKFS_SEGMENT_SIZE : 0;
	if (!segments) {
		vmkfs_fmt(err, errlen,
			  "device of %llu bytes is too small: VMFS-3 needs %llu (17 MiB of headers and one 256 MiB segment)",
			  (unsigned long long)dev->size,
			  (unsigned long long)(VMKFS_LVM_DATA_OFFSET + VMKFS_SEGMENT_SIZE));
		return VMKFS_ENOSPC;
	}
	if (segments * VMKFS_SEGMENT_SIZE / bs > VMKFS_FB_MAX_ITEMS)
		segments = (uint64_t)VMKFS_FB_MAX_ITEMS * bs / VMKFS_SEGMENT_SIZE;
	vol = vmkfs_alloc(sizeof(*vol));
	if (!vol)
		return VMKFS_ENOMEM;
	vol->dev = dev;
	vol->base = base;
	vol->bs = bs;
	vol->lvm_size = segments * VMKFS_SEGMENT_SIZE;
	vol->hb_slot = UINT32_MAX;
	vmkfs_memcpy(vol->label, label, vmkfs_strlen(label));
	vmkfs_make_uuid(vol->uuid);
	vmkfs_make_uuid(vol->lvm_uuid);
	/* invalidate any old volume header first */
	ret = dev->write(dev, base + VMKFS_VOLINFO_OFFSET, zero, sizeof(zero));
	if (!ret)
		ret = format_volume(vol, (uint32_t)segments);
	if (ret)
		vmkfs_fmt(err, errlen, "format failed: %s", vol->errmsg[0] ?
			  vol->errmsg : vmkfs_strerror(ret));
	vmkfs_free(vol);
	return ret;
}

/*
 * Where the volume starts: at the VMFS partition (type 0xfb) of an MBR,
 * as ESX partitions a LUN, else at the start of the device.
 */
int vol_find_base(struct vmkfs_dev *dev, uint64_t *base)
{
	uint8_t b[VMKFS_SECTOR];
	unsigned int i;
	int ret = dev->read(dev, 0, b, sizeof(b));

	*base = 0;
	if (ret)
		return ret;
	if ((b[510] | b[511] << 8) != VMKFS_MBR_SIGNATURE)
		return VMKFS_OK;
	for (i = 0; i < 4; i++) {
		const uint8_t *e = b + VMKFS_MBR_TABLE + 16 * i;

		if (e[4] == VMKFS_MBR_TYPE_VMFS) {
			*base = (uint64_t)get32(e, VMKFS_MBR_LBA) * VMKFS_SECTOR;
			break;
		}
	}
	if (*base >= dev->size)
		*base = 0;
	return VMKFS_OK;
}

int vmkfs_probe(struct vmkfs_dev *dev)
{
	uint8_t b[VMKFS_SECTOR];
	uint64_t base;
	int ret = vol_find_base(dev, &base);

	if (ret)
		return ret;
	if (dev->size < base + VMKFS_VOLINFO_OFFSET + sizeof(b))
		return VMKFS_ENOENT;
	ret = dev->read(dev, base + VMKFS_VOLINFO_OFFSET, b, sizeof(b));
	if (ret)
		return ret;
	return get32(b, VMKFS_VI_MAGIC) == VMKFS_VOLINFO_MAGIC ? VMKFS_OK :
								VMKFS_ENOENT;
}

static int load_headers(struct vmkfs_vol *vol, uint8_t *b)
{
	uint64_t segs, bs;
	uint64_t at = vol->base + VMKFS_VOLINFO_OFFSET;
	int ret = vol->dev->read(vol->dev, at, b, VMKFS_VOLINFO_LEN);

	if (ret)
		return vmkfs_err(vol, ret, "cannot read the volume header at offset %#llx",
				 (unsigned long long)at);
	if (get32(b, VMKFS_VI_MAGIC) != VMKFS_VOLINFO_MAGIC)
		return vmkfs_err(vol, VMKFS_ECORRUPT,
				 "no VMFS volume header at offset %#llx (magic %#x, want %#x)",
				 (unsigned long long)at, get32(b, VMKFS_VI_MAGIC),
				 VMKFS_VOLINFO_MAGIC);
	if (get32(b, VMKFS_VI_VERSION) != VMKFS_VOLINFO_VERSION)
		return vmkfs_err(vol, VMKFS_ECORRUPT, "volume header version %u is not VMFS-3",
				 get32(b, VMKFS_VI_VERSION));
	segs = get32(b, VMKFS_LV_NUM_SEGMENTS);
	vol->lvm_size = get64(b, VMKFS_LV_SIZE);
	if (get32(b, VMKFS_LV_NUM_EXTENTS) != 1 || get32(b, VMKFS_LV_FIRST_SEGMENT))
		return vmkfs_err(vol, VMKFS_ECORRUPT,
				 "volume spans %u extents: only single-extent volumes are supported",
				 get32(b, VMKFS_LV_NUM_EXTENTS));
	if (!segs || vol->lvm_size != segs * VMKFS_SEGMENT_SIZE ||
	    vol->lvm_size > vol->dev->size - vol->base - VMKFS_LVM_DATA_OFFSET)
		return vmkfs_err(vol, VMKFS_ECORRUPT,
				 "logical volume of %llu bytes in %llu segments does not fit the %llu-byte device",
				 (unsigned long long)vol->lvm_size,
				 (unsigned long long)segs,
				 (unsigned long long)vol->dev->size);
	vmkfs_memcpy(vol->lvm_uuid, b + VMKFS_LV_UUID, 16);

	ret = lvm_read(vol, VMKFS_FSINFO_OFFSET, b, VMKFS_SECTOR);
	if (ret)
		return ret;
	if (get32(b, VMKFS_FS_MAGIC) != VMKFS_FSINFO_MAGIC)
		return vmkfs_err(vol, VMKFS_ECORRUPT,
				 "no file system descriptor at LVM offset %#x (magic %#x)",
				 VMKFS_FSINFO_OFFSET, get32(b, VMKFS_FS_MAGIC));
	bs = get64(b, VMKFS_FS_BLKSIZE);
	if (!valid_block_size(bs))
		return vmkfs_err(vol, VMKFS_ECORRUPT,
				 "file system descriptor: block size %llu is not 1, 2, 4 or 8 MiB",
				 (unsigned long long)bs);
	if (vmkfs_memcmp(b + VMKFS_FS_LVM_UUID, vol->lvm_uuid, 16))
		return vmkfs_err(vol, VMKFS_ECORRUPT,
				 "file system descriptor belongs to another logical volume");
	vol->bs = (uint32_t)bs;
	vol->version = b[VMKFS_FS_VERSION];
	vmkfs_memcpy(vol->uuid, b + VMKFS_FS_UUID, 16);
	/* disk data: a label that cannot name a datastore is not used */
	vol->label_ignored = vmkfs_label_problem((const char *)b + VMKFS_FS_LABEL,
						 VMKFS_FS_LABEL_LEN);
	if (!vol->label_ignored)
		vmkfs_memcpy(vol->label, b + VMKFS_FS_LABEL, VMKFS_FS_LABEL_LEN);
	return VMKFS_OK;
}

static int load_resources(struct vmkfs_vol *vol)
{
	struct vmkfs_res *fdc = &vol->fdc;
	int ret;

	vol->fbb = (struct vmkfs_res){ .name = ".fbb.sf", .magic = VMKFS_MAGIC_FBB,
				       .type = VMKFS_BLK_FB };
	vol->sbc = (struct vmkfs_res){ .name = ".sbc.sf", .magic = VMKFS_MAGIC_SBC,
				       .type = VMKFS_BLK_SB };
	vol->pbc = (struct vmkfs_res){ .name = ".pbc.sf", .magic = VMKFS_MAGIC_PBC,
				       .type = VMKFS_BLK_PB };
	*fdc = (struct vmkfs_res){ .name = ".fdc.sf", .magic = VMKFS_MAGIC_FDC,
				   .type = VMKFS_BLK_FD };
	/* bootstrap: the FDC's first block is found by position alone */
	fdc->ino.zla = VMKFS_BLK_FB;
	fdc->ino.blk_size = vol->bs;
	fdc->ino.size = vol->bs;
	fdc->ino.type = VMKFS_TYPE_META;
	fdc->ino.blocks[0] = VMKFS_FB_ID(fdc_base(vol->bs));
	ret = res_load(vol, fdc, RES_BOOTSTRAP);
	if (!ret)
		ret = res_load(vol, fdc, VMKFS_SYSFILE_FDC);
	if (!ret)
		ret = res_load(vol, &vol->fbb, VMKFS_SYSFILE_FBB);
	if (!ret)
		ret = res_load(vol, &vol->pbc, VMKFS_SYSFILE_PBC);
	if (!ret)
		ret = res_load(vol, &vol->sbc, VMKFS_SYSFILE_SBC);
	return ret;
}

void vol_free(struct vmkfs_vol *vol)
{
	if (vol->mutex)
		vmkfs_mutex_destroy(vol->mutex);
	vmkfs_free(vol);
}

int vol_load(struct vmkfs_dev *dev, bool ro, struct vmkfs_vol **volp,
	     char *err, size_t errlen)
{
	struct vmkfs_vol *vol = vmkfs_alloc(sizeof(*vol));
	struct vmkfs_inode root;
	uint8_t *b = vmkfs_alloc(VMKFS_VOLINFO_LEN);
	int ret;

	if (!vol || !b) {
		vmkfs_free(vol);
		vmkfs_free(b);
		vmkfs_fmt(err, errlen, "out of memory");
		return VMKFS_ENOMEM;
	}
	vol->dev = dev;
	vol->ro = ro || dev->read_only;
	vol->hb_slot = UINT32_MAX;
	vol->lock_timeout_ms = VMKFS_DEFAULT_LOCK_TIMEOUT_MS;
	vol->lock_wait_ms = VMKFS_DEFAULT_LOCK_TIMEOUT_MS;
	vol->mutex = vmkfs_mutex_create();
	ret = vol->mutex ? vol_find_base(dev, &vol->base) : VMKFS_ENOMEM;
	if (!ret && dev->size < vol->base + VMKFS_LVM_DATA_OFFSET)
		ret = vmkfs_err(vol, VMKFS_ECORRUPT,
				"device of %llu bytes is too small for a VMFS volume",
				(unsigned long long)dev->size);
	vol->lvm_size = ret ? 0 : dev->size - vol->base - VMKFS_LVM_DATA_OFFSET;
	if (!ret)
		ret = load_headers(vol, b);
	if (!ret)
		ret = load_resources(vol);
	if (!ret)
		ret = path_resolve(vol, "/", &root);
	if (!ret && root.type != VMKFS_TYPE_DIR)
		ret = vmkfs_err(vol, VMKFS_ECORRUPT, "root file descriptor is not a directory");
	vmkfs_free(b);
	if (ret) {
		vmkfs_fmt(err, errlen, "%s", vol->errmsg[0] ? vol->errmsg :
			  vmkfs_strerror(ret));
		vol_free(vol);
		return ret;
	}
	*volp = vol;
	return VMKFS_OK;
}

int vmkfs_mount(struct vmkfs_dev *dev, unsigned int flags,
		struct vmkfs_vol **volp, char *err, size_t errlen)
{
	struct vmkfs_vol *vol;
	int ret = vol_load(dev, flags & VMKFS_MOUNT_RDONLY, &vol, err, errlen);

	if (ret)
		return ret;
	if (!vol->ro) {
		ret = hb_claim(vol);
		if (ret) {
			vmkfs_fmt(err, errlen, "%s", vol->errmsg);
			vol_free(vol);
			return ret;
		}
	}
	*volp = vol;
	return VMKFS_OK;
}

int vmkfs_unmount(struct vmkfs_vol *vol)
{
	int ret;

	if (vol->open_files)
		return vmkfs_err(vol, VMKFS_EBUSY, "%u files are still open",
				 vol->open_files);
	ret = vol->ro ? VMKFS_OK : hb_release(vol);
	vol_free(vol);
	return ret;
}

int vmkfs_statfs(struct vmkfs_vol *vol, struct vmkfs_volinfo *info)
{
	uint8_t b[VMKFS_HB_SLOT_SIZE];
	uint32_t fb_free = 0, fd_free = 0, i;
	int ret;

	vmkfs_mutex_lock(vol->mutex);
	vol->errmsg[0] = 0;
	vmkfs_memset(info, 0, sizeof(*info));
	vmkfs_memcpy(info->label, vol->label, sizeof(info->label) - 1);
	info->label_ignored = vol->label_ignored;
	vmkfs_memcpy(info->uuid, vol->uuid, 16);
	vmkfs_memcpy(info->lvm_uuid, vol->lvm_uuid, 16);
	info->version = vol->version;
	info->block_size = vol->bs;
	info->capacity = (uint64_t)vol->fbb.total * vol->bs;
	info->files_total = vol->fdc.total;
	info->hb_slot = vol->hb_slot;
	ret = res_count_free(vol, &vol->fbb, &fb_free);
	if (!ret)
		ret = res_count_free(vol, &vol->fdc, &fd_free);
	for (i = 0; !ret && i < VMKFS_HB_SLOTS; i++) {
		ret = lvm_read(vol, VMKFS_HB_OFFSET + (uint64_t)i * VMKFS_HB_SLOT_SIZE,
			       b, sizeof(b));
		if (!ret && get32(b, VMKFS_HBR_MAGIC) == VMKFS_HB_MAGIC_ON)
			info->hb_active++;
	}
	info->free_bytes = (uint64_t)fb_free * vol->bs;
	info->files_free = fd_free;
	vmkfs_mutex_unlock(vol->mutex);
	return ret;
}

void vmkfs_iostats(const struct vmkfs_vol *vol, struct vmkfs_iostats *st)
{
	*st = vol->stats;
}

uint32_t vmkfs_hb_slot(const struct vmkfs_vol *vol)
{
	return vol->hb_slot;
}
