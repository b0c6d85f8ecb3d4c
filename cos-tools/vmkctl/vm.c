// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmkctl vm: VMs from .vmx files. The inventory (inventory.h) lists the
 * registered .vmx files; a VM is known to the vmkernel from `start` until
 * the next `start`, `unregister` or `vmkctl unload` (so `info` still shows
 * why it stopped). The ioctls are those of include/vmk/ioctl.h.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "cos-tools/vmx/vmx.h"
#include "inventory.h"
#include "vm_start.h"
#include "vmkctl.h"

#define STOP_WAIT_S	60
#define STOP_EXIT_TIMEOUT 3	/* vm stop: asked, still running at the timeout */

static const char *const exit_kind_names[VMK_VM_EXIT_KINDS] = {
	"io", "mmio", "msr", "cpuid", "hlt", "intr", "vintr", "other",
};

const char *vm_state_name(uint32_t state)
{
	switch (state) {
	case VMK_VM_STATE_OFF: return "off";
	case VMK_VM_STATE_RUNNING: return "running";
	case VMK_VM_STATE_ERROR: return "error";
	default: return "unknown";
	}
}

uint64_t vm_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void vm_sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

int vm_list_all(int fd, struct vmk_vm_info **infos, uint32_t *count)
{
	struct diag diag = { 0 };

	if (!vmkdev_vm_list(fd, infos, count, &diag))
		return 0;
	diag_report(&diag, "vmkctl: ");
	diag_free(&diag);
	return -1;
}

/* vm_find_named(), its error printed. */
static int vm_by_name(int fd, const char *name, struct vmk_vm_info *info)
{
	struct diag diag = { 0 };
	int found = vm_find_named(fd, name, info, &diag);

	if (found < 0)
		diag_report(&diag, "vmkctl: ");
	diag_free(&diag);
	return found;
}

static int vm_op(int fd, uint32_t id, uint32_t op, const char *what, const char *name)
{
	struct diag diag = { 0 };

	if (!vmkdev_vm_op(fd, id, op, &diag))
		return 0;
	diag_report(&diag, "vmkctl: vm %s %s: ", what, name);
	diag_free(&diag);
	return -1;
}

/* ---- .vmx files and the inventory ---- */

/* vm_file_load(), messages printed unless quiet. */
static int vm_file_read(const char *path, struct vm_file *vf, bool quiet)
{
	struct diag diag = { 0 };
	int ret = vm_file_load(path, vf, &diag);

	if (ret && !quiet)
		diag_report(&diag, "%s", "");
	diag_free(&diag);
	return ret;
}

static int inventory_read(struct inventory *inv)
{
	struct diag diag = { 0 };
	int ret = inventory_load(inventory_file(), inv, &diag);

	if (ret)
		diag_report(&diag, "vmkctl: inventory: ");
	diag_free(&diag);
	return ret;
}

/* The inventory's writer lock (inventory_lock()); -1 with a message. */
static int inventory_take(void)
{
	struct diag diag = { 0 };
	int fd = inventory_lock(inventory_file(), INVENTORY_LOCK_WAIT_MS, &diag);

	if (fd < 0)
		diag_report(&diag, "vmkctl: inventory: ");
	diag_free(&diag);
	return fd;
}

static int inventory_write(const struct inventory *inv)
{
	struct diag diag = { 0 };
	int ret = inventory_save(inventory_file(), inv, &diag);

	if (ret)
		diag_report(&diag, "vmkctl: inventory: ");
	diag_free(&diag);
	return ret;
}

/*
 * The registered .vmx whose displayName is name, or whose path is name.
 * Returns its index with vf loaded, or -1 (message printed).
 */
static int inventory_lookup(const struct inventory *inv, const char *name,
			    struct vm_file *vf)
{
	for (size_t i = 0; i < inv->count; i++) {
		if (vm_file_read(inv->path[i], vf, true))
			continue;
		if (!strcmp(vf->cfg.display_name, name) || !strcmp(inv->path[i], name))
			return (int)i;
		vm_file_free(vf);
	}
	fprintf(stderr, "vmkctl: no registered VM '%s' (vmkctl vm list; vmkctl vm register FILE.vmx)\n",
		name);
	return -1;
}

