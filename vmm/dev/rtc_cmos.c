// SPDX-License-Identifier: GPL-2.0-only
/*
 * MC146818 RTC and CMOS RAM. The time registers are computed from the
 * virtual clock; the interrupt flags (register C) are brought up to date
 * whenever the guest looks or vdev_poll() runs (MC146818A datasheet,
 * "Register A" ... "Register D", "Interrupts").
 */
#include "vmm/dev/rtc_cmos.h"
#include "vmm/devices.h"

#define RTC_BASE	0x70
#define RTC_IRQ		8
#define RTC_INDEX_MASK	0x7f
#define RTC_NMI_DISABLE	0x80	/* port 0x70 bit 7 (PC/AT) */

/* Register numbers (datasheet "Address Map"). */
#define REG_SEC		0x00
#define REG_SEC_ALARM	0x01
#define REG_MIN		0x02
#define REG_MIN_ALARM	0x03
#define REG_HOUR	0x04
#define REG_HOUR_ALARM	0x05
#define REG_WDAY	0x06
#define REG_MDAY	0x07
#define REG_MONTH	0x08
#define REG_YEAR	0x09
#define REG_A		0x0a
#define REG_B		0x0b
#define REG_C		0x0c
#define REG_D		0x0d
#define NR_TIME_REGS	10

#define A_UIP		0x80	/* update in progress */
#define A_DV_MASK	0x70	/* divider */
#define A_DV_32K	0x20	/* 32.768 kHz time base, running */
#define A_RS_MASK	0x0f	/* periodic rate select */
#define B_SET		0x80
#define B_PIE		0x40
#define B_AIE		0x20
#define B_UIE		0x10
#define B_DM_BINARY	0x04
#define B_24H		0x02
#define C_IRQF		0x80
#define C_PF		0x40
#define C_AF		0x20
#define C_UF		0x10
#define D_VRT		0x80	/* valid RAM and time */
#define HOUR_PM		0x80	/* 12-hour mode */
#define ALARM_DONT_CARE	0xc0	/* alarm byte 11xxxxxx matches any value */

#define RTC_XTAL_HZ	32768u
#define RTC_UIP_NS	244000u	/* UIP is set 244 us before the update */

/* PC/AT CMOS layout (IBM PC/AT Technical Reference; SeaBIOS/QEMU extensions). */
#define CMOS_EQUIPMENT		0x14
#define CMOS_BASE_MEM_LO	0x15	/* KiB below 640 KiB */
#define CMOS_EXT_MEM_LO		0x17	/* KiB from 1 MiB, up to 63 MiB */
#define CMOS_CHECKSUM_HI	0x2e	/* sum of 0x10..0x2d */
#define CMOS_EXT_MEM2_LO	0x30	/* same as 0x17 */
#define CMOS_CENTURY		0x32
#define CMOS_MEM_16M_LO		0x34	/* 64 KiB units from 16 MiB */
#define CMOS_MEM_4G_LO		0x5b	/* 64 KiB units from 4 GiB, 3 bytes */
#define CMOS_NR_CPUS_M1		0x5f	/* SeaBIOS: CPUs - 1 */
#define EQUIPMENT_FPU_VGA	0x06	/* math coprocessor, EGA/VGA video */
#define BASE_MEM_KIB		640
#define MIB			0x100000ull
#define GIB4			0x100000000ull
#define CMOS_16M		(16 * MIB)

#define SECS_PER_DAY	86400

/* Days since 1970-01-01 of a civil date (H. Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, unsigned int m, unsigned int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

struct rtc_date {
	unsigned int sec, min, hour, wday, mday, month, year; /* year 1970.. */
};

static void civil_from_secs(uint64_t t, struct rtc_date *dt)
{
	uint64_t days = t / SECS_PER_DAY, secs = t % SECS_PER_DAY;
	uint64_t z = days + 719468, era = z / 146097, doe = z - era * 146097;
	uint64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	uint64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	uint64_t mp = (5 * doy + 2) / 153;

	dt->sec = (unsigned int)(secs % 60);
	dt->min = (unsigned int)(secs / 60 % 60);
	dt->hour = (unsigned int)(secs / 3600);
	dt->wday = (unsigned int)((days + 4) % 7) + 1;	/* 1970-01-01: Thursday; 1 = Sunday */
	dt->mday = (unsigned int)(doy - (153 * mp + 2) / 5 + 1);
	dt->month = (unsigned int)(mp < 10 ? mp + 3 : mp - 9);
	dt->year = (unsigned int)(yoe + era * 400 + (dt->month <= 2));
}

