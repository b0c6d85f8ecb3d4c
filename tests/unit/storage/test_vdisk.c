// SPDX-License-Identifier: GPL-2.0-only
/*
 * Virtual disks on datastores (vmkernel/storage/vdisk.c): descriptors as
 * the COS's vmkfstools renders them (cos-tools/vmkfstools/vmdk.c) and
 * malformed ones; the names a .vmx gives; and the backend over a VMFS
 * volume on an in-memory device, driven through vmk's SCSI disk model as
 * a guest would: what is written reads back, a thin disk's unwritten
 * blocks read as zeros even over a deleted file's data, a disk open by
 * one VM is refused to another naming it, a lock vmkfs holds for someone
 * else is refused with vmkfs's sentence (a previous load's stale lock
 * within the datastore's lock wait), and every vmkfs call runs in
 * the caller's lock. Disks and folders the vmkernel makes (vmkfstools -c
 * and --mkdir through it): the descriptor is the COS's, byte for byte,
 * the disk opens and holds data, the volume checks clean, and every
 * refusal leaves nothing behind.
 */
#include <stdio.h>
#include <stdlib.h>
#include "tests/unit/check_run.h"
#include "tests/unit/storage/guest_cmd.h"
#include "tests/unit/vmkfs/memdev.h"
#include "vmkernel/storage/datastore.h"
#include "vmkernel/storage/vdisk.h"
#include "vmkfs/internal.h"
#include "vmkfs/platform-posix.h"
#include "cos-tools/vmkfstools/vmdk.h"

#undef MIB	/* vmkfs/format.h's, 32-bit */
#define MIB		(1024ull * 1024)
#define DEV_BYTES	(300 * MIB)	/* VMFS-3 needs 17 MiB and a 256 MiB segment */
#define DISK_BYTES	(4 * MIB)
#define BOUNCE_BLOCKS	8
#define GUEST_LEN	(64 * SCSI_BLOCK_SIZE)

static struct memdev *mem;
static struct vmkfs_vol *vol;
static struct vdisk_claims claims;
static struct vdisk vd, vd2;
static uint8_t bounce[VDISK_DESC_MAX], bounce2[VDISK_DESC_MAX];
static uint8_t guest[GUEST_LEN];
static struct scsi_disk disk;
static struct scsi_cmd cmd;
static bool done;
static int lock_depth, lock_calls;
static char why[256];

/*
 * The caller's lock: every vmkfs call of the backend inside it, its
 * blocks (what the disk's turn is charged) no more than a bounce buffer.
 */
static void fake_lock(void *ctx, struct vdisk *vd, uint32_t blocks)
{
	(void)ctx;
	ck_assert_uint_le(blocks, vd->bounce_blocks);
	ck_assert_int_eq(lock_depth, 0);
	lock_depth++;
	lock_calls++;
}

static void fake_unlock(void *ctx, struct vdisk *vd)
{
	(void)ctx;
	(void)vd;
	ck_assert_int_eq(lock_depth, 1);
	lock_depth--;
}

static const struct vdisk_lock lock_ops = { fake_lock, fake_unlock, NULL };

static bool buf_put(void *ctx, uint64_t off, const void *src, uint32_t len)
{
	(void)ctx;
	memcpy(guest + off, src, len);
	return true;
}

static bool buf_get(void *ctx, uint64_t off, void *dst, uint32_t len)
{
	(void)ctx;
	memcpy(dst, guest + off, len);
	return true;
}

static void cmd_done(struct scsi_cmd *c)
{
	(void)c;
	done = true;
}

/* A file of len bytes at path holding data. */
static void put_file(const char *path, const void *data, size_t len,
		     enum vmkfs_alloc alloc)
{
	struct vmkfs_file *f;

	ck_assert_int_eq(vmkfs_create(vol, path, len, alloc), VMKFS_OK);
	ck_assert_int_eq(vmkfs_open(vol, path, VMKFS_O_RDWR, &f), VMKFS_OK);
	if (data)
		ck_assert_int_eq(vmkfs_pwrite(f, data, len, 0), (int64_t)len);
	ck_assert_int_eq(vmkfs_close(f), VMKFS_OK);
}

/* What `vmkfstools -c SIZE -d ALLOC DEV:/vms/NAME.vmdk` makes. */
static void make_disk(const char *name, uint64_t bytes, enum vmkfs_alloc alloc)
{
	char path[128], flat[64], text[1024];
	int n;

	snprintf(flat, sizeof(flat), "%s-flat.vmdk", name);
	snprintf(path, sizeof(path), "/vms/%s", flat);
	ck_assert_int_eq(vmkfs_create(vol, path, bytes, alloc), VMKFS_OK);
	n = vmdk_render(text, sizeof(text), flat, bytes / 512, alloc == VMKFS_THIN, "lsilogic");
	ck_assert_int_gt(n, 0);
	snprintf(path, sizeof(path), "/vms/%s.vmdk", name);
	put_file(path, text, (size_t)n, VMKFS_THIN);
}

static void setup(void)
{
	struct vmkfs_format_opts o = { .block_size = MIB, .label = "ds1" };
	char err[256] = "";

	mem = memdev_create(DEV_BYTES);
	ck_assert_ptr_nonnull(mem);
	ck_assert_msg(vmkfs_format(&mem->dev, &o, err, sizeof(err)) == VMKFS_OK, "%s", err);
	ck_assert_msg(vmkfs_mount(&mem->dev, 0, &vol, err, sizeof(err)) == VMKFS_OK, "%s", err);
	ck_assert_int_eq(vmkfs_mkdir(vol, "/vms"), VMKFS_OK);
	memset(&claims, 0, sizeof(claims));
	memset(&vd, 0, sizeof(vd));
	memset(&vd2, 0, sizeof(vd2));
	vd.bounce = bounce;
	vd.bounce_blocks = BOUNCE_BLOCKS;
	vd.lock = &lock_ops;
	vd2.bounce = bounce2;
	vd2.bounce_blocks = BOUNCE_BLOCKS;
	vd2.lock = &lock_ops;
	lock_depth = lock_calls = 0;
	why[0] = '\0';
}

static void teardown(void)
{
	vdisk_close_all(&claims);
	ck_assert_int_eq(vmkfs_unmount(vol), VMKFS_OK);
	memdev_destroy(mem);
}

static int open_disk(struct vdisk *d, const char *path, uint32_t owner, const char *name)
{
	return vdisk_open(&claims, vol, path, owner, name, d, why, sizeof(why));
}

/* The guest's view of d. */
static void attach(struct vdisk *d)
{
	struct scsi_backend be;

	vdisk_backend(d, &be);
	scsi_disk_init(&disk, &be, "vms/a.vmdk", 1);
	disk.ua_asc = disk.ua_ascq = 0;		/* no power-on unit attention */
}

/* READ(10)/WRITE(10) of nr blocks at lba through the disk model. */
static void rw10(bool write, uint32_t lba, uint16_t nr)
{
	guest_rw10(&cmd, write, lba, nr, (struct scsi_buf){ GUEST_LEN, buf_put, buf_get, NULL, NULL },
		   cmd_done);
	done = false;
	scsi_disk_submit(&disk, &cmd);
	ck_assert(done);
	ck_assert_int_eq(lock_depth, 0);
}

static void sync_cache(void)
{
	guest_sync10(&cmd, cmd_done);
	done = false;
	scsi_disk_submit(&disk, &cmd);
	ck_assert(done);
}

