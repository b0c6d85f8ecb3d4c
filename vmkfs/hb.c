// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmkfs: heartbeats and on-disk locks, the VMFS-3 way of sharing one LUN
 * between hosts. A mounted host owns a heartbeat slot (magic ON, its UUID,
 * a generation `seq`) and keeps advancing the slot's uptime field. A lock
 * in a metadata header names the holder's slot and generation. A lock is
 * stale when that slot is off, has another generation, or its uptime has
 * not moved for the lock timeout; the contender then clears the slot
 * (reclaims the heartbeat) and takes the lock. Short metadata updates run
 * under the device reservation.
 */
#include "vmkfs/internal.h"

#define HB_TICK_US	500000u		/* advance our heartbeat twice a second */
#define HB_POLL_MS	100u

static uint64_t slot_pos(uint32_t slot)
{
	return VMKFS_HB_OFFSET + (uint64_t)slot * VMKFS_HB_SLOT_SIZE;
}

static int hb_io(struct vmkfs_vol *vol, uint32_t slot, uint8_t *b, bool write)
{
	uint64_t off = vol->base + VMKFS_LVM_DATA_OFFSET + slot_pos(slot);
	int ret;

	if (write) {
		vol->stats.hb_writes++;
		ret = vol->dev->write(vol->dev, off, b, VMKFS_HB_SLOT_SIZE);
	} else {
		vol->stats.hb_reads++;
		ret = vol->dev->read(vol->dev, off, b, VMKFS_HB_SLOT_SIZE);
	}
	if (ret)
		return vmkfs_err(vol, ret, "heartbeat slot %u: device %s failed", slot,
				 write ? "write" : "read");
	return VMKFS_OK;
}

int hb_claim(struct vmkfs_vol *vol)
{
	uint8_t b[VMKFS_HB_SLOT_SIZE];
	uint32_t slot = 0;
	int ret = vol_reserve(vol);

	if (ret)
		return ret;
	vmkfs_host_uuid(vol->host_uuid);
	for (slot = 0; slot < VMKFS_HB_SLOTS; slot++) {
		ret = hb_io(vol, slot, b, false);
		if (ret)
			goto out;
		if (get32(b, VMKFS_HBR_MAGIC) == VMKFS_HB_MAGIC_ON)
			continue;
		vol->hb_seq = get64(b, VMKFS_HBR_SEQ) + 1;
		vmkfs_memset(b, 0, sizeof(b));
		put32(b, VMKFS_HBR_MAGIC, VMKFS_HB_MAGIC_ON);
		put64(b, VMKFS_HBR_POS, slot_pos(slot));
		put64(b, VMKFS_HBR_SEQ, vol->hb_seq);
		put64(b, VMKFS_HBR_UPTIME, vmkfs_time_us());
		vmkfs_memcpy(b + VMKFS_HBR_UUID, vol->host_uuid, 16);
		ret = hb_io(vol, slot, b, true);
		if (!ret)
			ret = vol_flush(vol);
		if (!ret) {
			vol->hb_slot = slot;
			vol->hb_last_us = vmkfs_time_us();
		}
		goto out;
	}
	ret = vmkfs_err(vol, VMKFS_EBUSY, "all %u heartbeat slots are in use",
			VMKFS_HB_SLOTS);
out:
	vol_release(vol);
	return ret;
}

static int hb_write_off(struct vmkfs_vol *vol, uint32_t slot, uint64_t seq)
{
	uint8_t b[VMKFS_HB_SLOT_SIZE] = { 0 };

	put32(b, VMKFS_HBR_MAGIC, VMKFS_HB_MAGIC_OFF);
	put64(b, VMKFS_HBR_POS, slot_pos(slot));
	put64(b, VMKFS_HBR_SEQ, seq + 1);
	return hb_io(vol, slot, b, true);
}

int hb_release(struct vmkfs_vol *vol)
{
	int ret;

	if (vol->hb_slot == UINT32_MAX)
		return VMKFS_OK;
	ret = hb_write_off(vol, vol->hb_slot, vol->hb_seq);
	if (!ret)
		ret = vol_flush(vol);
	vol->hb_slot = UINT32_MAX;
	return ret;
}

