// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmkfs: resource files. Each of .fbb.sf (file blocks), .sbc.sf
 * (sub-blocks), .pbc.sf (pointer blocks) and .fdc.sf (file descriptors) is
 * a 64 KiB header followed by areas; an area is VMKFS_EPA bitmap entries
 * (1 KiB each, a lockable metadata object) followed by the items those
 * entries describe. Bit set in an entry's bitmap = item free.
 * All allocation runs under the device reservation (vol_reserve).
 */
#include "vmkfs/internal.h"

uint32_t res_id(const struct vmkfs_res *res, uint32_t entry, uint32_t item)
{
	switch (res->type) {
	case VMKFS_BLK_FB:
		return VMKFS_FB_ID(entry * res->ipe + item);
	case VMKFS_BLK_SB:
		return VMKFS_SB_ID(entry, item);
	case VMKFS_BLK_PB:
		return VMKFS_PB_ID(entry, item);
	default:
		return VMKFS_FD_ID(entry, item);
	}
}

void res_split(const struct vmkfs_res *res, uint32_t id, uint32_t *entry,
	       uint32_t *item)
{
	switch (res->type) {
	case VMKFS_BLK_FB:
		*entry = VMKFS_FB_ITEM(id) / res->ipe;
		*item = VMKFS_FB_ITEM(id) % res->ipe;
		break;
	case VMKFS_BLK_SB:
		*entry = VMKFS_SB_ENTRY(id);
		*item = VMKFS_SB_ITEM(id);
		break;
	case VMKFS_BLK_PB:
		*entry = VMKFS_PB_ENTRY(id);
		*item = VMKFS_PB_ITEM(id);
		break;
	default:
		*entry = VMKFS_FD_ENTRY(id);
		*item = VMKFS_FD_ITEM(id);
		break;
	}
}

/* the item id names in res (entry * ipe + item), or UINT32_MAX if none */
uint32_t res_index(const struct vmkfs_res *res, uint32_t id)
{
	uint32_t e, it;

	if (VMKFS_BLK_TYPE(id) != res->type)
		return UINT32_MAX;
	res_split(res, id, &e, &it);
	if (it >= res->ipe || (uint64_t)e * res->ipe + it >= res->total)
		return UINT32_MAX;
	return e * res->ipe + it;
}

struct vmkfs_res *res_for_id(struct vmkfs_vol *vol, uint32_t id)
{
	switch (VMKFS_BLK_TYPE(id)) {
	case VMKFS_BLK_FB: return &vol->fbb;
	case VMKFS_BLK_SB: return &vol->sbc;
	case VMKFS_BLK_PB: return &vol->pbc;
	case VMKFS_BLK_FD: return &vol->fdc;
	}
	return NULL;
}

static uint32_t res_entries(const struct vmkfs_res *res)
{
	return (res->total + res->ipe - 1) / res->ipe;
}

/* offset inside the resource file -> LVM offset (resource files are FB) */
static int res_file_pos(struct vmkfs_vol *vol, const struct vmkfs_res *res,
			uint64_t foff, uint64_t *pos)
{
	uint64_t idx = foff / vol->bs;
	uint32_t blk;

	if (foff >= res->ino.size || idx >= VMKFS_INODE_BLOCKS)
		return vmkfs_err(vol, VMKFS_ECORRUPT,
				 "%s: offset %#llx is beyond its %llu bytes",
				 res->name, (unsigned long long)foff,
				 (unsigned long long)res->ino.size);
	blk = res->ino.blocks[idx];
	if (VMKFS_BLK_TYPE(blk) != VMKFS_BLK_FB ||
	    (uint64_t)VMKFS_FB_ITEM(blk) * vol->bs >= vol->lvm_size)
		return vmkfs_err(vol, VMKFS_ECORRUPT,
				 "%s: block %llu has bad id %#x",
				 res->name, (unsigned long long)idx, blk);
	*pos = (uint64_t)VMKFS_FB_ITEM(blk) * vol->bs + foff % vol->bs;
	return VMKFS_OK;
}

