/* SPDX-License-Identifier: GPL-2.0-only */
/* vmkctl: the COS command line for the vmkernel. One file per verb. */
#ifndef VMKCTL_H
#define VMKCTL_H

#include <vmk/ioctl.h>

/* Opens /dev/vmkernel and checks the module's ABI; -1 with a message. */
int vmkctl_open(void);

int cmd_status(int argc, char **argv);
int cmd_log(int argc, char **argv);
int cmd_image(int argc, char **argv);

#endif /* VMKCTL_H */
