# SPDX-License-Identifier: GPL-2.0-only
# vmk-hostd needs libxml2, libmicrohttpd and GnuTLS. It builds for the host
# only so far: the COS (TARGET=i386, static) would need their i386 static
# libraries unpacked like ci/i386-sysroot does for libelf (docs/rpc.md).
ifeq ($(TARGET),host)
TOOLS += vmk-hostd
endif
vmk-hostd_SRCS := $(addprefix cos-tools/vmk-hostd/,main.c http.c cert.c soap.c session.c \
	inventory.c propcol.c task.c backend_fake.c backend_vmk.c) \
	cos-tools/vmkdev/vmkdev.c
vmk-hostd_LIBS := hostd
