// SPDX-License-Identifier: GPL-2.0-only
/*
 * Datastores (vmkernel/storage/datastore.c): VMFS volumes made by
 * vmkfs_format() on a fake LUN through the vmkernel's LUN device (the
 * rdm_io_ops path, in pieces of a small bounce buffer), then mounted
 * read-write (writing only the heartbeat region), heartbeaten and listed
 * as VMK_HC_STORAGE_DATASTORES gives them; LUNs
 * without a volume, corrupt volumes, a failing LUN and two paths to one
 * volume. The library runs on the POSIX platform here (memory, time);
 * the LUN device is the vmkernel's.
 */
#include <stdlib.h>
#include <unistd.h>
#include "tests/unit/check_run.h"
#include "vmkernel/storage/datastore.h"
#include "vmkfs/format.h"
#include "vmkfs/platform-posix.h"

#define LUN_BYTES	(300ull * MIB)	/* VMFS-3 needs 17 MiB and a 256 MiB segment */
#define BOUNCE_BLOCKS	8
#define BOUNCE_PA	0x300000u

struct fake_lun {
	uint8_t *mem;
	uint64_t blocks;
	unsigned int calls, writes, fail_at;	/* call that fails; 0: none */
	uint64_t lo, hi;			/* bytes written: [lo, hi) */
	uint64_t now_ms, ms_per_call;		/* a slow LUN: each call advances now_ms */
};

static uint8_t bounce_mem[BOUNCE_BLOCKS * DS_BLOCK_SIZE];
static const struct ds_bounce bounce = { bounce_mem, BOUNCE_PA, BOUNCE_BLOCKS };
static struct fake_lun lun;
static struct datastores set;

static enum rdm_io_status fake_rw(void *ctx, bool write, uint64_t lba,
				  uint32_t nr, uint64_t pa)
{
	struct fake_lun *l = ctx;

	ck_assert_uint_eq(pa, BOUNCE_PA);
	ck_assert_uint_ge(nr, 1);
	ck_assert_uint_le(nr, BOUNCE_BLOCKS);
	ck_assert_uint_le(lba + nr, l->blocks);
	l->now_ms += l->ms_per_call;
	if (++l->calls == l->fail_at)
		return RDM_IO_ERROR;
	if (write) {
		l->writes++;
		l->lo = MIN(l->lo, lba * DS_BLOCK_SIZE);
		if (l->hi < (lba + nr) * DS_BLOCK_SIZE)
			l->hi = (lba + nr) * DS_BLOCK_SIZE;
		memcpy(l->mem + lba * DS_BLOCK_SIZE, bounce_mem, nr * DS_BLOCK_SIZE);
	} else {
		memcpy(bounce_mem, l->mem + lba * DS_BLOCK_SIZE, nr * DS_BLOCK_SIZE);
	}
	return RDM_IO_OK;
}

static enum rdm_io_status fake_flush(void *ctx)
{
	(void)ctx;
	return RDM_IO_OK;
}

static const struct rdm_io_ops fake_io = { fake_rw, fake_flush, NULL };

static uint64_t fake_now_ms(void *ctx)
{
	return ((struct fake_lun *)ctx)->now_ms;
}

static void setup(void)
{
	lun.mem = calloc(1, LUN_BYTES);
	ck_assert_ptr_nonnull(lun.mem);
	lun.blocks = LUN_BYTES / DS_BLOCK_SIZE;
	lun.calls = lun.writes = lun.fail_at = 0;
	lun.now_ms = lun.ms_per_call = 0;
	lun.lo = UINT64_MAX;
	lun.hi = 0;
	memset(&set, 0, sizeof(set));
	/* as the vmkernel's platform: one 2 MiB chunk less its header */
	vmkfs_posix_alloc_max = 2 * MIB - 16;
}

static void teardown(void)
{
	ds_unmount_all(&set);
	free(lun.mem);
}

