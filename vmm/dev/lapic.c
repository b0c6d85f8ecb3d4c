// SPDX-License-Identifier: GPL-2.0-only
/*
 * Local APIC model, xAPIC mode: Intel SDM vol. 3A ch. 10 (register map
 * table 10-1, LVT §10.5.1, timer §10.5.4, ICR §10.6.1, logical destination
 * §10.6.2.2, priorities §10.8.3, EOI §10.8.5, spurious vector §10.9).
 */
#include "vmm/dev/lapic.h"
#include "vmm/dev/ioapic.h"
#include "vmm/devices.h"
#include "vmm/boot/boot.h"

/* Register offsets (SDM vol. 3A table 10-1). */
#define APIC_ID		0x020
#define APIC_VERSION	0x030
#define APIC_TPR	0x080
#define APIC_APR	0x090
#define APIC_PPR	0x0a0
#define APIC_EOI	0x0b0
#define APIC_RRD	0x0c0
#define APIC_LDR	0x0d0
#define APIC_DFR	0x0e0
#define APIC_SVR	0x0f0
#define APIC_ISR	0x100
#define APIC_TMR	0x180
#define APIC_IRR	0x200
#define APIC_ESR	0x280
#define APIC_LVT_CMCI	0x2f0
#define APIC_ICR_LO	0x300
#define APIC_ICR_HI	0x310
#define APIC_LVT_TIMER	0x320
#define APIC_LVT_ERROR	0x370
#define APIC_TIMER_ICR	0x380
#define APIC_TIMER_CCR	0x390
#define APIC_TIMER_DCR	0x3e0
#define APIC_REG_STRIDE	0x10

/* Indices into struct lapic.lvt. */
#define LVT_CMCI	0
#define LVT_TIMER	1
#define LVT_LINT0	4
#define LVT_NR		7

/* Version: 0x14 (integrated APIC), max LVT entry 6 (CMCI..error). */
#define APIC_VERSION_VALUE	((uint32_t)(LVT_NR - 1) << 16 | 0x14)

#define APIC_ID_SHIFT		24
#define SVR_ENABLE		0x100	/* APIC software enable (§10.4.7.1) */
#define SVR_WRITABLE		0x1ff
#define LVT_MASKED		0x10000
#define LVT_DELIVERY(l)		(((l) >> 8) & 7)
#define LVT_VECTOR(l)		((l) & 0xff)
#define LVT_TIMER_PERIODIC	0x20000
/* Writable LVT bits: vector, delivery mode, polarity, trigger, mask, timer mode. */
#define LVT_WRITABLE		0x3a7ff
#define ICR_LO_WRITABLE		0xccfff	/* vector ... trigger, shorthand */
#define ICR_LEVEL_ASSERT	0x4000
#define ICR_LEVEL_TRIG		0x8000
#define ICR_DEST_LOGICAL	0x800
#define ICR_SHORTHAND(l)	(((l) >> 18) & 3)
#define DFR_FLAT		0xffffffffu
#define DFR_MODEL_CLUSTER	0x0
#define DFR_MODEL(d)		((d) >> 28)
#define DCR_WRITABLE		0x0b
#define APIC_BROADCAST		0xff
/* ESR bits (§10.5.3). */
#define ESR_SEND_ILLEGAL_VECTOR	0x20
#define ESR_RECV_ILLEGAL_VECTOR	0x40
#define ESR_ILLEGAL_REGISTER	0x80
#define APIC_MIN_VECTOR		16	/* vectors 0..15 are illegal (§10.5.2) */

/* IA32_APIC_BASE bits (§10.4.4). */
#define APIC_BASE_BSP		0x100ull
#define APIC_BASE_ENABLE	0x800ull
#define APIC_BASE_ADDR_MASK	0xffffff000ull	/* 36-bit physical (PAE) */

/* Timer input clock: a 1 GHz APIC bus, as QEMU's model. */
#define LAPIC_BUS_HZ		1000000000u

static bool test_vec(const uint32_t *bm, unsigned int v)
{
	return bm[v >> 5] & (1u << (v & 31));
}

static void set_vec(uint32_t *bm, unsigned int v, bool on)
{
	if (on)
		bm[v >> 5] |= 1u << (v & 31);
	else
		bm[v >> 5] &= ~(1u << (v & 31));
}

