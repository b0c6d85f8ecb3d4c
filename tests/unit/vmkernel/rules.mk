# SPDX-License-Identifier: GPL-2.0-only
# Host unit tests of the vmkernel's portable logic.
UNIT_TESTS += test_pool test_page_tables test_log_ring test_hypercall test_format_symbols \
	test_spinlock test_exit_policy test_id_table test_cos_pci test_why test_asid test_periodic test_string test_rate
test_pool_SRCS := tests/unit/vmkernel/test_pool.c vmkernel/mm/pool.c vmkernel/cos/cos_mem.c
test_page_tables_SRCS := tests/unit/vmkernel/test_page_tables.c vmkernel/mm/pae.c \
	vmkernel/cos/cos_npt.c vmkernel/mm/pool.c vmkernel/cos/cos_mem.c
test_log_ring_SRCS := tests/unit/vmkernel/test_log_ring.c vmkernel/log/ring.c
test_hypercall_SRCS := tests/unit/vmkernel/test_hypercall.c vmkernel/core/hypercall.c \
	tests/unit/vmkernel/fake_log.c
test_format_symbols_SRCS := tests/unit/vmkernel/test_format_symbols.c \
	vmkernel/lib/format.c vmkernel/core/symbols.c
test_spinlock_SRCS := tests/unit/vmkernel/test_spinlock.c
test_exit_policy_SRCS := tests/unit/vmkernel/test_exit_policy.c vmkernel/arch/x86/exit_policy.c
test_id_table_SRCS := tests/unit/vmkernel/test_id_table.c vmkernel/lib/id_table.c
test_cos_pci_SRCS := tests/unit/vmkernel/test_cos_pci.c vmkernel/cos/cos_pci.c
test_why_SRCS := tests/unit/vmkernel/test_why.c vmkernel/lib/why.c vmkernel/lib/format.c \
	tests/unit/vmkernel/fake_log.c
test_asid_SRCS := tests/unit/vmkernel/test_asid.c vmkernel/arch/x86/asid.c
test_periodic_SRCS := tests/unit/vmkernel/test_periodic.c vmkernel/lib/periodic.c
test_string_SRCS := tests/unit/vmkernel/test_string.c
test_rate_SRCS := tests/unit/vmkernel/test_rate.c vmkernel/lib/rate.c
# string.c is #included by the test (under other names than libc's).
$(OUT)/test_string: $(TOP)/vmkernel/lib/string.c
