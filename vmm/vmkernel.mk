# SPDX-License-Identifier: GPL-2.0-only
# The vmm/ files linked into the vmkernel image (read by vmkernel/Makefile).
VMM_SRCS += vmm/decode.c vmm/emulate.c
