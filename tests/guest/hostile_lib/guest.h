/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Small runtime of the test guests (hostile_*, cpu_spin): port I/O, a COM1
 * console, a PRNG and power-off. Freestanding, 32-bit protected mode, no
 * paging, interrupts off (as the Multiboot loader leaves them).
 */
#ifndef TESTS_GUEST_GUEST_H
#define TESTS_GUEST_GUEST_H

#include <stdbool.h>
#include <stdint.h>

#define COM1		0x3f8
#define COM1_LAST	0x3ff
/* ACPI PM1a control block as QEMU's PIIX4 under SeaBIOS and vmk's platform. */
#define PM1A_CNT	0x604
#define PM1_SLP_EN_S5	(1u << 13)	/* SLP_EN, SLP_TYP 0 (ACPI 6.4 §4.8.3.2.1) */

void guest_main(uint32_t magic, const void *mbi) __attribute__((noreturn));

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outw(uint16_t port, uint16_t v)
{
	__asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint16_t inw(uint16_t port)
{
	uint16_t v;

	__asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint32_t inl(uint16_t port)
{
	uint32_t v;

	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

/* COM1 at 115200 8N1, no interrupts. */
void serial_init(void);
void putc(char c);
void puts(const char *s);
void putu(uint32_t v);
void putx(uint32_t v);

/* xorshift32 (Marsaglia 2003): deterministic garbage from a seed. */
uint32_t rand32(uint32_t *state);

/* Multiboot information (Multiboot 0.6.96 §3.3), the fields used here. */
#define MB_INFO_MEM	(1u << 0)	/* mem_lower/mem_upper valid */
#define MB_INFO_CMDLINE	(1u << 2)	/* cmdline valid */
struct mb_info {
	uint32_t flags, mem_lower, mem_upper, boot_device, cmdline;
};

/* The number after "key=" in the Multiboot command line, or dflt. */
uint32_t cmdline_number(const struct mb_info *mbi, const char *key, uint32_t dflt);

/* PM1a S5; halts forever if the platform does not power off. */
void power_off(void) __attribute__((noreturn));

#endif /* TESTS_GUEST_GUEST_H */
