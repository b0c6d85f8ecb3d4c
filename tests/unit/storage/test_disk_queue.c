// SPDX-License-Identifier: GPL-2.0-only
/*
 * The VM disks' request queue (vmkernel/storage/disk_queue.h): disk
 * shares with several requests queued per flow, the done lists, and an
 * owner's cancel. A simulated worker runs one request at a time; each
 * simulated VM keeps its slots busy (a guest with a deep queue).
 */
#include "tests/unit/check_run.h"
#include "vmkernel/storage/disk_queue.h"

#define SLOTS	8	/* a VM's requests: what vm_disk.c gives each */

struct sim_vm {
	struct dq_owner o;
	struct dq_flow f;
	struct dq_req r[SLOTS];
	uint32_t blocks;	/* each request's size */
	uint64_t done;		/* requests reaped */
};

static struct disk_queue q;

static void setup(void)
{
	dq_init(&q);
}

static void vm_init(struct sim_vm *v, uint32_t shares, uint32_t blocks)
{
	memset(v, 0, sizeof(*v));
	dq_owner_init(&v->o);
	dq_flow_init(&v->f, shares, &v->o);
	v->blocks = blocks;
}

/* The VM's vCPU: reap what ended, queue every free slot again. */
static void vm_poll(struct sim_vm *v)
{
	while (dq_reap(&q, &v->o))
		v->done++;
	for (unsigned int i = 0; i < SLOTS; i++)
		if (v->r[i].state == DQ_FREE)
			ck_assert(dq_submit(&q, &v->r[i], &v->f, v->blocks));
}

/* n requests through the worker, each VM polling after each. */
static void run(struct sim_vm *vms, unsigned int nr_vms, unsigned int n)
{
	for (unsigned int i = 0; i < nr_vms; i++)
		vm_poll(&vms[i]);
	for (unsigned int k = 0; k < n; k++) {
		struct dq_req *r = dq_take(&q);

		ck_assert_ptr_nonnull(r);
		ck_assert(dq_finish(&q, r));
		for (unsigned int i = 0; i < nr_vms; i++)
			vm_poll(&vms[i]);
	}
}

START_TEST(test_2000_and_1000_with_queued_requests_get_2_to_1)
{
	struct sim_vm v[2];
	double ratio;

	vm_init(&v[0], 2000, 8);	/* 4 KiB random reads */
	vm_init(&v[1], 1000, 8);
	run(v, 2, 30000);
	ratio = (double)v[0].done / (double)v[1].done;
	ck_assert_msg(ratio > 1.97 && ratio < 2.03, "2000:1000 gave %llu:%llu",
		      (unsigned long long)v[0].done, (unsigned long long)v[1].done);
}
END_TEST

START_TEST(test_three_vms_share_in_proportion_and_by_bytes)
{
	struct sim_vm v[3];

	vm_init(&v[0], 500, 8);
	vm_init(&v[1], 1000, 8);
	/* 64 KiB requests cost (64 + 128) blocks, 4 KiB ones (64 + 8): 8:3 */
	vm_init(&v[2], 1000, 128);
	run(v, 3, 30000);
	ck_assert_msg(v[1].done * 100 > v[0].done * 197 && v[1].done * 100 < v[0].done * 203 &&
		      v[1].done * 300 > v[2].done * 790 && v[1].done * 300 < v[2].done * 810,
		      "500:1000:1000 (64 KiB) gave %llu:%llu:%llu", (unsigned long long)v[0].done,
		      (unsigned long long)v[1].done, (unsigned long long)v[2].done);
}
END_TEST

START_TEST(test_an_idle_flow_banks_no_credit)
{
	struct sim_vm v[2];
	uint64_t before;

	vm_init(&v[0], 1000, 8);
	vm_init(&v[1], 1000, 8);
	run(v, 1, 10000);	/* v[1] idle meanwhile */
	before = v[0].done;
	run(v, 2, 1000);
	/* v[1] starts at the virtual time: it does not run 10000 in a row */
	ck_assert_uint_ge(v[0].done - before, 480);
	ck_assert_uint_ge(v[1].done, 480);
}
END_TEST

START_TEST(test_a_lone_request_is_taken_at_once_and_done_in_order)
{
	struct sim_vm v;
	struct dq_req *r;

	vm_init(&v, 100, 8);
	ck_assert_ptr_null(dq_take(&q));
	ck_assert(dq_submit(&q, &v.r[0], &v.f, 8));
	ck_assert(dq_submit(&q, &v.r[1], &v.f, 8));
	ck_assert(!dq_submit(&q, &v.r[1], &v.f, 8));	/* queued already */
	ck_assert_uint_eq(dq_held(&q, &v.o), 2);
	r = dq_take(&q);
	ck_assert_ptr_eq(r, &v.r[0]);
	ck_assert_int_eq(r->state, DQ_RUNNING);
	ck_assert(dq_finish(&q, r));
	ck_assert(dq_finish(&q, dq_take(&q)));
	ck_assert_ptr_null(dq_take(&q));
	ck_assert_uint_eq(dq_held(&q, &v.o), 0);
	ck_assert_ptr_eq(dq_reap(&q, &v.o), &v.r[0]);
	ck_assert_ptr_eq(dq_reap(&q, &v.o), &v.r[1]);
	ck_assert_ptr_null(dq_reap(&q, &v.o));
	ck_assert_int_eq(v.r[0].state, DQ_FREE);
	ck_assert_uint_eq(v.f.turns, 2);
}
END_TEST

