// SPDX-License-Identifier: GPL-2.0-only
/*
 * Memory: map anonymous memory, write a pattern that differs per page and per
 * round (an address-dependent value catches pages mapped twice or to the
 * wrong frame, e.g. a nested page table bug), read it back, unmap.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include "labtool.h"

static uint32_t mem_pattern(uint32_t round, size_t word)
{
	uint32_t x = (uint32_t)word * 2654435761u ^ round * 0x9e3779b9u;

	return x ^ (x >> 15);
}

int cmd_mem(int argc, char **argv)
{
	uint64_t size;
	unsigned long rounds, r;
	size_t words, i;

	if (argc != 3 || !(size = labtool_size(argv[1])) || !(rounds = strtoul(argv[2], NULL, 0)))
		return labtool_fail("usage: mem SIZE ROUNDS");
	words = size / sizeof(uint32_t);
	for (r = 0; r < rounds; r++) {
		uint32_t *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			return labtool_fail("mem: cannot map %llu bytes: %m",
					    (unsigned long long)size);
		for (i = 0; i < words; i++)
			p[i] = mem_pattern(r, i);
		for (i = 0; i < words; i++)
			if (p[i] != mem_pattern(r, i))
				return labtool_fail("mem: round %lu word %zu reads %#x, wrote %#x",
						    r, i, p[i], mem_pattern(r, i));
		munmap(p, size);
	}
	printf("mem: %lu rounds of %llu bytes verified\n", rounds, (unsigned long long)size);
	return 0;
}
