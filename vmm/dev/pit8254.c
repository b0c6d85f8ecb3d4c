// SPDX-License-Identifier: GPL-2.0-only
/*
 * 8254 PIT model. The counters are not stepped: a channel remembers when
 * its count was loaded and computes count and OUT from the virtual clock
 * (Intel 82C54 datasheet, "Mode 0" ... "Mode 5" waveforms).
 */
#include "vmm/dev/pit8254.h"
#include "vmm/devices.h"

#define PIT_BASE	0x40
#define PIT_NR_PORTS	4
#define PIT_CONTROL	3	/* control word register offset */
#define PIT_PORT_B	0x61	/* system control port B (PIIX3 §4.7.1) */
#define PIT_IRQ		0

/* Control word fields (82C54 "Control Word Format"). */
#define CW_SC(cw)	((cw) >> 6)
#define CW_RW(cw)	(((cw) >> 4) & 3)
#define CW_MODE(cw)	(((cw) >> 1) & 7)
#define CW_BCD		0x01
#define SC_READBACK	3
#define RW_LATCH	0
#define RW_LSB		1
#define RW_MSB		2
#define RW_LSB_MSB	3
/* Read-back command: bits 5/4 low select count/status, bits 3:1 channels. */
#define RB_NO_COUNT	0x20
#define RB_NO_STATUS	0x10
#define STATUS_OUT	0x80
#define STATUS_NULL	0x40

#define PIT_MAX_COUNT	0x10000u	/* a count of 0 means 2^16 */

/* Port B bits (PIIX3 §4.7.1). */
#define PB_GATE2	0x01
#define PB_SPKR_DATA	0x02
#define PB_WRITABLE	0x0f
#define PB_REFRESH	0x10	/* toggles every refresh cycle */
#define PB_OUT2		0x20
#define PB_REFRESH_NS	15085	/* 15.085 us refresh period */

static uint64_t elapsed_ticks(const struct pit_channel *ch, uint64_t now)
{
	return now > ch->load_ns ? vdev_ns_to_ticks(now - ch->load_ns, PIT_HZ)
				 : 0;
}

static bool periodic(const struct pit_channel *ch)
{
	return ch->mode == 2 || ch->mode == 3;
}

static uint16_t counter_value(const struct pit_channel *ch, uint64_t now)
{
	uint64_t d = elapsed_ticks(ch, now);

	if (!ch->armed || !ch->gate)
		return (uint16_t)ch->reload;
	switch (ch->mode) {
	case 2:
		return (uint16_t)(ch->reload - d % ch->reload);
	case 3:		/* counts down by two, twice per period */
		return (uint16_t)((ch->reload - (2 * d) % ch->reload) & ~1u);
	default:	/* 0, 1, 4, 5: one pass, then wraps from 0 to FFFF */
		return (uint16_t)(ch->reload - d);
	}
}

static bool counter_out(const struct pit_channel *ch, uint64_t now)
{
	uint64_t d = elapsed_ticks(ch, now);

	if (!ch->armed || !ch->gate)
		return ch->mode != 0 && ch->mode != 1;
	switch (ch->mode) {
	case 0:
	case 1:
		return d >= ch->reload;
	case 2:
		return d % ch->reload != ch->reload - 1;
	case 3:
		return d % ch->reload < (ch->reload + 1) / 2;
	default:	/* 4, 5: a one-tick low pulse when the count expires */
		return d != ch->reload;
	}
}

/* Channel 0 drives IRQ 0: schedule its next rising edge. */
static void schedule_irq(struct pit8254 *pit, uint64_t now)
{
	struct pit_channel *ch = &pit->ch[0];
	uint64_t d, n;

	pit->next_irq_ns = UINT64_MAX;
	if (!ch->armed)
		return;
	d = elapsed_ticks(ch, now);
	if (!periodic(ch)) {
		if (d < ch->reload || now <= ch->load_ns)
			pit->next_irq_ns = ch->load_ns +
				vdev_ticks_to_ns(ch->reload, PIT_HZ);
		return;
	}
	/* The next edge; periods that passed unseen are owed by pit_poll(). */
	n = d / ch->reload + 1;
	pit->next_irq_ns = ch->load_ns + vdev_ticks_to_ns(n * ch->reload, PIT_HZ);
}

/* At most one second of ticks is owed (one tick for periods over 1 s). */
static uint32_t owed_limit(const struct pit_channel *ch)
{
	return ch->reload < PIT_HZ ? PIT_HZ / ch->reload : 1;
}

