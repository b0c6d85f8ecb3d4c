/* SPDX-License-Identifier: GPL-2.0-only */
/* vmkctl: the COS command line for the vmkernel. One file per verb. */
#ifndef VMKCTL_H
#define VMKCTL_H

#include <vmk/ioctl.h>
#include "cos-tools/vmkdev/vmkdev.h"

/* Opens /dev/vmkernel and checks the module's ABI; -1 with a message. */
int vmkctl_open(void);

int cmd_status(int argc, char **argv);
int cmd_log(int argc, char **argv);
int cmd_image(int argc, char **argv);
int cmd_vm(int argc, char **argv);
int cmd_network(int argc, char **argv);
int cmd_storage(int argc, char **argv);

/* VM helpers shared by the vm verbs (vm.c) and console/unload. */
struct vmk_vm_info;
int cmd_vm_console(int argc, char **argv);
const char *vm_state_name(uint32_t state);
void vm_sleep_ms(unsigned int ms);
/* CLOCK_MONOTONIC in milliseconds. */
uint64_t vm_now_ms(void);
/* The vmkernel's VMs, any number, malloc'd into *infos; -1 with a message. */
int vm_list_all(int fd, struct vmk_vm_info **infos, uint32_t *count);
/* /dev/vmkernel opened and the VM named name found; -1 with a message. */
int vm_open_named(const char *name, struct vmk_vm_info *info);

#endif /* VMKCTL_H */
