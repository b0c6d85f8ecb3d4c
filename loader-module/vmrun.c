// SPDX-License-Identifier: GPL-2.0-only
/*
 * VM vCPU threads: until the vmkernel's scheduler runs VM worlds itself,
 * one COS kernel thread per vCPU drives it with VMK_HC_VM_RUN (include/
 * vmk/vm.h), the way a KVM_RUN loop does: the vmkernel runs the guest until
 * the next physical interrupt (which the COS then takes), a HLT, or the
 * end of the VM. A halted vCPU sleeps until its next virtual timer event,
 * at most VCPU_MAX_SLEEP_US so that interrupts from the console, other
 * vCPUs or the COS are noticed.
 */
#include <linux/kthread.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/delay.h>
#include <linux/hrtimer.h>
#include <linux/io.h>
#include <linux/module.h>
#include <vmk/vm.h>
#include "vmkload.h"

#define VCPU_MAX_SLEEP_US	4000
#define VCPU_SIPI_POLL_US	1000

struct vcpu_thread {
	struct task_struct *task;
	struct vmk_vm_run *run;		/* kmalloc'd: physically contiguous */
	u32 id, vcpu;
};

static struct vmk_machine *vm_machine;
static DEFINE_MUTEX(threads_lock);
static struct vcpu_thread threads[VMK_MAX_VMS][VMK_VM_MAX_VCPUS];

void vmk_vmrun_init(struct vmk_machine *m)
{
	vm_machine = m;
}

int vmk_vm_hypercall(u32 nr, u32 a0, u32 a1, u32 a2, u32 a3,
		     vmk_status_t *st, u32 *result)
{
	if (!vm_machine)
		return -ENODEV;
	return vmk_hypercall(vm_machine, nr, a0, a1, a2, a3, st, result);
}
EXPORT_SYMBOL_GPL(vmk_vm_hypercall);

static void sleep_us(u64 us)
{
	ktime_t t = ns_to_ktime(us * NSEC_PER_USEC);

	set_current_state(TASK_INTERRUPTIBLE);
	schedule_hrtimeout_range(&t, 100 * NSEC_PER_USEC, HRTIMER_MODE_REL);
}

static int vcpu_thread_fn(void *arg)
{
	struct vcpu_thread *t = arg;
	vmk_status_t st;
	u64 us;

	while (!kthread_should_stop()) {
		t->run->id = t->id;
		t->run->vcpu = t->vcpu;
		if (vmk_vm_hypercall(VMK_HC_VM_RUN, virt_to_phys(t->run), 0, 0, 0,
				     &st, NULL) || st != VMK_OK)
			break;
		if (t->run->reason == VMK_VM_RUN_STOPPED)
			break;
		if (t->run->reason == VMK_VM_RUN_HALTED) {
			us = div_u64(t->run->wait_ns, NSEC_PER_USEC);
			sleep_us(min_t(u64, us, VCPU_MAX_SLEEP_US));
		} else if (t->run->reason == VMK_VM_RUN_WAIT_SIPI) {
			sleep_us(VCPU_SIPI_POLL_US);
		} else {
			cond_resched();
		}
	}
	/* Wait for kthread_stop() so the owner can reap it at any time. */
	while (!kthread_should_stop()) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (!kthread_should_stop())
			schedule();
		__set_current_state(TASK_RUNNING);
	}
	return 0;
}

static void stop_thread(struct vcpu_thread *t)
{
	if (!t->task)
		return;
	kthread_stop(t->task);
	put_task_struct(t->task);
	kfree(t->run);
	t->task = NULL;
	t->run = NULL;
}

void vmk_vm_stop_vcpus(u32 id)
{
	u32 i;

	if (id < 1 || id > VMK_MAX_VMS)
		return;
	mutex_lock(&threads_lock);
	for (i = 0; i < VMK_VM_MAX_VCPUS; i++)
		stop_thread(&threads[id - 1][i]);
	mutex_unlock(&threads_lock);
}
EXPORT_SYMBOL_GPL(vmk_vm_stop_vcpus);

/* After VMK_HC_VM_POWER_ON: one thread per vCPU (earlier ones reaped). */
int vmk_vm_start_vcpus(u32 id, u32 nvcpus)
{
	struct vcpu_thread *t;
	u32 i;
	int ret = 0;

	if (id < 1 || id > VMK_MAX_VMS || !nvcpus || nvcpus > VMK_VM_MAX_VCPUS)
		return -EINVAL;
	vmk_vm_stop_vcpus(id);
	mutex_lock(&threads_lock);
	for (i = 0; i < nvcpus; i++) {
		t = &threads[id - 1][i];
		t->id = id;
		t->vcpu = i;
		t->run = kzalloc(sizeof(*t->run), GFP_KERNEL);
		if (!t->run) {
			ret = -ENOMEM;
			break;
		}
		t->task = kthread_create(vcpu_thread_fn, t, "vmk-vm%u.%u", id, i);
		if (IS_ERR(t->task)) {
			ret = PTR_ERR(t->task);
			t->task = NULL;
			kfree(t->run);
			t->run = NULL;
			break;
		}
		/* Held before it runs: stop_thread() may reap it any time. */
		get_task_struct(t->task);
		wake_up_process(t->task);
	}
	mutex_unlock(&threads_lock);
	if (ret)
		vmk_vm_stop_vcpus(id);
	return ret;
}
EXPORT_SYMBOL_GPL(vmk_vm_start_vcpus);

/* Unload: no thread may call into a vmkernel that is going away. */
void vmk_vmrun_exit(void)
{
	u32 id;

	for (id = 1; id <= VMK_MAX_VMS; id++)
		vmk_vm_stop_vcpus(id);
	vm_machine = NULL;
}
