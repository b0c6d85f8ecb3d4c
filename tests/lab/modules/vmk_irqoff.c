// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmk_irqoff: a COS that keeps a CPU from interrupts. On load, a kernel
 * thread bound to CPU `cpu` does one of (clock: the TSC through ktime,
 * which needs no interrupt):
 *   mode=spin (default): disables interrupts and busy-waits `seconds`,
 *     then enables them and prints how long it spun;
 *   mode=tprhalt: writes 0xef to the LAPIC's TPR (classes up to 0xe
 *     held back: the timer 0xec and every device vector, as a driver
 *     that raises its priority and forgets it would; Linux's IPIs
 *     0xf0-0xfe pass) and halts with interrupts enabled until `seconds`
 *     have passed, then writes the old TPR back and prints how long it
 *     halted, how often, and how often its TPR was not 0xef after a HLT.
 *     As on bare metal a vector its TPR holds back must not end a HLT:
 *     a thread on another CPU sends it a function-call IPI (0xfb) every
 *     20 ms, and the halts per second must stay near that rate.
 * Unloading waits for it. tests/lab/sched_cos_irqs_off_cannot_starve_a_vm.sh:
 * VMs pinned to that CPU must still run meanwhile (docs/architecture.md
 * "Time", "Interrupts").
 */
#include <linux/module.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/nmi.h>
#include <linux/math64.h>
#include <linux/string.h>
#include <linux/delay.h>
#include <linux/smp.h>
#include <linux/cpumask.h>
#include <asm/apic.h>
#include <asm/irqflags.h>

static unsigned int cpu = 1;
module_param(cpu, uint, 0444);
static unsigned int seconds = 10;
module_param(seconds, uint, 0444);
static char *mode = "spin";
module_param(mode, charp, 0444);

#define TPR_HALT	0xef	/* class 0xe held back, 0xf passes */
#define POKE_MS		20

static struct task_struct *spinner, *waker;
static bool halt_done;
static u64 pokes;

static void irqoff_spin(void)
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
}

static void poke(void *unused)
{
}

/* On another CPU: a class 0xf IPI to `cpu` every POKE_MS while it halts. */
static int waker_thread(void *unused)
{
	while (!READ_ONCE(halt_done) && !kthread_should_stop()) {
		msleep(POKE_MS);
		smp_call_function_single(cpu, poke, NULL, 1);
		pokes++;
	}
	while (!kthread_should_stop())
		schedule_timeout_interruptible(HZ / 10);
	return 0;
}

static void tpr_halt(void)
{
	u64 start, ms, halts = 0, lost = 0;
	u32 old, seen;

	/*
	 * Read with interrupts on: with them off, an interrupt that arrives
	 * makes the vmkernel mask this COS (TPR 0xe0 in the LAPIC until its
	 * window), and 0xe0 would be read and written back as its own.
	 */
	old = apic_read(APIC_TASKPRI);
	local_irq_disable();
	apic_write(APIC_TASKPRI, TPR_HALT);
	seen = apic_read(APIC_TASKPRI);
	start = ktime_get_mono_fast_ns();
	while (ktime_get_mono_fast_ns() - start < (u64)seconds * NSEC_PER_SEC) {
		touch_nmi_watchdog();
		native_safe_halt();	/* sti; hlt */
		local_irq_disable();
		halts++;
		/* its TPR went away with its vCPU and came back */
		if (apic_read(APIC_TASKPRI) != TPR_HALT)
			lost++;
	}
	apic_write(APIC_TASKPRI, old);
	local_irq_enable();
	WRITE_ONCE(halt_done, true);
	ms = div_u64(ktime_get_mono_fast_ns() - start, NSEC_PER_MSEC);
	pr_info("vmk_irqoff: cpu%u halted %llu ms with TPR %x (%llu halts, %llu/s, TPR lost %llu times), TPR %x again, %llu IPIs\n",
		smp_processor_id(), ms, seen, halts,
		div64_u64(halts * 1000, ms ? ms : 1), lost, old, READ_ONCE(pokes));
}

static int irqoff_thread(void *unused)
{
	if (!strcmp(mode, "tprhalt"))
		tpr_halt();
	else
		irqoff_spin();
	while (!kthread_should_stop())
		schedule_timeout_interruptible(HZ / 10);
	return 0;
}

static int __init vmk_irqoff_init(void)
{
	if (cpu >= nr_cpu_ids || !cpu_online(cpu))
		return -EINVAL;
	if (strcmp(mode, "spin") && strcmp(mode, "tprhalt"))
		return -EINVAL;
	spinner = kthread_create(irqoff_thread, NULL, "vmk_irqoff/%u", cpu);
	if (IS_ERR(spinner))
		return PTR_ERR(spinner);
	kthread_bind(spinner, cpu);
	if (!strcmp(mode, "tprhalt")) {
		unsigned int other = cpumask_any_but(cpu_online_mask, cpu);

		if (other >= nr_cpu_ids) {
			kthread_stop(spinner);
			return -EINVAL;
		}
		waker = kthread_create(waker_thread, NULL, "vmk_irqoff_w/%u", other);
		if (IS_ERR(waker)) {
			kthread_stop(spinner);
			return PTR_ERR(waker);
		}
		kthread_bind(waker, other);
		wake_up_process(waker);
	}
	wake_up_process(spinner);
	return 0;
}

static void __exit vmk_irqoff_exit(void)
{
	kthread_stop(spinner);
	if (waker)
		kthread_stop(waker);
}

module_init(vmk_irqoff_init);
module_exit(vmk_irqoff_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vmk lab: keep a COS CPU from interrupts");