static bool all_zero(const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

/* ---- descriptors ---- */

static bool parse(const char *text, struct vdisk_desc *d)
{
	return vdisk_parse_descriptor(text, strlen(text), d, why, sizeof(why));
}

START_TEST(test_what_vmkfstools_writes_parses)
{
	char text[1024];
	struct vdisk_desc d;

	ck_assert_int_gt(vmdk_render(text, sizeof(text), "a-flat.vmdk", 8192, 1, "pvscsi"), 0);
	ck_assert_msg(parse(text, &d), "%s", why);
	ck_assert_uint_eq(d.sectors, 8192);
	ck_assert_str_eq(d.extent, "a-flat.vmdk");
	ck_assert(d.thin);
	ck_assert_int_gt(vmdk_render(text, sizeof(text), "b-flat.vmdk", 1, 0, "lsilogic"), 0);
	ck_assert_msg(parse(text, &d), "%s", why);
	ck_assert(!d.thin);
	/* As ESX writes it: CRLF, tabs, a comment. */
	ck_assert_msg(parse("# Disk DescriptorFile\r\nversion=1\r\n"
			    "createType=\"vmfs\"\r\n# Extent description\r\n"
			    "RW\t2048\tVMFS \"c d-flat.vmdk\"  \r\n", &d), "%s", why);
	ck_assert_str_eq(d.extent, "c d-flat.vmdk");
}
END_TEST

#define HEAD	"# Disk DescriptorFile\nversion=1\n"
#define TYPE	"createType=\"vmfs\"\n"

START_TEST(test_malformed_descriptors_are_refused_with_a_sentence)
{
	static const struct {
		const char *text, *says;
	} bad[] = {
		{ "", "not a VMDK descriptor" },
		{ "KDMV\1\0\0\0", "a sparse (hosted) VMDK" },
		{ "version=1\n" TYPE "RW 1 VMFS \"a\"\n", "not a VMDK descriptor" },
		{ HEAD TYPE "RW 1 VMFS \"a\"\n\1\n", "binary data at byte" },
		{ HEAD "RW 1 VMFS \"a\"\n", "no createType" },
		{ HEAD TYPE, "no extent line" },
		{ HEAD "createType=\"monolithicSparse\"\nRW 1 VMFS \"a\"\n",
		  "createType monolithicSparse: vmk serves vmfs" },
		{ HEAD TYPE "RW 1 VMFS \"a\"\nRW 1 VMFS \"b\"\n", "line 5: a second extent" },
		{ HEAD TYPE "RDONLY 1 VMFS \"a\"\n", "extent access RDONLY" },
		{ HEAD TYPE "NOACCESS 1 VMFS \"a\"\n", "extent access NOACCESS" },
		{ HEAD TYPE "RW 1 FLAT \"a\" 0\n", "line 4: text after" },
		{ HEAD TYPE "RW 1 SPARSE \"a\"\n", "extent type SPARSE" },
		{ HEAD TYPE "RW 0 VMFS \"a\"\n", "0 or above 2 TiB" },
		{ HEAD TYPE "RW 4294967297 VMFS \"a\"\n", "0 or above 2 TiB" },
		{ HEAD TYPE "RW 99999999999999999999 VMFS \"a\"\n", "not a number" },
		{ HEAD TYPE "RW -1 VMFS \"a\"\n", "not a number" },
		{ HEAD TYPE "RW 012 VMFS \"a\"\n", "not a number" },
		{ HEAD TYPE "RW 1 VMFS a\n", "not quoted" },
		{ HEAD TYPE "RW 1 VMFS \"a\n", "no closing quote" },
		{ HEAD TYPE "RW 1 VMFS \"\"\n", "file name is empty" },
		{ HEAD TYPE "RW 1 VMFS \"../../x-flat.vmdk\"\n", "file name is empty, too long or has a /" },
		{ HEAD TYPE "RW 1 VMFS \"..\"\n", "file name is empty" },
		{ HEAD TYPE "RW 1 VMFS \"a\xff\"\n", "file name is empty" },
		{ HEAD TYPE "RW 1 VMFS \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"\n",
		  "too long" },
		{ HEAD TYPE "parentCID=12345678\nRW 1 VMFS \"a\"\n", "a delta disk" },
		{ HEAD TYPE "parentFileNameHint=\"base.vmdk\"\nRW 1 VMFS \"a\"\n", "a delta disk" },
		{ HEAD TYPE "hello world\nRW 1 VMFS \"a\"\n", "line 4: neither an extent nor" },
		{ HEAD TYPE "=1\n", "neither an extent nor" },
	};
	struct vdisk_desc d;
	char big[VDISK_DESC_MAX + 2];

	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		size_t len = strlen(bad[i].text);

		if (i == 1)
			len = 8;	/* the sparse header has NULs */
		why[0] = '\0';
		ck_assert_msg(!vdisk_parse_descriptor(bad[i].text, len, &d, why, sizeof(why)),
			      "case %u accepted", i);
		ck_assert_msg(strstr(why, bad[i].says), "case %u: '%s' lacks '%s'", i, why,
			      bad[i].says);
	}
	/* Too large, whatever it holds; a NUL within the length too. */
	memset(big, '#', sizeof(big));
	ck_assert(!vdisk_parse_descriptor(big, sizeof(big), &d, why, sizeof(why)));
	ck_assert_ptr_nonnull(strstr(why, "over 4096 bytes"));
	ck_assert(!vdisk_parse_descriptor(HEAD TYPE "RW 1 VMFS \"a\"\n", sizeof(HEAD TYPE "RW 1 VMFS \"a\"\n"),
					  &d, why, sizeof(why)));
	ck_assert_ptr_nonnull(strstr(why, "binary data"));
}
END_TEST

START_TEST(test_disk_names_of_a_vmx)
{
	static const char *const good[][3] = {
		{ "/vmfs/volumes/ds1/vms/a.vmdk", "ds1", "/vms/a.vmdk" },
		{ "[ds1] vms/a.vmdk", "ds1", "/vms/a.vmdk" },
		{ "[my ds]  a.vmdk", "my ds", "/a.vmdk" },
		{ "/vmfs/volumes/ds1/a b/c.vmdk", "ds1", "/a b/c.vmdk" },
	};
	static const char *const bad[] = {
		"", "vms/a.vmdk", "/vmfs/volumes/", "/vmfs/volumes/ds1", "/vmfs/volumes/ds1/",
		"/vmfs/volumes//a.vmdk", "/vmfs/volumes/ds1/a.img", "/vmfs/volumes/ds1/../a.vmdk",
		"/vmfs/volumes/ds1/x//a.vmdk", "/vmfs/volumes/ds1/./a.vmdk", "[ds1 a.vmdk",
		"[] a.vmdk", "[ds1] /a.vmdk", "[ds1] .vmdk", "/vmfs/volumes/ds1/x/",
		"[ds1 a/b.vmdk", "[ds1]", "[ds1] ",
		"vmhba0:C0:T1:L0",
	};
	char label[VDISK_LABEL_LEN], path[VDISK_NAME_LEN], longer[VDISK_NAME_LEN + 8];

	for (unsigned int i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		ck_assert_msg(vdisk_split_name(good[i][0], label, path, why, sizeof(why)),
			      "'%s' refused", good[i][0]);
		ck_assert_str_eq(label, good[i][1]);
		ck_assert_str_eq(path, good[i][2]);
		ck_assert(vdisk_is_path(good[i][0]));
	}
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why[0] = '\0';
		ck_assert_msg(!vdisk_split_name(bad[i], label, path, why, sizeof(why)),
			      "'%s' accepted", bad[i]);
		ck_assert_ptr_nonnull(strstr(why, "not a disk path like /vmfs/volumes/LABEL/"));
	}
	ck_assert(!vdisk_is_path("vmhba0:C0:T1:L0"));
	/* The path on the volume must fit a name of the ABI. */
	memset(longer, 'a', sizeof(longer));
	memcpy(longer, "[d] ", 4);
	memcpy(longer + sizeof(longer) - 6, ".vmdk", 6);
	ck_assert(!vdisk_split_name(longer, label, path, why, sizeof(why)));
}
END_TEST

/* ---- the backend ---- */

START_TEST(test_what_the_guest_writes_reads_back_from_the_file)
{
	struct vmkfs_file *f;
	uint8_t back[20 * SCSI_BLOCK_SIZE];

	make_disk("ezt", DISK_BYTES, VMKFS_EAGERZEROEDTHICK);
	ck_assert_msg(open_disk(&vd, "/vms/ezt.vmdk", 1, "a") == VMKFS_OK, "%s", why);
	ck_assert_uint_eq(vd.nr_blocks, DISK_BYTES / 512);
	ck_assert(!vd.thin);
	attach(&vd);
	ck_assert_uint_eq(disk.nr_blocks, DISK_BYTES / 512);
	for (unsigned int i = 0; i < sizeof(guest); i++)
		guest[i] = (uint8_t)(i * 13 + 7);
	lock_calls = 0;
	rw10(true, 2047, 20);	/* across the 1 MiB file block boundary */
	ck_assert_uint_eq(cmd.status, SCSI_STATUS_GOOD);
	ck_assert_uint_eq(lock_calls, 3);	/* 8 + 8 + 4 blocks */
	sync_cache();
	ck_assert_uint_eq(cmd.status, SCSI_STATUS_GOOD);
	ck_assert_uint_eq(vd.flushes, 1);
	memset(guest, 0, sizeof(guest));
	rw10(false, 2047, 20);
	ck_assert_uint_eq(cmd.status, SCSI_STATUS_GOOD);
	for (unsigned int i = 0; i < 20 * SCSI_BLOCK_SIZE; i++)
		ck_assert_uint_eq(guest[i], (uint8_t)(i * 13 + 7));
	ck_assert_uint_eq(vd.blocks_written, 20);
	ck_assert_uint_eq(vd.blocks_read, 20);
	/* It is in the flat file, where the descriptor says. */
	vdisk_close(&claims, &vd);
	ck_assert_int_eq(vmkfs_open(vol, "/vms/ezt-flat.vmdk", VMKFS_O_RDONLY, &f), VMKFS_OK);
	ck_assert_int_eq(vmkfs_pread(f, back, sizeof(back), 2047 * 512ull), (int64_t)sizeof(back));
	ck_assert_mem_eq(back, guest, sizeof(back));
	ck_assert_int_eq(vmkfs_close(f), VMKFS_OK);
}
END_TEST

