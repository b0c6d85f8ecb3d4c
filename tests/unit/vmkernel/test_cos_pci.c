// SPDX-License-Identifier: GPL-2.0-only
/* The COS's PCI configuration cycles (vmkernel/cos/cos_pci.h). */
#include "tests/unit/check_run.h"
#include "vmkernel/cos/cos_pci.h"

#define EN		COS_PCI_ENABLE
#define HBA		0x0028u		/* 00:05.0, taken */
#define NIC		0x0018u		/* 00:03.0, the COS's */
#define ADDR(bdf, reg)	(EN | (bdf) << 8 | (reg))

/*
 * The machine: one address register, each data access recorded with the
 * address it was made under, every plain I/O access recorded too.
 */
static struct {
	uint32_t address;		/* the machine's register */
	uint32_t address_mask;		/* bits it keeps */
	uint32_t ndata, nport;
	uint32_t data_addr[8];
	uint16_t data_port[8], port_port[8];
	uint32_t data_size[8], port_size[8];
	bool data_in[8], port_in[8];
	uint32_t data_val[8], port_val[8];
	uint32_t reads;			/* what an IN returns */
} hw;

static uint32_t fake_address(uint32_t addr)
{
	hw.address = addr & hw.address_mask;
	return hw.address;
}

static void fake_data(uint32_t addr, uint16_t port, uint32_t size, bool in, uint32_t *val)
{
	uint32_t i = hw.ndata++;

	ck_assert_uint_lt(i, 8);
	hw.address = addr;
	hw.data_addr[i] = addr;
	hw.data_port[i] = port;
	hw.data_size[i] = size;
	hw.data_in[i] = in;
	if (in)
		*val = hw.reads;
	hw.data_val[i] = *val;
}

static void fake_port(uint16_t port, uint32_t size, bool in, uint32_t *val)
{
	uint32_t i = hw.nport++;

	ck_assert_uint_lt(i, 8);
	hw.port_port[i] = port;
	hw.port_size[i] = size;
	hw.port_in[i] = in;
	if (in)
		*val = hw.reads;
	hw.port_val[i] = *val;
}

static const struct cos_pci_hw_ops ops = { fake_address, fake_data, fake_port };
static struct cos_pci pol;

static void setup(void)
{
	memset(&hw, 0, sizeof(hw));
	hw.address_mask = 0xfffffffcu;	/* bits 1:0 read 0, §3.2.2.3.2 */
	hw.reads = 0x12345678u;
	memset(&pol, 0, sizeof(pol));
	ck_assert(cos_pci_add_hidden(&pol, HBA));
}

static uint32_t io(uint32_t *shadow, uint16_t port, uint32_t size, bool in,
		   uint32_t *val)
{
	uint32_t bdf = 0xdead;

	return cos_pci_io(&pol, &ops, shadow, port, size, in, val, &bdf);
}

START_TEST(test_a_dword_address_write_sets_the_vcpus_copy_as_the_register_keeps_it)
{
	uint32_t shadow = 0, v = ADDR(NIC, 0x10) | 3;

	ck_assert_uint_eq(io(&shadow, 0xcf8, 4, false, &v), 0);
	ck_assert_uint_eq(shadow, ADDR(NIC, 0x10));
	v = 0;
	io(&shadow, 0xcf8, 4, true, &v);
	ck_assert_uint_eq(v, ADDR(NIC, 0x10));
	ck_assert_uint_eq(hw.ndata + hw.nport, 0);
}

START_TEST(test_data_to_a_visible_function_goes_out_under_the_vcpus_address)
{
	uint32_t shadow = ADDR(NIC, 0x04), v = 0x0107;

	ck_assert_uint_eq(io(&shadow, 0xcfc, 2, false, &v), 0);
	ck_assert_uint_eq(hw.ndata, 1);
	ck_assert_uint_eq(hw.data_addr[0], ADDR(NIC, 0x04));
	ck_assert_uint_eq(hw.data_port[0], 0xcfc);
	ck_assert_uint_eq(hw.data_size[0], 2);
	ck_assert_uint_eq(hw.data_val[0], 0x0107);
	v = 0;
	io(&shadow, 0xcfe, 1, true, &v);
	ck_assert_uint_eq(hw.data_port[1], 0xcfe);
	ck_assert_uint_eq(v, 0x12345678u);	/* the caller keeps the low byte */
}