/* What the COS's `vmkfstools -C vmfs3 -S label` does, through the LUN device. */
static void format_lun(const char *label)
{
	struct vmkfs_format_opts o = { .block_size = MIB, .label = label };
	struct ds_dev d;
	char err[256] = "";

	ds_dev_init(&d, lun.blocks, false, &fake_io, &lun, &bounce);
	ck_assert_msg(vmkfs_format(&d.dev, &o, err, sizeof(err)) == VMKFS_OK, "%s", err);
	ck_assert_uint_eq(d.io_errors, 0);
}

/* The volume's facts as a read-only mount of the library reports them. */
static void statfs_ro(struct vmkfs_volinfo *info)
{
	struct vmkfs_vol *vol;
	struct ds_dev d;
	char err[256] = "";

	ds_dev_init(&d, lun.blocks, false, &fake_io, &lun, &bounce);
	ck_assert_msg(vmkfs_mount(&d.dev, VMKFS_MOUNT_RDONLY, &vol, err, sizeof(err)) == VMKFS_OK,
		      "%s", err);
	ck_assert_int_eq(vmkfs_statfs(vol, info), VMKFS_OK);
	vmkfs_unmount(vol);
}

/* The uptime field of heartbeat slot n: what a beat advances. */
static uint64_t slot_uptime(uint32_t n)
{
	const uint8_t *b = lun.mem + VMKFS_LVM_DATA_OFFSET + VMKFS_HB_OFFSET +
			   n * VMKFS_HB_SLOT_SIZE + VMKFS_HBR_UPTIME;
	uint64_t v;

	memcpy(&v, b, sizeof(v));
	return v;
}

START_TEST(test_a_volume_on_a_lun_is_mounted_read_write_and_heartbeaten)
{
	static struct vmk_datastore_list l;
	struct vmkfs_volinfo want, after;
	struct datastore *ds;
	char why[DS_WHY_LEN] = "x";
	uint64_t up;

	format_lun("labds");
	statfs_ro(&want);
	ck_assert_uint_gt(want.capacity, 0);
	ck_assert_uint_eq(want.hb_active, 0);
	lun.writes = 0;
	lun.lo = UINT64_MAX;
	lun.hi = 0;
	ck_assert_int_eq(ds_mount(&set, 0, 1, lun.blocks, &fake_io, &lun, &bounce,
				  why, sizeof(why)), DS_MOUNTED);
	ck_assert_str_eq(why, "");
	ds = (struct datastore *)ds_on_lun(&set, 0, 1);
	ck_assert_ptr_nonnull(ds);
	ck_assert_ptr_null(ds_on_lun(&set, 0, 0));
	/* Read-write: its heartbeat slot claimed, nothing else written. */
	ck_assert_uint_gt(lun.writes, 0);
	ck_assert_uint_ge(lun.lo, VMKFS_LVM_DATA_OFFSET + VMKFS_HB_OFFSET);
	ck_assert_uint_le(lun.hi, VMKFS_LVM_DATA_OFFSET + VMKFS_HB_END);
	ck_assert_uint_eq(ds->info.hb_active, 1);

	/* A beat advances the slot's uptime (vmkfs writes it twice a second at most). */
	up = slot_uptime(ds->info.hb_slot);
	usleep(600 * 1000);
	ck_assert_int_eq(ds_heartbeat(ds), VMKFS_OK);
	ck_assert_uint_gt(slot_uptime(ds->info.hb_slot), up);
	ck_assert_uint_le(lun.hi, VMKFS_LVM_DATA_OFFSET + VMKFS_HB_END);
	ds_beat_missed(&set);

	/* A failed beat is counted and says why. */
	usleep(600 * 1000);
	lun.calls = 0;
	lun.fail_at = 1;
	ck_assert_int_ne(ds_heartbeat(ds), VMKFS_OK);
	lun.fail_at = 0;

	ds_list(&set, &l);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_uint_eq(l.ds[0].state, VMK_DATASTORE_MOUNTED);
	ck_assert_uint_eq(l.ds[0].target, 0);
	ck_assert_uint_eq(l.ds[0].lun, 1);
	ck_assert_str_eq(l.ds[0].label, "labds");
	ck_assert_uint_eq(strlen(l.ds[0].uuid), VMKFS_UUID_STR_LEN);
	ck_assert_uint_eq(l.ds[0].capacity, want.capacity);
	ck_assert_uint_eq(l.ds[0].free_bytes, want.free_bytes);
	ck_assert_uint_eq(l.ds[0].block_size, MIB);
	ck_assert_uint_eq(l.ds[0].capacity, 256ull * MIB);	/* one segment */
	ck_assert_uint_eq(l.ds[0].read_write, 1);
	ck_assert_uint_eq(l.ds[0].beats, 1);
	ck_assert_uint_eq(l.ds[0].beats_missed, 1);
	ck_assert_uint_eq(l.ds[0].beats_failed, 1);
	ck_assert_msg(!strncmp(l.ds[0].msg, "heartbeat failed: ", 18), "%s", l.ds[0].msg);

	/* The unmount leaves no live heartbeat (vmkfstools -P: 0 active). */
	ck_assert_uint_eq(ds_unmount_all(&set), 1);
	ck_assert_ptr_null(ds_on_lun(&set, 0, 1));
	ds_list(&set, &l);
	ck_assert_uint_eq(l.n, 0);
	ck_assert_uint_le(lun.hi, VMKFS_LVM_DATA_OFFSET + VMKFS_HB_END);
	statfs_ro(&after);
	ck_assert_uint_eq(after.hb_active, 0);
	ck_assert_uint_eq(after.free_bytes, want.free_bytes);
}
END_TEST

