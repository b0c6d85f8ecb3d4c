# SPDX-License-Identifier: GPL-2.0-only
# .vmx parsing and checking (cos-tools/vmx), and the identity vm start
# writes back (with the SMBIOS tables, to check what a guest reads).
UNIT_TESTS += test_vmx_parse test_vmx_config test_vmx_identity
test_vmx_parse_SRCS := tests/unit/vmx/test_vmx_parse.c cos-tools/vmx/parse.c cos-tools/lib/diag.c
test_vmx_config_SRCS := tests/unit/vmx/test_vmx_config.c cos-tools/vmx/parse.c \
	cos-tools/vmx/config.c cos-tools/lib/diag.c
test_vmx_identity_SRCS := tests/unit/vmx/test_vmx_identity.c cos-tools/vmx/parse.c \
	cos-tools/vmx/config.c cos-tools/vmx/identity.c vmm/boot/smbios.c cos-tools/lib/diag.c
# fsync() raises a signal inside the rewrite's window (test_vmx_identity.c)
test_vmx_identity_LDLIBS := -Wl,--wrap=fsync