int lapic_highest_vector(const uint32_t bm[8])
{
	for (int w = 7; w >= 0; w--)
		if (bm[w])
			return w * 32 + 31 - __builtin_clz(bm[w]);
	return -1;
}

static bool sw_enabled(const struct lapic *a)
{
	return (a->apic_base & APIC_BASE_ENABLE) && (a->svr & SVR_ENABLE);
}

static uint32_t ppr(const struct lapic *a)
{
	int isrv = lapic_highest_vector(a->isr);
	uint32_t isr_class = isrv < 0 ? 0 : (uint32_t)isrv & 0xf0;

	return (a->tpr & 0xf0) >= isr_class ? a->tpr & 0xff : isr_class;
}

int lapic_pending_vector(const struct lapic *a)
{
	int v = lapic_highest_vector(a->irr);

	if (v < 0 || !sw_enabled(a))
		return -1;
	if (((uint32_t)v & 0xf0) <= (ppr(a) & 0xf0))
		return -1;
	return v;
}

void lapic_ack(struct lapic *a, uint8_t vector)
{
	set_vec(a->irr, vector, false);
	set_vec(a->isr, vector, true);
}

bool lapic_accepts_extint(const struct lapic *a)
{
	uint32_t l = a->lvt[LVT_LINT0];

	/* Globally disabled APIC: LINT0 is the processor's INTR pin (§10.4.3). */
	if (!(a->apic_base & APIC_BASE_ENABLE))
		return true;
	return !(l & LVT_MASKED) && LVT_DELIVERY(l) == APIC_DM_EXTINT;
}

static void set_error(struct lapic *a, uint32_t bits)
{
	a->esr_pending |= bits;
}

/* Accept a fixed interrupt into IRR (TMR records the trigger mode). */
static void accept_fixed(struct lapic *a, uint8_t vector, bool level)
{
	if (vector < APIC_MIN_VECTOR) {
		set_error(a, ESR_RECV_ILLEGAL_VECTOR);
		return;
	}
	if (!sw_enabled(a))
		return;		/* a disabled APIC drops fixed interrupts */
	set_vec(a->irr, vector, true);
	set_vec(a->tmr, vector, level);
}

static void reset(struct lapic *a, bool keep_id)
{
	uint32_t id = keep_id ? a->id : a->vcpu << APIC_ID_SHIFT;

	a->id = id;
	a->tpr = a->ldr = a->esr = a->esr_pending = 0;
	a->icr_lo = a->icr_hi = 0;
	a->dfr = DFR_FLAT;
	a->svr = 0xff;		/* spurious vector FFh, software disabled */
	for (unsigned int i = 0; i < LVT_NR; i++)
		a->lvt[i] = LVT_MASKED;
	for (unsigned int i = 0; i < 8; i++)
		a->irr[i] = a->isr[i] = a->tmr[i] = 0;
	a->timer_initial = a->timer_dcr = 0;
	a->timer_next_ns = UINT64_MAX;
	/*
	 * Virtual wire mode for the BSP, which a BIOS sets up and direct
	 * kernel boot skips (MP spec 1.4 §3.6.2.2; QEMU does the same).
	 */
	if (a->vcpu == 0)
		a->lvt[LVT_LINT0] = APIC_DM_EXTINT << 8;
}

static bool in_logical_dest(const struct lapic *a, uint8_t dest)
{
	uint8_t ldr = (uint8_t)(a->ldr >> APIC_ID_SHIFT);

	if (DFR_MODEL(a->dfr) == DFR_MODEL_CLUSTER)
		return (dest >> 4) == (ldr >> 4) && (dest & ldr & 0x0f);
	return dest & ldr;
}

static bool addressed(const struct lapic *a, const struct apic_msg *m)
{
	switch (m->shorthand) {
	case APIC_SH_SELF:
		return a->vcpu == m->src_vcpu;
	case APIC_SH_ALL:
		return true;
	case APIC_SH_OTHERS:
		return a->vcpu != m->src_vcpu;
	}
	if (m->logical)
		return in_logical_dest(a, m->dest);
	return m->dest == APIC_BROADCAST ||
	       m->dest == (uint8_t)(a->id >> APIC_ID_SHIFT);
}