START_TEST(test_cancel_frees_queued_and_done_and_throws_the_running_away)
{
	struct sim_vm v[2];
	struct dq_req *running;

	vm_init(&v[0], 1000, 8);
	vm_init(&v[1], 1000, 8);
	vm_poll(&v[0]);
	vm_poll(&v[1]);
	ck_assert(dq_finish(&q, dq_take(&q)));	/* v[0]'s first: done */
	running = dq_take(&q);
	ck_assert_ptr_eq(running->flow, &v[1].f);
	ck_assert(dq_finish(&q, running));
	running = dq_take(&q);			/* v[0]'s second: running */
	ck_assert_ptr_eq(running->flow, &v[0].f);

	ck_assert_uint_eq(dq_cancel(&q, &v[0].o), 1);
	for (unsigned int i = 0; i < SLOTS; i++)
		ck_assert_int_eq(v[0].r[i].state,
				 &v[0].r[i] == running ? DQ_RUNNING : DQ_FREE);
	ck_assert_ptr_null(dq_reap(&q, &v[0].o));
	ck_assert(!dq_submit(&q, &v[0].r[0], &v[0].f, 8));	/* going away */
	/* the worker finishes it: thrown away, not on the done list */
	ck_assert(!dq_finish(&q, running));
	ck_assert_int_eq(running->state, DQ_FREE);
	ck_assert_uint_eq(dq_held(&q, &v[0].o), 0);
	ck_assert_ptr_null(dq_reap(&q, &v[0].o));
	/* the other VM's requests are untouched, and only they are left */
	ck_assert_uint_eq(dq_held(&q, &v[1].o), SLOTS - 1);
	for (struct dq_req *r; (r = dq_take(&q)) != NULL;) {
		ck_assert_ptr_eq(r->flow, &v[1].f);
		ck_assert(dq_finish(&q, r));
	}
	ck_assert_uint_eq(dq_held(&q, &v[1].o), 0);
	/* a power on again: the owner anew */
	dq_owner_init(&v[0].o);
	ck_assert(dq_submit(&q, &v[0].r[0], &v[0].f, 8));
}
END_TEST

/*
 * A guest's abort takes a VM's requests back: a queued one goes to the
 * done list without running (the worker never sees it, the flow's count
 * drops), a running one is left to finish onto the done list, a done
 * one stays; the other VM's go on.
 */
START_TEST(test_withdraw_takes_a_queued_request_back_unrun)
{
	struct sim_vm v[2];
	struct dq_req *running, *queued = NULL;

	vm_init(&v[0], 1000, 8);
	vm_init(&v[1], 1000, 8);
	vm_poll(&v[0]);
	vm_poll(&v[1]);
	ck_assert(dq_finish(&q, dq_take(&q)));	/* v[0]'s first: done */
	ck_assert(dq_finish(&q, dq_take(&q)));	/* v[1]'s first: done */
	running = dq_take(&q);			/* v[0]'s second: running */
	ck_assert_ptr_eq(running->flow, &v[0].f);
	for (unsigned int i = 0; i < SLOTS && !queued; i++)
		if (v[0].r[i].state == DQ_QUEUED)
			queued = &v[0].r[i];
	ck_assert_ptr_nonnull(queued);

	ck_assert_int_eq(dq_withdraw(&q, queued), DQ_QUEUED);
	ck_assert_int_eq(queued->state, DQ_DONE);
	ck_assert_uint_eq(v[0].f.queued, SLOTS - 3);
	ck_assert_uint_eq(dq_held(&q, &v[0].o), SLOTS - 2);
	ck_assert_int_eq(dq_withdraw(&q, queued), DQ_DONE);	/* twice: nothing */
	ck_assert_int_eq(dq_withdraw(&q, running), DQ_RUNNING);
	ck_assert(dq_running(&q, running));
	ck_assert(dq_finish(&q, running));	/* kept: its data moved */
	ck_assert(!dq_running(&q, running));
	/* the done list: the first, the withdrawn one, the one that ran */
	ck_assert_ptr_eq(dq_reap(&q, &v[0].o), &v[0].r[0]);
	ck_assert_ptr_eq(dq_reap(&q, &v[0].o), queued);
	ck_assert_ptr_eq(dq_reap(&q, &v[0].o), running);
	ck_assert_ptr_null(dq_reap(&q, &v[0].o));
	/* the worker never takes it; everything else runs */
	for (struct dq_req *r; (r = dq_take(&q)) != NULL;) {
		ck_assert_ptr_ne(r, queued);
		ck_assert(dq_finish(&q, r));
	}
	ck_assert_uint_eq(dq_held(&q, &v[0].o), 0);
	ck_assert_uint_eq(dq_held(&q, &v[1].o), 0);
	ck_assert_int_eq(dq_withdraw(&q, queued), DQ_FREE);
}
END_TEST

