// SPDX-License-Identifier: GPL-2.0-only
/* IOAPIC, LAPICs and the path between them; the PIC through LINT0. */
#include "tests/unit/check_run.h"
#include "tests/unit/vmmdev/vdev_test.h"

#define APIC(off) (LAPIC_DEFAULT_BASE + (off))

static void lapic_wr(struct vm_devices *vm, unsigned int cpu, uint32_t off,
		     uint32_t v)
{
	ck_assert(vdev_mmio_write(vm, cpu, APIC(off), 4, v));
}

static uint32_t lapic_rd(struct vm_devices *vm, unsigned int cpu, uint32_t off)
{
	uint32_t v = 0;

	ck_assert(vdev_mmio_read(vm, cpu, APIC(off), 4, &v));
	return v;
}

static void ioapic_wr(struct vm_devices *vm, uint32_t reg, uint32_t v)
{
	ck_assert(vdev_mmio_write(vm, 0, IOAPIC_BASE, 4, reg));
	ck_assert(vdev_mmio_write(vm, 0, IOAPIC_BASE + 0x10, 4, v));
}

static uint32_t ioapic_rd(struct vm_devices *vm, uint32_t reg)
{
	uint32_t v = 0;

	ck_assert(vdev_mmio_write(vm, 0, IOAPIC_BASE, 4, reg));
	ck_assert(vdev_mmio_read(vm, 0, IOAPIC_BASE + 0x10, 4, &v));
	return v;
}

static void enable_apics(struct vm_devices *vm)
{
	for (unsigned int c = 0; c < vm->cfg.nr_vcpus; c++) {
		lapic_wr(vm, c, 0xf0, 0x1ff);		/* SVR: enable, vector FF */
		lapic_wr(vm, c, 0x350, 0x10000);	/* LINT0 masked */
	}
}

START_TEST(test_ioapic_identifies_as_82093aa_with_24_pins)
{
	struct vm_devices *vm = test_vm(2);

	ck_assert_uint_eq(ioapic_rd(vm, 1), 0x00170011);
	ck_assert_uint_eq(ioapic_rd(vm, 0), 2u << 24);	/* after LAPIC IDs 0, 1 */
	ck_assert_uint_eq(ioapic_rd(vm, 0x10), 0x10000);	/* masked */
	ioapic_wr(vm, 1, 0);					/* read-only */
	ck_assert_uint_eq(ioapic_rd(vm, 1), 0x00170011);
	free(vm);
}
END_TEST

START_TEST(test_isa_irq_reaches_the_lapic_through_the_ioapic)
{
	struct vm_devices *vm = test_vm(2);

	enable_apics(vm);
	ioapic_wr(vm, 0x10 + 2 * 4, 0x31);		/* COM1: vector 0x31 */
	ioapic_wr(vm, 0x11 + 2 * 4, 1u << 24);		/* to APIC 1 */
	vdev_irq_pulse(vm, 4);
	ck_assert_int_eq(vdev_intr_pending(vm, 0), VDEV_NO_VECTOR);
	ck_assert_int_eq(vdev_intr_ack(vm, 1), 0x31);
	ck_assert_int_eq(vdev_intr_pending(vm, 1), VDEV_NO_VECTOR);
	ck_assert_uint_eq(lapic_rd(vm, 1, 0x100 + 0x10 * (0x31 / 32)),
			  1u << (0x31 % 32));			/* ISR */
	lapic_wr(vm, 1, 0xb0, 0);
	ck_assert_uint_eq(lapic_rd(vm, 1, 0x110), 0);
	/* the PIT's IRQ 0 is IOAPIC input 2 */
	ioapic_wr(vm, 0x10 + 2 * 2, 0x30);
	vdev_irq_pulse(vm, 0);
	ck_assert_int_eq(vdev_intr_ack(vm, 0), 0x30);
	free(vm);
}
END_TEST