static int cmd_vm_register(int argc, char **argv)
{
	struct inventory *inv = malloc(sizeof(*inv));
	struct diag diag = { 0 };
	char abs[PATH_MAX];
	struct vm_file vf;
	int clash, ret = 1, lock = -1;

	if (argc != 2) {
		fprintf(stderr, "usage: vmkctl vm register FILE.vmx\n");
		free(inv);
		return 2;
	}
	if (!inv || (lock = inventory_take()) < 0 || inventory_read(inv))
		goto out;
	if (!realpath(argv[1], abs)) {
		fprintf(stderr, "vmkctl: vm register: %s: %s\n", argv[1], strerror(errno));
		goto out;
	}
	if (vm_file_read(abs, &vf, false)) {
		fprintf(stderr, "vmkctl: vm register: %s is not a usable .vmx (see above)\n", abs);
		goto out;
	}
	if (strlen(vf.cfg.display_name) >= VMK_VM_NAME_LEN) {
		fprintf(stderr, "vmkctl: vm register: displayName '%s' is longer than %d characters\n",
			vf.cfg.display_name, VMK_VM_NAME_LEN - 1);
		goto free_vf;
	}
	clash = inventory_find_name(inv, vf.cfg.display_name);
	if (clash >= 0 && strcmp(inv->path[clash], abs)) {
		fprintf(stderr, "vmkctl: vm register: a VM named '%s' is already registered (%s)\n",
			vf.cfg.display_name, inv->path[clash]);
		goto free_vf;
	}
	if (inventory_add(inv, abs, &diag)) {
		diag_report(&diag, "vmkctl: vm register: ");
		diag_free(&diag);
		goto free_vf;
	}
	if (inventory_write(inv))
		goto free_vf;
	printf("registered %s (%s)\n", vf.cfg.display_name, abs);
	ret = 0;
free_vf:
	vm_file_free(&vf);
out:
	inventory_unlock(lock);
	free(inv);
	return ret;
}

static int cmd_vm_unregister(int argc, char **argv)
{
	struct inventory *inv = malloc(sizeof(*inv));
	struct vmk_vm_info info;
	struct vm_file vf;
	int idx, fd, ret = 1, lock = -1;

	if (argc != 2) {
		fprintf(stderr, "usage: vmkctl vm unregister NAME\n");
		free(inv);
		return 2;
	}
	if (!inv || (lock = inventory_take()) < 0 || inventory_read(inv))
		goto out;
	idx = inventory_lookup(inv, argv[1], &vf);
	if (idx < 0)
		goto out;
	/* The vmkernel may hold the VM (running, or stopped with its reason). */
	fd = access(VMK_DEVICE, F_OK) ? -1 : vmkctl_open();
	if (fd >= 0) {
		int found = vm_by_name(fd, vf.cfg.display_name, &info);

		if (found > 0 && info.state == VMK_VM_STATE_RUNNING) {
			fprintf(stderr, "vmkctl: vm unregister: %s is running: stop or kill it first\n",
				vf.cfg.display_name);
			close(fd);
			goto free_vf;
		}
		if (found > 0 && vm_op(fd, info.id, VMK_VM_OP_DESTROY, "unregister",
				       vf.cfg.display_name)) {
			close(fd);
			goto free_vf;
		}
		close(fd);
	}
	inventory_remove(inv, inv->path[idx]);
	if (inventory_write(inv))
		goto free_vf;
	printf("unregistered %s\n", vf.cfg.display_name);
	ret = 0;
free_vf:
	vm_file_free(&vf);
out:
	inventory_unlock(lock);
	free(inv);
	return ret;
}

