// SPDX-License-Identifier: GPL-2.0-only
/*
 * Raw device mappings (vmkernel/storage/rdm.c): a guest's READ and WRITE
 * through vmk's SCSI disk model (vmm/scsi/disk.c) over a fake LUN, in
 * pieces of the bounce buffer; LBAs past the end, a failing LUN (its
 * failed piece neither counted nor reported moved, the sense naming
 * its block) and a guest buffer that faults half way; the LUN names
 * `vmkctl storage luns` prints; and the claims that keep two VMs off
 * one LUN.
 */
#include "tests/unit/check_run.h"
#include "tests/unit/storage/guest_cmd.h"
#include "vmkernel/storage/rdm.h"

#define LUN_BLOCKS	64
#define BOUNCE_BLOCKS	4
#define BOUNCE_PA	0x200000u
#define GUEST_LEN	(32 * SCSI_BLOCK_SIZE)

static uint8_t lun_mem[LUN_BLOCKS * SCSI_BLOCK_SIZE];
static uint8_t bounce[BOUNCE_BLOCKS * SCSI_BLOCK_SIZE];
static uint8_t guest[GUEST_LEN];
static uint32_t guest_fault_at;		/* buffer offsets from here fault; 0: none */
static unsigned int io_calls, io_fail_at;	/* call number that fails; 0: none */
static enum rdm_io_status io_fail_with;	/* how it fails */
static struct rdm r;
static struct scsi_disk disk;
static struct scsi_cmd cmd;
static bool done;

static enum rdm_io_status fake_rw(void *ctx, bool write, uint64_t lba,
				  uint32_t nr, uint64_t pa)
{
	(void)ctx;
	ck_assert_uint_eq(pa, BOUNCE_PA);
	ck_assert_uint_ge(nr, 1);
	ck_assert_uint_le(nr, BOUNCE_BLOCKS);
	ck_assert_uint_le(lba + nr, LUN_BLOCKS);
	if (++io_calls == io_fail_at)
		return io_fail_with;
	if (write)
		memcpy(lun_mem + lba * SCSI_BLOCK_SIZE, bounce, nr * SCSI_BLOCK_SIZE);
	else
		memcpy(bounce, lun_mem + lba * SCSI_BLOCK_SIZE, nr * SCSI_BLOCK_SIZE);
	return RDM_IO_OK;
}

static enum rdm_io_status fake_flush(void *ctx)
{
	(void)ctx;
	return ++io_calls == io_fail_at ? io_fail_with : RDM_IO_OK;
}

static const struct rdm_io_ops fake_io = { fake_rw, fake_flush, NULL };

static bool buf_put(void *ctx, uint64_t off, const void *src, uint32_t len)
{
	(void)ctx;
	if (guest_fault_at && off + len > guest_fault_at)
		return false;
	memcpy(guest + off, src, len);
	return true;
}

static bool buf_get(void *ctx, uint64_t off, void *dst, uint32_t len)
{
	(void)ctx;
	if (guest_fault_at && off + len > guest_fault_at)
		return false;
	memcpy(dst, guest + off, len);
	return true;
}

static void cmd_done(struct scsi_cmd *c)
{
	(void)c;
	done = true;
}

static void setup(void)
{
	struct scsi_backend be;

	for (unsigned int i = 0; i < sizeof(lun_mem); i++)
		lun_mem[i] = (uint8_t)(i * 7 + i / SCSI_BLOCK_SIZE);
	memset(guest, 0xee, sizeof(guest));
	guest_fault_at = 0;
	io_calls = io_fail_at = 0;
	io_fail_with = RDM_IO_ERROR;
	memset(&r, 0, sizeof(r));
	r.io = &fake_io;
	r.nr_blocks = LUN_BLOCKS;
	r.bounce = bounce;
	r.bounce_pa = BOUNCE_PA;
	r.bounce_blocks = BOUNCE_BLOCKS;
	rdm_backend(&r, &be);
	scsi_disk_init(&disk, &be, "vmhba0:C0:T1:L0", 1);
	disk.ua_asc = disk.ua_ascq = 0;		/* no power-on unit attention */
}

