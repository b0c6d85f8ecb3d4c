// SPDX-License-Identifier: GPL-2.0-only
/* Small unique ids for objects allocated on demand (id_table.h). */
#include "vmkernel/lib/id_table.h"

uint32_t idt_alloc(struct id_table *t, void *obj)
{
	uint32_t i;

	if (!obj || t->used == t->cap)
		return 0;
	for (i = 0; i < t->cap; i++) {
		if (!t->slot[i]) {
			t->slot[i] = obj;
			t->used++;
			return i + 1;
		}
	}
	return 0;
}

void *idt_get(const struct id_table *t, uint32_t id)
{
	if (id < 1 || id > t->cap)
		return NULL;
	return t->slot[id - 1];
}

void idt_free(struct id_table *t, uint32_t id)
{
	if (!idt_get(t, id))
		return;
	t->slot[id - 1] = NULL;
	t->used--;
}

uint32_t idt_next(const struct id_table *t, uint32_t from)
{
	uint32_t id;

	for (id = from ? from : 1; id <= t->cap; id++)
		if (t->slot[id - 1])
			return id;
	return 0;
}

uint32_t idt_page(const struct id_table *t, uint32_t from, uint32_t *ids,
		  uint32_t max, uint32_t *next)
{
	uint32_t n = 0, id = idt_next(t, from);

	while (id && n < max) {
		ids[n++] = id;
		id = idt_next(t, id + 1);
	}
	*next = id;
	return n;
}
