// SPDX-License-Identifier: GPL-2.0-only
/* /dev/vmkernel: the ioctls of include/vmk/ioctl.h, served by hypercalls. */
#include <linux/miscdevice.h>
#include <linux/fs.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/io.h>
#include <linux/module.h>
#include <vmk/ioctl.h>
#include "vmkload.h"

#define LOG_READ_MAX	64	/* records per ioctl */

/* Where every hypercall of vmkload goes, while /dev/vmkernel exists. */
static struct vmk_machine *machine;

static int status_to_errno(vmk_status_t st)
{
	switch (st) {
	case VMK_OK:
		return 0;
	case VMK_NO_MEMORY:
		return -ENOMEM;
	case VMK_BAD_PARAM:
	case VMK_BAD_ADDRESS:
		return -EINVAL;
	case VMK_NOT_SUPPORTED:
		return -EOPNOTSUPP;
	case VMK_BUSY:
		return -EBUSY;
	case VMK_NO_CAPACITY:
		return -ENOSPC;
	default:
		return -EIO;
	}
}

/* The status as is: for the lab's test modules (tests/lab/modules/). */
int vmk_vm_hypercall(u32 nr, u32 a0, u32 a1, u32 a2, u32 a3,
		     vmk_status_t *st, u32 *result)
{
	if (!machine)
		return -ENODEV;
	return vmk_hypercall(machine, nr, a0, a1, a2, a3, st, result);
}
EXPORT_SYMBOL_GPL(vmk_vm_hypercall);

long vmk_dev_hypercall(u32 nr, u32 a0, u32 a1, u32 a2, u32 a3, u32 *result)
{
	vmk_status_t st;
	int ret = vmk_vm_hypercall(nr, a0, a1, a2, a3, &st, result);

	if (ret)
		return ret;
	if (st == VMK_PANICKED)
		vmk_recover(machine);	/* hand everything back before returning */
	return status_to_errno(st);
}

static long ioc_info(void __user *arg)
{
	struct vmk_info *info = kzalloc(sizeof(*info), GFP_KERNEL);
	long ret;

	if (!info)
		return -ENOMEM;
	ret = vmk_dev_hypercall(VMK_HC_INFO, virt_to_phys(info), sizeof(*info),
				0, 0, NULL);
	if (!ret && copy_to_user(arg, info, sizeof(*info)))
		ret = -EFAULT;
	kfree(info);
	return ret;
}

static long ioc_sched_list(void __user *arg)
{
	struct vmk_sched_list *page = kzalloc(sizeof(*page), GFP_KERNEL);
	long ret = -EFAULT;

	if (!page)
		return -ENOMEM;
	if (get_user(page->start, (u32 __user *)arg))
		goto out;
	ret = vmk_dev_hypercall(VMK_HC_SCHED_LIST, virt_to_phys(page),
				sizeof(*page), 0, 0, NULL);
	if (!ret && copy_to_user(arg, page, sizeof(*page)))
		ret = -EFAULT;
out:
	kfree(page);
	return ret;
}

/* One switch: the first from slot start on. */
static long ioc_net_info(void __user *arg)
{
	struct vmk_net_info *info = kzalloc(sizeof(*info), GFP_KERNEL);
	long ret = -EFAULT;

	if (!info)
		return -ENOMEM;
	if (get_user(info->start, (u32 __user *)arg))
		goto out;
	ret = vmk_dev_hypercall(VMK_HC_NET_INFO, virt_to_phys(info), sizeof(*info),
				0, 0, NULL);
	if (!ret && copy_to_user(arg, info, sizeof(*info)))
		ret = -EFAULT;
out:
	kfree(info);
	return ret;
}

/*
 * NET_SWITCH, NET_GROUP_ADD, _SET, _DEL: the request (the first in_len
 * bytes of a struct of len bytes) in, the reason out in the msg[] that
 * follows it.
 */
static long ioc_net_request(u32 nr, void __user *arg, size_t in_len, size_t len)
{
	u8 *req = kzalloc(len, GFP_KERNEL);
	long ret = -EFAULT;

	if (!req)
		return -ENOMEM;
	if (copy_from_user(req, arg, in_len))
		goto out;
	ret = vmk_dev_hypercall(nr, virt_to_phys(req), 0, 0, virt_to_phys(req + in_len), NULL);
	if (copy_to_user(arg, req, len))
		ret = -EFAULT;
out:
	kfree(req);
	return ret;
}

static long ioc_net_group(u32 nr, void __user *arg)
{
	return ioc_net_request(nr, arg, offsetof(struct vmk_ioc_net_group_add, msg),
			       sizeof(struct vmk_ioc_net_group_add));
}

static long ioc_log_read(void __user *arg)
{
	struct vmk_log_read req;
	struct vmk_log_record *rec;
	u32 n = 0;
	long ret;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	req.max = min_t(u32, req.max, LOG_READ_MAX);
	rec = kcalloc(req.max ? req.max : 1, sizeof(*rec), GFP_KERNEL);
	if (!rec)
		return -ENOMEM;
	ret = vmk_dev_hypercall(VMK_HC_LOG_READ, virt_to_phys(rec),
				req.max * sizeof(*rec), req.cursor >> 32,
				(u32)req.cursor, &n);
	if (ret)
		goto out;
	req.count = n;
	if (n)
		req.cursor = rec[n - 1].seq + 1;
	if (copy_to_user(u64_to_user_ptr(req.records), rec, n * sizeof(*rec)) ||
	    copy_to_user(arg, &req, sizeof(req)))
		ret = -EFAULT;
out:
	kfree(rec);
	return ret;
}