START_TEST(test_a_thin_disk_reads_zeros_not_a_deleted_files_data)
{
	static uint8_t junk[2 * MIB];
	struct vmkfs_stat st;

	/* A deleted file leaves its data in the blocks the thin disk gets next. */
	memset(junk, 0xab, sizeof(junk));
	put_file("/vms/old", junk, sizeof(junk), VMKFS_EAGERZEROEDTHICK);
	ck_assert_int_eq(vmkfs_unlink(vol, "/vms/old"), VMKFS_OK);
	make_disk("thin", DISK_BYTES, VMKFS_THIN);
	ck_assert_msg(open_disk(&vd, "/vms/thin.vmdk", 1, "a") == VMKFS_OK, "%s", why);
	ck_assert(vd.thin);
	attach(&vd);
	memset(guest, 0xee, sizeof(guest));
	rw10(false, 0, 64);
	ck_assert_uint_eq(cmd.status, SCSI_STATUS_GOOD);
	ck_assert(all_zero(guest, 64 * SCSI_BLOCK_SIZE));
	/* A write to a block allocates it: the rest of that block reads zeros too. */
	memset(guest, 0x5c, sizeof(guest));
	rw10(true, 4096 + 8, 1);
	ck_assert_uint_eq(cmd.status, SCSI_STATUS_GOOD);
	ck_assert_int_eq(vmkfs_stat(vol, "/vms/thin-flat.vmdk", &st), VMKFS_OK);
	ck_assert_uint_eq(st.alloc_blocks, 1);
	memset(guest, 0xee, sizeof(guest));
	rw10(false, 4096, 16);
	ck_assert(all_zero(guest, 8 * SCSI_BLOCK_SIZE));
	ck_assert_uint_eq(guest[8 * SCSI_BLOCK_SIZE], 0x5c);
	ck_assert(all_zero(guest + 9 * SCSI_BLOCK_SIZE, 7 * SCSI_BLOCK_SIZE));
}
END_TEST

START_TEST(test_a_thin_write_on_a_full_datastore_is_a_space_allocation_failure)
{
	struct vmkfs_volinfo info;

	make_disk("thin", DISK_BYTES, VMKFS_THIN);
	ck_assert_int_eq(vmkfs_statfs(vol, &info), VMKFS_OK);
	/* All but one file block taken (allocated, not zeroed). */
	ck_assert_int_eq(vmkfs_create(vol, "/fill", info.free_bytes - MIB, VMKFS_ZEROEDTHICK),
			 VMKFS_OK);
	ck_assert_msg(open_disk(&vd, "/vms/thin.vmdk", 1, "a") == VMKFS_OK, "%s", why);
	attach(&vd);
	memset(guest, 0x11, sizeof(guest));
	rw10(true, 0, 8);
	ck_assert_uint_eq(cmd.status, SCSI_STATUS_GOOD);
	rw10(true, 2 * 2048, 8);
	ck_assert_uint_eq(cmd.status, SCSI_STATUS_CHECK_CONDITION);
	ck_assert_uint_eq(cmd.sense[2] & 0xf, SCSI_SENSE_DATA_PROTECT);
	ck_assert_uint_eq(cmd.sense[12], 0x27);		/* SPACE ALLOCATION FAILED */
	ck_assert_uint_eq(vd.io_errors, 1);
	ck_assert_msg(strstr(vd.error, "the datastore is full: ") == vd.error && vd.error[23],
		      "%s", vd.error);
	/* What was written before still reads back. */
	memset(guest, 0, sizeof(guest));
	rw10(false, 0, 8);
	ck_assert_uint_eq(cmd.status, SCSI_STATUS_GOOD);
	ck_assert_uint_eq(guest[8 * SCSI_BLOCK_SIZE - 1], 0x11);
}
END_TEST

START_TEST(test_a_disk_in_use_is_refused_naming_its_vm)
{
	make_disk("a", DISK_BYTES, VMKFS_THIN);
	ck_assert_msg(open_disk(&vd, "/vms/a.vmdk", 1, "first") == VMKFS_OK, "%s", why);
	ck_assert_int_eq(open_disk(&vd2, "/vms/a.vmdk", 2, "second"), VMKFS_EBUSY);
	ck_assert_str_eq(why, "in use by vm 'first'");
	ck_assert_ptr_null(vd2.f);
	/* The same VM naming it twice is two writers too. */
	ck_assert_int_eq(open_disk(&vd2, "/vms/a.vmdk", 1, "first"), VMKFS_EBUSY);
	/* Closed: the lock is off the disk, and another VM opens it. */
	vdisk_close(&claims, &vd);
	ck_assert_msg(open_disk(&vd2, "/vms/a.vmdk", 2, "second") == VMKFS_OK, "%s", why);
}
END_TEST

START_TEST(test_a_lock_held_elsewhere_is_refused_with_vmkfss_sentence)
{
	struct vmkfs_file *f;
	struct vmkfs_stat st;

	make_disk("a", DISK_BYTES, VMKFS_THIN);
	ck_assert_int_eq(vmkfs_open(vol, "/vms/a-flat.vmdk", VMKFS_O_RDWR, &f), VMKFS_OK);
	ck_assert_int_eq(open_disk(&vd, "/vms/a.vmdk", 1, "a"), VMKFS_EBUSY);
	ck_assert_msg(strstr(why, "its extent a-flat.vmdk: file descriptor") && strstr(why, "is locked (exclusive) by host"),
		      "%s", why);
	ck_assert_int_eq(vmkfs_close(f), VMKFS_OK);
	/* Our open holds vmkfs's exclusive lock on the extent, on disk. */
	ck_assert_msg(open_disk(&vd, "/vms/a.vmdk", 1, "a") == VMKFS_OK, "%s", why);
	ck_assert_int_eq(vmkfs_stat(vol, "/vms/a-flat.vmdk", &st), VMKFS_OK);
	ck_assert_uint_eq(st.lock_mode, 1);
	ck_assert_int_eq(vmkfs_open(vol, "/vms/a-flat.vmdk", VMKFS_O_RDONLY, &f), VMKFS_EBUSY);
	vdisk_close(&claims, &vd);
	ck_assert_int_eq(vmkfs_stat(vol, "/vms/a-flat.vmdk", &st), VMKFS_OK);
	ck_assert_uint_eq(st.lock_mode, 0);
}
END_TEST

/*
 * A lock a previous load left (its heartbeat standing still) is refused
 * within the datastore's lock wait, naming the extent and saying when a
 * try takes it over; that try does, without a wait. The test's clock.
 */
START_TEST(test_a_stale_lock_of_a_previous_load_is_refused_quickly_then_taken_over)
{
	struct vmkfs_vol *old;
	struct vmkfs_file *f;
	char err[256] = "";
	uint64_t t0;

	make_disk("a", DISK_BYTES, VMKFS_THIN);
	vmkfs_posix_now_us = vmkfs_time_us();
	vmkfs_posix_fake_clock = true;
	setenv("VMKFS_HOST_UUID", "0badc0de-22222222-3333-444444444444", 1);
	ck_assert_msg(vmkfs_mount(&mem->dev, 0, &old, err, sizeof(err)) == VMKFS_OK, "%s", err);
	unsetenv("VMKFS_HOST_UUID");
	ck_assert_int_eq(vmkfs_open(old, "/vms/a-flat.vmdk", VMKFS_O_RDWR, &f), VMKFS_OK);
	/* the previous load stops here: no beat, no close, no unmount */
	vmkfs_set_lock_wait(vol, DS_LOCK_WAIT_MS);
	t0 = vmkfs_posix_now_us;
	ck_assert_int_eq(open_disk(&vd, "/vms/a.vmdk", 1, "a"), VMKFS_EBUSY);
	ck_assert_uint_le(vmkfs_posix_now_us - t0, (DS_LOCK_WAIT_MS + 100) * 1000);
	ck_assert_msg(strstr(why, "its extent a-flat.vmdk: locked by a host silent 0.5 s, stale at 16 s: try again then (") &&
		      strstr(why, "host 0badc0de-22222222-3333-444444444444"), "%s", why);
	ck_assert_ptr_null(vd.f);
	vmkfs_posix_now_us += 16ull * 1000000;
	t0 = vmkfs_posix_now_us;
	ck_assert_msg(open_disk(&vd, "/vms/a.vmdk", 1, "a") == VMKFS_OK, "%s", why);
	ck_assert_uint_eq(vmkfs_posix_now_us, t0);
	vdisk_close(&claims, &vd);
	vmkfs_close(f);
	vmkfs_unmount(old);
	vmkfs_posix_fake_clock = false;
}
END_TEST

