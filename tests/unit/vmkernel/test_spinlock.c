// SPDX-License-Identifier: GPL-2.0-only
/* The vmkernel's ticket spinlock (vmkernel/platform.h): exclusion under
 * contention, trylock, a wait bounded by a deadline, tickets that wrap
 * around, and the gated lock's urgent takers going first. */
#include <pthread.h>
#include "tests/unit/check_run.h"
#include "vmkernel/platform.h"

/* Few rounds: a ticket lock hands over in order, so on an oversubscribed
 * host each handover may wait for a descheduled thread. */
#define THREADS		2
#define ROUNDS		3000
#define WIDEN		200	/* loops inside the critical section */

static struct spinlock lock;
static volatile uint32_t counter;

static void *hammer(void *arg)
{
	(void)arg;
	for (int i = 0; i < ROUNDS; i++) {
		uint32_t seen;

		spin_lock(&lock);
		/* Read, wait, write: without exclusion updates get lost. */
		seen = counter;
		for (volatile int j = 0; j < WIDEN; j++)
			;
		counter = seen + 1;
		spin_unlock(&lock);
	}
	return NULL;
}

START_TEST(test_threads_exclude_each_other)
{
	pthread_t t[THREADS];

	memset(&lock, 0, sizeof(lock));
	counter = 0;
	for (int i = 0; i < THREADS; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, hammer, NULL), 0);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	ck_assert_uint_eq(counter, THREADS * ROUNDS);
	ck_assert(spin_trylock(&lock));		/* everything was released */
}
END_TEST

START_TEST(test_trylock_fails_while_held_and_succeeds_after)
{
	struct spinlock l = { 0 };

	ck_assert(spin_trylock(&l));
	ck_assert(!spin_trylock(&l));
	spin_unlock(&l);
	spin_lock(&l);
	ck_assert(!spin_trylock(&l));
	spin_unlock(&l);
	ck_assert(spin_trylock(&l));
	spin_unlock(&l);
}
END_TEST

START_TEST(test_tickets_wrap_around)
{
	struct spinlock l = { 0 };

	for (uint32_t i = 0; i < 70000; i++) {	/* more than 16-bit tickets */
		if (i % 2)
			spin_lock(&l);
		else
			ck_assert(spin_trylock(&l));
		ck_assert(!spin_trylock(&l));
		spin_unlock(&l);
	}
	ck_assert(spin_trylock(&l));
}
END_TEST

/* A clock that moves 1 ms at each reading and lets go of held at release_ms. */
struct fake_clock {
	uint64_t now, release_ms;
	struct spinlock *held;
};

static uint64_t fake_now_ms(void *ctx)
{
	struct fake_clock *c = ctx;

	if (++c->now == c->release_ms)
		spin_unlock(c->held);
	return c->now;
}

START_TEST(test_lock_by_gives_up_at_its_deadline_without_the_lock)
{
	struct spinlock l = { 0 };
	struct fake_clock c = { .held = &l };

	ck_assert(spin_trylock(&l));		/* another CPU's, never let go */
	ck_assert(!spin_lock_by(&l, fake_now_ms, &c, 100));
	ck_assert_uint_eq(c.now, 100);
	spin_unlock(&l);			/* the holder's: no ticket was taken */
	ck_assert(spin_trylock(&l));
	spin_unlock(&l);
}
END_TEST

START_TEST(test_lock_by_takes_the_lock_once_let_go_or_at_once_when_free)
{
	struct spinlock l = { 0 };
	struct fake_clock c = { .release_ms = 50, .held = &l };

	ck_assert(spin_trylock(&l));
	ck_assert(spin_lock_by(&l, fake_now_ms, &c, 100));
	ck_assert_uint_eq(c.now, 50);
	ck_assert(!spin_trylock(&l));		/* held: by the caller */
	spin_unlock(&l);
	ck_assert(spin_lock_by(&l, fake_now_ms, &c, 0));	/* free: past by too */
	ck_assert_uint_eq(c.now, 50);
	spin_unlock(&l);
}
END_TEST

/*
 * The storage lock's case: a VM's command holds it, a second VM's is
 * queued behind, then the COS asks. The COS's clock stands still until
 * the queued VM command has the lock for itself, so the COS gives up
 * (at its 1000th ms) only if that command went first.
 */
static struct gated_lock gl;
static uint32_t order, patient_had, urgent_had, clock_reads;
static uint64_t urgent_now;

static uint64_t stands_until_patient_had(void *ctx)
{
	(void)ctx;
	__atomic_fetch_add(&clock_reads, 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&patient_had, __ATOMIC_SEQ_CST))
		urgent_now++;
	return urgent_now;
}