static long ioc_sched_test(void __user *arg)
{
	struct vmk_sched_test *t = kzalloc(sizeof(*t), GFP_KERNEL);
	long ret = -EFAULT;
	u32 id = 0;

	if (!t)
		return -ENOMEM;
	if (copy_from_user(t, arg, sizeof(*t)))
		goto out;
	t->name[sizeof(t->name) - 1] = '\0';
	ret = vmk_dev_hypercall(VMK_HC_SCHED_TEST, virt_to_phys(t), 0, 0, 0, &id);
	t->world_id = id;
	if (!ret && copy_to_user(arg, t, sizeof(*t)))
		ret = -EFAULT;
out:
	kfree(t);
	return ret;
}

/*
 * A structure the vmkernel reads and writes whole: copied in (in_too),
 * the hypercall on a kernel copy, copied out even when the call failed
 * (its msg says why).
 */
static long ioc_struct(u32 nr, void __user *arg, size_t size, bool in_too)
{
	void *buf = kzalloc(size, GFP_KERNEL);
	long ret = -EFAULT;

	if (!buf)
		return -ENOMEM;
	if (in_too && copy_from_user(buf, arg, size))
		goto out;
	ret = vmk_dev_hypercall(nr, virt_to_phys(buf), size, 0, 0, NULL);
	if (copy_to_user(arg, buf, size))
		ret = -EFAULT;
out:
	kfree(buf);
	return ret;
}

static long vmk_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
	void __user *uarg = (void __user *)arg;
	struct vmk_module_info mi;
	u32 version = VMK_ABI_VERSION;

	switch (cmd) {
	case VMK_IOC_VERSION:
		return copy_to_user(uarg, &version, sizeof(version)) ? -EFAULT : 0;
	case VMK_IOC_MODULE_INFO:
		mi.abi_version = VMK_ABI_VERSION;
		mi.active = machine->active;
		mi.load_us = machine->load_us;
		mi.unload_us = machine->unload_us;
		return copy_to_user(uarg, &mi, sizeof(mi)) ? -EFAULT : 0;
	case VMK_IOC_INFO:
		return ioc_info(uarg);
	case VMK_IOC_SCHED_LIST:
		return ioc_sched_list(uarg);
	case VMK_IOC_LOG_READ:
		return ioc_log_read(uarg);
	case VMK_IOC_NET_INFO:
		return ioc_net_info(uarg);
	case VMK_IOC_NET_GROUP_ADD:
		return ioc_net_group(VMK_HC_NET_GROUP_ADD, uarg);
	case VMK_IOC_NET_GROUP_SET:
		return ioc_net_group(VMK_HC_NET_GROUP_SET, uarg);
	case VMK_IOC_NET_GROUP_DEL:
		return ioc_net_group(VMK_HC_NET_GROUP_DEL, uarg);
	case VMK_IOC_NET_SWITCH:
		return ioc_net_request(VMK_HC_NET_SWITCH, uarg,
				       offsetof(struct vmk_ioc_net_switch, msg),
				       sizeof(struct vmk_ioc_net_switch));
	case VMK_IOC_SCHED_TEST:
		return ioc_sched_test(uarg);
	case VMK_IOC_STORAGE_LIST:
		return ioc_struct(VMK_HC_STORAGE_LIST, uarg,
				  sizeof(struct vmk_storage_list), false);
	case VMK_IOC_STORAGE_DATASTORES:
		return ioc_struct(VMK_HC_STORAGE_DATASTORES, uarg,
				  sizeof(struct vmk_datastore_list), false);
	case VMK_IOC_STORAGE_FORMAT:
		return ioc_struct(VMK_HC_STORAGE_FORMAT, uarg,
				  sizeof(struct vmk_storage_format), true);
	case VMK_IOC_STORAGE_VDISK:
		return ioc_struct(VMK_HC_STORAGE_VDISK, uarg,
				  sizeof(struct vmk_storage_vdisk), true);
	case VMK_IOC_STORAGE_RESCAN:
		return ioc_struct(VMK_HC_STORAGE_RESCAN, uarg,
				  sizeof(struct vmk_storage_rescan), false);
	case VMK_IOC_VM_DISKS:
		return ioc_struct(VMK_HC_VM_DISKS, uarg,
				  sizeof(struct vmk_vm_disks), true);
	case VMK_IOC_STORAGE_READ:
		return ioc_struct(VMK_HC_STORAGE_READ, uarg,
				  sizeof(struct vmk_storage_read), true);
	case VMK_IOC_PANIC_TEST:
		return vmk_dev_hypercall(VMK_HC_PANIC_TEST, VMK_PANIC_TEST_NOW,
					 0, 0, 0, NULL);
	case VMK_IOC_PANIC_TEST_VMCB:
		return vmk_dev_hypercall(VMK_HC_PANIC_TEST, VMK_PANIC_TEST_VMCB,
					 0, 0, 0, NULL);
	default:
		return vmk_vm_ioctl(cmd, uarg);
	}
}

static const struct file_operations vmk_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = vmk_ioctl,
	.compat_ioctl = vmk_ioctl,
};

static struct miscdevice vmk_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "vmkernel",
	.fops = &vmk_fops,
	.mode = 0600,
};

int vmk_dev_register(struct vmk_machine *m)
{
	machine = m;
	return misc_register(&vmk_misc);
}

void vmk_dev_unregister(void)
{
	misc_deregister(&vmk_misc);
	machine = NULL;
}
