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

#endif /* VMKERNEL_PLATFORM_H */
