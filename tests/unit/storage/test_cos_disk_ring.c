// SPDX-License-Identifier: GPL-2.0-only
/*
 * A COS disk's ring as the vmkernel reads it (vmkernel/storage/cos_disk.c,
 * ABI 48): the ring is COS memory and hostile. A req_prod past the ring's
 * size breaks it, a full ring is taken whole, an entry is copied once (a
 * change after the copy is not seen), a piece outside COS memory, an op a
 * ring may not carry and too many pieces are refused, a request that
 * came while the vmkernel went to sleep is found, and the doorbell is a
 * device vector or none.
 */
#include "tests/unit/check_run.h"
#include "vmkernel/storage/cos_disk.h"

#define RING_GPA	0x10000ull	/* the ring's COS-physical address */
#define COS_END		0x8000000ull	/* 128 MiB of COS memory ... */
#define VMK_CHUNK	0x400000ull	/* ... but for the vmkernel's 2 MiB here */
#define LUN_BLOCKS	2048

static struct vmk_cos_disk_ring ring;	/* COS memory at RING_GPA */
static struct cos_disk_ring r;
static struct vmk_cos_disk_ring_req q;
static char msg[VMK_STORAGE_MSG_LEN];
static uint32_t entry_reads;		/* reads that touched a request entry */
static void (*after_read)(void);	/* the COS's other CPU, between two reads */

static bool in_ring(uint64_t gpa, uint32_t len)
{
	return gpa >= RING_GPA && gpa + len <= RING_GPA + sizeof(ring);
}

static bool fake_read(uint64_t gpa, void *dst, uint32_t len)
{
	if (!in_ring(gpa, len))
		return false;
	memcpy(dst, (uint8_t *)&ring + (gpa - RING_GPA), len);
	if (gpa + len > RING_GPA + offsetof(struct vmk_cos_disk_ring, req) &&
	    gpa < RING_GPA + offsetof(struct vmk_cos_disk_ring, rsp))
		entry_reads++;
	if (after_read)
		after_read();
	return true;
}

static bool fake_write(uint64_t gpa, const void *src, uint32_t len)
{
	if (!in_ring(gpa, len))
		return false;
	memcpy((uint8_t *)&ring + (gpa - RING_GPA), src, len);
	return true;
}

static const struct cos_disk_mem mem = { fake_read, fake_write };

static bool fake_range_ok(uint64_t gpa, uint64_t len)
{
	if (!len || gpa + len < gpa || gpa + len > COS_END)
		return false;
	return gpa + len <= VMK_CHUNK || gpa >= VMK_CHUNK + 0x200000;
}

/* The COS posts a write of one page at lba, id = lba. */
static void post(uint64_t lba, uint64_t page)
{
	struct vmk_cos_disk_ring_req *e = &ring.req[ring.req_prod % VMK_COS_DISK_RING_DEPTH];

	memset(e, 0, sizeof(*e));
	e->id = lba;
	e->op = VMK_COS_DISK_WRITE;
	e->lba = lba;
	e->blocks = 8;
	e->nsegs = 1;
	e->seg[0].gpa = page;
	e->seg[0].len = 4096;
	ring.req_prod++;
}

static enum cos_disk_take take(void)
{
	msg[0] = '\0';
	return cos_disk_ring_take(&r, &mem, &q, msg, sizeof(msg));
}

/* q as cos_disk_check() sees it, LUN 1:0 attached. */
static bool checked(void)
{
	static const struct scan_id id = { .kind = 1, .len = 1, .b = { 'd' } };
	struct cos_disk_lun lun = { .found = true, .usable = true, .nr_blocks = LUN_BLOCKS };
	struct cos_disks disks;
	struct vmk_cos_disk d;

	memset(&disks, 0, sizeof(disks));
	ck_assert(cos_disk_attach(&disks, 1, 0, &id));
	msg[0] = '\0';
	return cos_disk_ring_req(&q, 1, 0, &d, msg, sizeof(msg)) &&
	       cos_disk_check(&disks, &d, &lun, fake_range_ok, VMK_COS_DISK_MAX_BYTES, msg,
			      sizeof(msg));
}

static void setup(void)
{
	memset(&ring, 0, sizeof(ring));
	cos_disk_ring_init(&r, RING_GPA);
	entry_reads = 0;
	after_read = NULL;
}

