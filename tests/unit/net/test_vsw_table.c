// SPDX-License-Identifier: GPL-2.0-only
/*
 * The host's switch table: vswitch0 first and for good, internal switches
 * added and deleted, port group names unique across the switches, a
 * vNIC's group found on whichever switch holds it, deletion refused while
 * ports are in use, and no frame crossing from one switch to another.
 */
#include <stdarg.h>
#include <stdio.h>
#include "tests/unit/check_run.h"
#include "vmkernel/net/vsw_table.h"

void vmk_log(int level, const char *fmt, ...)
{
	(void)level;
	(void)fmt;
}

struct sink {
	uint32_t frames;
};

static struct vsw_table t;
static const struct vsw_policy reject_all;

static int capture(void *ctx, const uint8_t *frame, uint32_t len)
{
	(void)frame;
	(void)len;
	((struct sink *)ctx)->frames++;
	return 0;
}

/* Like net_global_init(): vswitch0 with "VM Network". */
static void setup(void)
{
	struct vmk_why why = { "" };

	memset(&t, 0, sizeof(t));
	ck_assert_int_eq(vsw_table_add(&t, "vswitch0", &why), VMK_OK);
	ck_assert_int_eq(vsw_table_group_add(&t, "vswitch0", "VM Network", 0, &reject_all, &why),
			 VMK_OK);
	ck_assert(!why_said(&why));
}

/* A VM port on group; its switch in *sw. */
static uint32_t connect_vm(const char *group, uint8_t last, struct sink *s, struct vswitch **sw)
{
	struct vsw_port_config cfg = {
		.kind = VSW_OWNER_VM, .owner_id = last, .group = group,
		.mac = { 0x00, 0x50, 0x56, 0x00, 0x00, last },
		.deliver = capture, .ctx = s,
	};
	uint32_t id = 0;

	ck_assert_int_eq(vsw_table_connect(&t, &cfg, sw, &id), VMK_OK);
	return id;
}

/* A broadcast frame from the port with MAC ..:last. */
static void broadcast(struct vswitch *sw, uint32_t port, uint8_t last)
{
	uint8_t f[VSW_ETH_ZLEN] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x50, 0x56, 0x00, 0x00, last, 0x08, 0x06,
	};

	vsw_send(sw, port, f, sizeof(f));
}

START_TEST(test_vswitch0_comes_first_and_cannot_be_deleted)
{
	struct vmk_why why = { "" };

	ck_assert_uint_eq(vsw_table_next(&t, 0), VSW_TABLE_UPLINK);
	ck_assert_str_eq(t.sw[VSW_TABLE_UPLINK].name, "vswitch0");
	ck_assert_int_eq(vsw_table_remove(&t, "vswitch0", &why), VMK_NOT_SUPPORTED);
	ck_assert_str_eq(why.text, "switch 'vswitch0' holds the uplink and the default port group: it cannot be deleted");
	ck_assert_uint_eq(vsw_table_count(&t), 1);
}
END_TEST

