// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmkctl storage (cos-tools/vmkctl/storage.c) when the vmkernel answers
 * VMK_BUSY (EBUSY) with a sentence in msg: the sentence reaches the
 * operator and the exit status is not 0. The driver is a fake ioctl().
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "cos-tools/vmkctl/vmkctl.h"
#include "tests/unit/check_run.h"

#define BUSY_MSG	"waited 16 s for the storage lock, held by VM disk I/O"

int vmkctl_open(void)
{
	return open("/dev/null", O_RDONLY);
}

/* Every storage request fails as the vmkernel's cos_lock() makes it. */
int ioctl(int fd, unsigned long req, ...)
{
	va_list ap;
	void *arg;

	(void)fd;
	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (req == VMK_IOC_STORAGE_LIST)
		snprintf(((struct vmk_storage_list *)arg)->msg, VMK_STORAGE_MSG_LEN, BUSY_MSG);
	else if (req == VMK_IOC_STORAGE_READ)
		snprintf(((struct vmk_storage_read *)arg)->msg, VMK_STORAGE_MSG_LEN, BUSY_MSG);
	else if (req == VMK_IOC_STORAGE_RESCAN)
		snprintf(((struct vmk_storage_rescan *)arg)->msg, VMK_STORAGE_MSG_LEN, BUSY_MSG);
	else if (req == VMK_IOC_STORAGE_DATASTORES)
		snprintf(((struct vmk_datastore_list *)arg)->msg, VMK_STORAGE_MSG_LEN, BUSY_MSG);
	errno = EBUSY;
	return -1;
}

static char said[1024];

/* cmd_storage(argv...) with its stderr kept in said. */
static int storage(int argc, char **argv)
{
	FILE *f = tmpfile();
	int saved = dup(2), ret;
	size_t n;

	ck_assert_ptr_nonnull(f);
	fflush(stderr);
	dup2(fileno(f), 2);
	ret = cmd_storage(argc, argv);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(f);
	n = fread(said, 1, sizeof(said) - 1, f);
	said[n] = '\0';
	fclose(f);
	return ret;
}

START_TEST(test_each_verb_when_busy_says_why_and_fails)
{
	static char *verbs[][5] = {
		{ "storage", "luns" },
		{ "storage", "adapters" },
		{ "storage", "rescan" },
		{ "storage", "datastores" },
		{ "storage", "read", "0:0", "0" },
	};

	for (unsigned int i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
		int argc = 0;

		while (verbs[i][argc])
			argc++;
		ck_assert_int_ne(storage(argc, verbs[i]), 0);
		ck_assert_msg(strstr(said, ": " BUSY_MSG "\n"), "vmkctl storage %s said '%s'",
			      verbs[i][1], said);
	}
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("vmkctl storage");

	tcase_add_test(tc, test_each_verb_when_busy_says_why_and_fails);
	return check_run("vmkctl storage", tc);
}
