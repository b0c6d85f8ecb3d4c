// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmkfs: consistency check and repair. Passes:
 *   1. heartbeats: stale slots (and, repairing, their locks) are cleared
 *   2. descriptors: every FDC slot is read; damaged ones are reported
 *   3. namespace: walk from the root; bad, duplicate or dangling entries
 *      are removed; "." and ".." checked; link counts recomputed
 *   4. orphans: descriptors no directory names are freed
 *   5. blocks: every referenced FB/SB/PB id is collected; pointers past a
 *      file's end are cleared; counters fixed
 *   6. bitmaps: each bitmap entry is rebuilt from the references
 * The repairs after a power cut are exactly the leaks the ordered updates
 * of file.c can leave.
 */
#include "vmkfs/internal.h"

#define MAX_DEPTH	64

enum fd_state { FD_FREE, FD_VALID, FD_BAD };

struct chk {
	struct vmkfs_vol *vol;
	bool repair;
	vmkfs_report_cb report;
	void *arg;
	struct vmkfs_check_result *res;
	uint8_t *fd_state;	/* per FDC item */
	uint32_t *fd_refs;	/* directory entries naming it */
	uint8_t *fd_dir_seen;
	uint8_t *fb_ref, *sb_ref, *pb_ref;	/* references per item */
};

static void problem(struct chk *c, bool fixed, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void problem(struct chk *c, bool fixed, const char *fmt, ...)
{
	char msg[300];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vmkfs_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n > 0 && fixed && (size_t)n < sizeof(msg) - 12)
		vmkfs_memcpy(msg + n, " (repaired)", 12);
	c->res->errors++;
	if (fixed)
		c->res->repaired++;
	if (c->report)
		c->report(c->arg, msg);
}

static uint32_t fd_index(struct chk *c, uint32_t id)
{
	return res_index(&c->vol->fdc, id);
}

static uint32_t fd_id(struct chk *c, uint32_t idx)
{
	return VMKFS_FD_ID(idx / c->vol->fdc.ipe, idx % c->vol->fdc.ipe);
}

/* pass 1 */
static int check_heartbeats(struct chk *c, uint32_t timeout_ms)
{
	struct vmkfs_vol *vol = c->vol;
	uint8_t *hb = vmkfs_alloc(VMKFS_HB_SLOTS * VMKFS_HB_SLOT_SIZE);
	uint8_t *hb2 = vmkfs_alloc(VMKFS_HB_SLOTS * VMKFS_HB_SLOT_SIZE);
	uint32_t s;
	int ret;

	if (!hb || !hb2) {
		ret = VMKFS_ENOMEM;
		goto out;
	}
	ret = lvm_read(vol, VMKFS_HB_OFFSET, hb, VMKFS_HB_SLOTS * VMKFS_HB_SLOT_SIZE);
	if (ret)
		goto out;
	if (timeout_ms)
		vmkfs_sleep_ms(timeout_ms);
	ret = lvm_read(vol, VMKFS_HB_OFFSET, hb2, VMKFS_HB_SLOTS * VMKFS_HB_SLOT_SIZE);
	for (s = 0; !ret && s < VMKFS_HB_SLOTS; s++) {
		uint8_t *a = hb + s * VMKFS_HB_SLOT_SIZE, *b = hb2 + s * VMKFS_HB_SLOT_SIZE;
		uint32_t magic = get32(b, VMKFS_HBR_MAGIC);
		char uuid[VMKFS_UUID_STR_LEN + 1];

		if (magic == VMKFS_HB_MAGIC_OFF)
			continue;
		if (magic != VMKFS_HB_MAGIC_ON) {
			problem(c, c->repair, "heartbeat slot %u has bad magic %#x", s, magic);
		} else if (timeout_ms && get64(a, VMKFS_HBR_UPTIME) != get64(b, VMKFS_HBR_UPTIME)) {
			vmkfs_uuid_str(b + VMKFS_HBR_UUID, uuid);
			ret = vmkfs_err(vol, VMKFS_EBUSY,
					"host %s (heartbeat slot %u) is using the volume: check needs it unmounted",
					uuid, s);
			break;
		} else {
			vmkfs_uuid_str(b + VMKFS_HBR_UUID, uuid);
			problem(c, c->repair, "heartbeat slot %u of host %s is stale", s, uuid);
		}
		if (c->repair) {
			uint64_t seq = get64(b, VMKFS_HBR_SEQ) + 1;

			vmkfs_memset(b, 0, VMKFS_HB_SLOT_SIZE);
			put32(b, VMKFS_HBR_MAGIC, VMKFS_HB_MAGIC_OFF);
			put64(b, VMKFS_HBR_POS, VMKFS_HB_OFFSET + (uint64_t)s * VMKFS_HB_SLOT_SIZE);
			put64(b, VMKFS_HBR_SEQ, seq);
			ret = lvm_write(vol, VMKFS_HB_OFFSET + (uint64_t)s * VMKFS_HB_SLOT_SIZE,
					b, VMKFS_HB_SLOT_SIZE);
		}
	}
out:
	vmkfs_free(hb);
	vmkfs_free(hb2);
	return ret;
}

