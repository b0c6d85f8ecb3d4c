// SPDX-License-Identifier: GPL-2.0-only
/*
 * The COS's disks' rings at the storage world (vmkernel/storage/
 * cos_ring.c, ABI 48): two turns per ring, the kick against the turn
 * that goes to sleep, a slot's life (SETUP, DETACH, the give-back) and a
 * hostile ring. The vmkernel under it is faked (struct cos_ring_env): the
 * storage world is the real disk queue (disk_queue.c) whose worker the
 * test steps by hand; the COS's other CPUs act from hooks at the fakes'
 * chosen moments (a write of req_event, a request running, a cancel
 * waiting). No threads: every interleaving is one order, every run the same.
 */
#include "tests/unit/check_run.h"
#include "vmkernel/storage/cos_ring.h"
#include "vmkernel/log/log.h"
#include <stdio.h>

#define RING_GPA	0x10000ull	/* LUN n's ring: RING_GPA + n * VMK_COS_DISK_RING_BYTES */
#define TARGET		1

/* COS memory: the rings of LUNs 0..VMK_COS_DISK_MAX. */
static union {
	struct vmk_cos_disk_ring r;
	uint8_t b[VMK_COS_DISK_RING_BYTES];
} cos_mem[VMK_COS_DISK_MAX + 1];

static struct disk_queue q;		/* the storage world's */
static unsigned int starts, submits, cancels, runs, bells, warns;
static uint64_t run_lba[64];		/* the lba of each request run, in order */
static char last_log[256];
/* The COS's other CPUs: each hook runs once, at its moment, then is cleared. */
static void (*on_req_event)(void);	/* a turn is about to write req_event */
static void (*on_run)(void);		/* a request runs (storage_cos_disk()) */
static void (*on_cancel_wait)(void);	/* a cancel waits for a running turn */

#define RING(lun)	(&cos_mem[lun].r)
#define REQ_EVENT_AT	(offsetof(struct vmk_cos_disk_ring, req_event))

static bool in_cos(uint64_t gpa, uint64_t len)
{
	return gpa >= RING_GPA && len <= sizeof(cos_mem) && gpa - RING_GPA <= sizeof(cos_mem) - len;
}

static bool fake_read(uint64_t gpa, void *dst, uint32_t len)
{
	if (!in_cos(gpa, len))
		return false;
	memcpy(dst, (uint8_t *)cos_mem + (gpa - RING_GPA), len);
	return true;
}

static void once(void (**hook)(void))
{
	void (*h)(void) = *hook;

	*hook = NULL;
	if (h)
		h();
}

static bool fake_write(uint64_t gpa, const void *src, uint32_t len)
{
	if (!in_cos(gpa, len))
		return false;
	if ((gpa - RING_GPA) % VMK_COS_DISK_RING_BYTES == REQ_EVENT_AT)
		once(&on_req_event);
	memcpy((uint8_t *)cos_mem + (gpa - RING_GPA), src, len);
	return true;
}

static const struct cos_disk_mem fake_mem = { fake_read, fake_write };

static vmk_status_t world_start_fails;	/* VMK_OK: the storage world starts */

static vmk_status_t fake_world_start(struct vmk_why *why)
{
	starts++;
	if (world_start_fails != VMK_OK)
		snprintf(why->text, sizeof(why->text), "no world for the storage world");
	return world_start_fails;
}

/* A turn is queued only while free: a queued or running one is the queue's. */
static bool fake_submit(struct storage_req *r, struct dq_flow *f, uint32_t blocks)
{
	ck_assert_msg(r->dq.state == DQ_FREE, "a turn queued again while the queue has it (state %d)",
		      r->dq.state);
	submits++;
	return dq_submit(&q, &r->dq, f, blocks);
}

static struct storage_req *fake_reap(struct dq_owner *o)
{
	struct dq_req *d = dq_reap(&q, o);

	return d ? (struct storage_req *)d : NULL;
}

