// SPDX-License-Identifier: GPL-2.0-only
/* The VM inventory file: see inventory.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "inventory.h"
#include "cos-tools/vmx/vmx.h"

const char *inventory_file(void)
{
	const char *env = getenv("VMK_INVENTORY");

	return env && *env ? env : INVENTORY_DEFAULT;
}

int inventory_find(const struct inventory *inv, const char *path)
{
	for (size_t i = 0; i < inv->count; i++)
		if (!strcmp(inv->path[i], path))
			return (int)i;
	return -1;
}

int inventory_find_name(const struct inventory *inv, const char *name)
{
	int found = -1;

	for (size_t i = 0; i < inv->count && found < 0; i++) {
		struct diag diag = { 0 };
		struct vmx_file file;
		struct vmx_config cfg;

		if (vmx_load(inv->path[i], &file, &diag) == 0 &&
		    vmx_config_from_file(&file, &cfg, &diag) == 0 &&
		    !strcmp(cfg.display_name, name))
			found = (int)i;
		vmx_file_free(&file);
		diag_free(&diag);
	}
	return found;
}

int inventory_add(struct inventory *inv, const char *path, struct diag *diag)
{
	if (path[0] != '/') {
		diag_add(diag, "'%s' is not an absolute path", path);
		return -1;
	}
	if (strlen(path) >= INVENTORY_PATH_MAX) {
		diag_add(diag, "path longer than %d bytes", INVENTORY_PATH_MAX - 1);
		return -1;
	}
	if (strchr(path, '\n')) {
		diag_add(diag, "a path with a newline cannot be registered");
		return -1;
	}
	if (inventory_find(inv, path) >= 0) {
		diag_add(diag, "%s is already registered", path);
		return -1;
	}
	if (inv->count == INVENTORY_MAX) {
		diag_add(diag, "the inventory is full (%d VMs): unregister one first",
			 INVENTORY_MAX);
		return -1;
	}
	strcpy(inv->path[inv->count++], path);
	return 0;
}

int inventory_remove(struct inventory *inv, const char *path)
{
	int i = inventory_find(inv, path);

	if (i < 0)
		return -1;
	memmove(inv->path[i], inv->path[i + 1],
		(inv->count - (size_t)i - 1) * sizeof(inv->path[0]));
	inv->count--;
	return 0;
}

int inventory_load(const char *file, struct inventory *inv, struct diag *diag)
{
	char line[INVENTORY_PATH_MAX + 2];
	unsigned int lineno = 0;
	FILE *f = fopen(file, "r");

	inv->count = 0;
	if (!f) {
		if (errno == ENOENT)
			return 0;
		diag_add(diag, "%s: %s", file, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		size_t len = strlen(line);
		struct diag bad = { 0 };

		lineno++;
		if (len && line[len - 1] == '\n')
			line[--len] = '\0';
		else if (!feof(f)) {
			diag_add_at(diag, file, lineno, "line too long");
			fclose(f);
			return -1;
		}
		if (!len || line[0] == '#')
			continue;
		if (inventory_add(inv, line, &bad)) {
			diag_add_at(diag, file, lineno, "%s", bad.msgs[0]);
			diag_free(&bad);
			fclose(f);
			return -1;
		}
	}
	fclose(f);
	return 0;
}

/* mkdir -p of the folder holding file. */
static int make_parent(const char *file)
{
	char dir[INVENTORY_PATH_MAX];
	char *p;

	if (strlen(file) >= sizeof(dir))
		return -1;
	strcpy(dir, file);
	p = strrchr(dir, '/');
	if (!p || p == dir)
		return 0;
	*p = '\0';
	for (p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0755) && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(dir, 0755) && errno != EEXIST ? -1 : 0;
}

int inventory_lock(const char *file, int wait_ms, struct diag *diag)
{
	const struct timespec nap = { 0, 20 * 1000 * 1000 };
	char lock[INVENTORY_PATH_MAX + 8];
	int fd, waited;

	if (make_parent(file)) {
		diag_add(diag, "cannot create the folder of %s: %s", file, strerror(errno));
		return -1;
	}
	snprintf(lock, sizeof(lock), "%s.lock", file);
	fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		diag_add(diag, "%s: %s", lock, strerror(errno));
		return -1;
	}
	for (waited = 0; flock(fd, LOCK_EX | LOCK_NB); waited += 20) {
		if (errno != EWOULDBLOCK || waited >= wait_ms) {
			if (errno == EWOULDBLOCK)
				diag_add(diag, "%s stayed locked for %d s (another vmkctl vm register or unregister, or vmk-hostd: see lslocks); try again",
					 lock, wait_ms / 1000);
			else
				diag_add(diag, "cannot lock %s: %s", lock, strerror(errno));
			close(fd);
			return -1;
		}
		nanosleep(&nap, NULL);
	}
	return fd;
}

void inventory_unlock(int fd)
{
	if (fd >= 0)
		close(fd);	/* the flock goes with the last fd */
}

int inventory_save(const char *file, const struct inventory *inv, struct diag *diag)
{
	char tmp[INVENTORY_PATH_MAX + 8];
	FILE *f;
	int bad;

	if (make_parent(file)) {
		diag_add(diag, "cannot create the folder of %s: %s", file, strerror(errno));
		return -1;
	}
	snprintf(tmp, sizeof(tmp), "%s.new", file);
	f = fopen(tmp, "w");
	if (!f) {
		diag_add(diag, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	fprintf(f, "# vmk VM inventory: one registered .vmx per line (vmkctl vm register)\n");
	for (size_t i = 0; i < inv->count; i++)
		fprintf(f, "%s\n", inv->path[i]);
	bad = ferror(f) | fflush(f) | fsync(fileno(f));
	if (fclose(f) || bad || rename(tmp, file)) {
		diag_add(diag, "writing %s: %s", file, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}