/* READ(10)/WRITE(10) of nr blocks at lba, the guest's buffer len bytes. */
static void rw10(bool write, uint32_t lba, uint16_t nr, uint64_t len)
{
	guest_rw10(&cmd, write, lba, nr, (struct scsi_buf){ len, buf_put, buf_get, NULL, NULL },
		   cmd_done);
	done = false;
	scsi_disk_submit(&disk, &cmd);
	ck_assert(done);
}

/* SYNCHRONIZE CACHE(10) of the whole disk. */
static void sync_cache(void)
{
	guest_sync10(&cmd, cmd_done);
	done = false;
	scsi_disk_submit(&disk, &cmd);
	ck_assert(done);
}

static uint8_t sense_key(void)
{
	ck_assert_uint_eq(cmd.status, SCSI_STATUS_CHECK_CONDITION);
	return cmd.sense[2] & 0xf;
}

START_TEST(test_a_read_crosses_the_bounce_buffer_in_pieces)
{
	rw10(false, 3, 10, GUEST_LEN);
	ck_assert_uint_eq(cmd.result, SCSI_RESULT_OK);
	ck_assert_uint_eq(cmd.status, SCSI_STATUS_GOOD);
	ck_assert_uint_eq(cmd.xfer_len, 10 * SCSI_BLOCK_SIZE);
	ck_assert_mem_eq(guest, lun_mem + 3 * SCSI_BLOCK_SIZE, 10 * SCSI_BLOCK_SIZE);
	ck_assert_uint_eq(guest[10 * SCSI_BLOCK_SIZE], 0xee);	/* no more */
	ck_assert_uint_eq(io_calls, 3);				/* 4 + 4 + 2 */
	ck_assert_uint_eq(r.blocks_read, 10);
}
END_TEST

START_TEST(test_a_write_reaches_the_lun_and_reads_back)
{
	for (unsigned int i = 0; i < 9 * SCSI_BLOCK_SIZE; i++)
		guest[i] = (uint8_t)(i ^ 0x5a);
	rw10(true, 60, 4, GUEST_LEN);
	ck_assert_uint_eq(cmd.status, SCSI_STATUS_GOOD);
	ck_assert_mem_eq(lun_mem + 60 * SCSI_BLOCK_SIZE, guest, 4 * SCSI_BLOCK_SIZE);
	memset(guest, 0, sizeof(guest));
	rw10(false, 60, 4, GUEST_LEN);
	for (unsigned int i = 0; i < 4 * SCSI_BLOCK_SIZE; i++)
		ck_assert_uint_eq(guest[i], (uint8_t)(i ^ 0x5a));
	ck_assert_uint_eq(r.blocks_written, 4);
}
END_TEST

START_TEST(test_lbas_past_the_end_are_refused_before_the_lun)
{
	rw10(false, LUN_BLOCKS - 2, 3, GUEST_LEN);
	ck_assert_uint_eq(sense_key(), SCSI_SENSE_ILLEGAL_REQUEST);
	ck_assert_uint_eq(cmd.sense[12], 0x21);		/* LBA out of range */
	rw10(true, 0xffffffffu, 1, GUEST_LEN);
	ck_assert_uint_eq(sense_key(), SCSI_SENSE_ILLEGAL_REQUEST);
	ck_assert_uint_eq(io_calls, 0);
}
END_TEST

START_TEST(test_the_backend_checks_the_range_again)
{
	/* As if the disk model let a request through: never to the LUN. */
	memset(&cmd, 0, sizeof(cmd));
	cmd.done = cmd_done;
	cmd.buf = (struct scsi_buf){ GUEST_LEN, buf_put, buf_get, NULL, NULL };
	disk.ops->read(disk.ctx, &cmd, LUN_BLOCKS, 1);
	disk.ops->write(disk.ctx, &cmd, ~0ull, 2);
	ck_assert_uint_eq(io_calls, 0);
	ck_assert_uint_eq(r.range_refused, 2);
}
END_TEST

