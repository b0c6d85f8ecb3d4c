# SPDX-License-Identifier: GPL-2.0-only
TOOLS += vmkctl
vmkctl_SRCS := cos-tools/vmkctl/main.c cos-tools/vmkctl/status.c \
	cos-tools/vmkctl/log.c cos-tools/vmkctl/image.c
vmkctl_LIBS := libelf