START_TEST(test_requests_are_taken_in_order_and_answered)
{
	post(8, 0x100000);
	post(16, 0x101000);
	ck_assert_int_eq(take(), COS_DISK_TAKEN);
	ck_assert_uint_eq(q.id, 8);
	ck_assert_msg(checked(), "%s", msg);
	ring.rsp_event = 1;		/* the COS waits for the first answer */
	ck_assert(cos_disk_ring_answer(&r, &mem, q.id, VMK_OK, NULL));
	ck_assert_uint_eq(ring.rsp_prod, 1);
	ck_assert_uint_eq(ring.rsp[0].id, 8);
	ck_assert_int_eq(take(), COS_DISK_TAKEN);
	ck_assert_uint_eq(q.id, 16);
	/* No doorbell: the COS has not read the first answer yet. */
	ck_assert(!cos_disk_ring_answer(&r, &mem, q.id, VMK_HW_FAILURE, "it failed"));
	ck_assert_str_eq(ring.rsp[1].msg, "it failed");
	ck_assert_int_eq(ring.rsp[1].status, VMK_HW_FAILURE);
	ck_assert_int_eq(take(), COS_DISK_EMPTY);
	ck_assert_uint_eq(r.most_waiting, 2);
}
END_TEST

START_TEST(test_an_index_past_the_rings_size_breaks_it)
{
	post(8, 0x100000);
	ring.req_prod += VMK_COS_DISK_RING_DEPTH;	/* 33 "waiting" */
	ck_assert_int_eq(take(), COS_DISK_BROKEN);
	ck_assert_str_eq(msg, "req_prod 33 is more than 32 entries ahead of the vmkernel's 0");
	ck_assert_uint_eq(entry_reads, 0);
	/* Left alone from then on, whatever the COS writes. */
	ring.req_prod = 1;
	ck_assert_int_eq(take(), COS_DISK_EMPTY);
	ck_assert(!cos_disk_ring_sleep(&r, &mem));
}
END_TEST

START_TEST(test_a_full_ring_is_taken_whole)
{
	for (uint32_t i = 0; i < VMK_COS_DISK_RING_DEPTH; i++)
		post(8 * i, 0x100000);
	for (uint32_t i = 0; i < VMK_COS_DISK_RING_DEPTH; i++) {
		ck_assert_int_eq(take(), COS_DISK_TAKEN);
		ck_assert_uint_eq(q.id, 8 * i);
		cos_disk_ring_answer(&r, &mem, q.id, VMK_OK, NULL);
	}
	ck_assert_int_eq(take(), COS_DISK_EMPTY);
	ck_assert_uint_eq(r.most_waiting, VMK_COS_DISK_RING_DEPTH);
	/* The indices wrap: the next request is entry 0 again. */
	post(4096, 0x102000);
	ck_assert_int_eq(take(), COS_DISK_TAKEN);
	ck_assert_uint_eq(q.id, 4096);
}
END_TEST

/* The COS's other CPU rewrites the entry once the vmkernel has read it. */
static void rewrite_entry(void)
{
	if (!entry_reads)
		return;
	ring.req[0].op = VMK_COS_DISK_ATTACH;
	ring.req[0].nsegs = 0xffffffffu;
	ring.req[0].seg[0].gpa = VMK_CHUNK;
	ring.req[0].lba = LUN_BLOCKS * 4;
}

START_TEST(test_a_request_changed_after_the_copy_is_not_seen)
{
	post(8, 0x100000);
	after_read = rewrite_entry;
	ck_assert_int_eq(take(), COS_DISK_TAKEN);
	after_read = NULL;
	ck_assert_uint_eq(entry_reads, 1);
	ck_assert_uint_eq(q.op, VMK_COS_DISK_WRITE);
	ck_assert_uint_eq(q.seg[0].gpa, 0x100000);
	ck_assert_msg(checked(), "%s", msg);
}
END_TEST

START_TEST(test_pieces_outside_cos_memory_are_refused)
{
	post(8, VMK_CHUNK + 0x1000);
	ck_assert_int_eq(take(), COS_DISK_TAKEN);
	ck_assert(!checked());
	ck_assert_str_eq(msg, "piece 0 at 401000 is not COS memory");
	post(8, COS_END);
	ck_assert_int_eq(take(), COS_DISK_TAKEN);
	ck_assert(!checked());
	ck_assert_str_eq(msg, "piece 0 at 8000000 is not COS memory");
}
END_TEST

