// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmkfstools: VMDK text descriptors. The extent type "VMFS" with
 * createType "vmfs" is what ESX writes for a disk on VMFS; qemu-img reads
 * it as a flat (raw) extent.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cos-tools/vmkfstools/vmdk.h"
#include "vmkernel/storage/vdisk_desc.h"

int vmdk_render(char *out, size_t len, const char *flat, uint64_t sectors,
		int thin, const char *adapter)
{
	int n = snprintf(out, len, VDISK_DESC_FORMAT,
			 (unsigned int)(rand() & 0x7fffffff),
			 (unsigned long long)sectors, flat,
			 (unsigned long long)VDISK_GEOM_CYL(sectors),
			 VDISK_GEOM_HEADS, VDISK_GEOM_SECTORS, adapter,
			 thin ? VDISK_DESC_THIN_LINE : "");

	return n < 0 || (size_t)n >= len ? -1 : n;
}

int vmdk_parse(const char *text, char *flat, size_t flat_len,
	       uint64_t *sectors)
{
	const char *line = text;

	while (line && *line) {
		char access[8], type[16], name[256];
		unsigned long long secs;

		if (sscanf(line, "%7s %llu %15s \"%255[^\"]\"", access, &secs,
			   type, name) == 4 &&
		    (!strcmp(access, "RW") || !strcmp(access, "RDONLY")) &&
		    (!strcmp(type, "VMFS") || !strcmp(type, "FLAT"))) {
			if (strlen(name) >= flat_len)
				return -1;
			strcpy(flat, name);
			*sectors = secs;
			return 0;
		}
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return -1;
}