/*
 * The heartbeat task counts a beat it skipped without the storage lock
 * (it could not have it): no entry is written then; the next list, under
 * the lock, has the count, and a mount made after the miss has none.
 */
START_TEST(test_a_beat_missed_without_the_lock_writes_no_entry)
{
	static struct vmk_datastore_list l;
	const struct datastore *ds;
	char why[DS_WHY_LEN];

	format_lun("labds");
	ck_assert_int_eq(ds_mount(&set, 0, 1, lun.blocks, &fake_io, &lun, &bounce,
				  why, sizeof(why)), DS_MOUNTED);
	ds = ds_on_lun(&set, 0, 1);
	ds_beat_missed(&set);
	ds_beat_missed(&set);
	ck_assert_uint_eq(ds->beats_missed, 0);
	ds_list(&set, &l);
	ck_assert_uint_eq(l.ds[0].beats_missed, 2);
	ck_assert_uint_eq(ds_unmount_all(&set), 1);
	ds_beat_missed(&set);
	ck_assert_int_eq(ds_mount(&set, 0, 1, lun.blocks, &fake_io, &lun, &bounce,
				  why, sizeof(why)), DS_MOUNTED);
	ds_beat_missed(&set);
	ds_list(&set, &l);
	ck_assert_uint_eq(l.ds[0].beats_missed, 1);
}
END_TEST

/*
 * A label on disk that cannot name a datastore (here "..") is ignored:
 * the volume is mounted without one, which no path reaches, and the list
 * says why; such a label is refused when the vmkernel formats.
 */
START_TEST(test_a_label_on_disk_no_path_can_name_is_ignored_and_refused_at_format)
{
	static struct vmk_datastore_list l;
	char why[DS_WHY_LEN];

	format_lun("labds");
	memcpy(lun.mem + VMKFS_LVM_DATA_OFFSET + VMKFS_FSINFO_OFFSET + VMKFS_FS_LABEL, "..", 3);
	ck_assert_int_eq(ds_mount(&set, 0, 1, lun.blocks, &fake_io, &lun, &bounce,
				  why, sizeof(why)), DS_MOUNTED);
	ck_assert_ptr_null(ds_by_label(&set, ".."));
	ds_list(&set, &l);
	ck_assert_str_eq(l.ds[0].label, "");
	ck_assert_uint_eq(strlen(l.ds[0].uuid), VMKFS_UUID_STR_LEN);
	ck_assert_str_eq(l.ds[0].msg, "its label on disk is . or ..: ignored, so no datastore path reaches it");
	ck_assert_uint_eq(ds_unmount_all(&set), 1);
	ck_assert_int_eq(ds_format(&set, 0, 1, lun.blocks, &fake_io, &lun, &bounce, MIB, "ds]1",
				   why, sizeof(why)), DS_REFUSED);
	ck_assert_str_eq(why, "label has a '/' or ']'");
}
END_TEST