/* a damaged descriptor slot: reported, and zeroed by a repair */
static int clear_bad_slot(struct chk *c, uint32_t idx)
{
	uint8_t *zero;
	uint64_t pos;
	uint32_t id = fd_id(c, idx);
	int ret;

	problem(c, c->repair, "file descriptor slot %#x is damaged", id);
	if (!c->repair)
		return VMKFS_OK;
	zero = vmkfs_alloc(VMKFS_INODE_LEN);
	if (!zero)
		return VMKFS_ENOMEM;
	ret = res_item_pos(c->vol, &c->vol->fdc, idx / c->vol->fdc.ipe,
			   idx % c->vol->fdc.ipe, &pos);
	if (!ret)
		ret = lvm_write(c->vol, pos, zero, VMKFS_INODE_LEN);
	vmkfs_free(zero);
	c->fd_state[idx] = FD_FREE;
	return ret;
}

/* pass 2 */
static int scan_descriptors(struct chk *c)
{
	struct vmkfs_vol *vol = c->vol;
	struct vmkfs_inode ino;
	uint32_t i;

	for (i = 0; i < vol->fdc.total; i++) {
		int ret = inode_read(vol, fd_id(c, i), &ino);

		vol->errmsg[0] = 0;
		if (ret == VMKFS_ENOENT) {
			c->fd_state[i] = FD_FREE;
		} else if (ret == VMKFS_ECORRUPT) {
			c->fd_state[i] = FD_BAD;
		} else if (ret) {
			return ret;
		} else {
			/* no links: a deleted descriptor; its bitmap bit says free */
			c->fd_state[i] = ino.nlink ? FD_VALID : FD_FREE;
		}
	}
	return VMKFS_OK;
}

struct dent {
	uint32_t type, id;
	char name[VMKFS_NAME_MAX + 2];
};

struct dlist {
	struct dent *e;
	uint32_t n;
};

static int collect(void *arg, uint32_t slot, const char *name, uint32_t type,
		   uint32_t id)
{
	struct dlist *l = arg;

	l->e[slot].type = type;
	l->e[slot].id = id;
	vmkfs_memcpy(l->e[slot].name, name, VMKFS_NAME_MAX + 2);
	l->n = slot + 1;
	return VMKFS_OK;
}

static bool bad_name(const char *name)
{
	size_t i, n = vmkfs_strlen(name);

	if (!n || n > VMKFS_NAME_MAX)
		return true;
	for (i = 0; i < n; i++)
		if (name[i] == '/')
			return true;
	return false;
}

