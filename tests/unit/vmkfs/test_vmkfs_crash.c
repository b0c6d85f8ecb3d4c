// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmkfs power-cut tests: every namespace and allocation operation is cut
 * after each of its device writes in turn (the in-memory LUN loses every
 * later write). After each cut the check must repair the volume to clean,
 * files that existed before must be intact, and an operation that had
 * returned must be durable.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/vmkfs/memdev.h"

#define MiB (1024ull * 1024)
#define VOL_SIZE (17 * MiB + 3 * 256 * MiB)
#define HOST "12345678-9abcdef0-1234-56789abcdef0"

static struct memdev *base;

static void pattern(uint8_t *b, size_t n, unsigned int seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		b[i] = (uint8_t)(i * 13 + seed);
}

static int put_data(struct vmkfs_vol *vol, const char *path, unsigned int seed,
		    uint64_t off)
{
	static uint8_t b[64 * 1024];
	struct vmkfs_file *f;
	int ret = vmkfs_open(vol, path, VMKFS_O_RDWR, &f);

	if (ret)
		return ret;
	pattern(b, sizeof(b), seed);
	if (vmkfs_pwrite(f, b, sizeof(b), off) != sizeof(b))
		ret = VMKFS_EIO;
	vmkfs_close(f);
	return ret;
}

static bool has_data(struct vmkfs_vol *vol, const char *path, unsigned int seed,
		     uint64_t off)
{
	static uint8_t b[64 * 1024], r[64 * 1024];
	struct vmkfs_file *f;
	bool ok;

	if (vmkfs_open(vol, path, VMKFS_O_RDONLY, &f))
		return false;
	pattern(b, sizeof(b), seed);
	ok = vmkfs_pread(f, r, sizeof(r), off) == sizeof(r) && !memcmp(b, r, sizeof(r));
	vmkfs_close(f);
	return ok;
}

static struct vmkfs_vol *mount(struct memdev *m)
{
	struct vmkfs_vol *vol;
	char err[256];

	setenv("VMKFS_HOST_UUID", HOST, 1);
	ck_assert_msg(vmkfs_mount(&m->dev, 0, &vol, err, sizeof(err)) == VMKFS_OK, "%s", err);
	vmkfs_set_lock_timeout(vol, 0);
	return vol;
}

static void make_base(void)
{
	struct vmkfs_format_opts o = { MiB, "crash" };
	struct vmkfs_vol *vol;
	char err[256];

	base = memdev_create(VOL_SIZE);
	ck_assert_int_eq(vmkfs_format(&base->dev, &o, err, sizeof(err)), VMKFS_OK);
	vol = mount(base);
	ck_assert_int_eq(vmkfs_create(vol, "/keep", 2 * MiB, VMKFS_EAGERZEROEDTHICK), VMKFS_OK);
	ck_assert_int_eq(put_data(vol, "/keep", 1, MiB), VMKFS_OK);
	ck_assert_int_eq(vmkfs_create(vol, "/big", 280 * MiB, VMKFS_ZEROEDTHICK), VMKFS_OK);
	ck_assert_int_eq(put_data(vol, "/big", 2, 270 * MiB), VMKFS_OK);
	ck_assert_int_eq(vmkfs_mkdir(vol, "/dir"), VMKFS_OK);
	ck_assert_int_eq(vmkfs_create(vol, "/dir/thin", 10 * MiB, VMKFS_THIN), VMKFS_OK);
	ck_assert_int_eq(put_data(vol, "/dir/thin", 3, 0), VMKFS_OK);
	ck_assert_int_eq(vmkfs_unmount(vol), VMKFS_OK);
}

/* the operations under test; each returns the status it got */
static int op_create_pointer_block_file(struct vmkfs_vol *v)
{
	return vmkfs_create(v, "/dir/new", 300 * MiB, VMKFS_ZEROEDTHICK);
}

static int op_create_eager_file(struct vmkfs_vol *v)
{
	return vmkfs_create(v, "/new", 3 * MiB, VMKFS_EAGERZEROEDTHICK);
}

static int op_extend_into_pointer_blocks(struct vmkfs_vol *v)
{
	struct vmkfs_file *f;
	int ret = vmkfs_open(v, "/keep", VMKFS_O_RDWR, &f);

	if (!ret) {
		ret = vmkfs_truncate(f, 300 * MiB, VMKFS_ZEROEDTHICK);
		vmkfs_close(f);
	}
	return ret;
}