int res_entry_pos(struct vmkfs_vol *vol, const struct vmkfs_res *res,
		  uint32_t entry, uint64_t *pos)
{
	uint64_t foff;

	if (entry >= res_entries(res))
		return vmkfs_err(vol, VMKFS_ECORRUPT, "%s: bitmap entry %u out of range",
				 res->name, entry);
	foff = res->hdr_size + (uint64_t)(entry / res->epa) * res->area_size +
	       (uint64_t)(entry % res->epa) * VMKFS_BME_LEN;
	return res_file_pos(vol, res, foff, pos);
}

int res_item_pos(struct vmkfs_vol *vol, const struct vmkfs_res *res,
		 uint32_t entry, uint32_t item, uint64_t *pos)
{
	uint64_t addr = (uint64_t)entry * res->ipe + item;
	uint64_t ipa = (uint64_t)res->ipe * res->epa;
	uint64_t foff;

	if (item >= res->ipe || addr >= res->total)
		return vmkfs_err(vol, VMKFS_ECORRUPT,
				 "%s: item %u of entry %u is out of range",
				 res->name, item, entry);
	if (res->type == VMKFS_BLK_FB) {
		*pos = addr * vol->bs;
		return VMKFS_OK;
	}
	foff = res->hdr_size + (addr / ipa) * res->area_size +
	       (uint64_t)res->epa * VMKFS_BME_LEN + (addr % ipa) * res->data_size;
	return res_file_pos(vol, res, foff, pos);
}

/* validate a resource header read from disk */
static int res_header(struct vmkfs_vol *vol, struct vmkfs_res *res,
		      const uint8_t *b, bool check_size)
{
	uint64_t need;

	res->ipe = get32(b, VMKFS_RES_IPE);
	res->epa = get32(b, VMKFS_RES_EPA);
	res->hdr_size = get32(b, VMKFS_RES_HDR_SIZE);
	res->data_size = get32(b, VMKFS_RES_DATA_SIZE);
	res->area_size = get32(b, VMKFS_RES_AREA_SIZE);
	res->total = get32(b, VMKFS_RES_TOTAL);
	res->areas = get32(b, VMKFS_RES_AREAS);
	if (!res->ipe || res->ipe > VMKFS_BME_MAX_ITEMS || !res->epa ||
	    res->epa > 1024 || !res->total || !res->areas ||
	    res->hdr_size < VMKFS_BME_LEN ||
	    res->area_size != res->epa * VMKFS_BME_LEN +
			      (uint64_t)res->ipe * res->epa * res->data_size ||
	    (uint64_t)res->areas * res->ipe * res->epa < res->total)
		return vmkfs_err(vol, VMKFS_ECORRUPT,
				 "%s: inconsistent resource header (items/entry %u, entries/area %u, total %u, areas %u)",
				 res->name, res->ipe, res->epa, res->total,
				 res->areas);
	if ((res->type == VMKFS_BLK_FD && (res->ipe > 1024 ||
					   res->data_size != VMKFS_INODE_LEN)) ||
	    (res->type == VMKFS_BLK_PB && (res->ipe > 16 ||
					   res->data_size != VMKFS_PB_SIZE)) ||
	    (res->type == VMKFS_BLK_SB && (res->ipe > 64 ||
					   res->data_size < VMKFS_DIRENT_LEN ||
					   res->data_size > vol->bs)) ||
	    (res->type == VMKFS_BLK_FB && (res->data_size ||
		res->total > vol->lvm_size / vol->bs)))
		return vmkfs_err(vol, VMKFS_ECORRUPT, "%s: unsupported item geometry",
				 res->name);
	need = res->hdr_size + (uint64_t)res->areas * res->area_size;
	if (res->type != VMKFS_BLK_FB)
		need -= ((uint64_t)res->areas * res->ipe * res->epa -
			 res->total) * res->data_size;
	if (check_size && need > res->ino.size)
		return vmkfs_err(vol, VMKFS_ECORRUPT,
				 "%s: file is %llu bytes, its header needs %llu",
				 res->name, (unsigned long long)res->ino.size,
				 (unsigned long long)need);
	return VMKFS_OK;
}

