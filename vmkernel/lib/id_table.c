// SPDX-License-Identifier: GPL-2.0-only
/* Unique ids for objects allocated on demand (id_table.h). */
#include "vmkernel/lib/id_table.h"

static uint32_t slot_id(const struct id_table *t, const struct id_slot *s)
{
	return s->gen << IDT_INDEX_BITS | (uint32_t)(s - t->slot + 1);
}

uint32_t idt_alloc(struct id_table *t, void *obj)
{
	struct id_slot *s;
	uint32_t i;

	if (!obj || t->used == t->cap)
		return 0;
	for (i = 0; i < t->cap; i++) {
		s = &t->slot[i];
		if (!s->obj && !s->refs) {
			s->obj = obj;
			t->used++;
			return slot_id(t, s);
		}
	}
	return 0;
}

void *idt_find(const struct id_table *t, uint32_t id)
{
	uint32_t i = idt_index(id);
	const struct id_slot *s;

	if (i < 1 || i > t->cap)
		return NULL;
	s = &t->slot[i - 1];
	if (!s->obj || s->gen != id >> IDT_INDEX_BITS)
		return NULL;
	return s->obj;
}

void *idt_get(struct id_table *t, uint32_t id)
{
	void *obj = idt_find(t, id);

	if (obj)
		t->slot[idt_index(id) - 1].refs++;
	return obj;
}

bool idt_put(struct id_table *t, uint32_t id)
{
	struct id_slot *s = &t->slot[idt_index(id) - 1];

	if (--s->refs || s->obj)
		return false;
	t->used--;
	return true;
}

bool idt_remove(struct id_table *t, uint32_t id)
{
	struct id_slot *s;

	if (!idt_find(t, id))
		return false;
	s = &t->slot[idt_index(id) - 1];
	if (!s->refs)
		return false;
	s->obj = NULL;
	s->gen = (s->gen + 1) & IDT_GEN_MASK;
	return true;
}

uint32_t idt_next(const struct id_table *t, uint32_t from)
{
	uint32_t i;

	for (i = from ? from : 1; i <= t->cap; i++)
		if (t->slot[i - 1].obj)
			return slot_id(t, &t->slot[i - 1]);
	return 0;
}

uint32_t idt_page(const struct id_table *t, uint32_t from, uint32_t *ids,
		  uint32_t max, uint32_t *next)
{
	uint32_t n = 0, id = idt_next(t, from);

	while (id && n < max) {
		ids[n++] = id;
		id = idt_next(t, idt_index(id) + 1);
	}
	*next = idt_index(id);
	return n;
}