int hb_tick(struct vmkfs_vol *vol)
{
	uint8_t b[VMKFS_HB_SLOT_SIZE];
	uint64_t now = vmkfs_time_us();
	int ret;

	if (vol->hb_slot == UINT32_MAX || now - vol->hb_last_us < HB_TICK_US)
		return VMKFS_OK;
	ret = hb_io(vol, vol->hb_slot, b, false);
	if (ret)
		return ret;
	if (get32(b, VMKFS_HBR_MAGIC) != VMKFS_HB_MAGIC_ON ||
	    get64(b, VMKFS_HBR_SEQ) != vol->hb_seq ||
	    vmkfs_memcmp(b + VMKFS_HBR_UUID, vol->host_uuid, 16))
		return vmkfs_err(vol, VMKFS_EBUSY,
				 "heartbeat slot %u was reclaimed by another host: our locks are lost",
				 vol->hb_slot);
	put64(b, VMKFS_HBR_UPTIME, now);
	vol->hb_last_us = now;
	return hb_io(vol, vol->hb_slot, b, true);
}

int vmkfs_heartbeat(struct vmkfs_vol *vol)
{
	int ret;

	vmkfs_mutex_lock(vol->mutex);
	vol->errmsg[0] = 0;
	ret = hb_tick(vol);
	vmkfs_mutex_unlock(vol->mutex);
	return ret;
}

void vmkfs_set_lock_timeout(struct vmkfs_vol *vol, uint32_t ms)
{
	vol->lock_timeout_ms = ms;
}

void vmkfs_set_lock_wait(struct vmkfs_vol *vol, uint32_t ms)
{
	vol->lock_wait_ms = ms;
}

/* one holder of a lock */
struct holder {
	uint64_t hb_pos, hb_seq;
};

enum liveness { HOLDER_STALE, HOLDER_ALIVE, HOLDER_SELF, HOLDER_SILENT };

static int slot_of(struct vmkfs_vol *vol, uint64_t hb_pos, uint32_t *slot)
{
	if (hb_pos < VMKFS_HB_OFFSET || hb_pos >= VMKFS_HB_END ||
	    (hb_pos - VMKFS_HB_OFFSET) % VMKFS_HB_SLOT_SIZE)
		return vmkfs_err(vol, VMKFS_ECORRUPT,
				 "lock names heartbeat position %#llx, not a slot",
				 (unsigned long long)hb_pos);
	*slot = (uint32_t)((hb_pos - VMKFS_HB_OFFSET) / VMKFS_HB_SLOT_SIZE);
	return VMKFS_OK;
}

/* is the holder's heartbeat marked alive with the lock's generation? */
static int holder_marked(struct vmkfs_vol *vol, const struct holder *h,
			 uint8_t *slotbuf, bool *marked)
{
	uint32_t slot = 0;
	int ret = slot_of(vol, h->hb_pos, &slot);

	if (!ret)
		ret = hb_io(vol, slot, slotbuf, false);
	if (ret)
		return ret;
	*marked = get32(slotbuf, VMKFS_HBR_MAGIC) == VMKFS_HB_MAGIC_ON &&
		  get64(slotbuf, VMKFS_HBR_SEQ) == h->hb_seq;
	return VMKFS_OK;
}

/*
 * Since when h's heartbeat has shown uptime, as far as this mount knows:
 * now if it is new or has moved. Remembered across lock acquisitions, so
 * a holder's silence adds up over tries that each watch briefly.
 */
static uint64_t silent_since(struct vmkfs_vol *vol, const struct holder *h,
			     uint64_t uptime)
{
	struct hb_silence *s;
	uint32_t i;

	for (i = 0; i < VMKFS_RO_HOLDERS + 1; i++) {
		s = &vol->silent[i];
		if (s->hb_pos != h->hb_pos || s->hb_seq != h->hb_seq)
			continue;
		if (s->uptime != uptime) {
			s->uptime = uptime;
			s->since_us = vmkfs_time_us();
		}
		return s->since_us;
	}
	s = &vol->silent[vol->silent_next++ % (VMKFS_RO_HOLDERS + 1)];
	s->hb_pos = h->hb_pos;
	s->hb_seq = h->hb_seq;
	s->uptime = uptime;
	s->since_us = vmkfs_time_us();
	return s->since_us;
}

/*
 * Decide whether a holder lives, watching its heartbeat (without the
 * reservation) until it has stood still for the lock timeout, then
 * reclaiming it; or until deadline: HOLDER_SILENT, undecided, and how
 * long it has stood still.
 */
