// SPDX-License-Identifier: GPL-2.0-only
/* The ISA devices: 16550A UARTs, 8259A PICs, 8254 PIT, MC146818 RTC/CMOS. */
#include "tests/unit/check_run.h"
#include "tests/unit/vmmdev/vdev_test.h"

#define COM1 0x3f8
#define COM2 0x2f8

START_TEST(test_uart_transmits_into_the_console_ring)
{
	struct vm_devices *vm = test_vm(1);
	uint8_t buf[16];

	for (const char *p = "hi\n"; *p; p++) {
		ck_assert_uint_eq(inb(vm, COM1 + 5) & 0x60, 0x60); /* THRE TEMT */
		outb(vm, COM1, (uint8_t)*p);
	}
	outb(vm, COM2, 'x');
	ck_assert_uint_eq(uart_tx_drain(&vm->uart[0], buf, sizeof(buf)), 3);
	ck_assert_mem_eq(buf, "hi\n", 3);
	ck_assert_uint_eq(uart_tx_drain(&vm->uart[0], buf, sizeof(buf)), 0);
	ck_assert_uint_eq(uart_tx_drain(&vm->uart[1], buf, sizeof(buf)), 1);
	ck_assert_uint_eq(buf[0], 'x');
	free(vm);
}
END_TEST

START_TEST(test_uart_full_ring_keeps_the_newest_bytes)
{
	struct vm_devices *vm = test_vm(1);
	static uint8_t buf[UART_TX_RING];

	for (unsigned int i = 0; i < UART_TX_RING + 10; i++)
		outb(vm, COM1, (uint8_t)i);
	ck_assert_uint_eq(vm->uart[0].tx_dropped, 10);
	ck_assert_uint_eq(uart_tx_drain(&vm->uart[0], buf, sizeof(buf)), UART_TX_RING);
	ck_assert_uint_eq(buf[0], 10);
	free(vm);
}
END_TEST

START_TEST(test_uart_divisor_latch_and_scratch)
{
	struct vm_devices *vm = test_vm(1);

	outb(vm, COM1 + 3, 0x83);	/* DLAB */
	outb(vm, COM1, 0x01);
	outb(vm, COM1 + 1, 0x00);	/* 115200 baud */
	ck_assert_uint_eq(inb(vm, COM1), 0x01);
	outb(vm, COM1 + 3, 0x03);
	ck_assert_uint_eq(vm->uart[0].divisor, 1);
	ck_assert_uint_eq(uart_tx_drain(&vm->uart[0], (uint8_t[4]){0}, 4), 0);
	outb(vm, COM1 + 7, 0xa5);
	ck_assert_uint_eq(inb(vm, COM1 + 7), 0xa5);
	free(vm);
}
END_TEST

START_TEST(test_uart_receive_raises_irq4_only_with_out2)
{
	struct vm_devices *vm = test_vm(1);
	const uint8_t in[] = "ab";

	test_pic_init(vm);
	outb(vm, COM1 + 1, 0x01);	/* ERBFI */
	ck_assert_uint_eq(uart_rx_feed(&vm->uart[0], in, 1), 1);
	ck_assert_int_eq(vdev_intr_pending(vm, 0), VDEV_NO_VECTOR);
	ck_assert_uint_eq(inb(vm, COM1 + 2) & 0x0f, 0x04);	/* RDA */
	outb(vm, COM1 + 4, 0x0b);	/* DTR RTS OUT2 */
	ck_assert_int_eq(vdev_intr_pending(vm, 0), 0x24);
	ck_assert_uint_eq(inb(vm, COM1 + 5) & 0x01, 0x01);
	ck_assert_uint_eq(inb(vm, COM1), 'a');
	ck_assert_uint_eq(inb(vm, COM1 + 5) & 0x01, 0);
	ck_assert_uint_eq(inb(vm, COM1 + 2) & 0x01, 0x01);	/* none pending */
	/* without FIFO the receiver holds one byte: the console waits */
	ck_assert_uint_eq(uart_rx_feed(&vm->uart[0], in, 2), 1);
	outb(vm, COM1 + 2, 0x07);	/* FIFO on, cleared */
	ck_assert_uint_eq(inb(vm, COM1 + 2) & 0xc0, 0xc0);
	ck_assert_uint_eq(uart_rx_feed(&vm->uart[0], in, 2), 2);
	free(vm);
}
END_TEST

START_TEST(test_uart_thre_interrupt_cleared_by_iir_read)
{
	struct vm_devices *vm = test_vm(1);

	outb(vm, COM1 + 4, 0x08);
	outb(vm, COM1 + 1, 0x02);	/* ETBEI: THR is empty, so at once */
	ck_assert_uint_eq(inb(vm, COM1 + 2) & 0x0f, 0x02);
	ck_assert_uint_eq(inb(vm, COM1 + 2) & 0x0f, 0x01);
	outb(vm, COM1, 'z');
	ck_assert_uint_eq(inb(vm, COM1 + 2) & 0x0f, 0x02);
	free(vm);
}
END_TEST