START_TEST(test_a_lun_without_a_volume_is_not_listed)
{
	static struct vmk_datastore_list l;
	char why[DS_WHY_LEN];

	memset(lun.mem, 0xa5, 4096);		/* the COS's random blocks, no VMFS */
	ck_assert_int_eq(ds_mount(&set, 0, 0, lun.blocks, &fake_io, &lun, &bounce,
				  why, sizeof(why)), DS_NO_VOLUME);
	ds_list(&set, &l);
	ck_assert_uint_eq(l.n, 0);
	/* too small to hold a volume header at all */
	ck_assert_int_eq(ds_mount(&set, 0, 0, 2048, &fake_io, &lun, &bounce,
				  why, sizeof(why)), DS_NO_VOLUME);
}
END_TEST

/* A corrupt volume is listed as refused with vmkfs's reason, not mounted. */
static void check_refused(const char *reason)
{
	static struct vmk_datastore_list l;
	char why[DS_WHY_LEN];

	ck_assert_int_eq(ds_mount(&set, 0, 1, lun.blocks, &fake_io, &lun, &bounce,
				  why, sizeof(why)), DS_REFUSED);
	ck_assert_msg(strstr(why, reason), "why: %s", why);
	ck_assert_ptr_null(ds_on_lun(&set, 0, 1));
	ds_list(&set, &l);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_uint_eq(l.ds[0].state, VMK_DATASTORE_REFUSED);
	ck_assert_str_eq(l.ds[0].label, "");
	ck_assert_uint_eq(l.ds[0].capacity, 0);
	ck_assert_msg(strstr(l.ds[0].msg, reason), "msg: %s", l.ds[0].msg);
	ds_unmount_all(&set);
}

START_TEST(test_a_corrupt_volume_is_refused_with_the_reason)
{
	uint8_t *vi = lun.mem + VMKFS_VOLINFO_OFFSET;
	uint8_t *fs = lun.mem + VMKFS_LVM_DATA_OFFSET + VMKFS_FSINFO_OFFSET;

	format_lun("labds");
	memset(fs, 0, 4);
	check_refused("no file system descriptor");

	format_lun("labds");
	vi[VMKFS_LV_SIZE + 7] = 0x7f;		/* a logical volume of exabytes */
	check_refused("does not fit");

	format_lun("labds");
	fs[VMKFS_FS_BLKSIZE] = 3;		/* block size 1 MiB + 3 */
	check_refused("block size");
}
END_TEST

/*
 * A read that fails (a flaky path, a LUN that hung) says nothing about
 * the volume: no entry, so that the next rescan tries again and
 * vmkfstools -C does not take it for a refused one; no heartbeat left.
 */
START_TEST(test_a_failing_read_lists_nothing_and_the_next_mount_works)
{
	static const unsigned int fail_at[] = { 1, 2, 3, 4, 13, 500, 2100 };
	static struct vmk_datastore_list l;
	char why[DS_WHY_LEN];
	struct datastore *ds;

	format_lun("labds");
	for (unsigned int i = 0; i < ARRAY_SIZE(fail_at); i++) {
		lun.calls = 0;
		lun.fail_at = fail_at[i];
		ck_assert_int_eq(ds_mount(&set, 0, 1, lun.blocks, &fake_io, &lun, &bounce,
					  why, sizeof(why)), DS_IO_FAILED);
		ck_assert_msg(why[0], "call %u: no reason", fail_at[i]);
		ck_assert_ptr_null(ds_on_lun(&set, 0, 1));
		ds_list(&set, &l);
		ck_assert_uint_eq(l.n, 0);
	}
	lun.fail_at = 0;
	ck_assert_int_eq(ds_mount(&set, 0, 1, lun.blocks, &fake_io, &lun, &bounce,
				  why, sizeof(why)), DS_MOUNTED);
	ds = (struct datastore *)ds_on_lun(&set, 0, 1);
	ck_assert_ptr_nonnull(ds);
	ck_assert_uint_eq(ds->info.hb_active, 1);
}
END_TEST