static void receive(struct lapic *a, const struct apic_msg *m)
{
	switch (m->delivery) {
	case APIC_DM_FIXED:
	case APIC_DM_LOWEST:
		accept_fixed(a, m->vector, m->level_trig);
		break;
	case APIC_DM_NMI:
		a->nmi_pending = 1;
		break;
	case APIC_DM_INIT:
		reset(a, true);
		a->init_pending = true;
		break;
	case APIC_DM_SIPI:
		a->sipi_pending = true;
		a->sipi_vector = m->vector;
		break;
	default:	/* SMI, ExtINT from an IPI, reserved: not modelled */
		break;
	}
}

void lapic_bus_deliver(struct vm_devices *vm, const struct apic_msg *m)
{
	bool lowest = m->delivery == APIC_DM_LOWEST;

	for (unsigned int i = 0; i < vm->cfg.nr_vcpus; i++) {
		struct lapic *a = &vm->lapic[i];

		if (!(a->apic_base & APIC_BASE_ENABLE) || !addressed(a, m))
			continue;
		receive(a, m);
		/* lowest priority: the first addressed APIC takes it (§10.6.2.4 allows any fixed choice) */
		if (lowest)
			return;
	}
}

static void eoi(struct lapic *a)
{
	int v = lapic_highest_vector(a->isr);

	if (v < 0)
		return;
	set_vec(a->isr, (unsigned int)v, false);
	if (test_vec(a->tmr, (unsigned int)v))
		ioapic_eoi(&a->vm->ioapic, (uint8_t)v);
}

static uint32_t timer_divisor(const struct lapic *a)
{
	/* DCR bits 3,1,0 (§10.5.4 figure 10-10): 111 = 1, else 2 << n */
	uint32_t n = (a->timer_dcr & 3) | ((a->timer_dcr >> 1) & 4);

	return n == 7 ? 1 : 2u << n;
}

static uint64_t timer_period_ns(const struct lapic *a)
{
	return vdev_ticks_to_ns((uint64_t)a->timer_initial * timer_divisor(a),
				LAPIC_BUS_HZ);
}

static void timer_start(struct lapic *a, uint64_t now)
{
	a->timer_start_ns = now;
	a->timer_next_ns = a->timer_initial ? now + timer_period_ns(a)
					    : UINT64_MAX;
}

static uint32_t timer_current(const struct lapic *a, uint64_t now)
{
	uint64_t ticks, period = (uint64_t)a->timer_initial;

	if (!a->timer_initial || (a->timer_next_ns == UINT64_MAX &&
				  !(a->lvt[LVT_TIMER] & LVT_TIMER_PERIODIC)))
		return 0;
	ticks = vdev_ns_to_ticks(now - a->timer_start_ns, LAPIC_BUS_HZ) /
		timer_divisor(a);
	if (a->lvt[LVT_TIMER] & LVT_TIMER_PERIODIC)
		return (uint32_t)(period - ticks % period);
	return ticks >= period ? 0 : (uint32_t)(period - ticks);
}

void lapic_poll(struct lapic *a, uint64_t now)
{
	uint32_t lvt = a->lvt[LVT_TIMER];
	uint64_t period;

	if (now < a->timer_next_ns)
		return;
	if (!(lvt & LVT_MASKED))
		accept_fixed(a, (uint8_t)LVT_VECTOR(lvt), false);
	if (!(lvt & LVT_TIMER_PERIODIC)) {
		a->timer_next_ns = UINT64_MAX;
		return;
	}
	/* missed periods are coalesced into one interrupt */
	period = timer_period_ns(a);
	a->timer_next_ns = a->timer_start_ns +
		((now - a->timer_start_ns) / period + 1) * period;
}

