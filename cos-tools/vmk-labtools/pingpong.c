// SPDX-License-Identifier: GPL-2.0-only
/*
 * Cross-CPU wake-ups: two processes pinned to two CPUs hand a byte back
 * and forth through two pipes for SECONDS, and every 64th round each one
 * also sleeps 100 us (a timer armed and fired) and yields. Every round is
 * a wake-up of a task on the other CPU (a reschedule IPI) and a pass
 * through the scheduler with its runqueue lock held and interrupts off:
 * the path a COS interrupt delivered at the wrong moment deadlocks (the
 * COS spinlock hang, docs/development.md). Prints the rounds; exits 1 if
 * a byte came back wrong or a process failed.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include "labtool.h"

static int bounce(int in, int out, int cpu, uint64_t end_ns, bool starts, uint64_t *rounds)
{
	const struct labtool_ts nap = { 0, 100000 };
	unsigned char b = 0, want = starts ? 1 : 0;

	if (labtool_pin(cpu))
		return 1;
	if (starts && write(out, &b, 1) != 1)
		return labtool_fail("pingpong: first write: %m");
	for (*rounds = 0; labtool_now_ns() < end_ns; (*rounds)++) {
		switch (read(in, &b, 1)) {
		case 1:
			break;
		case 0:	/* the other end closed: for the starter, it died */
			return starts ? labtool_fail("pingpong: the other process ended early") : 0;
		default:
			return labtool_fail("pingpong: read: %m");
		}
		if (b != want)
			return labtool_fail("pingpong: got %u, want %u", b, want);
		b++;
		want = (unsigned char)(b + 1);
		if (!(*rounds & 63)) {
			labtool_sleep(&nap);
			sched_yield();
		}
		if (write(out, &b, 1) != 1)
			return labtool_fail("pingpong: write: %m");
	}
	return 0;
}

int cmd_pingpong(int argc, char **argv)
{
	int ab[2], ba[2], status, a, b, rc;
	uint64_t end_ns, rounds = 0;
	pid_t child;

	if (argc != 4)
		return labtool_fail("usage: pingpong CPU_A CPU_B SECONDS");
	/* A child that died must show as a failure, not kill us silently. */
	signal(SIGPIPE, SIG_IGN);
	a = atoi(argv[1]);
	b = atoi(argv[2]);
	end_ns = labtool_now_ns() + (uint64_t)atoi(argv[3]) * 1000000000ull;
	if (pipe(ab) || pipe(ba))
		return labtool_fail("pingpong: pipe: %m");
	child = fork();
	if (child < 0)
		return labtool_fail("pingpong: fork: %m");
	if (child == 0) {
		close(ab[1]);
		close(ba[0]);
		_exit(bounce(ab[0], ba[1], b, end_ns + 2000000000ull, false, &rounds));
	}
	close(ab[0]);
	close(ba[1]);
	rc = bounce(ba[0], ab[1], a, end_ns, true, &rounds);
	close(ab[1]);	/* the child reads EOF and ends */
	if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status))
		rc = labtool_fail("pingpong: the process on CPU %d failed", b);
	printf("pingpong: %llu rounds between CPU %d and CPU %d\n",
	       (unsigned long long)rounds, a, b);
	return rc;
}

/*
 * yield CPU SECONDS: sched_yield() in a loop pinned to CPU, as a task
 * that waits for entropy calls schedule() (interrupts off and on again at
 * each call); every 256th round a 100 us sleep arms a timer.
 */
int cmd_yield(int argc, char **argv)
{
	const struct labtool_ts nap = { 0, 100000 };
	uint64_t end_ns, rounds;

	if (argc != 3)
		return labtool_fail("usage: yield CPU SECONDS");
	if (labtool_pin(atoi(argv[1])))
		return 1;
	end_ns = labtool_now_ns() + (uint64_t)atoi(argv[2]) * 1000000000ull;
	for (rounds = 0; labtool_now_ns() < end_ns; rounds++) {
		sched_yield();
		if (!(rounds & 255))
			labtool_sleep(&nap);
	}
	printf("yield: %llu rounds on CPU %s\n", (unsigned long long)rounds, argv[1]);
	return 0;
}
