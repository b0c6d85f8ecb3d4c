// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmkfs host unit tests: block addressing, allocation, directories, files
 * of every provisioning kind, pointer blocks, heartbeats and on-disk locks
 * between two "hosts" sharing one in-memory LUN, check and repair.
 */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/vmkfs/memdev.h"
#include "vmkfs/internal.h"
#include "vmkfs/platform-posix.h"

#define MiB (1024ull * 1024)
#define VOL_SIZE (17 * MiB + 2 * 256 * MiB)	/* headers + 2 segments */
#define HOST_A "11111111-22222222-3333-444444444444"
#define HOST_B "aaaaaaaa-bbbbbbbb-cccc-dddddddddddd"

static struct memdev *new_volume(uint32_t bs)
{
	struct memdev *m = memdev_create(VOL_SIZE);
	struct vmkfs_format_opts o = { bs, "unit" };
	char err[256];

	ck_assert_ptr_nonnull(m);
	ck_assert_msg(vmkfs_format(&m->dev, &o, err, sizeof(err)) == VMKFS_OK, "%s", err);
	return m;
}

static struct vmkfs_vol *mount_as(struct memdev *m, const char *host)
{
	struct vmkfs_vol *vol;
	char err[256];

	setenv("VMKFS_HOST_UUID", host, 1);
	ck_assert_msg(vmkfs_mount(&m->dev, 0, &vol, err, sizeof(err)) == VMKFS_OK,
		      "%s", err);
	return vol;
}

static void assert_clean(struct memdev *m)
{
	struct vmkfs_check_result r;
	char err[256];

	ck_assert_msg(vmkfs_check(&m->dev, false, 0, NULL, NULL, &r, err,
				  sizeof(err)) == VMKFS_OK, "%s", err);
	ck_assert_msg(r.errors == 0, "check found %u problems", r.errors);
}

static void fill(uint8_t *b, size_t n, unsigned int seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		b[i] = (uint8_t)(i * 31 + seed * 7 + (i >> 12));
}

START_TEST(test_block_ids_roundtrip_through_their_fields)
{
	uint32_t e, i;

	for (e = 0; e < 4000; e += 397)
		for (i = 0; i < 64; i++) {
			uint32_t sb = VMKFS_SB_ID(e, i);

			ck_assert_uint_eq(VMKFS_BLK_TYPE(sb), VMKFS_BLK_SB);
			ck_assert_uint_eq(VMKFS_SB_ENTRY(sb), e);
			ck_assert_uint_eq(VMKFS_SB_ITEM(sb), i);
			if (i < 16) {
				ck_assert_uint_eq(VMKFS_PB_ENTRY(VMKFS_PB_ID(e, i)), e);
				ck_assert_uint_eq(VMKFS_PB_ITEM(VMKFS_PB_ID(e, i)), i);
			}
			ck_assert_uint_eq(VMKFS_FD_ENTRY(VMKFS_FD_ID(e, i)), e);
			ck_assert_uint_eq(VMKFS_FD_ITEM(VMKFS_FD_ID(e, i)), i);
		}
	/* values seen on an ESX-made volume */
	ck_assert_uint_eq(VMKFS_FD_ID(0, 1), 0x400004);
	ck_assert_uint_eq(VMKFS_FB_ID(5), 0x141);
	ck_assert_uint_eq(VMKFS_SB_ID(30, 0), 0x782);
}
END_TEST

START_TEST(test_format_gives_a_clean_volume_with_geometry)
{
	static const uint32_t sizes[] = { 1, 2, 4, 8 };
	unsigned int k;

	for (k = 0; k < 4; k++) {
		struct memdev *m = new_volume(sizes[k] * MiB);
		struct vmkfs_vol *vol = mount_as(m, HOST_A);
		struct vmkfs_volinfo vi;

		ck_assert_int_eq(vmkfs_statfs(vol, &vi), VMKFS_OK);
		ck_assert_uint_eq(vi.block_size, sizes[k] * MiB);
		ck_assert_uint_eq(vi.capacity, 512 * MiB);
		ck_assert_str_eq(vi.label, "unit");
		ck_assert_uint_eq(vi.hb_active, 1);
		ck_assert_uint_lt(vi.free_bytes, vi.capacity);
		ck_assert_int_eq(vmkfs_unmount(vol), VMKFS_OK);
		assert_clean(m);
		memdev_destroy(m);
	}
}
END_TEST

START_TEST(test_too_small_device_is_refused_with_reason)
{
	struct memdev *m = memdev_create(200 * MiB);
	struct vmkfs_format_opts o = { MiB, NULL };
	char err[256] = "";

	ck_assert_int_eq(vmkfs_format(&m->dev, &o, err, sizeof(err)), VMKFS_ENOSPC);
	ck_assert_ptr_nonnull(strstr(err, "too small"));
	o.block_size = 3 * MiB;
	ck_assert_int_eq(vmkfs_format(&m->dev, &o, err, sizeof(err)), VMKFS_EINVAL);
	memdev_destroy(m);
}
END_TEST

static void roundtrip(enum vmkfs_alloc alloc, uint64_t size)
{
	struct memdev *m = new_volume(MiB);
	struct vmkfs_vol *vol = mount_as(m, HOST_A);
	struct vmkfs_file *f;
	struct vmkfs_iostats before, after;
	uint8_t *w = malloc(3 * MiB), *r = malloc(3 * MiB);
	uint64_t off = size - 3 * MiB - 1234;

	ck_assert_int_eq(vmkfs_create(vol, "/disk-flat.vmdk", size, alloc), VMKFS_OK);
	ck_assert_int_eq(vmkfs_open(vol, "/disk-flat.vmdk", VMKFS_O_RDWR, &f), VMKFS_OK);
	/* unwritten ranges read as zeroes whatever the provisioning */
	ck_assert_int_eq(vmkfs_pread(f, r, 3 * MiB, off), 3 * MiB);
	memset(w, 0, 3 * MiB);
	ck_assert_mem_eq(r, w, 3 * MiB);
	fill(w, 3 * MiB, 1);
	vmkfs_iostats(vol, &before);
	ck_assert_int_eq(vmkfs_pwrite(f, w, 3 * MiB, off), 3 * MiB);
	ck_assert_int_eq(vmkfs_pwrite(f, w, 3 * MiB, off), 3 * MiB);
	vmkfs_iostats(vol, &after);
	if (alloc == VMKFS_EAGERZEROEDTHICK)
		ck_assert_uint_eq(after.meta_writes + after.meta_reads,
				  before.meta_writes + before.meta_reads);
	ck_assert_int_eq(vmkfs_pread(f, r, 3 * MiB, off), 3 * MiB);
	ck_assert_mem_eq(r, w, 3 * MiB);
	/* a read across the end stops at the end, a write there is refused */
	ck_assert_int_eq(vmkfs_pread(f, r, 3 * MiB, size - 10), 10);
	ck_assert_int_eq(vmkfs_pwrite(f, w, 20, size - 10), VMKFS_EFBIG);
	ck_assert_int_eq(vmkfs_close(f), VMKFS_OK);
	ck_assert_int_eq(vmkfs_unmount(vol), VMKFS_OK);
	assert_clean(m);
	/* and again after a fresh mount */
	vol = mount_as(m, HOST_B);
	ck_assert_int_eq(vmkfs_open(vol, "/disk-flat.vmdk", VMKFS_O_RDONLY, &f), VMKFS_OK);
	ck_assert_int_eq(vmkfs_pread(f, r, 3 * MiB, off), 3 * MiB);
	ck_assert_mem_eq(r, w, 3 * MiB);
	vmkfs_close(f);
	vmkfs_unmount(vol);
	free(w);
	free(r);
	memdev_destroy(m);
}