static void *patient_io(void *arg)
{
	(void)arg;
	gated_lock(&gl);
	__atomic_store_n(&patient_had, __atomic_add_fetch(&order, 1, __ATOMIC_SEQ_CST),
			 __ATOMIC_SEQ_CST);
	/* Its command: until the urgent taker had the lock or gave up. */
	while (!__atomic_load_n(&urgent_had, __ATOMIC_SEQ_CST))
		__builtin_ia32_pause();
	gated_unlock(&gl);
	return NULL;
}

static void *urgent_cos(void *arg)
{
	bool held = gated_lock_by(&gl, stands_until_patient_had, NULL, 1000);

	*(bool *)arg = held;
	__atomic_store_n(&urgent_had, __atomic_add_fetch(&order, 1, __ATOMIC_SEQ_CST),
			 __ATOMIC_SEQ_CST);
	if (held)
		gated_unlock(&gl);
	return NULL;
}

START_TEST(test_gated_urgent_taker_goes_before_patient_ones_queued_ahead)
{
	pthread_t p, u;
	bool held = false;

	memset(&gl, 0, sizeof(gl));
	gated_lock(&gl);			/* a VM's command in progress */
	ck_assert_int_eq(pthread_create(&p, NULL, patient_io, NULL), 0);
	while (__atomic_load_n(&gl.lock.t.next, __ATOMIC_SEQ_CST) != 2)
		__builtin_ia32_pause();		/* the second one queued */
	ck_assert_int_eq(pthread_create(&u, NULL, urgent_cos, &held), 0);
	while (!__atomic_load_n(&clock_reads, __ATOMIC_SEQ_CST))
		__builtin_ia32_pause();		/* the COS found it held */
	gated_unlock(&gl);
	pthread_join(u, NULL);
	pthread_join(p, NULL);
	ck_assert(held);
	ck_assert_uint_lt(urgent_had, patient_had);
	ck_assert_uint_eq(gl.urgent, 0);
	ck_assert(spin_trylock(&gl.lock));	/* both let go */
}
END_TEST

START_TEST(test_gated_urgent_taker_gives_up_at_its_deadline_leaving_gate_open)
{
	struct gated_lock g = { 0 };
	struct fake_clock c = { .held = &g.lock };

	gated_lock(&g);				/* a hung VM command */
	ck_assert(!gated_lock_by(&g, fake_now_ms, &c, 100));
	ck_assert_uint_eq(c.now, 100);
	ck_assert_uint_eq(g.urgent, 0);
	gated_unlock(&g);
	gated_lock(&g);				/* VM I/O goes on */
	gated_unlock(&g);
	ck_assert(gated_lock_by(&g, fake_now_ms, &c, 0));	/* free: at once */
	ck_assert_uint_eq(c.now, 100);
	gated_unlock(&g);
}
END_TEST

START_TEST(test_gated_in_turn_lets_the_queued_patient_taker_go_first)
{
	struct gated_lock g = { 0 };
	struct fake_clock c = { .release_ms = 50, .held = &g.lock };

	gated_lock(&g);				/* the rescan's command */
	__atomic_fetch_add(&g.lock.t.next, 1, __ATOMIC_RELAXED);	/* VM I/O queued */
	gated_unlock(&g);			/* VM I/O holds it now */
	ck_assert(gated_lock_in_turn_by(&g, fake_now_ms, &c, 100));
	ck_assert_uint_eq(c.now, 50);
	gated_unlock(&g);
	c.release_ms = 0;
	gated_lock(&g);
	__atomic_fetch_add(&g.lock.t.next, 1, __ATOMIC_RELAXED);
	gated_unlock(&g);			/* never lets go */
	ck_assert(!gated_lock_in_turn_by(&g, fake_now_ms, &c, 100));
	ck_assert_uint_eq(c.now, 100);
	ck_assert_uint_eq(g.urgent, 0);
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("spinlock");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_threads_exclude_each_other);
	tcase_add_test(tc, test_trylock_fails_while_held_and_succeeds_after);
	tcase_add_test(tc, test_tickets_wrap_around);
	tcase_add_test(tc, test_lock_by_gives_up_at_its_deadline_without_the_lock);
	tcase_add_test(tc, test_lock_by_takes_the_lock_once_let_go_or_at_once_when_free);
	tcase_add_test(tc, test_gated_urgent_taker_goes_before_patient_ones_queued_ahead);
	tcase_add_test(tc, test_gated_urgent_taker_gives_up_at_its_deadline_leaving_gate_open);
	tcase_add_test(tc, test_gated_in_turn_lets_the_queued_patient_taker_go_first);
	return check_run("vmkernel spinlock", tc);
}
