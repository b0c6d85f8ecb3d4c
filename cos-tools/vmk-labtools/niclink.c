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
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
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

/*
 * maddr add|del IFACE MAC: a link-layer multicast address on IFACE
 * (SIOCADDMULTI, as iproute2's `ip maddr`, which busybox lacks).
 */
int cmd_maddr(int argc, char **argv)
{
	struct ifreq ifr = { 0 };
	unsigned int m[6];
	int fd, add, i;

	if (argc != 4 || (strcmp(argv[1], "add") && strcmp(argv[1], "del")) ||
	    sscanf(argv[3], "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5]) != 6)
		return labtool_fail("usage: maddr add|del IFACE MAC");
	add = !strcmp(argv[1], "add");
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", argv[2]);
	ifr.ifr_hwaddr.sa_family = AF_UNSPEC;
	for (i = 0; i < 6; i++)
		ifr.ifr_hwaddr.sa_data[i] = (char)m[i];
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		return labtool_fail("socket: %m");
	if (ioctl(fd, add ? SIOCADDMULTI : SIOCDELMULTI, &ifr) < 0) {
		close(fd);
		return labtool_fail("%s %s on %s: %m", argv[1], argv[3], argv[2]);
	}
	close(fd);
	return 0;
}
