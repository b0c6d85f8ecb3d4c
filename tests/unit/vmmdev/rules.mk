# SPDX-License-Identifier: GPL-2.0-only
# vmm/ virtual platform tests: device core and the device models.
VMM_DEV_SRCS := vmm/devices.c $(patsubst $(TOP)/%,%,$(sort $(wildcard $(TOP)/vmm/dev/*.c $(TOP)/vmm/scsi/*.c)))
UNIT_TESTS += test_vdev_core test_vdev_legacy test_vdev_apic
test_vdev_core_SRCS := tests/unit/vmmdev/test_vdev_core.c $(VMM_DEV_SRCS)
test_vdev_legacy_SRCS := tests/unit/vmmdev/test_vdev_legacy.c $(VMM_DEV_SRCS)
test_vdev_apic_SRCS := tests/unit/vmmdev/test_vdev_apic.c $(VMM_DEV_SRCS)
UNIT_TESTS += test_pci_msi
test_pci_msi_SRCS := tests/unit/vmmdev/test_pci_msi.c $(VMM_DEV_SRCS)
UNIT_TESTS += test_fw_cfg
test_fw_cfg_SRCS := tests/unit/vmmdev/test_fw_cfg.c vmm/dev/fw_cfg.c

# The platform is linked into the freestanding vmkernel: every file under
# vmm/devices.c, vmm/dev/, vmm/scsi/ and vmm/boot/ must compile with -m32
# -ffreestanding (the same flags as the instruction emulator, see
# tests/unit/vmm/rules.mk) and need nothing from outside but the libgcc
# 64-bit division helpers the vmkernel links (vmkernel/Makefile LIBGCC).
VMM_PLATFORM_OBJS := $(patsubst $(TOP)/%.c,$(BUILD)/vmm-freestanding/%.o,\
	$(TOP)/vmm/devices.c $(sort $(wildcard $(TOP)/vmm/dev/*.c $(TOP)/vmm/scsi/*.c $(TOP)/vmm/boot/*.c)))
$(VMM_PLATFORM_OBJS): $(wildcard $(TOP)/vmm/*.h $(TOP)/vmm/dev/*.h $(TOP)/vmm/scsi/*.h $(TOP)/vmm/boot/*.h)

$(BUILD)/vmm-freestanding/platform.o: $(VMM_PLATFORM_OBJS)
	ld -m elf_i386 -r -o $@ $^
	@undef="$$(nm -u $@ | awk '{print $$2}' | grep -vxE '__u?(div|mod|divmod)di[34]' || true)"; \
	if [ -n "$$undef" ]; then \
		echo "vmm platform needs outside symbols: $$undef" >&2; \
		rm -f $@; exit 1; fi

$(addprefix $(OUT)/,test_vdev_core test_vdev_legacy test_vdev_apic test_pci_msi test_fw_cfg): $(BUILD)/vmm-freestanding/platform.o
