/* SPDX-License-Identifier: GPL-2.0-only */
/* vmkfstools: VMDK descriptors for "vmfs" disks (descriptor + flat extent). */
#ifndef VMKFSTOOLS_VMDK_H
#define VMKFSTOOLS_VMDK_H

#include <stddef.h>
#include <stdint.h>

#define VMDK_SECTOR 512u

/* render a descriptor for a flat extent named `flat` of `sectors` sectors */
int vmdk_render(char *out, size_t len, const char *flat, uint64_t sectors,
		int thin, const char *adapter);
/* find the first extent line: returns 0 and fills flat/sectors, or -1 */
int vmdk_parse(const char *text, char *flat, size_t flat_len,
	       uint64_t *sectors);

#endif