static void send_ipi(struct lapic *a)
{
	uint32_t lo = a->icr_lo;
	struct apic_msg m = {
		.vector = (uint8_t)(lo & 0xff),
		.delivery = (uint8_t)LVT_DELIVERY(lo),
		.logical = lo & ICR_DEST_LOGICAL,
		.level_trig = lo & ICR_LEVEL_TRIG,
		.dest = (uint8_t)(a->icr_hi >> APIC_ID_SHIFT),
		.shorthand = (uint8_t)ICR_SHORTHAND(lo),
		.src_vcpu = a->vcpu,
	};

	/* INIT level de-assert only synchronises arbitration IDs (§10.6.1) */
	if (m.delivery == APIC_DM_INIT && m.level_trig &&
	    !(lo & ICR_LEVEL_ASSERT))
		return;
	if ((m.delivery == APIC_DM_FIXED || m.delivery == APIC_DM_LOWEST) &&
	    m.vector < APIC_MIN_VECTOR) {
		set_error(a, ESR_SEND_ILLEGAL_VECTOR);
		return;
	}
	lapic_bus_deliver(a->vm, &m);
}

static uint32_t bitmap_word(const uint32_t *bm, uint32_t reg, uint32_t base)
{
	return bm[(reg - base) / APIC_REG_STRIDE];
}

static bool in_bitmap(uint32_t reg, uint32_t base)
{
	return reg >= base && reg < base + 8 * APIC_REG_STRIDE;
}

static bool lvt_index(uint32_t reg, unsigned int *i)
{
	if (reg == APIC_LVT_CMCI) {
		*i = LVT_CMCI;
		return true;
	}
	if (reg >= APIC_LVT_TIMER && reg <= APIC_LVT_ERROR) {
		*i = (reg - APIC_LVT_TIMER) / APIC_REG_STRIDE + LVT_TIMER;
		return true;
	}
	return false;
}

uint32_t lapic_read(struct lapic *a, uint32_t offset, unsigned int size)
{
	uint32_t reg = offset & ~(APIC_REG_STRIDE - 1);
	unsigned int i;

	/* Registers are 32-bit, 16-byte aligned (§10.4.1). */
	if (size != 4 || (offset & (APIC_REG_STRIDE - 1)))
		return 0;
	if (in_bitmap(reg, APIC_ISR))
		return bitmap_word(a->isr, reg, APIC_ISR);
	if (in_bitmap(reg, APIC_TMR))
		return bitmap_word(a->tmr, reg, APIC_TMR);
	if (in_bitmap(reg, APIC_IRR))
		return bitmap_word(a->irr, reg, APIC_IRR);
	if (lvt_index(reg, &i))
		return a->lvt[i];
	switch (reg) {
	case APIC_ID:
		return a->id;
	case APIC_VERSION:
		return APIC_VERSION_VALUE;
	case APIC_TPR:
		return a->tpr;
	case APIC_APR:
		return 0;
	case APIC_PPR:
		return ppr(a);
	case APIC_LDR:
		return a->ldr;
	case APIC_DFR:
		return a->dfr;
	case APIC_SVR:
		return a->svr;
	case APIC_ESR:
		return a->esr;
	case APIC_ICR_LO:
		return a->icr_lo;	/* delivery status: always idle */
	case APIC_ICR_HI:
		return a->icr_hi;
	case APIC_TIMER_ICR:
		return a->timer_initial;
	case APIC_TIMER_CCR:
		return timer_current(a, vdev_now(a->vm));
	case APIC_TIMER_DCR:
		return a->timer_dcr;
	default:
		set_error(a, ESR_ILLEGAL_REGISTER);
		return 0;
	}
}

static void write_lvt(struct lapic *a, unsigned int i, uint32_t val)
{
	uint32_t keep = a->lvt[i];

	val &= LVT_WRITABLE;
	if (i != LVT_TIMER)
		val &= ~LVT_TIMER_PERIODIC;
	/* a software-disabled APIC keeps every LVT masked (§10.4.7.2) */
	if (!(a->svr & SVR_ENABLE))
		val |= LVT_MASKED;
	a->lvt[i] = val;
	if (i == LVT_TIMER && ((keep ^ val) & LVT_TIMER_PERIODIC))
		timer_start(a, vdev_now(a->vm));
}

