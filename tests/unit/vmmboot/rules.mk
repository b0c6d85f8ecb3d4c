# SPDX-License-Identifier: GPL-2.0-only
# vmm/boot/ tests: Linux boot protocol, Multiboot v1, MP table, E820, ACPI
# tables, SMBIOS, firmware boot.
# The loaders and tables alone; firmware.c needs the platform and fw_cfg.
VMM_BOOT_SRCS := $(filter-out vmm/boot/firmware.c,\
	$(patsubst $(TOP)/%,%,$(sort $(wildcard $(TOP)/vmm/boot/*.c))))
UNIT_TESTS += test_boot_linux test_boot_multiboot test_boot_acpi test_boot_smbios
test_boot_linux_SRCS := tests/unit/vmmboot/test_boot_linux.c $(VMM_BOOT_SRCS)
test_boot_multiboot_SRCS := tests/unit/vmmboot/test_boot_multiboot.c $(VMM_BOOT_SRCS)
test_boot_acpi_SRCS := tests/unit/vmmboot/test_boot_acpi.c $(VMM_BOOT_SRCS)
test_boot_smbios_SRCS := tests/unit/vmmboot/test_boot_smbios.c vmm/boot/smbios.c
# Firmware boot: the ROM's place and fw_cfg on a whole platform.
UNIT_TESTS += test_firmware
test_firmware_SRCS := tests/unit/vmmboot/test_firmware.c $(VMM_BOOT_SRCS) vmm/boot/firmware.c \
	vmm/devices.c $(patsubst $(TOP)/%,%,$(sort $(wildcard $(TOP)/vmm/dev/*.c $(TOP)/vmm/scsi/*.c)))
# The unit rule takes CFLAGS only: the kernel's path rides on a target-specific value.
$(OUT)/test_boot_multiboot: CFLAGS += -DMBTEST_ELF='"$(BUILD)/guest/mbtest.elf"'

# The Multiboot test loads the project's own test kernel as well.
$(OUT)/test_boot_multiboot: $(BUILD)/guest/mbtest.elf
$(BUILD)/guest/mbtest.elf: $(wildcard $(TOP)/tests/guest/Makefile $(TOP)/tests/guest/mbtest/*)
	$(MAKE) -s -C $(TOP)/tests/guest BUILD=$(BUILD)
