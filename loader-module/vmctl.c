// SPDX-License-Identifier: GPL-2.0-only
/*
 * /dev/vmkernel VM control ioctls (include/vmk/ioctl.h): each copies the
 * user's buffers into kmalloc'd COS memory (physically contiguous, which
 * the vmkernel reads by physical address) and makes the VM hypercall of
 * include/vmk/vm.h. The vmkernel's scheduler runs the VMs' vCPUs as its
 * own worlds: nothing of a VM runs in the COS.
 *
 * Unload with VMs: module_exit cannot fail, so vmkload holds a reference on
 * itself for every VM created through these ioctls until that VM is
 * destroyed. rmmod then refuses with "Module vmkload is in use" and the
 * kernel log names the VMs that hold it; `vmkctl unload` names the running
 * VMs itself and, with --force, kills and destroys them first.
 */
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/io.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/xarray.h>
#include <vmk/ioctl.h>
#include "vmkload.h"

/*
 * The ids of the VMs we hold a module reference for; any number of them.
 * A VM can be destroyed (by another process, on another CPU) between its
 * create hypercall and the hold() after it: its release() then finds no
 * reference and leaves the id in gone, and the late hold() takes none
 * (else the reference would outlive the VM and rmmod refuse for ever).
 * Ids are not reused while vmkload is loaded (a generation in the id),
 * and a destroy succeeds only for a VM some create made, whose hold()
 * then takes its id out of gone again.
 */
static DEFINE_MUTEX(held_lock);
static DEFINE_XARRAY(held);
static DEFINE_XARRAY(gone);

static void hold(u32 id, const char *name)
{
	mutex_lock(&held_lock);
	if (xa_erase(&gone, id)) {
		mutex_unlock(&held_lock);
		return;
	}
	if (!xa_load(&held, id) && try_module_get(THIS_MODULE)) {
		if (xa_insert(&held, id, xa_mk_value(id), GFP_KERNEL)) {
			module_put(THIS_MODULE);
			pr_warn("vmkload: no memory to track vm '%s' (id %u): rmmod will not wait for it\n",
				name, id);
		} else {
			pr_info("vmkload: vm '%s' (id %u) created: vmkload stays in use until it is destroyed ('vmkctl unload --force' powers VMs off)\n",
				name, id);
		}
	}
	mutex_unlock(&held_lock);
}

static void release(u32 id)
{
	mutex_lock(&held_lock);
	if (xa_erase(&held, id))
		module_put(THIS_MODULE);
	else if (xa_insert(&gone, id, xa_mk_value(id), GFP_KERNEL))
		pr_warn("vmkload: no memory to note vm %u destroyed before it was held: rmmod may refuse\n",
			id);
	mutex_unlock(&held_lock);
}

/* The vmkernel is gone (panic, recovered): its VMs with it. */
static void release_all(void)
{
	unsigned long id;
	void *entry;

	mutex_lock(&held_lock);
	xa_for_each(&held, id, entry) {
		xa_erase(&held, id);
		module_put(THIS_MODULE);
	}
	xa_destroy(&gone);
	mutex_unlock(&held_lock);
}

static long vm_call(u32 nr, u32 a0, u32 a1, u32 a2, char *msg, u32 *result)
{
	long ret;

	if (msg)
		msg[0] = '\0';
	ret = vmk_dev_hypercall(nr, a0, a1, a2, msg ? virt_to_phys(msg) : 0, result);
	if (ret == -ENODEV)
		release_all();
	return ret;
}

static long ioc_vm_create(void __user *arg)
{
	struct vmk_ioc_vm_create *c = kzalloc(sizeof(*c), GFP_KERNEL);
	struct vmk_vm_config *cfg = kzalloc(sizeof(*cfg), GFP_KERNEL);
	long ret = -EFAULT;
	u32 id = 0;

	if (!c || !cfg) {
		ret = -ENOMEM;
		goto out;
	}
	if (copy_from_user(c, arg, sizeof(*c)))
		goto out;
	*cfg = c->config;
	cfg->name[VMK_VM_NAME_LEN - 1] = '\0';
	ret = vm_call(VMK_HC_VM_CREATE, virt_to_phys(cfg), 0, 0, c->msg, &id);
	c->id = id;
	if (!ret)
		hold(id, cfg->name);
	if (copy_to_user(arg, c, sizeof(*c)))
		ret = -EFAULT;
out:
	kfree(cfg);
	kfree(c);
	return ret;
}

