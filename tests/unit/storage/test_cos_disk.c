// SPDX-License-Identifier: GPL-2.0-only
/*
 * The checks a COS disk request passes in the vmkernel
 * (vmkernel/storage/cos_disk.c) before storage.c runs it: hostile
 * requests (huge block counts, blocks past the end, an lba + blocks that
 * wraps, pieces outside COS memory or across a page, a LUN the COS has
 * not attached) and LUNs that are not the COS's to have (a datastore's,
 * a VM's raw disk).
 */
#include "tests/unit/check_run.h"
#include "vmkernel/storage/cos_disk.h"

#define LUN_BLOCKS	2048
#define MAX_BYTES	VMK_COS_DISK_MAX_BYTES
#define COS_END		0x8000000ull	/* 128 MiB of COS memory ... */
#define VMK_CHUNK	0x400000ull	/* ... but for the vmkernel's 2 MiB here */

static struct cos_disks disks;
static struct cos_disk_lun lun;
static struct vmk_cos_disk req;
static char msg[VMK_STORAGE_MSG_LEN];
static const struct scan_id some_id = { .kind = 1, .len = 4, .b = { 'd', 'i', 's', 'k' } };

static bool fake_range_ok(uint64_t gpa, uint64_t len)
{
	if (!len || gpa + len < gpa || gpa + len > COS_END)
		return false;
	return gpa + len <= VMK_CHUNK || gpa >= VMK_CHUNK + 0x200000;
}

/* A write of blocks at lba in whole pages from 1 MiB on. */
static void write_req(uint64_t lba, uint32_t blocks)
{
	uint32_t left = blocks * VMK_COS_DISK_BLOCK;

	memset(&req, 0, sizeof(req));
	req.op = VMK_COS_DISK_WRITE;
	req.target = 1;
	req.lba = lba;
	req.blocks = blocks;
	for (uint32_t i = 0; left && i < VMK_COS_DISK_SEGS; i++) {
		req.seg[i].gpa = 0x100000 + i * 4096ull;
		req.seg[i].len = left < 4096 ? left : 4096;
		left -= req.seg[i].len;
		req.nsegs++;
	}
}

static bool check(void)
{
	msg[0] = '\0';
	return cos_disk_check(&disks, &req, &lun, fake_range_ok, MAX_BYTES, msg, sizeof(msg));
}

static void setup(void)
{
	memset(&disks, 0, sizeof(disks));
	lun = (struct cos_disk_lun){ .found = true, .usable = true, .nr_blocks = LUN_BLOCKS };
	ck_assert(cos_disk_attach(&disks, 1, 0, &some_id));
	write_req(0, 16);	/* two pages */
}

START_TEST(test_a_write_inside_the_lun_from_cos_pages_passes)
{
	ck_assert_msg(check(), "%s", msg);
	write_req(LUN_BLOCKS - 128, 128);	/* the last blocks, the whole bounce buffer */
	ck_assert_msg(check(), "%s", msg);
	req.op = VMK_COS_DISK_READ;
	ck_assert_msg(check(), "%s", msg);
}
END_TEST

START_TEST(test_huge_block_counts_are_refused)
{
	write_req(0, 129);
	ck_assert(!check());
	ck_assert_str_eq(msg, "129 blocks: 1 to 128 at a time");
	write_req(0, 0);
	req.nsegs = 1;
	ck_assert(!check());
	req.blocks = 0xffffffffu;
	ck_assert(!check());
	ck_assert_str_eq(msg, "4294967295 blocks: 1 to 128 at a time");
}
END_TEST

START_TEST(test_blocks_past_the_end_are_refused)
{
	write_req(LUN_BLOCKS - 7, 8);
	ck_assert(!check());
	ck_assert_str_eq(msg, "blocks 2041+8 lie beyond vmhba0:C0:T1:L0's end (2048 blocks)");
	write_req(LUN_BLOCKS, 1);
	ck_assert(!check());
	write_req(LUN_BLOCKS + 100, 1);
	ck_assert(!check());
}
END_TEST

START_TEST(test_an_lba_plus_blocks_that_wraps_is_refused)
{
	write_req(~0ull - 3, 8);
	ck_assert(!check());
	ck_assert_msg(strstr(msg, "beyond") != NULL, "%s", msg);
}
END_TEST