void lapic_write(struct lapic *a, uint32_t offset, unsigned int size,
		 uint32_t val)
{
	uint32_t reg = offset & ~(APIC_REG_STRIDE - 1);
	unsigned int i;

	if (size != 4 || (offset & (APIC_REG_STRIDE - 1)))
		return;
	if (lvt_index(reg, &i)) {
		write_lvt(a, i, val);
		return;
	}
	switch (reg) {
	case APIC_ID:
		a->id = val & (0xffu << APIC_ID_SHIFT);
		break;
	case APIC_TPR:
		a->tpr = val & 0xff;
		break;
	case APIC_EOI:
		eoi(a);
		break;
	case APIC_LDR:
		a->ldr = val & (0xffu << APIC_ID_SHIFT);
		break;
	case APIC_DFR:
		a->dfr = val | 0x0fffffff;	/* bits 27:0 read as ones */
		break;
	case APIC_SVR:
		a->svr = val & SVR_WRITABLE;
		if (!(a->svr & SVR_ENABLE))
			for (i = 0; i < LVT_NR; i++)
				a->lvt[i] |= LVT_MASKED;
		break;
	case APIC_ESR:	/* a write latches the errors since the last write */
		a->esr = a->esr_pending;
		a->esr_pending = 0;
		break;
	case APIC_ICR_LO:
		a->icr_lo = val & ICR_LO_WRITABLE;
		send_ipi(a);
		break;
	case APIC_ICR_HI:
		a->icr_hi = val & (0xffu << APIC_ID_SHIFT);
		break;
	case APIC_TIMER_ICR:
		a->timer_initial = val;
		timer_start(a, vdev_now(a->vm));
		break;
	case APIC_TIMER_DCR:
		a->timer_dcr = val & DCR_WRITABLE;
		break;
	default:	/* read-only or reserved */
		set_error(a, ESR_ILLEGAL_REGISTER);
		break;
	}
}

uint64_t lapic_base_msr_read(const struct lapic *a)
{
	return a->apic_base;
}

/* Is the page at base guest RAM (the map of vmm/boot/layout.c)? */
static bool base_in_ram(const struct lapic *a, uint64_t base)
{
	uint64_t ram = a->vm->cfg.ram_size;
	uint64_t low_end = boot_high_ram_end(ram);

	return base < low_end ||
	       (ram > low_end && base >= BOOT_4G &&
		base < BOOT_4G + (ram - low_end));
}

/*
 * The xAPIC state transitions of SDM vol. 3A §10.12.5 (figure 10-27) for
 * a CPU whose CPUID does not show x2APIC: EN=1 -> EN=0 (disabled: the APIC
 * is reset, keeping its ID, and stops decoding its page and taking
 * interrupts; LINT0 is the INTR pin again) and EN=0 -> EN=1 (enabled again
 * in that reset state, software-disabled until SVR says otherwise, as
 * QEMU and KVM do). EXTD (bit 10) is reserved without x2APIC and, like
 * every other reserved bit, is #GP. BSP is read-only. The base may move
 * anywhere outside guest RAM: RAM pages are mapped by the nested page
 * table, so an APIC page over them would never see an access; such a
 * base is refused with #GP instead of silently losing the APIC.
 */
bool lapic_base_msr_write(struct lapic *a, uint64_t val)
{
	if (val & ~(APIC_BASE_ADDR_MASK | APIC_BASE_ENABLE | APIC_BASE_BSP))
		return false;
	if (base_in_ram(a, val & APIC_BASE_ADDR_MASK))
		return false;
	val = (val & ~APIC_BASE_BSP) | (a->apic_base & APIC_BASE_BSP);
	if ((a->apic_base & APIC_BASE_ENABLE) && !(val & APIC_BASE_ENABLE))
		reset(a, true);
	a->apic_base = val;
	return true;
}

bool lapic_decodes(const struct lapic *a, uint64_t gpa)
{
	uint64_t base = a->apic_base & APIC_BASE_ADDR_MASK;

	return (a->apic_base & APIC_BASE_ENABLE) && gpa >= base &&
	       gpa < base + LAPIC_PAGE;
}

static enum vdev_result lapic_attach(struct vm_devices *vm)
{
	for (unsigned int i = 0; i < vm->cfg.nr_vcpus; i++) {
		struct lapic *a = &vm->lapic[i];

		a->vm = vm;
		a->vcpu = i;
		a->apic_base = LAPIC_DEFAULT_BASE | APIC_BASE_ENABLE |
			       (i == 0 ? APIC_BASE_BSP : 0);
		reset(a, false);
	}
	return VDEV_OK;
}

const struct vdev_type lapic_vdev = {
	.name = "lapic",
	.attach = lapic_attach,
};
