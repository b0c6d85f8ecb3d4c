# SPDX-License-Identifier: GPL-2.0-only
# vmk-hostd needs libxml2, libmicrohttpd and GnuTLS: for the COS it is
# linked dynamically against their i386 libraries (ci/i386-hostd-sysroot).
TOOLS += vmk-hostd
vmk-hostd_SRCS := $(addprefix cos-tools/vmk-hostd/,main.c http.c cert.c soap.c session.c \
	inventory.c propcol.c task.c vmops.c reconfig.c datastore.c dsbrowse.c dsfile.c backend_fake.c backend_vmk.c vmx_devices.c) \
	cos-tools/vmkdev/vmkdev.c cos-tools/vmkctl/inventory.c cos-tools/vmkctl/vm_start.c \
	cos-tools/vmx/parse.c cos-tools/vmx/config.c cos-tools/vmx/identity.c \
	cos-tools/lib/diag.c
vmk-hostd_LIBS := hostd