START_TEST(test_pieces_outside_cos_memory_are_refused)
{
	req.seg[1].gpa = VMK_CHUNK + 0x1000;	/* the vmkernel's memory */
	ck_assert(!check());
	ck_assert_str_eq(msg, "piece 1 at 401000 is not COS memory");
	write_req(0, 16);
	req.seg[0].gpa = COS_END;		/* past the COS's RAM */
	ck_assert(!check());
	write_req(0, 16);
	req.seg[0].gpa = ~0ull & ~4095ull;	/* wraps */
	ck_assert(!check());
}
END_TEST

START_TEST(test_pieces_across_a_page_or_not_whole_blocks_are_refused)
{
	req.seg[0].gpa += 512;			/* 4096 bytes from 512 into the page */
	ck_assert(!check());
	ck_assert_str_eq(msg, "piece 0 (4096 bytes at 100200) is not whole blocks within one page");
	write_req(0, 16);
	req.seg[0].len = 4000;
	ck_assert(!check());
	write_req(0, 16);
	req.seg[1].len = 0;
	ck_assert(!check());
}
END_TEST

START_TEST(test_pieces_must_hold_the_blocks_exactly)
{
	req.blocks = 4;				/* the pieces hold 16 */
	ck_assert(!check());
	ck_assert_str_eq(msg, "the pieces hold 8192 bytes, the 4 blocks are 2048");
	write_req(0, 16);
	req.nsegs = VMK_COS_DISK_SEGS + 1;
	ck_assert(!check());
	ck_assert_str_eq(msg, "17 pieces: 1 to 16");
	req.nsegs = 0;
	ck_assert(!check());
}
END_TEST

START_TEST(test_a_lun_the_cos_has_not_attached_is_refused)
{
	req.target = 0;
	ck_assert(!check());
	ck_assert_str_eq(msg, "vmhba0:C0:T0:L0 is not one of the COS's disks (vmkload cos_disks=)");
	req.op = VMK_COS_DISK_FLUSH;
	ck_assert(!check());
	req.op = VMK_COS_DISK_DETACH;
	ck_assert(!check());
	cos_disk_detach(&disks, 1, 0);
	req.target = 1;
	req.op = VMK_COS_DISK_WRITE;
	ck_assert(!check());
	req.op = 99;
	ck_assert(!check());
	ck_assert_str_eq(msg, "no such COS disk request (op 99)");
}
END_TEST

START_TEST(test_a_datastores_lun_is_not_the_cos_disk)
{
	lun.datastore = "labds";
	req.op = VMK_COS_DISK_ATTACH;
	ck_assert(!check());
	ck_assert_str_eq(msg, "vmhba0:C0:T1:L0 holds datastore 'labds', mounted by the vmkernel: it cannot also be the COS's disk");
	req.op = VMK_COS_DISK_WRITE;		/* mounted after a rescan: its I/O too */
	ck_assert(!check());
}
END_TEST

START_TEST(test_a_vms_raw_lun_is_not_the_cos_disk)
{
	lun.raw_vm = "raw";
	req.op = VMK_COS_DISK_ATTACH;
	ck_assert(!check());
	ck_assert_str_eq(msg, "vmhba0:C0:T1:L0 is vm 'raw''s raw disk: it cannot also be the COS's");
}
END_TEST

START_TEST(test_missing_gone_or_unusable_luns_are_refused)
{
	req.op = VMK_COS_DISK_ATTACH;
	lun.gone = true;
	ck_assert(!check());
	ck_assert_str_eq(msg, "vmhba0:C0:T1:L0 is gone: the last rescan did not find it");
	lun.gone = false;
	lun.usable = false;
	ck_assert(!check());
	lun.usable = true;
	lun.found = false;
	ck_assert(!check());
	ck_assert_str_eq(msg, "vmhba0:C0:T1:L0: no usable disk of 512-byte blocks there (vmkctl storage luns)");
}
END_TEST