static int holder_liveness(struct vmkfs_vol *vol, const struct holder *h,
			   uint64_t deadline, enum liveness *lv, uint64_t *silent_us)
{
	uint64_t timeout = (uint64_t)vol->lock_timeout_ms * 1000;
	uint8_t b[VMKFS_HB_SLOT_SIZE], uuid[16];
	uint64_t uptime, since, now;
	uint32_t slot = 0;
	bool marked;
	int ret;

	if (vol->hb_slot != UINT32_MAX && h->hb_pos == slot_pos(vol->hb_slot) &&
	    h->hb_seq == vol->hb_seq) {
		*lv = HOLDER_SELF;
		return VMKFS_OK;
	}
	ret = holder_marked(vol, h, b, &marked);
	if (ret || !marked) {
		*lv = HOLDER_STALE;
		return ret;
	}
	uptime = get64(b, VMKFS_HBR_UPTIME);
	vmkfs_memcpy(uuid, b + VMKFS_HBR_UUID, 16);
	since = silent_since(vol, h, uptime);
	while ((now = vmkfs_time_us()) - since < timeout) {
		if (now >= deadline) {
			*lv = HOLDER_SILENT;
			*silent_us = now - since;
			return VMKFS_OK;
		}
		vmkfs_sleep_ms(HB_POLL_MS);
		ret = hb_tick(vol);
		if (!ret)
			ret = holder_marked(vol, h, b, &marked);
		if (ret)
			return ret;
		if (!marked) {
			*lv = HOLDER_STALE;
			return VMKFS_OK;
		}
		if (get64(b, VMKFS_HBR_UPTIME) != uptime) {
			silent_since(vol, h, get64(b, VMKFS_HBR_UPTIME));
			*lv = HOLDER_ALIVE;
			return VMKFS_OK;
		}
	}
	/* silent for the whole timeout: reclaim its heartbeat */
	ret = slot_of(vol, h->hb_pos, &slot);
	if (!ret)
		ret = vol_reserve(vol);
	if (ret)
		return ret;
	ret = holder_marked(vol, h, b, &marked);
	if (!ret && marked && get64(b, VMKFS_HBR_UPTIME) == uptime &&
	    !vmkfs_memcmp(b + VMKFS_HBR_UUID, uuid, 16))
		ret = hb_write_off(vol, slot, h->hb_seq);
	if (!ret)
		ret = vol_flush(vol);
	vol_release(vol);
	*lv = HOLDER_STALE;
	return ret;
}

static uint32_t ro_holders(const uint8_t *mdh, struct holder *hs)
{
	uint32_t n = get32(mdh, VMKFS_MDH_RO_COUNT), i;

	if (n > VMKFS_RO_HOLDERS)
		n = VMKFS_RO_HOLDERS;
	for (i = 0; i < n; i++) {
		hs[i].hb_pos = get64(mdh, VMKFS_MDH_RO_TABLE + 16 * i);
		hs[i].hb_seq = get64(mdh, VMKFS_MDH_RO_TABLE + 16 * i + 8);
	}
	return n;
}

static void set_holders(struct vmkfs_vol *vol, uint8_t *mdh, uint32_t mode,
			const struct holder *hs, uint32_t n)
{
	uint32_t i;

	vmkfs_memset(mdh + VMKFS_MDH_RO_COUNT, 0,
		     VMKFS_MDH_RO_TABLE + 16 * VMKFS_RO_HOLDERS - VMKFS_MDH_RO_COUNT);
	put64(mdh, VMKFS_MDH_OBJ_SEQ, get64(mdh, VMKFS_MDH_OBJ_SEQ) + 1);
	put32(mdh, VMKFS_MDH_HB_LOCK, n ? mode : VMKFS_LOCK_FREE);
	put64(mdh, VMKFS_MDH_HB_POS, n ? hs[0].hb_pos : 0);
	put64(mdh, VMKFS_MDH_HB_SEQ, n ? hs[0].hb_seq : 0);
	vmkfs_memset(mdh + VMKFS_MDH_HB_UUID, 0, 16);
	if (n)
		vmkfs_memcpy(mdh + VMKFS_MDH_HB_UUID, vol->host_uuid, 16);
	if (mode == VMKFS_LOCK_READONLY) {
		put32(mdh, VMKFS_MDH_RO_COUNT, n);
		for (i = 0; i < n; i++) {
			put64(mdh, VMKFS_MDH_RO_TABLE + 16 * i, hs[i].hb_pos);
			put64(mdh, VMKFS_MDH_RO_TABLE + 16 * i + 8, hs[i].hb_seq);
		}
	}
}

