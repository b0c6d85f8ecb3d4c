// SPDX-License-Identifier: GPL-2.0-only
/* /dev/vmkernel for COS tools: see vmkdev.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>
#include "vmkdev.h"

int vmkdev_open(const char *tool, struct diag *diag)
{
	uint32_t version = 0;
	int fd = open(VMK_DEVICE, O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		diag_add(diag, "%s: %s (is vmkload loaded?)", VMK_DEVICE, strerror(errno));
		return -1;
	}
	if (ioctl(fd, VMK_IOC_VERSION, &version) < 0 || version != VMK_ABI_VERSION) {
		diag_add(diag, "module speaks ABI %u, %s %u", version, tool, VMK_ABI_VERSION);
		close(fd);
		errno = EPROTO;
		return -1;
	}
	return fd;
}

int vmkdev_vm_list(int fd, struct vmk_vm_info **infos, uint32_t *count, struct diag *diag)
{
	struct vmk_vm_list list = { .start = 0 };
	struct vmk_vm_info *all = NULL, *more;
	uint32_t i, n = 0, room = 0;

	do {
		list.max = VMK_VM_LIST_MAX;
		if (ioctl(fd, VMK_IOC_VM_LIST, &list) < 0) {
			diag_add(diag, "listing the vmkernel's VMs: %s", strerror(errno));
			goto fail;
		}
		for (i = 0; i < list.count && i < VMK_VM_LIST_MAX; i++) {
			if (n == room) {
				room = room ? 2 * room : VMK_VM_LIST_MAX;
				more = realloc(all, room * sizeof(*all));
				if (!more) {
					diag_add(diag, "listing the vmkernel's VMs: out of memory");
					goto fail;
				}
				all = more;
			}
			memset(&all[n], 0, sizeof(all[n]));
			all[n].id = list.id[i];
			if (ioctl(fd, VMK_IOC_VM_INFO, &all[n]) < 0)
				continue;	/* destroyed in between */
			n++;
		}
		list.start = list.next;
	} while (list.next);
	*infos = all;
	*count = n;
	return 0;
fail:
	free(all);
	return -1;
}

int vmkdev_vm_op(int fd, uint32_t id, uint32_t op, struct diag *diag)
{
	struct vmk_ioc_vm_op o = { .id = id, .op = op };
	int e;

	if (ioctl(fd, VMK_IOC_VM_OP, &o) == 0)
		return 0;
	e = errno;
	diag_add(diag, "%.*s", (int)sizeof(o.msg), o.msg[0] ? o.msg : strerror(e));
	errno = e;	/* the caller may tell the vmkernel's refusals apart */
	return -1;
}

int vmkdev_vm_set_alloc(int fd, const struct vmk_vm_alloc *a, struct diag *diag)
{
	struct vmk_ioc_vm_alloc o = { .alloc = *a };
	int e;

	if (ioctl(fd, VMK_IOC_VM_SET_ALLOC, &o) == 0)
		return 0;
	e = errno;
	diag_add(diag, "%.*s", (int)sizeof(o.msg), o.msg[0] ? o.msg : strerror(e));
	errno = e;
	return -1;
}

int vmkdev_net_info(int fd, uint32_t start, struct vmk_net_info *ni, struct diag *diag)
{
	memset(ni, 0, sizeof(*ni));
	ni->start = start;
	if (ioctl(fd, VMK_IOC_NET_INFO, ni) == 0)
		return 0;
	diag_add(diag, "listing the vmkernel's switches: %s", strerror(errno));
	return -1;
}

/* The vmkernel's sentence in msg (len bytes), else errno's; errno kept. */
static int storage_failed(const char *what, const char *msg, size_t len, struct diag *diag)
{
	int e = errno;

	if (msg[0])
		diag_add(diag, "%.*s", (int)len, msg);
	else
		diag_add(diag, "%s: %s", what, strerror(e));
	errno = e;
	return -1;
}

int vmkdev_datastores(int fd, struct vmk_datastore_list *l, struct diag *diag)
{
	memset(l, 0, sizeof(*l));
	if (ioctl(fd, VMK_IOC_STORAGE_DATASTORES, l) == 0)
		return 0;
	return storage_failed("listing the vmkernel's datastores", l->msg, sizeof(l->msg), diag);
}

int vmkdev_storage_list(int fd, struct vmk_storage_list *l, struct diag *diag)
{
	memset(l, 0, sizeof(*l));
	if (ioctl(fd, VMK_IOC_STORAGE_LIST, l) == 0)
		return 0;
	return storage_failed("listing the vmkernel's storage adapter", l->msg, sizeof(l->msg),
			      diag);
}

int vmkdev_vdisk(int fd, struct vmk_storage_vdisk *v, struct diag *diag)
{
	v->now_unix = (uint64_t)time(NULL);
	v->msg[0] = '\0';
	if (ioctl(fd, VMK_IOC_STORAGE_VDISK, v) == 0)
		return 0;
	return storage_failed(v->path, v->msg, sizeof(v->msg), diag);
}

int vmkdev_vdisk_zero(int fd, struct vmk_storage_vdisk *v,
		      void (*progress)(const struct vmk_storage_vdisk *v, void *arg),
		      void *arg, struct diag *diag)
{
	uint64_t before;

	while (v->blocks_left) {
		if (progress)
			progress(v, arg);
		before = v->blocks_left;
		v->op = VMK_VDISK_OP_ZERO;
		if (vmkdev_vdisk(fd, v, diag))
			return -1;
		/* Each step zeroes at least one block: one that did not would loop for ever. */
		if (v->blocks_left >= before) {
			diag_add(diag, "%s: the vmkernel zeroed nothing (%llu blocks still to zero): stopped",
				 v->path, (unsigned long long)v->blocks_left);
			return -1;
		}
	}
	return 0;
}
