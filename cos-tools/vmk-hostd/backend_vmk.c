// SPDX-License-Identifier: GPL-2.0-only
/*
 * The real backend: the vmkernel's VMs through /dev/vmkernel, with
 * vmkctl's own client code (cos-tools/vmkdev/). The device is opened for each
 * call and closed again, since an open /dev/vmkernel keeps vmkload in use
 * and the operator must stay able to unload it while vmk-hostd runs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/sysinfo.h>
#include <time.h>
#include <unistd.h>
#include "cos-tools/vmkctl/inventory.h"
#include "cos-tools/vmkdev/vmkdev.h"
#include "backend.h"

static int vmk_open(char *err)
{
	return vmkdev_open("vmk-hostd", err, HOSTD_ERR_LEN);
}

/* "model name" and "cpu MHz" of the first CPU in /proc/cpuinfo. */
static void cpuinfo(struct hostd_host *host)
{
	char line[256];
	double mhz;
	FILE *f = fopen("/proc/cpuinfo", "r");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (!host->cpu_model[0] && sscanf(line, "model name : %63[^\n]", host->cpu_model) == 1)
			continue;
		if (!host->cpu_mhz && sscanf(line, "cpu MHz : %lf", &mhz) == 1)
			host->cpu_mhz = (uint32_t)mhz;
	}
	fclose(f);
}

static int vmk_host_info(void *ctx, struct hostd_host *host, char *err)
{
	struct vmk_module_info mi;
	struct sysinfo si;
	int fd;

	(void)ctx;
	memset(host, 0, sizeof(*host));
	if (gethostname(host->name, sizeof(host->name) - 1))
		snprintf(host->name, sizeof(host->name), "localhost");
	cpuinfo(host);
	host->cpus = (uint32_t)sysconf(_SC_NPROCESSORS_ONLN);
	if (!sysinfo(&si)) {
		host->mem_bytes = (uint64_t)si.totalram * si.mem_unit;
		host->boot_time = (uint64_t)time(NULL) - (uint64_t)si.uptime;
	}
	fd = vmk_open(err);
	if (fd < 0)
		return 0;	/* a host without its vmkernel is still a host */
	if (!ioctl(fd, VMK_IOC_MODULE_INFO, &mi))
		host->vmkernel_running = !!mi.active;
	close(fd);
	return 0;
}

static void vm_of_info(const struct vmk_vm_info *in, struct hostd_vm *vm)
{
	memset(vm, 0, sizeof(*vm));
	vm->id = in->id;
	snprintf(vm->name, sizeof(vm->name), "%.*s", VMK_VM_NAME_LEN, in->name);
	vm->power = in->state == VMK_VM_STATE_RUNNING ? HOSTD_POWERED_ON : HOSTD_POWERED_OFF;
	vm->mem_mb = in->mem_mb;
	vm->vcpus = in->vcpus;
	if (vm->power == HOSTD_POWERED_ON)
		vm->boot_time = (uint64_t)time(NULL) - in->uptime_us / 1000000;
	vm->cpu_time_us = in->cpu_time_us;
	vm->mem_pages = in->mem_pages;
	snprintf(vm->reason, sizeof(vm->reason), "%.*s", VMK_VM_MSG_LEN, in->reason);
}

static int vmk_vm_list(void *ctx, struct hostd_vm *vms, size_t *count, char *err)
{
	struct vmk_vm_info *all;
	uint32_t i, n;
	int fd;

	(void)ctx;
	*count = 0;
	fd = vmk_open(err);
	if (fd < 0)
		return errno == ENOENT ? 0 : -1;	/* not loaded: no VMs */
	if (vmkdev_vm_list(fd, &all, &n, err, HOSTD_ERR_LEN)) {
		close(fd);
		return -1;
	}
	close(fd);
	for (i = 0; i < n && i < HOSTD_VMS_MAX; i++)
		vm_of_info(&all[i], &vms[i]);
	*count = i;
	free(all);
	return 0;
}

static int vmk_vm_power(void *ctx, uint32_t id, enum hostd_power_op op, char *err)
{
	static const uint32_t ops[] = {
		[HOSTD_OP_POWER_ON] = VMK_VM_OP_POWER_ON,
		[HOSTD_OP_POWER_OFF] = VMK_VM_OP_KILL,
		[HOSTD_OP_RESET] = VMK_VM_OP_RESET,
		[HOSTD_OP_SHUTDOWN] = VMK_VM_OP_STOP,
	};
	int fd, ret;

	(void)ctx;
	fd = vmk_open(err);
	if (fd < 0)
		return -1;
	ret = vmkdev_vm_op(fd, id, ops[op], err, HOSTD_ERR_LEN);
	/* VMK_NOT_SUPPORTED: the guest has not enabled its power button */
	if (ret && op == HOSTD_OP_SHUTDOWN && errno == EOPNOTSUPP)
		ret = HOSTD_NO_GUEST_SUPPORT;
	close(fd);
	return ret;
}

/* The vmkernel's name of VM id into name, or -1 with a sentence. */
static int vm_name_of(int fd, uint32_t id, char *name, char *err)
{
	struct vmk_vm_info *all;
	uint32_t i, n;
	int ret = -1;

	if (vmkdev_vm_list(fd, &all, &n, err, HOSTD_ERR_LEN))
		return -1;
	for (i = 0; i < n; i++)
		if (all[i].id == id) {
			snprintf(name, HOSTD_NAME_LEN, "%.*s", VMK_VM_NAME_LEN, all[i].name);
			ret = 0;
		}
	free(all);
	if (ret)
		snprintf(err, HOSTD_ERR_LEN, "no VM with id %u", id);
	return ret;
}

/*
 * As `vmkctl vm unregister`: the vmkernel forgets the VM (it refuses one
 * that runs), then its .vmx leaves the inventory.
 */
static int vmk_vm_unregister(void *ctx, uint32_t id, char *err)
{
	char name[HOSTD_NAME_LEN], why[INVENTORY_PATH_MAX];
	struct inventory *inv;
	int fd, idx, ret;

	(void)ctx;
	fd = vmk_open(err);
	if (fd < 0)
		return -1;
	ret = vm_name_of(fd, id, name, err);
	if (!ret)
		ret = vmkdev_vm_op(fd, id, VMK_VM_OP_DESTROY, err, HOSTD_ERR_LEN);
	close(fd);
	if (ret)
		return -1;
	inv = malloc(sizeof(*inv));
	snprintf(why, sizeof(why), "out of memory");
	ret = inv ? inventory_load(inventory_file(), inv, why, sizeof(why)) : -1;
	idx = ret ? -1 : inventory_find_name(inv, name);
	if (idx >= 0) {
		inventory_remove(inv, inv->path[idx]);
		ret = inventory_save(inventory_file(), inv, why, sizeof(why));
	}
	free(inv);
	if (ret)
		snprintf(err, HOSTD_ERR_LEN, "the vmkernel let '%.32s' go; the inventory: %.80s",
			 name, why);
	return ret;
}

static const struct hostd_backend vmk_backend = {
	.name = "vmkernel",
	.host_info = vmk_host_info,
	.vm_list = vmk_vm_list,
	.vm_power = vmk_vm_power,
	.vm_unregister = vmk_vm_unregister,
};

const struct hostd_backend *backend_vmk_open(void)
{
	return &vmk_backend;
}