START_TEST(test_internal_switches_are_added_listed_and_deleted)
{
	struct vmk_why why = { "" };
	char name[VSW_NAME_MAX];

	ck_assert_int_eq(vsw_table_add(&t, "internal1", &why), VMK_OK);
	ck_assert_int_eq(vsw_table_add(&t, "internal2", &why), VMK_OK);
	ck_assert_uint_eq(vsw_table_count(&t), 3);
	ck_assert_uint_eq(vsw_table_next(&t, 1), 1);
	ck_assert_str_eq(t.sw[1].name, "internal1");
	ck_assert_int_eq(t.sw[1].uplink, 0);	/* internal: no uplink port */
	ck_assert_int_eq(vsw_table_remove(&t, "internal1", &why), VMK_OK);
	ck_assert(!why_said(&why));
	/* the listing skips the hole; the last switch has no next */
	ck_assert_uint_eq(vsw_table_next(&t, 1), 2);
	ck_assert_uint_eq(vsw_table_next(&t, 3), VSW_TABLE_MAX);
	ck_assert_int_eq(vsw_table_remove(&t, "internal1", &why), VMK_BAD_PARAM);
	ck_assert_str_eq(why.text, "no switch 'internal1' (vmkctl network switch list shows them)");
	/* the freed slot is used again; the table holds VSW_TABLE_MAX */
	for (uint32_t i = 3; i <= VSW_TABLE_MAX; i++) {
		snprintf(name, sizeof(name), "internal%u", i);
		ck_assert_int_eq(vsw_table_add(&t, name, &why), VMK_OK);
	}
	ck_assert_uint_eq(vsw_table_count(&t), VSW_TABLE_MAX);
	why.text[0] = '\0';
	ck_assert_int_eq(vsw_table_add(&t, "one too many", &why), VMK_NO_CAPACITY);
	ck_assert_str_eq(why.text, "the host has 8 switches already (the most it holds): delete one first");
}
END_TEST

START_TEST(test_switch_names_are_checked_and_unique)
{
	struct vmk_why why = { "" };

	ck_assert_int_eq(vsw_table_add(&t, "vswitch0", &why), VMK_BUSY);
	ck_assert_str_eq(why.text, "switch 'vswitch0' exists already");
	why.text[0] = '\0';
	ck_assert_int_eq(vsw_table_add(&t, "", &why), VMK_BAD_PARAM);
	ck_assert_str_eq(why.text, "switch name must be 1 to 31 printable ASCII characters");
	why.text[0] = '\0';
	ck_assert_int_eq(vsw_table_add(&t, "tab\there", &why), VMK_BAD_PARAM);
	ck_assert_int_eq(vsw_table_add(&t, "0123456789012345678901234567890123", &why),
			 VMK_BAD_PARAM);
	ck_assert_uint_eq(vsw_table_count(&t), 1);
}
END_TEST

START_TEST(test_port_group_names_are_unique_across_the_switches)
{
	struct vmk_why why = { "" };

	ck_assert_int_eq(vsw_table_add(&t, "internal", &why), VMK_OK);
	ck_assert_int_eq(vsw_table_group_add(&t, "internal", "VM Network", 0, &reject_all, &why),
			 VMK_BUSY);
	ck_assert_str_eq(why.text, "port group 'VM Network' exists on vswitch0 already (port group names are unique on the host)");
	why.text[0] = '\0';
	ck_assert_int_eq(vsw_table_group_add(&t, "internal", "Lab", 0, &reject_all, &why), VMK_OK);
	ck_assert_int_eq(vsw_table_group_add(&t, "vswitch0", "Lab", 0, &reject_all, &why), VMK_BUSY);
	ck_assert_str_eq(why.text, "port group 'Lab' exists on internal already (port group names are unique on the host)");
	why.text[0] = '\0';
	ck_assert_int_eq(vsw_table_group_add(&t, "nowhere", "Other", 0, &reject_all, &why),
			 VMK_BAD_PARAM);
	ck_assert_str_eq(why.text, "no switch 'nowhere' (vmkctl network switch list shows them)");
	why.text[0] = '\0';
	ck_assert_int_eq(vsw_table_group_add(&t, "internal", "Bad VLAN", 4096, &reject_all, &why),
			 VMK_BAD_PARAM);
	ck_assert_str_eq(why.text, "port group name must be 1 to 31 printable ASCII characters and VLAN 0 to 4095 (4095: trunk)");
	/* set and del find the group on its switch */
	ck_assert_int_eq(vsw_table_group_set(&t, "Lab", 10, &reject_all, &why), VMK_OK);
	ck_assert_uint_eq(t.sw[1].groups[0].vlan, 10);
	ck_assert_int_eq(vsw_table_group_remove(&t, "Lab", &why), VMK_OK);
	ck_assert_int_eq(vsw_table_group_remove(&t, "Lab", &why), VMK_BAD_PARAM);
	ck_assert_int_eq(vsw_table_group_add(&t, "vswitch0", "Lab", 0, &reject_all, &why), VMK_OK);
}
END_TEST

