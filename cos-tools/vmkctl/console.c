// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmkctl vm console NAME: the VM's COM1 on this terminal. Interactive: the
 * terminal in raw mode, keys go to the guest, its output to the screen,
 * Ctrl-] detaches and leaves the VM running. With --send/--expect (tests,
 * scripts): type TEXT, print the output until EXPECT appears (exit 0) or
 * --timeout seconds pass (exit 1).
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include "console_text.h"
#include "vmkctl.h"

#define POLL_MS		20
#define STATE_EVERY_MS	500
#define BUF_SIZE	4096

struct console {
	int fd;
	uint32_t id;
	const char *name;
};

/*
 * A console ioctl failed. EINVAL names an id the vmkernel no longer has:
 * the VM was killed and started again (a new VM, a new id) or destroyed
 * since this command looked its name up.
 */
static void console_error(const struct console *c, const char *doing)
{
	if (errno == EINVAL)
		fprintf(stderr, "vmkctl: vm console %s: %s: the VM was destroyed or started anew meanwhile (id %u is gone)\n",
			c->name, doing, c->id);
	else
		fprintf(stderr, "vmkctl: vm console %s: %s: %s\n", c->name, doing,
			strerror(errno));
}

/* Guest output since the last read; its length, or -1. */
static long console_read(const struct console *c, char *buf, size_t size)
{
	struct vmk_ioc_vm_console r = { .id = c->id, .len = (uint32_t)size,
					 .data = (uintptr_t)buf };

	if (ioctl(c->fd, VMK_IOC_VM_CONSOLE_READ, &r) < 0) {
		console_error(c, "reading COM1");
		return -1;
	}
	return r.len;
}

/* Types all of buf, waiting for the 16-byte receive FIFO to drain. */
static int console_write(const struct console *c, const char *buf, size_t n,
			 uint64_t deadline_ms)
{
	while (n) {
		struct vmk_ioc_vm_console w = { .id = c->id, .len = (uint32_t)n,
						 .data = (uintptr_t)buf };

		if (ioctl(c->fd, VMK_IOC_VM_CONSOLE_WRITE, &w) < 0) {
			console_error(c, "typing into COM1");
			return -1;
		}
		buf += w.len;
		n -= w.len;
		if (!n)
			break;
		if (vm_now_ms() > deadline_ms) {
			fprintf(stderr, "vmkctl: vm console %s: the guest does not read COM1 (%zu bytes not typed)\n",
				c->name, n);
			return -1;
		}
		vm_sleep_ms(POLL_MS);
	}
	return 0;
}

/* Copy the guest's output to stdout; feed e if given. 1: e matched. */
static int console_pump(const struct console *c, struct console_expect *e)
{
	char buf[BUF_SIZE];
	long n;
	int matched = 0;

	while ((n = console_read(c, buf, sizeof(buf))) > 0) {
		if (fwrite(buf, 1, (size_t)n, stdout) != (size_t)n)
			return -1;
		if (e && console_expect_feed(e, buf, (size_t)n))
			matched = 1;
	}
	fflush(stdout);
	return n < 0 ? -1 : matched;
}

static bool vm_running(const struct console *c, struct vmk_vm_info *info)
{
	memset(info, 0, sizeof(*info));
	info->id = c->id;
	return ioctl(c->fd, VMK_IOC_VM_INFO, info) == 0 &&
	       info->state == VMK_VM_STATE_RUNNING;
}