START_TEST(test_data_to_a_hidden_function_reads_ones_and_writes_nothing)
{
	uint32_t shadow = ADDR(HBA, 0x04), v = 0, bdf = 0;

	ck_assert_uint_eq(cos_pci_io(&pol, &ops, &shadow, 0xcfc, 4, true, &v, &bdf), 1);
	ck_assert_uint_eq(v, 0xffffffffu);
	ck_assert_uint_eq(bdf, HBA);
	v = 0;
	shadow = ADDR(HBA, 0x10);
	ck_assert_uint_eq(io(&shadow, 0xcfc, 4, false, &v), 1);	/* BAR 0 */
	v = 0x0000;
	shadow = ADDR(HBA, 0x04);
	ck_assert_uint_eq(io(&shadow, 0xcfd, 1, false, &v), 1);	/* command */
	ck_assert_uint_eq(hw.ndata + hw.nport, 0);
}

/*
 * The race of issue 9: another COS CPU points the machine's register at
 * the hidden function after this vCPU's check. It has its own copy now,
 * and the data access goes out under the address this vCPU checked.
 */
START_TEST(test_another_cpus_address_write_does_not_redirect_this_cpus_data)
{
	uint32_t mine = 0, theirs = 0, v;

	v = ADDR(NIC, 0x04);
	io(&mine, 0xcf8, 4, false, &v);
	v = ADDR(HBA, 0x04);
	io(&theirs, 0xcf8, 4, false, &v);
	ck_assert_uint_eq(hw.address, ADDR(HBA, 0x04));
	v = 0x0006;
	ck_assert_uint_eq(io(&mine, 0xcfc, 2, false, &v), 0);
	ck_assert_uint_eq(hw.data_addr[0], ADDR(NIC, 0x04));
	ck_assert_uint_eq(io(&theirs, 0xcfc, 2, false, &v), 1);
	ck_assert_uint_eq(hw.ndata, 1);
}

START_TEST(test_the_hidden_check_ignores_the_register_bits)
{
	/* AMD's extended register number (bits 27:24) and the offset do not
	 * name another function; bits 23:8 do. */
	uint32_t shadow = ADDR(HBA, 0xfc) | 0x0f000000u, v = 0;

	ck_assert_uint_eq(io(&shadow, 0xcfc, 4, true, &v), 1);
	shadow = ADDR(HBA | 0x100, 0x00);	/* bus 1: another function */
	ck_assert_uint_eq(io(&shadow, 0xcfc, 4, true, &v), 0);
	shadow = ADDR(HBA | 1, 0x00);		/* function 1 */
	ck_assert_uint_eq(io(&shadow, 0xcfc, 4, true, &v), 0);
}

START_TEST(test_data_with_the_enable_bit_clear_is_plain_io_under_that_address)
{
	/* §3.2.2.3.2: no configuration cycle, so nothing to refuse; the
	 * machine's register still gets the vCPU's value first. */
	uint32_t shadow = ADDR(HBA, 0x04) & ~EN, v = 0;

	ck_assert_uint_eq(io(&shadow, 0xcfc, 4, true, &v), 0);
	ck_assert_uint_eq(hw.ndata, 1);
	ck_assert_uint_eq(hw.data_addr[0], shadow);
}

START_TEST(test_byte_and_word_accesses_at_0xcf8_are_plain_io)
{
	uint32_t shadow = ADDR(NIC, 0), v = 0x01;

	io(&shadow, 0xcf8, 1, false, &v);	/* mechanism 2's enable register */
	io(&shadow, 0xcf8, 2, true, &v);
	ck_assert_uint_eq(shadow, ADDR(NIC, 0));
	ck_assert_uint_eq(hw.nport, 2);
	ck_assert_uint_eq(hw.port_port[0], 0xcf8);
	ck_assert_uint_eq(hw.port_size[0], 1);
	ck_assert(!hw.port_in[0]);
	ck_assert_uint_eq(hw.port_size[1], 2);
	ck_assert(hw.port_in[1]);
	ck_assert_uint_eq(hw.ndata, 0);
}

