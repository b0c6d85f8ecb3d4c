/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Fixed-width types for the headers shared by the loader module (Linux
 * kernel), the vmkernel (freestanding) and the COS tools (user space).
 */
#ifndef VMK_TYPES_H
#define VMK_TYPES_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/stddef.h>
#else
#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#endif

#endif /* VMK_TYPES_H */
