// SPDX-License-Identifier: GPL-2.0-only
/*
 * Timers: sleep pinned to one CPU and measure each wake-up. A sleep may end
 * late (the machine is emulated and shared) but never early, and not later
 * than MAX_LATE_MS: a lost or misrouted timer interrupt shows as a sleep that
 * ends seconds late or never. The sleeper runs SCHED_FIFO where it may, so
 * that what is measured is the timer's delivery, not how long the COS's
 * scheduler lets the other parts of a workload run first.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "labtool.h"

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * 64-bit time system call: the COS kernel has no 32-bit time system calls
 * (CONFIG_COMPAT_32BIT_TIME off), which glibc's i386 nanosleep() uses for
 * short sleeps.
 */
int labtool_sleep(const struct labtool_ts *ts)
{
#ifdef SYS_clock_nanosleep_time64
	return syscall(SYS_clock_nanosleep_time64, CLOCK_MONOTONIC, 0, ts, NULL);
#else
	return syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, ts, NULL);
#endif
}

int cmd_sleep(int argc, char **argv)
{
	double s;
	struct labtool_ts ts;

	if (argc != 2 || (s = atof(argv[1])) <= 0)
		return labtool_fail("usage: sleep SECONDS");
	ts.tv_sec = (int64_t)s;
	ts.tv_nsec = (int64_t)((s - ts.tv_sec) * 1e9);
	if (labtool_sleep(&ts))
		return labtool_fail("sleep: %m");
	return 0;
}

int cmd_timer(int argc, char **argv)
{
	int cpu, count, ms, i, where;
	uint64_t max_late_ns = 250000000ull, want, *late;
	struct labtool_ts req;

	if (argc < 4 || argc > 5)
		return labtool_fail("usage: timer CPU COUNT MS [MAX_LATE_MS]");
	cpu = atoi(argv[1]);
	count = atoi(argv[2]);
	ms = atoi(argv[3]);
	if (argc == 5)
		max_late_ns = strtoull(argv[4], NULL, 0) * 1000000ull;
	if (count < 1 || ms < 1)
		return labtool_fail("timer: COUNT and MS must be positive");
	if (labtool_pin(cpu))
		return 1;
	sched_setscheduler(0, SCHED_FIFO, &(struct sched_param){ .sched_priority = 50 });
	late = calloc(count, sizeof(*late));
	if (!late)
		return labtool_fail("timer: out of memory");
	want = ms * 1000000ull;
	req.tv_sec = ms / 1000;
	req.tv_nsec = (ms % 1000) * 1000000l;
	for (i = 0; i < count; i++) {
		uint64_t t0 = labtool_now_ns(), dt;
		int err = labtool_sleep(&req);

		dt = labtool_now_ns() - t0;
		if (err)
			return labtool_fail("timer: CPU %d: clock_nanosleep: %m", cpu);
		where = sched_getcpu();
		if (where != cpu)
			return labtool_fail("timer: pinned to CPU %d but woke on CPU %d", cpu, where);
		if (dt < want)
			return labtool_fail("timer: CPU %d: a %d ms sleep ended after %llu us (early)",
					    cpu, ms, (unsigned long long)dt / 1000);
		late[i] = dt - want;
		if (late[i] > max_late_ns)
			return labtool_fail("timer: CPU %d: a %d ms sleep ended %llu ms late (limit %llu ms)",
					    cpu, ms, (unsigned long long)late[i] / 1000000,
					    (unsigned long long)max_late_ns / 1000000);
	}
	qsort(late, count, sizeof(*late), cmp_u64);
	printf("timer: CPU %d: %d sleeps of %d ms, late by min %llu us, median %llu us, max %llu us\n",
	       cpu, count, ms, (unsigned long long)late[0] / 1000,
	       (unsigned long long)late[count / 2] / 1000,
	       (unsigned long long)late[count - 1] / 1000);
	free(late);
	return 0;
}
