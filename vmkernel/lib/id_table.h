/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Small unique integer ids for objects allocated on demand (VMs): id n
 * names slot[n - 1] of a table of pointers the owner provides, whose size
 * is only a guard. The lowest free id is handed out, so ids stay small and
 * one is reused once its object is gone. Not locked: the owner serializes.
 */
#ifndef VMKERNEL_LIB_ID_TABLE_H
#define VMKERNEL_LIB_ID_TABLE_H

#include "vmkernel/platform.h"

struct id_table {
	void **slot;		/* cap entries, NULL: free */
	uint32_t cap;		/* ids 1..cap */
	uint32_t used;
};

/* The new id of obj (not NULL), 0 when all cap ids are taken. */
uint32_t idt_alloc(struct id_table *t, void *obj);
/* The object of id, NULL for a free id or one outside 1..cap. */
void *idt_get(const struct id_table *t, uint32_t id);
/* Forget id (a free or out-of-range id is ignored). */
void idt_free(struct id_table *t, uint32_t id);
/* The lowest id in use that is >= from, 0 when there is none. */
uint32_t idt_next(const struct id_table *t, uint32_t from);
/*
 * One page of a listing: up to max ids in use from `from` on, ascending,
 * into ids; *next is where the following page starts (0: this was the
 * last). Returns how many were written.
 */
uint32_t idt_page(const struct id_table *t, uint32_t from, uint32_t *ids,
		  uint32_t max, uint32_t *next);

#endif /* VMKERNEL_LIB_ID_TABLE_H */
