# SPDX-License-Identifier: GPL-2.0-only
# Proportional-share scheduler arithmetic (vmkernel/sched_math.c).
UNIT_TESTS += test_sched_math
test_sched_math_SRCS := tests/unit/sched/test_sched_math.c vmkernel/sched_math.c
