# SPDX-License-Identifier: GPL-2.0-only
# .vmx parsing and checking (cos-tools/vmx).
UNIT_TESTS += test_vmx_parse test_vmx_config
test_vmx_parse_SRCS := tests/unit/vmx/test_vmx_parse.c cos-tools/vmx/parse.c
test_vmx_config_SRCS := tests/unit/vmx/test_vmx_config.c cos-tools/vmx/parse.c \
	cos-tools/vmx/config.c
