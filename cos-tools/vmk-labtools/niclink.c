// SPDX-License-Identifier: GPL-2.0-only
/*
 * nic-link ID NIC STATE: VMK_IOC_NIC_LINK with the three values as given
 * (vmkctl vm nic checks them first; the vmkernel must not rely on it).
 * Prints "ok" or "refused: <errno>: <the vmkernel's sentence>"; exit 0
 * either way, 1 when the device cannot be opened.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "include/vmk/ioctl.h"
#include "labtool.h"

int cmd_nic_link(int argc, char **argv)
{
	struct vmk_ioc_nic_link l = { 0 };
	int fd;

	if (argc != 4)
		return labtool_fail("usage: nic-link ID NIC STATE");
	l.id = (uint32_t)strtoul(argv[1], NULL, 0);
	l.nic = (uint32_t)strtoul(argv[2], NULL, 0);
	l.up = (uint32_t)strtoul(argv[3], NULL, 0);
	fd = open(VMK_DEVICE, O_RDWR);
	if (fd < 0)
		return labtool_fail("%s: %m", VMK_DEVICE);
	if (ioctl(fd, VMK_IOC_NIC_LINK, &l) < 0)
		printf("refused: %s: %.*s\n", strerror(errno), (int)sizeof(l.msg), l.msg);
	else
		printf("ok\n");
	close(fd);
	return 0;
}