/* rewrite a directory with only its kept entries */
static int dir_rewrite(struct chk *c, struct vmkfs_inode *dir,
		       const struct dlist *l, const uint8_t *keep)
{
	uint8_t *buf = vmkfs_alloc((size_t)l->n * VMKFS_DIRENT_LEN + 1);
	uint64_t n_old = inode_nblocks(dir), n_new, i;
	uint32_t k = 0;
	int ret;

	if (!buf)
		return VMKFS_ENOMEM;
	for (i = 0; i < l->n; i++) {
		uint8_t *de = buf + (uint64_t)k * VMKFS_DIRENT_LEN;

		if (!keep[i])
			continue;
		put32(de, VMKFS_DE_TYPE, l->e[i].type);
		put32(de, VMKFS_DE_ID, l->e[i].id);
		vmkfs_memcpy(de + VMKFS_DE_NAME, l->e[i].name,
			     vmkfs_strlen(l->e[i].name));
		k++;
	}
	ret = inode_rw(c->vol, dir, true, buf, (size_t)k * VMKFS_DIRENT_LEN, 0);
	dir->size = (uint64_t)k * VMKFS_DIRENT_LEN;
	n_new = inode_nblocks(dir) ? inode_nblocks(dir) : 1;
	for (i = n_new; i < n_old; i++) {
		dir->blocks[i] = 0;
		dir->blk_count--;
	}
	if (!ret)
		ret = inode_write(c->vol, dir);
	vmkfs_free(buf);
	return ret;
}

/* pass 3 */
static int walk_dir(struct chk *c, struct vmkfs_inode *dir, uint32_t parent,
		    unsigned int depth)
{
	struct vmkfs_vol *vol = c->vol;
	struct dlist l = { NULL, 0 };
	uint8_t *keep = NULL;
	uint32_t i, j, n = (uint32_t)(dir->size / VMKFS_DIRENT_LEN);
	bool dirty = false, dot = false, dotdot = false;
	int ret;

	c->res->dirs++;
	l.e = vmkfs_alloc(((size_t)n + 1) * sizeof(*l.e));
	keep = vmkfs_alloc((size_t)n + 1);
	if (!l.e || !keep) {
		ret = VMKFS_ENOMEM;
		goto out;
	}
	ret = dir_foreach(vol, dir, collect, &l);
	if (ret == VMKFS_ECORRUPT) {
		problem(c, false, "directory %#x cannot be read: %s", dir->id, vol->errmsg);
		vol->errmsg[0] = 0;
		ret = VMKFS_OK;
		goto out;
	}
	if (ret)
		goto out;
	for (i = 0; i < l.n; i++) {
		struct dent *e = &l.e[i];
		uint32_t idx = fd_index(c, e->id);
		bool is_dot = !vmkfs_memcmp(e->name, ".", 2);
		bool is_dotdot = !vmkfs_memcmp(e->name, "..", 3);

		keep[i] = 0;
		if (is_dot || is_dotdot) {
			uint32_t want = is_dot ? dir->id : parent;

			if ((is_dot ? dot : dotdot) || e->id != want) {
				problem(c, c->repair, "directory %#x: bad \"%s\" entry (names %#x)",
					dir->id, e->name, e->id);
				dirty = true;
				continue;
			}
			*(is_dot ? &dot : &dotdot) = true;
			keep[i] = 1;
			continue;
		}
		for (j = 0; j < i; j++)
			if (keep[j] && !vmkfs_memcmp(l.e[j].name, e->name, VMKFS_NAME_MAX + 1))
				break;
		if (bad_name(e->name) || j < i || idx == UINT32_MAX ||
		    c->fd_state[idx] != FD_VALID ||
		    (e->type == VMKFS_TYPE_DIR && c->fd_dir_seen[idx])) {
			problem(c, c->repair, "directory %#x: entry \"%s\" is %s (names %#x)",
				dir->id, e->name,
				j < i ? "a duplicate" : bad_name(e->name) ? "badly named" :
				idx == UINT32_MAX || c->fd_state[idx] != FD_VALID ?
				"dangling" : "a second link to a directory", e->id);
			dirty = true;
			continue;
		}
		keep[i] = 1;
		c->fd_refs[idx]++;
		if (e->type == VMKFS_TYPE_DIR)
			c->fd_dir_seen[idx] = 1;
	}
	if (!dot || !dotdot)
		problem(c, false, "directory %#x lacks its \".\" or \"..\" entry", dir->id);
	if (dirty && c->repair) {
		ret = dir_rewrite(c, dir, &l, keep);
		if (ret)
			goto out;
	}
	for (i = 0; i < l.n && !ret; i++) {
		struct vmkfs_inode sub;

		if (!keep[i] || l.e[i].type != VMKFS_TYPE_DIR ||
		    !vmkfs_memcmp(l.e[i].name, ".", 2) ||
		    !vmkfs_memcmp(l.e[i].name, "..", 3))
			continue;
		ret = inode_read(vol, l.e[i].id, &sub);
		if (!ret && sub.type != VMKFS_TYPE_DIR) {
			problem(c, false, "entry \"%s\" says directory, %#x is not one",
				l.e[i].name, sub.id);
			continue;
		}
		if (!ret && depth < MAX_DEPTH)
			ret = walk_dir(c, &sub, dir->id, depth + 1);
		else if (!ret)
			problem(c, false, "directories nest deeper than %u", MAX_DEPTH);
	}
out:
	vmkfs_free(l.e);
	vmkfs_free(keep);
	return ret;
}

