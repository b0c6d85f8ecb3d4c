# SPDX-License-Identifier: GPL-2.0-only
# vmk-hostd's SOAP core without HTTP or TLS: requests in, answers out,
# against the fake backend and a private shadow file (cos-tools/vmk-hostd).
UNIT_TESTS += test_hostd_soap
test_hostd_soap_SRCS := tests/unit/hostd/test_hostd_soap.c \
	$(addprefix cos-tools/vmk-hostd/,soap.c session.c inventory.c propcol.c task.c \
		vmops.c reconfig.c datastore.c dsbrowse.c backend_fake.c vmx_devices.c) cos-tools/vmkctl/vm_start.c cos-tools/vmkdev/vmkdev.c \
	cos-tools/vmx/parse.c cos-tools/vmx/config.c cos-tools/vmx/identity.c cos-tools/lib/diag.c
test_hostd_soap_CFLAGS := $(shell pkg-config --cflags libxml-2.0)
# the wraps: the test makes one datastore's file system hang
test_hostd_soap_LDLIBS := $(shell pkg-config --libs libxml-2.0 gnutls) -lcrypt \
	-Wl,--wrap=statvfs,--wrap=stat
# the real backend on a host without /dev/vmkernel and with a private inventory
UNIT_TESTS += test_hostd_backend_vmk
test_hostd_backend_vmk_SRCS := tests/unit/hostd/test_hostd_backend_vmk.c \
	cos-tools/vmk-hostd/backend_vmk.c cos-tools/vmk-hostd/vmx_devices.c cos-tools/vmkctl/inventory.c cos-tools/vmkctl/vm_start.c \
	cos-tools/vmkdev/vmkdev.c cos-tools/vmx/parse.c cos-tools/vmx/config.c \
	cos-tools/vmx/identity.c cos-tools/lib/diag.c
# its clock: settling a file takes no 2 s wait (the test's settle())
test_hostd_backend_vmk_LDLIBS := -Wl,--wrap=clock_gettime