START_TEST(test_uart_loopback_echoes_and_mirrors_modem_lines)
{
	struct vm_devices *vm = test_vm(1);
	uint8_t buf[4];

	outb(vm, COM1 + 4, 0x1e);	/* LOOP, RTS, OUT1, OUT2 */
	ck_assert_uint_eq(inb(vm, COM1 + 6) & 0xf0, 0xd0);	/* CTS RI DCD */
	outb(vm, COM1, 0xae);
	ck_assert_uint_eq(inb(vm, COM1), 0xae);
	ck_assert_uint_eq(uart_tx_drain(&vm->uart[0], buf, 4), 0);
	free(vm);
}
END_TEST

START_TEST(test_pic_delivers_by_priority_and_eoi)
{
	struct vm_devices *vm = test_vm(1);

	test_pic_init(vm);
	vdev_irq_pulse(vm, 4);
	vdev_irq_pulse(vm, 1);
	ck_assert_int_eq(vdev_intr_ack(vm, 0), 0x21);
	/* IRQ 4 is lower priority than IRQ 1 in service */
	ck_assert_int_eq(vdev_intr_pending(vm, 0), VDEV_NO_VECTOR);
	outb(vm, 0x20, 0x20);		/* non-specific EOI */
	ck_assert_int_eq(vdev_intr_ack(vm, 0), 0x24);
	outb(vm, 0x20, 0x0b);		/* OCW3: read ISR */
	ck_assert_uint_eq(inb(vm, 0x20), 0x10);
	outb(vm, 0x20, 0x64);		/* specific EOI, IR4 */
	ck_assert_uint_eq(inb(vm, 0x20), 0x00);
	free(vm);
}
END_TEST

START_TEST(test_pic_slave_irq_goes_through_the_cascade)
{
	struct vm_devices *vm = test_vm(1);

	test_pic_init(vm);
	vdev_irq_pulse(vm, 12);
	ck_assert_int_eq(vdev_intr_pending(vm, 0), 0x2c);
	ck_assert_int_eq(vdev_intr_ack(vm, 0), 0x2c);
	ck_assert_uint_eq(vm->pic.chip[0].isr, 0x04);
	ck_assert_uint_eq(vm->pic.chip[1].isr, 0x10);
	outb(vm, 0xa1, 0xff);		/* masking the slave hides it */
	vdev_irq_pulse(vm, 9);
	outb(vm, 0xa0, 0x20);
	outb(vm, 0x20, 0x20);
	ck_assert_int_eq(vdev_intr_pending(vm, 0), VDEV_NO_VECTOR);
	free(vm);
}
END_TEST

START_TEST(test_pic_mask_and_level_triggered_elcr)
{
	struct vm_devices *vm = test_vm(1);

	test_pic_init(vm);
	outb(vm, 0x21, 0x08);		/* mask IRQ 3 */
	vdev_irq_pulse(vm, 3);
	ck_assert_int_eq(vdev_intr_pending(vm, 0), VDEV_NO_VECTOR);
	outb(vm, 0x21, 0x00);		/* the latched edge shows */
	ck_assert_int_eq(vdev_intr_pending(vm, 0), 0x23);
	ck_assert_int_eq(vdev_intr_ack(vm, 0), 0x23);
	outb(vm, 0x20, 0x20);
	/* level-triggered IRQ 10 re-requests until the line drops */
	outb(vm, 0x4d1, 0x04);
	ck_assert_uint_eq(inb(vm, 0x4d1), 0x04);
	outb(vm, 0x4d0, 0xff);		/* IRQ 0-2 are hard-wired edge */
	ck_assert_uint_eq(inb(vm, 0x4d0), 0xf8);
	outb(vm, 0x4d0, 0x00);
	vdev_irq_set(vm, 10, true);
	ck_assert_int_eq(vdev_intr_ack(vm, 0), 0x2a);
	outb(vm, 0xa0, 0x20);
	outb(vm, 0x20, 0x20);
	ck_assert_int_eq(vdev_intr_pending(vm, 0), 0x2a);
	vdev_irq_set(vm, 10, false);
	ck_assert_int_eq(vdev_intr_pending(vm, 0), VDEV_NO_VECTOR);
	free(vm);
}
END_TEST

START_TEST(test_pic_auto_eoi_and_spurious_irq7)
{
	struct vm_devices *vm = test_vm(1);

	outb(vm, 0x20, 0x13);		/* single, ICW4 */
	outb(vm, 0x21, 0x08);
	outb(vm, 0x21, 0x03);		/* AEOI */
	outb(vm, 0x21, 0x00);
	vdev_irq_pulse(vm, 5);
	ck_assert_int_eq(vdev_intr_ack(vm, 0), 0x0d);
	ck_assert_uint_eq(vm->pic.chip[0].isr, 0);
	ck_assert_uint_eq(pic_intack(&vm->pic), 0x0f);	/* nothing: IR7 */
	free(vm);
}
END_TEST

/* 8042: read a reply, checking the output buffer was full. */
static uint8_t kbc_reply(struct vm_devices *vm)
{
	ck_assert_uint_eq(inb(vm, 0x64) & 0x01, 0x01);
	return inb(vm, 0x60);
}