static uint8_t *ref_slot(struct chk *c, uint32_t blk)
{
	struct vmkfs_res *res = res_for_id(c->vol, blk);
	uint32_t idx = res ? res_index(res, blk) : UINT32_MAX;

	if (idx == UINT32_MAX || res->type == VMKFS_BLK_FD)
		return NULL;
	if (res->type == VMKFS_BLK_FB)
		return &c->fb_ref[idx];
	return &(res->type == VMKFS_BLK_SB ? c->sb_ref : c->pb_ref)[idx];
}

struct refctx {
	struct chk *c;
	uint32_t owner;
	uint32_t bad;
};

static int add_ref(void *arg, uint32_t blk)
{
	struct refctx *r = arg;
	uint8_t *slot = ref_slot(r->c, blk);

	if (!slot) {
		r->bad++;
		return VMKFS_OK;
	}
	if (*slot)
		problem(r->c, false, "block %#x is used by file descriptor %#x and another",
			blk, r->owner);
	else
		*slot = 1;
	return VMKFS_OK;
}

/* pass 4 and 5 for one descriptor */
static int check_inode(struct chk *c, uint32_t idx)
{
	struct vmkfs_vol *vol = c->vol;
	struct vmkfs_inode ino;
	struct refctx r = { c, 0, 0 };
	uint64_t n, i, blk_count = 0;
	uint32_t tbz = 0, *map = NULL, wantzla;
	bool write = false;
	int ret = inode_read(vol, fd_id(c, idx), &ino);

	if (ret)
		return ret;
	r.owner = ino.id;
	if (!c->fd_refs[idx]) {
		problem(c, c->repair, "file descriptor %#x (%llu bytes) is in no directory",
			ino.id, (unsigned long long)ino.size);
		if (c->repair) {
			uint8_t *zero = vmkfs_alloc(VMKFS_INODE_LEN);

			ret = zero ? lvm_write(vol, ino.pos, zero, VMKFS_INODE_LEN) :
				     VMKFS_ENOMEM;
			vmkfs_free(zero);
			c->fd_state[idx] = FD_FREE;
			return ret;
		}
	}
	if (ino.type == VMKFS_TYPE_DIR)
		c->res->dirs += 0;
	else
		c->res->files++;
	if (ino.type != VMKFS_TYPE_DIR && c->fd_refs[idx] &&
	    ino.nlink != c->fd_refs[idx]) {
		problem(c, c->repair, "file descriptor %#x has link count %u, %u names",
			ino.id, ino.nlink, c->fd_refs[idx]);
		ino.nlink = c->fd_refs[idx];
		write = true;
	}
	ret = inode_load_map(vol, &ino, &map, &n, add_ref, &r);
	if (ret == VMKFS_ECORRUPT) {
		problem(c, false, "file descriptor %#x: block map unreadable: %s",
			ino.id, vol->errmsg);
		vol->errmsg[0] = 0;
		return VMKFS_OK;
	}
	if (ret)
		return ret;
	wantzla = inode_data_type(&ino);
	for (i = 0; i < n; i++) {
		if (!map[i])
			continue;
		if (VMKFS_BLK_TYPE(map[i]) != wantzla) {
			r.bad++;
			continue;
		}
		add_ref(&r, map[i]);
		blk_count++;
		if (map[i] & VMKFS_FB_TBZ && wantzla == VMKFS_BLK_FB)
			tbz++;
	}
	if (r.bad)
		problem(c, false, "file descriptor %#x has %u block ids that are out of range",
			ino.id, r.bad);
	/* pointers past the end: left by a cut extend or shrink */
	{
		uint64_t used = ino.zla == VMKFS_BLK_PB ?
				(n + VMKFS_PB_IDS - 1) / VMKFS_PB_IDS : n;
		uint32_t stale = 0;

		for (i = used; i < VMKFS_INODE_BLOCKS; i++)
			if (ino.blocks[i]) {
				stale++;
				ino.blocks[i] = 0;
			}
		if (stale) {
			problem(c, c->repair, "file descriptor %#x has %u block pointers past its end",
				ino.id, stale);
			write = true;
		}
		if (ino.zla == VMKFS_BLK_PB && n % VMKFS_PB_IDS && ino.blocks[n / VMKFS_PB_IDS]) {
			uint32_t *full;
			uint64_t nfull;
			struct vmkfs_inode tmp = ino;

			tmp.size = (n / VMKFS_PB_IDS + 1) * VMKFS_PB_IDS * ino.blk_size;
			ret = inode_load_map(vol, &tmp, &full, &nfull, NULL, NULL);
			for (i = n, stale = 0; !ret && i < nfull; i++)
				stale += full[i] != 0;
			if (!ret && stale) {
				problem(c, c->repair, "file descriptor %#x: %u pointer-block entries past its end",
					ino.id, stale);
				if (c->repair) {
					for (i = n; i < nfull; i++)
						full[i] = 0;
					tmp.size = ino.size;
					ret = inode_commit_entry(vol, &tmp, full, nfull,
								 n - 1);
				}
			}
			if (!ret)
				vmkfs_free(full);
			if (ret)
				goto out;
		}
	}
	if (blk_count != ino.blk_count || tbz != ino.tbz) {
		problem(c, c->repair, "file descriptor %#x counts %llu blocks (%u to zero), has %llu (%u)",
			ino.id, (unsigned long long)ino.blk_count, ino.tbz,
			(unsigned long long)blk_count, tbz);
		ino.blk_count = blk_count;
		ino.tbz = tbz;
		write = true;
	}
	if (get32(ino.mdh, VMKFS_MDH_HB_LOCK) != VMKFS_LOCK_FREE) {
		uint64_t hbp = get64(ino.mdh, VMKFS_MDH_HB_POS);
		uint8_t b[VMKFS_HB_SLOT_SIZE];

		ret = lvm_read(vol, hbp >= VMKFS_HB_OFFSET && hbp < VMKFS_HB_END ?
			       hbp - hbp % VMKFS_HB_SLOT_SIZE : VMKFS_HB_OFFSET,
			       b, sizeof(b));
		if (ret)
			goto out;
		if (get32(b, VMKFS_HBR_MAGIC) != VMKFS_HB_MAGIC_ON ||
		    get64(b, VMKFS_HBR_SEQ) != get64(ino.mdh, VMKFS_MDH_HB_SEQ)) {
			problem(c, c->repair, "file descriptor %#x holds a stale lock", ino.id);
			vmkfs_memset(ino.mdh + VMKFS_MDH_HB_POS, 0, 8 + 8);
			put32(ino.mdh, VMKFS_MDH_HB_LOCK, VMKFS_LOCK_FREE);
			vmkfs_memset(ino.mdh + VMKFS_MDH_HB_UUID, 0, 16);
			vmkfs_memset(ino.mdh + VMKFS_MDH_RO_COUNT, 0,
				     VMKFS_MDH_RO_TABLE + 16 * VMKFS_RO_HOLDERS -
				     VMKFS_MDH_RO_COUNT);
			write = true;
		}
	}
	if (write && c->repair)
		ret = inode_write(vol, &ino);
out:
	vmkfs_free(map);
	return ret;
}

