# SPDX-License-Identifier: GPL-2.0-only
# The vmm/ files linked into the vmkernel image (read by vmkernel/Makefile,
# which defines TOP; paths are relative to the top).
VMM_SRCS += vmm/decode.c vmm/emulate.c
# The guest page walk (MMIO emulation reads guest memory through it).
VMM_SRCS += vmm/guest_walk.c
# The virtual platform: device core, device models, SCSI targets, boot loaders.
VMM_SRCS += vmm/devices.c
VMM_SRCS += $(patsubst $(TOP)/%,%,$(sort $(wildcard $(TOP)/vmm/dev/*.c $(TOP)/vmm/scsi/*.c $(TOP)/vmm/boot/*.c)))
