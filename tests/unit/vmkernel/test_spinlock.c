// SPDX-License-Identifier: GPL-2.0-only
/* The vmkernel's ticket spinlock (vmkernel/platform.h): exclusion under
 * contention, trylock, a wait bounded by a deadline, and tickets that
 * wrap around. */
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

int main(void)
{
	TCase *tc = tcase_create("spinlock");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_threads_exclude_each_other);
	tcase_add_test(tc, test_trylock_fails_while_held_and_succeeds_after);
	tcase_add_test(tc, test_tickets_wrap_around);
	tcase_add_test(tc, test_lock_by_gives_up_at_its_deadline_without_the_lock);
	tcase_add_test(tc, test_lock_by_takes_the_lock_once_let_go_or_at_once_when_free);
	return check_run("vmkernel spinlock", tc);
}
