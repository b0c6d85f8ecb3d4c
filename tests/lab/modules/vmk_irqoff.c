// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmk_irqoff: a COS that keeps a CPU from interrupts. On load, a kernel
 * thread bound to CPU `cpu` does one of (clock: the TSC through ktime,
 * which needs no interrupt):
 *   mode=spin (default): disables interrupts and busy-waits `seconds`,
 *     then enables them and prints how long it spun;
 *   mode=tprhalt: halts with interrupts enabled for `seconds`, the
 *     first half with 0xef in the LAPIC's TPR (classes up to 0xe held
 *     back: the timer 0xec and every device vector, as a driver that
 *     raises its priority and forgets it would; Linux's IPIs 0xf0-0xfe
 *     pass), the second half with 0xff (every vector held back, the
 *     vmkernel's own class 0xf too if that TPR stayed in the LAPIC while
 *     its vCPU is away), then writes the old TPR back and prints, for
 *     each half, how long it halted, how often, and how often its TPR was
 *     not the one it wrote after a HLT. As on bare metal a vector its TPR
 *     holds back must not end a HLT: a thread on another CPU sends it a
 *     function-call IPI (0xfb) every 20 ms in the first half, a timer
 *     there an NMI every 20 ms in the second (the next once the last was
 *     taken, or after a second; an NMI handler claims only the NMIs it
 *     expects and counts them), and the halts must stay near those counts.
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
#include <linux/hrtimer.h>
#include <asm/apic.h>
#include <asm/irqflags.h>
#include <asm/nmi.h>

static unsigned int cpu = 1;
module_param(cpu, uint, 0444);
static unsigned int seconds = 10;
module_param(seconds, uint, 0444);
static char *mode = "spin";
module_param(mode, charp, 0444);

#define TPR_HALT	0xef	/* class 0xe held back, 0xf passes */
#define TPR_NMI		0xff	/* every vector held back: only NMIs pass */
#define POKE_MS		20

static struct task_struct *spinner, *waker;
static bool halt_done, waker_done;
static bool want_nmi;	/* the halting thread asks for NMIs instead */
static bool nmi_mode;	/* the waker's IPIs are all taken: NMIs from now */
static unsigned int pokes, nmis_sent, nmis_got, nmis_late, nmi_ticks;
static bool nmi_registered;
static struct hrtimer nmi_timer;

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

/* Claims only an NMI on `cpu` that the waker sent and nobody counted. */
static int tpr_nmi(unsigned int type, struct pt_regs *regs)
{
	if (smp_processor_id() != cpu ||
	    READ_ONCE(nmis_got) == READ_ONCE(nmis_sent))
		return NMI_DONE;
	WRITE_ONCE(nmis_got, nmis_got + 1);
	return NMI_HANDLED;
}

/*
 * Every POKE_MS on the waker's CPU, in interrupt context: an NMI to `cpu`
 * once the one before was taken (or a second has passed: counted late).
 * Not from the waker thread: a Linux IPI to `cpu` (a TLB shootdown) is
 * held in its IRR behind TPR_NMI, and a thread that sent it spins with
 * preemption off until the half ends; the timer still fires then, and
 * the NMIs that end the half still go.
 */
static enum hrtimer_restart nmi_tick(struct hrtimer *t)
{
	if (READ_ONCE(halt_done))
		return HRTIMER_NORESTART;
	if (READ_ONCE(nmis_got) != nmis_sent && ++nmi_ticks < 1000 / POKE_MS)
		goto again;
	if (nmi_ticks >= 1000 / POKE_MS)
		nmis_late++;
	nmi_ticks = 0;
	WRITE_ONCE(nmis_sent, nmis_sent + 1);
	apic->send_IPI(cpu, NMI_VECTOR);
again:
	hrtimer_forward_now(t, ms_to_ktime(POKE_MS));
	return HRTIMER_RESTART;
}

/*
 * On another CPU: a class 0xf IPI to `cpu` every POKE_MS while it halts
 * at TPR_HALT, then, once it asks for them, NMIs (nmi_tick). Its IPIs
 * are waited for, so none is left in `cpu`'s IRR when it raises its TPR
 * to TPR_NMI (one held there would hold this thread until the end).
 */
static int waker_thread(void *unused)
{
	while (!READ_ONCE(halt_done) && !kthread_should_stop()) {
		msleep(POKE_MS);
		if (READ_ONCE(want_nmi)) {
			WRITE_ONCE(nmi_mode, true);
			hrtimer_start(&nmi_timer, ms_to_ktime(POKE_MS),
				      HRTIMER_MODE_REL_PINNED);
			break;
		}
		smp_call_function_single(cpu, poke, NULL, 1);
		pokes++;
	}
	while (!READ_ONCE(halt_done) && !kthread_should_stop())
		schedule_timeout_interruptible(HZ / 50);
	/* the last NMI is sent: count after this */
	hrtimer_cancel(&nmi_timer);
	WRITE_ONCE(waker_done, true);
	while (!kthread_should_stop())
		schedule_timeout_interruptible(HZ / 10);
	return 0;
}