static bool binary_mode(const struct rtc_cmos *rtc)
{
	return rtc->ram[REG_B] & B_DM_BINARY;
}

static uint8_t to_reg(const struct rtc_cmos *rtc, unsigned int v)
{
	v %= 100;
	return (uint8_t)(binary_mode(rtc) ? v : (v / 10) << 4 | (v % 10));
}

/* Guest-written register value to a number (garbage BCD digits clamp to 9). */
static unsigned int from_reg(const struct rtc_cmos *rtc, uint8_t v)
{
	unsigned int hi = v >> 4, lo = v & 0xf;

	if (binary_mode(rtc))
		return v;
	return (hi > 9 ? 9 : hi) * 10 + (lo > 9 ? 9 : lo);
}

static uint8_t hour_to_reg(const struct rtc_cmos *rtc, unsigned int h)
{
	unsigned int h12;

	if (rtc->ram[REG_B] & B_24H)
		return to_reg(rtc, h);
	h12 = h % 12 ? h % 12 : 12;
	return (uint8_t)(to_reg(rtc, h12) | (h >= 12 ? HOUR_PM : 0));
}

static unsigned int hour_from_reg(const struct rtc_cmos *rtc, uint8_t v)
{
	unsigned int h;

	if (rtc->ram[REG_B] & B_24H)
		return from_reg(rtc, v) % 24;
	h = from_reg(rtc, v & ~HOUR_PM) % 12;
	return h + (v & HOUR_PM ? 12 : 0);
}

static uint64_t guest_secs(const struct rtc_cmos *rtc, uint64_t now)
{
	int64_t t = (int64_t)rtc->vm->cfg.rtc_epoch +
		    (int64_t)(now / VDEV_NS_PER_SEC) + rtc->offset_s;

	return t < 0 ? 0 : (uint64_t)t;
}

static void time_regs(const struct rtc_cmos *rtc, uint64_t now, uint8_t *r)
{
	struct rtc_date dt;

	civil_from_secs(guest_secs(rtc, now), &dt);
	r[REG_SEC] = to_reg(rtc, dt.sec);
	r[REG_MIN] = to_reg(rtc, dt.min);
	r[REG_HOUR] = hour_to_reg(rtc, dt.hour);
	r[REG_WDAY] = to_reg(rtc, dt.wday);
	r[REG_MDAY] = to_reg(rtc, dt.mday);
	r[REG_MONTH] = to_reg(rtc, dt.month);
	r[REG_YEAR] = to_reg(rtc, dt.year);
	r[REG_SEC_ALARM] = rtc->ram[REG_SEC_ALARM];
	r[REG_MIN_ALARM] = rtc->ram[REG_MIN_ALARM];
	r[REG_HOUR_ALARM] = rtc->ram[REG_HOUR_ALARM];
}

/* SET was cleared: the guest's time registers become the clock. */
static void set_time(struct rtc_cmos *rtc, uint64_t now)
{
	const uint8_t *r = rtc->frozen;
	unsigned int month = from_reg(rtc, r[REG_MONTH]);
	unsigned int mday = from_reg(rtc, r[REG_MDAY]);
	unsigned int century = from_reg(rtc, rtc->ram[CMOS_CENTURY]);
	int64_t year = (int64_t)century * 100 + from_reg(rtc, r[REG_YEAR]);
	int64_t t;

	month = month < 1 ? 1 : month > 12 ? 12 : month;
	mday = mday < 1 ? 1 : mday > 31 ? 31 : mday;
	t = days_from_civil(year, month, mday) * SECS_PER_DAY +
	    hour_from_reg(rtc, r[REG_HOUR]) * 3600 +
	    (from_reg(rtc, r[REG_MIN]) % 60) * 60 + from_reg(rtc, r[REG_SEC]) % 60;
	rtc->offset_s = t - (int64_t)rtc->vm->cfg.rtc_epoch -
			(int64_t)(now / VDEV_NS_PER_SEC);
}

/* Periodic interrupt period, or 0 when off (datasheet table 5, 32.768 kHz). */
static uint64_t periodic_ns(const struct rtc_cmos *rtc)
{
	unsigned int rs = rtc->ram[REG_A] & A_RS_MASK, shift;

	if (rs == 0 || (rtc->ram[REG_A] & A_DV_MASK) != A_DV_32K)
		return 0;
	shift = rs <= 2 ? rs + 6 : rs - 1;	/* rates 1, 2 alias 8, 9 */
	return vdev_ticks_to_ns(1ull << shift, RTC_XTAL_HZ);
}

