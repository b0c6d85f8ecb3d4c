// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmk-labtool: helpers that the COS's busybox cannot provide for the lab
 * workload (tests/lab/cos/workload.sh) and the takeover benchmark (bench/).
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "labtool.h"

uint64_t labtool_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

uint64_t labtool_size(const char *s)
{
	char *end;
	uint64_t v = strtoull(s, &end, 0);

	switch (*end) {
	case 'k': case 'K': v <<= 10; end++; break;
	case 'm': case 'M': v <<= 20; end++; break;
	case 'g': case 'G': v <<= 30; end++; break;
	}
	return *end ? 0 : v;
}

int labtool_pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		return labtool_fail("cannot pin to CPU %d: %m", cpu);
	return 0;
}

int labtool_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("FAIL: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

static int cmd_now(int argc, char **argv)
{
	(void)argc; (void)argv;
	printf("%llu\n", (unsigned long long)labtool_now_ns());
	return 0;
}

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *usage;
} cmds[] = {
	{ "now", cmd_now, "now: CLOCK_MONOTONIC in ns" },
	{ "mem", cmd_mem, "mem SIZE ROUNDS: allocate, fill, verify, free SIZE bytes ROUNDS times" },
	{ "timer", cmd_timer, "timer CPU COUNT MS [MAX_LATE_MS]: COUNT sleeps of MS ms pinned to CPU" },
	{ "sleep", cmd_sleep, "sleep SECONDS: sleep (also where busybox sleep cannot: no 32-bit time syscalls)" },
	{ "tcp-echo", cmd_tcp_echo, "tcp-echo PORT: echo server (one connection at a time, forever)" },
	{ "tcp-check", cmd_tcp_check, "tcp-check IP PORT SIZE: send SIZE bytes, verify the echo" },
	{ "user-vmmcall", cmd_user_vmmcall, "user-vmmcall UID VMID: as UID, VMMCALL with every hypercall number must raise SIGILL" },
	{ "xmm-check", cmd_xmm_check, "xmm-check CPU SECONDS: keep a pattern in XMM (and YMM) registers pinned to CPU, count changes" },
	{ "pingpong", cmd_pingpong, "pingpong CPU_A CPU_B SECONDS: two processes pinned to two CPUs wake each other through pipes" },
	{ "nic-link", cmd_nic_link, "nic-link ID NIC STATE: VMK_IOC_NIC_LINK with raw values; prints ok or the refusal" },
	{ "maddr", cmd_maddr, "maddr add|del IFACE MAC: a link-layer multicast address (SIOCADDMULTI)" },
	{ "yield", cmd_yield, "yield CPU SECONDS: sched_yield() in a loop pinned to CPU" },
	{ "bench", cmd_bench, "bench cpu|syscall|fork|pagefault SECONDS [CPU]: operations per second" },
};

int main(int argc, char **argv)
{
	size_t i;

	for (i = 0; argc > 1 && i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].run(argc - 1, argv + 1);
	fprintf(stderr, "usage: vmk-labtool COMMAND ...\n");
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(stderr, "  %s\n", cmds[i].usage);
	return 2;
}