/* pass 6: rebuild one resource bitmap from the references */
static int check_bitmap(struct chk *c, struct vmkfs_res *res, const uint8_t *ref)
{
	struct vmkfs_vol *vol = c->vol;
	uint8_t *b = vmkfs_alloc(VMKFS_BME_LEN);
	uint32_t nent = (res->total + res->ipe - 1) / res->ipe, e, i;
	int ret = VMKFS_OK;

	if (!b)
		return VMKFS_ENOMEM;
	for (e = 0; e < nent && !ret; e++) {
		uint32_t total = res->total - e * res->ipe, freec = 0, lost = 0, unalloc = 0;
		uint64_t pos;

		if (total > res->ipe)
			total = res->ipe;
		ret = res_entry_pos(vol, res, e, &pos);
		if (!ret)
			ret = lvm_read(vol, pos, b, VMKFS_BME_LEN);
		if (ret)
			break;
		if (get32(b, VMKFS_MDH_MAGIC) != res->magic || get32(b, VMKFS_BME_ID) != e ||
		    get32(b, VMKFS_BME_TOTAL) != total) {
			problem(c, c->repair, "%s: bitmap entry %u header is damaged", res->name, e);
			vmkfs_memset(b, 0, VMKFS_BME_LEN);
			put32(b, VMKFS_MDH_MAGIC, res->magic);
			put64(b, VMKFS_MDH_POS, pos);
			put32(b, VMKFS_BME_ID, e);
			put32(b, VMKFS_BME_TOTAL, total);
			vmkfs_memset(b + VMKFS_BME_BITMAP, 0xff, (total + 7) / 8);
		}
		for (i = 0; i < total; i++) {
			bool is_free = b[VMKFS_BME_BITMAP + i / 8] & (1u << (i % 8));
			bool used = ref[e * res->ipe + i];

			if (used && is_free)
				unalloc++;
			if (!used && !is_free)
				lost++;
			if (used)
				b[VMKFS_BME_BITMAP + i / 8] &= ~(1u << (i % 8));
			else
				b[VMKFS_BME_BITMAP + i / 8] |= 1u << (i % 8);
			freec += !used;
		}
		if (lost)
			problem(c, c->repair, "%s: %u items of entry %u are allocated but unused",
				res->name, lost, e);
		if (unalloc)
			problem(c, c->repair, "%s: %u items of entry %u are used but free",
				res->name, unalloc, e);
		if (!lost && !unalloc && get32(b, VMKFS_BME_FREE) != freec)
			problem(c, c->repair, "%s: entry %u counts %u free items, has %u",
				res->name, e, get32(b, VMKFS_BME_FREE), freec);
		if (c->repair && (lost || unalloc || get32(b, VMKFS_BME_FREE) != freec)) {
			put32(b, VMKFS_BME_FREE, freec);
			bme_set_ffree(b, total);
			ret = lvm_write(vol, pos, b, VMKFS_BME_LEN);
		}
	}
	vmkfs_free(b);
	return ret;
}