START_TEST(test_eagerzeroedthick_file_roundtrips_without_metadata_io)
{
	roundtrip(VMKFS_EAGERZEROEDTHICK, 20 * MiB);
}
END_TEST

START_TEST(test_zeroedthick_file_zeroes_lazily_and_roundtrips)
{
	roundtrip(VMKFS_ZEROEDTHICK, 20 * MiB);
}
END_TEST

START_TEST(test_thin_file_allocates_on_write_and_roundtrips)
{
	roundtrip(VMKFS_THIN, 20 * MiB);
}
END_TEST

START_TEST(test_pointer_block_file_maps_past_256_blocks)
{
	roundtrip(VMKFS_ZEROEDTHICK, 300 * MiB);
}
END_TEST

static uint32_t tbz_of(struct vmkfs_vol *vol, const char *path)
{
	struct vmkfs_stat st;

	ck_assert_int_eq(vmkfs_stat(vol, path, &st), VMKFS_OK);
	return st.tbz_blocks;
}

/*
 * A zeroedthick file on blocks a deleted file filled with data becomes
 * eagerzeroedthick in steps: each step zeroes at most its share, the
 * count of pending blocks falls by it on disk, and at the end a fresh
 * mount reads zeros where the old data was (the flags gone, the blocks
 * really zeroed).
 */
START_TEST(test_zero_pending_makes_a_zeroedthick_file_eager_in_steps)
{
	struct memdev *m = new_volume(MiB);
	struct vmkfs_vol *vol = mount_as(m, HOST_A);
	uint8_t *w = malloc(MiB), *zero = calloc(1, MiB), *r = malloc(MiB);
	struct vmkfs_file *f;
	uint64_t left = 1, i, steps = 0, first;

	ck_assert_int_eq(vmkfs_create(vol, "/old", 40 * MiB, VMKFS_EAGERZEROEDTHICK), VMKFS_OK);
	ck_assert_int_eq(vmkfs_open(vol, "/old", VMKFS_O_RDWR, &f), VMKFS_OK);
	fill(w, MiB, 9);
	for (i = 0; i < 40; i++)
		ck_assert_int_eq(vmkfs_pwrite(f, w, MiB, i * MiB), MiB);
	vmkfs_close(f);
	ck_assert_int_eq(vmkfs_unlink(vol, "/old"), VMKFS_OK);
	/* 300 blocks: past the inode's 256 entries, in a pointer block */
	ck_assert_int_eq(vmkfs_create(vol, "/d-flat.vmdk", 300 * MiB, VMKFS_ZEROEDTHICK),
			 VMKFS_OK);
	ck_assert_uint_eq(tbz_of(vol, "/d-flat.vmdk"), 300);
	ck_assert_int_eq(vmkfs_open(vol, "/d-flat.vmdk", VMKFS_O_RDONLY, &f), VMKFS_OK);
	ck_assert_int_eq(vmkfs_zero_pending(f, 64, 0, &left), VMKFS_EROFS);
	vmkfs_close(f);
	ck_assert_int_eq(vmkfs_open(vol, "/d-flat.vmdk", VMKFS_O_RDWR, &f), VMKFS_OK);
	/* A deadline already past: one run (one 1 MiB block), then it stops. */
	vmkfs_posix_fake_clock = true;
	vmkfs_posix_now_us = 5000000;
	ck_assert_int_eq(vmkfs_zero_pending(f, 64, 4000000, &left), VMKFS_OK);
	vmkfs_posix_fake_clock = false;
	ck_assert_uint_eq(left, 299);
	ck_assert_uint_eq(tbz_of(vol, "/d-flat.vmdk"), left);
	first = 300 - left;
	while (left) {
		ck_assert_int_eq(vmkfs_zero_pending(f, 64, 0, &left), VMKFS_OK);
		steps++;
		ck_assert_uint_eq(left, first + steps * 64 < 300 ? 300 - first - steps * 64 : 0);
		ck_assert_uint_eq(tbz_of(vol, "/d-flat.vmdk"), left);
	}
	ck_assert_uint_eq(steps, 5);
	ck_assert_int_eq(vmkfs_zero_pending(f, 64, 0, &left), VMKFS_OK);
	ck_assert_uint_eq(left, 0);
	vmkfs_close(f);
	ck_assert_int_eq(vmkfs_unmount(vol), VMKFS_OK);
	assert_clean(m);
	vol = mount_as(m, HOST_B);
	ck_assert_uint_eq(tbz_of(vol, "/d-flat.vmdk"), 0);
	ck_assert_int_eq(vmkfs_open(vol, "/d-flat.vmdk", VMKFS_O_RDONLY, &f), VMKFS_OK);
	for (i = 0; i < 300; i++) {
		ck_assert_int_eq(vmkfs_pread(f, r, MiB, i * MiB), MiB);
		ck_assert_msg(!memcmp(r, zero, MiB), "block %llu is not zero",
			      (unsigned long long)i);
	}
	vmkfs_close(f);
	vmkfs_unmount(vol);
	free(w);
	free(zero);
	free(r);
	memdev_destroy(m);
}
END_TEST

START_TEST(test_extend_and_shrink_keep_data_and_free_blocks)
{
	struct memdev *m = new_volume(MiB);
	struct vmkfs_vol *vol = mount_as(m, HOST_A);
	struct vmkfs_volinfo v0, v1;
	struct vmkfs_file *f;
	struct vmkfs_stat st;
	uint8_t w[4096], r[4096];

	ck_assert_int_eq(vmkfs_statfs(vol, &v0), VMKFS_OK);
	ck_assert_int_eq(vmkfs_create(vol, "/f", 10 * MiB, VMKFS_EAGERZEROEDTHICK), VMKFS_OK);
	ck_assert_int_eq(vmkfs_open(vol, "/f", VMKFS_O_RDWR, &f), VMKFS_OK);
	fill(w, sizeof(w), 3);
	ck_assert_int_eq(vmkfs_pwrite(f, w, sizeof(w), 5 * MiB), sizeof(w));
	/* grow into pointer blocks, then back to a few blocks */
	ck_assert_int_eq(vmkfs_truncate(f, 400 * MiB, VMKFS_ZEROEDTHICK), VMKFS_OK);
	ck_assert_int_eq(vmkfs_pwrite(f, w, sizeof(w), 399 * MiB), sizeof(w));
	ck_assert_int_eq(vmkfs_pread(f, r, sizeof(r), 5 * MiB), sizeof(r));
	ck_assert_mem_eq(r, w, sizeof(w));
	ck_assert_int_eq(vmkfs_stat(vol, "/f", &st), VMKFS_OK);
	ck_assert_uint_eq(st.alloc_blocks, 400);
	ck_assert_uint_eq(st.tbz_blocks, 389);
	ck_assert_int_eq(vmkfs_truncate(f, 6 * MiB, VMKFS_THIN), VMKFS_OK);
	ck_assert_int_eq(vmkfs_pread(f, r, sizeof(r), 5 * MiB), sizeof(r));
	ck_assert_mem_eq(r, w, sizeof(w));
	ck_assert_int_eq(vmkfs_close(f), VMKFS_OK);
	ck_assert_int_eq(vmkfs_unlink(vol, "/f"), VMKFS_OK);
	ck_assert_int_eq(vmkfs_statfs(vol, &v1), VMKFS_OK);
	ck_assert_uint_eq(v1.free_bytes, v0.free_bytes);
	ck_assert_uint_eq(v1.files_free, v0.files_free);
	vmkfs_unmount(vol);
	assert_clean(m);
	memdev_destroy(m);
}
END_TEST

