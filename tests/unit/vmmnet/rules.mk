# SPDX-License-Identifier: GPL-2.0-only
# vmm/dev/e1000.c tests: the 82540EM model in a fake guest driven as
# Linux's e1000 driver drives it.
UNIT_TESTS += test_e1000
test_e1000_SRCS := tests/unit/vmmnet/test_e1000.c vmm/dev/e1000.c
# vmm/dev/vmxnet3.c: the paravirtual NIC driven as Linux's vmxnet3 driver does.
UNIT_TESTS += test_vmxnet3
test_vmxnet3_SRCS := tests/unit/vmmnet/test_vmxnet3.c vmm/dev/vmxnet3.c vmm/dev/pci_msi.c