static int mdh_read(struct vmkfs_vol *vol, struct vmkfs_inode *ino)
{
	return lvm_read(vol, ino->pos, ino->mdh, VMKFS_MDH_LEN);
}

static int mdh_write(struct vmkfs_vol *vol, struct vmkfs_inode *ino)
{
	int ret = lvm_write(vol, ino->pos, ino->mdh, VMKFS_MDH_LEN);

	return ret ? ret : vol_flush(vol);
}

static void holder_owner(struct vmkfs_vol *vol, const struct holder *h,
			 char uuid[VMKFS_UUID_STR_LEN + 1], uint32_t *slot)
{
	uint8_t b[VMKFS_HB_SLOT_SIZE] = { 0 };
	bool marked;

	*slot = 0;
	slot_of(vol, h->hb_pos, slot);
	holder_marked(vol, h, b, &marked);
	vmkfs_uuid_str(b + VMKFS_HBR_UUID, uuid);
}

/* take an exclusive or a read-only lock on an inode's metadata header */
int lock_acquire(struct vmkfs_vol *vol, struct vmkfs_inode *ino, bool excl)
{
	struct holder hs[VMKFS_RO_HOLDERS + 1], self;
	uint32_t want = excl ? VMKFS_LOCK_EXCLUSIVE : VMKFS_LOCK_READONLY;
	uint32_t wait_ms = vol->lock_wait_ms < vol->lock_timeout_ms ?
			   vol->lock_wait_ms : vol->lock_timeout_ms;
	/* one deadline over every holder: a long holder list must not multiply it */
	uint64_t deadline = vmkfs_time_us() + (uint64_t)wait_ms * 1000;

	if (vol->hb_slot == UINT32_MAX)
		return vmkfs_err(vol, VMKFS_EROFS, "locks need a read-write mount");
	self.hb_pos = slot_pos(vol->hb_slot);
	self.hb_seq = vol->hb_seq;
	for (uint32_t reclaimed = 0;; reclaimed++) {
		uint32_t mode, n, i, kept = 0;
		struct holder conflict = { 0, 0 };
		bool busy = false;
		int ret = vol_reserve(vol);

		if (ret)
			return ret;
		ret = mdh_read(vol, ino);
		if (ret)
			goto fail;
		mode = get32(ino->mdh, VMKFS_MDH_HB_LOCK);
		if (mode == VMKFS_LOCK_EXCLUSIVE) {
			hs[0].hb_pos = get64(ino->mdh, VMKFS_MDH_HB_POS);
			hs[0].hb_seq = get64(ino->mdh, VMKFS_MDH_HB_SEQ);
			n = 1;
		} else if (mode == VMKFS_LOCK_READONLY) {
			n = ro_holders(ino->mdh, hs);
		} else {
			n = 0;
		}
		/* holders whose heartbeat is off or reused are dropped now */
		for (i = 0; i < n; i++) {
			uint8_t b[VMKFS_HB_SLOT_SIZE];
			bool marked;

			ret = holder_marked(vol, &hs[i], b, &marked);
			if (ret)
				goto fail;
			if (!marked)
				continue;
			hs[kept++] = hs[i];
			if (excl || mode == VMKFS_LOCK_EXCLUSIVE) {
				busy = true;
				conflict = hs[i];
				/* each conflicting holder's silence counts from now */
				silent_since(vol, &hs[i], get64(b, VMKFS_HBR_UPTIME));
			}
		}
		n = kept;
		if (!busy) {
			if (n == VMKFS_RO_HOLDERS) {
				ret = vmkfs_err(vol, VMKFS_EBUSY,
						"file descriptor %#x has %u read-only holders already",
						ino->id, n);
				goto fail;
			}
			hs[n++] = self;
			set_holders(vol, ino->mdh, want, excl ? &self : hs,
				    excl ? 1 : n);
			ret = mdh_write(vol, ino);
			vol_release(vol);
			return ret;
		}
		vol_release(vol);
		{
			enum liveness lv;
			uint64_t silent_us = 0;
			char uuid[VMKFS_UUID_STR_LEN + 1];
			uint32_t slot;

			ret = holder_liveness(vol, &conflict, deadline, &lv, &silent_us);
			if (ret)
				return ret;
			/*
			 * Its heartbeat is gone: retry. Each holder is reclaimed
			 * once; a slot marked again (a live peer's, or a write
			 * the LUN lost) must not make this loop without a wait.
			 */
			if (lv == HOLDER_STALE && reclaimed < VMKFS_RO_HOLDERS)
				continue;
			holder_owner(vol, &conflict, uuid, &slot);
			if (lv == HOLDER_STALE)
				return vmkfs_err(vol, VMKFS_EBUSY,
						 "file descriptor %#x: the heartbeat of host %s (slot %u) was turned off as stale %u times and is on again: its lock stays (a live host, or a LUN losing writes)",
						 ino->id, uuid, slot, reclaimed + 1);
			/* what to do first: callers' messages may be cut */
			if (lv == HOLDER_SILENT)
				return vmkfs_err(vol, VMKFS_EBUSY,
						 "locked by a host silent %llu.%llu s, stale at %u s: try again then (file descriptor %#x, %s, host %s, heartbeat slot %u)",
						 (unsigned long long)(silent_us / 1000000),
						 (unsigned long long)(silent_us / 100000 % 10),
						 vol->lock_timeout_ms / 1000, ino->id,
						 mode == VMKFS_LOCK_EXCLUSIVE ? "exclusive" : "read-only",
						 uuid, slot);
			return vmkfs_err(vol, VMKFS_EBUSY,
					 "file descriptor %#x is locked (%s) by host %s, heartbeat slot %u%s",
					 ino->id,
					 mode == VMKFS_LOCK_EXCLUSIVE ? "exclusive" : "read-only",
					 uuid, slot,
					 lv == HOLDER_SELF ? " (this mount)" : "");
		}
fail:
		vol_release(vol);
		return ret;
	}
}

