/* SPDX-License-Identifier: GPL-2.0-only */
/* A fake of the vmkernel's log (vmkernel/log/log.h) for host tests. */
#ifndef TESTS_UNIT_VMKERNEL_FAKE_LOG_H
#define TESTS_UNIT_VMKERNEL_FAKE_LOG_H

/* The text of the last vmk_log() call, formatted, and how many calls. */
extern char fake_log_last[256];
extern unsigned int fake_log_count;

#endif /* TESTS_UNIT_VMKERNEL_FAKE_LOG_H */