static int op_shrink(struct vmkfs_vol *v)
{
	struct vmkfs_file *f;
	int ret = vmkfs_open(v, "/big", VMKFS_O_RDWR, &f);

	if (!ret) {
		ret = vmkfs_truncate(f, 3 * MiB, VMKFS_THIN);
		vmkfs_close(f);
	}
	return ret;
}

static int op_delete(struct vmkfs_vol *v)
{
	return vmkfs_unlink(v, "/big");
}

static int op_mkdir(struct vmkfs_vol *v)
{
	return vmkfs_mkdir(v, "/dir/sub");
}

static int op_rename_across(struct vmkfs_vol *v)
{
	return vmkfs_rename(v, "/dir/thin", "/moved");
}

static int op_thin_write(struct vmkfs_vol *v)
{
	return put_data(v, "/dir/thin", 4, 7 * MiB);
}

/* a whole block of a thin file: its data is written instead of zeroes */
static int op_thin_whole_block_write(struct vmkfs_vol *v)
{
	static uint8_t b[1024 * 1024];
	struct vmkfs_file *f;
	int ret = vmkfs_open(v, "/dir/thin", VMKFS_O_RDWR, &f);

	if (ret)
		return ret;
	pattern(b, sizeof(b), 5);
	if (vmkfs_pwrite(f, b, sizeof(b), 2 * MiB) != sizeof(b))
		ret = VMKFS_EIO;
	vmkfs_close(f);
	return ret;
}

/* after a cut: what existed before must still be there */
static void assert_old_files(struct vmkfs_vol *v, const char *op, uint64_t k)
{
	struct vmkfs_stat st;

	ck_assert_msg(has_data(v, "/keep", 1, MiB), "%s cut at %llu: /keep lost its data",
		      op, (unsigned long long)k);
	if (strcmp(op, "op_delete") && strcmp(op, "op_shrink"))
		ck_assert_msg(has_data(v, "/big", 2, 270 * MiB),
			      "%s cut at %llu: /big lost its data", op, (unsigned long long)k);
	ck_assert_msg(has_data(v, "/dir/thin", 3, 0) || has_data(v, "/moved", 3, 0),
		      "%s cut at %llu: the thin file is lost", op, (unsigned long long)k);
	ck_assert_int_eq(vmkfs_stat(v, "/dir", &st), VMKFS_OK);
}

static void assert_done(struct vmkfs_vol *v, const char *op)
{
	struct vmkfs_stat st;

	if (!strcmp(op, "op_create_pointer_block_file")) {
		ck_assert_int_eq(vmkfs_stat(v, "/dir/new", &st), VMKFS_OK);
		ck_assert_uint_eq(st.size, 300 * MiB);
	} else if (!strcmp(op, "op_create_eager_file")) {
		ck_assert_int_eq(vmkfs_stat(v, "/new", &st), VMKFS_OK);
	} else if (!strcmp(op, "op_extend_into_pointer_blocks")) {
		ck_assert_int_eq(vmkfs_stat(v, "/keep", &st), VMKFS_OK);
		ck_assert_uint_eq(st.size, 300 * MiB);
	} else if (!strcmp(op, "op_shrink")) {
		ck_assert_int_eq(vmkfs_stat(v, "/big", &st), VMKFS_OK);
		ck_assert_uint_eq(st.size, 3 * MiB);
	} else if (!strcmp(op, "op_delete")) {
		ck_assert_int_eq(vmkfs_stat(v, "/big", &st), VMKFS_ENOENT);
	} else if (!strcmp(op, "op_mkdir")) {
		ck_assert_int_eq(vmkfs_stat(v, "/dir/sub", &st), VMKFS_OK);
	} else if (!strcmp(op, "op_rename_across")) {
		ck_assert(has_data(v, "/moved", 3, 0));
		ck_assert_int_eq(vmkfs_stat(v, "/dir/thin", &st), VMKFS_ENOENT);
	} else if (!strcmp(op, "op_thin_write")) {
		ck_assert(has_data(v, "/dir/thin", 4, 7 * MiB));
	} else if (!strcmp(op, "op_thin_whole_block_write")) {
		ck_assert(has_data(v, "/dir/thin", 5, 2 * MiB));
	}
}

