// SPDX-License-Identifier: GPL-2.0-only
/*
 * hostile_io_garbage: a guest that writes random values, in every size, to
 * every I/O port (and reads each back), interrupts off. COM1 (its console)
 * and the reset/power ports come last, so the progress can be read; those
 * may then reset or power off the VM, which is the VM's own business.
 */
#include "guest.h"

#define PORTS		0x10000
#define PROGRESS_EVERY	0x1000
#define SETTLE_LOOPS	500000000u	/* about 2 s under TCG */

static const uint16_t power_ports[] = {
	0x64,		/* 8042 command: 0xFE pulses reset */
	0x92,		/* port A: fast reset */
	0xcf9,		/* PIIX reset control */
	PM1A_CNT, PM1A_CNT + 1,
};

/* Ports left for the end: COM1 (the progress report) and the reset and power
 * ports, also when a word or dword access would reach them. */
static bool saved_for_last(uint32_t port, unsigned int width)
{
	for (uint32_t p = port; p < port + width; p++) {
		if (p >= COM1 && p <= COM1_LAST)
			return true;
		for (unsigned int i = 0; i < sizeof(power_ports) / sizeof(power_ports[0]); i++)
			if (p == power_ports[i])
				return true;
	}
	return false;
}

static volatile uint32_t sink;

/* Random values of each size to port (and read back), skipping the sizes
 * that reach a port saved for last unless last is set. */
static void garbage_port(uint16_t port, uint32_t *seed, bool last)
{
	if (last || !saved_for_last(port, 1)) {
		outb(port, (uint8_t)rand32(seed));
		sink += inb(port);
	}
	if (last || !saved_for_last(port, 2)) {
		outw(port, (uint16_t)rand32(seed));
		sink += inw(port);
	}
	if (last || !saved_for_last(port, 4)) {
		outl(port, rand32(seed));
		sink += inl(port);
	}
}

void guest_main(uint32_t magic, const void *mbi)
{
	uint32_t seed = 0x1badc0de;

	(void)magic;
	(void)mbi;
	serial_init();
	puts("hostile_io_garbage: random values to every I/O port\n");
	for (uint32_t port = 0; port < PORTS; port++) {
		garbage_port((uint16_t)port, &seed, false);
		if (port % PROGRESS_EVERY == PROGRESS_EVERY - 1) {
			serial_init();	/* the garbage may have reached the UART */
			puts("hostile_io_garbage: ports up to ");
			putx(port);
			puts(" done\n");
		}
	}
	for (uint32_t port = COM1; port <= COM1_LAST; port++)
		garbage_port((uint16_t)port, &seed, true);
	serial_init();
	puts("hostile_io_garbage: every port but the reset and power ports done\n");
	/* A reset may come next and a platform reset may discard console
	 * output not read yet: give the reader time first. */
	for (uint32_t i = 0; i < SETTLE_LOOPS; i++)
		sink += i;
	for (unsigned int i = 0; i < sizeof(power_ports) / sizeof(power_ports[0]); i++)
		garbage_port(power_ports[i], &seed, true);
	serial_init();
	puts("hostile_io_garbage: done, powering off\n");
	power_off();
}