/*
 * Load a resource file from its system inode FD(0, fd_item), or, with
 * fd_item RES_BOOTSTRAP, from the block map already in res->ino (how the
 * FDC is first found: by position).
 */
int res_load(struct vmkfs_vol *vol, struct vmkfs_res *res, uint32_t fd_item)
{
	uint8_t *b = vmkfs_alloc(VMKFS_SECTOR);
	uint64_t pos;
	int ret = VMKFS_OK;

	if (!b)
		return VMKFS_ENOMEM;
	if (fd_item != RES_BOOTSTRAP) {
		ret = inode_read(vol, VMKFS_FD_ID(0, fd_item), &res->ino);
		if (ret == VMKFS_ENOENT)
			ret = vmkfs_err(vol, VMKFS_ECORRUPT,
					"%s: system file descriptor %#x is missing",
					res->name, VMKFS_FD_ID(0, fd_item));
	}
	if (!ret && (res->ino.type != VMKFS_TYPE_META ||
		     res->ino.zla != VMKFS_BLK_FB || res->ino.blk_size != vol->bs))
		ret = vmkfs_err(vol, VMKFS_ECORRUPT,
				"%s: system file descriptor %#x is not a block-mapped meta file",
				res->name, res->ino.id);
	if (!ret)
		ret = res_file_pos(vol, res, 0, &pos);
	if (!ret)
		ret = lvm_read(vol, pos, b, VMKFS_SECTOR);
	if (!ret)
		ret = res_header(vol, res, b, fd_item != RES_BOOTSTRAP);
	vmkfs_free(b);
	return ret;
}

void bme_set_ffree(uint8_t *b, uint32_t total)
{
	uint32_t i;

	for (i = 0; i < total; i++)
		if (b[VMKFS_BME_BITMAP + i / 8] & (1u << (i % 8)))
			break;
	put32(b, VMKFS_BME_FFREE, i < total ? i : 0);
}

int bme_read(struct vmkfs_vol *vol, struct vmkfs_res *res,
	     uint32_t entry, uint8_t *b, uint64_t *pos)
{
	uint32_t total;
	int ret = res_entry_pos(vol, res, entry, pos);

	if (!ret)
		ret = lvm_read(vol, *pos, b, VMKFS_BME_LEN);
	if (ret)
		return ret;
	total = get32(b, VMKFS_BME_TOTAL);
	if (get32(b, VMKFS_MDH_MAGIC) != res->magic ||
	    get32(b, VMKFS_BME_ID) != entry || total > res->ipe ||
	    get32(b, VMKFS_BME_FREE) > total)
		return vmkfs_err(vol, VMKFS_ECORRUPT,
				 "%s: bitmap entry %u at LVM offset %#llx is damaged",
				 res->name, entry, (unsigned long long)*pos);
	return VMKFS_OK;
}