START_TEST(test_a_failing_lun_is_a_medium_error)
{
	io_fail_at = 2;
	rw10(false, 0, 8, GUEST_LEN);
	ck_assert_uint_eq(sense_key(), SCSI_SENSE_MEDIUM_ERROR);
	ck_assert_uint_eq(r.io_errors, 1);
	io_calls = 0;
	io_fail_at = 1;
	rw10(true, 0, 1, GUEST_LEN);
	ck_assert_uint_eq(sense_key(), SCSI_SENSE_MEDIUM_ERROR);
}
END_TEST

/*
 * A write whose second piece fails: the first piece reached the LUN and
 * counts, and only its bytes are reported moved, though the second's
 * were fetched from the guest's buffer (the pieces path's rule too).
 */
START_TEST(test_a_failed_write_piece_is_neither_counted_nor_reported_moved)
{
	io_fail_at = 2;
	rw10(true, 0, 3 * BOUNCE_BLOCKS, GUEST_LEN);
	ck_assert_uint_eq(sense_key(), SCSI_SENSE_MEDIUM_ERROR);
	ck_assert_uint_eq(io_calls, 2);
	ck_assert_uint_eq(r.blocks_written, BOUNCE_BLOCKS);
	ck_assert_uint_eq(cmd.xfer_len, BOUNCE_BLOCKS * SCSI_BLOCK_SIZE);
	io_calls = 0;
	rw10(false, 0, 3 * BOUNCE_BLOCKS, GUEST_LEN);	/* a read's the same */
	ck_assert_uint_eq(sense_key(), SCSI_SENSE_MEDIUM_ERROR);
	ck_assert_uint_eq(r.blocks_read, BOUNCE_BLOCKS);
	ck_assert_uint_eq(cmd.xfer_len, BOUNCE_BLOCKS * SCSI_BLOCK_SIZE);
}
END_TEST

/*
 * The sense data names the first block that failed (INFORMATION, VALID
 * set), and the transfer reported ends just before it, as Linux's
 * sd_completed_bytes() takes it; a failure of no piece names none.
 */
START_TEST(test_a_failed_piece_names_its_first_block_in_the_sense)
{
	io_fail_at = 3;
	rw10(true, 8, 3 * BOUNCE_BLOCKS, GUEST_LEN);
	ck_assert_uint_eq(sense_key(), SCSI_SENSE_MEDIUM_ERROR);
	ck_assert_uint_eq(guest_sense_info(&cmd), 8 + 2 * BOUNCE_BLOCKS);
	ck_assert_uint_eq(cmd.xfer_len, 2 * BOUNCE_BLOCKS * SCSI_BLOCK_SIZE);
	io_calls = 0;
	io_fail_at = 1;
	rw10(false, 20, 3, GUEST_LEN);
	ck_assert_uint_eq(sense_key(), SCSI_SENSE_MEDIUM_ERROR);
	ck_assert_uint_eq(guest_sense_info(&cmd), 20);
	ck_assert_uint_eq(cmd.xfer_len, 0);
	io_calls = 0;
	io_fail_at = 1;
	sync_cache();
	ck_assert_uint_eq(sense_key(), SCSI_SENSE_MEDIUM_ERROR);
	ck_assert_uint_eq(guest_sense_info(&cmd), UINT64_MAX);
}
END_TEST

/* SPC-4 annex D: 3Eh/02h TIMEOUT ON LOGICAL UNIT, under NOT READY. */
static void assert_timeout_on_lun(void)
{
	ck_assert_uint_eq(sense_key(), SCSI_SENSE_NOT_READY);
	ck_assert_uint_eq(cmd.sense[12], 0x3e);
	ck_assert_uint_eq(cmd.sense[13], 0x02);
}

START_TEST(test_an_unresponsive_lun_is_not_ready_with_a_timeout_on_the_lun)
{
	io_fail_with = RDM_IO_UNRESPONSIVE;
	io_fail_at = 2;
	rw10(false, 0, 8, GUEST_LEN);
	assert_timeout_on_lun();
	io_calls = 0;
	io_fail_at = 1;
	rw10(true, 0, 1, GUEST_LEN);
	assert_timeout_on_lun();
	io_calls = 0;
	sync_cache();
	assert_timeout_on_lun();
	ck_assert_uint_eq(r.io_errors, 3);
	ck_assert_uint_eq(r.unresponsive, 3);
}
END_TEST