/* storage_io_cancel(): the wait for a running turn is the other CPU's hook. */
static void fake_cancel(struct dq_owner *o)
{
	cancels++;
	while (dq_cancel(&q, o)) {
		ck_assert_msg(on_cancel_wait, "a cancel would wait for a turn nobody runs");
		once(&on_cancel_wait);
	}
	dq_owner_init(o);
}

static vmk_status_t fake_run(struct vmk_cos_disk *r)
{
	ck_assert_uint_lt(runs, ARRAY_SIZE(run_lba));
	run_lba[runs++] = r->lba;
	once(&on_run);
	return VMK_OK;
}

static bool fake_bell(uint8_t vector, uint8_t apic_id)
{
	(void)vector;
	(void)apic_id;
	bells++;
	return true;
}

const struct cos_ring_env cos_ring_env = {
	.mem = &fake_mem,
	.ring_ok = in_cos,
	.world_start = fake_world_start,
	.submit = fake_submit,
	.reap = fake_reap,
	.cancel = fake_cancel,
	.run = fake_run,
	.bell = fake_bell,
};

void vmk_log(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_log, sizeof(last_log), fmt, ap);
	va_end(ap);
	warns += level == VMK_LOG_WARN;
}

static vmk_status_t cos_op(uint32_t op, uint32_t lun)
{
	struct vmk_cos_disk r;

	memset(&r, 0, sizeof(r));
	r.op = op;
	r.target = TARGET;
	r.lun = lun;
	r.ring_gpa = RING_GPA + (uint64_t)lun * VMK_COS_DISK_RING_BYTES;
	if (op == VMK_COS_DISK_SETUP)
		return cos_ring_setup(&r);
	return cos_ring_kick(&r);
}

#define setup_ring(lun)	cos_op(VMK_COS_DISK_SETUP, lun)
#define kick(lun)	cos_op(VMK_COS_DISK_KICK, lun)

/* The COS posts a one-page WRITE at lba, its id lba + 1000. */
static void post(uint32_t lun, uint64_t lba)
{
	struct vmk_cos_disk_ring *g = RING(lun);
	struct vmk_cos_disk_ring_req *e = &g->req[g->req_prod % VMK_COS_DISK_RING_DEPTH];

	memset(e, 0, sizeof(*e));
	e->id = lba + 1000;
	e->op = VMK_COS_DISK_WRITE;
	e->lba = lba;
	e->blocks = 8;
	e->nsegs = 1;
	e->seg[0].gpa = 0x200000;
	e->seg[0].len = 4096;
	g->req_prod++;
}

/* The storage world takes its next turn (now running); NULL: none queued. */
static struct storage_req *world_take(void)
{
	return (struct storage_req *)dq_take(&q);
}

static void world_end(struct storage_req *sr)
{
	sr->run(sr);
	dq_finish(&q, &sr->dq);
}

/* The storage world runs one turn; false: none was queued. */
static bool world_step(void)
{
	struct storage_req *sr = world_take();

	if (sr)
		world_end(sr);
	return sr != NULL;
}

/* The storage world runs until nothing is queued; how many turns it ran. */
static unsigned int world_drain(void)
{
	unsigned int n = 0;

	while (world_step())
		ck_assert_uint_lt(++n, 1000);
	return n;
}

/* LUN 0's ring set up, n requests posted (lba 1..n) and one kick. */
static void ring_with_requests(unsigned int n)
{
	ck_assert_int_eq(setup_ring(0), VMK_OK);
	for (unsigned int i = 1; i <= n; i++)
		post(0, i);
	ck_assert_int_eq(kick(0), VMK_OK);
}

static void setup(void)
{
	memset(cos_mem, 0, sizeof(cos_mem));
	dq_init(&q);
	starts = submits = cancels = runs = bells = warns = 0;
	world_start_fails = VMK_OK;
	last_log[0] = '\0';
	on_req_event = on_run = on_cancel_wait = NULL;
}

/* ---- kicks and turns ---- */

static void cos_posts_2_and_kicks(void)
{
	unsigned int before = submits;

	post(0, 2);
	ck_assert_int_eq(kick(0), VMK_OK);
	ck_assert_uint_eq(submits, before + 1);	/* the kick found RING_IDLE */
}