static long ioc_vm_load(void __user *arg)
{
	struct vmk_ioc_vm_load *l = kzalloc(sizeof(*l), GFP_KERNEL);
	struct vmk_vm_load *hl = kzalloc(sizeof(*hl), GFP_KERNEL);
	void *piece = NULL;
	long ret = -EFAULT;

	if (!l || !hl) {
		ret = -ENOMEM;
		goto out;
	}
	if (copy_from_user(l, arg, sizeof(*l)))
		goto out;
	ret = -EINVAL;
	if (l->len > VMK_IOC_VM_PIECE)
		goto out;
	ret = -ENOMEM;
	piece = kmalloc(l->len ? l->len : 1, GFP_KERNEL);
	if (!piece)
		goto out;
	ret = -EFAULT;
	if (copy_from_user(piece, u64_to_user_ptr(l->data), l->len))
		goto out;
	hl->id = l->id;
	hl->what = l->what;
	hl->total = l->total;
	hl->offset = l->offset;
	hl->len = l->len;
	hl->data_gpa = virt_to_phys(piece);
	ret = vm_call(VMK_HC_VM_LOAD, virt_to_phys(hl), 0, 0, l->msg, NULL);
	if (copy_to_user(arg, l, sizeof(*l)))
		ret = -EFAULT;
out:
	kfree(piece);
	kfree(hl);
	kfree(l);
	return ret;
}

static long ioc_vm_op(void __user *arg)
{
	struct vmk_ioc_vm_op *o = kzalloc(sizeof(*o), GFP_KERNEL);
	long ret = -EFAULT;

	if (!o)
		return -ENOMEM;
	if (copy_from_user(o, arg, sizeof(*o)))
		goto out;
	switch (o->op) {
	case VMK_VM_OP_POWER_ON:
		ret = vm_call(VMK_HC_VM_POWER_ON, o->id, 0, 0, o->msg, NULL);
		break;
	case VMK_VM_OP_STOP:
		ret = vm_call(VMK_HC_VM_STOP, o->id, 0, 0, o->msg, NULL);
		break;
	case VMK_VM_OP_KILL:
		ret = vm_call(VMK_HC_VM_KILL, o->id, 0, 0, o->msg, NULL);
		break;
	case VMK_VM_OP_RESET:
		ret = vm_call(VMK_HC_VM_RESET, o->id, 0, 0, o->msg, NULL);
		break;
	case VMK_VM_OP_DUMP:
		ret = vm_call(VMK_HC_VM_DUMP, o->id, 0, 0, o->msg, NULL);
		break;
	case VMK_VM_OP_DESTROY:
		ret = vm_call(VMK_HC_VM_DESTROY, o->id, 0, 0, o->msg, NULL);
		if (!ret)
			release(o->id);
		break;
	default:
		ret = -EINVAL;
		goto out;
	}
	if (copy_to_user(arg, o, sizeof(*o)))
		ret = -EFAULT;
out:
	kfree(o);
	return ret;
}

/* A vNIC's link: id, NIC and state in registers, the reason out. */
static long ioc_nic_link(void __user *arg)
{
	struct vmk_ioc_nic_link *l = kzalloc(sizeof(*l), GFP_KERNEL);
	long ret = -EFAULT;

	if (!l)
		return -ENOMEM;
	if (copy_from_user(l, arg, sizeof(*l)))
		goto out;
	ret = vm_call(VMK_HC_NET_NIC_LINK, l->id, l->nic, l->up, l->msg, NULL);
	if (copy_to_user(arg, l, sizeof(*l)))
		ret = -EFAULT;
out:
	kfree(l);
	return ret;
}

