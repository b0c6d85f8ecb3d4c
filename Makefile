# SPDX-License-Identifier: GPL-2.0-only
# vmk top-level build. `make` builds everything that runs on the lab machine:
#   build/vmkernel/vmkernel.elf   the freestanding vmkernel image (vmkernel/, vmm/, vmkfs/)
#   build/kmod-cos/**/*.ko         the COS loader module and KUnit suites (kbuild)
#   build/i386/cos-tools/*         the COS tools (static i386 user space)
# `make host-tools` builds the COS tools for this machine (host tests use them),
# `make unit` the host unit tests, `make check` runs every test tier.
#
# KDIR defaults to the lab's COS kernel, built once and cached by ci/cos-kernel.
# Build against Debian's stock 686-pae headers with `make module KDIR=$(ci/stock-kernel --kdir)`.

TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
BUILD ?= $(TOP)/build
# KFLAVOR picks the kernel the modules are built for: cos (the lab's own COS
# kernel) or stock (Debian's 686-pae headers). Each flavor builds in a copy of
# the module sources under $(BUILD)/kmod-<flavor>, so both can coexist.
KFLAVOR ?= cos
ifeq ($(KFLAVOR),stock)
KDIR ?= $(shell $(TOP)/ci/stock-kernel --kdir)
else
KDIR ?= $(shell $(TOP)/ci/cos-kernel)
endif
KMOD_DIR := $(BUILD)/kmod-$(KFLAVOR)
KMOD_SRC := Kbuild include loader-module vmkernel tests/kunit tests/lab/modules \
	tests/guest/ram_residue/residue_marker.h
# build products inside the copy survive the sync (incremental builds)
KMOD_KEEP := $(foreach p,*.o *.ko *.mod *.mod.c .*.cmd modules.order Module.symvers .*.d,--exclude="$(p)")
export TOP BUILD

.PHONY: all vmkernel module cos-tools host-tools unit check clean
all: vmkernel module cos-tools

vmkernel:
	$(MAKE) -C vmkernel

module:
	@mkdir -p $(KMOD_DIR)
	cd $(TOP) && rsync -a --delete --relative $(KMOD_KEEP) $(wildcard $(KMOD_SRC)) $(KMOD_DIR)/
	$(MAKE) -C $(KDIR) M=$(KMOD_DIR) ARCH=i386 modules

cos-tools:
	$(MAKE) -C cos-tools TARGET=i386

host-tools:
	$(MAKE) -C cos-tools TARGET=host

unit:
	$(MAKE) -C tests/unit

check:
	tests/run

clean:
	rm -rf $(BUILD)