static void send_tick(struct pit8254 *pit)
{
	pit->in_flight = true;
	vdev_irq_pulse(pit->vm, PIT_IRQ);
}

/* Channel 0 reached n edges since the last poll: send or owe n ticks. */
static void ticks_due(struct pit8254 *pit, uint64_t n)
{
	uint64_t limit = owed_limit(&pit->ch[0]), owed;

	if (!vdev_isa_irq_routed(pit->vm, PIT_IRQ)) {
		/* Nobody can take them: the line still latches, as on a PC. */
		pit->dropped += n - 1 + pit->owed;
		pit->owed = 0;
		pit->in_flight = false;
		vdev_irq_pulse(pit->vm, PIT_IRQ);
		return;
	}
	owed = pit->owed + n;
	if (!pit->in_flight) {
		owed--;
		send_tick(pit);
	}
	if (owed > limit) {
		pit->dropped += owed - limit;
		owed = limit;
	}
	pit->owed = (uint32_t)owed;
}

void pit_irq_taken(struct pit8254 *pit)
{
	pit->in_flight = false;
	if (!pit->owed)
		return;
	pit->owed--;
	pit->reinjected++;
	send_tick(pit);
}

static void forget_ticks(struct pit8254 *pit)
{
	pit->edges = 0;
	pit->owed = 0;
	pit->in_flight = false;
}

void pit_poll(struct pit8254 *pit, uint64_t now)
{
	struct pit_channel *ch = &pit->ch[0];
	uint64_t edges = 1;

	if (now < pit->next_irq_ns)
		return;
	if (periodic(ch)) {
		/* now is at or past the edge after pit->edges: at least one */
		uint64_t total = elapsed_ticks(ch, now) / ch->reload;

		edges = total > pit->edges ? total - pit->edges : 1;
		pit->edges += edges;
	}
	ticks_due(pit, edges);
	schedule_irq(pit, now + 1);
	if (!periodic(ch))
		pit->next_irq_ns = UINT64_MAX;
}

static void load_count(struct pit8254 *pit, unsigned int n, uint32_t count)
{
	struct pit_channel *ch = &pit->ch[n];
	uint64_t now = vdev_now(pit->vm);

	ch->reload = count ? count : PIT_MAX_COUNT;
	ch->load_ns = now;
	ch->armed = true;
	ch->null_count = false;
	if (n == 0) {
		forget_ticks(pit);
		schedule_irq(pit, now);
	}
}

static void latch_count(struct pit_channel *ch, uint64_t now)
{
	if (ch->latch_bytes)	/* a second latch before reading is ignored */
		return;
	ch->latch = counter_value(ch, now);
	ch->latch_bytes = ch->rw == RW_LSB_MSB ? 2 : 1;
	ch->latch_msb_next = ch->rw == RW_MSB;
}

static void latch_status(struct pit_channel *ch, uint64_t now)
{
	if (ch->status_latched)
		return;
	ch->status = (uint8_t)((counter_out(ch, now) ? STATUS_OUT : 0) |
			       (ch->null_count ? STATUS_NULL : 0) |
			       (ch->rw << 4) | (ch->mode << 1) |
			       (ch->bcd ? CW_BCD : 0));
	ch->status_latched = true;
}

static void control_word(struct pit8254 *pit, uint8_t cw)
{
	uint64_t now = vdev_now(pit->vm);
	struct pit_channel *ch;

	if (CW_SC(cw) == SC_READBACK) {
		for (unsigned int i = 0; i < 3; i++) {
			if (!(cw & (2u << i)))
				continue;
			if (!(cw & RB_NO_STATUS))
				latch_status(&pit->ch[i], now);
			if (!(cw & RB_NO_COUNT))
				latch_count(&pit->ch[i], now);
		}
		return;
	}
	ch = &pit->ch[CW_SC(cw)];
	if (CW_RW(cw) == RW_LATCH) {
		latch_count(ch, now);
		return;
	}
	ch->rw = CW_RW(cw);
	ch->mode = CW_MODE(cw) > 5 ? CW_MODE(cw) & 3 : CW_MODE(cw); /* 6,7 = 2,3 */
	ch->bcd = cw & CW_BCD;
	ch->armed = false;
	ch->null_count = true;
	ch->latch_bytes = 0;
	ch->status_latched = false;
	ch->read_msb_next = ch->write_msb_next = false;
	if (ch == &pit->ch[0]) {
		forget_ticks(pit);
		schedule_irq(pit, now);
	}
}