static bool kbc_empty(struct vm_devices *vm)
{
	return !(inb(vm, 0x64) & 0x01);
}

START_TEST(test_i8042_answers_a_firmware_keyboard_setup)
{
	struct vm_devices *vm = test_vm(1);

	ck_assert_uint_eq(inb(vm, 0x64), 0x18);		/* empty, unlocked */
	outb(vm, 0x64, 0xad);				/* keyboard off */
	outb(vm, 0x64, 0xa7);				/* aux off */
	outb(vm, 0x64, 0xaa);
	ck_assert_uint_eq(kbc_reply(vm), 0x55);		/* self test passed */
	outb(vm, 0x64, 0xab);
	ck_assert_uint_eq(kbc_reply(vm), 0x00);
	outb(vm, 0x64, 0x20);
	ck_assert_uint_eq(kbc_reply(vm), 0x73);		/* xlate, ints on, both ports off */
	outb(vm, 0x64, 0x60);
	outb(vm, 0x60, 0x74);				/* xlate, both ports off, sys */
	ck_assert_uint_eq(inb(vm, 0x64) & 0x04, 0x04);	/* system flag follows */
	outb(vm, 0x60, 0xff);				/* reset the keyboard */
	ck_assert(kbc_empty(vm));			/* held while its port is off */
	outb(vm, 0x64, 0xae);
	ck_assert_uint_eq(kbc_reply(vm), 0xfa);
	ck_assert_uint_eq(kbc_reply(vm), 0xaa);		/* BAT passed */
	outb(vm, 0x60, 0xf2);
	ck_assert_uint_eq(kbc_reply(vm), 0xfa);
	ck_assert_uint_eq(kbc_reply(vm), 0xab);
	ck_assert_uint_eq(kbc_reply(vm), 0x41);		/* MF2, translated */
	outb(vm, 0x60, 0xed);				/* LEDs, then their byte */
	ck_assert_uint_eq(kbc_reply(vm), 0xfa);
	outb(vm, 0x60, 0x07);
	ck_assert_uint_eq(kbc_reply(vm), 0xfa);
	outb(vm, 0x60, 0xf0);
	ck_assert_uint_eq(kbc_reply(vm), 0xfa);
	outb(vm, 0x60, 0x00);				/* which set? */
	ck_assert_uint_eq(kbc_reply(vm), 0xfa);
	ck_assert_uint_eq(kbc_reply(vm), 0x41);		/* set 2, translated */
	outb(vm, 0x60, 0x42);				/* not a command */
	ck_assert_uint_eq(kbc_reply(vm), 0xfe);
	ck_assert(kbc_empty(vm));
	ck_assert_int_eq(vm->status, VDEV_RUNNING);
	free(vm);
}
END_TEST

START_TEST(test_i8042_raises_irq1_while_a_byte_waits)
{
	struct vm_devices *vm = test_vm(1);

	test_pic_init(vm);
	outb(vm, 0x60, 0xee);				/* echo */
	ck_assert_int_eq(vdev_intr_ack(vm, 0), 0x21);
	outb(vm, 0x20, 0x20);
	ck_assert_uint_eq(inb(vm, 0x60), 0xee);
	ck_assert_int_eq(vdev_intr_pending(vm, 0), VDEV_NO_VECTOR);
	ck_assert_uint_eq(vm->irq_device & (1u << 1), 0);	/* line down */
	outb(vm, 0x64, 0x60);
	outb(vm, 0x60, 0x00);				/* no interrupts */
	outb(vm, 0x60, 0xee);
	ck_assert_int_eq(vdev_intr_pending(vm, 0), VDEV_NO_VECTOR);
	ck_assert_uint_eq(kbc_reply(vm), 0xee);
	/* the empty auxiliary port: 0xFE with a timeout, on IRQ 12 */
	outb(vm, 0x64, 0x60);
	outb(vm, 0x60, 0x02);
	outb(vm, 0x64, 0xd4);
	outb(vm, 0x60, 0xf2);
	ck_assert_uint_eq(inb(vm, 0x64) & 0x61, 0x61);	/* full, aux, timeout */
	ck_assert_int_eq(vdev_intr_ack(vm, 0), 0x2c);
	ck_assert_uint_eq(inb(vm, 0x60), 0xfe);
	ck_assert_uint_eq(inb(vm, 0x64) & 0x41, 0);
	free(vm);
}
END_TEST

/*
 * Linux's i8042 driver reads one byte per IRQ 1 (i8042_interrupt()): each
 * byte of a multi-byte answer (identify: FA AB 41) must be an edge of its
 * own on the edge-triggered ISA line, as the 8042's OBF output drops when
 * the buffer is read and rises when the next byte comes in.
 */
