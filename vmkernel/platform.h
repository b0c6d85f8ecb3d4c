/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The small platform layer under the vmkernel's portable code (allocator,
 * page tables, log ring, hypercall dispatch, formatting, symbols). The same
 * sources build freestanding for the vmkernel and, with -DVMK_HOST_TEST,
 * for host unit tests against libc.
 */
#ifndef VMKERNEL_PLATFORM_H
#define VMKERNEL_PLATFORM_H

#include <vmk/abi.h>
#include <stdarg.h>

#ifdef VMK_HOST_TEST
#include <string.h>
#else
void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
char *strstr(const char *haystack, const char *needle);
#endif

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a)	(((x) + (a) - 1) & ~((__typeof__(x))(a) - 1))
#define MIN(a, b)	((a) < (b) ? (a) : (b))

/*
 * A ticket spinlock; the vmkernel runs with interrupts off. Fair: CPUs get
 * the lock in the order they asked, so a vCPU world that exits on every
 * port write and retakes vm->lock each time cannot keep the COS's
 * `vmkctl vm info` (which needs the same lock) waiting.
 */
struct spinlock {
	union {
		uint32_t word;
		struct {
			uint16_t owner;		/* the ticket being served */
			uint16_t next;		/* the next ticket handed out */
		} t;
	};
};

static inline void spin_lock(struct spinlock *l)
{
	uint16_t me = __atomic_fetch_add(&l->t.next, 1, __ATOMIC_RELAXED);

	while (__atomic_load_n(&l->t.owner, __ATOMIC_ACQUIRE) != me)
		__builtin_ia32_pause();
}

static inline bool spin_trylock(struct spinlock *l)
{
	uint32_t old = __atomic_load_n(&l->word, __ATOMIC_RELAXED);
	uint16_t owner = (uint16_t)old, next = (uint16_t)(old >> 16);

	if (owner != next)
		return false;
	return __atomic_compare_exchange_n(&l->word, &old,
					   old + (1u << 16), false,
					   __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

/*
 * spin_trylock() until it succeeds (true) or now_ms(ctx) reaches by
 * (false: not held), pausing between tries; for a caller whose wait must
 * end by a deadline. Not fair: a CPU that queued in spin_lock()
 * meanwhile goes first.
 */
static inline bool spin_lock_by(struct spinlock *l, uint64_t (*now_ms)(void *ctx),
				void *ctx, uint64_t by)
{
	while (!spin_trylock(l)) {
		if (now_ms(ctx) >= by)
			return false;
		__builtin_ia32_pause();
	}
	return true;
}

static inline void spin_unlock(struct spinlock *l)
{
	__atomic_store_n(&l->t.owner, (uint16_t)(l->t.owner + 1), __ATOMIC_RELEASE);
}

/*
 * A ticket lock with two kinds of taker. Patient ones (gated_lock(): a
 * VM's disk command, which may hold it for a command's whole timeout
 * ladder) wait as long as it takes; urgent ones (gated_lock_by(): a COS
 * CPU, which must be back in Linux in bounded time) go first. While an
 * urgent taker waits, patient ones do not queue, and one that got the
 * lock anyway (queued before, or raced the count) lets go of it at once
 * without using it. So an urgent taker waits for the holder of the
 * moment it asked and for other urgent takers, never for a patient
 * one's hold that began later. Urgent takers are not fair to each
 * other (spin_lock_by()); patient ones wait as long as urgent ones do.
 */
struct gated_lock {
	struct spinlock lock;
	uint32_t urgent;		/* urgent takers waiting */
};

static inline void gated_lock(struct gated_lock *g)
{
	for (;;) {
		while (__atomic_load_n(&g->urgent, __ATOMIC_SEQ_CST))
			__builtin_ia32_pause();
		spin_lock(&g->lock);
		/* Read under the lock: after an urgent taker counted itself,
		 * no patient hold begins until it has had its turn. */
		if (!__atomic_load_n(&g->urgent, __ATOMIC_SEQ_CST))
			return;
		spin_unlock(&g->lock);
	}
}

/*
 * An urgent taker: spin_lock_by() with the gate shut meanwhile; true:
 * held, false: not held at by (now_ms(ctx)), nothing left behind.
 */
static inline bool gated_lock_by(struct gated_lock *g, uint64_t (*now_ms)(void *ctx),
				 void *ctx, uint64_t by)
{
	bool held;

	__atomic_fetch_add(&g->urgent, 1, __ATOMIC_SEQ_CST);
	held = spin_lock_by(&g->lock, now_ms, ctx, by);
	__atomic_fetch_sub(&g->urgent, 1, __ATOMIC_SEQ_CST);
	return held;
}

/*
 * gated_lock_by() for an urgent taker that holds the lock in turns (a
 * rescan, between its commands): first the patient takers queued when
 * it asks have their turn, so it cannot starve them either.
 */
static inline bool gated_lock_in_turn_by(struct gated_lock *g,
					 uint64_t (*now_ms)(void *ctx),
					 void *ctx, uint64_t by)
{
	uint16_t end = __atomic_load_n(&g->lock.t.next, __ATOMIC_SEQ_CST);

	while ((int16_t)(__atomic_load_n(&g->lock.t.owner, __ATOMIC_ACQUIRE) - end) < 0) {
		if (now_ms(ctx) >= by)
			return false;
		__builtin_ia32_pause();
	}
	return gated_lock_by(g, now_ms, ctx, by);
}

static inline void gated_unlock(struct gated_lock *g)
{
	spin_unlock(&g->lock);
}

#endif /* VMKERNEL_PLATFORM_H */
