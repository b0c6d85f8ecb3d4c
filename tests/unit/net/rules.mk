# SPDX-License-Identifier: GPL-2.0-only
# The virtual switch core (vmkernel/net/vswitch.c).
UNIT_TESTS += test_vswitch
test_vswitch_SRCS := tests/unit/net/test_vswitch.c vmkernel/net/vswitch.c
