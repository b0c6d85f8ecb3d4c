// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmkfstools: VMDK text descriptors. The extent type "VMFS" with
 * createType "vmfs" is what ESX writes for a disk on VMFS; qemu-img reads
 * it as a flat (raw) extent.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cos-tools/vmkfstools/vmdk.h"

#define GEOM_HEADS	255u	/* BIOS geometry ESX uses for large disks */
#define GEOM_SECTORS	63u

int vmdk_render(char *out, size_t len, const char *flat, uint64_t sectors,
		int thin, const char *adapter)
{
	uint64_t cyl = sectors / (GEOM_HEADS * GEOM_SECTORS);
	int n;

	if (cyl > 65535)
		cyl = 65535;
	n = snprintf(out, len,
		     "# Disk DescriptorFile\n"
		     "version=1\n"
		     "encoding=\"UTF-8\"\n"
		     "CID=%08x\n"
		     "parentCID=ffffffff\n"
		     "createType=\"vmfs\"\n"
		     "\n"
		     "# Extent description\n"
		     "RW %" PRIu64 " VMFS \"%s\"\n"
		     "\n"
		     "# The Disk Data Base\n"
		     "#DDB\n"
		     "\n"
		     "ddb.virtualHWVersion = \"4\"\n"
		     "ddb.geometry.cylinders = \"%" PRIu64 "\"\n"
		     "ddb.geometry.heads = \"%u\"\n"
		     "ddb.geometry.sectors = \"%u\"\n"
		     "ddb.adapterType = \"%s\"\n"
		     "%s",
		     (unsigned int)(rand() & 0x7fffffff), sectors, flat, cyl,
		     GEOM_HEADS, GEOM_SECTORS, adapter,
		     thin ? "ddb.thinProvisioned = \"1\"\n" : "");
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