/*
 * A VM's end that could not have the storage lock in time hands its
 * extent over: the VM's memory is free to go, the disk stays in use (the
 * claim, the lock on disk) until the next holder of the lock closes it.
 */
START_TEST(test_a_disk_handed_over_at_a_vms_end_stays_in_use_until_closed_late)
{
	struct vmkfs_stat st;

	make_disk("a", DISK_BYTES, VMKFS_THIN);
	ck_assert_msg(open_disk(&vd, "/vms/a.vmdk", 1, "first") == VMKFS_OK, "%s", why);
	vdisk_close_later(&claims, &vd);
	ck_assert_ptr_null(vd.f);
	memset(&vd, 0xa5, sizeof(vd));		/* the VM's memory, reused */
	ck_assert_int_eq(open_disk(&vd2, "/vms/a.vmdk", 2, "second"), VMKFS_EBUSY);
	ck_assert_str_eq(why, "in use by vm 'first'");
	ck_assert_int_eq(vmkfs_stat(vol, "/vms/a-flat.vmdk", &st), VMKFS_OK);
	ck_assert_uint_eq(st.lock_mode, 1);
	ck_assert_uint_eq(vdisk_close_late(&claims), 1);
	ck_assert_uint_eq(vdisk_close_late(&claims), 0);
	ck_assert_int_eq(vmkfs_stat(vol, "/vms/a-flat.vmdk", &st), VMKFS_OK);
	ck_assert_uint_eq(st.lock_mode, 0);
	ck_assert_msg(open_disk(&vd2, "/vms/a.vmdk", 2, "second") == VMKFS_OK, "%s", why);
	/* the give-back closes one handed over too */
	vdisk_close_later(&claims, &vd2);
	ck_assert_uint_eq(vdisk_close_all(&claims), 1);
	ck_assert_int_eq(vmkfs_stat(vol, "/vms/a-flat.vmdk", &st), VMKFS_OK);
	ck_assert_uint_eq(st.lock_mode, 0);
}
END_TEST

START_TEST(test_missing_and_inconsistent_files_are_refused)
{
	char text[1024];
	int n;

	ck_assert_int_eq(open_disk(&vd, "/vms/none.vmdk", 1, "a"), VMKFS_ENOENT);
	ck_assert_str_eq(why, "no such file on the datastore");
	ck_assert_int_eq(open_disk(&vd, "/nodir/none.vmdk", 1, "a"), VMKFS_ENOENT);
	ck_assert_int_eq(open_disk(&vd, "/vms", 1, "a"), VMKFS_EISDIR);
	/* The descriptor without its extent. */
	n = vmdk_render(text, sizeof(text), "gone-flat.vmdk", 8, 1, "pvscsi");
	put_file("/vms/gone.vmdk", text, (size_t)n, VMKFS_THIN);
	ck_assert_int_eq(open_disk(&vd, "/vms/gone.vmdk", 1, "a"), VMKFS_ENOENT);
	ck_assert_str_eq(why, "its extent gone-flat.vmdk is missing");
	/* An extent of another size than the descriptor says. */
	put_file("/vms/gone-flat.vmdk", NULL, 16 * 512, VMKFS_THIN);
	ck_assert_int_eq(open_disk(&vd, "/vms/gone.vmdk", 1, "a"), VMKFS_EINVAL);
	ck_assert_str_eq(why, "its extent has 8192 bytes, the descriptor says 8 sectors");
	/* A flat extent named as the disk: too large to be a descriptor. */
	make_disk("b", DISK_BYTES, VMKFS_THIN);
	ck_assert_int_eq(open_disk(&vd, "/vms/b-flat.vmdk", 1, "a"), VMKFS_EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "too large for a descriptor"));
	/* Garbage in a descriptor: the parser's sentence. */
	put_file("/vms/junk.vmdk", "# Disk DescriptorFile\nRW 1 VMFS \"/etc\"\n", 39, VMKFS_THIN);
	ck_assert_int_eq(open_disk(&vd, "/vms/junk.vmdk", 1, "a"), VMKFS_EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "descriptor line 2"));
	ck_assert_ptr_null(vd.f);
	for (unsigned int i = 0; i < VDISK_MAX_OPEN; i++)
		ck_assert_ptr_null(claims.c[i].vd);
}
END_TEST

/*
 * A hostile datastore: a-flat.vmdk's map names b-flat.vmdk's first block,
 * so the guest of a would write into b's disk. Neither disk opens, each
 * saying which block the other holds; nothing is claimed.
 */
START_TEST(test_cross_linked_disks_are_refused_naming_the_other_disk)
{
	struct vmkfs_stat st;
	struct vmkfs_inode a, b;
	char want[200];

	make_disk("a", DISK_BYTES, VMKFS_EAGERZEROEDTHICK);
	make_disk("b", DISK_BYTES, VMKFS_EAGERZEROEDTHICK);
	ck_assert_int_eq(vmkfs_stat(vol, "/vms/a-flat.vmdk", &st), VMKFS_OK);
	ck_assert_int_eq(inode_read(vol, st.id, &a), VMKFS_OK);
	ck_assert_int_eq(vmkfs_stat(vol, "/vms/b-flat.vmdk", &st), VMKFS_OK);
	ck_assert_int_eq(inode_read(vol, st.id, &b), VMKFS_OK);
	a.blocks[0] = b.blocks[0];
	ck_assert_int_eq(inode_write(vol, &a), VMKFS_OK);

	ck_assert_int_eq(open_disk(&vd, "/vms/a.vmdk", 1, "vm1"), VMKFS_ECORRUPT);
	snprintf(want, sizeof(want), "its extent a-flat.vmdk: /vms/a-flat.vmdk block %#x is also "
		 "/vms/b-flat.vmdk's: cross-linked; vmkfstools --check reports it, --repair cannot "
		 "fix it: restore or delete the file", b.blocks[0]);
	ck_assert_str_eq(why, want);
	ck_assert_ptr_null(vd.f);
	ck_assert_int_eq(open_disk(&vd2, "/vms/b.vmdk", 2, "vm2"), VMKFS_ECORRUPT);
	ck_assert_ptr_nonnull(strstr(why, "is also /vms/a-flat.vmdk's: cross-linked"));
	ck_assert_ptr_null(vd2.f);
	for (unsigned int i = 0; i < VDISK_MAX_OPEN; i++)
		ck_assert_ptr_null(claims.c[i].vd);
	/* a disk of its own blocks on the same datastore opens */
	make_disk("c", DISK_BYTES, VMKFS_EAGERZEROEDTHICK);
	ck_assert_msg(open_disk(&vd, "/vms/c.vmdk", 3, "vm3") == VMKFS_OK, "%s", why);
}
END_TEST

START_TEST(test_a_disk_closed_under_the_vm_fails_its_io)
{
	make_disk("a", DISK_BYTES, VMKFS_THIN);
	ck_assert_msg(open_disk(&vd, "/vms/a.vmdk", 1, "a") == VMKFS_OK, "%s", why);
	attach(&vd);
	ck_assert_uint_eq(vdisk_close_all(&claims), 1);
	rw10(false, 0, 1);
	ck_assert_uint_eq(cmd.status, SCSI_STATUS_CHECK_CONDITION);
	ck_assert_uint_eq(cmd.sense[2] & 0xf, SCSI_SENSE_MEDIUM_ERROR);
	ck_assert_str_eq(vd.error, "the datastore was unmounted");
	ck_assert_uint_eq(vdisk_close_all(&claims), 0);
}
END_TEST

/* ---- making disks in the vmkernel ---- */

START_TEST(test_the_vmkernel_renders_what_vmkfstools_renders)
{
	static const struct { uint64_t sectors; bool thin; const char *adapter; } cases[] = {
		{ 1, true, "lsilogic" }, { 8192, false, "buslogic" },
		{ 255 * 63 * 70000ull, true, "ide" }, { 4ull << 31, false, "lsilogic" },
	};
	char cos[VDISK_DESC_MAX], vmk[VDISK_DESC_MAX];

	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint32_t cid;
		int n;

		srand(100 + i);
		cid = (uint32_t)(rand() & 0x7fffffff);
		srand(100 + i);
		n = vmdk_render(cos, sizeof(cos), "d-flat.vmdk", cases[i].sectors,
				cases[i].thin, cases[i].adapter);
		ck_assert_int_gt(n, 0);
		ck_assert_int_eq(vdisk_render_descriptor(vmk, sizeof(vmk), "d-flat.vmdk",
							 cases[i].sectors, cases[i].thin,
							 cases[i].adapter, cid), n);
		ck_assert_str_eq(vmk, cos);
	}
	/* Too small a buffer is refused, not cut. */
	ck_assert_int_eq(vdisk_render_descriptor(vmk, 64, "d-flat.vmdk", 1, true, "ide", 1), -1);
}
END_TEST

