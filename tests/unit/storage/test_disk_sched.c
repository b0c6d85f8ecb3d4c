// SPDX-License-Identifier: GPL-2.0-only
/*
 * Disk shares (vmkernel/storage/disk_sched.h) with simulated flows: each
 * flow is a VM disk whose vCPU runs one request at a time: it arrives,
 * waits for its turn (dsched_try() each tick), holds the queue for the
 * request's service time, then thinks (its guest, or the next request
 * of its batch) before it arrives again. The clock is the simulation's.
 */
#include "tests/unit/check_run.h"
#include "vmkernel/storage/disk_sched.h"

#define TICK_US		5
#define SERVICE_US	100	/* one request's hold of the queue */
#define BATCH_GAP_US	10	/* the next request of a batch: within DSCHED_KEEP_US */

enum sim_state { SIM_OFF, SIM_THINK, SIM_WAIT, SIM_RUN };

struct sim_flow {
	struct dsched_flow f;
	enum sim_state state;
	int32_t left_us;	/* of SIM_THINK or SIM_RUN */
	uint32_t gap_us;	/* think time after each request */
	uint32_t blocks;	/* each request's size */
	uint32_t service_us;
	uint64_t done;		/* requests ended */
	uint64_t waited_us, max_wait_us, wait_began;
	uint32_t immediate;	/* arrivals that had their turn at once */
};

static struct dsched q;
static uint64_t now;

static uint64_t sim_now(void *ctx)
{
	(void)ctx;
	return now;
}

static void flow_init(struct sim_flow *s, uint32_t shares, uint32_t gap_us)
{
	memset(s, 0, sizeof(*s));
	dsched_flow_init(&s->f, shares);
	s->gap_us = gap_us;
	s->blocks = 8;		/* 4 KiB random reads */
	s->service_us = SERVICE_US;
	s->state = SIM_THINK;
}

static void started(struct sim_flow *s)
{
	uint64_t w = now - s->wait_began;

	s->waited_us += w;
	if (w > s->max_wait_us)
		s->max_wait_us = w;
	s->state = SIM_RUN;
	s->left_us = s->service_us;
}

/* One tick of every flow: the holder first, so a turn passes at once. */
static void tick(struct sim_flow *fl, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		struct sim_flow *s = &fl[i];

		if (s->state != SIM_RUN || (s->left_us -= TICK_US) > 0)
			continue;
		s->done++;
		dsched_done(&q, &s->f);
		s->state = SIM_THINK;
		s->left_us = s->gap_us;
	}
	for (unsigned int i = 0; i < n; i++) {
		struct sim_flow *s = &fl[i];

		if (s->state == SIM_THINK && s->left_us <= TICK_US) {
			s->wait_began = now;
			if (dsched_arrive(&q, &s->f, s->blocks)) {
				s->immediate++;
				started(s);
			} else {
				s->state = SIM_WAIT;
			}
		} else if (s->state == SIM_THINK) {
			s->left_us -= TICK_US;
		}
	}
	for (unsigned int i = 0; i < n; i++)
		if (fl[i].state == SIM_WAIT && dsched_try(&q, &fl[i].f))
			started(&fl[i]);
	now += TICK_US;
}

static void run_us(struct sim_flow *fl, unsigned int n, uint64_t us)
{
	for (uint64_t end = now + us; now < end;)
		tick(fl, n);
}

static void setup(void)
{
	now = 1000;
	dsched_init(&q, sim_now, NULL);
}

START_TEST(test_backlogged_2000_and_1000_get_2_to_1)
{
	struct sim_flow fl[2];
	double ratio;

	flow_init(&fl[0], 2000, BATCH_GAP_US);
	flow_init(&fl[1], 1000, BATCH_GAP_US);
	run_us(fl, 2, 3000000);
	ratio = (double)fl[0].done / (double)fl[1].done;
	ck_assert_msg(ratio > 1.97 && ratio < 2.03, "2000:1000 gave %llu:%llu",
		      (unsigned long long)fl[0].done, (unsigned long long)fl[1].done);
	/* the queue stays busy: nothing lost to the kept turns */
	ck_assert_uint_ge(fl[0].done + fl[1].done, 3000000 / (SERVICE_US + TICK_US) * 95 / 100);
}
END_TEST

START_TEST(test_equal_shares_get_the_same)
{
	struct sim_flow fl[2];

	flow_init(&fl[0], 0, BATCH_GAP_US);	/* 0: normal, 1000 */
	flow_init(&fl[1], 1000, BATCH_GAP_US);
	run_us(fl, 2, 1000000);
	ck_assert_uint_le(fl[0].done > fl[1].done ? fl[0].done - fl[1].done :
			  fl[1].done - fl[0].done, 1);
}
END_TEST

