# SPDX-License-Identifier: GPL-2.0-only
# vmkfstools: vmkfs volumes and virtual disks on image files and devices.
# It links the whole vmkfs library (vmkfs/*.c, with the POSIX platform).
TOOLS += vmkfstools
vmkfstools_SRCS := cos-tools/vmkfstools/main.c cos-tools/vmkfstools/vmdk.c \
	cos-tools/vmkdev/vmkdev.c cos-tools/lib/diag.c \
	$(patsubst $(TOP)/%,%,$(sort $(wildcard $(TOP)/vmkfs/*.c)))
