# SPDX-License-Identifier: GPL-2.0-only
# The virtual switch core (vmkernel/net/vswitch.c).
UNIT_TESTS += test_vswitch
test_vswitch_SRCS := tests/unit/net/test_vswitch.c vmkernel/net/vswitch.c
# The physical NIC driver (vmkernel/net/e1000_nic.c) against vmk's e1000
# model (vmm/dev/e1000.c).
UNIT_TESTS += test_e1000_nic
test_e1000_nic_SRCS := tests/unit/net/test_e1000_nic.c vmkernel/net/e1000_nic.c \
	vmm/dev/e1000.c
# The host's switch table (vmkernel/net/vsw_table.c) over the switch core.
UNIT_TESTS += test_vsw_table
test_vsw_table_SRCS := tests/unit/net/test_vsw_table.c vmkernel/net/vsw_table.c \
	vmkernel/net/vswitch.c vmkernel/lib/why.c vmkernel/lib/format.c
# The COS's port (vmkernel/net/cos_port.c): its queue and hostile requests.
UNIT_TESTS += test_cos_port
test_cos_port_SRCS := tests/unit/net/test_cos_port.c vmkernel/net/cos_port.c \
	vmkernel/lib/format.c
