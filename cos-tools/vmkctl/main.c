// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "vmkctl.h"

#define VMK_MODULE_NAME	"vmkload"

int vmkctl_open(void)
{
	uint32_t version;
	int fd = open(VMK_DEVICE, O_RDWR);

	if (fd < 0) {
		fprintf(stderr, "vmkctl: %s: %s (is vmkload loaded?)\n",
			VMK_DEVICE, strerror(errno));
		return -1;
	}
	if (ioctl(fd, VMK_IOC_VERSION, &version) < 0 ||
	    version != VMK_ABI_VERSION) {
		fprintf(stderr, "vmkctl: module speaks ABI %u, vmkctl %u\n",
			version, VMK_ABI_VERSION);
		close(fd);
		return -1;
	}
	return fd;
}

static int cmd_unload(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	if (syscall(SYS_delete_module, VMK_MODULE_NAME, O_NONBLOCK) < 0) {
		fprintf(stderr, "vmkctl: unload: %s\n", errno == ENOENT ?
			"vmkload is not loaded" : strerror(errno));
		return 1;
	}
	printf("vmkernel unloaded: the machine is back under Linux\n");
	return 0;
}

static int cmd_debug(int argc, char **argv)
{
	int fd;

	if (argc < 2 || strcmp(argv[1], "panic")) {
		fprintf(stderr, "usage: vmkctl debug panic\n");
		return 2;
	}
	fd = vmkctl_open();
	if (fd < 0)
		return 1;
	if (ioctl(fd, VMK_IOC_PANIC_TEST) < 0) {
		fprintf(stderr, "vmkctl: panic test: %s%s\n", strerror(errno),
			errno == EOPNOTSUPP ? " (load vmkload with debug=1)" : "");
		close(fd);
		return 1;
	}
	close(fd);
	return 0;
}

static const struct verb {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *help;
} verbs[] = {
	{ "status", cmd_status, "version, CPUs, worlds, memory, uptime, exits" },
	{ "log", cmd_log, "print the vmkernel log" },
	{ "unload", cmd_unload, "give the machine back to Linux (rmmod vmkload)" },
	{ "image", cmd_image, "check FILE: validate a vmkernel image" },
	{ "debug", cmd_debug, "panic: force a vmkernel panic (vmkload debug=1)" },
};

static int usage(void)
{
	size_t i;

	fprintf(stderr, "usage: vmkctl COMMAND [ARGS]\n");
	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		fprintf(stderr, "  %-8s %s\n", verbs[i].name, verbs[i].help);
	return 2;
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2)
		return usage();
	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (!strcmp(argv[1], verbs[i].name))
			return verbs[i].run(argc - 1, argv + 1);
	return usage();
}
