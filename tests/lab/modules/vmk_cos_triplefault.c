// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmk_cos_triplefault: the COS triple faults on purpose. On load, CPU
 * `cpu` (through a function-call IPI, so with interrupts off) loads an
 * IDT of limit 0 and executes UD2: the #UD cannot be delivered (#GP),
 * nor that #GP (#DF), nor the #DF, and the CPU shuts down (SDM vol. 3A
 * §6.15, "Interrupt 8"). Under the vmkernel that is the COS's SHUTDOWN
 * exit. tests/lab/host/cos_triple_fault_leaves_vms_running.sh: the
 * vmkernel must report it on COM2, stop the COS and keep the VMs running.
 * Without the vmkernel this resets the machine: load it only in the lab.
 */
#include <linux/module.h>
#include <linux/smp.h>
#include <linux/cpumask.h>

static unsigned int cpu = 1;
module_param(cpu, uint, 0444);

static void triple_fault(void *unused)
{
	static const struct {
		u16 limit;
		u32 base;
	} __packed empty_idt = { 0, 0 };

	pr_emerg("vmk_cos_triplefault: cpu%u: empty IDT, then UD2\n",
		 smp_processor_id());
	asm volatile("lidt %0\n\t"
		     "ud2" :: "m"(empty_idt) : "memory");
}

static int __init cos_triplefault_init(void)
{
	if (cpu >= nr_cpu_ids || !cpu_online(cpu))
		return -EINVAL;
	return smp_call_function_single(cpu, triple_fault, NULL, 0);
}
module_init(cos_triplefault_init);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vmk lab: the COS triple faults on one CPU");