static int cmd_vm_list(int argc, char **argv)
{
	struct inventory *inv = malloc(sizeof(*inv));
	struct vmk_vm_info *all = NULL;
	bool *listed = NULL;
	uint32_t n = 0, k;
	struct vm_file vf;
	int fd = -1, ret = 1;

	(void)argv;
	if (argc != 1) {
		fprintf(stderr, "usage: vmkctl vm list\n");
		free(inv);
		return 2;
	}
	if (!inv || inventory_read(inv))
		goto out;
	if (!access(VMK_DEVICE, F_OK)) {
		fd = vmkctl_open();
		if (fd < 0 || vm_list_all(fd, &all, &n))
			goto out;
		listed = calloc(n ? n : 1, sizeof(*listed));
		if (!listed) {
			fprintf(stderr, "vmkctl: vm list: out of memory\n");
			goto out;
		}
	}
	printf("%-20s %-8s %5s %7s  %s\n", "NAME", "STATE", "VCPUS", "MEM-MB", "CONFIG");
	for (size_t i = 0; i < inv->count; i++) {
		const char *state = fd < 0 ? "-" : "off";

		if (vm_file_read(inv->path[i], &vf, true)) {
			printf("%-20s %-8s %5s %7s  %s\n", "?", "bad-vmx", "-", "-", inv->path[i]);
			continue;
		}
		for (k = 0; k < n; k++) {
			if (!strncmp(all[k].name, vf.cfg.display_name, VMK_VM_NAME_LEN)) {
				state = vm_state_name(all[k].state);
				listed[k] = true;
			}
		}
		printf("%-20s %-8s %5u %7u  %s\n", vf.cfg.display_name, state,
		       vf.cfg.numvcpus, vf.cfg.memsize_mib, inv->path[i]);
		vm_file_free(&vf);
	}
	for (k = 0; k < n; k++)
		if (!listed[k])
			printf("%-20.*s %-8s %5u %7u  %s\n", VMK_VM_NAME_LEN, all[k].name,
			       vm_state_name(all[k].state), all[k].vcpus, all[k].mem_mb,
			       "(not registered)");
	ret = 0;
out:
	if (fd >= 0)
		close(fd);
	free(listed);
	free(all);
	free(inv);
	return ret;
}

/* ---- start (vm_start.c) ---- */

static int cmd_vm_start(int argc, char **argv)
{
	struct inventory *inv = malloc(sizeof(*inv));
	struct diag diag = { 0 };
	struct vm_file vf;
	bool running;
	uint32_t id;
	int fd = -1, ret = 1, i;

	if (argc != 2) {
		fprintf(stderr, "usage: vmkctl vm start NAME\n");
		free(inv);
		return 2;
	}
	if (!inv || inventory_read(inv) || (i = inventory_lookup(inv, argv[1], &vf)) < 0)
		goto out;
	if (vm_file_record_identity(inv->path[i], &vf, &diag)) {
		diag_report(&diag, "vmkctl: vm start %s: ", vf.cfg.display_name);
		goto free_vf;
	}
	fd = vmkctl_open();
	if (fd < 0)
		goto free_vf;
	if (vm_start(fd, &vf.cfg, &id, &running, &diag)) {
		diag_report(&diag, "vmkctl: vm start %s: ", vf.cfg.display_name);
		goto free_vf;
	}
	printf("started %s (vm %u, %u vCPUs, %u MiB); its console: vmkctl vm console %s (detach: Ctrl-])\n",
	       vf.cfg.display_name, id, vf.cfg.numvcpus, vf.cfg.memsize_mib,
	       vf.cfg.display_name);
	ret = 0;
	/* a vm sched since the file was read found no running VM: give it now */
	if (vm_start_follow_sched(fd, inv->path[i], &diag))
		diag_report(&diag, "vmkctl: vm start %s: started, but not with its .vmx's newest CPU allocation: ",
			    vf.cfg.display_name);
free_vf:
	vm_file_free(&vf);
out:
	if (fd >= 0)
		close(fd);
	diag_free(&diag);
	free(inv);
	return ret;
}

/*
 * vmkctl vm sched NAME [--shares low|normal|high|N] [--reservation MHZ]
 * [--limit MHZ|unlimited]: the .vmx's sched.cpu.* keys, and the running
 * VM's allocation with them (vm_reconfig_sched()).
 */
