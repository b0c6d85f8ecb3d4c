# SPDX-License-Identifier: GPL-2.0-only
# vmm/scsi/ and vmm/dev/pvscsi.c tests: the SCSI disk target over a RAM
# backend, and the PVSCSI adapter in a fake guest.
UNIT_TESTS += test_scsi_disk
test_scsi_disk_SRCS := tests/unit/vmmscsi/test_scsi_disk.c vmm/scsi/disk.c
UNIT_TESTS += test_pvscsi
test_pvscsi_SRCS := tests/unit/vmmscsi/test_pvscsi.c vmm/dev/pvscsi.c vmm/dev/pci_msi.c vmm/scsi/disk.c
