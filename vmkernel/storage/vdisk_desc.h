/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The text of a "vmfs" virtual disk's descriptor, as ESX writes it for a
 * flat disk on VMFS: one text shared by the COS's vmkfstools (vmdk.c,
 * with the C library's snprintf) and the vmkernel (vdisk.c, with
 * fmt_snprintf), so a disk made either way reads the same. Macros only:
 * this header includes nothing. Arguments, in order: CID (unsigned int),
 * sectors (unsigned long long), the extent's file name, cylinders
 * (unsigned long long), heads, sectors per track (unsigned int), the
 * adapter type, and VDISK_DESC_THIN_LINE or "".
 */
#ifndef VMKERNEL_STORAGE_VDISK_DESC_H
#define VMKERNEL_STORAGE_VDISK_DESC_H

#define VDISK_GEOM_HEADS	255u	/* BIOS geometry ESX uses for large disks */
#define VDISK_GEOM_SECTORS	63u
#define VDISK_GEOM_MAX_CYL	65535ull
/* The BIOS cylinders of a disk of s sectors. */
#define VDISK_GEOM_CYL(s) \
	((s) / (VDISK_GEOM_HEADS * VDISK_GEOM_SECTORS) > VDISK_GEOM_MAX_CYL ? \
	 VDISK_GEOM_MAX_CYL : (s) / (VDISK_GEOM_HEADS * VDISK_GEOM_SECTORS))

#define VDISK_DESC_THIN_LINE	"ddb.thinProvisioned = \"1\"\n"
#define VDISK_DESC_FORMAT \
	"# Disk DescriptorFile\n" \
	"version=1\n" \
	"encoding=\"UTF-8\"\n" \
	"CID=%08x\n" \
	"parentCID=ffffffff\n" \
	"createType=\"vmfs\"\n" \
	"\n" \
	"# Extent description\n" \
	"RW %llu VMFS \"%s\"\n" \
	"\n" \
	"# The Disk Data Base\n" \
	"#DDB\n" \
	"\n" \
	"ddb.virtualHWVersion = \"4\"\n" \
	"ddb.geometry.cylinders = \"%llu\"\n" \
	"ddb.geometry.heads = \"%u\"\n" \
	"ddb.geometry.sectors = \"%u\"\n" \
	"ddb.adapterType = \"%s\"\n" \
	"%s"

#endif /* VMKERNEL_STORAGE_VDISK_DESC_H */
