# SPDX-License-Identifier: GPL-2.0-only
# vmkernel/storage/: the PVSCSI HBA driver and LUN discovery, driven against
# vmk's PVSCSI model (vmm/dev/pvscsi.c) and SCSI disk (vmm/scsi/disk.c).
UNIT_TESTS += test_pvscsi_hba
test_pvscsi_hba_SRCS := tests/unit/storage/test_pvscsi_hba.c \
	vmkernel/storage/pvscsi_hba.c vmkernel/storage/scan.c \
	vmm/dev/pvscsi.c vmm/dev/pci_msi.c vmm/scsi/disk.c
UNIT_TESTS += test_scan
test_scan_SRCS := tests/unit/storage/test_scan.c vmkernel/storage/scan.c
UNIT_TESTS += test_rdm
test_rdm_SRCS := tests/unit/storage/test_rdm.c vmkernel/storage/rdm.c vmm/scsi/disk.c
UNIT_TESTS += test_lun_io
test_lun_io_SRCS := tests/unit/storage/test_lun_io.c vmkernel/storage/lun_io.c \
	vmkernel/storage/scan.c vmkernel/storage/pvscsi_hba.c vmm/dev/pvscsi.c vmm/dev/pci_msi.c vmm/scsi/disk.c
UNIT_TESTS += test_rescan
test_rescan_SRCS := tests/unit/storage/test_rescan.c vmkernel/storage/pvscsi_hba.c \
	vmkernel/storage/scan.c vmm/dev/pvscsi.c vmm/dev/pci_msi.c vmm/scsi/disk.c
UNIT_TESTS += test_datastore
test_datastore_SRCS := tests/unit/storage/test_datastore.c vmkernel/storage/datastore.c \
	vmkernel/lib/format.c \
	$(filter-out vmkfs/platform-posix.c,$(patsubst $(TOP)/%,%,$(sort $(wildcard $(TOP)/vmkfs/*.c)))) \
	vmkfs/platform-posix.c
UNIT_TESTS += test_vdisk
test_vdisk_SRCS := tests/unit/storage/test_vdisk.c vmkernel/storage/vdisk.c \
	vmm/scsi/disk.c vmkernel/lib/format.c tests/unit/vmkfs/memdev.c \
	cos-tools/vmkfstools/vmdk.c \
	$(filter-out vmkfs/platform-posix.c,$(patsubst $(TOP)/%,%,$(sort $(wildcard $(TOP)/vmkfs/*.c)))) \
	vmkfs/platform-posix.c
UNIT_TESTS += test_cos_disk
test_cos_disk_SRCS := tests/unit/storage/test_cos_disk.c vmkernel/storage/cos_disk.c \
	vmkernel/lib/format.c
UNIT_TESTS += test_cos_disk_ring
test_cos_disk_ring_SRCS := tests/unit/storage/test_cos_disk_ring.c vmkernel/storage/cos_disk.c \
	vmkernel/lib/format.c
UNIT_TESTS += test_disk_sched
test_disk_sched_SRCS := tests/unit/storage/test_disk_sched.c vmkernel/storage/disk_sched.c
UNIT_TESTS += test_disk_queue
test_disk_queue_SRCS := tests/unit/storage/test_disk_queue.c vmkernel/storage/disk_queue.c \
	vmkernel/storage/disk_sched.c
UNIT_TESTS += test_vmfs_file
test_vmfs_file_SRCS := tests/unit/storage/test_vmfs_file.c vmkernel/storage/vmfs_file.c \
	vmkernel/storage/vdisk.c vmm/scsi/disk.c vmkernel/lib/format.c tests/unit/vmkfs/memdev.c \
	$(filter-out vmkfs/platform-posix.c,$(patsubst $(TOP)/%,%,$(sort $(wildcard $(TOP)/vmkfs/*.c)))) \
	vmkfs/platform-posix.c
UNIT_TESTS += test_disk_pieces
test_disk_pieces_SRCS := tests/unit/storage/test_disk_pieces.c vmkernel/vm/disk_pieces.c \
	vmkernel/storage/disk_queue.c vmkernel/storage/disk_sched.c vmm/scsi/disk.c
UNIT_TESTS += test_cos_ring
test_cos_ring_SRCS := tests/unit/storage/test_cos_ring.c vmkernel/storage/cos_ring.c \
	vmkernel/storage/cos_disk.c vmkernel/storage/disk_queue.c vmkernel/storage/disk_sched.c \
	vmkernel/lib/format.c
