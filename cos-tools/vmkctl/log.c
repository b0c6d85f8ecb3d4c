// SPDX-License-Identifier: GPL-2.0-only
/* vmkctl log: the vmkernel log ring, oldest record first. */
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "vmkctl.h"

#define BATCH	32

int cmd_log(int argc, char **argv)
{
	static const char *const level[] = { "ERR", "WRN", "INF", "DBG" };
	struct vmk_log_record rec[BATCH];
	struct vmk_log_read req = { .cursor = 0 };
	int fd;

	(void)argc;
	(void)argv;
	fd = vmkctl_open();
	if (fd < 0)
		return 1;
	for (;;) {
		uint32_t i;

		req.records = (uintptr_t)rec;
		req.max = BATCH;
		if (ioctl(fd, VMK_IOC_LOG_READ, &req) < 0) {
			fprintf(stderr, "vmkctl: log: %s\n", strerror(errno));
			close(fd);
			return 1;
		}
		for (i = 0; i < req.count; i++)
			printf("[%5llu.%06llu] cpu%u %s: %.*s\n",
			       (unsigned long long)rec[i].time_us / 1000000,
			       (unsigned long long)rec[i].time_us % 1000000,
			       rec[i].cpu, level[rec[i].level & 3],
			       VMK_LOG_TEXT_LEN, rec[i].text);
		if (req.count < BATCH)
			break;
	}
	close(fd);
	return 0;
}
