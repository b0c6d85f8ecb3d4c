# SPDX-License-Identifier: GPL-2.0-only
TOOLS += vmkctl
vmkctl_SRCS := cos-tools/vmkctl/main.c cos-tools/vmkctl/status.c \
	cos-tools/vmkctl/log.c cos-tools/vmkctl/image.c cos-tools/vmkctl/vm.c cos-tools/vmkctl/network.c \
	cos-tools/vmkctl/console.c cos-tools/vmkctl/console_text.c \
	cos-tools/vmkctl/inventory.c cos-tools/vmkctl/vm_start.c cos-tools/vmkctl/storage.c \
	cos-tools/vmx/parse.c cos-tools/vmx/config.c cos-tools/vmx/identity.c \
	cos-tools/vmkdev/vmkdev.c cos-tools/lib/diag.c
vmkctl_LIBS := libelf