START_TEST(test_i8042_raises_irq1_again_for_each_byte_of_an_answer)
{
	static const uint8_t identify[] = { 0xfa, 0xab, 0x41 };	/* MF2, translated */
	struct vm_devices *vm = test_vm(1);

	test_pic_init(vm);
	outb(vm, 0x60, 0xf2);				/* identify */
	for (unsigned int i = 0; i < sizeof(identify); i++) {
		ck_assert_msg(vdev_intr_ack(vm, 0) == 0x21, "no IRQ 1 for byte %u", i);
		outb(vm, 0x20, 0x20);
		ck_assert_uint_eq(inb(vm, 0x60), identify[i]);
	}
	ck_assert_int_eq(vdev_intr_pending(vm, 0), VDEV_NO_VECTOR);
	ck_assert(kbc_empty(vm));
	free(vm);
}
END_TEST

/*
 * A directly booted Linux reads the command byte firmware left: with XLATE
 * (bit 6) it keeps translating ("AT Translated Set 2 keyboard"), without it
 * it goes direct ("AT Raw Set 2"); the keyboard's ID says which.
 */
START_TEST(test_i8042_translates_from_reset_as_firmware_leaves_it)
{
	struct vm_devices *vm = test_vm(1);

	outb(vm, 0x64, 0x20);
	ck_assert_uint_eq(kbc_reply(vm), 0x43);		/* xlate, both ints */
	outb(vm, 0x60, 0xf2);
	ck_assert_uint_eq(kbc_reply(vm), 0xfa);
	ck_assert_uint_eq(kbc_reply(vm), 0xab);
	ck_assert_uint_eq(kbc_reply(vm), 0x41);		/* MF2, translated */
	outb(vm, 0x64, 0x60);
	outb(vm, 0x60, 0x03);				/* i8042.direct: xlate off */
	outb(vm, 0x60, 0xf2);
	ck_assert_uint_eq(kbc_reply(vm), 0xfa);
	ck_assert_uint_eq(kbc_reply(vm), 0xab);
	ck_assert_uint_eq(kbc_reply(vm), 0x83);		/* MF2, raw */
	free(vm);
}
END_TEST

START_TEST(test_i8042_queue_full_drops_and_counts)
{
	struct vm_devices *vm = test_vm(1);

	for (int i = 0; i < 100; i++)
		outb(vm, 0x60, 0xee);	/* a guest that never reads */
	ck_assert_uint_eq(vm->i8042.dropped, 100 - 1 - I8042_QUEUE);
	for (unsigned int i = 0; i < 1 + I8042_QUEUE; i++)
		ck_assert_uint_eq(kbc_reply(vm), 0xee);
	ck_assert(kbc_empty(vm));
	ck_assert_uint_eq(inb(vm, 0x60), 0xee);		/* the last byte again */
	free(vm);
}
END_TEST

static void pit_program(struct vm_devices *vm, unsigned int ch,
			unsigned int mode, uint16_t count)
{
	outb(vm, 0x43, (uint8_t)(ch << 6 | 0x30 | mode << 1));
	outb(vm, (uint16_t)(0x40 + ch), (uint8_t)count);
	outb(vm, (uint16_t)(0x40 + ch), (uint8_t)(count >> 8));
}

static uint16_t pit_latch_read(struct vm_devices *vm, unsigned int ch)
{
	uint16_t v;

	outb(vm, 0x43, (uint8_t)(ch << 6));
	v = inb(vm, (uint16_t)(0x40 + ch));
	return (uint16_t)(v | inb(vm, (uint16_t)(0x40 + ch)) << 8);
}

START_TEST(test_pit_counts_down_at_1193182_hz)
{
	struct vm_devices *vm = test_vm(1);

	pit_program(vm, 0, 2, 0);	/* 65536 */
	ck_assert_uint_eq(pit_latch_read(vm, 0), 0);	/* 65536 reads as 0 */
	test_clock_ns = 1000000;	/* 1 ms = 1193 ticks */
	ck_assert_uint_eq(pit_latch_read(vm, 0), 65536 - 1193);
	/* the latch holds while time goes on */
	outb(vm, 0x43, 0x00);
	test_clock_ns = 2000000;
	ck_assert_uint_eq(inb(vm, 0x40), (uint8_t)(65536 - 1193));
	ck_assert_uint_eq(inb(vm, 0x40), (65536 - 1193) >> 8);
	free(vm);
}
END_TEST

START_TEST(test_pit_mode2_raises_irq0_periodically_through_the_pic)
{
	struct vm_devices *vm = test_vm(1);
	unsigned int ticks = 0;

	test_pic_init(vm);
	pit_program(vm, 0, 2, 11932);	/* ~100 Hz */
	for (int ms = 0; ms < 105; ms++) {	/* edges at 10.0001 ms steps */
		test_advance(vm, 1000000);
		if (vdev_intr_pending(vm, 0) == 0x20) {
			ck_assert_int_eq(vdev_intr_ack(vm, 0), 0x20);
			outb(vm, 0x20, 0x20);
			ticks++;
		}
	}
	ck_assert_uint_eq(ticks, 10);
	ck_assert_uint_le(vdev_next_event_ns(vm), test_clock_ns + 10000000);
	free(vm);
}
END_TEST