static int cmd_vm_sched(int argc, char **argv)
{
	static const char *const opts[][2] = {
		{ "--shares", "sched.cpu.shares" },
		{ "--reservation", "sched.cpu.min" },
		{ "--limit", "sched.cpu.max" },
	};
	struct vmx_set sets[3];
	struct inventory *inv = NULL;
	struct diag diag = { 0 };
	struct vmx_file now;
	struct vm_file vf;
	size_t n = 0, written;
	int fd = -1, ret = 1, i, a;
	bool live;

	if (argc < 4 || argc % 2)
		goto usage;
	for (a = 2; a < argc; a += 2) {
		size_t o;

		for (o = 0; o < sizeof(opts) / sizeof(opts[0]); o++)
			if (!strcmp(argv[a], opts[o][0]))
				break;
		if (o == sizeof(opts) / sizeof(opts[0]) || !argv[a + 1][0] ||
		    strlen(argv[a + 1]) >= sizeof(sets[0].value))
			goto usage;
		for (size_t k = 0; k < n; k++)
			if (!strcmp(sets[k].key, opts[o][1]))
				goto usage;
		snprintf(sets[n].key, sizeof(sets[n].key), "%s", opts[o][1]);
		snprintf(sets[n].value, sizeof(sets[n].value), "%s", argv[a + 1]);
		n++;
	}
	inv = malloc(sizeof(*inv));
	if (!inv || inventory_read(inv) || (i = inventory_lookup(inv, argv[1], &vf)) < 0)
		goto out;
	fd = vmkctl_open();
	if (fd >= 0 && !vm_reconfig_sched(fd, inv->path[i], sets, n, &now, &written, &live,
					    &diag)) {
		struct vmx_config c;

		char limit[24] = "none";

		if (!vmx_config_from_file(&now, &c, &diag)) {
			if (c.cpu_max_mhz != VMX_CPU_UNLIMITED)
				snprintf(limit, sizeof(limit), "%u MHz", c.cpu_max_mhz);
			printf("%s: shares %u, reservation %u MHz, limit %s: %s\n",
			       vf.cfg.display_name, c.cpu_shares, c.cpu_min_mhz, limit,
			       live ? "the running VM has them now" :
			       written ? "written, for its next power on" : "as it had them");
		} else {
			diag_report(&diag, "vmkctl: vm sched %s: done, but its .vmx reads back so: ",
				    vf.cfg.display_name);
		}
		vmx_file_free(&now);
		ret = 0;
	} else if (fd >= 0) {
		diag_report(&diag, "vmkctl: vm sched %s: ", vf.cfg.display_name);
	}
	vm_file_free(&vf);
out:
	if (fd >= 0)
		close(fd);
	diag_free(&diag);
	free(inv);
	return ret;
usage:
	fprintf(stderr, "usage: vmkctl vm sched NAME [--shares low|normal|high|N] [--reservation MHZ] [--limit MHZ|unlimited]\n");
	return 2;
}

/* ---- verbs on a VM the vmkernel has ---- */

/* Opens the device and finds the VM named name; -1 with a message. */
int vm_open_named(const char *name, struct vmk_vm_info *info)
{
	int fd = vmkctl_open(), found;

	if (fd < 0)
		return -1;
	found = vm_by_name(fd, name, info);
	if (found <= 0) {
		if (!found)
			fprintf(stderr, "vmkctl: the vmkernel has no VM '%s' (vmkctl vm start %s)\n",
				name, name);
		close(fd);
		return -1;
	}
	return fd;
}

/* Polls until the VM leaves RUNNING (0, info filled) or seconds pass (-1). */
static int wait_not_running(int fd, struct vmk_vm_info *info, unsigned int seconds)
{
	uint64_t deadline = vm_now_ms() + (uint64_t)seconds * 1000;

	for (;;) {
		if (ioctl(fd, VMK_IOC_VM_INFO, info) < 0)
			return -1;
		if (info->state != VMK_VM_STATE_RUNNING)
			return 0;
		if (vm_now_ms() >= deadline)
			return -1;
		vm_sleep_ms(100);
	}
}

/*
 * Graceful stop: the vmkernel presses the guest's ACPI power button (refused
 * with its sentence when the guest has no handler), then we wait for the VM
 * to be off. Exit 0: off; 1: refused or an error; 2: usage;
 * STOP_EXIT_TIMEOUT: asked, but still running when the timeout ran out.
 */
static int cmd_vm_stop(int argc, char **argv)
{
	struct vmk_vm_info info;
	struct vmk_ioc_vm_op o = { .op = VMK_VM_OP_STOP };
	unsigned int wait = STOP_WAIT_S;
	uint64_t t0;
	int fd, ret = 1;

	if (argc == 4 && !strcmp(argv[2], "--timeout"))
		wait = (unsigned int)atoi(argv[3]);
	else if (argc != 2) {
		fprintf(stderr, "usage: vmkctl vm stop NAME [--timeout SECONDS]\n");
		return 2;
	}
	fd = vm_open_named(argv[1], &info);
	if (fd < 0)
		return 1;
	o.id = info.id;
	t0 = vm_now_ms();
	if (ioctl(fd, VMK_IOC_VM_OP, &o) < 0) {
		fprintf(stderr, "vmkctl: vm stop %s: %s\n", argv[1],
			o.msg[0] ? o.msg : strerror(errno));
		goto out;
	}
	if (!wait) {
		printf("%s: asked the guest to shut down (ACPI power button)\n", argv[1]);
		ret = 0;
		goto out;
	}
	printf("%s: asked the guest to shut down (ACPI power button), waiting up to %u s\n",
	       argv[1], wait);
	fflush(stdout);
	if (wait_not_running(fd, &info, wait)) {
		fprintf(stderr, "vmkctl: vm stop %s: still running after %u s: the guest did not shut down in time (vmkctl vm kill %s)\n",
			argv[1], wait, argv[1]);
		ret = STOP_EXIT_TIMEOUT;
		goto out;
	}
	if (info.state == VMK_VM_STATE_ERROR) {
		fprintf(stderr, "vmkctl: vm stop %s: the vmkernel stopped it with an error: %s\n",
			argv[1], info.reason);
		goto out;
	}
	printf("%s: off after %.1f s (%s)\n", argv[1],
	       (double)(vm_now_ms() - t0) / 1000, info.reason);
	ret = 0;
out:
	close(fd);
	return ret;
}