static int make_in_vmkernel(const char *path, uint64_t size, enum vmkfs_alloc alloc)
{
	static char text[VDISK_DESC_MAX];
	struct vdisk_create c = { path, size, alloc, "lsilogic", 0x1234 };

	why[0] = '\0';
	return vdisk_create(vol, &c, text, why, sizeof(why));
}

static bool exists(const char *path)
{
	struct vmkfs_stat st;

	return vmkfs_stat(vol, path, &st) == VMKFS_OK;
}

START_TEST(test_a_disk_the_vmkernel_makes_opens_holds_data_and_checks_clean)
{
	static const enum vmkfs_alloc allocs[] = {
		VMKFS_THIN, VMKFS_ZEROEDTHICK, VMKFS_EAGERZEROEDTHICK,
	};
	static const char *const names[] = { "/new/t.vmdk", "/new/z.vmdk", "/new/e.vmdk" };
	struct vmkfs_check_result r;
	char err[256] = "";

	ck_assert_msg(vdisk_mkdir(vol, "/new", why, sizeof(why)) == VMKFS_OK, "%s", why);
	for (unsigned int i = 0; i < 3; i++) {
		ck_assert_msg(make_in_vmkernel(names[i], DISK_BYTES, allocs[i]) == VMKFS_OK,
			      "%s", why);
		ck_assert_msg(open_disk(&vd, names[i], 1, "a") == VMKFS_OK, "%s", why);
		ck_assert_uint_eq(vd.nr_blocks, DISK_BYTES / 512);
		ck_assert(vd.thin == (allocs[i] == VMKFS_THIN));
		attach(&vd);
		memset(guest, 0, sizeof(guest));
		rw10(false, 2040, 16);
		ck_assert_uint_eq(cmd.status, SCSI_STATUS_GOOD);
		ck_assert(all_zero(guest, 16 * SCSI_BLOCK_SIZE));
		memset(guest, 0x5c + i, sizeof(guest));
		rw10(true, 2040, 16);
		ck_assert_uint_eq(cmd.status, SCSI_STATUS_GOOD);
		memset(guest, 0, sizeof(guest));
		rw10(false, 2040, 16);
		ck_assert_uint_eq(guest[16 * SCSI_BLOCK_SIZE - 1], 0x5c + i);
		vdisk_close(&claims, &vd);
	}
	ck_assert(exists("/new/t-flat.vmdk"));
	ck_assert_int_eq(vmkfs_unmount(vol), VMKFS_OK);
	ck_assert_msg(vmkfs_check(&mem->dev, false, 0, NULL, NULL, &r, err, sizeof(err)) ==
		      VMKFS_OK, "%s", err);
	ck_assert_uint_eq(r.errors, 0);
	ck_assert_uint_eq(r.files, 5 + 6);	/* VMFS-3's system files, and ours */
	ck_assert_msg(vmkfs_mount(&mem->dev, 0, &vol, err, sizeof(err)) == VMKFS_OK, "%s", err);
}
END_TEST

START_TEST(test_making_a_disk_refuses_with_a_sentence_and_leaves_nothing)
{
	struct vmkfs_volinfo info;
	struct vmkfs_file *f;
	int64_t n;
	char text[64];

	/* An existing disk stays as it was. */
	ck_assert_int_eq(make_in_vmkernel("/vms/a.vmdk", DISK_BYTES, VMKFS_THIN), VMKFS_OK);
	ck_assert_int_eq(make_in_vmkernel("/vms/a.vmdk", 2 * DISK_BYTES, VMKFS_THIN), VMKFS_EEXIST);
	ck_assert_str_eq(why, "the disk or its extent exists already");
	ck_assert_int_eq(vmkfs_open(vol, "/vms/a.vmdk", VMKFS_O_RDONLY, &f), VMKFS_OK);
	n = vmkfs_pread(f, text, sizeof(text) - 1, 0);
	ck_assert_int_gt(n, 0);
	ck_assert_int_eq(vmkfs_close(f), VMKFS_OK);
	ck_assert_msg(open_disk(&vd, "/vms/a.vmdk", 1, "a") == VMKFS_OK, "%s", why);
	ck_assert_uint_eq(vd.nr_blocks, DISK_BYTES / 512);
	vdisk_close(&claims, &vd);
	/* An extent left by someone else is not overwritten either. */
	put_file("/vms/b-flat.vmdk", NULL, MIB, VMKFS_THIN);
	ck_assert_int_eq(make_in_vmkernel("/vms/b.vmdk", DISK_BYTES, VMKFS_THIN), VMKFS_EEXIST);
	ck_assert(!exists("/vms/b.vmdk"));
	/* No folder. */
	ck_assert_int_eq(make_in_vmkernel("/none/c.vmdk", DISK_BYTES, VMKFS_THIN), VMKFS_ENOENT);
	ck_assert_str_eq(why, "its folder is missing (vmkfstools --mkdir)");
	ck_assert_int_eq(make_in_vmkernel("/vms/a.vmdk/c.vmdk", DISK_BYTES, VMKFS_THIN),
			 VMKFS_ENOENT);
	/* No room for a thick disk: refused before a block is taken. */
	ck_assert_int_eq(vmkfs_statfs(vol, &info), VMKFS_OK);
	ck_assert_int_eq(make_in_vmkernel("/vms/big.vmdk", info.free_bytes + 512,
					  VMKFS_ZEROEDTHICK), VMKFS_ENOSPC);
	ck_assert_msg(strstr(why, "no space: ") == why, "%s", why);
	ck_assert(!exists("/vms/big.vmdk") && !exists("/vms/big-flat.vmdk"));
	ck_assert_int_eq(make_in_vmkernel("/vms/big.vmdk", info.free_bytes, VMKFS_ZEROEDTHICK),
			 VMKFS_OK);
	ck_assert_int_eq(vmkfs_statfs(vol, &info), VMKFS_OK);
	ck_assert_uint_eq(info.free_bytes, 0);
	/* A thin one fits a full volume (its blocks come on writes). */
	ck_assert_msg(make_in_vmkernel("/vms/thin.vmdk", 64 * MIB, VMKFS_THIN) == VMKFS_OK,
		      "%s", why);
	/* Sizes: nonzero multiples of 512, at most 2 TiB. */
	ck_assert_int_eq(make_in_vmkernel("/vms/d.vmdk", 0, VMKFS_THIN), VMKFS_EINVAL);
	ck_assert_int_eq(make_in_vmkernel("/vms/d.vmdk", 1000, VMKFS_THIN), VMKFS_EINVAL);
	ck_assert_int_eq(make_in_vmkernel("/vms/d.vmdk", (2ull << 40) + 512, VMKFS_THIN),
			 VMKFS_EINVAL);
	ck_assert(!exists("/vms/d.vmdk") && !exists("/vms/d-flat.vmdk"));
	/* A name a descriptor cannot hold (a quote) is refused before writing. */
	ck_assert_int_eq(make_in_vmkernel("/vms/q\"q.vmdk", DISK_BYTES, VMKFS_THIN), VMKFS_EINVAL);
	ck_assert(!exists("/vms/q\"q-flat.vmdk"));
	/* Folders: an existing one, and one whose parent is missing. */
	ck_assert_int_eq(vdisk_mkdir(vol, "/vms", why, sizeof(why)), VMKFS_EEXIST);
	ck_assert_str_eq(why, "exists already");
	ck_assert_int_eq(vdisk_mkdir(vol, "/x/y", why, sizeof(why)), VMKFS_ENOENT);
	ck_assert_str_eq(why, "its parent folder is missing");
	ck_assert(!exists("/x"));
}
END_TEST

static int stat_disk(const char *path, struct vdisk_info *info)
{
	why[0] = '\0';
	return vdisk_stat(&claims, vol, path, bounce2, info, why, sizeof(why));
}

static int delete_disk(const char *path)
{
	why[0] = '\0';
	return vdisk_delete(&claims, vol, path, bounce2, why, sizeof(why));
}

static int extend_disk(const char *path, uint64_t size)
{
	why[0] = '\0';
	return vdisk_extend(&claims, vol, path, size, 0x4321, bounce2, why, sizeof(why));
}