static bool alarm_field_matches(uint8_t alarm, uint8_t now_reg)
{
	return (alarm & ALARM_DONT_CARE) == ALARM_DONT_CARE || alarm == now_reg;
}

static bool clock_running(const struct rtc_cmos *rtc)
{
	return !(rtc->ram[REG_B] & B_SET) &&
	       (rtc->ram[REG_A] & A_DV_MASK) == A_DV_32K;
}

static void update_irq(struct rtc_cmos *rtc)
{
	uint8_t c = rtc->ram[REG_C] & (C_PF | C_AF | C_UF);
	uint8_t en = rtc->ram[REG_B] & (B_PIE | B_AIE | B_UIE);

	/* the enable bits line up with the flag bits (B 6:4, C 6:4) */
	if (c & en)
		rtc->ram[REG_C] |= C_IRQF;
	vdev_irq_set(rtc->vm, RTC_IRQ, rtc->ram[REG_C] & C_IRQF);
}

static uint64_t next_boundary(uint64_t now, uint64_t period)
{
	return (now / period + 1) * period;
}

/* Raise PF/UF/AF for the events between last_ns and now. */
static void update_flags(struct rtc_cmos *rtc, uint64_t now)
{
	uint64_t per = periodic_ns(rtc), last = rtc->last_ns;
	uint8_t r[NR_TIME_REGS];

	if (now <= last)
		return;
	rtc->last_ns = now;
	if (per && now / per != last / per)
		rtc->ram[REG_C] |= C_PF;
	if (clock_running(rtc) &&
	    now / VDEV_NS_PER_SEC != last / VDEV_NS_PER_SEC) {
		rtc->ram[REG_C] |= C_UF;
		time_regs(rtc, now, r);
		if (alarm_field_matches(r[REG_SEC_ALARM], r[REG_SEC]) &&
		    alarm_field_matches(r[REG_MIN_ALARM], r[REG_MIN]) &&
		    alarm_field_matches(r[REG_HOUR_ALARM], r[REG_HOUR]))
			rtc->ram[REG_C] |= C_AF;
	}
	update_irq(rtc);
}

static void schedule(struct rtc_cmos *rtc, uint64_t now)
{
	uint64_t per = periodic_ns(rtc), t = UINT64_MAX;
	uint8_t b = rtc->ram[REG_B];

	if ((b & B_PIE) && per)
		t = next_boundary(now, per);
	if ((b & (B_UIE | B_AIE)) && clock_running(rtc)) {
		uint64_t s = next_boundary(now, VDEV_NS_PER_SEC);

		t = s < t ? s : t;
	}
	rtc->next_irq_ns = t;
}

void rtc_poll(struct rtc_cmos *rtc, uint64_t now)
{
	if (now < rtc->next_irq_ns)
		return;
	update_flags(rtc, now);
	schedule(rtc, now);
}

static uint8_t rtc_reg_read(struct rtc_cmos *rtc, uint8_t idx)
{
	uint64_t now = vdev_now(rtc->vm);
	uint8_t r[NR_TIME_REGS], v;

	if (idx < NR_TIME_REGS) {
		if (rtc->ram[REG_B] & B_SET)
			return rtc->frozen[idx];
		time_regs(rtc, now, r);
		return r[idx];
	}
	switch (idx) {
	case REG_A:
		v = rtc->ram[REG_A] & ~A_UIP;
		if (clock_running(rtc) &&
		    now % VDEV_NS_PER_SEC >= VDEV_NS_PER_SEC - RTC_UIP_NS)
			v |= A_UIP;
		return v;
	case REG_C:	/* reading C clears the flags and the IRQ */
		update_flags(rtc, now);
		v = rtc->ram[REG_C];
		rtc->ram[REG_C] = 0;
		update_irq(rtc);
		return v;
	case REG_D:
		return D_VRT;
	default:
		return rtc->ram[idx];
	}
}

static void rtc_reg_write(struct rtc_cmos *rtc, uint8_t idx, uint8_t v)
{
	uint64_t now = vdev_now(rtc->vm);

	if (idx < NR_TIME_REGS) {
		if (idx == REG_SEC_ALARM || idx == REG_MIN_ALARM ||
		    idx == REG_HOUR_ALARM)
			rtc->ram[idx] = v;
		else if (rtc->ram[REG_B] & B_SET)
			rtc->frozen[idx] = v;
		/* while the clock runs, time writes are lost (as on a PC) */
		return;
	}
	switch (idx) {
	case REG_A:
		update_flags(rtc, now);
		rtc->ram[REG_A] = v & ~A_UIP;
		break;
	case REG_B:
		update_flags(rtc, now);
		if ((v & B_SET) && !(rtc->ram[REG_B] & B_SET))
			time_regs(rtc, now, rtc->frozen);
		if (!(v & B_SET) && (rtc->ram[REG_B] & B_SET)) {
			rtc->ram[REG_B] = v | B_SET;	/* decode in the old mode */
			set_time(rtc, now);
		}
		/* SET stops updates: UIE is cleared with it (datasheet) */
		rtc->ram[REG_B] = v & B_SET ? v & ~B_UIE : v;
		update_irq(rtc);
		break;
	case REG_C:
	case REG_D:
		break;		/* read-only */
	default:
		rtc->ram[idx] = v;
		break;
	}
	schedule(rtc, now);
}

