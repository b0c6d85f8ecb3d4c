# SPDX-License-Identifier: GPL-2.0-only
# The COS tools' small library (cos-tools/lib): struct diag.
UNIT_TESTS += test_diag
test_diag_SRCS := tests/unit/lib/test_diag.c cos-tools/lib/diag.c