START_TEST(test_a_guest_buffer_that_faults_stops_the_write_there)
{
	uint8_t before[LUN_BLOCKS * SCSI_BLOCK_SIZE];

	memcpy(before, lun_mem, sizeof(before));
	memset(guest, 0x11, sizeof(guest));
	guest_fault_at = 6 * SCSI_BLOCK_SIZE;	/* in the second piece */
	rw10(true, 8, 8, GUEST_LEN);
	ck_assert_uint_ne(cmd.result, SCSI_RESULT_OK);
	ck_assert_uint_eq(io_calls, 1);		/* the first piece only */
	ck_assert_mem_eq(lun_mem + 12 * SCSI_BLOCK_SIZE, before + 12 * SCSI_BLOCK_SIZE,
			 4 * SCSI_BLOCK_SIZE);
}
END_TEST

START_TEST(test_a_transfer_larger_than_the_guest_buffer_is_not_executed)
{
	rw10(false, 0, 8, 4 * SCSI_BLOCK_SIZE);
	ck_assert_uint_eq(cmd.result, SCSI_RESULT_OVERRUN);
	ck_assert_uint_eq(io_calls, 0);
}
END_TEST

START_TEST(test_synchronize_cache_flushes_the_lun)
{
	sync_cache();
	ck_assert_uint_eq(cmd.status, SCSI_STATUS_GOOD);
	ck_assert_uint_eq(r.flushes, 1);
}
END_TEST

START_TEST(test_lun_names_are_what_vmkctl_prints)
{
	static const char *const bad[] = {
		"", "vmhba0", "vmhba0:C0:T1", "vmhba0:C0:T1:L", "vmhba0:C0:T01:L0",
		"vmhba0:C0:T1:L0 ", "vmhba0:C0:T256:L0", "vmhba0:C0:T1:L99999999999",
		"vmhba1:C0:T1:L0", "vmhba0:C1:T1:L0", "vmhba0:C0:T-1:L0",
		"vmhba0:C0:T+1:L0", "/vmfs/devices/disks/vmhba0:0:1:0", "disk.vmdk",
	};
	uint32_t t = 99, l = 99;

	ck_assert(rdm_parse_name("vmhba0:C0:T1:L0", &t, &l));
	ck_assert_uint_eq(t, 1);
	ck_assert_uint_eq(l, 0);
	ck_assert(rdm_parse_name("vmhba0:C0:T255:L17", &t, &l));
	ck_assert_uint_eq(t, 255);
	ck_assert_uint_eq(l, 17);
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(!rdm_parse_name(bad[i], &t, &l), "'%s' parsed", bad[i]);
}
END_TEST

START_TEST(test_a_lun_has_one_writer)
{
	static struct rdm_claims cl;
	const char *holder = NULL;

	ck_assert_int_eq(rdm_claim(&cl, 1, 0, 7, "web1", &holder), RDM_CLAIM_OK);
	ck_assert_int_eq(rdm_claim(&cl, 1, 0, 8, "web2", &holder), RDM_CLAIM_BUSY);
	ck_assert_str_eq(holder, "web1");
	/* one VM, the same LUN twice: two writers as well */
	ck_assert_int_eq(rdm_claim(&cl, 1, 0, 7, "web1", &holder), RDM_CLAIM_BUSY);
	ck_assert_int_eq(rdm_claim(&cl, 0, 0, 8, "web2", &holder), RDM_CLAIM_OK);
	rdm_release(&cl, 1, 0, 8);		/* not web2's: nothing */
	ck_assert_int_eq(rdm_claim(&cl, 1, 0, 8, "web2", &holder), RDM_CLAIM_BUSY);
	ck_assert_str_eq(rdm_holder(&cl, 1, 0), "web1");
	rdm_release(&cl, 1, 0, 7);
	ck_assert_ptr_null(rdm_holder(&cl, 1, 0));
	ck_assert_int_eq(rdm_claim(&cl, 1, 0, 8, "web2", &holder), RDM_CLAIM_OK);
	ck_assert_str_eq(rdm_holder(&cl, 1, 0), "web2");
}
END_TEST

