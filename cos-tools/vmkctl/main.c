// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "vmkctl.h"

#define VMK_MODULE_NAME	"vmkload"

int vmkctl_open(void)
{
	struct diag diag = { 0 };
	int fd = vmkdev_open("vmkctl", &diag);

	if (fd < 0)
		diag_report(&diag, "vmkctl: ");
	diag_free(&diag);
	return fd;
}

/*
 * Running VMs would lose their vmkernel: refuse, naming them, unless
 * --force, which kills them. Every VM is then destroyed, which releases the
 * module references vmkload holds for them (loader-module/vmctl.c).
 * 0: go on; 1: refused or failed (message printed).
 */
static int unload_vms(bool force)
{
	struct vmk_vm_info *all;
	uint32_t n, i, running = 0;
	int fd, ret = 0;

	if (access(VMK_DEVICE, F_OK))
		return 0;	/* not loaded: delete_module says so */
	fd = vmkctl_open();
	if (fd < 0)
		return 1;
	if (vm_list_all(fd, &all, &n)) {
		close(fd);
		return 1;
	}
	for (i = 0; i < n && !force; i++) {
		if (all[i].state != VMK_VM_STATE_RUNNING)
			continue;
		fprintf(stderr, "%s%.*s", running++ ? ", " : "vmkctl: unload: VMs are running: ",
			VMK_VM_NAME_LEN, all[i].name);
	}
	if (running) {
		fprintf(stderr, " (stop them, or 'vmkctl unload --force' powers them off)\n");
		free(all);
		close(fd);
		return 1;
	}
	for (i = 0; i < n; i++) {
		struct vmk_ioc_vm_op kill = { .id = all[i].id, .op = VMK_VM_OP_KILL };
		struct vmk_ioc_vm_op destroy = { .id = all[i].id, .op = VMK_VM_OP_DESTROY };

		if (all[i].state == VMK_VM_STATE_RUNNING) {
			if (ioctl(fd, VMK_IOC_VM_OP, &kill) < 0) {
				fprintf(stderr, "vmkctl: unload: powering off %.*s: %s\n",
					VMK_VM_NAME_LEN, all[i].name,
					kill.msg[0] ? kill.msg : strerror(errno));
				ret = 1;
				continue;
			}
			printf("powered off %.*s\n", VMK_VM_NAME_LEN, all[i].name);
		}
		if (ioctl(fd, VMK_IOC_VM_OP, &destroy) < 0) {
			fprintf(stderr, "vmkctl: unload: removing %.*s: %s\n",
				VMK_VM_NAME_LEN, all[i].name,
				destroy.msg[0] ? destroy.msg : strerror(errno));
			ret = 1;
		}
	}
	free(all);
	close(fd);
	return ret;
}

static int cmd_unload(int argc, char **argv)
{
	bool force = argc == 2 && !strcmp(argv[1], "--force");

	if (argc > 2 || (argc == 2 && !force)) {
		fprintf(stderr, "usage: vmkctl unload [--force]\n");
		return 2;
	}
	if (unload_vms(force))
		return 1;
	if (syscall(SYS_delete_module, VMK_MODULE_NAME, O_NONBLOCK) < 0) {
		fprintf(stderr, "vmkctl: unload: %s\n", errno == ENOENT ?
			"vmkload is not loaded" :
			errno == EWOULDBLOCK || errno == EBUSY ?
			"vmkload is in use: a VM still exists in the vmkernel, /dev/vmkernel is open (a 'vmkctl vm console'? a vmk-hostd call: /etc/init.d/vmk stop stops it first), or a datastore is mounted (umount /vmfs/volumes/LABEL)" :
			strerror(errno));
		return 1;
	}
	printf("vmkernel unloaded: the machine is back under Linux\n");
	return 0;
}