int lock_release(struct vmkfs_vol *vol, struct vmkfs_inode *ino)
{
	struct holder hs[VMKFS_RO_HOLDERS] = { { 0, 0 } };
	uint64_t me;
	uint32_t mode, n, i, kept = 0;
	int ret;

	if (vol->hb_slot == UINT32_MAX)
		return VMKFS_OK;
	me = slot_pos(vol->hb_slot);
	ret = vol_reserve(vol);
	if (ret)
		return ret;
	ret = mdh_read(vol, ino);
	if (ret)
		goto out;
	mode = get32(ino->mdh, VMKFS_MDH_HB_LOCK);
	if (mode == VMKFS_LOCK_EXCLUSIVE) {
		if (get64(ino->mdh, VMKFS_MDH_HB_POS) != me ||
		    get64(ino->mdh, VMKFS_MDH_HB_SEQ) != vol->hb_seq) {
			ret = vmkfs_err(vol, VMKFS_EBUSY,
					"lock on file descriptor %#x was taken over by another host",
					ino->id);
			goto out;
		}
		set_holders(vol, ino->mdh, mode, hs, 0);
	} else if (mode == VMKFS_LOCK_READONLY) {
		n = ro_holders(ino->mdh, hs);
		for (i = 0; i < n; i++)
			if (hs[i].hb_pos != me || hs[i].hb_seq != vol->hb_seq)
				hs[kept++] = hs[i];
		set_holders(vol, ino->mdh, mode, hs, kept);
	} else {
		goto out;
	}
	ret = mdh_write(vol, ino);
out:
	vol_release(vol);
	return ret;
}

void lock_describe(struct vmkfs_vol *vol, const struct vmkfs_inode *ino,
		   struct vmkfs_stat *st)
{
	struct holder hs[VMKFS_RO_HOLDERS] = { { 0, 0 } };
	uint8_t b[VMKFS_HB_SLOT_SIZE];
	uint32_t n = 0;
	bool marked = false;

	st->lock_mode = get32(ino->mdh, VMKFS_MDH_HB_LOCK);
	if (st->lock_mode == VMKFS_LOCK_EXCLUSIVE) {
		hs[0].hb_pos = get64(ino->mdh, VMKFS_MDH_HB_POS);
		hs[0].hb_seq = get64(ino->mdh, VMKFS_MDH_HB_SEQ);
		n = 1;
	} else if (st->lock_mode == VMKFS_LOCK_READONLY) {
		n = ro_holders(ino->mdh, hs);
	}
	st->lock_holders = n;
	if (!n)
		return;
	vmkfs_memcpy(st->lock_owner, ino->mdh + VMKFS_MDH_HB_UUID, 16);
	if (slot_of(vol, hs[0].hb_pos, &st->lock_hb_slot) == VMKFS_OK &&
	    holder_marked(vol, &hs[0], b, &marked) == VMKFS_OK && marked)
		vmkfs_memcpy(st->lock_owner, b + VMKFS_HBR_UUID, 16);
	st->lock_owner_alive = marked;
}