START_TEST(test_level_triggered_pin_waits_for_eoi)
{
	struct vm_devices *vm = test_vm(1);

	enable_apics(vm);
	ioapic_wr(vm, 0x10 + 2 * 16, 0x8000 | 0x41);	/* level, vector 0x41 */
	vdev_irq_set(vm, 16, true);
	ck_assert_uint_eq(ioapic_rd(vm, 0x10 + 2 * 16) & 0x4000, 0x4000);
	ck_assert_int_eq(vdev_intr_ack(vm, 0), 0x41);
	ck_assert_uint_eq(lapic_rd(vm, 0, 0x180 + 0x10 * 2), 2);	/* TMR */
	ck_assert_int_eq(vdev_intr_pending(vm, 0), VDEV_NO_VECTOR);
	/* EOI with the line still up: remote IRR clears, delivered again */
	lapic_wr(vm, 0, 0xb0, 0);
	ck_assert_int_eq(vdev_intr_ack(vm, 0), 0x41);
	vdev_irq_set(vm, 16, false);
	lapic_wr(vm, 0, 0xb0, 0);
	ck_assert_uint_eq(ioapic_rd(vm, 0x10 + 2 * 16) & 0x4000, 0);
	ck_assert_int_eq(vdev_intr_pending(vm, 0), VDEV_NO_VECTOR);
	free(vm);
}
END_TEST

START_TEST(test_tpr_and_in_service_priority_hold_back_lower_vectors)
{
	struct vm_devices *vm = test_vm(1);

	enable_apics(vm);
	ioapic_wr(vm, 0x10 + 2 * 5, 0x45);
	ioapic_wr(vm, 0x10 + 2 * 6, 0x92);
	lapic_wr(vm, 0, 0x80, 0x50);
	vdev_irq_pulse(vm, 5);
	ck_assert_int_eq(vdev_intr_pending(vm, 0), VDEV_NO_VECTOR);
	lapic_wr(vm, 0, 0x80, 0x00);
	ck_assert_int_eq(vdev_intr_ack(vm, 0), 0x45);
	vdev_irq_pulse(vm, 6);
	ck_assert_int_eq(vdev_intr_ack(vm, 0), 0x92);	/* higher class nests */
	ck_assert_uint_eq(lapic_rd(vm, 0, 0xa0), 0x90);	/* PPR */
	lapic_wr(vm, 0, 0xb0, 0);
	ck_assert_uint_eq(lapic_rd(vm, 0, 0xa0), 0x40);
	free(vm);
}
END_TEST

START_TEST(test_pit_reinjects_through_the_ioapic)
{
	struct vm_devices *vm = test_vm(2);
	unsigned int ticks = 0;

	enable_apics(vm);
	ioapic_wr(vm, 0x10 + 2 * 2, 0x30);		/* IRQ 0 -> pin 2, vector 0x30 */
	outb(vm, 0x43, 0x34);				/* channel 0, mode 2 */
	outb(vm, 0x40, (uint8_t)11932);
	outb(vm, 0x40, 11932 >> 8);			/* ~100 Hz */
	test_advance(vm, 35000000);			/* 3 periods unseen */
	while (vdev_intr_pending(vm, 0) == 0x30 && ticks < 100) {
		ck_assert_int_eq(vdev_intr_ack(vm, 0), 0x30);
		lapic_wr(vm, 0, 0xb0, 0);		/* EOI */
		ticks++;
	}
	ck_assert_uint_eq(ticks, 3);
	free(vm);
}
END_TEST

START_TEST(test_pic_reaches_the_bsp_through_lint0_virtual_wire)
{
	struct vm_devices *vm = test_vm(2);

	test_pic_init(vm);
	vdev_irq_pulse(vm, 1);
	ck_assert_int_eq(vdev_intr_pending(vm, 0), 0x21);	/* reset state */
	ck_assert_int_eq(vdev_intr_pending(vm, 1), VDEV_NO_VECTOR);
	lapic_wr(vm, 0, 0xf0, 0x1ff);
	lapic_wr(vm, 0, 0x350, 0x10700);			/* LINT0 masked */
	ck_assert_int_eq(vdev_intr_pending(vm, 0), VDEV_NO_VECTOR);
	lapic_wr(vm, 0, 0x350, 0x00700);
	ck_assert_int_eq(vdev_intr_ack(vm, 0), 0x21);
	free(vm);
}
END_TEST

