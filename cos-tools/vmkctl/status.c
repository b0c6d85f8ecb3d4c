// SPDX-License-Identifier: GPL-2.0-only
/* vmkctl status: one "key: value" line per fact (docs/abi.md lists them). */
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "vmkctl.h"

static const char *const exit_names[VMK_EXIT_KINDS] = {
	"cpuid", "msr", "vmmcall", "npf", "svm", "intr", "vintr", "hlt", "other",
};

static const char *world_type(uint32_t type)
{
	switch (type) {
	case VMK_WORLD_COS:
		return "cos";
	case VMK_WORLD_VM:
		return "vm";
	case VMK_WORLD_TEST:
		return "test";
	default:
		return "unknown";
	}
}

static const char *vcpu_state(uint32_t state)
{
	static const char *const names[] = { "new", "ready", "running", "blocked" };

	return state < sizeof(names) / sizeof(names[0]) ? names[state] : "unknown";
}

static void print_sched(const struct vmk_info *in)
{
	unsigned int i;

	printf("sched-period-us: %u\n", in->sched_period_us);
	for (i = 0; i < in->nworlds && i < VMK_MAX_WORLDS; i++) {
		const struct vmk_world_info *w = &in->world[i];

		printf("sched: %u shares=%u min=%u%% max=", w->id, w->shares,
		       w->min_pct);
		if (w->max_pct == VMK_SCHED_UNLIMITED)
			printf("unlimited");
		else
			printf("%u%%", w->max_pct);
		printf(" run-ms=%llu ready-ms=%llu\n",
		       (unsigned long long)w->run_us / 1000,
		       (unsigned long long)w->ready_us / 1000);
	}
	for (i = 0; i < in->nvcpus && i < VMK_MAX_VCPU_WORLDS; i++) {
		const struct vmk_vcpu_info *v = &in->vcpu[i];

		printf("vcpu: %u.%u cpu=%u state=%s run-ms=%llu ready-ms=%llu switches=%llu migrations=%llu\n",
		       v->world_id, v->vcpu, v->cpu, vcpu_state(v->state),
		       (unsigned long long)v->run_us / 1000,
		       (unsigned long long)v->ready_us / 1000,
		       (unsigned long long)v->switches,
		       (unsigned long long)v->migrations);
	}
}

static void print_info(const struct vmk_info *in, const struct vmk_module_info *mi)
{
	unsigned int i, k;

	printf("vmkernel: %.*s\n", VMK_VERSION_LEN, in->version);
	printf("abi: %u\n", in->abi_version);
	printf("state: %s\n", in->state == VMK_STATE_RUNNING ? "running" :
	       in->state == VMK_STATE_PANICKED ? "panicked" : "unknown");
	printf("cpus: %u\n", in->ncpus);
	printf("worlds: %u\n", in->nworlds);
	for (i = 0; i < in->nworlds && i < VMK_MAX_WORLDS; i++)
		printf("world: %u %.*s %s vcpus=%u\n", in->world[i].id,
		       VMK_WORLD_NAME_LEN, in->world[i].name,
		       world_type(in->world[i].type),
		       in->world[i].vcpus);
	printf("memory: %llu KiB total, %llu KiB free\n",
	       (unsigned long long)in->mem_total >> 10,
	       (unsigned long long)in->mem_free >> 10);
	printf("uptime: %llu.%03llu s\n",
	       (unsigned long long)in->uptime_us / 1000000,
	       (unsigned long long)in->uptime_us / 1000 % 1000);
	printf("npt-violations: %llu\n", (unsigned long long)in->npt_violations);
	printf("load-us: %u\n", mi->load_us);
	for (i = 0; i < VMK_MAX_CPUS; i++) {
		const struct vmk_cpu_info *c = &in->cpu[i];

		if (!c->state)
			continue;
		printf("cpu%u-exits: total=%llu", i,
		       (unsigned long long)c->exits_total);
		for (k = 0; k < VMK_EXIT_KINDS; k++)
			printf(" %s=%llu", exit_names[k],
			       (unsigned long long)c->exits[k]);
		printf("\n");
		printf("cpu%u-intr: forwarded=%llu vmkernel=%llu idle-ms=%llu\n", i,
		       (unsigned long long)c->intr_forwarded,
		       (unsigned long long)c->intr_vmkernel,
		       (unsigned long long)c->idle_us / 1000);
	}
	print_sched(in);
}

int cmd_status(int argc, char **argv)
{
	struct vmk_module_info mi;
	struct vmk_info info;
	int fd;

	(void)argc;
	(void)argv;
	fd = vmkctl_open();
	if (fd < 0)
		return 1;
	memset(&info, 0, sizeof(info));
	if (ioctl(fd, VMK_IOC_MODULE_INFO, &mi) < 0) {
		fprintf(stderr, "vmkctl: status: %s\n", strerror(errno));
		close(fd);
		return 1;
	}
	if (!mi.active) {
		printf("state: not running (vmkernel panicked and gave the machine back)\n");
		close(fd);
		return 1;
	}
	if (ioctl(fd, VMK_IOC_INFO, &info) < 0) {
		fprintf(stderr, "vmkctl: status: %s\n", strerror(errno));
		close(fd);
		return 1;
	}
	print_info(&info, &mi);
	close(fd);
	return 0;
}