/* Halts (sti; hlt) at TPR `tpr` until `end`, or until `stop` is true. */
static void halt_until(u32 tpr, u64 end, const bool *stop, u64 *halts, u64 *lost)
{
	while (ktime_get_mono_fast_ns() < end && !(stop && READ_ONCE(*stop))) {
		touch_nmi_watchdog();
		native_safe_halt();	/* sti; hlt */
		local_irq_disable();
		(*halts)++;
		/* its TPR went away with its vCPU and came back */
		if (apic_read(APIC_TASKPRI) != tpr)
			(*lost)++;
	}
}

static void tpr_halt(void)
{
	u64 start, mid, end, at_nmi, ms1, ms2, halts1 = 0, lost1 = 0, halts2 = 0, lost2 = 0;
	u32 old, seen1, seen2;
	unsigned int i, pokes1, nmis1;

	/*
	 * Read with interrupts on: with them off, an interrupt that arrives
	 * makes the vmkernel mask this COS (TPR 0xe0 in the LAPIC until its
	 * window), and 0xe0 would be read and written back as its own.
	 */
	old = apic_read(APIC_TASKPRI);
	local_irq_disable();
	apic_write(APIC_TASKPRI, TPR_HALT);
	seen1 = apic_read(APIC_TASKPRI);
	start = ktime_get_mono_fast_ns();
	mid = start + (u64)seconds * NSEC_PER_SEC / 2;
	end = start + (u64)seconds * NSEC_PER_SEC;
	halt_until(TPR_HALT, mid, NULL, &halts1, &lost1);
	/* until the waker's last IPI is taken; its first NMI ends this */
	WRITE_ONCE(want_nmi, true);
	halt_until(TPR_HALT, end, &nmi_mode, &halts1, &lost1);
	at_nmi = ktime_get_mono_fast_ns();
	pokes1 = READ_ONCE(pokes);
	nmis1 = READ_ONCE(nmis_sent);
	apic_write(APIC_TASKPRI, TPR_NMI);
	seen2 = apic_read(APIC_TASKPRI);
	halt_until(TPR_NMI, end, NULL, &halts2, &lost2);
	ms2 = div_u64(ktime_get_mono_fast_ns() - at_nmi, NSEC_PER_MSEC);
	apic_write(APIC_TASKPRI, old);
	local_irq_enable();
	WRITE_ONCE(halt_done, true);
	ms1 = div_u64(at_nmi - start, NSEC_PER_MSEC);
	/* the waker's last NMI, waited for, before counting */
	for (i = 0; i < 300 && !READ_ONCE(waker_done); i++)
		msleep(10);
	for (i = 0; i < 100 && READ_ONCE(nmis_got) != READ_ONCE(nmis_sent); i++)
		msleep(10);
	pr_info("vmk_irqoff: cpu%u halted %llu ms with TPR %x (%llu halts, TPR lost %llu times) for %u IPIs and %u NMIs\n",
		smp_processor_id(), ms1, seen1, halts1, lost1, pokes1, nmis1);
	pr_info("vmk_irqoff: cpu%u halted %llu ms with TPR %x (%llu halts, TPR lost %llu times) for %u NMIs\n",
		smp_processor_id(), ms2, seen2, halts2, lost2, READ_ONCE(nmis_sent) - nmis1);
	pr_info("vmk_irqoff: cpu%u halted %llu ms in all (%llu/s), TPR %x again, %u NMIs sent, %u taken, %u resent after 1 s%s\n",
		smp_processor_id(), ms1 + ms2,
		div64_u64((halts1 + halts2) * 1000, ms1 + ms2 ? ms1 + ms2 : 1),
		apic_read(APIC_TASKPRI), READ_ONCE(nmis_sent), READ_ONCE(nmis_got),
		nmis_late, READ_ONCE(waker_done) ? "" : " (the waker still runs)");
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
	int err;

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
		hrtimer_init(&nmi_timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_PINNED);
		nmi_timer.function = nmi_tick;
		err = register_nmi_handler(NMI_LOCAL, tpr_nmi, 0, "vmk_irqoff");
		if (err) {
			kthread_stop(waker);
			kthread_stop(spinner);
			return err;
		}
		nmi_registered = true;
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
	if (nmi_registered)
		unregister_nmi_handler(NMI_LOCAL, "vmk_irqoff");
}

module_init(vmk_irqoff_init);
module_exit(vmk_irqoff_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vmk lab: keep a COS CPU from interrupts");