START_TEST(test_a_kick_while_the_last_turn_sleeps_is_not_lost)
{
	ring_with_requests(1);
	ck_assert_int_eq(submits, 1);
	ck_assert(world_step());	/* it runs 1 and queues the next turn ... */
	ck_assert_uint_eq(RING(0)->rsp_prod, 1);
	/*
	 * The next turn finds the ring empty, says RING_IDLE and, before its
	 * req_event is out, the COS posts and kicks: the kick finds the ring
	 * idle and queues a turn; the sleeper's second look finds the
	 * request too but leaves it to that turn.
	 */
	ck_assert(!dq_idle(&q));
	on_req_event = cos_posts_2_and_kicks;	/* ... which finds nothing */
	world_drain();
	ck_assert_ptr_null(on_req_event);
	ck_assert_uint_eq(runs, 2);
	ck_assert_uint_eq(run_lba[1], 2);
	ck_assert_uint_eq(RING(0)->rsp_prod, 2);
	ck_assert_uint_eq(RING(0)->rsp[1].id, 1002);
	ck_assert(dq_idle(&q));
}
END_TEST

static void cos_posts_2_without_a_kick(void)
{
	post(0, 2);	/* req_event is not out yet: the COS sees no need to kick */
}

START_TEST(test_a_request_posted_as_the_turn_sleeps_is_taken_without_a_kick)
{
	ring_with_requests(1);
	on_req_event = cos_posts_2_without_a_kick;
	world_drain();
	ck_assert_ptr_null(on_req_event);
	ck_assert_uint_eq(runs, 2);
	ck_assert_uint_eq(RING(0)->rsp_prod, 2);
	ck_assert_uint_eq(RING(0)->req_event, 3);	/* asleep again, after both */
}
END_TEST

static void cos_posts_3_and_kicks(void)
{
	post(0, 3);
	ck_assert_int_eq(kick(0), VMK_OK);
	/* The ring is the running turn's: the kick queues nothing. */
	ck_assert_uint_eq(submits, 1);
}

START_TEST(test_the_next_turn_is_queued_while_one_runs)
{
	struct storage_req *first, *second;

	ring_with_requests(1);
	first = world_take();
	ck_assert_ptr_nonnull(first);
	on_run = cos_posts_3_and_kicks;
	world_end(first);
	ck_assert_ptr_null(on_run);
	/* The running turn queued the other one (itself was not free). */
	ck_assert_uint_eq(submits, 2);
	second = world_take();
	ck_assert_ptr_nonnull(second);
	ck_assert_ptr_ne(second, first);
	ck_assert_ptr_null(world_take());	/* one turn at a time */
	world_end(second);
	/* The second turn took the request the kick announced, and reaped the first. */
	ck_assert_uint_eq(runs, 2);
	ck_assert_uint_eq(run_lba[1], 3);
	ck_assert_ptr_eq(world_take(), first);
	ck_assert_uint_eq(RING(0)->rsp_prod, 2);
}
END_TEST

START_TEST(test_a_full_ring_is_answered_whole_in_order_after_one_kick)
{
	ck_assert_int_eq(setup_ring(0), VMK_OK);
	for (unsigned int i = 0; i < VMK_COS_DISK_RING_DEPTH; i++)
		post(0, i);
	RING(0)->rsp_event = VMK_COS_DISK_RING_DEPTH;	/* the COS wants the last answer's bell */
	RING(0)->bell = VMK_COS_DISK_VEC_MIN;
	ck_assert_int_eq(kick(0), VMK_OK);
	ck_assert_uint_eq(world_drain(), VMK_COS_DISK_RING_DEPTH + 1);	/* + the one that sleeps */
	ck_assert_uint_eq(runs, VMK_COS_DISK_RING_DEPTH);
	ck_assert_uint_eq(RING(0)->rsp_prod, VMK_COS_DISK_RING_DEPTH);
	for (unsigned int i = 0; i < VMK_COS_DISK_RING_DEPTH; i++) {
		ck_assert_uint_eq(run_lba[i], i);
		ck_assert_uint_eq(RING(0)->rsp[i].id, i + 1000);
		ck_assert_int_eq(RING(0)->rsp[i].status, VMK_OK);
	}
	ck_assert_uint_eq(bells, 1);
	cos_ring_stop(TARGET, 0);
	ck_assert_msg(strstr(last_log, "32 requests, 32 most waiting, 1 kicks, 1 doorbells"), "%s",
		      last_log);
}
END_TEST