START_TEST(test_ipis_fixed_broadcast_logical_and_startup)
{
	struct vm_devices *vm = test_vm(4);

	enable_apics(vm);
	lapic_wr(vm, 0, 0x310, 2u << 24);
	lapic_wr(vm, 0, 0x300, 0x4050);			/* fixed 0x50 -> 2 */
	ck_assert_int_eq(vdev_intr_pending(vm, 2), 0x50);
	ck_assert_int_eq(vdev_intr_pending(vm, 1), VDEV_NO_VECTOR);
	lapic_wr(vm, 0, 0x300, 0xc4060);		/* all but self */
	ck_assert_int_eq(vdev_intr_pending(vm, 0), VDEV_NO_VECTOR);
	ck_assert_int_eq(vdev_intr_pending(vm, 3), 0x60);
	/* flat logical: LDR bit per CPU */
	for (unsigned int c = 0; c < 4; c++)
		lapic_wr(vm, c, 0xd0, (1u << c) << 24);
	lapic_wr(vm, 0, 0x310, 0x0au << 24);		/* CPUs 1 and 3 */
	lapic_wr(vm, 0, 0x300, 0x4870);
	ck_assert_int_eq(vdev_intr_ack(vm, 1), 0x70);
	ck_assert_int_eq(vdev_intr_ack(vm, 3), 0x70);
	ck_assert_int_eq(vdev_intr_pending(vm, 2), 0x60);	/* not addressed */
	/* INIT, SIPI and NMI become events for the exit handler */
	lapic_wr(vm, 0, 0x310, 1u << 24);
	lapic_wr(vm, 0, 0x300, 0xc500);			/* INIT assert */
	ck_assert(vm->lapic[1].init_pending);
	ck_assert_uint_eq(lapic_rd(vm, 1, 0xf0), 0xff);	/* INIT reset it */
	lapic_wr(vm, 0, 0x300, 0x4609);			/* SIPI page 9 */
	ck_assert(vm->lapic[1].sipi_pending);
	ck_assert_uint_eq(vm->lapic[1].sipi_vector, 9);
	lapic_wr(vm, 0, 0x300, 0x4400);
	ck_assert(vm->lapic[1].nmi_pending);
	/* an illegal vector is an error, not an interrupt */
	lapic_wr(vm, 0, 0x300, 0x4005);
	lapic_wr(vm, 0, 0x280, 0);
	ck_assert_uint_eq(lapic_rd(vm, 0, 0x280), 0x20);
	free(vm);
}
END_TEST

START_TEST(test_lapic_timer_one_shot_and_periodic)
{
	struct vm_devices *vm = test_vm(1);

	enable_apics(vm);
	lapic_wr(vm, 0, 0x3e0, 0x0b);			/* divide by 1 */
	lapic_wr(vm, 0, 0x320, 0xec);			/* one-shot, vector 0xec */
	lapic_wr(vm, 0, 0x380, 1000000);		/* 1 ms at 1 GHz */
	test_advance(vm, 400000);
	ck_assert_uint_eq(lapic_rd(vm, 0, 0x390), 600000);
	ck_assert_int_eq(vdev_intr_pending(vm, 0), VDEV_NO_VECTOR);
	ck_assert_uint_eq(vdev_next_event_ns(vm), 1000000);
	test_advance(vm, 600000);
	ck_assert_int_eq(vdev_intr_ack(vm, 0), 0xec);
	lapic_wr(vm, 0, 0xb0, 0);
	ck_assert_uint_eq(lapic_rd(vm, 0, 0x390), 0);
	test_advance(vm, 5000000);
	ck_assert_int_eq(vdev_intr_pending(vm, 0), VDEV_NO_VECTOR);
	/* periodic, divide by 16 */
	lapic_wr(vm, 0, 0x3e0, 0x03);
	lapic_wr(vm, 0, 0x320, 0x200ec);
	lapic_wr(vm, 0, 0x380, 62500);			/* 1 ms */
	for (int i = 0; i < 3; i++) {
		test_advance(vm, 1000000);
		ck_assert_int_eq(vdev_intr_ack(vm, 0), 0xec);
		lapic_wr(vm, 0, 0xb0, 0);
	}
	free(vm);
}
END_TEST

/* IA32_APIC_BASE bits (SDM vol. 3A §10.4.4). */
#define BASE_BSP	0x100ull
#define BASE_EXTD	0x400ull
#define BASE_EN		0x800ull