/* The descriptor at path, parsed. */
static void read_desc(const char *path, struct vdisk_desc *d)
{
	static char text[VDISK_DESC_MAX];
	struct vmkfs_file *f;
	int64_t n;

	ck_assert_int_eq(vmkfs_open(vol, path, VMKFS_O_RDONLY, &f), VMKFS_OK);
	n = vmkfs_pread(f, text, sizeof(text), 0);
	ck_assert_int_gt(n, 0);
	ck_assert_int_eq(vmkfs_close(f), VMKFS_OK);
	ck_assert_msg(vdisk_parse_descriptor(text, (size_t)n, d, why, sizeof(why)), "%s", why);
}

START_TEST(test_stat_tells_size_format_blocks_and_holder)
{
	struct vdisk_info info;
	struct vmkfs_file *f;

	ck_assert_int_eq(make_in_vmkernel("/vms/t.vmdk", DISK_BYTES, VMKFS_THIN), VMKFS_OK);
	ck_assert_int_eq(make_in_vmkernel("/vms/z.vmdk", DISK_BYTES, VMKFS_ZEROEDTHICK), VMKFS_OK);
	ck_assert_msg(stat_disk("/vms/t.vmdk", &info) == VMKFS_OK, "%s", why);
	ck_assert_uint_eq(info.size, DISK_BYTES);
	ck_assert_uint_eq(info.format, VMK_VDISK_THIN);
	ck_assert_uint_eq(info.block_size, MIB);
	ck_assert_uint_eq(info.blocks_total, 4);
	ck_assert_uint_eq(info.blocks_alloc, 0);
	ck_assert_str_eq(info.holder, "");
	/* A thin disk's block comes with the guest's write; the holder is named. */
	ck_assert_msg(open_disk(&vd, "/vms/t.vmdk", 1, "vm1") == VMKFS_OK, "%s", why);
	attach(&vd);
	memset(guest, 0x77, sizeof(guest));
	rw10(true, 0, 16);
	ck_assert_uint_eq(cmd.status, SCSI_STATUS_GOOD);
	ck_assert_msg(stat_disk("/vms/t.vmdk", &info) == VMKFS_OK, "%s", why);
	ck_assert_uint_eq(info.blocks_alloc, 1);
	ck_assert_str_eq(info.holder, "vm1");
	vdisk_close(&claims, &vd);
	/* Zeroedthick while blocks are pending, eagerzeroedthick once none are. */
	ck_assert_msg(stat_disk("/vms/z.vmdk", &info) == VMKFS_OK, "%s", why);
	ck_assert_uint_eq(info.format, VMK_VDISK_ZEROEDTHICK);
	ck_assert_uint_eq(info.blocks_alloc, 4);
	ck_assert_uint_eq(info.blocks_pending, 4);
	ck_assert_int_eq(vmkfs_open(vol, "/vms/z-flat.vmdk", VMKFS_O_RDWR, &f), VMKFS_OK);
	ck_assert_msg(stat_disk("/vms/z.vmdk", &info) == VMKFS_OK, "%s", why);
	ck_assert_str_eq(info.holder, "another host");
	ck_assert_int_eq(vmkfs_zero_pending(f, 4, 0, &(uint64_t){ 0 }), VMKFS_OK);
	ck_assert_int_eq(vmkfs_close(f), VMKFS_OK);
	ck_assert_msg(stat_disk("/vms/z.vmdk", &info) == VMKFS_OK, "%s", why);
	ck_assert_uint_eq(info.format, VMK_VDISK_EAGERZEROEDTHICK);
	ck_assert_uint_eq(info.blocks_pending, 0);
	/* Not a disk: an extent named, a folder, nothing. */
	ck_assert_int_eq(stat_disk("/vms/t-flat.vmdk", &info), VMKFS_EINVAL);
	ck_assert_str_eq(why, "too large for a descriptor (a flat extent named?)");
	ck_assert_int_eq(stat_disk("/vms", &info), VMKFS_EISDIR);
	ck_assert_int_eq(stat_disk("/vms/none.vmdk", &info), VMKFS_ENOENT);
}
END_TEST

START_TEST(test_delete_removes_both_files_and_refuses_a_held_disk)
{
	struct vmkfs_file *f;

	ck_assert_int_eq(make_in_vmkernel("/vms/a.vmdk", DISK_BYTES, VMKFS_ZEROEDTHICK), VMKFS_OK);
	/* Held by a VM: refused naming it, both files stay. */
	ck_assert_msg(open_disk(&vd, "/vms/a.vmdk", 1, "vm1") == VMKFS_OK, "%s", why);
	ck_assert_int_eq(delete_disk("/vms/a.vmdk"), VMKFS_EBUSY);
	ck_assert_str_eq(why, "in use by vm 'vm1'");
	ck_assert(exists("/vms/a.vmdk") && exists("/vms/a-flat.vmdk"));
	vdisk_close(&claims, &vd);
	/* Locked on disk by someone else: refused too. */
	ck_assert_int_eq(vmkfs_open(vol, "/vms/a-flat.vmdk", VMKFS_O_RDONLY, &f), VMKFS_OK);
	ck_assert_int_eq(delete_disk("/vms/a.vmdk"), VMKFS_EBUSY);
	ck_assert_str_eq(why, "its extent is locked by another host");
	ck_assert(exists("/vms/a.vmdk") && exists("/vms/a-flat.vmdk"));
	ck_assert_int_eq(vmkfs_close(f), VMKFS_OK);
	/* Free: both go, and a disk of the same name can be made again. */
	ck_assert_msg(delete_disk("/vms/a.vmdk") == VMKFS_OK, "%s", why);
	ck_assert(!exists("/vms/a.vmdk") && !exists("/vms/a-flat.vmdk"));
	ck_assert_msg(make_in_vmkernel("/vms/a.vmdk", DISK_BYTES, VMKFS_THIN) == VMKFS_OK,
		      "%s", why);
	/* A descriptor whose extent is gone (a delete cut short) goes alone. */
	ck_assert_int_eq(vmkfs_unlink(vol, "/vms/a-flat.vmdk"), VMKFS_OK);
	ck_assert_msg(delete_disk("/vms/a.vmdk") == VMKFS_OK, "%s", why);
	ck_assert(!exists("/vms/a.vmdk"));
	/* Not a disk: nothing removed. */
	put_file("/vms/notes.vmdk", "hello\n", 6, VMKFS_THIN);
	ck_assert_int_eq(delete_disk("/vms/notes.vmdk"), VMKFS_EINVAL);
	ck_assert_str_eq(why, "no '# Disk DescriptorFile' line: not a VMDK descriptor");
	ck_assert(exists("/vms/notes.vmdk"));
	ck_assert_int_eq(delete_disk("/vms/none.vmdk"), VMKFS_ENOENT);
	ck_assert_str_eq(why, "no such file on the datastore");
}
END_TEST

