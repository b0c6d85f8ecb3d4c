// SPDX-License-Identifier: GPL-2.0-only
/*
 * The SMBIOS tables of vmm/boot/smbios.c, read the way SeaBIOS and an OS
 * read them: the entry point's signatures, checksums, length and counts
 * agree with the structures; each structure's strings end in a double
 * NUL; the System structure carries the VM's UUID and a serial from it;
 * one Processor per vCPU; the memory structures describe the RAM of the
 * firmware's memory map; nothing is written past the room given.
 */
#include <stdio.h>

#include "tests/unit/check_run.h"
#include "vmm/boot/smbios.h"
#include "vmm/bytes.h"

static const uint8_t vmx_uuid[SMBIOS_UUID_LEN] = {
	0x56, 0x4d, 0x9b, 0x3a, 0x5c, 0x6f, 0x27, 0x0d,
	0xb4, 0x2e, 0x7a, 0x0e, 0x9b, 0x3c, 0x4d, 0x5e,
};

struct parsed {
	uint32_t count, max_size;
	const uint8_t *type[128][12];	/* the first structures of each type */
	uint32_t nr[128];
};

/* Walks the structures as Linux's dmi_decode_table() does, checking each. */
static void parse(const uint8_t *t, uint32_t len, struct parsed *p)
{
	uint32_t off = 0;

	memset(p, 0, sizeof(*p));
	while (off < len) {
		const uint8_t *s = t + off;
		uint32_t end;

		ck_assert_uint_ge(len - off, 4);
		ck_assert_uint_ge(s[1], 4);
		ck_assert_uint_le(off + s[1] + 2, len);
		/* strings: up to the double NUL */
		end = off + s[1];
		while (t[end] || t[end + 1]) {
			end++;
			ck_assert_uint_lt(end + 1, len);
		}
		end += 2;
		if (end - off > p->max_size)
			p->max_size = end - off;
		p->count++;
		ck_assert_uint_lt(s[0], 128);
		if (p->nr[s[0]] < 12)
			p->type[s[0]][p->nr[s[0]]] = s;
		p->nr[s[0]]++;
		off = end;
		if (s[0] == 127)
			break;
	}
	ck_assert_uint_eq(off, len);	/* End of Table is last */
	ck_assert_uint_eq(p->nr[127], 1);
}

/* String n of structure s (1-based), NULL for 0. */
static const char *string(const uint8_t *s, uint8_t n)
{
	const char *c = (const char *)s + s[1];

	if (!n)
		return NULL;
	while (--n)
		c += strlen(c) + 1;
	return c;
}

static uint32_t build(const struct smbios_vm *vm, uint8_t *anchor, uint8_t *t)
{
	return smbios_build(vm, anchor, t, SMBIOS_TABLES_MAX);
}

START_TEST(test_the_entry_point_agrees_with_the_structures)
{
	struct e820_entry map[] = { { 0, 256u << 20, 1 } };
	struct smbios_vm vm = {
		.uuid = vmx_uuid, .nr_vcpus = 2, .ram_size = 256u << 20,
		.map = map, .map_len = 1,
	};
	uint8_t a[SMBIOS_ANCHOR_LEN], t[SMBIOS_TABLES_MAX];
	struct parsed p;
	uint32_t len = build(&vm, a, t);

	ck_assert_uint_gt(len, 0);
	parse(t, len, &p);
	ck_assert_mem_eq(a, "_SM_", 4);
	ck_assert_uint_eq(a[5], 31);
	ck_assert_uint_eq(a[6], 2);
	ck_assert_uint_eq(a[7], 8);
	ck_assert_uint_eq(vmm_get16(a + 8), p.max_size);
	ck_assert_mem_eq(a + 16, "_DMI_", 5);
	ck_assert_uint_eq(vmm_get16(a + 22), len);
	ck_assert_uint_eq(vmm_get16(a + 28), p.count);
	ck_assert_uint_eq(a[30], 0x28);
	ck_assert_uint_eq(vmm_checksum8(a, 31), 0);		/* sums to 0 */
	ck_assert_uint_eq(vmm_checksum8(a + 16, 15), 0);
	/* no BIOS Information: the firmware adds its own */
	ck_assert_uint_eq(p.nr[0], 0);
	ck_assert_uint_eq(p.nr[1], 1);
	ck_assert_uint_eq(p.nr[3], 1);
	ck_assert_uint_eq(p.nr[16], 1);
	ck_assert_uint_eq(p.nr[17], 1);
	ck_assert_uint_eq(p.nr[32], 1);
}
END_TEST

START_TEST(test_the_system_structure_carries_the_vmx_uuid_and_a_serial)
{
	struct e820_entry map[] = { { 0, 64u << 20, 1 } };
	struct smbios_vm vm = {
		.uuid = vmx_uuid, .nr_vcpus = 1, .ram_size = 64u << 20,
		.map = map, .map_len = 1,
	};
	uint8_t a[SMBIOS_ANCHOR_LEN], t[SMBIOS_TABLES_MAX];
	struct parsed p;
	const uint8_t *s;

	parse(t, build(&vm, a, t), &p);
	s = p.type[1][0];
	ck_assert_uint_ge(s[1], 0x19);
	ck_assert_uint_eq(vmm_get16(s + 2), 0x0100);
	ck_assert_str_eq(string(s, s[4]), "vmk");
	ck_assert_str_eq(string(s, s[5]), "vmk Virtual Platform");
	ck_assert_str_eq(string(s, s[7]), "vmk-564d9b3a5c6f270db42e7a0e9b3c4d5e");
	ck_assert_mem_eq(s + 8, vmx_uuid, SMBIOS_UUID_LEN);	/* .vmx order */
	ck_assert_uint_eq(s[0x18], 6);

	/* without uuid.bios: a zero UUID (SeaBIOS prints none) and no serial */
	vm.uuid = NULL;
	parse(t, build(&vm, a, t), &p);
	s = p.type[1][0];
	ck_assert_uint_eq(s[7], 0);
	for (unsigned int i = 0; i < SMBIOS_UUID_LEN; i++)
		ck_assert_uint_eq(s[8 + i], 0);
}
END_TEST