/* allocate `count` items, first from entry hint/ipe onwards; ids[] filled */
int res_alloc(struct vmkfs_vol *vol, struct vmkfs_res *res, uint32_t count,
	      uint32_t *ids, uint32_t hint)
{
	uint8_t *b = vmkfs_alloc(VMKFS_BME_LEN);
	uint32_t nent = res_entries(res), got = 0, n;
	int ret = VMKFS_OK;

	if (!b)
		return VMKFS_ENOMEM;
	hint = hint < res->total ? hint / res->ipe : 0;
	for (n = 0; n < nent && got < count && !ret; n++) {
		uint32_t e = (hint + n) % nent, total, freec, i, before = got;
		uint64_t pos;

		ret = bme_read(vol, res, e, b, &pos);
		if (ret)
			break;
		/*
		 * An entry another host (ESX, vmfs-tools) has locked on disk is
		 * being changed without the reservation: leave it alone.
		 */
		if (get32(b, VMKFS_MDH_HB_LOCK) != VMKFS_LOCK_FREE)
			continue;
		total = get32(b, VMKFS_BME_TOTAL);
		freec = get32(b, VMKFS_BME_FREE);
		for (i = 0; i < total && freec && got < count; i++) {
			uint8_t *byte = &b[VMKFS_BME_BITMAP + i / 8];

			if (!(*byte & (1u << (i % 8))))
				continue;
			*byte &= ~(1u << (i % 8));
			freec--;
			ids[got++] = res_id(res, e, i);
		}
		if (got == before)
			continue;
		put32(b, VMKFS_BME_FREE, freec);
		bme_set_ffree(b, total);
		ret = lvm_write(vol, pos, b, VMKFS_BME_LEN);
	}
	vmkfs_free(b);
	if (!ret && got < count)
		ret = vmkfs_err(vol, VMKFS_ENOSPC, "%s: %u of %u items free",
				res->name, got, count);
	if (ret && got)
		res_free_list(vol, ids, got);
	return ret;
}

/* free ids (all of one resource type); one write per bitmap entry run */
int res_free_list(struct vmkfs_vol *vol, const uint32_t *ids, uint32_t n)
{
	uint8_t *b = vmkfs_alloc(VMKFS_BME_LEN);
	struct vmkfs_res *res = NULL;
	uint32_t cur = UINT32_MAX, i, e, it;
	uint64_t pos = 0;
	int ret = VMKFS_OK;

	if (!b)
		return VMKFS_ENOMEM;
	for (i = 0; i < n && !ret; i++) {
		struct vmkfs_res *r = res_for_id(vol, ids[i] & ~VMKFS_FB_TBZ);

		if (!r) {
			ret = vmkfs_err(vol, VMKFS_ECORRUPT, "free of bad block id %#x",
					ids[i]);
			break;
		}
		res_split(r, ids[i] & ~VMKFS_FB_TBZ, &e, &it);
		if (r != res || e != cur) {
			if (cur != UINT32_MAX) {
				bme_set_ffree(b, get32(b, VMKFS_BME_TOTAL));
				ret = lvm_write(vol, pos, b, VMKFS_BME_LEN);
				if (ret)
					break;
			}
			res = r;
			cur = e;
			ret = bme_read(vol, res, e, b, &pos);
			if (ret)
				break;
		}
		if (it >= get32(b, VMKFS_BME_TOTAL)) {
			ret = vmkfs_err(vol, VMKFS_ECORRUPT, "%s: free of item %u beyond entry %u",
					res->name, it, e);
			break;
		}
		if (b[VMKFS_BME_BITMAP + it / 8] & (1u << (it % 8)))
			continue;	/* already free: a repeated free is harmless */
		b[VMKFS_BME_BITMAP + it / 8] |= 1u << (it % 8);
		put32(b, VMKFS_BME_FREE, get32(b, VMKFS_BME_FREE) + 1);
	}
	if (!ret && cur != UINT32_MAX) {
		bme_set_ffree(b, get32(b, VMKFS_BME_TOTAL));
		ret = lvm_write(vol, pos, b, VMKFS_BME_LEN);
	}
	vmkfs_free(b);
	return ret;
}

int res_free(struct vmkfs_vol *vol, uint32_t id)
{
	return res_free_list(vol, &id, 1);
}

int res_count_free(struct vmkfs_vol *vol, struct vmkfs_res *res,
		   uint32_t *free_items)
{
	uint8_t *b = vmkfs_alloc(VMKFS_BME_LEN);
	uint32_t e, nent = res_entries(res);
	uint64_t pos;
	int ret = VMKFS_OK;

	if (!b)
		return VMKFS_ENOMEM;
	*free_items = 0;
	for (e = 0; e < nent && !ret; e++) {
		ret = bme_read(vol, res, e, b, &pos);
		if (!ret)
			*free_items += get32(b, VMKFS_BME_FREE);
	}
	vmkfs_free(b);
	return ret;
}
