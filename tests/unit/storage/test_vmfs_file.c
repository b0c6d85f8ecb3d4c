// SPDX-License-Identifier: GPL-2.0-only
/*
 * Files on the datastores for the COS (vmkernel/storage/vmfs_file.c,
 * VMK_HC_VMFS_FILE) over a VMFS volume on an in-memory device: what the
 * COS writes reads back byte for byte, folders list in pages, and every
 * hostile request (a path with "..", no NUL, no such datastore, a stale
 * or forged handle, too many bytes, a buffer outside COS memory) is
 * refused with an errno and a sentence, nothing done; a file a VM holds
 * is refused naming the VM, and the handles close at the give-back.
 */
#include <stdio.h>
#include <stdlib.h>
#include "tests/unit/check_run.h"
#include "tests/unit/vmkfs/memdev.h"
#include "vmkernel/storage/vmfs_file.h"

#undef MIB	/* vmkfs/format.h's, 32-bit */
#define MIB		(1024ull * 1024)
#define DEV_BYTES	(300 * MIB)	/* VMFS-3 needs 17 MiB and a 256 MiB segment */
#define COS_BASE	0x100000ull	/* where the fake COS memory begins */

static struct memdev *mem;
static struct vmkfs_vol *vol;
static struct vdisk_claims claims;
static struct vmfs_files files;
static uint8_t vmk_buf[VMK_VMFS_IO_MAX];
static uint8_t cos_mem[2 * VMK_VMFS_IO_MAX];	/* COS memory at COS_BASE */
static struct vmk_vmfs_file r;

static struct vmkfs_vol *fake_volume(void *ctx, const char *label)
{
	(void)ctx;
	return strcmp(label, "ds1") ? NULL : vol;
}

/* As cos_range_ok(): an empty range is no COS memory. */
static bool in_cos(uint64_t gpa, uint32_t len)
{
	return len && gpa >= COS_BASE && gpa - COS_BASE <= sizeof(cos_mem) &&
	       len <= sizeof(cos_mem) - (gpa - COS_BASE);
}

static bool fake_copy_in(void *ctx, uint64_t gpa, void *dst, uint32_t len)
{
	(void)ctx;
	if (!in_cos(gpa, len))
		return false;
	memcpy(dst, cos_mem + (gpa - COS_BASE), len);
	return true;
}

static bool fake_copy_out(void *ctx, uint64_t gpa, const void *src, uint32_t len)
{
	(void)ctx;
	if (!in_cos(gpa, len))
		return false;
	memcpy(cos_mem + (gpa - COS_BASE), src, len);
	return true;
}

static const struct vmfs_env env = {
	fake_volume, fake_copy_in, fake_copy_out, NULL, &claims, vmk_buf,
};

static void setup(void)
{
	struct vmkfs_format_opts o = { .block_size = MIB, .label = "ds1" };
	char err[256] = "";

	mem = memdev_create(DEV_BYTES);
	ck_assert_ptr_nonnull(mem);
	ck_assert_msg(vmkfs_format(&mem->dev, &o, err, sizeof(err)) == VMKFS_OK, "%s", err);
	ck_assert_msg(vmkfs_mount(&mem->dev, 0, &vol, err, sizeof(err)) == VMKFS_OK, "%s", err);
	memset(&claims, 0, sizeof(claims));
	memset(&files, 0, sizeof(files));
}

static void teardown(void)
{
	vmfs_files_close_all(&files);
	ck_assert_int_eq(vmkfs_unmount(vol), VMKFS_OK);
	memdev_destroy(mem);
}

/* A request as the COS's driver sends it, its out fields cleared (hypercall.c). */
static vmk_status_t run(uint32_t op, const char *path)
{
	struct vmk_vmfs_file q;

	memset(&q, 0, sizeof(q));
	q.op = op;
	q.handle = r.handle;
	q.offset = r.offset;
	q.len = r.len;
	q.buf_gpa = r.buf_gpa;
	q.flags = r.flags;
	q.cookie = op == VMK_VMFS_READDIR ? r.cookie : 0;
	memcpy(q.new_path, r.new_path, sizeof(q.new_path));
	if (path)
		snprintf(q.path, sizeof(q.path), "%s", path);
	r = q;
	return vmfs_file_run(&files, &env, &r);
}

static uint32_t open_file(const char *path, uint32_t flags)
{
	r.flags = flags;
	ck_assert_msg(run(VMK_VMFS_OPEN, path) == VMK_OK, "%s", r.msg);
	return r.handle;
}