START_TEST(test_small_thin_file_lives_in_a_subblock)
{
	struct memdev *m = new_volume(MiB);
	struct vmkfs_vol *vol = mount_as(m, HOST_A);
	struct vmkfs_file *f;
	struct vmkfs_stat st;
	uint8_t w[5000], r[5000];

	ck_assert_int_eq(vmkfs_create(vol, "/d.vmdk", sizeof(w), VMKFS_THIN), VMKFS_OK);
	ck_assert_int_eq(vmkfs_open(vol, "/d.vmdk", VMKFS_O_RDWR, &f), VMKFS_OK);
	fill(w, sizeof(w), 9);
	ck_assert_int_eq(vmkfs_pwrite(f, w, sizeof(w), 0), sizeof(w));
	ck_assert_int_eq(vmkfs_truncate(f, 200 * 1024, VMKFS_EAGERZEROEDTHICK), VMKFS_OK);
	ck_assert_int_eq(vmkfs_truncate(f, 17 * MiB, VMKFS_THIN), VMKFS_EFBIG);
	vmkfs_close(f);
	ck_assert_int_eq(vmkfs_stat(vol, "/d.vmdk", &st), VMKFS_OK);
	ck_assert_uint_eq(st.block_size, 64 * 1024);
	ck_assert_uint_eq(st.alloc_blocks, 1);
	ck_assert_int_eq(vmkfs_open(vol, "/d.vmdk", VMKFS_O_RDONLY, &f), VMKFS_OK);
	ck_assert_int_eq(vmkfs_pread(f, r, sizeof(r), 0), sizeof(r));
	ck_assert_mem_eq(r, w, sizeof(w));
	ck_assert_int_eq(vmkfs_pread(f, r, sizeof(r), 150 * 1024), sizeof(r));
	memset(w, 0, sizeof(w));
	ck_assert_mem_eq(r, w, sizeof(w));
	vmkfs_close(f);
	vmkfs_unmount(vol);
	assert_clean(m);
	memdev_destroy(m);
}
END_TEST

/* overwrite the first block id of path's descriptor on disk */
static void set_first_block(struct vmkfs_vol *vol, const char *path, uint32_t blk)
{
	struct vmkfs_stat st;
	struct vmkfs_inode ino;

	ck_assert_int_eq(vmkfs_stat(vol, path, &st), VMKFS_OK);
	ck_assert_int_eq(inode_read(vol, st.id, &ino), VMKFS_OK);
	ino.blocks[0] = blk;
	ck_assert_int_eq(inode_write(vol, &ino), VMKFS_OK);
}

/*
 * A hostile volume: a sub-block file whose map names a to-be-zeroed file
 * block. Writing its first 64 KiB used to send a whole 1 MiB file block
 * from the caller's 64 KiB buffer to the disk (ASan: buffer overflow).
 */
START_TEST(test_file_block_id_in_a_subblock_file_is_refused_at_open)
{
	struct memdev *m = new_volume(MiB);
	struct vmkfs_vol *vol = mount_as(m, HOST_A);
	struct vmkfs_file *f;

	ck_assert_int_eq(vmkfs_create(vol, "/d.vmdk", 64 * 1024, VMKFS_THIN), VMKFS_OK);
	set_first_block(vol, "/d.vmdk", VMKFS_FB_ID(vol->fbb.total - 1) | VMKFS_FB_TBZ);
	ck_assert_int_eq(vmkfs_open(vol, "/d.vmdk", VMKFS_O_RDWR, &f), VMKFS_ECORRUPT);
	ck_assert_ptr_nonnull(strstr(vmkfs_errmsg(vol), "non-data id"));
	ck_assert_int_eq(vmkfs_open(vol, "/d.vmdk", VMKFS_O_RDONLY, &f), VMKFS_ECORRUPT);
	vmkfs_unmount(vol);
	memdev_destroy(m);
}
END_TEST

/*
 * A pointer-block file with a hole of 1024 blocks (no pointer block) before
 * its last one: a write into the hole used to rewrite only the last pointer
 * block, so the new data block was referenced nowhere on disk.
 */
START_TEST(test_write_into_a_pointer_block_hole_survives_reopen)
{
	struct memdev *m = new_volume(MiB);
	struct vmkfs_vol *vol = mount_as(m, HOST_A);
	struct vmkfs_file *f;
	struct vmkfs_stat st;
	struct vmkfs_inode ino;
	uint8_t w[4096], r[4096];

	ck_assert_int_eq(vmkfs_create(vol, "/t.vmdk", 400 * MiB, VMKFS_THIN), VMKFS_OK);
	ck_assert_int_eq(vmkfs_stat(vol, "/t.vmdk", &st), VMKFS_OK);
	ck_assert_int_eq(inode_read(vol, st.id, &ino), VMKFS_OK);
	ck_assert_uint_eq(ino.zla, VMKFS_BLK_PB);
	/* blocks 0-1023 a hole, 1024-1099 behind the one pointer block */
	ino.blocks[1] = ino.blocks[0];
	ino.blocks[0] = 0;
	ino.size = 1100 * MiB;
	ck_assert_int_eq(inode_write(vol, &ino), VMKFS_OK);
	fill(w, sizeof(w), 5);
	ck_assert_int_eq(vmkfs_open(vol, "/t.vmdk", VMKFS_O_RDWR, &f), VMKFS_OK);
	ck_assert_int_eq(vmkfs_pwrite(f, w, sizeof(w), 3 * MiB), sizeof(w));
	ck_assert_int_eq(vmkfs_close(f), VMKFS_OK);
	ck_assert_int_eq(vmkfs_open(vol, "/t.vmdk", VMKFS_O_RDONLY, &f), VMKFS_OK);
	ck_assert_int_eq(vmkfs_pread(f, r, sizeof(r), 3 * MiB), sizeof(r));
	ck_assert_mem_eq(r, w, sizeof(w));
	vmkfs_close(f);
	ck_assert_int_eq(vmkfs_stat(vol, "/t.vmdk", &st), VMKFS_OK);
	ck_assert_uint_eq(st.alloc_blocks, 1);
	vmkfs_unmount(vol);
	assert_clean(m);
	memdev_destroy(m);
}
END_TEST

/*
 * The root directory (file blocks) pointing at a sub-block: its offsets
 * within a 1 MiB block ran past the 64 KiB sub-block's end, onto other
 * directories' entries.
 */
START_TEST(test_directory_block_of_the_wrong_kind_is_corrupt)
{
	struct memdev *m = new_volume(MiB);
	struct vmkfs_vol *vol = mount_as(m, HOST_A);
	struct vmkfs_stat st;
	struct vmkfs_inode sub;

	ck_assert_int_eq(vmkfs_mkdir(vol, "/d"), VMKFS_OK);
	ck_assert_int_eq(vmkfs_stat(vol, "/d", &st), VMKFS_OK);
	ck_assert_int_eq(inode_read(vol, st.id, &sub), VMKFS_OK);
	set_first_block(vol, "/", sub.blocks[0]);
	ck_assert_int_eq(vmkfs_stat(vol, "/d", &st), VMKFS_ECORRUPT);
	ck_assert_ptr_nonnull(strstr(vmkfs_errmsg(vol), "has no block 0"));
	vmkfs_unmount(vol);
	memdev_destroy(m);
}
END_TEST