START_TEST(test_extend_grows_the_extent_and_its_descriptor_only)
{
	struct vmkfs_volinfo vi;
	struct vdisk_info info;
	struct vdisk_desc d;

	ck_assert_int_eq(make_in_vmkernel("/vms/t.vmdk", DISK_BYTES, VMKFS_THIN), VMKFS_OK);
	ck_assert_int_eq(make_in_vmkernel("/vms/z.vmdk", DISK_BYTES, VMKFS_ZEROEDTHICK), VMKFS_OK);
	/* What the guest wrote is there after; thin stays thin. */
	ck_assert_msg(open_disk(&vd, "/vms/t.vmdk", 1, "vm1") == VMKFS_OK, "%s", why);
	attach(&vd);
	memset(guest, 0x3c, sizeof(guest));
	rw10(true, 8000, 16);
	ck_assert_uint_eq(cmd.status, SCSI_STATUS_GOOD);
	ck_assert_int_eq(extend_disk("/vms/t.vmdk", 2 * DISK_BYTES), VMKFS_EBUSY);
	ck_assert_str_eq(why, "in use by vm 'vm1'");
	vdisk_close(&claims, &vd);
	ck_assert_msg(extend_disk("/vms/t.vmdk", 2 * DISK_BYTES) == VMKFS_OK, "%s", why);
	read_desc("/vms/t.vmdk", &d);
	ck_assert_uint_eq(d.sectors, 2 * DISK_BYTES / 512);
	ck_assert(d.thin);
	ck_assert_str_eq(d.adapter, "lsilogic");
	ck_assert_str_eq(d.extent, "t-flat.vmdk");
	ck_assert_msg(stat_disk("/vms/t.vmdk", &info) == VMKFS_OK, "%s", why);
	ck_assert_uint_eq(info.size, 2 * DISK_BYTES);
	ck_assert_uint_eq(info.blocks_alloc, 1);
	ck_assert_msg(open_disk(&vd, "/vms/t.vmdk", 1, "vm1") == VMKFS_OK, "%s", why);
	ck_assert_uint_eq(vd.nr_blocks, 2 * DISK_BYTES / 512);
	attach(&vd);
	memset(guest, 0, sizeof(guest));
	rw10(false, 8000, 16);
	ck_assert_uint_eq(guest[0], 0x3c);
	rw10(false, 16000, 16);		/* the new part reads zeros */
	ck_assert_uint_eq(cmd.status, SCSI_STATUS_GOOD);
	ck_assert(all_zero(guest, 16 * SCSI_BLOCK_SIZE));
	vdisk_close(&claims, &vd);
	/* A thick disk's new blocks are allocated now, zeroed on first write. */
	ck_assert_msg(extend_disk("/vms/z.vmdk", 3 * DISK_BYTES) == VMKFS_OK, "%s", why);
	ck_assert_msg(stat_disk("/vms/z.vmdk", &info) == VMKFS_OK, "%s", why);
	ck_assert_uint_eq(info.format, VMK_VDISK_ZEROEDTHICK);
	ck_assert_uint_eq(info.blocks_alloc, 12);
	ck_assert_uint_eq(info.blocks_pending, 12);
	/* Shrinking, the same size, no room: refused, the disk as it was. */
	ck_assert_int_eq(extend_disk("/vms/z.vmdk", DISK_BYTES), VMKFS_EINVAL);
	ck_assert_str_eq(why, "it has 12582912 bytes: a disk only grows (shrinking is not supported)");
	ck_assert_int_eq(extend_disk("/vms/z.vmdk", 3 * DISK_BYTES), VMKFS_EINVAL);
	ck_assert_int_eq(extend_disk("/vms/z.vmdk", 3 * DISK_BYTES + 100), VMKFS_EINVAL);
	ck_assert_int_eq(vmkfs_statfs(vol, &vi), VMKFS_OK);
	ck_assert_int_eq(extend_disk("/vms/z.vmdk", 3 * DISK_BYTES + vi.free_bytes + MIB),
			 VMKFS_ENOSPC);
	ck_assert_msg(strstr(why, "no space: ") == why, "%s", why);
	ck_assert_msg(stat_disk("/vms/z.vmdk", &info) == VMKFS_OK, "%s", why);
	ck_assert_uint_eq(info.size, 3 * DISK_BYTES);
	read_desc("/vms/z.vmdk", &d);
	ck_assert_uint_eq(d.sectors, 3 * DISK_BYTES / 512);
	ck_assert(!d.thin);
	/* Not a disk. */
	ck_assert_int_eq(extend_disk("/vms/z-flat.vmdk", 8 * DISK_BYTES), VMKFS_EINVAL);
}
END_TEST

static int rename_disk(const char *path, const char *to)
{
	why[0] = '\0';
	return vdisk_rename(&claims, vol, path, to, 0x5678, bounce2, why, sizeof(why));
}

START_TEST(test_rename_moves_both_files_and_refuses_what_would_clash)
{
	struct vdisk_desc d;

	ck_assert_int_eq(make_in_vmkernel("/vms/a.vmdk", DISK_BYTES, VMKFS_THIN), VMKFS_OK);
	ck_assert_int_eq(make_in_vmkernel("/vms/b.vmdk", DISK_BYTES, VMKFS_ZEROEDTHICK), VMKFS_OK);
	ck_assert_int_eq(vdisk_mkdir(vol, "/other", why, sizeof(why)), VMKFS_OK);
	ck_assert_msg(open_disk(&vd, "/vms/a.vmdk", 1, "vm1") == VMKFS_OK, "%s", why);
	attach(&vd);
	memset(guest, 0x4d, sizeof(guest));
	rw10(true, 100, 16);
	ck_assert_uint_eq(cmd.status, SCSI_STATUS_GOOD);
	/* Held: refused, nothing renamed. */
	ck_assert_int_eq(rename_disk("/vms/a.vmdk", "/other/c.vmdk"), VMKFS_EBUSY);
	ck_assert_str_eq(why, "in use by vm 'vm1'");
	vdisk_close(&claims, &vd);
	/* A name taken (a disk, or only its extent), a missing folder: refused. */
	ck_assert_int_eq(rename_disk("/vms/a.vmdk", "/vms/b.vmdk"), VMKFS_EEXIST);
	ck_assert_str_eq(why, "the new name or its extent exists already");
	put_file("/other/x-flat.vmdk", NULL, MIB, VMKFS_THIN);
	ck_assert_int_eq(rename_disk("/vms/a.vmdk", "/other/x.vmdk"), VMKFS_EEXIST);
	ck_assert_str_eq(why, "the new name or its extent exists already");
	ck_assert_int_eq(rename_disk("/vms/a.vmdk", "/none/c.vmdk"), VMKFS_ENOENT);
	ck_assert_str_eq(why, "the new name's folder is missing");
	ck_assert_int_eq(rename_disk("/vms/a-flat.vmdk", "/other/c.vmdk"), VMKFS_EINVAL);
	ck_assert(exists("/vms/a.vmdk") && exists("/vms/a-flat.vmdk"));
	/* Into another folder: both files, the descriptor naming the new extent. */
	ck_assert_msg(rename_disk("/vms/a.vmdk", "/other/c.vmdk") == VMKFS_OK, "%s", why);
	ck_assert(!exists("/vms/a.vmdk") && !exists("/vms/a-flat.vmdk"));
	ck_assert(exists("/other/c.vmdk") && exists("/other/c-flat.vmdk"));
	read_desc("/other/c.vmdk", &d);
	ck_assert_str_eq(d.extent, "c-flat.vmdk");
	ck_assert_uint_eq(d.sectors, DISK_BYTES / 512);
	ck_assert(d.thin);
	ck_assert_str_eq(d.adapter, "lsilogic");
	ck_assert_msg(open_disk(&vd, "/other/c.vmdk", 1, "vm1") == VMKFS_OK, "%s", why);
	attach(&vd);
	memset(guest, 0, sizeof(guest));
	rw10(false, 100, 16);
	ck_assert_uint_eq(guest[0], 0x4d);
	vdisk_close(&claims, &vd);
	/* In its own folder, thick stays thick. */
	ck_assert_msg(rename_disk("/vms/b.vmdk", "/vms/b2.vmdk") == VMKFS_OK, "%s", why);
	read_desc("/vms/b2.vmdk", &d);
	ck_assert_str_eq(d.extent, "b2-flat.vmdk");
	ck_assert(!d.thin);
}
END_TEST

START_TEST(test_rmdir_removes_an_empty_folder_only)
{
	ck_assert_int_eq(make_in_vmkernel("/vms/a.vmdk", DISK_BYTES, VMKFS_THIN), VMKFS_OK);
	ck_assert_int_eq(vdisk_rmdir(vol, "/vms", why, sizeof(why)), VMKFS_ENOTEMPTY);
	ck_assert_str_eq(why, "the folder is not empty (vmkfstools -U its disks)");
	ck_assert_int_eq(vdisk_rmdir(vol, "/vms/a.vmdk", why, sizeof(why)), VMKFS_ENOTDIR);
	ck_assert_int_eq(vdisk_rmdir(vol, "/none", why, sizeof(why)), VMKFS_ENOENT);
	ck_assert_msg(delete_disk("/vms/a.vmdk") == VMKFS_OK, "%s", why);
	ck_assert_msg(vdisk_rmdir(vol, "/vms", why, sizeof(why)) == VMKFS_OK, "%s", why);
	ck_assert(!exists("/vms"));
}
END_TEST

START_TEST(test_folder_names_for_mkdir)
{
	char label[VDISK_LABEL_LEN], path[VDISK_NAME_LEN];
	static const char *const bad[] = {
		"/vmfs/volumes/ds1", "/vmfs/volumes/ds1/", "/vmfs/volumes/ds1/..",
		"/vmfs/volumes/ds1/a//b", "[ds1] ", "[ds1] a/", "[ds1] a/./b", "vms",
	};

	ck_assert(vdisk_split_folder("/vmfs/volumes/ds1/vm1", label, path, why, sizeof(why)));
	ck_assert_str_eq(label, "ds1");
	ck_assert_str_eq(path, "/vm1");
	ck_assert(vdisk_split_folder("[ds1] vm1/sub", label, path, why, sizeof(why)));
	ck_assert_str_eq(path, "/vm1/sub");
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(!vdisk_split_folder(bad[i], label, path, why, sizeof(why)),
			      "'%s' accepted", bad[i]);
	ck_assert_ptr_nonnull(strstr(why, "not a folder path like"));
	ck_assert(vdisk_adapter_ok("lsilogic", 16) && vdisk_adapter_ok("ide", 4));
	ck_assert(!vdisk_adapter_ok("", 16) && !vdisk_adapter_ok("lsi\"x", 16) &&
		  !vdisk_adapter_ok("LSI", 16) && !vdisk_adapter_ok("abcd", 4));
}
END_TEST