static uint32_t rtc_read(void *dev, uint32_t offset, unsigned int size)
{
	struct rtc_cmos *rtc = dev;

	(void)size;
	if (offset == 0)
		return 0xff;	/* the index port is write-only on the PC */
	return rtc_reg_read(rtc, rtc->index);
}

static void rtc_write(void *dev, uint32_t offset, unsigned int size,
		      uint32_t val)
{
	struct rtc_cmos *rtc = dev;

	(void)size;
	if (offset == 0) {
		rtc->index = val & RTC_INDEX_MASK;
		rtc->nmi_masked = val & RTC_NMI_DISABLE;
	} else {
		rtc_reg_write(rtc, rtc->index, (uint8_t)val);
	}
}

static void put16(uint8_t *ram, unsigned int idx, uint64_t v)
{
	v = v > 0xffff ? 0xffff : v;
	ram[idx] = (uint8_t)v;
	ram[idx + 1] = (uint8_t)(v >> 8);
}

/* Memory-size bytes the BIOS (and some guests) read. */
static void fill_cmos(struct rtc_cmos *rtc)
{
	uint64_t ram = rtc->vm->cfg.ram_size;
	uint64_t low = ram < 0xe0000000ull ? ram : 0xe0000000ull;
	uint64_t ext_kib = low > MIB ? (low - MIB) / 1024 : 0;
	uint64_t above16 = low > CMOS_16M ? (low - CMOS_16M) / 65536 : 0;
	uint64_t above4g = ram > low ? (ram - low) / 65536 : 0;
	unsigned int sum = 0;

	rtc->ram[CMOS_EQUIPMENT] = EQUIPMENT_FPU_VGA;
	put16(rtc->ram, CMOS_BASE_MEM_LO, BASE_MEM_KIB);
	put16(rtc->ram, CMOS_EXT_MEM_LO, ext_kib);
	put16(rtc->ram, CMOS_EXT_MEM2_LO, ext_kib);
	put16(rtc->ram, CMOS_MEM_16M_LO, above16);
	rtc->ram[CMOS_MEM_4G_LO] = (uint8_t)above4g;
	rtc->ram[CMOS_MEM_4G_LO + 1] = (uint8_t)(above4g >> 8);
	rtc->ram[CMOS_MEM_4G_LO + 2] = (uint8_t)(above4g >> 16);
	rtc->ram[CMOS_NR_CPUS_M1] = (uint8_t)(rtc->vm->cfg.nr_vcpus - 1);
	for (unsigned int i = 0x10; i < CMOS_CHECKSUM_HI; i++)
		sum += rtc->ram[i];
	rtc->ram[CMOS_CHECKSUM_HI] = (uint8_t)(sum >> 8);
	rtc->ram[CMOS_CHECKSUM_HI + 1] = (uint8_t)sum;
}

static const struct vdev_io_ops rtc_ops = {
	.read = rtc_read, .write = rtc_write,
};

static enum vdev_result rtc_attach(struct vm_devices *vm)
{
	struct rtc_cmos *rtc = &vm->rtc;
	struct rtc_date dt;

	rtc->vm = vm;
	rtc->ram[REG_A] = A_DV_32K | 0x06;	/* 1024 Hz periodic rate (BIOS default) */
	rtc->ram[REG_B] = B_24H;		/* BCD, 24-hour: what a BIOS leaves */
	civil_from_secs(vm->cfg.rtc_epoch, &dt);
	rtc->ram[CMOS_CENTURY] = to_reg(rtc, dt.year / 100);
	rtc->last_ns = vdev_now(vm);
	rtc->next_irq_ns = UINT64_MAX;
	fill_cmos(rtc);
	return vdev_register_pio(vm, RTC_BASE, 2, &rtc_ops, rtc);
}

const struct vdev_type rtc_cmos_vdev = {
	.name = "rtc_cmos",
	.attach = rtc_attach,
};
