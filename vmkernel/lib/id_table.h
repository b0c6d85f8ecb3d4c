/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unique ids for objects allocated on demand (VMs), safe against a hostile
 * caller that keeps ids after their objects are gone.
 *
 * An id is a slot number (1..cap, the low IDT_INDEX_BITS) and the slot's
 * generation (the bits above). The lowest free slot is handed out, so slot
 * numbers stay small; its generation grows each time an object leaves it,
 * so a stale id names nothing even after its slot is reused. The first id
 * of slot n is n itself. Generations wrap after IDT_GEN_MASK + 1 uses of
 * one slot; ids stay below 2^31 (positive in any signed or Linux xarray
 * value).
 *
 * Each slot also counts references: idt_get() takes one, idt_put() drops
 * it. idt_remove() makes the id name nothing at once, but the slot is only
 * handed out again, and the object only freed by its owner, once the last
 * reference is gone: nobody's pointer outlives its object, and a slot is
 * never reinitialised under a user.
 *
 * Not locked: the owner serialises every call with one lock.
 */
#ifndef VMKERNEL_LIB_ID_TABLE_H
#define VMKERNEL_LIB_ID_TABLE_H

#include "vmkernel/platform.h"

#define IDT_INDEX_BITS		16
#define IDT_INDEX_MASK		((1u << IDT_INDEX_BITS) - 1)	/* cap at most this */
#define IDT_GEN_MASK		0x7fffu

struct id_slot {
	void *obj;		/* NULL: none (free once refs is 0) */
	uint32_t gen;		/* of the object's id, or of the next one */
	uint32_t refs;		/* idt_get()s not yet idt_put() */
};

struct id_table {
	struct id_slot *slot;	/* cap entries, zeroed: all free */
	uint32_t cap;		/* slots 1..cap, cap <= IDT_INDEX_MASK */
	uint32_t used;		/* slots not free: an object or references */
};

/* The slot number (1..cap for a valid id) of an id. */
static inline uint32_t idt_index(uint32_t id)
{
	return id & IDT_INDEX_MASK;
}

/* The new id of obj (not NULL), 0 when all cap slots are taken. */
uint32_t idt_alloc(struct id_table *t, void *obj);
/*
 * The object of id with a reference (idt_put() it), or NULL for an id
 * that is free, removed, stale (older generation) or outside 1..cap.
 */
void *idt_get(struct id_table *t, uint32_t id);
/* As idt_get() without a reference, for the holder of the owner's lock. */
void *idt_find(const struct id_table *t, uint32_t id);
/*
 * Drop a reference idt_get() gave for id. True when that was the last one
 * of a removed object: the owner frees it now.
 */
bool idt_put(struct id_table *t, uint32_t id);
/*
 * id names nothing from now on; the caller holds a reference from
 * idt_get(id), and the idt_put() that drops the last one says to free the
 * object. False, and nothing changes, for an id idt_get() would refuse or
 * one without a reference.
 */
bool idt_remove(struct id_table *t, uint32_t id);
/* The id of the object in the lowest slot >= from (0: 1), 0 when none. */
uint32_t idt_next(const struct id_table *t, uint32_t from);
/*
 * One page of a listing: the ids of up to max objects from slot `from` on,
 * in slot order, into ids; *next is the slot where the following page starts
 * (0: this was the last). Returns how many were written.
 */
uint32_t idt_page(const struct id_table *t, uint32_t from, uint32_t *ids,
		  uint32_t max, uint32_t *next);

#endif /* VMKERNEL_LIB_ID_TABLE_H */
