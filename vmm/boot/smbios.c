// SPDX-License-Identifier: GPL-2.0-only
/*
 * SMBIOS structures for firmware boot (vmm/boot/smbios.h; DMTF DSP0134:
 * section numbers below are of version 3.6). Each structure is its
 * formatted area followed by its strings, each NUL-terminated, and one
 * more NUL (two when it has no string).
 */
#include "vmm/boot/smbios.h"
#include "vmm/bytes.h"

#define SMBIOS_MANUFACTURER	"vmk"
#define SMBIOS_PRODUCT		"vmk Virtual Platform"
#define SMBIOS_SERIAL_PREFIX	"vmk-"

/* Formatted-area lengths of the versions whose fields we fill. */
#define T1_LEN			0x1b	/* 2.4 */
#define T3_LEN			0x15	/* 2.3, no contained elements */
#define T4_LEN			0x28	/* 2.6 */
#define T16_LEN			0x0f	/* 2.1 */
#define T17_LEN			0x1b	/* 2.3 */
#define T19_LEN			0x0f	/* 2.1 */
#define T32_LEN			0x0b	/* 2.0 */
#define T127_LEN		0x04

#define HANDLE_NONE		0xfffe	/* "no error information" */
#define HANDLE_UNKNOWN		0xffff	/* no cache structure */

struct writer {
	uint8_t *buf;
	uint32_t len, cap;
	bool full;
	/* the structure being written */
	uint32_t start;
	uint8_t nr_strings;
	/* for the entry point */
	uint16_t max_size, count;
};

/* A new structure's formatted area, zeroed; NULL when there is no room. */
static uint8_t *begin(struct writer *w, uint8_t type, uint8_t len, uint16_t handle)
{
	uint8_t *p;

	if (w->full || len + 2u > w->cap - w->len) {
		w->full = true;
		return NULL;
	}
	p = w->buf + w->len;
	vmm_zero(p, len);
	p[0] = type;
	p[1] = len;
	vmm_put16(p + 2, handle);
	w->start = w->len;
	w->len += len;
	w->nr_strings = 0;
	return p;
}

/* Appends s as the structure's next string; its number (0: not added). */
static uint8_t add_string(struct writer *w, const char *s)
{
	uint32_t n = 0;

	while (s[n])
		n++;
	/* the string, its NUL and the structure's closing NUL */
	if (w->full || n == 0 || n + 2u > w->cap - w->len) {
		w->full = w->full || n != 0;
		return 0;
	}
	vmm_copy(w->buf + w->len, s, n + 1);
	w->len += n + 1;
	return ++w->nr_strings;
}

static void end(struct writer *w)
{
	uint32_t size;

	if (w->full)
		return;
	/* begin() and add_string() kept room for these. */
	if (!w->nr_strings)
		w->buf[w->len++] = 0;
	w->buf[w->len++] = 0;
	size = w->len - w->start;
	if (size > w->max_size)
		w->max_size = (uint16_t)size;
	w->count++;
}

static char hex_digit(unsigned int v)
{
	return (char)(v < 10 ? '0' + v : 'a' + v - 10);
}

/* System Information (§7.2). */
static void system_info(struct writer *w, const uint8_t *uuid)
{
	char serial[sizeof(SMBIOS_SERIAL_PREFIX) + 2 * SMBIOS_UUID_LEN];
	uint8_t *p = begin(w, 1, T1_LEN, 0x0100);
	unsigned int i, n = 0;

	if (!p)
		return;
	p[4] = add_string(w, SMBIOS_MANUFACTURER);
	p[5] = add_string(w, SMBIOS_PRODUCT);
	if (uuid) {
		for (i = 0; SMBIOS_SERIAL_PREFIX[i]; i++)
			serial[n++] = SMBIOS_SERIAL_PREFIX[i];
		for (i = 0; i < SMBIOS_UUID_LEN; i++) {
			serial[n++] = hex_digit(uuid[i] >> 4);
			serial[n++] = hex_digit(uuid[i] & 0xf);
		}
		serial[n] = '\0';
		p[7] = add_string(w, serial);
		vmm_copy(p + 8, uuid, SMBIOS_UUID_LEN);
	}
	p[0x18] = 0x06;		/* wake-up type: power switch */
	end(w);
}

/* System Enclosure or Chassis (§7.4). */
static void chassis(struct writer *w)
{
	uint8_t *p = begin(w, 3, T3_LEN, 0x0300);

	if (!p)
		return;
	p[4] = add_string(w, SMBIOS_MANUFACTURER);
	p[5] = 0x01;		/* other */
	p[9] = p[10] = p[11] = 0x03;	/* boot-up, power supply, thermal: safe */
	p[12] = 0x02;		/* security status: unknown */
	end(w);
}

/* "CPU n": the socket designation of vCPU n (n < 1000). */
static void socket_name(char *s, uint32_t n)
{
	unsigned int i = 4;

	vmm_copy(s, "CPU ", 4);
	if (n >= 100)
		s[i++] = (char)('0' + n / 100);
	if (n >= 10)
		s[i++] = (char)('0' + n / 10 % 10);
	s[i++] = (char)('0' + n % 10);
	s[i] = '\0';
}