START_TEST(test_a_vnic_finds_its_group_on_whichever_switch_holds_it)
{
	struct vsw_port_config cfg = {
		.kind = VSW_OWNER_VM, .group = "No Such Group",
		.mac = { 0x00, 0x50, 0x56, 0x00, 0x00, 0x09 }, .deliver = capture,
	};
	struct vmk_why why = { "" };
	struct vswitch *sw = (struct vswitch *)1;
	struct sink s = { 0 };
	uint32_t id;

	ck_assert_int_eq(vsw_table_add(&t, "internal", &why), VMK_OK);
	ck_assert_int_eq(vsw_table_group_add(&t, "internal", "Lab", 0, &reject_all, &why), VMK_OK);
	connect_vm("Lab", 1, &s, &sw);
	ck_assert_ptr_eq(sw, &t.sw[1]);
	connect_vm("VM Network", 2, &s, &sw);
	ck_assert_ptr_eq(sw, &t.sw[0]);
	ck_assert_int_eq(vsw_table_connect(&t, &cfg, &sw, &id), VMK_BAD_PARAM);
	ck_assert_ptr_null(sw);
}
END_TEST

START_TEST(test_a_switch_with_ports_in_use_is_not_deleted)
{
	struct vmk_why why = { "" };
	struct vswitch *sw;
	struct sink s = { 0 };
	uint32_t port;

	ck_assert_int_eq(vsw_table_add(&t, "internal", &why), VMK_OK);
	ck_assert_int_eq(vsw_table_group_add(&t, "internal", "Empty", 0, &reject_all, &why), VMK_OK);
	ck_assert_int_eq(vsw_table_group_add(&t, "internal", "Lab", 0, &reject_all, &why), VMK_OK);
	port = connect_vm("Lab", 1, &s, &sw);
	ck_assert_int_eq(vsw_table_remove(&t, "internal", &why), VMK_BUSY);
	ck_assert_str_eq(why.text, "switch 'internal' still has ports in use on port group 'Lab' (1): power off or reconfigure their VMs first");
	ck_assert_int_eq(vsw_table_group_remove(&t, "Lab", &why), VMK_BUSY);
	ck_assert_uint_eq(vsw_table_count(&t), 2);
	/* the VM goes: the switch and both its groups go */
	ck_assert_int_eq(vsw_port_disconnect(sw, port), VMK_OK);
	why.text[0] = '\0';
	ck_assert_int_eq(vsw_table_remove(&t, "internal", &why), VMK_OK);
	ck_assert(!why_said(&why));
	ck_assert_int_eq(vsw_table_group_set(&t, "Lab", 0, &reject_all, &why), VMK_BAD_PARAM);
	ck_assert_int_eq(vsw_table_group_add(&t, "vswitch0", "Lab", 0, &reject_all, &why), VMK_OK);
	ck_assert_int_eq(vsw_table_group_add(&t, "vswitch0", "Empty", 0, &reject_all, &why), VMK_OK);
}
END_TEST