/* run op uncut on a copy of the base volume: its status and device writes */
static int count_writes(int (*op)(struct vmkfs_vol *), uint64_t *writes)
{
	struct memdev *m = memdev_clone(base);
	struct vmkfs_vol *vol = mount(m);
	uint64_t start = m->writes;
	int ret = op(vol);

	*writes = m->writes - start;
	vmkfs_unmount(vol);
	memdev_destroy(m);
	return ret;
}

static void cut_everywhere(int (*op)(struct vmkfs_vol *), const char *name)
{
	uint64_t total, k, repaired = 0;

	ck_assert_int_eq(count_writes(op, &total), VMKFS_OK);
	ck_assert_uint_gt(total, 0);
	for (k = 0; k <= total; k++) {
		struct memdev *m;
		struct vmkfs_vol *vol;
		int ret;

		/* the cut run, repaired, then examined on a fresh mount */
		m = memdev_clone(base);
		vol = mount(m);
		m->cut_at = (int64_t)(m->writes + k);
		ret = op(vol);
		m->cut_at = 0;
		vmkfs_unmount(vol);
		m->cut_at = -1;
		{
			struct vmkfs_check_result r;
			char err[256];

			ck_assert_msg(vmkfs_check(&m->dev, true, 0, NULL, NULL, &r, err,
						  sizeof(err)) == VMKFS_OK, "%s cut at %llu: repair: %s",
				      name, (unsigned long long)k, err);
			/* the dead host's heartbeat is always one repair */
			ck_assert_uint_ge(r.repaired, 1);
			repaired += r.repaired - 1;
			ck_assert_msg(vmkfs_check(&m->dev, false, 0, NULL, NULL, &r, err,
						  sizeof(err)) == VMKFS_OK && r.errors == 0,
				      "%s cut at %llu: %u problems left after repair",
				      name, (unsigned long long)k, r.errors);
		}
		vol = mount(m);
		assert_old_files(vol, name, k);
		if (k == total) {
			ck_assert_msg(ret == VMKFS_OK, "%s: uncut run failed", name);
			assert_done(vol, name);
		}
		vmkfs_unmount(vol);
		memdev_destroy(m);
	}
	/* some cut points must have left something to repair */
	ck_assert_msg(repaired > 0, "%s: %llu cut points, none needed a repair", name,
		      (unsigned long long)total);
	if (getenv("VMKFS_TEST_VERBOSE"))
		fprintf(stderr, "%s: %llu cut points, %llu repairs\n", name,
			(unsigned long long)total, (unsigned long long)repaired);
}

#define CUT_TEST(op) \
	START_TEST(test_power_cut_anywhere_in_##op##_repairs_clean) \
	{ \
		cut_everywhere(op, #op); \
	} \
	END_TEST

CUT_TEST(op_create_pointer_block_file)
CUT_TEST(op_create_eager_file)
CUT_TEST(op_extend_into_pointer_blocks)
CUT_TEST(op_shrink)
CUT_TEST(op_delete)
CUT_TEST(op_mkdir)
CUT_TEST(op_rename_across)
CUT_TEST(op_thin_write)
CUT_TEST(op_thin_whole_block_write)

static Suite *crash_suite(void)
{
	Suite *s = suite_create("vmkfs-crash");
	TCase *tc = tcase_create("cuts");

	tcase_set_timeout(tc, 300);
	tcase_add_unchecked_fixture(tc, make_base, NULL);
	tcase_add_test(tc, test_power_cut_anywhere_in_op_create_pointer_block_file_repairs_clean);
	tcase_add_test(tc, test_power_cut_anywhere_in_op_create_eager_file_repairs_clean);
	tcase_add_test(tc, test_power_cut_anywhere_in_op_extend_into_pointer_blocks_repairs_clean);
	tcase_add_test(tc, test_power_cut_anywhere_in_op_shrink_repairs_clean);
	tcase_add_test(tc, test_power_cut_anywhere_in_op_delete_repairs_clean);
	tcase_add_test(tc, test_power_cut_anywhere_in_op_mkdir_repairs_clean);
	tcase_add_test(tc, test_power_cut_anywhere_in_op_rename_across_repairs_clean);
	tcase_add_test(tc, test_power_cut_anywhere_in_op_thin_write_repairs_clean);
	tcase_add_test(tc, test_power_cut_anywhere_in_op_thin_whole_block_write_repairs_clean);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(crash_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
