// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmk_drcheck: the COS side of tests/lab/vm_debug_registers_are_per_world.sh.
 * On CPU cpu, for seconds s, it writes its own values into DR0-3 with
 * preemption off and reads them back without pause, a new set of values
 * every batch. DR7 stays as Linux keeps it (no breakpoint enabled): only
 * the addresses are at stake. A value it did not write is another world's
 * (tests/guest/dr_check runs a VM on the same CPU). Prints
 * "vmk_drcheck: cpu C checks N mismatches M" and clears DR0-3; the
 * scenario unloads it (a failed init would make busybox insmod run it
 * twice).
 */
#include <linux/module.h>
#include <linux/jiffies.h>
#include <linux/sched.h>
#include <linux/workqueue.h>
#include <asm/debugreg.h>

static unsigned int cpu = 1;
module_param(cpu, uint, 0444);
static unsigned int seconds = 30;
module_param(seconds, uint, 0444);

#define DRCHECK_BATCH	4096		/* reads of all four, preemption off */
#define COS_BASE	0xc05c0000u	/* a COS kernel address, never touched */

struct drcheck {
	u64 checks, bad;
};

static unsigned long pattern(u32 batch, int n)
{
	return COS_BASE + ((batch & 0xfff) << 8) + n * 0x10;
}

/*
 * Linux's get_debugreg() is an asm without volatile: GCC may hoist it out
 * of the loop or above the writes (it read DR0 and DR1 once, before the
 * first set_debugreg(), so half of all checks failed). Each read here is
 * a real MOV from DRn, after the writes.
 */
static unsigned long dr_get(int n)
{
	unsigned long v = 0;

	switch (n) {
	case 0: asm volatile("mov %%db0, %0" : "=r"(v)); break;
	case 1: asm volatile("mov %%db1, %0" : "=r"(v)); break;
	case 2: asm volatile("mov %%db2, %0" : "=r"(v)); break;
	case 3: asm volatile("mov %%db3, %0" : "=r"(v)); break;
	}
	return v;
}

static long drcheck_run(void *arg)
{
	struct drcheck *r = arg;
	unsigned long end = jiffies + seconds * HZ, v;
	u32 batch, i;
	int n;

	for (batch = 1; time_before(jiffies, end); batch++) {
		preempt_disable();
		for (n = 0; n < 4; n++)
			set_debugreg(pattern(batch, n), n);
		for (i = 0; i < DRCHECK_BATCH; i++) {
			for (n = 0; n < 4; n++) {
				v = dr_get(n);
				r->bad += v != pattern(batch, n);
			}
		}
		r->checks += DRCHECK_BATCH * 4;
		preempt_enable();
		cond_resched();
	}
	preempt_disable();
	for (n = 0; n < 4; n++)
		set_debugreg(0, n);
	preempt_enable();
	return 0;
}

static int __init vmk_drcheck_init(void)
{
	struct drcheck r = { 0 };

	if (cpu >= nr_cpu_ids || !cpu_online(cpu))
		return -EINVAL;
	work_on_cpu(cpu, drcheck_run, &r);
	pr_info("vmk_drcheck: cpu %u checks %llu mismatches %llu\n", cpu,
		r.checks, r.bad);
	return 0;
}

static void __exit vmk_drcheck_exit(void)
{
}

module_init(vmk_drcheck_init);
module_exit(vmk_drcheck_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vmk lab: the COS's DR0-3 stay its own next to a VM on the same CPU");