static int console_script(const struct console *c, const char *send,
			  const char *expect, unsigned int timeout_s)
{
	uint64_t deadline = vm_now_ms() + (uint64_t)timeout_s * 1000, last_state = 0;
	struct console_expect e;
	struct vmk_vm_info info;
	char *text = NULL;
	int r;

	if (expect && console_expect_init(&e, expect)) {
		fprintf(stderr, "vmkctl: vm console: --expect needs 1 to %d characters\n",
			CONSOLE_EXPECT_MAX - 1);
		return 2;
	}
	if (send) {
		long n;

		text = malloc(strlen(send) + 1);
		n = text ? console_unescape(send, text) : -1;
		if (n < 0) {
			fprintf(stderr, "vmkctl: vm console: bad escape in --send (known: \\n \\r \\t \\e \\\\ \\xHH)\n");
			free(text);
			return 2;
		}
		r = console_write(c, text, (size_t)n, deadline);
		free(text);
		if (r)
			return 1;
	}
	if (!expect)
		return console_pump(c, NULL) < 0;
	for (;;) {
		r = console_pump(c, &e);
		if (r)
			return r < 0;
		if (vm_now_ms() - last_state >= STATE_EVERY_MS) {
			last_state = vm_now_ms();
			if (!vm_running(c, &info)) {
				if (console_pump(c, &e) == 1)
					return 0;
				fprintf(stderr, "\nvmkctl: vm console %s: '%s' did not appear: the VM is %s (%s)\n",
					c->name, expect, vm_state_name(info.state),
					info.reason[0] ? info.reason : "no reason given");
				return 1;
			}
		}
		if (vm_now_ms() > deadline) {
			fprintf(stderr, "\nvmkctl: vm console %s: '%s' did not appear within %u s\n",
				c->name, expect, timeout_s);
			return 1;
		}
		vm_sleep_ms(POLL_MS);
	}
}

static int console_interactive(const struct console *c, unsigned int timeout_s)
{
	uint64_t deadline = timeout_s ? vm_now_ms() + (uint64_t)timeout_s * 1000 : 0;
	struct termios saved, raw;
	bool tty = isatty(STDIN_FILENO), detach = false;
	char in[256], out[256];
	int ret = 0;

	if (tty) {
		if (tcgetattr(STDIN_FILENO, &saved)) {
			fprintf(stderr, "vmkctl: vm console: terminal: %s\n", strerror(errno));
			return 1;
		}
		raw = saved;
		cfmakeraw(&raw);
		tcsetattr(STDIN_FILENO, TCSANOW, &raw);
	}
	fprintf(stderr, "[connected to %s's COM1; detach with Ctrl-], the VM keeps running]\r\n",
		c->name);
	while (!detach) {
		struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };
		int r = poll(&p, 1, POLL_MS);

		if (r > 0) {
			ssize_t n = read(STDIN_FILENO, in, sizeof(in));
			size_t keep;

			if (n <= 0)
				break;	/* end of input: detach */
			keep = console_keys(in, (size_t)n, out, &detach);
			if (keep && console_write(c, out, keep, vm_now_ms() + 5000)) {
				ret = 1;
				break;
			}
		}
		if (console_pump(c, NULL) < 0) {
			ret = 1;
			break;
		}
		if (deadline && vm_now_ms() > deadline)
			break;
	}
	if (tty)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
	fprintf(stderr, "\r\n[detached from %s; it keeps running]\n", c->name);
	return ret;
}

int cmd_vm_console(int argc, char **argv)
{
	const char *send = NULL, *expect = NULL;
	unsigned int timeout_s = 0;
	struct vmk_vm_info info;
	struct console c;
	int i, ret;

	if (argc < 2)
		goto usage;
	for (i = 2; i < argc; i++) {
		if (i + 1 >= argc)
			goto usage;
		if (!strcmp(argv[i], "--send"))
			send = argv[++i];
		else if (!strcmp(argv[i], "--expect"))
			expect = argv[++i];
		else if (!strcmp(argv[i], "--timeout"))
			timeout_s = (unsigned int)strtoul(argv[++i], NULL, 10);
		else
			goto usage;
	}
	c.name = argv[1];
	c.fd = vm_open_named(argv[1], &info);
	if (c.fd < 0)
		return 1;
	c.id = info.id;
	if (send || expect)
		ret = console_script(&c, send, expect, timeout_s ? timeout_s : 30);
	else
		ret = console_interactive(&c, timeout_s);
	close(c.fd);
	return ret;
usage:
	fprintf(stderr, "usage: vmkctl vm console NAME                 interactive, Ctrl-] detaches\n"
		"       vmkctl vm console NAME [--send TEXT] [--expect TEXT] [--timeout SECONDS]\n");
	return 2;
}