/* A request of the COS: every field checked in the vmkernel's copy. */
START_TEST(test_a_request_is_checked_field_by_field)
{
	char label[VDISK_LABEL_LEN], path[VDISK_NAME_LEN];
	struct vmk_storage_vdisk v, good = {
		.op = VMK_VDISK_OP_CREATE, .format = VMK_VDISK_EAGERZEROEDTHICK,
		.size = 2ull << 30, .adapter = "lsilogic",
		.path = "[ds1] vm1/a.vmdk",
	};

	ck_assert_msg(vdisk_request_ok(&good, label, path, why, sizeof(why)), "%s", why);
	ck_assert_str_eq(label, "ds1");
	ck_assert_str_eq(path, "/vm1/a.vmdk");
	v = good;
	v.op = 9;
	ck_assert(!vdisk_request_ok(&v, label, path, why, sizeof(why)));
	ck_assert_str_eq(why, "operation 9 is not mkdir, create, zero, delete, stat, extend, rmdir or rename");
	/* A rename's new name: a disk path on the same datastore. */
	v.op = VMK_VDISK_OP_RENAME;
	memcpy(v.new_path, "[ds1] vm2/b.vmdk", 17);
	ck_assert_msg(vdisk_request_ok(&v, label, path, why, sizeof(why)), "%s", why);
	ck_assert_msg(vdisk_request_new_path(&v, label, path, why, sizeof(why)), "%s", why);
	ck_assert_str_eq(path, "/vm2/b.vmdk");
	memcpy(v.new_path, "[ds2] vm2/b.vmdk", 17);
	ck_assert(!vdisk_request_new_path(&v, "ds1", path, why, sizeof(why)));
	ck_assert_str_eq(why, "a disk is renamed on its own datastore only");
	memcpy(v.new_path, "[ds1] vm2", 10);
	ck_assert(!vdisk_request_new_path(&v, "ds1", path, why, sizeof(why)));
	memset(v.new_path, 'a', sizeof(v.new_path));
	ck_assert(!vdisk_request_new_path(&v, "ds1", path, why, sizeof(why)));
	ck_assert_str_eq(why, "a datastore path is at most 127 characters");
	/* Delete, stat and extend name a disk; extend's size is checked. */
	v.op = VMK_VDISK_OP_EXTEND;
	v.size = (2ull << 40) + 512;
	ck_assert(!vdisk_request_ok(&v, label, path, why, sizeof(why)));
	ck_assert_str_eq(why, "size 2199023256064 is not a multiple of 512 bytes from 512 to 2 TiB");
	v.size = 1000;
	ck_assert(!vdisk_request_ok(&v, label, path, why, sizeof(why)));
	v.size = 8 * MIB;
	v.format = 99;			/* not looked at */
	ck_assert_msg(vdisk_request_ok(&v, label, path, why, sizeof(why)), "%s", why);
	v.op = VMK_VDISK_OP_DELETE;
	ck_assert_msg(vdisk_request_ok(&v, label, path, why, sizeof(why)), "%s", why);
	v.op = VMK_VDISK_OP_STAT;
	ck_assert_msg(vdisk_request_ok(&v, label, path, why, sizeof(why)), "%s", why);
	memcpy(v.path, "[ds1] vm1", 10);
	ck_assert(!vdisk_request_ok(&v, label, path, why, sizeof(why)));
	v.op = VMK_VDISK_OP_RMDIR;
	ck_assert_msg(vdisk_request_ok(&v, label, path, why, sizeof(why)), "%s", why);
	ck_assert_str_eq(path, "/vm1");
	memcpy(v.path, "[ds1] vm1/a.vmdk", 17);
	ck_assert_msg(vdisk_request_ok(&v, label, path, why, sizeof(why)), "%s", why);
	ck_assert_str_eq(path, "/vm1/a.vmdk");	/* a folder may end in .vmdk */
	/* Zeroing names a disk; format, size and adapter are not looked at. */
	memset(&v, 0, sizeof(v));
	v.op = VMK_VDISK_OP_ZERO;
	memcpy(v.path, "[ds1] vm1/a.vmdk", 17);
	ck_assert_msg(vdisk_request_ok(&v, label, path, why, sizeof(why)), "%s", why);
	ck_assert_str_eq(path, "/vm1/a.vmdk");
	memcpy(v.path, "[ds1] vm1", 10);
	ck_assert(!vdisk_request_ok(&v, label, path, why, sizeof(why)));
	v = good;
	memset(v.path, 'a', sizeof(v.path));		/* no NUL in the field */
	ck_assert(!vdisk_request_ok(&v, label, path, why, sizeof(why)));
	ck_assert_str_eq(why, "a datastore path is at most 127 characters");
	v = good;
	memcpy(v.path, "[ds1] vm1/../a.vmdk", 20);
	ck_assert(!vdisk_request_ok(&v, label, path, why, sizeof(why)));
	v = good;
	v.format = 3;
	ck_assert(!vdisk_request_ok(&v, label, path, why, sizeof(why)));
	v = good;
	v.size = 511;
	ck_assert(!vdisk_request_ok(&v, label, path, why, sizeof(why)));
	v.size = 0;
	ck_assert(!vdisk_request_ok(&v, label, path, why, sizeof(why)));
	v = good;			/* eager zeroing has no bound: it runs in steps */
	v.size = (2ull << 40);
	ck_assert_msg(vdisk_request_ok(&v, label, path, why, sizeof(why)), "%s", why);
	memset(v.adapter, 'a', sizeof(v.adapter));	/* no NUL in the field */
	ck_assert(!vdisk_request_ok(&v, label, path, why, sizeof(why)));
	ck_assert_str_eq(why, "an adapter type is 1 to 15 of a-z and 0-9");
	/* A folder: its path only, no .vmdk; the disk's fields not looked at. */
	v.op = VMK_VDISK_OP_MKDIR;
	memcpy(v.path, "/vmfs/volumes/ds1/vm2", 22);
	ck_assert_msg(vdisk_request_ok(&v, label, path, why, sizeof(why)), "%s", why);
	ck_assert_str_eq(path, "/vm2");
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("vdisk");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_what_vmkfstools_writes_parses);
	tcase_add_test(tc, test_malformed_descriptors_are_refused_with_a_sentence);
	tcase_add_test(tc, test_disk_names_of_a_vmx);
	tcase_add_test(tc, test_what_the_guest_writes_reads_back_from_the_file);
	tcase_add_test(tc, test_a_thin_disk_reads_zeros_not_a_deleted_files_data);
	tcase_add_test(tc, test_a_thin_write_on_a_full_datastore_is_a_space_allocation_failure);
	tcase_add_test(tc, test_a_disk_in_use_is_refused_naming_its_vm);
	tcase_add_test(tc, test_a_lock_held_elsewhere_is_refused_with_vmkfss_sentence);
	tcase_add_test(tc, test_a_stale_lock_of_a_previous_load_is_refused_quickly_then_taken_over);
	tcase_add_test(tc, test_a_disk_handed_over_at_a_vms_end_stays_in_use_until_closed_late);
	tcase_add_test(tc, test_missing_and_inconsistent_files_are_refused);
	tcase_add_test(tc, test_cross_linked_disks_are_refused_naming_the_other_disk);
	tcase_add_test(tc, test_a_disk_closed_under_the_vm_fails_its_io);
	tcase_add_test(tc, test_the_vmkernel_renders_what_vmkfstools_renders);
	tcase_add_test(tc, test_a_disk_the_vmkernel_makes_opens_holds_data_and_checks_clean);
	tcase_add_test(tc, test_making_a_disk_refuses_with_a_sentence_and_leaves_nothing);
	tcase_add_test(tc, test_stat_tells_size_format_blocks_and_holder);
	tcase_add_test(tc, test_delete_removes_both_files_and_refuses_a_held_disk);
	tcase_add_test(tc, test_extend_grows_the_extent_and_its_descriptor_only);
	tcase_add_test(tc, test_rmdir_removes_an_empty_folder_only);
	tcase_add_test(tc, test_rename_moves_both_files_and_refuses_what_would_clash);
	tcase_add_test(tc, test_folder_names_for_mkdir);
	tcase_add_test(tc, test_a_request_is_checked_field_by_field);
	return check_run("vmkernel virtual disks on datastores", tc);
}