/* ---- a hostile ring ---- */

/* LUN 0's ring set up, its req_prod past the ring's size, kicked and run. */
static void ring_with_an_index_past_its_size(void)
{
	ck_assert_int_eq(setup_ring(0), VMK_OK);
	RING(0)->req_prod = VMK_COS_DISK_RING_DEPTH + 1;
	ck_assert_int_eq(kick(0), VMK_OK);
	world_drain();
}

START_TEST(test_an_index_past_the_rings_size_breaks_it_for_good)
{
	ring_with_an_index_past_its_size();
	ck_assert_uint_eq(runs, 0);
	ck_assert_uint_eq(warns, 1);
	ck_assert_str_eq(last_log, "storage: T1:L0 ring broken, no more taken (1 so far): "
			 "req_prod 33 is more than 32 entries ahead of the vmkernel's 0");
	/* Sane again: still nothing taken, nothing answered. */
	RING(0)->req_prod = 1;
	ck_assert_int_eq(kick(0), VMK_OK);
	world_drain();
	ck_assert_uint_eq(runs, 0);
	ck_assert_uint_eq(RING(0)->rsp_prod, 0);
}
END_TEST

/* A COS that breaks, DETACHes and SETUPs its ring in a loop: 1st, 2nd, 4th, 8th logged. */
START_TEST(test_the_broken_ring_warning_is_rate_limited)
{
	for (unsigned int i = 1; i <= 9; i++) {
		ring_with_an_index_past_its_size();
		cos_ring_stop(TARGET, 0);
	}
	ck_assert_uint_eq(warns, 4);
	ck_assert_uint_eq(runs, 0);
}
END_TEST

START_TEST(test_req_prod_moved_backwards_breaks_the_ring)
{
	ring_with_requests(2);
	world_drain();
	ck_assert_uint_eq(runs, 2);
	RING(0)->req_prod = 1;		/* behind the vmkernel's 2 */
	ck_assert_int_eq(kick(0), VMK_OK);
	world_drain();
	ck_assert_uint_eq(warns, 1);
	RING(0)->req_prod = 3;		/* one new request, as if nothing happened */
	ck_assert_int_eq(kick(0), VMK_OK);
	world_drain();
	ck_assert_uint_eq(runs, 2);
	ck_assert_uint_eq(RING(0)->rsp_prod, 2);
}
END_TEST

static void cos_rewrites_the_entry(void)
{
	struct vmk_cos_disk_ring_req *e = &RING(0)->req[0];

	e->id = 666;
	e->op = VMK_COS_DISK_READ;
	e->lba = 1u << 30;
	e->nsegs = 1000;
}

START_TEST(test_an_entry_changed_while_it_runs_is_not_seen)
{
	ck_assert_int_eq(setup_ring(0), VMK_OK);
	post(0, 7);
	on_run = cos_rewrites_the_entry;
	ck_assert_int_eq(kick(0), VMK_OK);
	world_drain();
	ck_assert_ptr_null(on_run);
	ck_assert_uint_eq(runs, 1);
	ck_assert_uint_eq(run_lba[0], 7);
	ck_assert_uint_eq(RING(0)->rsp_prod, 1);
	ck_assert_uint_eq(RING(0)->rsp[0].id, 1007);	/* the copy's id, not 666 */
}
END_TEST

