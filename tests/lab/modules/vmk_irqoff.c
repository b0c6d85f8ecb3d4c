// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmk_irqoff: a COS that keeps a CPU with interrupts off. On load, a
 * kernel thread bound to CPU `cpu` disables interrupts and busy-waits
 * `seconds` (clock: the TSC through ktime, which needs no interrupt),
 * then enables them and prints how long it spun. Unloading waits for
 * it. tests/lab/sched_cos_irqs_off_cannot_starve_a_vm.sh: a VM pinned to
 * that CPU must still run meanwhile (docs/architecture.md "Time").
 */
#include <linux/module.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/nmi.h>
#include <linux/math64.h>

static unsigned int cpu = 1;
module_param(cpu, uint, 0444);
static unsigned int seconds = 10;
module_param(seconds, uint, 0444);

static struct task_struct *spinner;

static int irqoff_spin(void *unused)
{
	u64 start, end;
	unsigned long flags;

	local_irq_save(flags);
	start = ktime_get_mono_fast_ns();
	end = start + (u64)seconds * NSEC_PER_SEC;
	while (ktime_get_mono_fast_ns() < end) {
		touch_nmi_watchdog();
		cpu_relax();
	}
	local_irq_restore(flags);
	pr_info("vmk_irqoff: cpu%u spun %llu ms with interrupts off\n",
		smp_processor_id(), div_u64(ktime_get_mono_fast_ns() - start, NSEC_PER_MSEC));
	while (!kthread_should_stop())
		schedule_timeout_interruptible(HZ / 10);
	return 0;
}

static int __init vmk_irqoff_init(void)
{
	if (cpu >= nr_cpu_ids || !cpu_online(cpu))
		return -EINVAL;
	spinner = kthread_create(irqoff_spin, NULL, "vmk_irqoff/%u", cpu);
	if (IS_ERR(spinner))
		return PTR_ERR(spinner);
	kthread_bind(spinner, cpu);
	wake_up_process(spinner);
	return 0;
}

static void __exit vmk_irqoff_exit(void)
{
	kthread_stop(spinner);
}

module_init(vmk_irqoff_init);
module_exit(vmk_irqoff_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vmk lab: keep a COS CPU with interrupts off");
