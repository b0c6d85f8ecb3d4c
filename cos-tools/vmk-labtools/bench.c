// SPDX-License-Identifier: GPL-2.0-only
/*
 * Micro-benchmarks of the takeover benchmark (bench/takeover): each runs for
 * a wall-clock time and prints "bench NAME OPS_PER_SECOND". What they stress
 * under the vmkernel:
 *   cpu        nothing but the CPU (no exits expected: the ideal ratio is 1)
 *   syscall    getppid(): kernel entry/exit, no page-table change
 *   fork       fork + exec + wait of /bin/true: page tables, CR3 writes, TLB
 *   pagefault  touching fresh anonymous pages: guest page faults, NPT fills
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "labtool.h"

#define BENCH_PF_BYTES	(4u << 20)

static volatile uint32_t bench_sink;

static uint64_t bench_cpu_step(void)
{
	uint32_t x = bench_sink, i;

	for (i = 0; i < 100000; i++)
		x = x * 1664525u + 1013904223u;
	bench_sink = x;
	return 1;
}

static uint64_t bench_syscall_step(void)
{
	int i;

	for (i = 0; i < 1000; i++)
		syscall(SYS_getppid);
	return 1000;
}

static uint64_t bench_fork_step(void)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		execl("/bin/true", "true", (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || status != 0) {
		labtool_fail("bench fork: /bin/true did not run (status %#x)", status);
		exit(1);
	}
	return 1;
}

static uint64_t bench_pagefault_step(void)
{
	size_t off;
	char *p = mmap(NULL, BENCH_PF_BYTES, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		labtool_fail("bench pagefault: mmap: %m");
		exit(1);
	}
	for (off = 0; off < BENCH_PF_BYTES; off += 4096)
		p[off] = 1;
	munmap(p, BENCH_PF_BYTES);
	return BENCH_PF_BYTES / 4096;
}

static const struct {
	const char *name;
	uint64_t (*step)(void);	/* returns the operations it did */
} benches[] = {
	{ "cpu", bench_cpu_step },	/* one operation = 100000 LCG steps */
	{ "syscall", bench_syscall_step },
	{ "fork", bench_fork_step },
	{ "pagefault", bench_pagefault_step },
};

int cmd_bench(int argc, char **argv)
{
	uint64_t ops = 0, t0, dt, limit;
	size_t i;

	if (argc < 3 || argc > 4)
		return labtool_fail("usage: bench cpu|syscall|fork|pagefault SECONDS [CPU]");
	if (argc == 4 && labtool_pin(atoi(argv[3])))
		return 1;
	limit = strtoull(argv[2], NULL, 0) * 1000000000ull;
	for (i = 0; i < sizeof(benches) / sizeof(benches[0]); i++) {
		if (strcmp(argv[1], benches[i].name))
			continue;
		t0 = labtool_now_ns();
		do
			ops += benches[i].step();
		while ((dt = labtool_now_ns() - t0) < limit);
		printf("bench %s %.1f\n", argv[1], ops * 1e9 / dt);
		return 0;
	}
	return labtool_fail("bench: no benchmark %s", argv[1]);
}
