// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmk_pcicfg: the COS aims configuration mechanism 1 (0xCF8/0xCFC, as
 * `setpci -A intel-conf1` would) at a function the vmkernel took, and
 * reports what it saw. Directly on this CPU: it reads the function's id,
 * clears its command register's decode and bus-master bits, zeroes BAR
 * 0, writes a byte to 0xCF8 (mechanism 2's enable register; not the
 * address register) and reads the address register back. Then the race
 * of issue 9: a thread on another CPU points 0xCF8 at the taken function
 * over and over while this CPU reads the id of a visible one `loops`
 * times; every read must be the visible id. With `bridge`, it first
 * writes what would cut the taken function off from the vmkernel in the
 * PCI-to-PCI bridge above it (decode and bus master off, a new secondary
 * bus number, a closed memory window, a secondary bus reset pulse), puts
 * the old values back, and says whether the bridge kept its registers.
 * Loading always "fails" (-EAGAIN) after the report. Linux's own configuration cycles are not
 * locked out: run it on an idle COS.
 * tests/lab/cos_cannot_reach_a_taken_devices_config_space.sh.
 */
#include <linux/module.h>
#include <linux/kthread.h>
#include <linux/io.h>
#include <linux/delay.h>

static uint hidden;
module_param(hidden, uint, 0444);
MODULE_PARM_DESC(hidden, "bus << 8 | dev << 3 | fn of the function the vmkernel took");
static uint visible;
module_param(visible, uint, 0444);
MODULE_PARM_DESC(visible, "bus << 8 | dev << 3 | fn of a function the COS keeps");
static uint bridge = ~0u;
module_param(bridge, uint, 0444);
MODULE_PARM_DESC(bridge, "bus << 8 | dev << 3 | fn of the bridge above the taken function, if any");
static uint loops = 20000;
module_param(loops, uint, 0444);
MODULE_PARM_DESC(loops, "reads of the visible function's id during the race");

#define CONF_ADDR	0xcf8
#define CONF_DATA	0xcfc
#define ADDR(bdf, reg)	(0x80000000u | (bdf) << 8 | (reg))

static u32 conf_read(u32 bdf, u32 reg)
{
	outl(ADDR(bdf, reg), CONF_ADDR);
	return inl(CONF_DATA);
}

static int racer_cpu = -1;
static bool racer_started, racer_stop;
static unsigned long racer_writes;

static int race_address(void *unused)
{
	unsigned long flags;

	local_irq_save(flags);
	WRITE_ONCE(racer_started, true);
	while (!READ_ONCE(racer_stop)) {
		outl(ADDR(hidden, 0), CONF_ADDR);
		racer_writes++;
	}
	local_irq_restore(flags);
	while (!kthread_should_stop())
		schedule_timeout_interruptible(HZ / 10);
	return 0;
}

/* Bridge registers (PCI-to-PCI Bridge spec 1.2 §3.2). */
#define BR_COMMAND	0x04	/* word */
#define BR_BUSES	0x18	/* primary, secondary, subordinate, latency */
#define BR_MEMORY	0x20	/* memory base and limit */
#define BR_CONTROL	0x3e	/* word; bit 6 secondary bus reset */
#define BR_SBR		0x0040

struct bridge_regs {
	u32 command, buses, memory, control;
};

static void bridge_read(struct bridge_regs *r)
{
	r->command = conf_read(bridge, BR_COMMAND) & 0xffff;
	r->buses = conf_read(bridge, BR_BUSES) & 0xffffff;
	r->memory = conf_read(bridge, BR_MEMORY);
	r->control = conf_read(bridge, 0x3c) >> 16;
}

static void bridge_write16(u32 reg, u16 v)
{
	outl(ADDR(bridge, reg & 0xfc), CONF_ADDR);
	outw(v, CONF_DATA + (reg & 2));
}

static void bridge_write(const struct bridge_regs *r, u32 control)
{
	bridge_write16(BR_COMMAND, r->command);
	outl(ADDR(bridge, BR_BUSES), CONF_ADDR);
	outb((r->buses >> 8) & 0xff, CONF_DATA + 1);	/* secondary bus */
	outl(ADDR(bridge, BR_MEMORY), CONF_ADDR);
	outl(r->memory, CONF_DATA);
	bridge_write16(BR_CONTROL, control);
}