START_TEST(test_apic_base_enabled_disabled_enabled_like_reset_apic)
{
	struct vm_devices *vm = test_vm(2);
	struct lapic *a = &vm->lapic[1];
	uint32_t v;

	enable_apics(vm);
	lapic_wr(vm, 1, 0x80, 0x20);				/* TPR */
	/* kvm-unit-tests' reset_apic(): disable, then enable again */
	ck_assert(lapic_base_msr_write(a, LAPIC_DEFAULT_BASE));
	ck_assert_uint_eq(lapic_base_msr_read(a), LAPIC_DEFAULT_BASE);
	ck_assert(!vdev_mmio_read(vm, 1, APIC(0x20), 4, &v));	/* page gone */
	ck_assert(lapic_accepts_extint(a));		/* LINT0 is INTR again */
	ck_assert(lapic_base_msr_write(a, LAPIC_DEFAULT_BASE | BASE_EN));
	ck_assert_uint_eq(lapic_base_msr_read(a), LAPIC_DEFAULT_BASE | BASE_EN);
	/* back in its reset state: same ID, TPR 0, software-disabled, masked */
	ck_assert_uint_eq(lapic_rd(vm, 1, 0x20), 1u << 24);
	ck_assert_uint_eq(lapic_rd(vm, 1, 0x80), 0);
	ck_assert_uint_eq(lapic_rd(vm, 1, 0xf0), 0xff);
	ck_assert_uint_eq(lapic_rd(vm, 1, 0x350) & 0x10000, 0x10000);
	/* and usable again: software-enabled, it takes an IPI */
	enable_apics(vm);
	lapic_wr(vm, 1, 0x300, 0x40040);			/* self IPI 0x40 */
	ck_assert_int_eq(vdev_intr_ack(vm, 1), 0x40);
	free(vm);
}
END_TEST

START_TEST(test_apic_base_bsp_flag_is_read_only)
{
	struct vm_devices *vm = test_vm(2);

	ck_assert(lapic_base_msr_write(&vm->lapic[0], LAPIC_DEFAULT_BASE | BASE_EN));
	ck_assert_uint_eq(lapic_base_msr_read(&vm->lapic[0]),
			  LAPIC_DEFAULT_BASE | BASE_EN | BASE_BSP);
	ck_assert(lapic_base_msr_write(&vm->lapic[1],
				       LAPIC_DEFAULT_BASE | BASE_EN | BASE_BSP));
	ck_assert_uint_eq(lapic_base_msr_read(&vm->lapic[1]),
			  LAPIC_DEFAULT_BASE | BASE_EN);
	free(vm);
}
END_TEST

START_TEST(test_apic_base_x2apic_and_reserved_bits_are_gp)
{
	struct vm_devices *vm = test_vm(1);
	struct lapic *a = &vm->lapic[0];
	uint64_t before = lapic_base_msr_read(a);

	/* CPUID.1:ECX.x2APIC is clear for VMs: EXTD is reserved (§10.12.5) */
	ck_assert(!lapic_base_msr_write(a, before | BASE_EXTD));
	ck_assert(!lapic_base_msr_write(a, LAPIC_DEFAULT_BASE | BASE_EXTD));
	ck_assert(!lapic_base_msr_write(a, before | 1ull << 36));	/* > MAXPHYADDR */
	ck_assert(!lapic_base_msr_write(a, before | 1ull << 40));
	ck_assert(!lapic_base_msr_write(a, before | 0x0ff));
	ck_assert(!lapic_base_msr_write(a, before | 0x200));
	ck_assert_uint_eq(lapic_base_msr_read(a), before);	/* unchanged */
	free(vm);
}
END_TEST

START_TEST(test_apic_base_moves_outside_ram_only)
{
	struct vm_devices *vm = test_vm(1);
	struct lapic *a = &vm->lapic[0];
	uint32_t v;

	ck_assert(lapic_base_msr_write(a, 0xfed00000ull | BASE_EN));
	ck_assert_uint_eq(lapic_base_msr_read(a), 0xfed00000ull | BASE_EN | BASE_BSP);
	ck_assert(!vdev_mmio_read(vm, 0, APIC(0x30), 4, &v));
	ck_assert(vdev_mmio_read(vm, 0, 0xfed00030ull, 4, &v));
	ck_assert_uint_eq(v, 0x00060014);
	/* a page of guest RAM (TEST_RAM below 4 GiB) cannot hold the APIC */
	ck_assert(!lapic_base_msr_write(a, 0x00100000ull | BASE_EN));
	ck_assert(!lapic_base_msr_write(a, (TEST_RAM - 0x1000) | BASE_EN));
	ck_assert(lapic_base_msr_write(a, TEST_RAM | BASE_EN));
	ck_assert(lapic_base_msr_write(a, LAPIC_DEFAULT_BASE | BASE_EN));
	ck_assert(vdev_mmio_read(vm, 0, APIC(0x30), 4, &v));
	free(vm);
}
END_TEST