static uint8_t data_read(struct pit8254 *pit, unsigned int n)
{
	struct pit_channel *ch = &pit->ch[n];
	uint16_t v;
	bool msb;

	if (ch->status_latched) {
		ch->status_latched = false;
		return ch->status;
	}
	if (ch->latch_bytes) {
		msb = ch->latch_msb_next;
		ch->latch_msb_next = !msb;
		ch->latch_bytes--;
		return (uint8_t)(msb ? ch->latch >> 8 : ch->latch);
	}
	v = counter_value(ch, vdev_now(pit->vm));
	switch (ch->rw) {
	case RW_LSB:
		return (uint8_t)v;
	case RW_MSB:
		return (uint8_t)(v >> 8);
	default:
		msb = ch->read_msb_next;
		ch->read_msb_next = !msb;
		return (uint8_t)(msb ? v >> 8 : v);
	}
}

static void data_write(struct pit8254 *pit, unsigned int n, uint8_t v)
{
	struct pit_channel *ch = &pit->ch[n];

	switch (ch->rw) {
	case RW_LSB:
		load_count(pit, n, v);
		break;
	case RW_MSB:
		load_count(pit, n, (uint32_t)v << 8);
		break;
	case RW_LSB_MSB:
		if (!ch->write_msb_next) {
			ch->write_lsb = v;
			ch->write_msb_next = true;
		} else {
			ch->write_msb_next = false;
			load_count(pit, n, ch->write_lsb | ((uint32_t)v << 8));
		}
		break;
	default:	/* no access mode programmed yet */
		break;
	}
}

static uint32_t pit_read(void *dev, uint32_t offset, unsigned int size)
{
	(void)size;
	if (offset == PIT_CONTROL)
		return 0xff;	/* the control word register is write-only */
	return data_read(dev, offset);
}

static void pit_write(void *dev, uint32_t offset, unsigned int size,
		      uint32_t val)
{
	(void)size;
	if (offset == PIT_CONTROL)
		control_word(dev, (uint8_t)val);
	else
		data_write(dev, offset, (uint8_t)val);
}

static uint32_t port_b_read(void *dev, uint32_t offset, unsigned int size)
{
	struct pit8254 *pit = dev;
	uint64_t now = vdev_now(pit->vm);
	uint8_t v = pit->port61 & PB_WRITABLE;

	(void)offset;
	(void)size;
	if ((now / PB_REFRESH_NS) & 1)
		v |= PB_REFRESH;
	if (counter_out(&pit->ch[2], now))
		v |= PB_OUT2;
	return v;
}

static void port_b_write(void *dev, uint32_t offset, unsigned int size,
			 uint32_t val)
{
	struct pit8254 *pit = dev;
	struct pit_channel *ch2 = &pit->ch[2];
	bool gate = val & PB_GATE2;

	(void)offset;
	(void)size;
	/* A rising gate edge (re)starts channel 2's count. */
	if (gate && !ch2->gate)
		ch2->load_ns = vdev_now(pit->vm);
	ch2->gate = gate;
	pit->port61 = (uint8_t)val & PB_WRITABLE;
}

static const struct vdev_io_ops pit_ops = {
	.read = pit_read, .write = pit_write,
};
static const struct vdev_io_ops port_b_ops = {
	.read = port_b_read, .write = port_b_write,
};

static enum vdev_result pit_attach(struct vm_devices *vm)
{
	struct pit8254 *pit = &vm->pit;
	enum vdev_result r;

	pit->vm = vm;
	for (unsigned int i = 0; i < 3; i++) {
		pit->ch[i].reload = PIT_MAX_COUNT;
		pit->ch[i].rw = RW_LSB_MSB;
		pit->ch[i].gate = i != 2;	/* gates 0 and 1 tied high */
	}
	pit->next_irq_ns = UINT64_MAX;
	r = vdev_register_pio(vm, PIT_BASE, PIT_NR_PORTS, &pit_ops, pit);
	if (r == VDEV_OK)
		r = vdev_register_pio(vm, PIT_PORT_B, 1, &port_b_ops, pit);
	return r;
}

const struct vdev_type pit8254_vdev = {
	.name = "pit8254",
	.attach = pit_attach,
};
