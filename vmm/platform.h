// SPDX-License-Identifier: GPL-2.0-only
/*
 * What vmm/ code may assume about its environment. The same sources are
 * linked into the freestanding vmkernel (-m32 -ffreestanding -nostdlib) and
 * into host unit tests, so only the headers that C11 guarantees to a
 * freestanding implementation (C11 §4 paragraph 6) are used here: fixed-width
 * integers, bool and size_t. No libc calls, and no code that makes the
 * compiler emit them (large struct copies or memset-style initialisers).
 */
#ifndef VMM_PLATFORM_H
#define VMM_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VMM_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
/* The structure that embeds member at ptr. */
#define vmm_container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

#endif /* VMM_PLATFORM_H */