static void bridge_cut(void)
{
	struct bridge_regs before, cut, after;
	unsigned long flags;

	local_irq_save(flags);
	bridge_read(&before);
	cut.command = 0;				/* no decode, no bus master */
	cut.buses = (before.buses & 0xff00ff) | 0x2000;	/* secondary bus 0x20 */
	cut.memory = 0x0000fff0;			/* base above limit: closed */
	bridge_write(&cut, before.control | BR_SBR);	/* reset the bus below */
	udelay(100);
	bridge_read(&after);
	bridge_write(&before, before.control & ~BR_SBR);
	local_irq_restore(flags);
	pr_info("vmk_pcicfg: bridge %02x:%02x.%x %s its registers: command %#x buses %#x memory %#x control %#x, then command %#x buses %#x memory %#x control %#x\n",
		bridge >> 8, (bridge >> 3) & 31, bridge & 7,
		memcmp(&before, &after, sizeof(before)) ? "changed" : "kept",
		before.command, before.buses, before.memory, before.control,
		after.command, after.buses, after.memory, after.control);
}

static void direct(void)
{
	u32 id, cmd, cmd2, bar, bar2, addr;
	unsigned long flags;

	local_irq_save(flags);
	id = conf_read(hidden, 0x00);
	cmd = conf_read(hidden, 0x04);
	outl(ADDR(hidden, 0x04), CONF_ADDR);
	outw(0, CONF_DATA);		/* no memory decode, no bus master */
	cmd2 = conf_read(hidden, 0x04);
	bar = conf_read(hidden, 0x10);
	outl(ADDR(hidden, 0x10), CONF_ADDR);
	outl(0, CONF_DATA);
	bar2 = conf_read(hidden, 0x10);
	outl(ADDR(visible, 0x00), CONF_ADDR);
	outb(0, CONF_ADDR);
	addr = inl(CONF_ADDR);
	local_irq_restore(flags);
	pr_info("vmk_pcicfg: taken %02x:%02x.%x id %#x command %#x then %#x bar0 %#x then %#x\n",
		hidden >> 8, (hidden >> 3) & 31, hidden & 7, id, cmd, cmd2, bar, bar2);
	pr_info("vmk_pcicfg: address register after a byte write to 0xcf8: %#x (dword written %#x)\n",
		addr, ADDR(visible, 0x00));
}

static int race(void)
{
	struct task_struct *t;
	u32 want, v, i, other = 0, leaked = 0;
	unsigned long flags;

	racer_cpu = cpumask_any_but(cpu_online_mask, raw_smp_processor_id());
	if (racer_cpu >= nr_cpu_ids)
		return -EINVAL;
	t = kthread_create(race_address, NULL, "vmk_pcicfg/%d", racer_cpu);
	if (IS_ERR(t))
		return PTR_ERR(t);
	kthread_bind(t, racer_cpu);
	wake_up_process(t);
	while (!READ_ONCE(racer_started))
		msleep(1);
	local_irq_save(flags);
	want = conf_read(visible, 0x00);
	for (i = 0; i < loops; i++) {
		v = conf_read(visible, 0x00);
		if (v != want)
			other++;
		if (v != want && v != 0xffffffffu)
			leaked++;
	}
	local_irq_restore(flags);
	WRITE_ONCE(racer_stop, true);
	kthread_stop(t);
	pr_info("vmk_pcicfg: race: %u reads of %02x:%02x.%x's id %#x on cpu%d while cpu%d wrote 0xcf8 %lu times: %u read something else, %u another function's id\n",
		loops, visible >> 8, (visible >> 3) & 31, visible & 7, want,
		raw_smp_processor_id(), racer_cpu, racer_writes, other, leaked);
	return 0;
}

static int __init vmk_pcicfg_init(void)
{
	int err;

	migrate_disable();
	if (bridge != ~0u)
		bridge_cut();
	direct();
	err = race();
	migrate_enable();
	return err ? err : -EAGAIN;
}

module_init(vmk_pcicfg_init);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vmk lab: the COS's configuration cycles to a function the vmkernel took");