/* A running VM's shares, reservation and limit; the reason out. */
static long ioc_vm_set_alloc(void __user *arg)
{
	struct vmk_ioc_vm_alloc *a = kzalloc(sizeof(*a), GFP_KERNEL);
	long ret = -EFAULT;

	if (!a)
		return -ENOMEM;
	if (copy_from_user(&a->alloc, arg, sizeof(a->alloc)))
		goto out;
	ret = vm_call(VMK_HC_VM_SET_ALLOC, virt_to_phys(&a->alloc), sizeof(a->alloc), 0,
		      a->msg, NULL);
	if (copy_to_user(arg, a, sizeof(*a)))
		ret = -EFAULT;
out:
	kfree(a);
	return ret;
}

static long ioc_vm_info(void __user *arg)
{
	struct vmk_vm_info *info = kzalloc(sizeof(*info), GFP_KERNEL);
	long ret = -EFAULT;
	u32 id;

	if (!info)
		return -ENOMEM;
	if (copy_from_user(&id, arg, sizeof(id)))
		goto out;
	ret = vm_call(VMK_HC_VM_INFO, id, virt_to_phys(info), sizeof(*info),
		      NULL, NULL);
	if (!ret && copy_to_user(arg, info, sizeof(*info)))
		ret = -EFAULT;
out:
	kfree(info);
	return ret;
}

/* One page of the VM ids from the user's start on (include/vmk/vm.h). */
static long ioc_vm_list(void __user *arg)
{
	struct vmk_vm_list *list = kzalloc(sizeof(*list), GFP_KERNEL);
	long ret = -EFAULT;

	if (!list)
		return -ENOMEM;
	if (copy_from_user(list, arg, offsetof(struct vmk_vm_list, count)))
		goto out;
	ret = vm_call(VMK_HC_VM_LIST, virt_to_phys(list), 0, 0, NULL, NULL);
	if (!ret && copy_to_user(arg, list, sizeof(*list)))
		ret = -EFAULT;
out:
	kfree(list);
	return ret;
}

static long ioc_vm_console(void __user *arg, bool write)
{
	struct vmk_ioc_vm_console c;
	void *buf;
	u32 done = 0;
	long ret;

	if (copy_from_user(&c, arg, sizeof(c)))
		return -EFAULT;
	if (c.len > VMK_IOC_VM_PIECE)
		return -EINVAL;
	buf = kmalloc(c.len ? c.len : 1, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	ret = -EFAULT;
	if (write && copy_from_user(buf, u64_to_user_ptr(c.data), c.len))
		goto out;
	ret = vm_call(write ? VMK_HC_VM_CONSOLE_WRITE : VMK_HC_VM_CONSOLE_READ,
		      c.id, virt_to_phys(buf), c.len, NULL, &done);
	if (ret)
		goto out;
	c.len = min(done, c.len);
	if ((!write && copy_to_user(u64_to_user_ptr(c.data), buf, c.len)) ||
	    copy_to_user(arg, &c, sizeof(c)))
		ret = -EFAULT;
out:
	kfree(buf);
	return ret;
}

long vmk_vm_ioctl(unsigned int cmd, void __user *arg)
{
	switch (cmd) {
	case VMK_IOC_VM_CREATE:
		return ioc_vm_create(arg);
	case VMK_IOC_VM_LOAD:
		return ioc_vm_load(arg);
	case VMK_IOC_VM_OP:
		return ioc_vm_op(arg);
	case VMK_IOC_NIC_LINK:
		return ioc_nic_link(arg);
	case VMK_IOC_VM_SET_ALLOC:
		return ioc_vm_set_alloc(arg);
	case VMK_IOC_VM_INFO:
		return ioc_vm_info(arg);
	case VMK_IOC_VM_LIST:
		return ioc_vm_list(arg);
	case VMK_IOC_VM_CONSOLE_READ:
		return ioc_vm_console(arg, false);
	case VMK_IOC_VM_CONSOLE_WRITE:
		return ioc_vm_console(arg, true);
	default:
		return -ENOTTY;
	}
}