/* _i vCPUs, 1..8. */
START_TEST(test_one_processor_per_vcpu)
{
	struct e820_entry map[] = { { 0, 32u << 20, 1 } };
	struct smbios_vm vm = {
		.uuid = vmx_uuid, .nr_vcpus = (uint32_t)_i, .ram_size = 32u << 20,
		.map = map, .map_len = 1,
	};
	uint8_t a[SMBIOS_ANCHOR_LEN], t[SMBIOS_TABLES_MAX];
	struct parsed p;
	char name[16];

	parse(t, build(&vm, a, t), &p);
	ck_assert_uint_eq(p.nr[4], (uint32_t)_i);
	for (int i = 0; i < _i; i++) {
		const uint8_t *s = p.type[4][i];

		snprintf(name, sizeof(name), "CPU %d", i);
		ck_assert_uint_eq(s[1], 0x28);
		ck_assert_uint_eq(vmm_get16(s + 2), 0x0400 + i);
		ck_assert_str_eq(string(s, s[4]), name);
		ck_assert_uint_eq(s[5], 3);		/* central */
		ck_assert_uint_eq(s[0x18], 0x41);	/* populated, enabled */
		ck_assert_uint_eq(s[0x23], 1);
	}
}
END_TEST

START_TEST(test_memory_structures_describe_the_ram_of_the_map)
{
	/* 3.5 GiB: below the PCI hole and above 4 GiB, as firmware_e820() splits it */
	struct e820_entry map[] = {
		{ 0, 0xe0000000ull, 1 }, { 0x100000000ull, 0x60000000ull, 1 },
	};
	struct smbios_vm vm = {
		.uuid = NULL, .nr_vcpus = 1, .ram_size = 0x140000000ull,
		.map = map, .map_len = 2,
	};
	uint8_t a[SMBIOS_ANCHOR_LEN], t[SMBIOS_TABLES_MAX];
	struct parsed p;
	const uint8_t *s;

	parse(t, build(&vm, a, t), &p);
	s = p.type[16][0];
	ck_assert_uint_eq(vmm_get32(s + 7), 0x140000000ull >> 10);
	ck_assert_uint_eq(vmm_get16(s + 13), 1);
	s = p.type[17][0];
	ck_assert_uint_eq(vmm_get16(s + 4), vmm_get16(p.type[16][0] + 2));
	ck_assert_uint_eq(vmm_get16(s + 12), 0x140000000ull >> 20);	/* MiB */
	ck_assert_uint_eq(p.nr[19], 2);
	s = p.type[19][0];
	ck_assert_uint_eq(vmm_get32(s + 4), 0);
	ck_assert_uint_eq(vmm_get32(s + 8), (0xe0000000u >> 10) - 1);
	s = p.type[19][1];
	ck_assert_uint_eq(vmm_get32(s + 4), 0x100000000ull >> 10);
	ck_assert_uint_eq(vmm_get32(s + 8), (0x160000000ull >> 10) - 1);
}
END_TEST

START_TEST(test_too_little_room_writes_nothing_past_it)
{
	struct e820_entry map[] = { { 0, 64u << 20, 1 } };
	struct smbios_vm vm = {
		.uuid = vmx_uuid, .nr_vcpus = 8, .ram_size = 64u << 20,
		.map = map, .map_len = 1,
	};
	uint8_t a[SMBIOS_ANCHOR_LEN], t[SMBIOS_TABLES_MAX + 64];
	uint32_t need = build(&vm, a, t);

	ck_assert_uint_gt(need, 0);
	for (uint32_t cap = 0; cap < need; cap++) {
		memset(t, 0xa5, sizeof(t));
		ck_assert_uint_eq(smbios_build(&vm, a, t, cap), 0);
		for (uint32_t i = cap; i < sizeof(t); i++)
			ck_assert_uint_eq(t[i], 0xa5);
	}
	memset(t, 0xa5, sizeof(t));
	ck_assert_uint_eq(smbios_build(&vm, a, t, need), need);
	ck_assert_uint_eq(t[need], 0xa5);
	/* what it cannot describe */
	vm.nr_vcpus = 0;
	ck_assert_uint_eq(build(&vm, a, t), 0);
	vm.nr_vcpus = 256;
	ck_assert_uint_eq(build(&vm, a, t), 0);
	vm.nr_vcpus = 1;
	vm.ram_size = 0;
	ck_assert_uint_eq(build(&vm, a, t), 0);
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("boot_smbios");

	tcase_add_test(tc, test_the_entry_point_agrees_with_the_structures);
	tcase_add_test(tc, test_the_system_structure_carries_the_vmx_uuid_and_a_serial);
	tcase_add_loop_test(tc, test_one_processor_per_vcpu, 1, 9);
	tcase_add_test(tc, test_memory_structures_describe_the_ram_of_the_map);
	tcase_add_test(tc, test_too_little_room_writes_nothing_past_it);
	return check_run("boot_smbios", tc);
}