START_TEST(test_a_file_written_in_pieces_reads_back_whole)
{
	enum { SIZE = 4 * MIB };
	uint8_t *data = malloc(SIZE), *back = malloc(SIZE);
	uint32_t h;

	for (uint32_t i = 0; i < SIZE; i++)
		data[i] = (uint8_t)(i * 2654435761u >> 13);
	ck_assert_int_eq(run(VMK_VMFS_MKDIR, "ds1/iso"), VMK_OK);
	ck_assert_msg(run(VMK_VMFS_CREATE, "ds1/iso/a.iso") == VMK_OK, "%s", r.msg);
	ck_assert_uint_eq(r.st.type, VMK_VMFS_FILE);
	ck_assert_uint_eq(r.st.size, 0);
	h = open_file("ds1/iso/a.iso", VMK_VMFS_RDWR);
	for (uint64_t off = 0; off < SIZE; off += VMK_VMFS_IO_MAX) {
		memcpy(cos_mem, data + off, VMK_VMFS_IO_MAX);
		r = (struct vmk_vmfs_file){ .handle = h, .offset = off, .len = VMK_VMFS_IO_MAX,
					    .buf_gpa = COS_BASE };
		ck_assert_msg(run(VMK_VMFS_WRITE, NULL) == VMK_OK, "%s", r.msg);
		ck_assert_uint_eq(r.len, VMK_VMFS_IO_MAX);
	}
	r.handle = h;
	ck_assert_int_eq(run(VMK_VMFS_FSYNC, NULL), VMK_OK);
	r.handle = h;
	ck_assert_int_eq(run(VMK_VMFS_CLOSE, NULL), VMK_OK);
	ck_assert_int_eq(run(VMK_VMFS_STAT, "ds1/iso/a.iso"), VMK_OK);
	ck_assert_uint_eq(r.st.size, SIZE);

	h = open_file("ds1/iso/a.iso", 0);
	for (uint64_t off = 0; off <= SIZE; off += VMK_VMFS_IO_MAX) {
		r = (struct vmk_vmfs_file){ .handle = h, .offset = off, .len = VMK_VMFS_IO_MAX,
					    .buf_gpa = COS_BASE + 1 };
		ck_assert_msg(run(VMK_VMFS_READ, NULL) == VMK_OK, "%s", r.msg);
		/* short only at the end of the file */
		ck_assert_uint_eq(r.len, off == SIZE ? 0 : VMK_VMFS_IO_MAX);
		memcpy(back + (off == SIZE ? 0 : off), cos_mem + 1, r.len);
	}
	ck_assert(!memcmp(data, back, SIZE));
	/* read-only: no write, no truncate */
	r = (struct vmk_vmfs_file){ .handle = h, .len = 512, .buf_gpa = COS_BASE };
	ck_assert_int_eq(run(VMK_VMFS_WRITE, NULL), VMK_BAD_PARAM);
	ck_assert_uint_eq(r.error, VMK_VMFS_EBADF);
	r.handle = h;
	ck_assert_int_eq(run(VMK_VMFS_TRUNCATE, NULL), VMK_BAD_PARAM);
	r.handle = h;
	ck_assert_int_eq(run(VMK_VMFS_CLOSE, NULL), VMK_OK);
	free(data);
	free(back);
}
END_TEST