static unsigned int wakes;

static void count_wake(void *ctx)
{
	ck_assert_ptr_eq(ctx, &q);
	wakes++;
}

START_TEST(test_the_owner_is_woken_for_each_done_request_only)
{
	struct sim_vm v;

	vm_init(&v, 1000, 8);
	v.o.wake = count_wake;
	v.o.wake_ctx = &q;
	wakes = 0;
	ck_assert(dq_idle(&q));
	ck_assert(dq_submit(&q, &v.r[0], &v.f, 8));
	ck_assert(dq_submit(&q, &v.r[1], &v.f, 8));
	ck_assert(!dq_idle(&q));
	ck_assert(dq_finish(&q, dq_take(&q)));
	ck_assert_uint_eq(wakes, 1);
	ck_assert(dq_has_done(&q, &v.o));
	dq_take(&q);
	ck_assert(dq_idle(&q));
	ck_assert_uint_eq(dq_cancel(&q, &v.o), 1);
	ck_assert(!dq_has_done(&q, &v.o));
	ck_assert(!dq_finish(&q, &v.r[1]));	/* thrown away: no wake */
	ck_assert_uint_eq(wakes, 1);
}
END_TEST

/* Why a flow could not get its turn: its done requests not reaped, or none given. */
START_TEST(test_a_take_counts_the_depth_and_the_other_flows_found_empty)
{
	struct sim_vm v[2];

	vm_init(&v[0], 2000, 8);
	vm_init(&v[1], 1000, 8);
	ck_assert(dq_submit(&q, &v[0].r[0], &v[0].f, 8));
	ck_assert(dq_submit(&q, &v[1].r[0], &v[1].f, 8));
	ck_assert(dq_submit(&q, &v[1].r[1], &v[1].f, 8));
	ck_assert(dq_finish(&q, dq_take(&q)));		/* v[0]'s: v[1] had 2 queued */
	ck_assert_uint_eq(v[0].f.depth, 1);
	ck_assert(dq_finish(&q, dq_take(&q)));		/* v[1]'s: v[0]'s done, not reaped */
	ck_assert_uint_eq(v[0].f.empty_done, 1);
	ck_assert_ptr_nonnull(dq_reap(&q, &v[0].o));
	ck_assert(dq_finish(&q, dq_take(&q)));		/* v[1]'s: v[0] had nothing */
	ck_assert_uint_eq(v[0].f.empty_idle, 1);
	ck_assert_uint_eq(v[1].f.depth, 2 + 1);
	ck_assert_uint_eq(v[1].f.empty_done + v[1].f.empty_idle, 0);
	/* A cancelled owner's flow is not counted any more. */
	ck_assert_uint_eq(dq_cancel(&q, &v[0].o), 0);
	while (dq_reap(&q, &v[1].o))
		;
	ck_assert(dq_submit(&q, &v[1].r[0], &v[1].f, 8));
	ck_assert(dq_finish(&q, dq_take(&q)));
	ck_assert_uint_eq(v[0].f.empty_idle, 1);
}
END_TEST

START_TEST(test_cancel_with_nothing_held_is_zero)
{
	struct sim_vm v;

	vm_init(&v, 1000, 8);
	ck_assert_uint_eq(dq_cancel(&q, &v.o), 0);
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("disk_queue");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_2000_and_1000_with_queued_requests_get_2_to_1);
	tcase_add_test(tc, test_three_vms_share_in_proportion_and_by_bytes);
	tcase_add_test(tc, test_an_idle_flow_banks_no_credit);
	tcase_add_test(tc, test_a_lone_request_is_taken_at_once_and_done_in_order);
	tcase_add_test(tc, test_cancel_frees_queued_and_done_and_throws_the_running_away);
	tcase_add_test(tc, test_withdraw_takes_a_queued_request_back_unrun);
	tcase_add_test(tc, test_the_owner_is_woken_for_each_done_request_only);
	tcase_add_test(tc, test_a_take_counts_the_depth_and_the_other_flows_found_empty);
	tcase_add_test(tc, test_cancel_with_nothing_held_is_zero);
	return check_run("vmkernel disk queue", tc);
}