START_TEST(test_an_access_across_0xcfc_is_split_into_checked_bytes)
{
	/* A dword at 0xCFA: 0xCFA-0xCFB plain, 0xCFC-0xCFD configuration
	 * data, each byte checked like a byte access of its own. */
	uint32_t shadow = ADDR(HBA, 0x04), v = 0xaabbccddu;

	ck_assert_uint_eq(io(&shadow, 0xcfa, 4, false, &v), 2);
	ck_assert_uint_eq(hw.ndata, 0);
	ck_assert_uint_eq(hw.nport, 2);
	ck_assert_uint_eq(hw.port_port[0], 0xcfa);
	ck_assert_uint_eq(hw.port_val[0], 0xdd);
	ck_assert_uint_eq(hw.port_port[1], 0xcfb);
	ck_assert_uint_eq(hw.port_val[1], 0xcc);

	setup();
	shadow = ADDR(NIC, 0x04);
	hw.reads = 0x99;
	ck_assert_uint_eq(io(&shadow, 0xcfa, 4, false, &v), 0);
	ck_assert_uint_eq(hw.ndata, 2);
	ck_assert_uint_eq(hw.data_port[0], 0xcfc);
	ck_assert_uint_eq(hw.data_val[0], 0xbb);
	ck_assert_uint_eq(hw.data_port[1], 0xcfd);
	ck_assert_uint_eq(hw.data_val[1], 0xaa);
	ck_assert_uint_eq(hw.data_size[1], 1);
	v = 0;
	io(&shadow, 0xcfa, 4, true, &v);
	ck_assert_uint_eq(v, 0x99999999u);
}

START_TEST(test_an_access_across_0xcff_reads_ones_only_where_hidden)
{
	/* A word at 0xCFF: 0xCFF is data (refused), 0xD00 plain. */
	uint32_t shadow = ADDR(HBA, 0x04), v = 0;

	hw.reads = 0x42;
	ck_assert_uint_eq(io(&shadow, 0xcff, 2, true, &v), 1);
	ck_assert_uint_eq(v, 0x42ff);
	ck_assert_uint_eq(hw.nport, 1);
	ck_assert_uint_eq(hw.port_port[0], 0xd00);
}

/* MSR C001_0058: enable bit 0, BusRange 5:2, base 47:20 (BKDG fam 10h). */
START_TEST(test_the_ecam_page_of_a_function_is_where_the_window_msr_says)
{
	uint64_t pa = 0;

	/* 0xE0000000, 256 buses (BusRange 8), enabled: 00:04.0 and 02:1f.7 */
	ck_assert(cos_pci_ecam_page(0xe0000000ull | 8 << 2 | 1, 0x0020, &pa));
	ck_assert_uint_eq(pa, 0xe0020000ull);
	ck_assert(cos_pci_ecam_page(0xe0000000ull | 8 << 2 | 1, 0x02ff, &pa));
	ck_assert_uint_eq(pa, 0xe02ff000ull);
	/* bits 19:6 and 1 are not part of the base */
	ck_assert(cos_pci_ecam_page(0xe00fffc3ull | 8 << 2, 0x0020, &pa));
	ck_assert_uint_eq(pa, 0xe0020000ull);
	/* a base above 4 GiB is kept whole (the caller sees it is out of reach) */
	ck_assert(cos_pci_ecam_page(0x3f00000000ull | 8 << 2 | 1, 0x0008, &pa));
	ck_assert_uint_eq(pa, 0x3f00008000ull);
}
END_TEST

START_TEST(test_no_ecam_page_when_the_window_is_off_short_or_reserved)
{
	uint64_t pa = 0x1234;

	ck_assert(!cos_pci_ecam_page(0xe0000000ull | 8 << 2, 0x0020, &pa));	/* off */
	ck_assert(!cos_pci_ecam_page(0, 0x0020, &pa));			/* QEMU TCG: reads 0 */
	/* 4 buses (BusRange 2): bus 3 has a page, bus 4 does not */
	ck_assert(cos_pci_ecam_page(0xf8000000ull | 2 << 2 | 1, 0x0300, &pa));
	ck_assert(!cos_pci_ecam_page(0xf8000000ull | 2 << 2 | 1, 0x0400, &pa));
	/* BusRange 9-15 is reserved: no window size to trust */
	ck_assert(!cos_pci_ecam_page(0xe0000000ull | 9 << 2 | 1, 0x0000, &pa));
	ck_assert_uint_eq(pa, 0xf8300000ull);
}
END_TEST

START_TEST(test_the_hidden_table_is_bounded)
{
	ck_assert(cos_pci_add_hidden(&pol, NIC));
	ck_assert(!cos_pci_add_hidden(&pol, 0x0030));
	ck_assert_uint_eq(pol.nhidden, COS_PCI_HIDDEN_MAX);
}

/* ---- the bridges above a hidden function ---- */

