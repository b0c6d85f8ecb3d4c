# SPDX-License-Identifier: GPL-2.0-only
# vmkfs host unit tests (Check, ASan/UBSan) and a compile check that the
# library builds freestanding for the 32-bit vmkernel against
# vmkfs/platform.h alone (everything but the POSIX platform).
VMKFS_LIB := $(filter-out vmkfs/platform-posix.c,$(patsubst $(TOP)/%,%,$(sort $(wildcard $(TOP)/vmkfs/*.c))))

UNIT_TESTS += test_vmkfs
test_vmkfs_SRCS := tests/unit/vmkfs/test_vmkfs.c tests/unit/vmkfs/memdev.c \
	$(VMKFS_LIB) vmkfs/platform-posix.c

UNIT_TESTS += test_vmkfs_crash
test_vmkfs_crash_SRCS := tests/unit/vmkfs/test_vmkfs_crash.c tests/unit/vmkfs/memdev.c \
	$(VMKFS_LIB) vmkfs/platform-posix.c

# freestanding build check: objects for i386, no libc, then only the
# platform.h functions (and compiler helpers) may be left undefined
VMKFS_FREESTANDING := $(OUT)/vmkfs-freestanding.o
all: $(VMKFS_FREESTANDING)
$(VMKFS_FREESTANDING): $(addprefix $(TOP)/,$(VMKFS_LIB)) $(wildcard $(TOP)/vmkfs/*.h)
	@mkdir -p $(@D)/vmkfs-freestanding
	set -e; for f in $(VMKFS_LIB); do \
		$(CC) -std=gnu11 -m32 -ffreestanding -nostdlib -fno-pic -O2 \
			-Wall -Wextra -Werror -I$(TOP) -c $(TOP)/$$f \
			-o $(@D)/vmkfs-freestanding/$$(basename $$f .c).o; done
	ld -m elf_i386 -r -o $@ $(@D)/vmkfs-freestanding/*.o
	@undef=$$(nm -u $@ | awk '{print $$2}' | grep -v -E '^(vmkfs_[a-z0-9_]+|mem(cpy|set|cmp|move)|strlen|__u?(div|mod|udivmod)di[34])$$' || true); \
	if [ -n "$$undef" ]; then echo "vmkfs needs symbols outside platform.h: $$undef"; rm -f $@; exit 1; fi