/* block id `which` of path's map (file blocks or pointer blocks) */
static uint32_t block_of(struct vmkfs_vol *vol, const char *path, unsigned int which)
{
	struct vmkfs_stat st;
	struct vmkfs_inode ino;

	ck_assert_int_eq(vmkfs_stat(vol, path, &st), VMKFS_OK);
	ck_assert_int_eq(inode_read(vol, st.id, &ino), VMKFS_OK);
	return ino.blocks[which];
}

/*
 * Two VMs' disks on one volume, /vm1/a-flat.vmdk and /vm2/b-flat.vmdk,
 * 4 MiB eagerzeroedthick each (or 400 MiB thin: behind a pointer block).
 */
static struct vmkfs_vol *two_vm_disks(struct memdev **m, uint64_t size,
				      enum vmkfs_alloc alloc)
{
	struct vmkfs_vol *vol;

	*m = new_volume(MiB);
	vol = mount_as(*m, HOST_A);
	ck_assert_int_eq(vmkfs_mkdir(vol, "/vm1"), VMKFS_OK);
	ck_assert_int_eq(vmkfs_mkdir(vol, "/vm2"), VMKFS_OK);
	ck_assert_int_eq(vmkfs_create(vol, "/vm1/a-flat.vmdk", size, alloc), VMKFS_OK);
	ck_assert_int_eq(vmkfs_create(vol, "/vm2/b-flat.vmdk", size, alloc), VMKFS_OK);
	return vol;
}

/* a read-write open of path is refused, saying why, and writes no data */
static void refused_rw(struct vmkfs_vol *vol, const char *path, const char *why)
{
	struct vmkfs_file *f = NULL;
	struct vmkfs_iostats before, after;

	vmkfs_iostats(vol, &before);
	ck_assert_int_eq(vmkfs_open(vol, path, VMKFS_O_RDWR, &f), VMKFS_ECORRUPT);
	ck_assert_msg(strstr(vmkfs_errmsg(vol), why) &&
		      strstr(vmkfs_errmsg(vol), "vmkfstools --check"),
		      "%s: \"%s\" lacks \"%s\"", path, vmkfs_errmsg(vol), why);
	vmkfs_iostats(vol, &after);
	ck_assert_uint_eq(after.data_writes, before.data_writes);
	/* the lock is given back: a read-only open (not guarded) still works */
	ck_assert_int_eq(vmkfs_open(vol, path, VMKFS_O_RDONLY, &f), VMKFS_OK);
	vmkfs_close(f);
}

static void opens_rw(struct vmkfs_vol *vol, const char *path)
{
	struct vmkfs_file *f;

	ck_assert_msg(vmkfs_open(vol, path, VMKFS_O_RDWR, &f) == VMKFS_OK, "%s: %s",
		      path, vmkfs_errmsg(vol));
	ck_assert_int_eq(vmkfs_close(f), VMKFS_OK);
}

/*
 * A hostile volume: a's map names one of b's blocks. A write by a's VM
 * would land in b's disk, so neither opens read-write, and each is told
 * which block the other holds.
 */
START_TEST(test_two_files_sharing_a_block_are_refused_at_read_write_open)
{
	struct memdev *m;
	struct vmkfs_vol *vol = two_vm_disks(&m, 4 * MiB, VMKFS_EAGERZEROEDTHICK);
	uint32_t shared = block_of(vol, "/vm2/b-flat.vmdk", 1);
	char want[128];

	opens_rw(vol, "/vm1/a-flat.vmdk");
	opens_rw(vol, "/vm2/b-flat.vmdk");
	set_first_block(vol, "/vm1/a-flat.vmdk", shared);
	snprintf(want, sizeof(want), "/vm1/a-flat.vmdk block %#x is also /vm2/b-flat.vmdk's: cross-linked",
		 shared);
	refused_rw(vol, "/vm1/a-flat.vmdk", want);
	snprintf(want, sizeof(want), "/vm2/b-flat.vmdk block %#x is also /vm1/a-flat.vmdk's: cross-linked",
		 shared);
	refused_rw(vol, "/vm2/b-flat.vmdk", want);
	vmkfs_unmount(vol);
	memdev_destroy(m);
}
END_TEST

/* the walk has no depth limit: 100 directories down, the other is found */
START_TEST(test_a_cross_link_deep_in_the_namespace_is_found)
{
	struct memdev *m;
	struct vmkfs_vol *vol = two_vm_disks(&m, 4 * MiB, VMKFS_EAGERZEROEDTHICK);
	char path[512] = "/vm2", other[600];
	unsigned int i;

	for (i = 0; i < 100; i++) {
		strcat(path, "/d");
		ck_assert_int_eq(vmkfs_mkdir(vol, path), VMKFS_OK);
	}
	snprintf(other, sizeof(other), "%s/c-flat.vmdk", path);
	ck_assert_int_eq(vmkfs_create(vol, other, 4 * MiB, VMKFS_EAGERZEROEDTHICK), VMKFS_OK);
	set_first_block(vol, "/vm1/a-flat.vmdk", block_of(vol, other, 2));
	refused_rw(vol, "/vm1/a-flat.vmdk", "is also .../d/d/");
	refused_rw(vol, "/vm1/a-flat.vmdk", "/d/d/c-flat.vmdk's: cross-linked");
	vmkfs_unmount(vol);
	memdev_destroy(m);
}
END_TEST

/* the same through a pointer block both thin files' maps name */
START_TEST(test_two_files_sharing_a_pointer_block_are_refused_at_read_write_open)
{
	struct memdev *m;
	struct vmkfs_vol *vol = two_vm_disks(&m, 400 * MiB, VMKFS_THIN);
	uint32_t pb = block_of(vol, "/vm2/b-flat.vmdk", 0);
	char want[128];

	ck_assert_uint_eq(VMKFS_BLK_TYPE(pb), VMKFS_BLK_PB);
	set_first_block(vol, "/vm1/a-flat.vmdk", pb);
	snprintf(want, sizeof(want), "/vm1/a-flat.vmdk block %#x is also /vm2/b-flat.vmdk's", pb);
	refused_rw(vol, "/vm1/a-flat.vmdk", want);
	vmkfs_unmount(vol);
	memdev_destroy(m);
}
END_TEST

/* a map naming a block of the volume's metadata: a resource file's, the header's, a directory's */
START_TEST(test_a_file_naming_a_metadata_block_is_refused_at_read_write_open)
{
	struct memdev *m;
	struct vmkfs_vol *vol = two_vm_disks(&m, 4 * MiB, VMKFS_EAGERZEROEDTHICK);
	uint32_t fdc = vol->fdc.ino.blocks[0], dir = block_of(vol, "/vm2", 0);
	char want[128];

	set_first_block(vol, "/vm1/a-flat.vmdk", fdc);
	snprintf(want, sizeof(want), "/vm1/a-flat.vmdk block %#x is also /.fdc.sf's: cross-linked", fdc);
	refused_rw(vol, "/vm1/a-flat.vmdk", want);
	set_first_block(vol, "/vm1/a-flat.vmdk", VMKFS_FB_ID(0));
	refused_rw(vol, "/vm1/a-flat.vmdk", "block 0x1 is the volume header's (.vh.sf)");
	/* a small directory lives in a sub-block, as does a small file */
	ck_assert_uint_eq(VMKFS_BLK_TYPE(dir), VMKFS_BLK_SB);
	ck_assert_int_eq(vmkfs_create(vol, "/vm1/a.vmsd", 64 * 1024, VMKFS_THIN), VMKFS_OK);
	set_first_block(vol, "/vm1/a.vmsd", dir);
	snprintf(want, sizeof(want), "/vm1/a.vmsd block %#x is also /vm2's: cross-linked", dir);
	refused_rw(vol, "/vm1/a.vmsd", want);
	opens_rw(vol, "/vm2/b-flat.vmdk");
	vmkfs_unmount(vol);
	memdev_destroy(m);
}
END_TEST