/* Take every IRQ 0 the PIC has for vCPU 0 now, without time passing. */
static unsigned int pit_take_ticks(struct vm_devices *vm)
{
	unsigned int ticks = 0;

	while (vdev_intr_pending(vm, 0) == 0x20 && ticks < 100000) {
		ck_assert_int_eq(vdev_intr_ack(vm, 0), 0x20);
		outb(vm, 0x20, 0x20);
		ticks++;
	}
	return ticks;
}

START_TEST(test_pit_ticks_a_waiting_vcpu_missed_are_reinjected)
{
	struct vm_devices *vm = test_vm(1);

	test_pic_init(vm);
	pit_program(vm, 0, 2, 11932);	/* ~100 Hz */
	test_advance(vm, 55000000);	/* the vCPU waited 55 ms for a CPU */
	ck_assert_uint_eq(pit_take_ticks(vm), 5);
	ck_assert_uint_eq(vm->pit.reinjected, 4);
	ck_assert_uint_eq(vm->pit.dropped, 0);
	/* each owed tick waits until the previous one was taken */
	test_advance(vm, 20000000);
	ck_assert_int_eq(vdev_intr_ack(vm, 0), 0x20);
	ck_assert_int_eq(vdev_intr_pending(vm, 0), VDEV_NO_VECTOR);	/* in service */
	outb(vm, 0x20, 0x20);
	ck_assert_uint_eq(pit_take_ticks(vm), 1);
	free(vm);
}
END_TEST

START_TEST(test_pit_owes_at_most_one_second_of_ticks)
{
	struct vm_devices *vm = test_vm(1);

	test_pic_init(vm);
	pit_program(vm, 0, 2, 11932);	/* 99 whole periods a second */
	test_advance(vm, 3000100000ull);	/* 300 periods unseen */
	ck_assert_uint_eq(pit_take_ticks(vm), 1 + PIT_HZ / 11932);
	ck_assert_uint_eq(vm->pit.dropped, 300 - 1 - PIT_HZ / 11932);
	/* reprogramming forgets what was owed */
	test_advance(vm, 3000000000ull);
	pit_program(vm, 0, 2, 11932);
	ck_assert_uint_eq(pit_take_ticks(vm), 1);	/* the latched one */
	ck_assert_uint_eq(vm->pit.owed, 0);
	free(vm);
}
END_TEST

START_TEST(test_pit_owes_nothing_while_irq0_is_masked)
{
	struct vm_devices *vm = test_vm(1);

	test_pic_init(vm);
	outb(vm, 0x21, 0x01);		/* IR0 masked; the IOAPIC pin is too */
	pit_program(vm, 0, 2, 11932);
	for (int i = 0; i < 100; i++)
		test_advance(vm, 10000000);
	ck_assert_uint_eq(vm->pit.owed, 0);
	outb(vm, 0x21, 0x00);
	ck_assert_uint_eq(pit_take_ticks(vm), 1);	/* IRR latched the edge */
	free(vm);
}
END_TEST

START_TEST(test_pit_mode0_fires_once)
{
	struct vm_devices *vm = test_vm(1);

	test_pic_init(vm);
	pit_program(vm, 0, 0, 1193);	/* 1 ms */
	test_advance(vm, 500000);
	ck_assert_int_eq(vdev_intr_pending(vm, 0), VDEV_NO_VECTOR);
	test_advance(vm, 600000);
	ck_assert_int_eq(vdev_intr_ack(vm, 0), 0x20);
	outb(vm, 0x20, 0x20);
	test_advance(vm, 100000000);
	ck_assert_int_eq(vdev_intr_pending(vm, 0), VDEV_NO_VECTOR);
	ck_assert_uint_eq(vdev_next_event_ns(vm), UINT64_MAX);
	free(vm);
}
END_TEST

START_TEST(test_pit_channel2_gate_and_output_on_port_61)
{
	struct vm_devices *vm = test_vm(1);

	outb(vm, 0x61, 0x01);		/* gate on, speaker off */
	pit_program(vm, 2, 0, 1193);
	ck_assert_uint_eq(inb(vm, 0x61) & 0x20, 0);
	test_clock_ns = 2000000;
	ck_assert_uint_eq(inb(vm, 0x61) & 0x21, 0x21);
	/* read-back status: OUT high, mode 0, LSB/MSB */
	outb(vm, 0x43, 0xe8);		/* read-back, status only, ch 2 */
	ck_assert_uint_eq(inb(vm, 0x42), 0xb0);
	free(vm);
}
END_TEST

static uint8_t cmos(struct vm_devices *vm, uint8_t idx)
{
	outb(vm, 0x70, idx);
	return inb(vm, 0x71);
}

static void cmos_write(struct vm_devices *vm, uint8_t idx, uint8_t v)
{
	outb(vm, 0x70, idx);
	outb(vm, 0x71, v);
}