START_TEST(test_three_flows_share_in_proportion)
{
	struct sim_flow fl[3];

	flow_init(&fl[0], 500, BATCH_GAP_US);
	flow_init(&fl[1], 1000, BATCH_GAP_US);
	flow_init(&fl[2], 2000, BATCH_GAP_US);
	run_us(fl, 3, 3000000);
	ck_assert_msg(fl[1].done * 100 > fl[0].done * 197 && fl[1].done * 100 < fl[0].done * 203 &&
		      fl[2].done * 100 > fl[1].done * 197 && fl[2].done * 100 < fl[1].done * 203,
		      "500:1000:2000 gave %llu:%llu:%llu", (unsigned long long)fl[0].done,
		      (unsigned long long)fl[1].done, (unsigned long long)fl[2].done);
}
END_TEST

START_TEST(test_the_cost_counts_the_bytes)
{
	struct sim_flow fl[2];

	/* 64 KiB requests cost (64 + 128) blocks, 4 KiB ones (64 + 8): 8:3 */
	flow_init(&fl[0], 1000, BATCH_GAP_US);
	flow_init(&fl[1], 1000, BATCH_GAP_US);
	fl[0].blocks = 128;
	run_us(fl, 2, 3000000);
	ck_assert_msg(fl[1].done * 300 > fl[0].done * 790 && fl[1].done * 300 < fl[0].done * 810,
		      "64 KiB : 4 KiB requests ran %llu:%llu", (unsigned long long)fl[0].done,
		      (unsigned long long)fl[1].done);
}
END_TEST

START_TEST(test_a_lone_flow_is_not_slowed)
{
	struct sim_flow fl[1];

	/* a think time far past the keep: every arrival finds the queue free */
	flow_init(&fl[0], 100, 4 * DSCHED_KEEP_US);
	run_us(fl, 1, 1000000);
	ck_assert_uint_gt(fl[0].done, 0);
	ck_assert_uint_eq(fl[0].immediate, fl[0].done + (fl[0].state == SIM_RUN));
	ck_assert_uint_eq(fl[0].waited_us, 0);
}
END_TEST

START_TEST(test_a_lone_flow_with_low_shares_next_to_an_idle_one_is_not_slowed)
{
	struct sim_flow fl[2];

	flow_init(&fl[0], 100, BATCH_GAP_US);
	flow_init(&fl[1], 10000, 0);
	fl[1].state = SIM_OFF;
	run_us(fl, 2, 500000);
	ck_assert_uint_eq(fl[0].waited_us, 0);
	ck_assert_uint_ge(fl[0].done, 500000 / (SERVICE_US + BATCH_GAP_US + 2 * TICK_US));
}
END_TEST

START_TEST(test_an_idle_flow_does_not_bank_credit)
{
	struct sim_flow fl[2];
	uint64_t a0, b0;

	flow_init(&fl[0], 1000, BATCH_GAP_US);
	flow_init(&fl[1], 1000, BATCH_GAP_US);
	fl[1].state = SIM_OFF;
	run_us(fl, 2, 1000000);		/* a alone: thousands of requests */
	a0 = fl[0].done;
	b0 = fl[1].done;
	ck_assert_uint_eq(b0, 0);
	fl[1].state = SIM_THINK;
	fl[1].left_us = 0;
	/* b joins: from its first request on, turn and turn about */
	run_us(fl, 2, 50 * (SERVICE_US + TICK_US));
	ck_assert_msg(fl[1].done - b0 <= 26 && fl[0].done - a0 >= 23,
		      "after a's %llu alone, b ran %llu and a %llu of the next 50",
		      (unsigned long long)a0, (unsigned long long)(fl[1].done - b0),
		      (unsigned long long)(fl[0].done - a0));
}
END_TEST

START_TEST(test_a_kept_turn_ends_after_the_keep)
{
	struct sim_flow fl[2];

	/* a owed its turn but its guest thinks long: b waits the keep, once */
	flow_init(&fl[0], 10000, 20 * DSCHED_KEEP_US);
	flow_init(&fl[1], 100, BATCH_GAP_US);
	run_us(fl, 2, 1000000);
	ck_assert_uint_gt(fl[0].done, 10);
	ck_assert_uint_le(fl[1].max_wait_us, DSCHED_KEEP_US + SERVICE_US + 2 * TICK_US);
}
END_TEST