/* a map naming a block its bitmap says is free: the next allocation hands it out */
START_TEST(test_a_file_naming_an_unallocated_block_is_refused_at_read_write_open)
{
	struct memdev *m;
	struct vmkfs_vol *vol = two_vm_disks(&m, 4 * MiB, VMKFS_EAGERZEROEDTHICK);
	uint32_t free_blk = VMKFS_FB_ID(vol->fbb.total - 1);
	char want[128];

	set_first_block(vol, "/vm1/a-flat.vmdk", free_blk);
	snprintf(want, sizeof(want), "/vm1/a-flat.vmdk block %#x is free in .fbb.sf; run vmkfstools --check --repair",
		 free_blk);
	refused_rw(vol, "/vm1/a-flat.vmdk", want);
	opens_rw(vol, "/vm2/b-flat.vmdk");
	vmkfs_unmount(vol);
	memdev_destroy(m);
}
END_TEST

static int count_entry(void *arg, const char *name, const struct vmkfs_stat *st)
{
	(void)name;
	(void)st;
	(*(int *)arg)++;
	return 0;
}

START_TEST(test_directories_grow_past_a_subblock_and_shrink)
{
	struct memdev *m = new_volume(MiB);
	struct vmkfs_vol *vol = mount_as(m, HOST_A);
	char path[64];
	int i, n = 0;

	ck_assert_int_eq(vmkfs_mkdir(vol, "/vm"), VMKFS_OK);
	ck_assert_int_eq(vmkfs_mkdir(vol, "/vm"), VMKFS_EEXIST);
	ck_assert_int_eq(vmkfs_mkdir(vol, "/vm/inner"), VMKFS_OK);
	/* 480 entries of 140 bytes need two 64 KiB sub-blocks */
	for (i = 0; i < 480; i++) {
		snprintf(path, sizeof(path), "/vm/inner/file-%03d", i);
		ck_assert_int_eq(vmkfs_create(vol, path, 0, VMKFS_THIN), VMKFS_OK);
	}
	ck_assert_int_eq(vmkfs_readdir(vol, "/vm/inner", count_entry, &n), VMKFS_OK);
	ck_assert_int_eq(n, 482);
	ck_assert_int_eq(vmkfs_rmdir(vol, "/vm/inner"), VMKFS_ENOTEMPTY);
	ck_assert_int_eq(vmkfs_rename(vol, "/vm/inner/file-007", "/vm/moved"), VMKFS_OK);
	ck_assert_int_eq(vmkfs_rename(vol, "/vm/inner/file-008", "/vm/inner/renamed"), VMKFS_OK);
	ck_assert_int_eq(vmkfs_stat(vol, "/vm/inner/file-008", &(struct vmkfs_stat){ 0 }), VMKFS_ENOENT);
	for (i = 0; i < 480; i++) {
		if (i == 7 || i == 8)
			continue;
		snprintf(path, sizeof(path), "/vm/inner/file-%03d", i);
		ck_assert_int_eq(vmkfs_unlink(vol, path), VMKFS_OK);
	}
	ck_assert_int_eq(vmkfs_unlink(vol, "/vm/inner/renamed"), VMKFS_OK);
	ck_assert_int_eq(vmkfs_rmdir(vol, "/vm/inner"), VMKFS_OK);
	ck_assert_int_eq(vmkfs_unlink(vol, "/vm/moved"), VMKFS_OK);
	ck_assert_int_eq(vmkfs_stat(vol, "/vm/nothing/x", &(struct vmkfs_stat){ 0 }), VMKFS_ENOENT);
	ck_assert_ptr_nonnull(strstr(vmkfs_errmsg(vol), "nothing"));
	vmkfs_unmount(vol);
	assert_clean(m);
	memdev_destroy(m);
}
END_TEST

struct ticker {
	struct vmkfs_vol *vol;
	volatile int stop;
};

static void *tick(void *arg)
{
	struct ticker *t = arg;

	while (!t->stop) {
		vmkfs_heartbeat(t->vol);
		vmkfs_sleep_ms(50);
	}
	return NULL;
}

START_TEST(test_exclusive_lock_refuses_a_second_host_until_released)
{
	struct memdev *m = new_volume(MiB);
	struct vmkfs_vol *a = mount_as(m, HOST_A), *b = mount_as(m, HOST_B);
	struct vmkfs_volinfo ia, ib;
	struct vmkfs_file *fa, *fb;
	struct vmkfs_stat st;
	struct ticker t = { a, 0 };
	pthread_t th;
	char uuid[VMKFS_UUID_STR_LEN + 1];

	vmkfs_statfs(a, &ia);
	vmkfs_statfs(b, &ib);
	ck_assert_uint_ne(ia.hb_slot, ib.hb_slot);
	ck_assert_uint_eq(ib.hb_active, 2);
	ck_assert_int_eq(vmkfs_create(a, "/disk", MiB, VMKFS_EAGERZEROEDTHICK), VMKFS_OK);
	ck_assert_int_eq(vmkfs_open(a, "/disk", VMKFS_O_RDWR, &fa), VMKFS_OK);
	pthread_create(&th, NULL, tick, &t);
	vmkfs_set_lock_timeout(b, 2000);
	ck_assert_int_eq(vmkfs_open(b, "/disk", VMKFS_O_RDWR, &fb), VMKFS_EBUSY);
	ck_assert_ptr_nonnull(strstr(vmkfs_errmsg(b), HOST_A));
	ck_assert_int_eq(vmkfs_open(b, "/disk", VMKFS_O_RDONLY, &fb), VMKFS_EBUSY);
	ck_assert_int_eq(vmkfs_unlink(b, "/disk"), VMKFS_EBUSY);
	ck_assert_int_eq(vmkfs_stat(b, "/disk", &st), VMKFS_OK);
	ck_assert_uint_eq(st.lock_mode, VMKFS_LOCK_EXCLUSIVE);
	ck_assert_uint_eq(st.lock_hb_slot, ia.hb_slot);
	ck_assert(st.lock_owner_alive);
	vmkfs_uuid_str(st.lock_owner, uuid);
	ck_assert_str_eq(uuid, HOST_A);
	t.stop = 1;
	pthread_join(th, NULL);
	ck_assert_int_eq(vmkfs_close(fa), VMKFS_OK);
	ck_assert_int_eq(vmkfs_open(b, "/disk", VMKFS_O_RDWR, &fb), VMKFS_OK);
	vmkfs_close(fb);
	vmkfs_unmount(a);
	vmkfs_unmount(b);
	assert_clean(m);
	memdev_destroy(m);
}
END_TEST