static int run_check(struct chk *c, uint32_t timeout_ms)
{
	struct vmkfs_vol *vol = c->vol;
	struct vmkfs_inode root;
	uint32_t i;
	int ret = check_heartbeats(c, timeout_ms);

	if (!ret)
		ret = scan_descriptors(c);
	for (i = 0; !ret && i < vol->fdc.total; i++)
		if (c->fd_state[i] == FD_BAD)
			ret = clear_bad_slot(c, i);
	if (!ret)
		ret = inode_read(vol, VMKFS_ROOT_ID, &root);
	if (!ret) {
		c->fd_refs[0] = 1;	/* the root names itself */
		c->fd_dir_seen[0] = 1;
		ret = walk_dir(c, &root, VMKFS_ROOT_ID, 0);
	}
	for (i = 0; !ret && i < vol->fdc.total; i++)
		if (c->fd_state[i] == FD_VALID)
			ret = check_inode(c, i);
	if (!ret)
		ret = check_bitmap(c, &vol->fbb, c->fb_ref);
	if (!ret)
		ret = check_bitmap(c, &vol->sbc, c->sb_ref);
	if (!ret)
		ret = check_bitmap(c, &vol->pbc, c->pb_ref);
	if (!ret) {
		uint8_t *fdref = vmkfs_alloc(vol->fdc.total);

		if (!fdref)
			return VMKFS_ENOMEM;
		for (i = 0; i < vol->fdc.total; i++)
			fdref[i] = c->fd_state[i] != FD_FREE;
		ret = check_bitmap(c, &vol->fdc, fdref);
		vmkfs_free(fdref);
	}
	if (!ret && c->repair)
		ret = vol_flush(vol);
	return ret;
}

