# SPDX-License-Identifier: GPL-2.0-only
# vmkctl's host-testable parts: the VM inventory file and console text
# handling (detach key, --send escapes, --expect across pieces), and the
# .vmx a start uses once its identity is recorded, and what `storage`
# says when the vmkernel is busy.
UNIT_TESTS += test_vmkctl_inventory test_vmkctl_console test_vmkctl_vm_file \
	test_vmkctl_storage test_vmkdev_zero
test_vmkctl_inventory_SRCS := tests/unit/vmkctl/test_vmkctl_inventory.c \
	cos-tools/vmkctl/inventory.c cos-tools/vmx/parse.c cos-tools/vmx/config.c \
	cos-tools/lib/diag.c
test_vmkctl_console_SRCS := tests/unit/vmkctl/test_vmkctl_console.c \
	cos-tools/vmkctl/console_text.c
test_vmkctl_vm_file_SRCS := tests/unit/vmkctl/test_vmkctl_vm_file.c cos-tools/vmkctl/vm_start.c \
	cos-tools/vmkdev/vmkdev.c cos-tools/vmx/parse.c cos-tools/vmx/config.c \
	cos-tools/vmx/identity.c cos-tools/lib/diag.c
test_vmkctl_storage_SRCS := tests/unit/vmkctl/test_vmkctl_storage.c cos-tools/vmkctl/storage.c
test_vmkdev_zero_SRCS := tests/unit/vmkctl/test_vmkdev_zero.c cos-tools/vmkdev/vmkdev.c \
	cos-tools/lib/diag.c