static int cmd_vm_power(int argc, char **argv, uint32_t op, const char *verb)
{
	struct vmk_vm_info info;
	int fd, ret = 1;

	if (argc != 2) {
		fprintf(stderr, "usage: vmkctl vm %s NAME\n", verb);
		return 2;
	}
	fd = vm_open_named(argv[1], &info);
	if (fd < 0)
		return 1;
	if (op != VMK_VM_OP_RESET || info.state == VMK_VM_STATE_RUNNING) {
		struct vmk_ioc_vm_op o = { .id = info.id, .op = op };

		if (ioctl(fd, VMK_IOC_VM_OP, &o) < 0) {
			fprintf(stderr, "vmkctl: vm %s %s: %s\n", verb, argv[1],
				o.msg[0] ? o.msg : strerror(errno));
			goto out;
		}
	} else {
		fprintf(stderr, "vmkctl: vm reset %s: it is not running (vmkctl vm start)\n", argv[1]);
		goto out;
	}
	printf("%s: %s\n", argv[1], op == VMK_VM_OP_RESET ? "reset" :
	       op == VMK_VM_OP_DUMP ? "state written to the vmkernel log (vmkctl log)" :
	       "killed (powered off)");
	ret = 0;
out:
	close(fd);
	return ret;
}

static void print_vm_info(const struct vmk_vm_info *in)
{
	unsigned int k;

	printf("name: %.*s\n", VMK_VM_NAME_LEN, in->name);
	printf("id: %u\n", in->id);
	printf("state: %s\n", vm_state_name(in->state));
	printf("reason: %.*s\n", VMK_VM_MSG_LEN, in->reason[0] ? in->reason : "-");
	printf("vcpus: %u\n", in->vcpus);
	printf("vcpus-halted: 0x%x\n", in->vcpus_halted);
	printf("memory-mb: %u\n", in->mem_mb);
	printf("memory-pages-held: %llu\n", (unsigned long long)in->mem_pages);
	printf("boot: %s\n", in->boot == VMK_VM_BOOT_LINUX ? "linux" :
	       in->boot == VMK_VM_BOOT_BIOS ? "bios" : "multiboot");
	printf("shares: %u\n", in->sched_shares);
	printf("min-pct: %u\n", in->sched_min_pct);
	printf("max-pct: %u\n", in->sched_max_pct);
	printf("affinity: ");
	if (!in->sched_affinity) {
		printf("all\n");
	} else {
		for (k = 0; k < 32; k++)
			if (in->sched_affinity & (1u << k))
				printf("%s%u", in->sched_affinity & ((1u << k) - 1) ? "," : "", k);
		printf("\n");
	}
	printf("power-ons: %u\n", in->power_ons);
	printf("uptime-us: %llu\n", (unsigned long long)in->uptime_us);
	printf("cpu-time-us: %llu\n", (unsigned long long)in->cpu_time_us);
	printf("exits: total=%llu", (unsigned long long)in->exits_total);
	for (k = 0; k < VMK_VM_EXIT_KINDS; k++)
		printf(" %s=%llu", exit_kind_names[k], (unsigned long long)in->exits[k]);
	printf("\n");
	printf("console-dropped: %llu\n", (unsigned long long)in->console_dropped);
	printf("unassigned-mmio: %llu\n", (unsigned long long)in->unassigned_mmio);
	printf("unassigned-io-writes: %llu\n", (unsigned long long)in->unassigned_io_writes);
}