START_TEST(test_frames_never_cross_switches)
{
	static const uint8_t a_mac[VSW_ETH_ALEN] = { 0x00, 0x50, 0x56, 0x00, 0x00, 0x01 };
	struct vsw_port_config up = { .kind = VSW_OWNER_UPLINK, .deliver = capture };
	struct vmk_why why = { "" };
	struct sink su = { 0 }, sa = { 0 }, sb = { 0 }, sc = { 0 };
	struct vswitch *sw0, *sw1;
	uint32_t u, a, b, c;
	uint8_t f[VSW_ETH_ZLEN] = { 0 };
	struct vsw_counters cnt;

	up.ctx = &su;
	ck_assert_int_eq(vsw_port_connect(&t.sw[VSW_TABLE_UPLINK], &up, &u), VMK_OK);
	ck_assert_int_eq(vsw_table_add(&t, "internal", &why), VMK_OK);
	/* the same VLAN on both: only the switch keeps them apart */
	ck_assert_int_eq(vsw_table_group_add(&t, "internal", "Lab", 0, &reject_all, &why), VMK_OK);
	a = connect_vm("VM Network", 1, &sa, &sw0);
	b = connect_vm("Lab", 2, &sb, &sw1);
	c = connect_vm("Lab", 3, &sc, &sw1);
	broadcast(sw1, b, 2);
	ck_assert_uint_eq(sc.frames, 1);
	ck_assert_uint_eq(sa.frames + su.frames, 0);
	broadcast(sw0, a, 1);
	ck_assert_uint_eq(sb.frames + sc.frames, 1);	/* C's one from B */
	ck_assert_uint_eq(su.frames, 1);
	/* unicast for A's MAC from B has no uplink to leave by */
	memcpy(f, a_mac, VSW_ETH_ALEN);
	memcpy(f + VSW_ETH_ALEN, (uint8_t[]){ 0x00, 0x50, 0x56, 0x00, 0x00, 0x02 }, VSW_ETH_ALEN);
	ck_assert_uint_eq(vsw_send(sw1, b, f, sizeof(f)), 0);
	ck_assert_uint_eq(sa.frames + su.frames, 1);
	ck_assert_int_eq(vsw_port_counters(sw1, b, &cnt), VMK_OK);
	ck_assert_uint_eq(cnt.drops[VSW_DROP_NO_DEST], 1);
	(void)c;
}
END_TEST

START_TEST(test_a_mac_is_unique_on_the_host)
{
	struct vsw_port_config cfg = {
		.kind = VSW_OWNER_VM, .owner_id = 7, .nic = 1, .group = "Lab",
		.mac = { 0x00, 0x50, 0x56, 0x00, 0x00, 0x01 }, .deliver = capture,
	};
	struct vmk_why why = { "" };
	struct vswitch *sw0, *sw;
	struct sink s = { 0 };
	uint32_t a, id = 0;

	ck_assert_int_eq(vsw_table_add(&t, "internal", &why), VMK_OK);
	ck_assert_int_eq(vsw_table_group_add(&t, "internal", "Lab", 0, &reject_all, &why), VMK_OK);
	a = connect_vm("VM Network", 1, &s, &sw0);
	/* ..:01 is on vswitch0: refused on internal, which names vswitch0 */
	ck_assert_int_eq(vsw_table_connect(&t, &cfg, &sw, &id), VMK_BUSY);
	ck_assert_ptr_eq(sw, sw0);
	ck_assert_uint_eq(id, 0);
	ck_assert_uint_eq(t.sw[1].groups[0].nports, 0);
	/* once it is gone, the address is free on any switch */
	ck_assert_int_eq(vsw_port_disconnect(sw0, a), VMK_OK);
	ck_assert_int_eq(vsw_table_connect(&t, &cfg, &sw, &id), VMK_OK);
	ck_assert_ptr_eq(sw, &t.sw[1]);
	ck_assert_uint_eq(sw->ports[id - 1].nic, 1);
	ck_assert_uint_eq(sw->ports[id - 1].owner_id, 7);
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("vsw_table");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_vswitch0_comes_first_and_cannot_be_deleted);
	tcase_add_test(tc, test_internal_switches_are_added_listed_and_deleted);
	tcase_add_test(tc, test_switch_names_are_checked_and_unique);
	tcase_add_test(tc, test_port_group_names_are_unique_across_the_switches);
	tcase_add_test(tc, test_a_vnic_finds_its_group_on_whichever_switch_holds_it);
	tcase_add_test(tc, test_a_switch_with_ports_in_use_is_not_deleted);
	tcase_add_test(tc, test_frames_never_cross_switches);
	tcase_add_test(tc, test_a_mac_is_unique_on_the_host);
	return check_run("vmkernel switch table", tc);
}