START_TEST(test_readonly_opens_share_and_exclude_writers)
{
	struct memdev *m = new_volume(MiB);
	struct vmkfs_vol *a = mount_as(m, HOST_A), *b = mount_as(m, HOST_B);
	struct vmkfs_file *fa, *fb, *fw;
	struct ticker ta = { a, 0 }, tb = { b, 0 };
	pthread_t tha, thb;
	struct vmkfs_stat st;

	ck_assert_int_eq(vmkfs_create(a, "/disk", MiB, VMKFS_THIN), VMKFS_OK);
	ck_assert_int_eq(vmkfs_open(a, "/disk", VMKFS_O_RDONLY, &fa), VMKFS_OK);
	ck_assert_int_eq(vmkfs_open(b, "/disk", VMKFS_O_RDONLY, &fb), VMKFS_OK);
	ck_assert_int_eq(vmkfs_stat(a, "/disk", &st), VMKFS_OK);
	ck_assert_uint_eq(st.lock_mode, VMKFS_LOCK_READONLY);
	ck_assert_uint_eq(st.lock_holders, 2);
	pthread_create(&tha, NULL, tick, &ta);
	pthread_create(&thb, NULL, tick, &tb);
	vmkfs_set_lock_timeout(b, 2000);
	ck_assert_int_eq(vmkfs_open(b, "/disk", VMKFS_O_RDWR, &fw), VMKFS_EBUSY);
	ta.stop = tb.stop = 1;
	pthread_join(tha, NULL);
	pthread_join(thb, NULL);
	vmkfs_close(fa);
	vmkfs_close(fb);
	ck_assert_int_eq(vmkfs_open(b, "/disk", VMKFS_O_RDWR, &fw), VMKFS_OK);
	vmkfs_close(fw);
	vmkfs_unmount(a);
	vmkfs_unmount(b);
	memdev_destroy(m);
}
END_TEST

START_TEST(test_stale_lock_of_a_dead_host_is_recovered)
{
	struct memdev *m = new_volume(MiB);
	struct vmkfs_vol *a = mount_as(m, HOST_A), *b;
	struct vmkfs_file *fa, *fb;
	struct vmkfs_volinfo vi;
	struct vmkfs_check_result r;
	char err[256];

	ck_assert_int_eq(vmkfs_create(a, "/disk", MiB, VMKFS_THIN), VMKFS_OK);
	ck_assert_int_eq(vmkfs_open(a, "/disk", VMKFS_O_RDWR, &fa), VMKFS_OK);
	/* host A dies: no more heartbeats, no unmount */
	b = mount_as(m, HOST_B);
	vmkfs_set_lock_timeout(b, 600);
	ck_assert_int_eq(vmkfs_open(b, "/disk", VMKFS_O_RDWR, &fb), VMKFS_OK);
	ck_assert_int_eq(vmkfs_statfs(b, &vi), VMKFS_OK);
	ck_assert_uint_eq(vi.hb_active, 1);	/* A's heartbeat was reclaimed */
	vmkfs_close(fb);
	vmkfs_unmount(b);
	/* the "dead" host learns at its next heartbeat that it lost all */
	ck_assert_int_eq(vmkfs_heartbeat(a), VMKFS_EBUSY);
	ck_assert_ptr_nonnull(strstr(vmkfs_errmsg(a), "reclaimed"));
	ck_assert_int_eq(vmkfs_close(fa), VMKFS_OK);
	ck_assert_int_eq(vmkfs_unmount(a), VMKFS_OK);
	ck_assert_int_eq(vmkfs_check(&m->dev, false, 0, NULL, NULL, &r, err, sizeof(err)),
			 VMKFS_OK);
	memdev_destroy(m);
}
END_TEST

/* The test's clock from here on (platform-posix.h): waits are counted, not had. */
static void fake_clock(void)
{
	vmkfs_posix_now_us = 1000ull * 1000000;
	vmkfs_posix_fake_clock = true;
}

/* vol's read-write open of /disk, and how long it took on the test's clock. */
static int open_timed(struct vmkfs_vol *vol, struct vmkfs_file **f, uint64_t *took_us)
{
	uint64_t t0 = vmkfs_posix_now_us;
	int ret = vmkfs_open(vol, "/disk", VMKFS_O_RDWR, f);

	*took_us = vmkfs_posix_now_us - t0;
	return ret;
}

/* secs later on the test's clock, vol's open takes /disk's lock at once. */
static void taken_over_at_once_after(struct vmkfs_vol *vol, uint64_t secs)
{
	struct vmkfs_file *f;
	uint64_t took;

	vmkfs_posix_now_us += secs * 1000000;
	ck_assert_msg(open_timed(vol, &f, &took) == VMKFS_OK, "%s", vmkfs_errmsg(vol));
	ck_assert_uint_eq(took, 0);
	vmkfs_close(f);
}

/*
 * Host A holds /disk and stops beating (a previous load's lock left
 * behind); host B, mounted with a lock wait of wait_ms, wants it.
 */
static struct memdev *a_lock_left_behind(uint32_t wait_ms, struct vmkfs_vol **a,
					 struct vmkfs_file **fa, struct vmkfs_vol **b)
{
	struct memdev *m = new_volume(MiB);

	fake_clock();
	*a = mount_as(m, HOST_A);
	ck_assert_int_eq(vmkfs_create(*a, "/disk", MiB, VMKFS_THIN), VMKFS_OK);
	ck_assert_int_eq(vmkfs_open(*a, "/disk", VMKFS_O_RDWR, fa), VMKFS_OK);
	*b = mount_as(m, HOST_B);
	vmkfs_set_lock_wait(*b, wait_ms);
	return m;
}

START_TEST(test_a_stale_lock_is_refused_within_the_lock_wait_then_taken_over)
{
	struct vmkfs_vol *a, *b;
	struct vmkfs_file *fa, *fb;
	struct memdev *m = a_lock_left_behind(2000, &a, &fa, &b);
	uint64_t took;

	ck_assert_int_eq(open_timed(b, &fb, &took), VMKFS_EBUSY);
	ck_assert_uint_le(took, 2100 * 1000);
	ck_assert_msg(strstr(vmkfs_errmsg(b), HOST_A) &&
		      strstr(vmkfs_errmsg(b), "locked by a host silent 2.0 s, stale at 16 s: try again then"),
		      "%s", vmkfs_errmsg(b));
	/* A try before the lock timeout is refused as quickly. */
	vmkfs_posix_now_us += 10ull * 1000000;
	ck_assert_int_eq(open_timed(b, &fb, &took), VMKFS_EBUSY);
	ck_assert_uint_le(took, 2100 * 1000);
	ck_assert_msg(strstr(vmkfs_errmsg(b), "silent 14.0 s"), "%s", vmkfs_errmsg(b));
	/* Once silent for the lock timeout, the next try takes it over at once. */
	taken_over_at_once_after(b, 4);
	vmkfs_unmount(b);
	ck_assert_int_eq(vmkfs_heartbeat(a), VMKFS_EBUSY);
	vmkfs_close(fa);
	vmkfs_unmount(a);
	memdev_destroy(m);
}
END_TEST

/*
 * A stale holder reclaimed whose heartbeat slot stays marked (here the
 * LUN loses every write from then on, as a LUN that acknowledges and
 * drops them would): the lock attempt ends with a sentence instead of
 * reclaiming it again and again without a wait.
 */
