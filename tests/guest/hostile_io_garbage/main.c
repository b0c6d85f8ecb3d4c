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

static const uint16_t power_ports[] = {
	0x64,		/* 8042 command: 0xFE pulses reset */
	0x92,		/* port A: fast reset */
	0xcf9,		/* PIIX reset control */
	PM1A_CNT, PM1A_CNT + 1,
};

static bool is_power_port(uint32_t port)
{
	for (unsigned int i = 0; i < sizeof(power_ports) / sizeof(power_ports[0]); i++)
		if (port == power_ports[i])
			return true;
	return false;
}

static volatile uint32_t sink;

static void garbage_port(uint16_t port, uint32_t *seed)
{
	outb(port, (uint8_t)rand32(seed));
	sink += inb(port);
	outw(port, (uint16_t)rand32(seed));
	sink += inw(port);
	outl(port, rand32(seed));
	sink += inl(port);
}

void guest_main(uint32_t magic, const void *mbi)
{
	uint32_t seed = 0x1badc0de;

	(void)magic;
	(void)mbi;
	serial_init();
	puts("hostile_io_garbage: random values to every I/O port\n");
	for (uint32_t port = 0; port < PORTS; port++) {
		if ((port >= COM1 && port <= COM1_LAST) || is_power_port(port))
			continue;
		garbage_port((uint16_t)port, &seed);
		if (port % PROGRESS_EVERY == PROGRESS_EVERY - 1) {
			serial_init();	/* the garbage may have reached the UART */
			puts("hostile_io_garbage: ports up to ");
			putx(port);
			puts(" done\n");
		}
	}
	for (uint32_t port = COM1; port <= COM1_LAST; port++)
		garbage_port((uint16_t)port, &seed);
	serial_init();
	puts("hostile_io_garbage: every port but the reset and power ports done\n");
	for (unsigned int i = 0; i < sizeof(power_ports) / sizeof(power_ports[0]); i++)
		garbage_port(power_ports[i], &seed);
	serial_init();
	puts("hostile_io_garbage: done, powering off\n");
	power_off();
}