int vmkfs_check(struct vmkfs_dev *dev, bool repair, uint32_t hb_timeout_ms,
		vmkfs_report_cb report, void *arg, struct vmkfs_check_result *res,
		char *err, size_t errlen)
{
	struct chk c = { .repair = repair, .report = report, .arg = arg, .res = res };
	struct vmkfs_vol *vol;
	int ret;

	vmkfs_memset(res, 0, sizeof(*res));
	ret = vol_load(dev, !repair, &vol, err, errlen);
	if (ret)
		return ret;
	c.vol = vol;
	ret = vol_reserve(vol);
	if (ret)
		goto out;
	c.fd_state = vmkfs_alloc(vol->fdc.total);
	/* fdc.total is the disk's: a 32-bit size_t must not wrap (i386) */
	c.fd_refs = (uint64_t)vol->fdc.total * sizeof(uint32_t) > SIZE_MAX ? NULL :
		    vmkfs_alloc((size_t)vol->fdc.total * sizeof(uint32_t));
	c.fd_dir_seen = vmkfs_alloc(vol->fdc.total);
	c.fb_ref = vmkfs_alloc(vol->fbb.total);
	c.sb_ref = vmkfs_alloc(vol->sbc.total);
	c.pb_ref = vmkfs_alloc(vol->pbc.total);
	if (!c.fd_state || !c.fd_refs || !c.fd_dir_seen || !c.fb_ref ||
	    !c.sb_ref || !c.pb_ref)
		ret = vmkfs_err(vol, VMKFS_ENOMEM,
				"no memory to check %u file descriptors and %u file blocks",
				vol->fdc.total, vol->fbb.total);
	else
		ret = run_check(&c, hb_timeout_ms);
	vol_release(vol);
	vmkfs_free(c.fd_state);
	vmkfs_free(c.fd_refs);
	vmkfs_free(c.fd_dir_seen);
	vmkfs_free(c.fb_ref);
	vmkfs_free(c.sb_ref);
	vmkfs_free(c.pb_ref);
out:
	if (ret)
		vmkfs_fmt(err, errlen, "%s", vol->errmsg[0] ? vol->errmsg :
			  vmkfs_strerror(ret));
	vol_free(vol);
	return ret;
}