START_TEST(test_a_reclaimed_holder_marked_again_ends_the_attempt)
{
	struct vmkfs_vol *a, *b;
	struct vmkfs_file *fa, *fb;
	struct memdev *m = a_lock_left_behind(500, &a, &fa, &b);
	uint64_t took;

	ck_assert_int_eq(open_timed(b, &fb, &took), VMKFS_EBUSY);
	vmkfs_posix_now_us += 17ull * 1000000;
	m->cut_at = (int64_t)m->writes;		/* no write lands from now on */
	ck_assert_int_eq(open_timed(b, &fb, &took), VMKFS_EBUSY);
	ck_assert_msg(strstr(vmkfs_errmsg(b), "was turned off as stale 17 times and is on again"),
		      "%s", vmkfs_errmsg(b));
	m->cut_at = -1;
	vmkfs_close(fa);
	vmkfs_unmount(a);
	vmkfs_unmount(b);
	memdev_destroy(m);
}
END_TEST

/* 16 read-only holders, each a host that stopped beating: one wait for all. */
static void sixteen_silent_readers(struct memdev *m, struct vmkfs_vol *v[VMKFS_RO_HOLDERS],
				   struct vmkfs_file *f[VMKFS_RO_HOLDERS])
{
	char uuid[VMKFS_UUID_STR_LEN + 1];

	for (unsigned int i = 0; i < VMKFS_RO_HOLDERS; i++) {
		snprintf(uuid, sizeof(uuid), "%08x-22222222-3333-444444444444", i + 1);
		v[i] = mount_as(m, uuid);
		if (!i)
			ck_assert_int_eq(vmkfs_create(v[0], "/disk", MiB, VMKFS_THIN), VMKFS_OK);
		ck_assert_int_eq(vmkfs_open(v[i], "/disk", VMKFS_O_RDONLY, &f[i]), VMKFS_OK);
	}
}

static void unmount_readers(struct vmkfs_vol *v[VMKFS_RO_HOLDERS],
			    struct vmkfs_file *f[VMKFS_RO_HOLDERS])
{
	for (unsigned int i = 0; i < VMKFS_RO_HOLDERS; i++) {
		vmkfs_close(f[i]);
		vmkfs_unmount(v[i]);
	}
}

START_TEST(test_sixteen_silent_readers_cost_one_lock_wait_not_sixteen)
{
	struct memdev *m = new_volume(MiB);
	struct vmkfs_vol *v[VMKFS_RO_HOLDERS], *b;
	struct vmkfs_file *f[VMKFS_RO_HOLDERS], *fb;
	struct vmkfs_stat st;
	uint64_t took;

	fake_clock();
	sixteen_silent_readers(m, v, f);
	b = mount_as(m, HOST_B);
	ck_assert_int_eq(vmkfs_stat(b, "/disk", &st), VMKFS_OK);
	ck_assert_uint_eq(st.lock_holders, VMKFS_RO_HOLDERS);
	/* a short wait: refused within it, not 16 times it */
	vmkfs_set_lock_wait(b, 2000);
	ck_assert_int_eq(open_timed(b, &fb, &took), VMKFS_EBUSY);
	ck_assert_uint_le(took, 2100 * 1000);
	ck_assert_msg(strstr(vmkfs_errmsg(b), "read-only"), "%s", vmkfs_errmsg(b));
	/* after the lock timeout one try reclaims all 16, without a wait */
	taken_over_at_once_after(b, 16);
	vmkfs_unmount(b);
	unmount_readers(v, f);
	memdev_destroy(m);
}
END_TEST

START_TEST(test_sixteen_silent_readers_are_taken_over_in_one_lock_timeout)
{
	struct memdev *m = new_volume(MiB);
	struct vmkfs_vol *v[VMKFS_RO_HOLDERS], *b;
	struct vmkfs_file *f[VMKFS_RO_HOLDERS], *fb;
	uint64_t took;

	fake_clock();
	sixteen_silent_readers(m, v, f);
	b = mount_as(m, HOST_B);
	/* the defaults (COS tools): 16 s in all, where each holder had its own 16 s */
	ck_assert_int_eq(open_timed(b, &fb, &took), VMKFS_OK);
	ck_assert_uint_le(took, (VMKFS_DEFAULT_LOCK_TIMEOUT_MS + 100) * 1000ull);
	vmkfs_close(fb);
	vmkfs_unmount(b);
	unmount_readers(v, f);
	memdev_destroy(m);
}
END_TEST

START_TEST(test_labels_that_cannot_name_a_datastore_are_refused_at_format)
{
	static const char *const bad[] = { ".", "..", "ds]1", "vm/ds", "tab\there", "del\x7f",
					   "\xc3\xa9t\xc3\xa9" };
	struct memdev *m = memdev_create(VOL_SIZE);
	char longest[VMKFS_FS_LABEL_LEN + 1], err[256];
	struct vmkfs_format_opts o = { MiB, NULL };

	ck_assert_ptr_nonnull(m);
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		o.label = bad[i];
		err[0] = '\0';
		ck_assert_int_eq(vmkfs_format(&m->dev, &o, err, sizeof(err)), VMKFS_EINVAL);
		ck_assert_msg(!strncmp(err, "label ", 6), "%s: %s", bad[i], err);
	}
	memset(longest, 'a', sizeof(longest));
	longest[VMKFS_FS_LABEL_LEN] = '\0';
	o.label = longest;
	ck_assert_int_eq(vmkfs_format(&m->dev, &o, err, sizeof(err)), VMKFS_EINVAL);
	ck_assert_str_eq(err, "label is longer than 127 characters");
	/* 127 characters, '[' and '.' inside, and none at all are fine */
	longest[VMKFS_FS_LABEL_LEN - 1] = '\0';
	ck_assert_ptr_null(vmkfs_label_problem(longest, sizeof(longest)));
	ck_assert_ptr_null(vmkfs_label_problem("[ds.1", 6));
	ck_assert_ptr_null(vmkfs_label_problem("", 1));
	memdev_destroy(m);
}
END_TEST

/* Write the volume's 128-byte label field as is (disk data, maybe hostile). */
static void poke_label(struct memdev *m, const void *field)
{
	ck_assert_int_eq(m->dev.write(&m->dev, VMKFS_LVM_DATA_OFFSET + VMKFS_FSINFO_OFFSET +
				      VMKFS_FS_LABEL, field, VMKFS_FS_LABEL_LEN), 0);
}

START_TEST(test_a_label_on_disk_that_cannot_name_a_datastore_is_ignored_at_mount)
{
	static const char *const bad[] = { ".", "..", "ds]1", "vm/ds", "bell\a", "" };
	struct memdev *m = new_volume(MiB);
	struct vmkfs_volinfo vi;
	struct vmkfs_vol *vol;
	char field[VMKFS_FS_LABEL_LEN];

	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(field, 0, sizeof(field));
		/* the last: 128 characters, no NUL in the field */
		if (!bad[i][0])
			memset(field, 'x', sizeof(field));
		else
			memcpy(field, bad[i], strlen(bad[i]));
		poke_label(m, field);
		vol = mount_as(m, HOST_A);
		ck_assert_int_eq(vmkfs_statfs(vol, &vi), VMKFS_OK);
		ck_assert_msg(vi.label[0] == '\0' && vi.label_ignored, "%s: label '%s'", bad[i],
			      vi.label);
		ck_assert_int_eq(vmkfs_unmount(vol), VMKFS_OK);
	}
	/* 127 characters and a NUL: the label, terminated in vmkfs_volinfo */
	memset(field, 'y', sizeof(field) - 1);
	field[sizeof(field) - 1] = '\0';
	poke_label(m, field);
	vol = mount_as(m, HOST_A);
	ck_assert_int_eq(vmkfs_statfs(vol, &vi), VMKFS_OK);
	ck_assert_ptr_null(vi.label_ignored);
	ck_assert_uint_eq(strlen(vi.label), 127);
	vmkfs_unmount(vol);
	assert_clean(m);
	memdev_destroy(m);
}
END_TEST

