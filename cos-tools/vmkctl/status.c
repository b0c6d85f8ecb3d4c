// SPDX-License-Identifier: GPL-2.0-only
/* vmkctl status: one "key: value" line per fact (docs/abi.md lists them). */
#include <stdio.h>
#include <stdlib.h>
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
	case VMK_WORLD_SERVICE:
		return "service";
	default:
		return "unknown";
	}
}

static const char *vcpu_state(uint32_t state)
{
	static const char *const names[] = { "new", "ready", "running", "blocked" };

	return state < sizeof(names) / sizeof(names[0]) ? names[state] : "unknown";
}

/* Every world and vCPU, gathered page by page (VMK_IOC_SCHED_LIST). */
struct sched_view {
	struct vmk_world_info *world;
	struct vmk_vcpu_info *vcpu;
	size_t nworlds, nvcpus;
};

static int sched_view_read(int fd, struct sched_view *sv)
{
	struct vmk_sched_list page;
	uint32_t start = 0;
	unsigned int pages = 0;
	void *w, *v;

	memset(sv, 0, sizeof(*sv));
	do {
		memset(&page, 0, sizeof(page));
		page.start = start;
		if (ioctl(fd, VMK_IOC_SCHED_LIST, &page) < 0) {
			fprintf(stderr, "vmkctl: status: listing worlds: %s\n", strerror(errno));
			return -1;
		}
		/* positions only go forward; a bound guards against a bad module */
		if (page.nworlds > VMK_SCHED_LIST_WORLDS || page.nvcpus > VMK_SCHED_LIST_VCPUS ||
		    (page.next && page.next <= start) || ++pages > 4096) {
			fprintf(stderr, "vmkctl: status: the vmkernel's world list is inconsistent (page from %u: next %u, %u worlds, %u vCPUs)\n",
				start, page.next, page.nworlds, page.nvcpus);
			return -1;
		}
		w = realloc(sv->world, (sv->nworlds + page.nworlds + 1) * sizeof(*sv->world));
		v = realloc(sv->vcpu, (sv->nvcpus + page.nvcpus + 1) * sizeof(*sv->vcpu));
		if (w)
			sv->world = w;
		if (v)
			sv->vcpu = v;
		if (!w || !v) {
			fprintf(stderr, "vmkctl: status: out of memory\n");
			return -1;
		}
		memcpy(sv->world + sv->nworlds, page.world, page.nworlds * sizeof(*sv->world));
		memcpy(sv->vcpu + sv->nvcpus, page.vcpu, page.nvcpus * sizeof(*sv->vcpu));
		sv->nworlds += page.nworlds;
		sv->nvcpus += page.nvcpus;
		start = page.next;
	} while (start);
	return 0;
}

static void print_sched(const struct vmk_info *in, const struct sched_view *sv)
{
	size_t i;

	printf("sched-period-us: %u\n", in->sched_period_us);
	for (i = 0; i < sv->nworlds; i++) {
		const struct vmk_world_info *w = &sv->world[i];

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
	for (i = 0; i < sv->nvcpus; i++) {
		const struct vmk_vcpu_info *v = &sv->vcpu[i];

		printf("vcpu: %u.%u cpu=%u state=%s run-ms=%llu ready-ms=%llu switches=%llu migrations=%llu\n",
		       v->world_id, v->vcpu, v->cpu, vcpu_state(v->state),
		       (unsigned long long)v->run_us / 1000,
		       (unsigned long long)v->ready_us / 1000,
		       (unsigned long long)v->switches,
		       (unsigned long long)v->migrations);
	}
}

static void print_info(const struct vmk_info *in, const struct vmk_module_info *mi,
		       const struct sched_view *sv)
{
	unsigned int i, k;
	size_t j;

	printf("vmkernel: %.*s\n", VMK_VERSION_LEN, in->version);
	printf("abi: %u\n", in->abi_version);
	printf("state: %s\n", in->state == VMK_STATE_RUNNING ? "running" :
	       in->state == VMK_STATE_PANICKED ? "panicked" : "unknown");
	printf("cpus: %u\n", in->ncpus);
	printf("worlds: %zu\n", sv->nworlds);
	for (j = 0; j < sv->nworlds; j++)
		printf("world: %u %.*s %s vcpus=%u\n", sv->world[j].id,
		       VMK_WORLD_NAME_LEN, sv->world[j].name,
		       world_type(sv->world[j].type),
		       sv->world[j].vcpus);
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
	print_sched(in, sv);
}

int cmd_status(int argc, char **argv)
{
	struct vmk_module_info mi;
	struct sched_view sv;
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
	if (sched_view_read(fd, &sv) < 0) {
		free(sv.world);
		free(sv.vcpu);
		close(fd);
		return 1;
	}
	print_info(&info, &mi, &sv);
	free(sv.world);
	free(sv.vcpu);
	close(fd);
	return 0;
}
