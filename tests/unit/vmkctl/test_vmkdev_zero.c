// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmkdev_vdisk_zero() (cos-tools/vmkdev/vmkdev.c), the COS's loop of
 * VMK_VDISK_OP_ZERO steps after an eagerzeroedthick create, against a
 * fake driver: it asks until blocks_left is 0, and it stops with a
 * sentence when a step zeroes nothing instead of asking for ever.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "cos-tools/vmkdev/vmkdev.h"
#include "tests/unit/check_run.h"

static unsigned int calls;
static uint64_t per_step;	/* blocks each ZERO step zeroes */

int ioctl(int fd, unsigned long req, ...)
{
	struct vmk_storage_vdisk *v;
	va_list ap;

	(void)fd;
	va_start(ap, req);
	v = va_arg(ap, struct vmk_storage_vdisk *);
	va_end(ap);
	ck_assert_uint_eq(req, VMK_IOC_STORAGE_VDISK);
	ck_assert_uint_eq(v->op, VMK_VDISK_OP_ZERO);
	ck_assert_uint_lt(++calls, 1000);
	v->blocks_left -= v->blocks_left < per_step ? v->blocks_left : per_step;
	return 0;
}

static struct vmk_storage_vdisk disk(uint64_t left)
{
	struct vmk_storage_vdisk v = { .op = VMK_VDISK_OP_CREATE, .blocks_left = left };

	snprintf(v.path, sizeof(v.path), "/vmfs/volumes/ds1/vm/a.vmdk");
	return v;
}

START_TEST(test_zero_steps_until_nothing_is_left)
{
	struct vmk_storage_vdisk v = disk(100);
	struct diag diag = { 0 };

	calls = 0;
	per_step = 16;
	ck_assert_int_eq(vmkdev_vdisk_zero(3, &v, NULL, NULL, &diag), 0);
	ck_assert_uint_eq(v.blocks_left, 0);
	ck_assert_uint_eq(calls, 7);
	ck_assert_uint_eq(diag.count, 0);
}
END_TEST

START_TEST(test_a_step_that_zeroes_nothing_stops_the_loop)
{
	struct vmk_storage_vdisk v = disk(100);
	struct diag diag = { 0 };

	calls = 0;
	per_step = 0;
	ck_assert_int_eq(vmkdev_vdisk_zero(3, &v, NULL, NULL, &diag), -1);
	ck_assert_uint_eq(calls, 1);
	ck_assert_uint_eq(v.blocks_left, 100);
	ck_assert_uint_eq(diag.count, 1);
	ck_assert_ptr_nonnull(strstr(diag.msgs[0], "a.vmdk: the vmkernel zeroed nothing (100 blocks still to zero)"));
	diag_free(&diag);
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("vmkdev zero");

	tcase_add_test(tc, test_zero_steps_until_nothing_is_left);
	tcase_add_test(tc, test_a_step_that_zeroes_nothing_stops_the_loop);
	return check_run("vmkdev zero", tc);
}