START_TEST(test_corrupt_headers_give_clear_errors)
{
	struct memdev *m = new_volume(MiB);
	struct vmkfs_vol *vol;
	uint8_t junk[512];
	char err[256] = "";

	memset(junk, 0x5a, sizeof(junk));
	m->dev.write(&m->dev, VMKFS_LVM_DATA_OFFSET + VMKFS_FSINFO_OFFSET, junk, 512);
	ck_assert_int_eq(vmkfs_mount(&m->dev, 0, &vol, err, sizeof(err)), VMKFS_ECORRUPT);
	ck_assert_ptr_nonnull(strstr(err, "file system descriptor"));
	m->dev.write(&m->dev, VMKFS_VOLINFO_OFFSET, junk, 512);
	ck_assert_int_eq(vmkfs_mount(&m->dev, 0, &vol, err, sizeof(err)), VMKFS_ECORRUPT);
	ck_assert_ptr_nonnull(strstr(err, "volume header"));
	memdev_destroy(m);
}
END_TEST

START_TEST(test_check_repairs_a_leaked_allocation)
{
	struct memdev *m = new_volume(MiB);
	struct vmkfs_vol *vol = mount_as(m, HOST_A);
	struct vmkfs_check_result r;
	char err[256];

	ck_assert_int_eq(vmkfs_create(vol, "/keep", 2 * MiB, VMKFS_EAGERZEROEDTHICK), VMKFS_OK);
	vmkfs_unmount(vol);
	vol = mount_as(m, HOST_A);
	/* power cut after the first write of a create: allocations leak */
	m->cut_at = (int64_t)m->writes + 2;
	vmkfs_create(vol, "/lost", 5 * MiB, VMKFS_EAGERZEROEDTHICK);
	m->cut_at = -1;
	ck_assert_int_eq(vmkfs_check(&m->dev, false, 0, NULL, NULL, &r, err, sizeof(err)),
			 VMKFS_OK);
	ck_assert_uint_gt(r.errors, 0);
	ck_assert_int_eq(vmkfs_check(&m->dev, true, 0, NULL, NULL, &r, err, sizeof(err)),
			 VMKFS_OK);
	ck_assert_uint_eq(r.errors, r.repaired);
	assert_clean(m);
	vmkfs_unmount(vol);
	memdev_destroy(m);
}
END_TEST

/* set the on-disk lock of every FBB bitmap entry (as another host would) */
static void lock_fbb_entries(struct vmkfs_vol *vol, struct memdev *m, uint32_t mode)
{
	uint32_t e, nent = (vol->fbb.total + vol->fbb.ipe - 1) / vol->fbb.ipe;
	uint8_t b[VMKFS_BME_LEN];
	uint64_t pos;

	for (e = 0; e < nent; e++) {
		ck_assert_int_eq(res_entry_pos(vol, &vol->fbb, e, &pos), VMKFS_OK);
		m->dev.read(&m->dev, VMKFS_LVM_DATA_OFFSET + pos, b, sizeof(b));
		put32(b, VMKFS_MDH_HB_LOCK, mode);
		m->dev.write(&m->dev, VMKFS_LVM_DATA_OFFSET + pos, b, sizeof(b));
	}
}

START_TEST(test_allocation_skips_bitmap_entries_locked_on_disk)
{
	struct memdev *m = new_volume(MiB);
	struct vmkfs_vol *vol = mount_as(m, HOST_A);

	lock_fbb_entries(vol, m, VMKFS_LOCK_EXCLUSIVE);
	ck_assert_int_eq(vmkfs_create(vol, "/f", 2 * MiB, VMKFS_EAGERZEROEDTHICK),
			 VMKFS_ENOSPC);
	lock_fbb_entries(vol, m, VMKFS_LOCK_FREE);
	ck_assert_int_eq(vmkfs_create(vol, "/f", 2 * MiB, VMKFS_EAGERZEROEDTHICK),
			 VMKFS_OK);
	vmkfs_unmount(vol);
	assert_clean(m);
	memdev_destroy(m);
}
END_TEST

static Suite *vmkfs_suite(void)
{
	Suite *s = suite_create("vmkfs");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_block_ids_roundtrip_through_their_fields);
	tcase_add_test(tc, test_format_gives_a_clean_volume_with_geometry);
	tcase_add_test(tc, test_too_small_device_is_refused_with_reason);
	tcase_add_test(tc, test_eagerzeroedthick_file_roundtrips_without_metadata_io);
	tcase_add_test(tc, test_zeroedthick_file_zeroes_lazily_and_roundtrips);
	tcase_add_test(tc, test_thin_file_allocates_on_write_and_roundtrips);
	tcase_add_test(tc, test_pointer_block_file_maps_past_256_blocks);
	tcase_add_test(tc, test_zero_pending_makes_a_zeroedthick_file_eager_in_steps);
	tcase_add_test(tc, test_extend_and_shrink_keep_data_and_free_blocks);
	tcase_add_test(tc, test_small_thin_file_lives_in_a_subblock);
	tcase_add_test(tc, test_file_block_id_in_a_subblock_file_is_refused_at_open);
	tcase_add_test(tc, test_write_into_a_pointer_block_hole_survives_reopen);
	tcase_add_test(tc, test_directory_block_of_the_wrong_kind_is_corrupt);
	tcase_add_test(tc, test_two_files_sharing_a_block_are_refused_at_read_write_open);
	tcase_add_test(tc, test_two_files_sharing_a_pointer_block_are_refused_at_read_write_open);
	tcase_add_test(tc, test_a_cross_link_deep_in_the_namespace_is_found);
	tcase_add_test(tc, test_a_file_naming_a_metadata_block_is_refused_at_read_write_open);
	tcase_add_test(tc, test_a_file_naming_an_unallocated_block_is_refused_at_read_write_open);
	tcase_add_test(tc, test_directories_grow_past_a_subblock_and_shrink);
	tcase_add_test(tc, test_exclusive_lock_refuses_a_second_host_until_released);
	tcase_add_test(tc, test_readonly_opens_share_and_exclude_writers);
	tcase_add_test(tc, test_stale_lock_of_a_dead_host_is_recovered);
	tcase_add_test(tc, test_a_stale_lock_is_refused_within_the_lock_wait_then_taken_over);
	tcase_add_test(tc, test_a_reclaimed_holder_marked_again_ends_the_attempt);
	tcase_add_test(tc, test_sixteen_silent_readers_cost_one_lock_wait_not_sixteen);
	tcase_add_test(tc, test_sixteen_silent_readers_are_taken_over_in_one_lock_timeout);
	tcase_add_test(tc, test_labels_that_cannot_name_a_datastore_are_refused_at_format);
	tcase_add_test(tc, test_a_label_on_disk_that_cannot_name_a_datastore_is_ignored_at_mount);
	tcase_add_test(tc, test_corrupt_headers_give_clear_errors);
	tcase_add_test(tc, test_check_repairs_a_leaked_allocation);
	tcase_add_test(tc, test_allocation_skips_bitmap_entries_locked_on_disk);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(vmkfs_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