START_TEST(test_truncate_rename_unlink_and_rmdir_change_the_volume)
{
	uint32_t h;

	ck_assert_int_eq(run(VMK_VMFS_MKDIR, "ds1/d"), VMK_OK);
	ck_assert_int_eq(run(VMK_VMFS_MKDIR, "ds1/d"), VMK_BAD_PARAM);
	ck_assert_uint_eq(r.error, VMK_VMFS_EEXIST);
	ck_assert_int_eq(run(VMK_VMFS_CREATE, "ds1/d/f"), VMK_OK);
	h = open_file("ds1/d/f", VMK_VMFS_RDWR);
	r = (struct vmk_vmfs_file){ .handle = h, .offset = 3 * MIB + 5 };
	ck_assert_msg(run(VMK_VMFS_TRUNCATE, NULL) == VMK_OK, "%s", r.msg);
	r.handle = h;
	ck_assert_int_eq(run(VMK_VMFS_CLOSE, NULL), VMK_OK);
	ck_assert_int_eq(run(VMK_VMFS_STAT, "ds1/d/f"), VMK_OK);
	ck_assert_uint_eq(r.st.size, 3 * MIB + 5);
	ck_assert_int_eq(run(VMK_VMFS_RMDIR, "ds1/d"), VMK_BAD_PARAM);
	ck_assert_uint_eq(r.error, VMK_VMFS_ENOTEMPTY);
	snprintf(r.new_path, sizeof(r.new_path), "ds1/g");
	ck_assert_msg(run(VMK_VMFS_RENAME, "ds1/d/f") == VMK_OK, "%s", r.msg);
	ck_assert_int_eq(run(VMK_VMFS_STAT, "ds1/d/f"), VMK_BAD_PARAM);
	ck_assert_uint_eq(r.error, VMK_VMFS_ENOENT);
	snprintf(r.new_path, sizeof(r.new_path), "ds2/g");
	ck_assert_int_eq(run(VMK_VMFS_RENAME, "ds1/g"), VMK_BAD_PARAM);
	ck_assert_uint_eq(r.error, VMK_VMFS_EXDEV);
	ck_assert_int_eq(run(VMK_VMFS_RMDIR, "ds1/d"), VMK_OK);
	ck_assert_int_eq(run(VMK_VMFS_UNLINK, "ds1/g"), VMK_OK);
	ck_assert_int_eq(run(VMK_VMFS_STAT, "ds1/g"), VMK_BAD_PARAM);
	ck_assert_int_eq(run(VMK_VMFS_STATFS, "ds1"), VMK_OK);
	ck_assert_uint_gt(r.capacity, 0);
	ck_assert_uint_eq(r.block_size, MIB);
}
END_TEST

/* A rename onto an existing name: refused with the target kept, or replacing it. */
START_TEST(test_a_refused_rename_keeps_its_target)
{
	struct vmkfs_stat src, dst;
	struct vdisk vm_disk;

	ck_assert_int_eq(run(VMK_VMFS_CREATE, "ds1/a"), VMK_OK);
	ck_assert_int_eq(run(VMK_VMFS_CREATE, "ds1/b"), VMK_OK);
	ck_assert_int_eq(run(VMK_VMFS_MKDIR, "ds1/d"), VMK_OK);
	ck_assert_int_eq(run(VMK_VMFS_MKDIR, "ds1/d/e"), VMK_OK);
	ck_assert_int_eq(run(VMK_VMFS_MKDIR, "ds1/e"), VMK_OK);
	ck_assert_int_eq(vmkfs_stat(vol, "/a", &src), VMKFS_OK);
	ck_assert_int_eq(vmkfs_stat(vol, "/b", &dst), VMKFS_OK);
	/* no REPLACE: EEXIST */
	r.flags = 0;
	snprintf(r.new_path, sizeof(r.new_path), "ds1/b");
	ck_assert_int_eq(run(VMK_VMFS_RENAME, "ds1/a"), VMK_BAD_PARAM);
	ck_assert_uint_eq(r.error, VMK_VMFS_EEXIST);
	/* the source held by a VM: refused before the target goes */
	claims.c[0].vd = &vm_disk;
	claims.c[0].vol = vol;
	claims.c[0].fd_id = src.id;
	snprintf(claims.c[0].owner_name, sizeof(claims.c[0].owner_name), "web1");
	r.flags = VMK_VMFS_REPLACE;
	ck_assert_int_eq(run(VMK_VMFS_RENAME, "ds1/a"), VMK_BUSY);
	ck_assert_int_eq(run(VMK_VMFS_STAT, "ds1/b"), VMK_OK);
	ck_assert_uint_eq(r.st.id, dst.id);
	/* the target held by a VM: kept */
	claims.c[0].fd_id = dst.id;
	r.flags = VMK_VMFS_REPLACE;
	ck_assert_int_eq(run(VMK_VMFS_RENAME, "ds1/a"), VMK_BUSY);
	ck_assert_int_eq(run(VMK_VMFS_STAT, "ds1/b"), VMK_OK);
	claims.c[0].vd = NULL;
	/* a folder to another parent (vmkfs cannot): its target kept */
	r.flags = VMK_VMFS_REPLACE;
	snprintf(r.new_path, sizeof(r.new_path), "ds1/d/e");
	ck_assert_int_eq(run(VMK_VMFS_RENAME, "ds1/e"), VMK_BAD_PARAM);
	ck_assert_uint_eq(r.error, VMK_VMFS_EINVAL);
	ck_assert_int_eq(run(VMK_VMFS_STAT, "ds1/d/e"), VMK_OK);
	/* a file onto a folder, a folder onto a file */
	r.flags = VMK_VMFS_REPLACE;
	snprintf(r.new_path, sizeof(r.new_path), "ds1/e");
	ck_assert_int_eq(run(VMK_VMFS_RENAME, "ds1/a"), VMK_BAD_PARAM);
	ck_assert_uint_eq(r.error, VMK_VMFS_EISDIR);
	r.flags = VMK_VMFS_REPLACE;
	snprintf(r.new_path, sizeof(r.new_path), "ds1/b");
	ck_assert_int_eq(run(VMK_VMFS_RENAME, "ds1/e"), VMK_BAD_PARAM);
	ck_assert_uint_eq(r.error, VMK_VMFS_ENOTDIR);
	ck_assert_int_eq(run(VMK_VMFS_STAT, "ds1/e"), VMK_OK);
	/* REPLACE: a's file under b's name, one file fewer */
	r.flags = VMK_VMFS_REPLACE;
	snprintf(r.new_path, sizeof(r.new_path), "ds1/b");
	ck_assert_msg(run(VMK_VMFS_RENAME, "ds1/a") == VMK_OK, "%s", r.msg);
	ck_assert_int_eq(run(VMK_VMFS_STAT, "ds1/b"), VMK_OK);
	ck_assert_uint_eq(r.st.id, src.id);
	ck_assert_int_eq(run(VMK_VMFS_STAT, "ds1/a"), VMK_BAD_PARAM);
	ck_assert_uint_eq(r.error, VMK_VMFS_ENOENT);
	/* unknown flags */
	r.flags = 4;
	snprintf(r.new_path, sizeof(r.new_path), "ds1/c");
	ck_assert_int_eq(run(VMK_VMFS_RENAME, "ds1/b"), VMK_BAD_PARAM);
	ck_assert_uint_eq(r.error, VMK_VMFS_EINVAL);
}
END_TEST