START_TEST(test_a_forgotten_flows_kept_turn_goes_to_the_waiter)
{
	struct dsched_flow a, b;

	dsched_flow_init(&a, 2000);
	dsched_flow_init(&b, 100);
	ck_assert(dsched_arrive(&q, &a, 8));
	ck_assert(!dsched_arrive(&q, &b, 8));
	dsched_done(&q, &a);
	ck_assert(dsched_try(&q, &b));		/* b's start tag is lower: b goes */
	dsched_done(&q, &b);
	ck_assert(dsched_arrive(&q, &a, 8));
	ck_assert(!dsched_arrive(&q, &b, 8));
	dsched_done(&q, &a);			/* a is owed: its turn is kept */
	ck_assert(!dsched_try(&q, &b));
	dsched_forget(&q, &a);			/* a's VM ends */
	ck_assert(dsched_try(&q, &b));
}
END_TEST

START_TEST(test_shares_out_of_range_are_clamped)
{
	ck_assert_uint_eq(dsched_shares(0), VMK_VM_DISK_SHARES_NORMAL);
	ck_assert_uint_eq(dsched_shares(1), VMK_VM_DISK_SHARES_MIN);
	ck_assert_uint_eq(dsched_shares(0xffffffffu), VMK_VM_DISK_SHARES_MAX);
	ck_assert_uint_eq(dsched_shares(2000), 2000);
}
END_TEST

/*
 * Review finding: the turn was kept after every request of a light flow
 * (one 4 KiB request every 4 ms, owed the next turn by its small cost),
 * so a stream beside it found the queue idle 3 ms in 4 (-71 % in the
 * reviewer's simulation). A flow late once gets no keep until it is
 * quick again: the stream keeps 90 % of what it does alone.
 */
START_TEST(test_a_light_flow_does_not_idle_the_queue_for_a_stream)
{
	struct sim_flow solo[1], fl[2];

	flow_init(&solo[0], 1000, BATCH_GAP_US);
	solo[0].blocks = 128;
	run_us(solo, 1, 2000000);
	setup();
	flow_init(&fl[0], 1000, BATCH_GAP_US);
	fl[0].blocks = 128;
	flow_init(&fl[1], 1000, 4000);
	run_us(fl, 2, 2000000);
	ck_assert_msg(fl[0].done * 10 >= solo[0].done * 9, "the stream did %llu beside a light flow, %llu alone",
		      (unsigned long long)fl[0].done, (unsigned long long)solo[0].done);
	ck_assert_uint_gt(fl[1].done, 400);
}
END_TEST

/*
 * Review finding: a turn kept for one disk of a VM held that VM's other
 * disk, whose request is the one its vCPU runs now: the kept disk could
 * not come back, and every switch between the VM's disks idled the
 * queue for the whole keep.
 */
START_TEST(test_a_vms_other_disk_is_not_held_by_its_own_kept_turn)
{
	struct dsched_flow x0, x1, y;
	int vm_x, vm_y;

	dsched_flow_init(&x0, 10000);
	dsched_flow_init(&x1, 10000);
	dsched_flow_init(&y, 100);
	dsched_flow_owner(&x0, &vm_x);
	dsched_flow_owner(&x1, &vm_x);
	dsched_flow_owner(&y, &vm_y);
	ck_assert(dsched_arrive(&q, &y, 8));	/* y runs, its finish tag far ahead */
	ck_assert(!dsched_arrive(&q, &x0, 8));
	now += 100;
	dsched_done(&q, &y);
	ck_assert(dsched_try(&q, &x0));
	ck_assert(!dsched_arrive(&q, &y, 8));	/* y waits again, behind x0's next tag */
	now += 100;
	dsched_done(&q, &x0);			/* kept for x0: owed the next turn */
	ck_assert_ptr_eq(q.kept_for, &x0);
	now += 10;
	ck_assert(dsched_arrive(&q, &x1, 8));	/* x's vCPU went on to x1: it goes at once */
	ck_assert_ptr_null(q.kept_for);
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("disk_sched");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_backlogged_2000_and_1000_get_2_to_1);
	tcase_add_test(tc, test_equal_shares_get_the_same);
	tcase_add_test(tc, test_three_flows_share_in_proportion);
	tcase_add_test(tc, test_the_cost_counts_the_bytes);
	tcase_add_test(tc, test_a_lone_flow_is_not_slowed);
	tcase_add_test(tc, test_a_lone_flow_with_low_shares_next_to_an_idle_one_is_not_slowed);
	tcase_add_test(tc, test_an_idle_flow_does_not_bank_credit);
	tcase_add_test(tc, test_a_kept_turn_ends_after_the_keep);
	tcase_add_test(tc, test_a_forgotten_flows_kept_turn_goes_to_the_waiter);
	tcase_add_test(tc, test_shares_out_of_range_are_clamped);
	tcase_add_test(tc, test_a_light_flow_does_not_idle_the_queue_for_a_stream);
	tcase_add_test(tc, test_a_vms_other_disk_is_not_held_by_its_own_kept_turn);
	return check_run("vmkernel disk shares", tc);
}