START_TEST(test_two_paths_to_one_volume_mount_it_once)
{
	static struct vmk_datastore_list l;
	char why[DS_WHY_LEN];

	format_lun("labds");
	ck_assert_int_eq(ds_mount(&set, 0, 1, lun.blocks, &fake_io, &lun, &bounce,
				  why, sizeof(why)), DS_MOUNTED);
	ck_assert_int_eq(ds_mount(&set, 3, 0, lun.blocks, &fake_io, &lun, &bounce,
				  why, sizeof(why)), DS_REFUSED);
	ck_assert_str_eq(why, "datastore 'labds' on vmhba0:C0:T0:L1 has the same label (a copy of that volume?)");
	ck_assert_int_eq(ds_mount(&set, 0, 1, lun.blocks, &fake_io, &lun, &bounce,
				  why, sizeof(why)), DS_REFUSED);
	ds_list(&set, &l);
	ck_assert_uint_eq(l.n, 2);
	ck_assert_uint_eq(ds_unmount_all(&set), 1);
}
END_TEST

/*
 * A LUN that answers every command, slowly (1 ms a call here), is never
 * marked unresponsive: the caller's deadline stops the mount, whichever
 * part it is in (the probe, the headers, the 2048 heartbeat slots, the
 * read-write mount), with nothing listed and nothing written; no piece
 * starts after it.
 */
START_TEST(test_a_slow_luns_mount_stops_at_its_deadline_writing_nothing)
{
	static const uint64_t by[] = { 1, 13, 1000, 2130, 2138 };
	static struct vmk_datastore_list l;
	char why[DS_WHY_LEN];

	format_lun("labds");
	lun.writes = 0;
	lun.ms_per_call = 1;
	for (unsigned int i = 0; i < ARRAY_SIZE(by); i++) {
		set.deadline = (struct ds_deadline){ fake_now_ms, &lun, by[i] };
		lun.calls = 0;
		lun.now_ms = 0;
		ck_assert_int_eq(ds_mount(&set, 0, 1, lun.blocks, &fake_io, &lun, &bounce,
					  why, sizeof(why)), DS_TOO_SLOW);
		ck_assert_str_eq(why, "the LUN is too slow: mount out of time, nothing written");
		ck_assert_uint_le(lun.calls, by[i] + 1);
		ck_assert_uint_eq(lun.writes, 0);
		ds_list(&set, &l);
		ck_assert_uint_eq(l.n, 0);
	}
	/* In time: mounted, and its beats are not bound by the mount's deadline. */
	set.deadline.by = 100000;
	lun.now_ms = 0;
	ck_assert_int_eq(ds_mount(&set, 0, 1, lun.blocks, &fake_io, &lun, &bounce,
				  why, sizeof(why)), DS_MOUNTED);
	ck_assert_uint_eq(ds_on_lun(&set, 0, 1)->info.hb_active, 1);
	lun.now_ms = 200000;
	usleep(600 * 1000);
	ck_assert_int_eq(ds_heartbeat((struct datastore *)ds_on_lun(&set, 0, 1)), VMKFS_OK);
}
END_TEST

/* vmkfstools -C on a LUN of the vmkernel: ds_format(). */
static enum ds_result format_via_vmkernel(struct fake_lun *l, uint32_t lun_nr,
					  uint32_t bs, const char *label, char *why)
{
	return ds_format(&set, 0, lun_nr, l->blocks, &fake_io, l, &bounce, bs, label,
			 why, DS_WHY_LEN);
}