START_TEST(test_a_folder_lists_in_pages_each_entry_once)
{
	char name[32];
	uint32_t seen[40] = { 0 }, pages = 0, total = 0;

	ck_assert_int_eq(run(VMK_VMFS_MKDIR, "ds1/many"), VMK_OK);
	for (int i = 0; i < 40; i++) {
		snprintf(name, sizeof(name), "ds1/many/f%02d", i);
		ck_assert_msg(run(VMK_VMFS_CREATE, name) == VMK_OK, "%s", r.msg);
	}
	r.cookie = 0;
	do {
		ck_assert_msg(run(VMK_VMFS_READDIR, "ds1/many") == VMK_OK, "%s", r.msg);
		ck_assert_uint_le(r.nents, VMK_VMFS_DIR_ENTRIES);
		for (uint32_t i = 0; i < r.nents; i++) {
			int n;

			ck_assert_int_eq(sscanf(r.ent[i].name, "f%02d", &n), 1);
			seen[n]++;
			ck_assert_uint_eq(r.ent[i].st.type, VMK_VMFS_FILE);
		}
		total += r.nents;
		pages++;
	} while (r.cookie);
	ck_assert_uint_eq(total, 40);
	ck_assert_uint_eq(pages, 3);
	for (int i = 0; i < 40; i++)
		ck_assert_uint_eq(seen[i], 1);
	/* the root: the volume's own files, no "." or ".." */
	r.cookie = 0;
	ck_assert_int_eq(run(VMK_VMFS_READDIR, "ds1"), VMK_OK);
	for (uint32_t i = 0; i < r.nents; i++)
		ck_assert(strcmp(r.ent[i].name, ".") && strcmp(r.ent[i].name, ".."));
	ck_assert_int_eq(run(VMK_VMFS_READDIR, "ds1/many/f01"), VMK_BAD_PARAM);
	ck_assert_uint_eq(r.error, VMK_VMFS_ENOTDIR);
}
END_TEST

static uint64_t dev_reads;
static int (*real_read)(struct vmkfs_dev *dev, uint64_t off, void *buf, size_t len);

static int counted_read(struct vmkfs_dev *dev, uint64_t off, void *buf, size_t len)
{
	dev_reads++;
	return real_read(dev, off, buf, len);
}