START_TEST(test_the_cos_has_a_bounded_number_of_disks)
{
	for (uint32_t t = 2; t < 1 + VMK_COS_DISK_MAX; t++)
		ck_assert(cos_disk_attach(&disks, t, 0, &some_id));
	ck_assert(cos_disk_attach(&disks, 1, 0, &some_id));	/* again: still one entry */
	ck_assert(!cos_disk_attach(&disks, 9, 0, &some_id));
	ck_assert(cos_disk_attached(&disks, 2, 0));
	ck_assert_uint_eq(cos_disk_detach_all(&disks), VMK_COS_DISK_MAX);
	ck_assert(!cos_disk_attached(&disks, 1, 0));
}
END_TEST

/* The identity of the disk attached is kept, to tell another disk there later. */
START_TEST(test_the_attached_disks_identity_is_kept)
{
	const struct scan_id other = { .kind = 1, .len = 5, .b = { 'o', 't', 'h', 'e', 'r' } };

	ck_assert(cos_disk_attach(&disks, 2, 0, &other));
	ck_assert_ptr_nonnull(cos_disk_id(&disks, 2, 0));
	ck_assert_mem_eq(cos_disk_id(&disks, 2, 0), &other, sizeof(other));
	ck_assert_mem_eq(cos_disk_id(&disks, 1, 0), &some_id, sizeof(some_id));
	ck_assert_ptr_null(cos_disk_id(&disks, 3, 0));
}
END_TEST

/* A FLUSH's pieces are not checked: the vmkernel must not use them (storage.c). */
START_TEST(test_a_flush_passes_whatever_its_pieces_say)
{
	req.op = VMK_COS_DISK_FLUSH;
	req.nsegs = 0xffffffffu;
	req.seg[0].gpa = 0xfffff000u;
	req.seg[0].len = 0xffffffffu;
	ck_assert(check());
}
END_TEST

/*
 * SETUP (ABI 48) of an attached, usable LUN passes: its ring is checked by
 * cos_ring_setup(), its blocks and pieces are not looked at. Of a LUN
 * not attached, or one a datastore holds, it is refused as I/O is.
 */
START_TEST(test_setup_of_an_attached_disk_passes_a_kick_never)
{
	req.op = VMK_COS_DISK_SETUP;
	req.blocks = 0xffffffffu;
	req.nsegs = 0xffffffffu;
	ck_assert_msg(check(), "%s", msg);
	req.target = 0;
	ck_assert(!check());
	ck_assert_str_eq(msg, "vmhba0:C0:T0:L0 is not one of the COS's disks (vmkload cos_disks=)");
	req.target = 1;
	lun.datastore = "ds1";
	ck_assert(!check());
	/* A KICK takes no lock and is not checked here: never run as I/O. */
	req.op = VMK_COS_DISK_KICK;
	lun.datastore = NULL;
	ck_assert(!check());
	ck_assert_str_eq(msg, "no such COS disk request (op 7)");
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("cos_disk");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_a_write_inside_the_lun_from_cos_pages_passes);
	tcase_add_test(tc, test_the_attached_disks_identity_is_kept);
	tcase_add_test(tc, test_a_flush_passes_whatever_its_pieces_say);
	tcase_add_test(tc, test_setup_of_an_attached_disk_passes_a_kick_never);
	tcase_add_test(tc, test_huge_block_counts_are_refused);
	tcase_add_test(tc, test_blocks_past_the_end_are_refused);
	tcase_add_test(tc, test_an_lba_plus_blocks_that_wraps_is_refused);
	tcase_add_test(tc, test_pieces_outside_cos_memory_are_refused);
	tcase_add_test(tc, test_pieces_across_a_page_or_not_whole_blocks_are_refused);
	tcase_add_test(tc, test_pieces_must_hold_the_blocks_exactly);
	tcase_add_test(tc, test_a_lun_the_cos_has_not_attached_is_refused);
	tcase_add_test(tc, test_a_datastores_lun_is_not_the_cos_disk);
	tcase_add_test(tc, test_a_vms_raw_lun_is_not_the_cos_disk);
	tcase_add_test(tc, test_missing_gone_or_unusable_luns_are_refused);
	tcase_add_test(tc, test_the_cos_has_a_bounded_number_of_disks);
	return check_run("vmkernel COS disk requests", tc);
}