START_TEST(test_a_volume_made_through_the_vmkernel_is_mounted)
{
	static struct vmk_datastore_list l;
	struct vmkfs_volinfo info;
	char why[DS_WHY_LEN];
	const struct datastore *ds;

	ck_assert_int_eq(format_via_vmkernel(&lun, 1, 2 * MIB, "fresh", why), DS_MOUNTED);
	ds = ds_on_lun(&set, 0, 1);
	ck_assert_ptr_nonnull(ds);
	ck_assert_str_eq(ds->info.label, "fresh");
	ck_assert_uint_eq(ds->info.block_size, 2 * MIB);
	ck_assert_uint_gt(ds->info.capacity, 200 * MIB);
	ck_assert_int_eq(ds_heartbeat((struct datastore *)ds), VMKFS_OK);
	ds_list(&set, &l);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_uint_eq(l.ds[0].read_write, 1);
	/* a volume like any other: the library mounts it again after */
	ck_assert_uint_eq(ds_unmount_all(&set), 1);
	statfs_ro(&info);
	ck_assert_str_eq(info.label, "fresh");
}
END_TEST

START_TEST(test_a_mounted_lun_or_label_is_not_formatted)
{
	struct fake_lun other = { .blocks = lun.blocks, .lo = UINT64_MAX };
	char why[DS_WHY_LEN];
	unsigned int writes;

	other.mem = calloc(1, LUN_BYTES);
	ck_assert_ptr_nonnull(other.mem);
	ck_assert_int_eq(format_via_vmkernel(&lun, 1, MIB, "fresh", why), DS_MOUNTED);
	writes = lun.writes;
	ck_assert_int_eq(format_via_vmkernel(&lun, 1, MIB, "again", why), DS_REFUSED);
	ck_assert_str_eq(why, "datastore 'fresh' is mounted from it");
	ck_assert_uint_eq(lun.writes, writes);
	ck_assert_int_eq(format_via_vmkernel(&other, 2, MIB, "fresh", why), DS_REFUSED);
	ck_assert_str_eq(why, "datastore 'fresh' on vmhba0:C0:T0:L1 has that label");
	ck_assert_uint_eq(other.writes, 0);
	ck_assert_ptr_null(ds_on_lun(&set, 0, 2));
	/* a block size VMFS-3 has not: vmkfs's reason, nothing mounted */
	ck_assert_int_eq(format_via_vmkernel(&other, 2, 3 * MIB, "second", why), DS_REFUSED);
	ck_assert_msg(strstr(why, "block size"), "why: %s", why);
	ck_assert_ptr_null(ds_on_lun(&set, 0, 2));
	ck_assert_int_eq(format_via_vmkernel(&other, 2, MIB, "second", why), DS_MOUNTED);
	ck_assert_uint_eq(ds_unmount_all(&set), 2);
	free(other.mem);
}
END_TEST

START_TEST(test_a_corrupt_volume_is_formatted_over_when_asked)
{
	static struct vmk_datastore_list l;
	char why[DS_WHY_LEN];

	format_lun("broken");
	memset(lun.mem + VMKFS_LVM_DATA_OFFSET + VMKFS_FSINFO_OFFSET, 0, 4);
	ck_assert_int_eq(ds_mount(&set, 0, 1, lun.blocks, &fake_io, &lun, &bounce,
				  why, sizeof(why)), DS_REFUSED);
	ck_assert_int_eq(format_via_vmkernel(&lun, 1, MIB, "fresh", why), DS_MOUNTED);
	ds_list(&set, &l);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_uint_eq(l.ds[0].state, VMK_DATASTORE_MOUNTED);
	ck_assert_str_eq(l.ds[0].label, "fresh");
	ck_assert(ds_uses_ctx(&set, &lun));
}
END_TEST