START_TEST(test_rtc_reads_the_configured_time_in_bcd)
{
	struct vm_devices *vm = test_vm(2);

	ck_assert_uint_eq(cmos(vm, 0x00), 0x56);
	ck_assert_uint_eq(cmos(vm, 0x02), 0x34);
	ck_assert_uint_eq(cmos(vm, 0x04), 0x12);
	ck_assert_uint_eq(cmos(vm, 0x06), 0x05);	/* Thursday */
	ck_assert_uint_eq(cmos(vm, 0x07), 0x29);
	ck_assert_uint_eq(cmos(vm, 0x08), 0x02);
	ck_assert_uint_eq(cmos(vm, 0x09), 0x24);
	ck_assert_uint_eq(cmos(vm, 0x32), 0x20);
	ck_assert_uint_eq(cmos(vm, 0x0d), 0x80);	/* VRT */
	test_clock_ns = 10ull * VDEV_NS_PER_SEC;
	ck_assert_uint_eq(cmos(vm, 0x00), 0x06);
	ck_assert_uint_eq(cmos(vm, 0x02), 0x35);
	/* binary, 12-hour mode */
	cmos_write(vm, 0x0b, 0x04);
	ck_assert_uint_eq(cmos(vm, 0x00), 6);
	ck_assert_uint_eq(cmos(vm, 0x04), 0x80 | 12);	/* 12 PM */
	free(vm);
}
END_TEST

START_TEST(test_rtc_set_bit_sets_the_time)
{
	struct vm_devices *vm = test_vm(1);

	cmos_write(vm, 0x0b, 0x82);	/* SET, BCD, 24h */
	cmos_write(vm, 0x09, 0x99);
	cmos_write(vm, 0x08, 0x12);
	cmos_write(vm, 0x07, 0x31);
	cmos_write(vm, 0x04, 0x23);
	cmos_write(vm, 0x02, 0x59);
	cmos_write(vm, 0x00, 0x58);
	test_clock_ns = 5ull * VDEV_NS_PER_SEC;	/* frozen while SET */
	ck_assert_uint_eq(cmos(vm, 0x00), 0x58);
	cmos_write(vm, 0x32, 0x19);
	cmos_write(vm, 0x0b, 0x02);
	test_clock_ns += 2ull * VDEV_NS_PER_SEC;	/* 1999-12-31 23:59:60 -> 2000 */
	ck_assert_uint_eq(cmos(vm, 0x00), 0x00);
	ck_assert_uint_eq(cmos(vm, 0x09), 0x00);
	ck_assert_uint_eq(cmos(vm, 0x08), 0x01);
	free(vm);
}
END_TEST

START_TEST(test_rtc_periodic_interrupt_on_irq8_until_c_is_read)
{
	struct vm_devices *vm = test_vm(1);

	test_pic_init(vm);
	cmos_write(vm, 0x0a, 0x26);	/* 1024 Hz */
	cmos_write(vm, 0x0b, 0x42);	/* PIE */
	test_advance(vm, 1000000);
	ck_assert_int_eq(vdev_intr_ack(vm, 0), 0x28);
	ck_assert_uint_eq(cmos(vm, 0x0c), 0xc0);	/* IRQF PF */
	ck_assert_uint_eq(cmos(vm, 0x0c), 0x00);
	ck_assert_uint_le(vdev_next_event_ns(vm), test_clock_ns + 976563);
	free(vm);
}
END_TEST

START_TEST(test_rtc_update_in_progress_before_each_second)
{
	struct vm_devices *vm = test_vm(1);

	test_clock_ns = 500000000;
	ck_assert_uint_eq(cmos(vm, 0x0a) & 0x80, 0);
	test_clock_ns = 999900000;
	ck_assert_uint_eq(cmos(vm, 0x0a) & 0x80, 0x80);
	free(vm);
}
END_TEST

START_TEST(test_cmos_memory_size_bytes)
{
	struct vm_devices *vm = test_vm(3);

	ck_assert_uint_eq(cmos(vm, 0x15) | cmos(vm, 0x16) << 8, 640);
	ck_assert_uint_eq(cmos(vm, 0x17) | cmos(vm, 0x18) << 8, 0xffff);
	ck_assert_uint_eq(cmos(vm, 0x34) | cmos(vm, 0x35) << 8,
			  (TEST_RAM - (16 << 20)) >> 16);
	ck_assert_uint_eq(cmos(vm, 0x5f), 2);
	cmos_write(vm, 0x40, 0x77);	/* plain CMOS RAM */
	ck_assert_uint_eq(cmos(vm, 0xc0), 0x77);	/* bit 7: NMI mask */
	free(vm);
}
END_TEST

/* A VM with the optional test devices asked for, clock at 0. Freed by free(). */
static struct vm_devices *test_devices_vm(bool debug_exit, bool test_dev)
{
	struct vm_devices *vm = malloc(sizeof(*vm));
	struct vdev_config cfg = {
		.nr_vcpus = 1, .ram_size = TEST_RAM,
		.clock = { .now_ns = test_now },
		.debug_exit = debug_exit, .test_dev = test_dev,
	};

	ck_assert_ptr_nonnull(vm);
	test_clock_ns = 0;
	ck_assert_int_eq(vdev_init(vm, &cfg), VDEV_OK);
	return vm;
}