START_TEST(test_lapic_ignores_unaligned_and_narrow_accesses)
{
	struct vm_devices *vm = test_vm(1);
	uint32_t v = 1;

	ck_assert(vdev_mmio_write(vm, 0, APIC(0x81), 1, 0xff));
	ck_assert(vdev_mmio_write(vm, 0, APIC(0x80), 2, 0xff));
	ck_assert_uint_eq(lapic_rd(vm, 0, 0x80), 0);
	ck_assert(vdev_mmio_read(vm, 0, APIC(0x84), 4, &v));
	ck_assert_uint_eq(v, 0);
	free(vm);
}
END_TEST

/* The SCI as Linux sets it up in ACPI mode: IOAPIC pin 9, level (the MADT's override). */
START_TEST(test_power_button_sci_stays_asserted_until_the_guest_clears_its_status)
{
	struct vm_devices *vm = test_vm(2);

	enable_apics(vm);
	ioapic_wr(vm, 0x10 + 2 * 9, 0x8000 | 0x49);	/* level, vector 0x49 */
	ck_assert(!power_button_press(&vm->power));	/* PWRBTN_EN clear */
	ck_assert_int_eq(vdev_intr_pending(vm, 0), VDEV_NO_VECTOR);
	vdev_pio_write(vm, 0x602, 2, 0x0100);		/* PWRBTN_EN */
	ck_assert_int_eq(vdev_intr_pending(vm, 0), VDEV_NO_VECTOR);
	ck_assert(power_button_press(&vm->power));
	ck_assert_int_eq(vdev_intr_ack(vm, 0), 0x49);
	ck_assert_uint_eq(vdev_pio_read(vm, 0x600, 2), 0x0100);	/* PWRBTN_STS */
	/* EOI before the handler cleared the status: delivered again */
	lapic_wr(vm, 0, 0xb0, 0);
	ck_assert_int_eq(vdev_intr_ack(vm, 0), 0x49);
	/* the handler writes 1 to clear; then the EOI ends it */
	vdev_pio_write(vm, 0x600, 2, 0x0100);
	lapic_wr(vm, 0, 0xb0, 0);
	ck_assert_uint_eq(ioapic_rd(vm, 0x10 + 2 * 9) & 0x4000, 0);
	ck_assert_int_eq(vdev_intr_pending(vm, 0), VDEV_NO_VECTOR);
	ck_assert_uint_eq(vdev_pio_read(vm, 0x600, 2), 0);
	/* disabling the event drops the line */
	ck_assert(power_button_press(&vm->power));
	ck_assert_uint_ne(vm->ioapic.level & (1u << 9), 0);
	vdev_pio_write(vm, 0x602, 2, 0);
	ck_assert_uint_eq(vm->ioapic.level & (1u << 9), 0);
	free(vm);
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("vdev_apic");

	tcase_add_test(tc, test_ioapic_identifies_as_82093aa_with_24_pins);
	tcase_add_test(tc, test_isa_irq_reaches_the_lapic_through_the_ioapic);
	tcase_add_test(tc, test_level_triggered_pin_waits_for_eoi);
	tcase_add_test(tc, test_tpr_and_in_service_priority_hold_back_lower_vectors);
	tcase_add_test(tc, test_pit_reinjects_through_the_ioapic);
	tcase_add_test(tc, test_pic_reaches_the_bsp_through_lint0_virtual_wire);
	tcase_add_test(tc, test_ipis_fixed_broadcast_logical_and_startup);
	tcase_add_test(tc, test_lapic_timer_one_shot_and_periodic);
	tcase_add_test(tc, test_apic_base_enabled_disabled_enabled_like_reset_apic);
	tcase_add_test(tc, test_apic_base_bsp_flag_is_read_only);
	tcase_add_test(tc, test_apic_base_x2apic_and_reserved_bits_are_gp);
	tcase_add_test(tc, test_apic_base_moves_outside_ram_only);
	tcase_add_test(tc, test_lapic_ignores_unaligned_and_narrow_accesses);
	tcase_add_test(tc, test_power_button_sci_stays_asserted_until_the_guest_clears_its_status);
	return check_run("vdev_apic", tc);
}
