/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The VM inventory: the .vmx files registered with `vmkctl vm register`,
 * one absolute path per line in /etc/vmk/inventory (VMK_INVENTORY in the
 * environment names another file). Pure file handling: host-tested in
 * tests/unit/vmkctl.
 */
#ifndef VMKCTL_INVENTORY_H
#define VMKCTL_INVENTORY_H

#include <stddef.h>

#include "cos-tools/lib/diag.h"

#define INVENTORY_DEFAULT	"/etc/vmk/inventory"
#define INVENTORY_MAX		64	/* registered VMs */
#define INVENTORY_PATH_MAX	1024

struct inventory {
	size_t count;
	char path[INVENTORY_MAX][INVENTORY_PATH_MAX];
};

/* $VMK_INVENTORY or INVENTORY_DEFAULT. */
const char *inventory_file(void);

/*
 * Read file into inv (a missing file is an empty inventory). 0, or -1 with
 * a sentence in diag (unreadable, a line that is not an absolute path, too
 * many entries).
 */
int inventory_load(const char *file, struct inventory *inv, struct diag *diag);

/*
 * A writer's hold on file: FILE.lock (mode 0600, made in its folder)
 * flock()ed. Every read-modify-write of the inventory (vmkctl vm
 * register/unregister, vmk-hostd's RegisterVM_Task, CreateVM_Task,
 * UnregisterVM, Destroy_Task) holds it from its load to its save, so two
 * at once cannot lose one's change or write one temporary file together.
 * Readers need none: a save renames a whole file over the old. Waits up
 * to wait_ms. The fd, for inventory_unlock(); -1 with diag.
 */
#define INVENTORY_LOCK_WAIT_MS	10000
int inventory_lock(const char *file, int wait_ms, struct diag *diag);
void inventory_unlock(int fd);

/* Write inv to file (folder created, replaced atomically). 0 or -1 + diag. */
int inventory_save(const char *file, const struct inventory *inv, struct diag *diag);

/* Index of path in inv, or -1. */
int inventory_find(const struct inventory *inv, const char *path);

/* 0; -1 + diag if path is not absolute, too long, present or inv is full. */
int inventory_add(struct inventory *inv, const char *path, struct diag *diag);

/* 0, or -1 if path is not in inv. */
int inventory_remove(struct inventory *inv, const char *path);

/*
 * Index of the registered .vmx whose displayName is name, or -1. A .vmx
 * that no longer loads or parses is skipped (vmkctl vm list shows why).
 */
int inventory_find_name(const struct inventory *inv, const char *name);

#endif /* VMKCTL_INVENTORY_H */