/* The device reads of listing "ds1/many" whole, page by page. */
static uint64_t reads_of_listing(uint32_t want)
{
	uint32_t total = 0;

	dev_reads = 0;
	r.cookie = 0;
	do {
		ck_assert_msg(run(VMK_VMFS_READDIR, "ds1/many") == VMK_OK, "%s", r.msg);
		total += r.nents;
	} while (r.cookie);
	ck_assert_uint_eq(total, want);
	return dev_reads;
}

/*
 * A page reads the descriptors of its own entries only: listing a folder
 * of 160 files costs about ten times one of 16, not a hundred times.
 */
START_TEST(test_a_page_of_a_folder_reads_only_its_entries)
{
	uint64_t small, big;
	char name[32];

	ck_assert_int_eq(run(VMK_VMFS_MKDIR, "ds1/many"), VMK_OK);
	real_read = mem->dev.read;
	mem->dev.read = counted_read;
	for (int i = 0; i < 160; i++) {
		snprintf(name, sizeof(name), "ds1/many/f%03d", i);
		ck_assert_msg(run(VMK_VMFS_CREATE, name) == VMK_OK, "%s", r.msg);
		if (i == 15)
			small = reads_of_listing(16);
	}
	big = reads_of_listing(160);
	mem->dev.read = real_read;
	ck_assert_msg(big <= 12 * small, "16 files: %llu reads, 160: %llu",
		      (unsigned long long)small, (unsigned long long)big);
}
END_TEST

START_TEST(test_hostile_paths_are_refused_nothing_done)
{
	static const char *const bad[] = {
		"ds1//x", "ds1/x/", "ds1/../ds1/x", "ds1/x/..", "ds1/./x", "ds1/x/.",
	};

	ck_assert_int_eq(run(VMK_VMFS_MKDIR, "ds1/x"), VMK_OK);
	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		ck_assert_msg(run(VMK_VMFS_STAT, bad[i]) == VMK_BAD_PARAM, "%s", bad[i]);
		ck_assert_uint_eq(r.error, VMK_VMFS_EINVAL);
		ck_assert_str_eq(r.msg, "the path has an empty, '.' or '..' part");
	}
	ck_assert_int_eq(run(VMK_VMFS_RMDIR, "ds1/x"), VMK_OK);
	ck_assert_int_eq(run(VMK_VMFS_MKDIR, ""), VMK_BAD_PARAM);
	ck_assert_int_eq(run(VMK_VMFS_MKDIR, "/ds1/x"), VMK_BAD_PARAM);
	ck_assert_str_eq(r.msg, "the path does not begin with a datastore's label");
	ck_assert_int_eq(run(VMK_VMFS_MKDIR, "ds2/x"), VMK_BAD_PARAM);
	ck_assert_uint_eq(r.error, VMK_VMFS_ENODEV);
	ck_assert_str_eq(r.msg, "no datastore 'ds2' is mounted (vmkctl storage datastores)");
	/* no NUL in the field */
	memset(&r, 0, sizeof(r));
	r.op = VMK_VMFS_MKDIR;
	memset(r.path, 'a', sizeof(r.path));
	ck_assert_int_eq(vmfs_file_run(&files, &env, &r), VMK_BAD_PARAM);
	ck_assert_uint_eq(r.error, VMK_VMFS_ENAMETOOLONG);
	/* a part longer than VMFS-3's names */
	memset(&r, 0, sizeof(r));
	r.op = VMK_VMFS_MKDIR;
	memcpy(r.path, "ds1/", 4);
	memset(r.path + 4, 'b', VMK_VMFS_NAME_LEN);
	ck_assert_int_eq(vmfs_file_run(&files, &env, &r), VMK_BAD_PARAM);
	ck_assert_uint_eq(r.error, VMK_VMFS_ENAMETOOLONG);
	/* an op no one knows */
	ck_assert_int_eq(run(VMK_VMFS_OP_MAX + 1, "ds1/x"), VMK_BAD_PARAM);
	ck_assert_int_eq(run(0, "ds1/x"), VMK_BAD_PARAM);
	/* nothing was made */
	r.cookie = 0;
	ck_assert_int_eq(run(VMK_VMFS_READDIR, "ds1"), VMK_OK);
	for (uint32_t i = 0; i < r.nents; i++)
		ck_assert_msg(r.ent[i].name[0] == '.', "%s", r.ent[i].name);
}
END_TEST