#define BRIDGE		0x0010u		/* 00:02.0, leads to bus 1 */

static void guard_bridge(void)
{
	ck_assert(cos_pci_add_guarded(&pol, BRIDGE));
}

START_TEST(test_a_guarded_bridges_registers_read_as_they_are)
{
	uint32_t shadow = ADDR(BRIDGE, 0x18), v = 0;

	guard_bridge();
	ck_assert_uint_eq(io(&shadow, 0xcfc, 4, true, &v), 0);
	ck_assert_uint_eq(v, 0x12345678u);
	ck_assert_uint_eq(hw.ndata, 1);
}
END_TEST

/* What could move, close, reset or power down the path to the HBA. */
START_TEST(test_writes_that_could_cut_the_path_to_a_hidden_function_are_dropped)
{
	static const struct { uint32_t reg; uint16_t port; uint32_t size; } w[] = {
		{ 0x04, 0xcfc, 2 },	/* command: decode, bus master off */
		{ 0x18, 0xcfd, 1 },	/* secondary bus number */
		{ 0x18, 0xcfe, 1 },	/* subordinate bus number */
		{ 0x1c, 0xcfc, 2 },	/* I/O base and limit */
		{ 0x20, 0xcfc, 4 },	/* memory base and limit */
		{ 0x24, 0xcfc, 4 },	/* prefetchable window */
		{ 0x3c, 0xcfe, 2 },	/* bridge control: secondary bus reset */
		{ 0x3c, 0xcfc, 4 },	/* interrupt line, with bridge control */
		{ 0x44, 0xcfc, 2 },	/* a capability: PM control, link control */
		{ 0x10, 0xcfc, 4 },	/* the bridge's own BAR */
	};
	uint32_t i, bdf, v;

	guard_bridge();
	for (i = 0; i < sizeof(w) / sizeof(w[0]); i++) {
		uint32_t shadow = ADDR(BRIDGE, w[i].reg);

		v = 0;
		bdf = 0;
		ck_assert_uint_eq(cos_pci_io(&pol, &ops, &shadow, w[i].port, w[i].size,
					     false, &v, &bdf), 1);
		ck_assert_uint_eq(bdf, BRIDGE);
		ck_assert(!cos_pci_is_hidden(&pol, bdf));
	}
	ck_assert_uint_eq(hw.ndata + hw.nport, 0);
}
END_TEST

START_TEST(test_status_and_interrupt_line_writes_reach_a_guarded_bridge)
{
	uint32_t shadow = ADDR(BRIDGE, 0x04), v = 0xffff;

	guard_bridge();
	ck_assert_uint_eq(io(&shadow, 0xcfe, 2, false, &v), 0);	/* status */
	shadow = ADDR(BRIDGE, 0x1c);
	ck_assert_uint_eq(io(&shadow, 0xcfe, 2, false, &v), 0);	/* secondary status */
	shadow = ADDR(BRIDGE, 0x3c);
	v = 11;
	ck_assert_uint_eq(io(&shadow, 0xcfc, 1, false, &v), 0);	/* interrupt line */
	ck_assert_uint_eq(hw.ndata, 3);
	ck_assert_uint_eq(hw.data_port[1], 0xcfe);
	ck_assert_uint_eq(hw.data_addr[2], ADDR(BRIDGE, 0x3c));
}
END_TEST

START_TEST(test_writes_to_a_bridge_nobody_guards_go_out)
{
	uint32_t shadow = ADDR(BRIDGE, 0x3c), v = 0x00400000u;

	ck_assert_uint_eq(io(&shadow, 0xcfc, 4, false, &v), 0);
	ck_assert_uint_eq(hw.ndata, 1);
}
END_TEST

START_TEST(test_the_guarded_table_keeps_a_bridge_once_and_is_bounded)
{
	uint32_t i;

	ck_assert(cos_pci_add_guarded(&pol, BRIDGE));
	ck_assert(cos_pci_add_guarded(&pol, BRIDGE | 0x10000));	/* same bdf */
	ck_assert_uint_eq(pol.nguarded, 1);
	for (i = 1; i < COS_PCI_GUARDED_MAX; i++)
		ck_assert(cos_pci_add_guarded(&pol, 0x100 + i));
	ck_assert(!cos_pci_add_guarded(&pol, 0x200));
	ck_assert_uint_eq(pol.nguarded, COS_PCI_GUARDED_MAX);
}
END_TEST