START_TEST(test_claims_are_bounded_and_names_cut)
{
	static struct rdm_claims cl;
	const char *holder = NULL;
	char longname[64];

	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	for (uint32_t i = 0; i < RDM_MAX_CLAIMS; i++)
		ck_assert_int_eq(rdm_claim(&cl, i, 0, 1, longname, &holder), RDM_CLAIM_OK);
	ck_assert_int_eq(rdm_claim(&cl, 100, 0, 2, "b", &holder), RDM_CLAIM_FULL);
	ck_assert_int_eq(rdm_claim(&cl, 3, 0, 2, "b", &holder), RDM_CLAIM_BUSY);
	ck_assert_uint_eq(strlen(holder), RDM_NAME_LEN - 1);
}
END_TEST

/*
 * A VM's config names its raw LUNs whether it runs or not: a VM powered
 * off keeps them, and a rescan or vmkfstools -C must leave them alone
 * (its next power-on would be refused, or its disk formatted over).
 */
START_TEST(test_a_vms_config_names_its_raw_luns_running_or_not)
{
	struct vmk_vm_config cfg = { .name = "db", .scsi0 = VMK_VM_SCSI_PVSCSI };

	ck_assert_int_eq(rdm_cfg_disk(&cfg, 1, 0), -1);
	strcpy(cfg.disk[0].name, "[ds1] db/db.vmdk");
	strcpy(cfg.disk[2].name, "vmhba0:C0:T1:L0");
	strcpy(cfg.disk[3].name, "vmhba0:C0:T4:L2");
	ck_assert_int_eq(rdm_cfg_disk(&cfg, 1, 0), 2);
	ck_assert_int_eq(rdm_cfg_disk(&cfg, 4, 2), 3);
	ck_assert_int_eq(rdm_cfg_disk(&cfg, 4, 0), -1);
	ck_assert_int_eq(rdm_cfg_disk(&cfg, 0, 1), -1);
	/* a .vmdk path is a file on a datastore, whatever its name says */
	strcpy(cfg.disk[0].name, "/vmfs/volumes/vmhba0:C0:T0:L0");
	ck_assert_int_eq(rdm_cfg_disk(&cfg, 0, 0), -1);
	/* no adapter, no disk (the vmkernel refuses such a config anyway) */
	cfg.scsi0 = VMK_VM_SCSI_NONE;
	ck_assert_int_eq(rdm_cfg_disk(&cfg, 1, 0), -1);
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("rdm");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_a_read_crosses_the_bounce_buffer_in_pieces);
	tcase_add_test(tc, test_a_write_reaches_the_lun_and_reads_back);
	tcase_add_test(tc, test_lbas_past_the_end_are_refused_before_the_lun);
	tcase_add_test(tc, test_the_backend_checks_the_range_again);
	tcase_add_test(tc, test_a_failing_lun_is_a_medium_error);
	tcase_add_test(tc, test_a_failed_write_piece_is_neither_counted_nor_reported_moved);
	tcase_add_test(tc, test_a_failed_piece_names_its_first_block_in_the_sense);
	tcase_add_test(tc, test_an_unresponsive_lun_is_not_ready_with_a_timeout_on_the_lun);
	tcase_add_test(tc, test_a_guest_buffer_that_faults_stops_the_write_there);
	tcase_add_test(tc, test_a_transfer_larger_than_the_guest_buffer_is_not_executed);
	tcase_add_test(tc, test_synchronize_cache_flushes_the_lun);
	tcase_add_test(tc, test_lun_names_are_what_vmkctl_prints);
	tcase_add_test(tc, test_a_lun_has_one_writer);
	tcase_add_test(tc, test_claims_are_bounded_and_names_cut);
	tcase_add_test(tc, test_a_vms_config_names_its_raw_luns_running_or_not);
	return check_run("vmkernel raw device mappings", tc);
}