/* Processor Information (§7.5), one per vCPU: one core, one thread. */
static void processor(struct writer *w, uint32_t index)
{
	char socket[sizeof("CPU 255")];
	uint8_t *p = begin(w, 4, T4_LEN, (uint16_t)(0x0400 + index));

	if (!p)
		return;
	socket_name(socket, index);
	p[4] = add_string(w, socket);
	p[5] = 0x03;		/* central processor */
	p[6] = 0x01;		/* family: other */
	p[7] = add_string(w, SMBIOS_MANUFACTURER);
	p[0x18] = 0x41;		/* socket populated, CPU enabled */
	p[0x19] = 0x01;		/* upgrade: other */
	vmm_put16(p + 0x1a, HANDLE_UNKNOWN);
	vmm_put16(p + 0x1c, HANDLE_UNKNOWN);
	vmm_put16(p + 0x1e, HANDLE_UNKNOWN);
	p[0x23] = p[0x24] = p[0x25] = 1;	/* cores, enabled, threads */
	vmm_put16(p + 0x26, 0x0002);	/* characteristics: unknown */
	end(w);
}

/* Physical Memory Array (§7.17) and its one Memory Device (§7.18). */
static void memory(struct writer *w, uint64_t ram_size)
{
	uint64_t kib = ram_size >> 10, mib = ram_size >> 20;
	uint8_t *p = begin(w, 16, T16_LEN, 0x1000);

	if (!p)
		return;
	p[4] = 0x01;		/* location: other */
	p[5] = 0x03;		/* use: system memory */
	p[6] = 0x03;		/* error correction: none */
	vmm_put32(p + 7, kib < 0x80000000u ? (uint32_t)kib : 0x80000000u);
	vmm_put16(p + 11, HANDLE_NONE);
	vmm_put16(p + 13, 1);	/* devices */
	end(w);

	p = begin(w, 17, T17_LEN, 0x1100);
	if (!p)
		return;
	vmm_put16(p + 4, 0x1000);	/* its array */
	vmm_put16(p + 6, HANDLE_NONE);
	vmm_put16(p + 8, 0xffff);	/* total and data width unknown */
	vmm_put16(p + 10, 0xffff);
	vmm_put16(p + 12, mib < 0x7fff ? (uint16_t)mib : 0x7fff);	/* MiB */
	p[14] = 0x09;		/* form factor: DIMM */
	p[16] = add_string(w, "DIMM 0");
	p[18] = 0x07;		/* type: RAM */
	vmm_put16(p + 19, 0x0002);	/* type detail: other */
	p[23] = add_string(w, SMBIOS_MANUFACTURER);
	end(w);
}

/* Memory Array Mapped Address (§7.20), one per RAM range, in KiB. */
static void mapped_ranges(struct writer *w, const struct e820_entry *map,
			  unsigned int n)
{
	uint16_t index = 0;

	for (unsigned int i = 0; i < n; i++) {
		uint64_t start = map[i].addr >> 10, last;
		uint8_t *p;

		if (map[i].type != E820_RAM || map[i].size < 1024)
			continue;
		last = (map[i].addr + map[i].size - 1) >> 10;
		if (last > 0xfffffffeu)
			continue;	/* needs the 2.7 extended fields: not here */
		p = begin(w, 19, T19_LEN, (uint16_t)(0x1300 + index++));
		if (!p)
			return;
		vmm_put32(p + 4, (uint32_t)start);
		vmm_put32(p + 8, (uint32_t)last);
		vmm_put16(p + 12, 0x1000);
		p[14] = 1;	/* partition width */
		end(w);
	}
}

static void boot_info(struct writer *w)
{
	if (begin(w, 32, T32_LEN, 0x2000))	/* §7.33: all zeros, no errors */
		end(w);
}

static void end_of_table(struct writer *w)
{
	if (begin(w, 127, T127_LEN, 0x7f00))
		end(w);
}

/* The 2.1 (32-bit) entry point, SMBIOS 2.8 (§5.2.1). */
static void entry_point(uint8_t *a, const struct writer *w)
{
	vmm_zero(a, SMBIOS_ANCHOR_LEN);
	vmm_put_chars(a, "_SM_", 4);
	a[5] = SMBIOS_ANCHOR_LEN;
	a[6] = 2;
	a[7] = 8;
	vmm_put16(a + 8, w->max_size);
	vmm_put_chars(a + 0x10, "_DMI_", 5);
	vmm_put16(a + 0x16, (uint16_t)w->len);
	/* table address 0x18: the firmware's */
	vmm_put16(a + 0x1c, w->count);
	a[0x1e] = 0x28;		/* BCD revision 2.8 */
	a[0x15] = vmm_checksum8(a + 0x10, 0x0f);
	a[4] = vmm_checksum8(a, SMBIOS_ANCHOR_LEN);
}

uint32_t smbios_build(const struct smbios_vm *vm, uint8_t anchor[SMBIOS_ANCHOR_LEN],
		      uint8_t *tables, uint32_t cap)
{
	struct writer w = { .buf = tables, .cap = cap };

	if (!vm->nr_vcpus || vm->nr_vcpus > 255 || !vm->ram_size || cap > 0xffff)
		return 0;
	system_info(&w, vm->uuid);
	chassis(&w);
	for (uint32_t i = 0; i < vm->nr_vcpus; i++)
		processor(&w, i);
	memory(&w, vm->ram_size);
	mapped_ranges(&w, vm->map, vm->map_len);
	boot_info(&w);
	end_of_table(&w);
	if (w.full)
		return 0;
	entry_point(anchor, &w);
	return w.len;
}
