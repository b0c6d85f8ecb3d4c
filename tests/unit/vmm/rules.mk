# SPDX-License-Identifier: GPL-2.0-only
# vmm/ unit tests: the MMIO instruction decoder and emulator, the guest
# page-table walk.
UNIT_TESTS += test_insn_decode test_insn_emulate test_guest_walk test_insn_string_io
test_guest_walk_SRCS := tests/unit/vmm/test_guest_walk.c vmm/guest_walk.c
test_insn_decode_SRCS := tests/unit/vmm/test_insn_decode.c vmm/decode.c vmm/emulate.c
test_insn_emulate_SRCS := tests/unit/vmm/test_insn_emulate.c vmm/decode.c vmm/emulate.c
test_insn_string_io_SRCS := tests/unit/vmm/test_insn_string_io.c vmm/decode.c vmm/emulate.c \
	vmm/guest_walk.c

# vmm/ is linked into the freestanding vmkernel: every vmm/ source must
# compile with -m32 -ffreestanding, and the instruction emulator must need
# nothing from outside (no memcpy/memset or libgcc helper the compiler could
# have emitted). Checked as part of building the tests, so `make unit` fails
# when it breaks. The rules below come before tests/unit/Makefile's `all`,
# hence the explicit default goal.
.DEFAULT_GOAL := all
VMM_FREESTANDING_CFLAGS := -std=gnu11 -m32 -ffreestanding -nostdlib -fno-pie \
	-fno-builtin -O2 -Wall -Wextra -Werror -I$(TOP)/include -I$(TOP)
VMM_INSN_OBJS := $(BUILD)/vmm-freestanding/vmm/decode.o $(BUILD)/vmm-freestanding/vmm/emulate.o

$(BUILD)/vmm-freestanding/%.o: $(TOP)/%.c $(wildcard $(TOP)/vmm/*.h)
	@mkdir -p $(@D)
	$(CC) $(VMM_FREESTANDING_CFLAGS) -c -o $@ $<

$(BUILD)/vmm-freestanding/insn.o: $(VMM_INSN_OBJS) \
		$(patsubst $(TOP)/%.c,$(BUILD)/vmm-freestanding/%.o,$(shell find $(TOP)/vmm -name '*.c'))
	ld -m elf_i386 -r -o $@ $(VMM_INSN_OBJS)
	@undef="$$(nm -u $@)"; if [ -n "$$undef" ]; then \
		echo "vmm instruction emulator needs outside symbols: $$undef" >&2; \
		rm -f $@; exit 1; fi

$(OUT)/test_insn_decode $(OUT)/test_insn_emulate $(OUT)/test_insn_string_io: $(BUILD)/vmm-freestanding/insn.o