START_TEST(test_ops_a_ring_may_not_carry_are_refused)
{
	static const uint32_t ops[] = { 0, VMK_COS_DISK_ATTACH, VMK_COS_DISK_DETACH,
					VMK_COS_DISK_SETUP, VMK_COS_DISK_KICK, 99 };

	for (unsigned int i = 0; i < ARRAY_SIZE(ops); i++) {
		post(8, 0x100000);
		ring.req[i].op = ops[i];
		ck_assert_int_eq(take(), COS_DISK_TAKEN);
		ck_assert(!checked());
		ck_assert_msg(strstr(msg, "only READ, WRITE and FLUSH"), "%s", msg);
	}
}
END_TEST

START_TEST(test_more_pieces_than_a_request_has_are_refused)
{
	post(8, 0x100000);
	ring.req[0].nsegs = VMK_COS_DISK_SEGS + 1;
	ck_assert_int_eq(take(), COS_DISK_TAKEN);
	ck_assert(!checked());
	ck_assert_str_eq(msg, "17 pieces: 1 to 16");
}
END_TEST

/* A FLUSH has no data: its blocks and pieces, whatever they say, are not looked at. */
START_TEST(test_a_flushs_pieces_are_not_looked_at)
{
	struct vmk_cos_disk d;

	post(8, 0x100000);
	ring.req[0].op = VMK_COS_DISK_FLUSH;
	ring.req[0].nsegs = 0xffffffffu;
	ring.req[0].blocks = 0xffffffffu;
	ck_assert_int_eq(take(), COS_DISK_TAKEN);
	ck_assert_msg(checked(), "%s", msg);
	ck_assert(cos_disk_ring_req(&q, 1, 0, &d, msg, sizeof(msg)));
	ck_assert_uint_eq(d.nsegs, 0);
	ck_assert_uint_eq(d.blocks, 0);
}
END_TEST

START_TEST(test_a_ring_outside_cos_memory_breaks)
{
	cos_disk_ring_init(&r, VMK_CHUNK);
	ck_assert_int_eq(take(), COS_DISK_BROKEN);
	ck_assert_str_eq(msg, "the ring at 400000 is not COS memory");
}
END_TEST

START_TEST(test_a_request_that_came_while_going_to_sleep_is_found)
{
	post(8, 0x100000);
	ck_assert_int_eq(take(), COS_DISK_TAKEN);
	ck_assert_int_eq(take(), COS_DISK_EMPTY);
	ck_assert(!cos_disk_ring_sleep(&r, &mem));
	ck_assert_uint_eq(ring.req_event, 2);	/* kick at the next one */
	post(16, 0x100000);			/* the COS saw no new req_event yet */
	ck_assert(cos_disk_ring_sleep(&r, &mem));
}
END_TEST

START_TEST(test_the_doorbell_is_a_device_vector_or_none)
{
	uint8_t vector, apic_id;

	ck_assert(!cos_disk_ring_bell(&r, &mem, &vector, &apic_id));	/* 0: polled */
	ring.bell = 0x31 | 1 << 8;
	ck_assert(cos_disk_ring_bell(&r, &mem, &vector, &apic_id));
	ck_assert_uint_eq(vector, 0x31);
	ck_assert_uint_eq(apic_id, 1);
	ring.bell = 0x02;		/* NMI */
	ck_assert(!cos_disk_ring_bell(&r, &mem, &vector, &apic_id));
	ring.bell = 0xfd;		/* Linux's own (0xec up) */
	ck_assert(!cos_disk_ring_bell(&r, &mem, &vector, &apic_id));
	ring.bell = 0x31 | 1 << 8 | 1 << 16;
	ck_assert(!cos_disk_ring_bell(&r, &mem, &vector, &apic_id));
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("cos_disk_ring");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_requests_are_taken_in_order_and_answered);
	tcase_add_test(tc, test_an_index_past_the_rings_size_breaks_it);
	tcase_add_test(tc, test_a_full_ring_is_taken_whole);
	tcase_add_test(tc, test_a_request_changed_after_the_copy_is_not_seen);
	tcase_add_test(tc, test_pieces_outside_cos_memory_are_refused);
	tcase_add_test(tc, test_ops_a_ring_may_not_carry_are_refused);
	tcase_add_test(tc, test_more_pieces_than_a_request_has_are_refused);
	tcase_add_test(tc, test_a_flushs_pieces_are_not_looked_at);
	tcase_add_test(tc, test_a_ring_outside_cos_memory_breaks);
	tcase_add_test(tc, test_a_request_that_came_while_going_to_sleep_is_found);
	tcase_add_test(tc, test_the_doorbell_is_a_device_vector_or_none);
	return check_run("vmkernel COS disk rings", tc);
}