/*
 * A format on a slow LUN stops at the deadline too: a volume cut after
 * its first write has no header (vmkfs writes it last) and why says the
 * LUN holds none now; one stopped before any write leaves the old one.
 */
START_TEST(test_a_slow_format_stops_at_its_deadline_and_says_what_is_left)
{
	static struct vmk_datastore_list l;
	char why[DS_WHY_LEN];

	format_lun("old");
	lun.ms_per_call = 1;
	set.deadline = (struct ds_deadline){ fake_now_ms, &lun, 5 };
	lun.now_ms = 6;
	lun.writes = 0;
	ck_assert_int_eq(format_via_vmkernel(&lun, 1, MIB, "fresh", why), DS_TOO_SLOW);
	ck_assert_str_eq(why, "the LUN is too slow: format out of time, nothing written");
	ck_assert_uint_eq(lun.writes, 0);

	lun.now_ms = 0;
	lun.calls = 0;
	set.deadline.by = 200;
	ck_assert_int_eq(format_via_vmkernel(&lun, 1, MIB, "fresh", why), DS_TOO_SLOW);
	ck_assert_msg(!strncmp(why, "the LUN is too slow: format cut after ", 38) &&
		      strstr(why, " writes; volume incomplete, make it again"), "why: %s", why);
	ck_assert_uint_gt(lun.writes, 0);
	ck_assert_uint_le(lun.calls, 201);
	ck_assert_ptr_null(ds_on_lun(&set, 0, 1));
	ds_list(&set, &l);
	ck_assert_uint_eq(l.n, 0);
	set.deadline.by = 0;
	ck_assert_int_eq(ds_mount(&set, 0, 1, lun.blocks, &fake_io, &lun, &bounce,
				  why, sizeof(why)), DS_NO_VOLUME);
}
END_TEST

/* A write that fails cuts the format the same way, and says so. */
START_TEST(test_a_format_cut_by_a_failed_write_says_the_volume_is_incomplete)
{
	char why[DS_WHY_LEN];

	lun.fail_at = 300;
	ck_assert_int_eq(format_via_vmkernel(&lun, 1, MIB, "fresh", why), DS_IO_FAILED);
	ck_assert_msg(!strncmp(why, "the LUN failed an I/O: format cut after ", 40) &&
		      strstr(why, " writes; volume incomplete, make it again"), "why: %s", why);
	ck_assert_ptr_null(ds_on_lun(&set, 0, 1));
	lun.fail_at = 0;
	ck_assert_int_eq(ds_mount(&set, 0, 1, lun.blocks, &fake_io, &lun, &bounce,
				  why, sizeof(why)), DS_NO_VOLUME);
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("datastore");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_a_volume_on_a_lun_is_mounted_read_write_and_heartbeaten);
	tcase_add_test(tc, test_a_beat_missed_without_the_lock_writes_no_entry);
	tcase_add_test(tc, test_a_label_on_disk_no_path_can_name_is_ignored_and_refused_at_format);
	tcase_add_test(tc, test_a_lun_without_a_volume_is_not_listed);
	tcase_add_test(tc, test_a_corrupt_volume_is_refused_with_the_reason);
	tcase_add_test(tc, test_a_failing_read_lists_nothing_and_the_next_mount_works);
	tcase_add_test(tc, test_a_slow_luns_mount_stops_at_its_deadline_writing_nothing);
	tcase_add_test(tc, test_two_paths_to_one_volume_mount_it_once);
	tcase_add_test(tc, test_a_volume_made_through_the_vmkernel_is_mounted);
	tcase_add_test(tc, test_a_mounted_lun_or_label_is_not_formatted);
	tcase_add_test(tc, test_a_corrupt_volume_is_formatted_over_when_asked);
	tcase_add_test(tc, test_a_slow_format_stops_at_its_deadline_and_says_what_is_left);
	tcase_add_test(tc, test_a_format_cut_by_a_failed_write_says_the_volume_is_incomplete);
	return check_run("vmkernel datastores", tc);
}