/* vmkctl debug spin NAME [cpu=N] [shares=N] [min=PCT] [max=PCT] */
static int debug_spin(int fd, int argc, char **argv)
{
	struct vmk_sched_test t = {
		.op = VMK_SCHED_TEST_SPIN, .cpu = VMK_SCHED_ANY_CPU,
		.shares = 1000, .max_pct = VMK_SCHED_UNLIMITED,
	};
	int i;

	if (argc < 3) {
		fprintf(stderr, "usage: vmkctl debug spin NAME [cpu=N] [shares=N] [min=PCT] [max=PCT]\n");
		return 2;
	}
	snprintf(t.name, sizeof(t.name), "%s", argv[2]);
	for (i = 3; i < argc; i++) {
		unsigned int v;

		if (sscanf(argv[i], "cpu=%u", &v) == 1)
			t.cpu = v;
		else if (sscanf(argv[i], "shares=%u", &v) == 1)
			t.shares = v;
		else if (sscanf(argv[i], "min=%u", &v) == 1)
			t.min_pct = v;
		else if (sscanf(argv[i], "max=%u", &v) == 1)
			t.max_pct = v;
		else {
			fprintf(stderr, "vmkctl: debug spin: unknown setting '%s'\n", argv[i]);
			return 2;
		}
	}
	if (ioctl(fd, VMK_IOC_SCHED_TEST, &t) < 0) {
		fprintf(stderr, "vmkctl: spinner '%s' refused: %s%s\n", t.name,
			errno == ENOSPC ? "its reservation does not fit: the CPU reservations (the COS's included) would exceed the machine" :
			strerror(errno),
			errno == EOPNOTSUPP ? " (load vmkload with debug=1)" : "");
		return 1;
	}
	printf("world %u\n", t.world_id);
	return 0;
}

static int cmd_debug(int argc, char **argv)
{
	struct vmk_sched_test stop = { .op = VMK_SCHED_TEST_STOP_ALL };
	int fd, ret = 0;

	if (argc < 2 || (strcmp(argv[1], "panic") && strcmp(argv[1], "panic-vmcb") &&
			 strcmp(argv[1], "spin") && strcmp(argv[1], "spin-stop"))) {
		fprintf(stderr, "usage: vmkctl debug panic | panic-vmcb | spin NAME [cpu=N] [shares=N] [min=PCT] [max=PCT] | spin-stop\n");
		return 2;
	}
	fd = vmkctl_open();
	if (fd < 0)
		return 1;
	if (!strcmp(argv[1], "spin")) {
		ret = debug_spin(fd, argc, argv);
	} else if (!strcmp(argv[1], "spin-stop")) {
		if (ioctl(fd, VMK_IOC_SCHED_TEST, &stop) < 0) {
			fprintf(stderr, "vmkctl: spin-stop: %s\n", strerror(errno));
			ret = 1;
		}
	} else if (ioctl(fd, strcmp(argv[1], "panic") ? VMK_IOC_PANIC_TEST_VMCB :
					    VMK_IOC_PANIC_TEST) < 0) {
		fprintf(stderr, "vmkctl: panic test: %s%s\n", strerror(errno),
			errno == EOPNOTSUPP ? " (load vmkload with debug=1)" : "");
		ret = 1;
	}
	close(fd);
	return ret;
}

static const struct verb {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *help;
} verbs[] = {
	{ "status", cmd_status, "version, CPUs, worlds, memory, uptime, exits" },
	{ "log", cmd_log, "print the vmkernel log" },
	{ "unload", cmd_unload, "[--force]: give the machine back to Linux (--force: power off VMs first)" },
	{ "vm", cmd_vm, "register, unregister, list, start, stop, kill, reset, info, nic, console" },
	{ "network", cmd_network, "[list] | switch list | switch add|del NAME | portgroup add|set NAME [--switch NAME (add)] [--vlan N] [--[no-]promiscuous] [--[no-]mac-changes] [--[no-]forged-transmits] | portgroup del NAME" },
	{ "storage", cmd_storage, "adapters | luns: the HBA the vmkernel drives and its LUNs; datastores: VMFS volumes mounted from them; disks: running VMs' disks and their I/O; rescan: find new, gone, resized LUNs; read T:L LBA [N] (debug=1)" },
	{ "image", cmd_image, "check FILE: validate a vmkernel image" },
	{ "debug", cmd_debug, "panic | panic-vmcb | spin NAME [cpu= shares= min= max=] | spin-stop (vmkload debug=1)" },
};

static int usage(void)
{
	size_t i;

	fprintf(stderr, "usage: vmkctl COMMAND [ARGS]\n");
	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		fprintf(stderr, "  %-8s %s\n", verbs[i].name, verbs[i].help);
	return 2;
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2)
		return usage();
	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (!strcmp(argv[1], verbs[i].name))
			return verbs[i].run(argc - 1, argv + 1);
	return usage();
}