/* A WRITE of nothing, or one that fails, leaves the file's size alone. */
START_TEST(test_a_write_that_moves_nothing_grows_nothing)
{
	struct vmkfs_volinfo vi;
	uint32_t h;

	ck_assert_int_eq(run(VMK_VMFS_CREATE, "ds1/f"), VMK_OK);
	h = open_file("ds1/f", VMK_VMFS_RDWR);
	r = (struct vmk_vmfs_file){ .handle = h, .offset = 5 * MIB, .buf_gpa = COS_BASE };
	ck_assert_int_eq(run(VMK_VMFS_WRITE, NULL), VMK_OK);
	ck_assert_uint_eq(r.len, 0);
	ck_assert_int_eq(run(VMK_VMFS_STAT, "ds1/f"), VMK_OK);
	ck_assert_uint_eq(r.st.size, 0);
	/* the volume full: the growth (thin) passes, the write's block does not */
	ck_assert_int_eq(vmkfs_statfs(vol, &vi), VMKFS_OK);
	ck_assert_int_eq(vmkfs_create(vol, "/fill", vi.free_bytes, VMKFS_ZEROEDTHICK), VMKFS_OK);
	r = (struct vmk_vmfs_file){ .handle = h, .offset = 64 * MIB, .len = 4096,
				    .buf_gpa = COS_BASE };
	ck_assert_int_eq(run(VMK_VMFS_WRITE, NULL), VMK_NO_CAPACITY);
	ck_assert_uint_eq(r.error, VMK_VMFS_ENOSPC);
	ck_assert_int_eq(run(VMK_VMFS_STAT, "ds1/f"), VMK_OK);
	ck_assert_uint_eq(r.st.size, 0);
	r.handle = h;
	ck_assert_int_eq(run(VMK_VMFS_CLOSE, NULL), VMK_OK);
}
END_TEST

START_TEST(test_forged_handles_lengths_and_buffers_are_refused)
{
	uint32_t h;

	ck_assert_int_eq(run(VMK_VMFS_CREATE, "ds1/f"), VMK_OK);
	h = open_file("ds1/f", VMK_VMFS_RDWR);
	r = (struct vmk_vmfs_file){ .handle = h, .len = VMK_VMFS_IO_MAX + 1, .buf_gpa = COS_BASE };
	ck_assert_int_eq(run(VMK_VMFS_WRITE, NULL), VMK_BAD_PARAM);
	ck_assert_uint_eq(r.error, VMK_VMFS_EINVAL);
	r = (struct vmk_vmfs_file){ .handle = h, .len = 4096, .buf_gpa = COS_BASE + sizeof(cos_mem) - 100 };
	ck_assert_int_eq(run(VMK_VMFS_WRITE, NULL), VMK_BAD_ADDRESS);
	ck_assert_uint_eq(r.error, VMK_VMFS_EFAULT);
	/* nothing written by the refused WRITEs */
	ck_assert_int_eq(run(VMK_VMFS_STAT, "ds1/f"), VMK_OK);
	ck_assert_uint_eq(r.st.size, 0);
	r = (struct vmk_vmfs_file){ .handle = h, .len = 4096, .buf_gpa = COS_BASE };
	ck_assert_int_eq(run(VMK_VMFS_WRITE, NULL), VMK_OK);
	r = (struct vmk_vmfs_file){ .handle = h, .len = 4096, .buf_gpa = 0 };
	ck_assert_int_eq(run(VMK_VMFS_READ, NULL), VMK_BAD_ADDRESS);
	ck_assert_uint_eq(r.len, 0);
	static const uint32_t forged[] = { 0, 0xff, 33, VMK_VMFS_HANDLES + 1, 2 };

	for (unsigned int i = 0; i < ARRAY_SIZE(forged); i++) {
		r.handle = (h & ~0xffu) | forged[i];
		ck_assert_int_eq(run(VMK_VMFS_FSYNC, NULL), VMK_BAD_PARAM);
		ck_assert_uint_eq(r.error, VMK_VMFS_EBADF);
	}
	r.handle = h + 0x100;	/* another generation */
	ck_assert_int_eq(run(VMK_VMFS_FSYNC, NULL), VMK_BAD_PARAM);
	r.handle = h;
	ck_assert_int_eq(run(VMK_VMFS_CLOSE, NULL), VMK_OK);
	/* closed: the handle is stale, even once its slot is taken again */
	r.handle = h;
	ck_assert_int_eq(run(VMK_VMFS_FSYNC, NULL), VMK_BAD_PARAM);
	ck_assert_uint_ne(open_file("ds1/f", 0), h);
	r.handle = h;
	ck_assert_int_eq(run(VMK_VMFS_READ, NULL), VMK_BAD_PARAM);
	ck_assert_uint_eq(r.error, VMK_VMFS_EBADF);
}
END_TEST

