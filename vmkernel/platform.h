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
#endif

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a)	(((x) + (a) - 1) & ~((__typeof__(x))(a) - 1))
#define MIN(a, b)	((a) < (b) ? (a) : (b))

/* A test-and-set spinlock; the vmkernel runs with interrupts off. */
struct spinlock {
	volatile uint32_t locked;
};

static inline void spin_lock(struct spinlock *l)
{
	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
		while (l->locked)
			__builtin_ia32_pause();
}

static inline bool spin_trylock(struct spinlock *l)
{
	return !__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE);
}

static inline void spin_unlock(struct spinlock *l)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

#endif /* VMKERNEL_PLATFORM_H */