START_TEST(test_a_request_a_ring_may_not_carry_is_answered_and_not_run)
{
	ck_assert_int_eq(setup_ring(0), VMK_OK);
	post(0, 1);
	RING(0)->req[0].op = VMK_COS_DISK_DETACH;
	post(0, 2);
	ck_assert_int_eq(kick(0), VMK_OK);
	world_drain();
	ck_assert_uint_eq(runs, 1);
	ck_assert_uint_eq(run_lba[0], 2);
	ck_assert_uint_eq(RING(0)->rsp_prod, 2);
	ck_assert_int_eq(RING(0)->rsp[0].status, VMK_BAD_PARAM);
	ck_assert_msg(strstr(RING(0)->rsp[0].msg, "only READ, WRITE and FLUSH"), "%s",
		      RING(0)->rsp[0].msg);
	ck_assert_int_eq(RING(0)->rsp[1].status, VMK_OK);
}
END_TEST

START_TEST(test_setup_refuses_a_ring_outside_cos_memory_or_a_second_ring)
{
	struct vmk_cos_disk r;

	memset(&r, 0, sizeof(r));
	r.op = VMK_COS_DISK_SETUP;
	r.target = TARGET;
	r.ring_gpa = RING_GPA + 8;	/* not a page */
	ck_assert_int_eq(cos_ring_setup(&r), VMK_BAD_ADDRESS);
	r.ring_gpa = RING_GPA + sizeof(cos_mem) - VMK_PAGE_SIZE;	/* runs past COS memory */
	ck_assert_int_eq(cos_ring_setup(&r), VMK_BAD_ADDRESS);
	ck_assert_int_eq(setup_ring(0), VMK_OK);
	ck_assert_int_eq(setup_ring(0), VMK_BAD_PARAM);
	ck_assert_int_eq(kick(1), VMK_BAD_PARAM);	/* no ring */
}
END_TEST

/* ---- a slot's life ---- */

static struct storage_req *running;
static bool turn_ended;

static void end_the_running_turn(void)
{
	world_end(running);
	turn_ended = true;
}

/*
 * LUN 0's ring with n requests, its first turn running, is DETACHed; the
 * cancel's wait runs other_cpu, which must end the turn.
 */
static void stop_with_a_turn_running(unsigned int n, void (*other_cpu)(void))
{
	ring_with_requests(n);
	running = world_take();
	ck_assert_ptr_nonnull(running);
	on_cancel_wait = other_cpu;
	cos_ring_stop(TARGET, 0);
	ck_assert(turn_ended);
	ck_assert_uint_eq(cancels, 1);
}

/* Another COS CPU SETUPs while LUN 0's ring is STOPPING. */
static void setups_while_stopping(void)
{
	ck_assert_int_eq(setup_ring(0), VMK_BUSY);
	ck_assert_int_eq(kick(0), VMK_BAD_PARAM);	/* a stopping ring takes no kick */
	/* Every other slot, but not the stopping one: */
	for (uint32_t lun = 1; lun < VMK_COS_DISK_MAX; lun++)
		ck_assert_int_eq(setup_ring(lun), VMK_OK);
	ck_assert_int_eq(setup_ring(VMK_COS_DISK_MAX), VMK_NO_CAPACITY);
	end_the_running_turn();
}

START_TEST(test_a_stopping_ring_is_not_reused_by_setup)
{
	stop_with_a_turn_running(1, setups_while_stopping);
	/* The turn ran its request on its own ring, and queued nothing more. */
	ck_assert_uint_eq(RING(0)->rsp_prod, 1);
	ck_assert(dq_idle(&q));
	/* Now free: LUN 0 gets a new ring; a slot of LUN 1..3 is not touched. */
	ck_assert_int_eq(setup_ring(0), VMK_OK);
	post(1, 5);
	ck_assert_int_eq(kick(1), VMK_OK);
	world_drain();
	ck_assert_uint_eq(RING(1)->rsp_prod, 1);
}
END_TEST

START_TEST(test_stop_waits_for_the_running_turn)
{
	stop_with_a_turn_running(2, end_the_running_turn);
	/* The running request was answered; the second was left (the ring goes). */
	ck_assert_uint_eq(runs, 1);
	ck_assert_uint_eq(RING(0)->rsp_prod, 1);
	ck_assert(dq_idle(&q));
	ck_assert_uint_eq(world_drain(), 0);
	ck_assert_msg(strstr(last_log, "T1:L0 ring: 1 requests"), "%s", last_log);
}
END_TEST