/*
 * A machine for the bridge search: bus 0 has a host bridge at 00:00.0, a
 * root port at 00:02.0 to buses 1-3 and a multi-function device at
 * 00:04.x whose function 2 is a bridge to bus 8; bus 1 has a switch
 * port at 01:00.0 to buses 2-3; the taken function lives on bus 3.
 */
static uint32_t topo_reads;

static uint32_t topo_read32(uint32_t bdf, uint32_t reg)
{
	topo_reads++;
	switch (bdf) {
	case 0x0000:
		return reg == 0 ? 0x12378086u : 0;	/* type 0 */
	case 0x0010:
		return reg == 0 ? 0x00011b36u : reg == 0x0c ? 0x00010000u : 0x00030100u;
	case 0x0020:
		return reg == 0 ? 0x10008086u : reg == 0x0c ? 0x00800000u : 0;
	case 0x0022:
		return reg == 0 ? 0x10018086u : reg == 0x0c ? 0x00010000u : 0x00080800u;
	case 0x0100:
		return reg == 0 ? 0x00011b36u : reg == 0x0c ? 0x00010000u : 0x00030201u;
	default:
		return 0xffffffffu;
	}
}

START_TEST(test_the_bridges_whose_bus_range_holds_the_bus_are_found)
{
	uint32_t out[4] = { 0 };

	ck_assert_uint_eq(cos_pci_bridges_above(topo_read32, 3, out, 4), 2);
	ck_assert_uint_eq(out[0], 0x0010);
	ck_assert_uint_eq(out[1], 0x0100);
	ck_assert_uint_eq(cos_pci_bridges_above(topo_read32, 8, out, 4), 1);
	ck_assert_uint_eq(out[0], 0x0022);	/* function 2 of a multi-function device */
}
END_TEST

START_TEST(test_bus_0_has_no_bridge_above_and_costs_no_cycle)
{
	uint32_t out[1];

	topo_reads = 0;
	ck_assert_uint_eq(cos_pci_bridges_above(topo_read32, 0, out, 1), 0);
	ck_assert_uint_eq(topo_reads, 0);
}
END_TEST

START_TEST(test_more_bridges_than_room_are_counted)
{
	uint32_t out[1] = { 0 };

	ck_assert_uint_eq(cos_pci_bridges_above(topo_read32, 3, out, 1), 2);
	ck_assert_uint_eq(out[0], 0x0010);
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("cos_pci");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_a_dword_address_write_sets_the_vcpus_copy_as_the_register_keeps_it);
	tcase_add_test(tc, test_data_to_a_visible_function_goes_out_under_the_vcpus_address);
	tcase_add_test(tc, test_data_to_a_hidden_function_reads_ones_and_writes_nothing);
	tcase_add_test(tc, test_another_cpus_address_write_does_not_redirect_this_cpus_data);
	tcase_add_test(tc, test_the_hidden_check_ignores_the_register_bits);
	tcase_add_test(tc, test_data_with_the_enable_bit_clear_is_plain_io_under_that_address);
	tcase_add_test(tc, test_byte_and_word_accesses_at_0xcf8_are_plain_io);
	tcase_add_test(tc, test_an_access_across_0xcfc_is_split_into_checked_bytes);
	tcase_add_test(tc, test_an_access_across_0xcff_reads_ones_only_where_hidden);
	tcase_add_test(tc, test_the_hidden_table_is_bounded);
	tcase_add_test(tc, test_the_ecam_page_of_a_function_is_where_the_window_msr_says);
	tcase_add_test(tc, test_no_ecam_page_when_the_window_is_off_short_or_reserved);
	tcase_add_test(tc, test_a_guarded_bridges_registers_read_as_they_are);
	tcase_add_test(tc, test_writes_that_could_cut_the_path_to_a_hidden_function_are_dropped);
	tcase_add_test(tc, test_status_and_interrupt_line_writes_reach_a_guarded_bridge);
	tcase_add_test(tc, test_writes_to_a_bridge_nobody_guards_go_out);
	tcase_add_test(tc, test_the_guarded_table_keeps_a_bridge_once_and_is_bounded);
	tcase_add_test(tc, test_the_bridges_whose_bus_range_holds_the_bus_are_found);
	tcase_add_test(tc, test_bus_0_has_no_bridge_above_and_costs_no_cycle);
	tcase_add_test(tc, test_more_bridges_than_room_are_counted);
	return check_run("COS PCI configuration cycles", tc);
}
