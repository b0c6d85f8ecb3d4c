# SPDX-License-Identifier: GPL-2.0-only
# vmk-labtool: helpers of the lab workload and the takeover benchmark
# (memory patterns, timer accuracy per CPU, TCP echo, micro-benchmarks,
# VMMCALL from an unprivileged COS user, XMM state across worlds, raw
# vNIC link requests).
TOOLS += vmk-labtool
vmk-labtool_SRCS := $(addprefix cos-tools/vmk-labtools/,main.c mem.c timer.c tcp.c bench.c vmmcall.c xmm.c pingpong.c niclink.c)
