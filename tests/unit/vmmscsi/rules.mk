# SPDX-License-Identifier: GPL-2.0-only
# vmm/scsi/ tests: the SCSI disk target over a RAM backend.
UNIT_TESTS += test_scsi_disk
test_scsi_disk_SRCS := tests/unit/vmmscsi/test_scsi_disk.c vmm/scsi/disk.c