/* A second DETACH and the give-back, on other COS CPUs, find the ring stopping. */
static void stops_again(void)
{
	cos_ring_stop(TARGET, 0);
	cos_ring_stop_all();
	ck_assert_uint_eq(cancels, 1);
	end_the_running_turn();
}

START_TEST(test_two_stops_of_one_ring)
{
	stop_with_a_turn_running(1, stops_again);
	/* And a stop of a ring that is gone does nothing. */
	cos_ring_stop(TARGET, 0);
	ck_assert_uint_eq(cancels, 1);
}
END_TEST

START_TEST(test_setup_after_stop_all_is_refused)
{
	struct vmk_cos_disk r;

	ck_assert_int_eq(setup_ring(0), VMK_OK);
	ck_assert_uint_eq(starts, 1);
	cos_ring_stop_all();
	ck_assert_uint_eq(cancels, 1);
	memset(&r, 0, sizeof(r));
	r.op = VMK_COS_DISK_SETUP;
	r.target = TARGET;
	r.lun = 1;
	r.ring_gpa = RING_GPA + VMK_COS_DISK_RING_BYTES;
	ck_assert_int_eq(cos_ring_setup(&r), VMK_BUSY);
	ck_assert_msg(strstr(r.msg, "giving the machine back"), "%s", r.msg);
	/* Nor did it start the storage world the give-back stops next. */
	ck_assert_uint_eq(starts, 1);
	ck_assert_int_eq(kick(0), VMK_BAD_PARAM);
}
END_TEST

/* No storage world: SETUP says why and takes no slot; the give-back does not wait for it. */
START_TEST(test_setup_without_a_storage_world_is_refused)
{
	struct vmk_cos_disk r;

	memset(&r, 0, sizeof(r));
	r.op = VMK_COS_DISK_SETUP;
	r.target = TARGET;
	r.ring_gpa = RING_GPA;
	world_start_fails = VMK_NO_CAPACITY;
	ck_assert_int_eq(cos_ring_setup(&r), VMK_NO_CAPACITY);
	ck_assert_str_eq(r.msg, "no world for the storage world");
	ck_assert_int_eq(kick(0), VMK_BAD_PARAM);
	world_start_fails = VMK_OK;
	for (uint32_t lun = 0; lun < VMK_COS_DISK_MAX; lun++)
		ck_assert_int_eq(setup_ring(lun), VMK_OK);
	cos_ring_stop_all();	/* would wait for ever for a start counted and not ended */
	ck_assert_uint_eq(cancels, VMK_COS_DISK_MAX);
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("cos_ring");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_a_kick_while_the_last_turn_sleeps_is_not_lost);
	tcase_add_test(tc, test_a_request_posted_as_the_turn_sleeps_is_taken_without_a_kick);
	tcase_add_test(tc, test_the_next_turn_is_queued_while_one_runs);
	tcase_add_test(tc, test_a_full_ring_is_answered_whole_in_order_after_one_kick);
	tcase_add_test(tc, test_an_index_past_the_rings_size_breaks_it_for_good);
	tcase_add_test(tc, test_the_broken_ring_warning_is_rate_limited);
	tcase_add_test(tc, test_req_prod_moved_backwards_breaks_the_ring);
	tcase_add_test(tc, test_an_entry_changed_while_it_runs_is_not_seen);
	tcase_add_test(tc, test_a_request_a_ring_may_not_carry_is_answered_and_not_run);
	tcase_add_test(tc, test_setup_refuses_a_ring_outside_cos_memory_or_a_second_ring);
	tcase_add_test(tc, test_a_stopping_ring_is_not_reused_by_setup);
	tcase_add_test(tc, test_stop_waits_for_the_running_turn);
	tcase_add_test(tc, test_two_stops_of_one_ring);
	tcase_add_test(tc, test_setup_after_stop_all_is_refused);
	tcase_add_test(tc, test_setup_without_a_storage_world_is_refused);
	return check_run("cos_ring", tc);
}
