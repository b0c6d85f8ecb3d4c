# SPDX-License-Identifier: GPL-2.0-only
TOOLS += vmx-check
vmx-check_SRCS := cos-tools/vmx-check/main.c cos-tools/vmx/parse.c cos-tools/vmx/config.c \
	cos-tools/lib/diag.c