START_TEST(test_a_file_a_vm_holds_is_refused_naming_it)
{
	struct vdisk vm_disk;
	struct vmkfs_stat st;
	uint32_t h;

	ck_assert_int_eq(run(VMK_VMFS_CREATE, "ds1/web-flat.vmdk"), VMK_OK);
	ck_assert_int_eq(vmkfs_stat(vol, "/web-flat.vmdk", &st), VMKFS_OK);
	claims.c[0].vd = &vm_disk;
	claims.c[0].vol = vol;
	claims.c[0].fd_id = st.id;
	snprintf(claims.c[0].owner_name, sizeof(claims.c[0].owner_name), "web1");
	r.flags = 0;
	ck_assert_int_eq(run(VMK_VMFS_OPEN, "ds1/web-flat.vmdk"), VMK_BUSY);
	ck_assert_uint_eq(r.error, VMK_VMFS_EBUSY);
	ck_assert_str_eq(r.msg, "VM 'web1' holds ds1/web-flat.vmdk");
	ck_assert_int_eq(run(VMK_VMFS_UNLINK, "ds1/web-flat.vmdk"), VMK_BUSY);
	snprintf(r.new_path, sizeof(r.new_path), "ds1/x");
	ck_assert_int_eq(run(VMK_VMFS_RENAME, "ds1/web-flat.vmdk"), VMK_BUSY);
	ck_assert_int_eq(run(VMK_VMFS_STAT, "ds1/web-flat.vmdk"), VMK_OK);
	claims.c[0].vd = NULL;
	/* vmkfs's own lock: the COS's read-write open holds the file */
	h = open_file("ds1/web-flat.vmdk", VMK_VMFS_RDWR);
	r.flags = 0;
	ck_assert_int_eq(run(VMK_VMFS_OPEN, "ds1/web-flat.vmdk"), VMK_BUSY);
	ck_assert_uint_eq(r.error, VMK_VMFS_EBUSY);
	ck_assert_msg(strstr(r.msg, "locked"), "%s", r.msg);
	r.handle = h;
	ck_assert_int_eq(run(VMK_VMFS_CLOSE, NULL), VMK_OK);
}
END_TEST

/* A VM's disk as vdisk_open() claims it: its descriptor and its folder are refused too. */
START_TEST(test_a_running_vms_descriptor_and_folder_are_refused)
{
	static uint8_t text[VDISK_DESC_MAX], bounce[VDISK_DESC_MAX];
	struct vdisk_create c = { "/web/web.vmdk", MIB, VMKFS_THIN, "lsilogic", 0x1234 };
	struct vdisk vd = { .bounce = bounce, .bounce_blocks = 1 };
	char why[256] = "";

	ck_assert_int_eq(run(VMK_VMFS_MKDIR, "ds1/web"), VMK_OK);
	ck_assert_int_eq(run(VMK_VMFS_CREATE, "ds1/web/web.vmx"), VMK_OK);
	ck_assert_msg(vdisk_create(vol, &c, (char *)text, why, sizeof(why)) == VMKFS_OK, "%s", why);
	ck_assert_msg(vdisk_open(&claims, vol, "/web/web.vmdk", 7, "web1", &vd, why,
				 sizeof(why)) == VMKFS_OK, "%s", why);
	r.flags = VMK_VMFS_RDWR;
	ck_assert_int_eq(run(VMK_VMFS_OPEN, "ds1/web/web.vmdk"), VMK_BUSY);
	ck_assert_str_eq(r.msg, "VM 'web1' holds ds1/web/web.vmdk");
	ck_assert_int_eq(run(VMK_VMFS_UNLINK, "ds1/web/web.vmdk"), VMK_BUSY);
	r.flags = 0;
	snprintf(r.new_path, sizeof(r.new_path), "ds1/web/x.vmdk");
	ck_assert_int_eq(run(VMK_VMFS_RENAME, "ds1/web/web.vmdk"), VMK_BUSY);
	snprintf(r.new_path, sizeof(r.new_path), "ds1/web2");
	ck_assert_int_eq(run(VMK_VMFS_RENAME, "ds1/web"), VMK_BUSY);
	ck_assert_str_eq(r.msg, "VM 'web1' holds ds1/web");
	/* its other files are the COS's */
	open_file("ds1/web/web.vmx", VMK_VMFS_RDWR);
	vdisk_close(&claims, &vd);
	r.flags = 0;
	snprintf(r.new_path, sizeof(r.new_path), "ds1/web2");
	ck_assert_msg(run(VMK_VMFS_RENAME, "ds1/web") == VMK_OK, "%s", r.msg);
}
END_TEST