static int cmd_vm_info(int argc, char **argv)
{
	struct vmk_vm_info info;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: vmkctl vm info NAME\n");
		return 2;
	}
	fd = vm_open_named(argv[1], &info);
	if (fd < 0)
		return 1;
	print_vm_info(&info);
	close(fd);
	return 0;
}

/* vmkctl vm nic NAME [ethernetN] link up|down: a vNIC's cable. */
static int cmd_vm_nic(int argc, char **argv)
{
	struct vmk_ioc_nic_link l = { 0 };
	struct vmk_vm_info info;
	const char *nic = argc == 5 ? argv[2] : "ethernet0";
	char *end;
	int fd, ret = 1;

	if ((argc != 4 && argc != 5) || strcmp(argv[argc - 2], "link") ||
	    (strcmp(argv[argc - 1], "up") && strcmp(argv[argc - 1], "down")))
		goto usage;
	if (strncmp(nic, "ethernet", 8) || !nic[8])
		goto usage;
	errno = 0;
	l.nic = (uint32_t)strtoul(nic + 8, &end, 10);
	if (*end || errno || l.nic >= VMK_VM_MAX_NICS) {
		fprintf(stderr, "vmkctl: vm nic %s: \"%s\": vmk gives a VM ethernet0 to ethernet%u\n",
			argv[1], nic, VMK_VM_MAX_NICS - 1);
		return 1;
	}
	l.up = !strcmp(argv[argc - 1], "up");
	fd = vm_open_named(argv[1], &info);
	if (fd < 0)
		return 1;
	l.id = info.id;
	if (ioctl(fd, VMK_IOC_NIC_LINK, &l) < 0) {
		fprintf(stderr, "vmkctl: vm nic %s: %s\n", argv[1],
			l.msg[0] ? l.msg : strerror(errno));
	} else {
		printf("%s: ethernet%u link %s\n", argv[1], l.nic, l.up ? "up" : "down");
		ret = 0;
	}
	close(fd);
	return ret;
usage:
	fprintf(stderr, "usage: vmkctl vm nic NAME [ethernetN] link up|down\n");
	return 2;
}

static int cmd_vm_kill(int argc, char **argv) { return cmd_vm_power(argc, argv, VMK_VM_OP_KILL, "kill"); }
static int cmd_vm_reset(int argc, char **argv) { return cmd_vm_power(argc, argv, VMK_VM_OP_RESET, "reset"); }
static int cmd_vm_dump(int argc, char **argv) { return cmd_vm_power(argc, argv, VMK_VM_OP_DUMP, "dump"); }

static const struct vm_verb {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *help;
} vm_verbs[] = {
	{ "register", cmd_vm_register, "FILE.vmx: add a VM to the inventory" },
	{ "unregister", cmd_vm_unregister, "NAME: remove it (not while it runs)" },
	{ "list", cmd_vm_list, "registered VMs and their state" },
	{ "start", cmd_vm_start, "NAME: load its kernel and power it on" },
	{ "stop", cmd_vm_stop, "NAME [--timeout S]: graceful stop via the guest" },
	{ "kill", cmd_vm_kill, "NAME: power off at once" },
	{ "reset", cmd_vm_reset, "NAME: hard reset, the guest boots again" },
	{ "info", cmd_vm_info, "NAME: state, reason, vCPUs, memory, CPU time, exits" },
	{ "sched", cmd_vm_sched, "NAME [--shares S] [--reservation MHZ] [--limit MHZ]: CPU allocation, live" },
	{ "nic", cmd_vm_nic, "NAME [ethernetN] link up|down: plug or pull a vNIC's cable" },
	{ "dump", cmd_vm_dump, "NAME: vCPU registers and interrupt state into vmkctl log" },
	{ "console", cmd_vm_console, "NAME [--send T] [--expect T] [--timeout S]: COM1 (detach: Ctrl-])" },
};

int cmd_vm(int argc, char **argv)
{
	size_t i;

	if (argc >= 2)
		for (i = 0; i < sizeof(vm_verbs) / sizeof(vm_verbs[0]); i++)
			if (!strcmp(argv[1], vm_verbs[i].name))
				return vm_verbs[i].run(argc - 1, argv + 1);
	fprintf(stderr, "usage: vmkctl vm VERB [ARGS] (inventory: %s)\n", inventory_file());
	for (i = 0; i < sizeof(vm_verbs) / sizeof(vm_verbs[0]); i++)
		fprintf(stderr, "  %-10s %s\n", vm_verbs[i].name, vm_verbs[i].help);
	return 2;
}
