/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vmk-labtool: one binary, one subcommand per concern (like git's builtins).
 * Every check prints "FAIL: <what>" on stderr and returns nonzero; results
 * are single lines a shell script can parse.
 */
#ifndef VMK_LABTOOL_H
#define VMK_LABTOOL_H

#include <stdbool.h>
#include <stdint.h>

uint64_t labtool_now_ns(void);
/* Parse "64M", "4k", "123" into bytes; 0 on garbage. */
uint64_t labtool_size(const char *s);
int labtool_pin(int cpu);
/* struct __kernel_timespec: 64-bit time on every architecture */
struct labtool_ts {
	int64_t tv_sec;
	int64_t tv_nsec;
};
int labtool_sleep(const struct labtool_ts *ts);
int labtool_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

int cmd_mem(int argc, char **argv);
int cmd_timer(int argc, char **argv);
int cmd_sleep(int argc, char **argv);
int cmd_tcp_echo(int argc, char **argv);
int cmd_tcp_check(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_user_vmmcall(int argc, char **argv);
int cmd_xmm_check(int argc, char **argv);
int cmd_pingpong(int argc, char **argv);
int cmd_yield(int argc, char **argv);
int cmd_nic_link(int argc, char **argv);
int cmd_maddr(int argc, char **argv);

#endif /* VMK_LABTOOL_H */