START_TEST(test_the_handles_are_bounded_and_close_at_the_give_back)
{
	char name[32];

	for (int i = 0; i < VMK_VMFS_HANDLES + 1; i++) {
		snprintf(name, sizeof(name), "ds1/f%d", i);
		ck_assert_int_eq(run(VMK_VMFS_CREATE, name), VMK_OK);
	}
	for (int i = 0; i < VMK_VMFS_HANDLES; i++) {
		snprintf(name, sizeof(name), "ds1/f%d", i);
		open_file(name, VMK_VMFS_RDWR);
	}
	r.flags = 0;
	ck_assert_int_eq(run(VMK_VMFS_OPEN, "ds1/f32"), VMK_NO_CAPACITY);
	ck_assert_uint_eq(r.error, VMK_VMFS_EMFILE);
	ck_assert_uint_eq(vmfs_files_close_all(&files), VMK_VMFS_HANDLES);
	ck_assert_uint_eq(vmfs_files_close_all(&files), 0);
	/* their locks are gone: the volume unmounts (teardown) and opens again */
	open_file("ds1/f0", VMK_VMFS_RDWR);
}
END_TEST

static void put_file(const char *path, uint64_t size)
{
	uint32_t h;

	ck_assert_msg(run(VMK_VMFS_CREATE, path) == VMK_OK, "%s", r.msg);
	h = open_file(path, VMK_VMFS_RDWR);
	for (uint64_t off = 0; off < size; off += VMK_VMFS_IO_MAX) {
		r = (struct vmk_vmfs_file){ .handle = h, .offset = off, .len = VMK_VMFS_IO_MAX,
					    .buf_gpa = COS_BASE };
		ck_assert_msg(run(VMK_VMFS_WRITE, NULL) == VMK_OK, "%s at %llu: %s", path, (unsigned long long)off, r.msg);
	}
	r.handle = h;
	ck_assert_int_eq(run(VMK_VMFS_CLOSE, NULL), VMK_OK);
}

/*
 * A fresh volume has one cluster of sub-blocks (64 KiB each): files the
 * COS makes are images, kept in file blocks, so many of them fit.
 */
START_TEST(test_files_the_cos_makes_grow_in_file_blocks)
{
	char name[32];

	memset(cos_mem, 0x33, sizeof(cos_mem));
	for (int i = 0; i < 4; i++) {
		snprintf(name, sizeof(name), "ds1/f%d", i);
		put_file(name, 4 * MIB);
		ck_assert_int_eq(run(VMK_VMFS_STAT, name), VMK_OK);
		ck_assert_uint_eq(r.st.alloc_bytes, 4 * MIB);
	}
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("vmfs_file");

	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_a_file_written_in_pieces_reads_back_whole);
	tcase_add_test(tc, test_files_the_cos_makes_grow_in_file_blocks);
	tcase_add_test(tc, test_truncate_rename_unlink_and_rmdir_change_the_volume);
	tcase_add_test(tc, test_a_refused_rename_keeps_its_target);
	tcase_add_test(tc, test_a_folder_lists_in_pages_each_entry_once);
	tcase_add_test(tc, test_a_page_of_a_folder_reads_only_its_entries);
	tcase_add_test(tc, test_hostile_paths_are_refused_nothing_done);
	tcase_add_test(tc, test_forged_handles_lengths_and_buffers_are_refused);
	tcase_add_test(tc, test_a_write_that_moves_nothing_grows_nothing);
	tcase_add_test(tc, test_a_file_a_vm_holds_is_refused_naming_it);
	tcase_add_test(tc, test_a_running_vms_descriptor_and_folder_are_refused);
	tcase_add_test(tc, test_the_handles_are_bounded_and_close_at_the_give_back);
	return check_run("vmkernel files of /vmfs/volumes", tc);
}
