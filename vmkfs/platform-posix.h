/* SPDX-License-Identifier: GPL-2.0-only */
/* vmkfs platform for user space: open an image file or block device. */
#ifndef VMKFS_PLATFORM_POSIX_H
#define VMKFS_PLATFORM_POSIX_H

#include "vmkfs/vmkfs.h"

int vmkfs_posix_open(const char *path, bool read_only, struct vmkfs_dev **devp,
		     char *err, size_t errlen);
void vmkfs_posix_close(struct vmkfs_dev *dev);
/* Test hook: vmkfs_alloc() of more bytes than this fails (0: no limit). */
extern size_t vmkfs_posix_alloc_max;
/*
 * Test hook: with vmkfs_posix_fake_clock, vmkfs_time_us() is
 * vmkfs_posix_now_us and vmkfs_sleep_ms() advances it, at once: waits
 * are measured, not had.
 */
extern bool vmkfs_posix_fake_clock;
extern uint64_t vmkfs_posix_now_us;

#endif