START_TEST(test_debug_exit_is_absent_unless_configured)
{
	struct vm_devices *vm = test_vm(1);

	ck_assert_uint_eq(vdev_pio_read(vm, 0xf4, 4), 0xffffffffu);
	vdev_pio_write(vm, 0xf4, 4, 0);
	ck_assert_int_eq(vm->status, VDEV_RUNNING);	/* dropped */
	free(vm);
}
END_TEST

START_TEST(test_debug_exit_ends_the_vm_with_the_first_code)
{
	struct vm_devices *vm = test_devices_vm(true, false);

	ck_assert_uint_eq(vdev_pio_read(vm, 0xf4, 4), 0);
	ck_assert_uint_eq(vdev_pio_read(vm, 0xf7, 1), 0);
	/* kvm-unit-tests: outl(38, 0xf4) is a skip, QEMU's status 77 */
	vdev_pio_write(vm, 0xf4, 4, 38);
	ck_assert_int_eq(vm->status, VDEV_EXIT_REQUESTED);
	ck_assert_uint_eq(vm->debug_exit.code, 38);
	ck_assert_uint_eq(debug_exit_qemu_status(vm->debug_exit.code), 77);
	vdev_pio_write(vm, 0xf4, 1, 1);			/* too late */
	ck_assert_uint_eq(vm->debug_exit.code, 38);
	ck_assert_uint_eq(debug_exit_qemu_status(0), 1);	/* a pass */
	free(vm);
}
END_TEST

START_TEST(test_pic_starts_with_the_vectors_a_pc_bios_gives)
{
	struct vm_devices *vm = test_vm(1);

	/* no ICW: a directly booted guest finds IRQ 0 at 08h, IRQ 8 at 70h */
	vdev_irq_pulse(vm, 0);
	vdev_irq_pulse(vm, 11);
	ck_assert_int_eq(vdev_intr_ack(vm, 0), 0x08);
	outb(vm, 0x20, 0x20);		/* EOI */
	ck_assert_int_eq(vdev_intr_ack(vm, 0), 0x73);
	free(vm);
}
END_TEST

START_TEST(test_testdev_is_absent_unless_configured)
{
	struct vm_devices *vm = test_vm(1);

	ck_assert_uint_eq(vdev_pio_read(vm, 0xe0, 4), 0xffffffffu);
	ck_assert(!vdev_pio_write(vm, 0xe0, 4, 0x12345678));
	ck_assert(!vdev_pio_write(vm, 0x200b, 1, 1));
	ck_assert_int_eq(vdev_intr_pending(vm, 0), VDEV_NO_VECTOR);
	free(vm);
}
END_TEST

START_TEST(test_testdev_scratch_register_at_e0_and_e8)
{
	struct vm_devices *vm = test_devices_vm(false, true);

	vdev_pio_write(vm, 0xe0, 4, 0x12345678);
	ck_assert_uint_eq(vdev_pio_read(vm, 0xe0, 4), 0x12345678);
	/* emulator.flat: outw 0x9999, then a byte and a dword back */
	vdev_pio_write(vm, 0xe0, 2, 0x9999);
	ck_assert_uint_eq(inb(vm, 0xe0), 0x99);
	ck_assert_uint_eq(vdev_pio_read(vm, 0xe0, 4), 0x12349999);
	/* 0xE8 is the same register, byte by byte */
	ck_assert_uint_eq(vdev_pio_read(vm, 0xe8, 4), 0x12349999);
	outb(vm, 0xeb, 0xab);
	ck_assert_uint_eq(vdev_pio_read(vm, 0xe2, 2), 0xab34);
	/* flush page: takes a write, changes nothing, reads as no device */
	ck_assert(vdev_pio_write(vm, 0xe4, 4, 0x00102000));
	ck_assert_uint_eq(vdev_pio_read(vm, 0xe4, 4), 0xffffffffu);
	ck_assert_uint_eq(vdev_pio_read(vm, 0xe0, 4), 0xab349999);
	free(vm);
}
END_TEST

START_TEST(test_testdev_raises_irq11_as_realmode_does)
{
	struct vm_devices *vm = test_devices_vm(false, true);

	/* realmode.flat's sti inhibit: outl 1 then 0 to 0x200B, sti, hlt */
	ck_assert(vdev_pio_write(vm, 0x200b, 4, 1));
	ck_assert_int_eq(vm->testdev.lines, 1u << 11);	/* 12-14 low */
	ck_assert(vdev_pio_write(vm, 0x200b, 4, 0));
	ck_assert_int_eq(vm->testdev.lines, 0);
	/* the edge stays latched in the PIC's IRR */
	ck_assert_int_eq(vdev_intr_pending(vm, 0), 0x73);
	ck_assert_int_eq(vdev_intr_ack(vm, 0), 0x73);
	ck_assert_int_eq(vdev_intr_pending(vm, 0), VDEV_NO_VECTOR);
	ck_assert_uint_eq(vdev_pio_read(vm, 0x200b, 1), 0xff);
	free(vm);
}
END_TEST

