// SPDX-License-Identifier: GPL-2.0-only
/* Reset and poweroff requests; see vmm/dev/power.h for the ports chosen. */
#include "vmm/dev/power.h"
#include "vmm/devices.h"

/* Reset control register 0xCF9 (PIIX3 §4.1.17). */
#define RC_SYS_RST	0x02	/* hard (system) reset on the next RST_CPU */
#define RC_RST_CPU	0x04	/* 0 -> 1 transition starts the reset */
#define RC_WRITABLE	0x06

/* System control port A 0x92 (PIIX3 §4.7.2). */
#define PORT_A		0x92
#define PORT_A_RESET	0x01	/* fast init: 0 -> 1 resets the CPU */
#define PORT_A_A20	0x02	/* A20 always on here: reads as set */

/* PM1a control (ACPI 6.4 §4.8.3.2.1): SLP_EN and SLP_TYP; S5 = type 0 in QEMU's PIIX4 DSDT. */
#define PM1_SCI_EN	0x0001	/* always ACPI mode here: reads as set */
#define PM1_SLP_EN	0x2000
#define PM1_SLP_TYP(v)	(((v) >> 10) & 7)
#define PM1_WRITABLE	0x1c07	/* SCI_EN BM_RLD GBL_RLS SLP_TYP */

/*
 * PM1 status and enable (ACPI 6.4 §4.8.3.1.1, .2): status bits are
 * write-1-to-clear; the enables that exist are PIIX4's (timer, global lock,
 * power button, RTC). Only the power button ever sets its status here, but
 * the others stick so an OS that enables them gets no hardware error.
 */
#define PM1_PWRBTN	0x0100	/* PWRBTN_STS / PWRBTN_EN */
#define PM1_EN_WRITABLE	0x0521	/* TMR_EN GBL_EN PWRBTN_EN RTC_EN */

uint8_t power_rc_read(struct power *pw)
{
	return pw->rc;
}

void power_rc_write(struct power *pw, uint8_t val)
{
	bool start = (val & RC_RST_CPU) && !(pw->rc & RC_RST_CPU);

	pw->rc = val & RC_WRITABLE;
	if (start)
		vdev_set_status(pw->vm, VDEV_RESET_REQUESTED,
				"guest reset (port 0xCF9)");
}

static uint32_t port_a_read(void *dev, uint32_t offset, unsigned int size)
{
	struct power *pw = dev;

	(void)offset;
	(void)size;
	return pw->port92 | PORT_A_A20;
}

static void port_a_write(void *dev, uint32_t offset, unsigned int size,
			 uint32_t val)
{
	struct power *pw = dev;
	bool start = (val & PORT_A_RESET) && !(pw->port92 & PORT_A_RESET);

	(void)offset;
	(void)size;
	pw->port92 = (uint8_t)val & (PORT_A_RESET | PORT_A_A20);
	if (start)
		vdev_set_status(pw->vm, VDEV_RESET_REQUESTED,
				"guest reset (port 0x92)");
}

static uint32_t pm1_read(void *dev, uint32_t offset, unsigned int size)
{
	struct power *pw = dev;
	uint32_t cnt = pw->pm1a_cnt | PM1_SCI_EN;

	(void)size;
	return offset == 0 ? cnt : cnt >> 8;
}

static void pm1_write(void *dev, uint32_t offset, unsigned int size,
		      uint32_t val)
{
	struct power *pw = dev;

	if (offset == 1) {
		val <<= 8;
		size = 2;
		val |= pw->pm1a_cnt & 0xff;
	} else if (size == 1) {
		val |= pw->pm1a_cnt & 0xff00;
	}
	pw->pm1a_cnt = (uint16_t)val & PM1_WRITABLE;
	if ((val & PM1_SLP_EN) && PM1_SLP_TYP(val) == POWER_SLP_TYP_S5)
		vdev_set_status(pw->vm, VDEV_POWEROFF_REQUESTED,
				"guest powered off (PM1a SLP_EN, S5)");
}

/* The SCI is a level: asserted while an enabled event's status is set. */
static void sci_update(struct power *pw)
{
	vdev_irq_set(pw->vm, POWER_SCI_IRQ, (pw->pm1_sts & pw->pm1_en) != 0);
}

/* The block as one little-endian dword: status in bytes 0-1, enable in 2-3. */
static uint32_t pm1_evt_read(void *dev, uint32_t offset, unsigned int size)
{
	struct power *pw = dev;
	uint32_t blk = pw->pm1_sts | (uint32_t)pw->pm1_en << 16;

	(void)size;
	return offset < POWER_PM1_EVT_LEN ? blk >> (8 * offset) : 0;
}

static void pm1_evt_write(void *dev, uint32_t offset, unsigned int size,
			  uint32_t val)
{
	struct power *pw = dev;
	uint32_t bytes = 0, mask = 0;

	/* the byte lanes written, each at its offset in the block */
	for (unsigned int i = 0; i < size && offset + i < POWER_PM1_EVT_LEN; i++) {
		bytes |= (val >> (8 * i) & 0xff) << (8 * (offset + i));
		mask |= 0xffu << (8 * (offset + i));
	}
	pw->pm1_sts &= (uint16_t)~bytes;	/* write 1 to clear */
	if (mask >> 16)
		pw->pm1_en = (uint16_t)((pw->pm1_en & ~(mask >> 16)) |
					(bytes >> 16 & PM1_EN_WRITABLE));
	sci_update(pw);
}

bool power_button_press(struct power *pw)
{
	if (!(pw->pm1_en & PM1_PWRBTN))
		return false;
	pw->pm1_sts |= PM1_PWRBTN;
	sci_update(pw);
	return true;
}

static const struct vdev_io_ops port_a_ops = {
	.read = port_a_read, .write = port_a_write,
};
static const struct vdev_io_ops pm1_ops = {
	.read = pm1_read, .write = pm1_write,
};
static const struct vdev_io_ops pm1_evt_ops = {
	.read = pm1_evt_read, .write = pm1_evt_write,
};

static enum vdev_result power_attach(struct vm_devices *vm)
{
	struct power *pw = &vm->power;
	enum vdev_result r;

	pw->vm = vm;
	r = vdev_register_pio(vm, PORT_A, 1, &port_a_ops, pw);
	if (r == VDEV_OK)
		r = vdev_register_pio(vm, POWER_PM1A_CNT_PORT,
				      POWER_PM1_CNT_LEN, &pm1_ops, pw);
	if (r == VDEV_OK)
		r = vdev_register_pio(vm, POWER_PM1A_EVT_PORT,
				      POWER_PM1_EVT_LEN, &pm1_evt_ops, pw);
	return r;
}

const struct vdev_type power_vdev = {
	.name = "power",
	.attach = power_attach,
};