START_TEST(test_testdev_lines_or_with_the_devices_on_them)
{
	struct vm_devices *vm = test_devices_vm(false, true);

	test_pic_init(vm);
	outb(vm, 0x4d1, 0x08);		/* IRQ 11 level-triggered */
	outb(vm, 0x200b, 0x80);		/* any value but zero asserts */
	ck_assert_int_eq(vdev_intr_pending(vm, 0), 0x2b);
	outb(vm, 0x200b, 0);
	ck_assert_int_eq(vdev_intr_pending(vm, 0), VDEV_NO_VECTOR);
	/* lowering a line a device holds does not lower the device's */
	vdev_irq_set(vm, 11, true);
	outb(vm, 0x200b, 0);
	ck_assert_int_eq(vdev_intr_pending(vm, 0), 0x2b);
	vdev_irq_set(vm, 11, false);
	ck_assert_int_eq(vdev_intr_pending(vm, 0), VDEV_NO_VECTOR);
	free(vm);
}
END_TEST

START_TEST(test_testdev_takes_any_value_on_any_of_its_ports)
{
	struct vm_devices *vm = test_devices_vm(false, true);
	static const uint16_t base[] = { 0xe0, 0x2000 };
	static const uint8_t len[] = { 12, 24 };

	for (unsigned int b = 0; b < 2; b++)
		for (unsigned int p = 0; p < len[b] + 4u; p++)
			for (unsigned int size = 1; size <= 4; size *= 2) {
				vdev_pio_write(vm, base[b] + p, size, 0xffffffffu);
				vdev_pio_read(vm, base[b] + p, size);
				vdev_pio_write(vm, base[b] + p, size, 0x5a00a5ffu);
			}
	ck_assert_int_eq(vm->status, VDEV_RUNNING);
	/* lines 0-23 only: 0x2018 and up are not the device's */
	ck_assert_uint_eq(vm->testdev.lines & ~0xffffffu, 0);
	ck_assert(!vdev_pio_write(vm, 0x2018, 1, 1));
	ck_assert(!vdev_pio_write(vm, 0x2016, 4, 0x01010101));	/* straddles */
	free(vm);
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("vdev_legacy");

	tcase_add_test(tc, test_uart_transmits_into_the_console_ring);
	tcase_add_test(tc, test_uart_full_ring_keeps_the_newest_bytes);
	tcase_add_test(tc, test_uart_divisor_latch_and_scratch);
	tcase_add_test(tc, test_uart_receive_raises_irq4_only_with_out2);
	tcase_add_test(tc, test_uart_thre_interrupt_cleared_by_iir_read);
	tcase_add_test(tc, test_uart_loopback_echoes_and_mirrors_modem_lines);
	tcase_add_test(tc, test_pic_delivers_by_priority_and_eoi);
	tcase_add_test(tc, test_pic_slave_irq_goes_through_the_cascade);
	tcase_add_test(tc, test_pic_mask_and_level_triggered_elcr);
	tcase_add_test(tc, test_pic_auto_eoi_and_spurious_irq7);
	tcase_add_test(tc, test_i8042_answers_a_firmware_keyboard_setup);
	tcase_add_test(tc, test_i8042_raises_irq1_while_a_byte_waits);
	tcase_add_test(tc, test_i8042_raises_irq1_again_for_each_byte_of_an_answer);
	tcase_add_test(tc, test_i8042_translates_from_reset_as_firmware_leaves_it);
	tcase_add_test(tc, test_i8042_queue_full_drops_and_counts);
	tcase_add_test(tc, test_pit_counts_down_at_1193182_hz);
	tcase_add_test(tc, test_pit_mode2_raises_irq0_periodically_through_the_pic);
	tcase_add_test(tc, test_pit_ticks_a_waiting_vcpu_missed_are_reinjected);
	tcase_add_test(tc, test_pit_owes_at_most_one_second_of_ticks);
	tcase_add_test(tc, test_pit_owes_nothing_while_irq0_is_masked);
	tcase_add_test(tc, test_pit_mode0_fires_once);
	tcase_add_test(tc, test_pit_channel2_gate_and_output_on_port_61);
	tcase_add_test(tc, test_rtc_reads_the_configured_time_in_bcd);
	tcase_add_test(tc, test_rtc_set_bit_sets_the_time);
	tcase_add_test(tc, test_rtc_periodic_interrupt_on_irq8_until_c_is_read);
	tcase_add_test(tc, test_rtc_update_in_progress_before_each_second);
	tcase_add_test(tc, test_cmos_memory_size_bytes);
	tcase_add_test(tc, test_debug_exit_is_absent_unless_configured);
	tcase_add_test(tc, test_debug_exit_ends_the_vm_with_the_first_code);
	tcase_add_test(tc, test_pic_starts_with_the_vectors_a_pc_bios_gives);
	tcase_add_test(tc, test_testdev_is_absent_unless_configured);
	tcase_add_test(tc, test_testdev_scratch_register_at_e0_and_e8);
	tcase_add_test(tc, test_testdev_raises_irq11_as_realmode_does);
	tcase_add_test(tc, test_testdev_lines_or_with_the_devices_on_them);
	tcase_add_test(tc, test_testdev_takes_any_value_on_any_of_its_ports);
	return check_run("vdev_legacy", tc);
}
