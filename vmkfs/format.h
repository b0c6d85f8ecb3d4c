/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * VMFS-3 on-disk format as vmkfs writes and reads it. Every value here is
 * a fact about the format, checked against a volume made by ESX 3.5 and
 * against the readers in Debian's vmfs-tools; docs/vmkfs-format.md explains
 * each structure. All integers are little-endian. "LVM offset" means a byte
 * offset in the logical volume, which starts VMKFS_LVM_DATA_OFFSET bytes
 * into the device.
 */
#ifndef VMKFS_FORMAT_H
#define VMKFS_FORMAT_H

#define KIB 1024u
#define MIB (1024u * 1024u)

/* ---- device sectors and the MBR partition ESX puts VMFS in ---- */
#define VMKFS_SECTOR		512u
#define VMKFS_MBR_SIGNATURE	0xaa55u	/* u16 at byte 510 */
#define VMKFS_MBR_TABLE		446u	/* four 16-byte partition entries */
#define VMKFS_MBR_TYPE_VMFS	0xfbu	/* partition type byte (entry + 4) */
#define VMKFS_MBR_LBA		8u	/* u32 first sector (entry + 8) */

/* ---- LVM volume header (device offsets) ---- */
#define VMKFS_VOLINFO_OFFSET	0x100000u	/* 1 MiB into the device */
#define VMKFS_VOLINFO_MAGIC	0xc001d00du
#define VMKFS_VOLINFO_VERSION	3u		/* VMFS-3 LVM */
#define VMKFS_VI_MAGIC		0x00
#define VMKFS_VI_VERSION	0x04
#define VMKFS_VI_LUN		0x0e	/* u8 */
#define VMKFS_VI_NAME		0x12	/* char[28], the LUN's inquiry name */
#define VMKFS_VI_NAME_LEN	28
#define VMKFS_VI_SIZE		0x5f	/* u32, device size / 256 */
#define VMKFS_VI_UUID		0x82	/* physical volume UUID */
#define VMKFS_VI_CTIME		0x92	/* u64 microseconds */
#define VMKFS_VI_MTIME		0x9a
/* logical volume info, in the same header sector pair */
#define VMKFS_LV_SIZE		0x200	/* u64 bytes = segments * 256 MiB */
#define VMKFS_LV_BLOCKS		0x208	/* u64 segments + extents */
#define VMKFS_LV_ONE		0x210	/* u32, 1 on every volume seen */
#define VMKFS_LV_UUID_STR	0x214	/* char[35] */
#define VMKFS_LV_UUID_STR_LEN	35
#define VMKFS_LV_UUID		0x254
#define VMKFS_LV_ONE2		0x264	/* u32, 1 on every volume seen */
#define VMKFS_LV_CTIME		0x268
#define VMKFS_LV_NUM_SEGMENTS	0x274
#define VMKFS_LV_FIRST_SEGMENT	0x278
#define VMKFS_LV_LAST_SEGMENT	0x280
#define VMKFS_LV_MTIME		0x288
#define VMKFS_LV_NUM_EXTENTS	0x290
#define VMKFS_VOLINFO_LEN	0x400
/* segment map: bitmap and one 0x80-byte descriptor per 256 MiB segment */
#define VMKFS_SEGMAP_BITMAP	0x80200u	/* relative to the volume header */
#define VMKFS_SEGMAP_DESC	0x80600u
#define VMKFS_SEGMAP_DESC_LEN	0x80u
#define VMKFS_SEGMENT_SIZE	(256ull * MIB)
/* the logical volume's byte 0 is 16 MiB after the volume header */
#define VMKFS_LVM_DATA_OFFSET	(VMKFS_VOLINFO_OFFSET + 16u * MIB)

/* ---- file system descriptor (LVM offset) ---- */
#define VMKFS_FSINFO_OFFSET	0x200000u
#define VMKFS_FSINFO_MAGIC	0x2fabf15eu
#define VMKFS_FSINFO_VOLVER	4u	/* as written by ESX 3.x */
#define VMKFS_FSINFO_VERSION	31u	/* VMFS 3.31 */
#define VMKFS_FSINFO_MODE_PUBLIC 2u
#define VMKFS_FS_MAGIC		0x00
#define VMKFS_FS_VOLVER		0x04
#define VMKFS_FS_VERSION	0x08	/* u8 */
#define VMKFS_FS_UUID		0x09
#define VMKFS_FS_MODE		0x19
#define VMKFS_FS_LABEL		0x1d	/* char[128] */
#define VMKFS_FS_LABEL_LEN	128
#define VMKFS_FS_DEV_BLKSIZE	0x9d	/* u32, 512 */
#define VMKFS_FS_BLKSIZE	0xa1	/* u64 */
#define VMKFS_FS_CTIME		0xa9	/* u32 seconds */
#define VMKFS_FS_ONE		0xad	/* u32, 1 on every volume seen */
#define VMKFS_FS_LVM_UUID	0xb1
#define VMKFS_FS_ONE2		0xc1	/* u32, 1 on every volume seen */
#define VMKFS_FS_FDC_HDR_SIZE	0xd1
#define VMKFS_FS_FDC_BITMAPS	0xd5	/* bitmap entries per FDC area */
#define VMKFS_FS_SUBBLOCK_SIZE	0xd9

#define VMKFS_BLKSIZE_MAX	(8u * MIB)	/* file blocks: 1, 2, 4 or 8 MiB */

/* ---- heartbeat region (LVM offset) ---- */
#define VMKFS_HB_OFFSET		0x300000u
#define VMKFS_HB_SLOT_SIZE	0x200u
#define VMKFS_HB_SLOTS		2048u
#define VMKFS_HB_END		(VMKFS_HB_OFFSET + VMKFS_HB_SLOTS * VMKFS_HB_SLOT_SIZE)
#define VMKFS_HB_MAGIC_OFF	0xabcdef01u
#define VMKFS_HB_MAGIC_ON	0xabcdef02u
#define VMKFS_HBR_MAGIC		0x00
#define VMKFS_HBR_POS		0x04	/* u64 LVM offset of this slot */
#define VMKFS_HBR_SEQ		0x0c	/* u64 generation, +1 per claim/release */
#define VMKFS_HBR_UPTIME	0x14	/* u64 microseconds, advanced while alive */
#define VMKFS_HBR_UUID		0x1c	/* owner host UUID */
#define VMKFS_HBR_JOURNAL	0x2c	/* u32 journal block (unused: 0) */

/* ---- metadata object header, first 512 bytes of every lockable object ---- */
#define VMKFS_MDH_LEN		0x200u
#define VMKFS_MDH_MAGIC		0x00
#define VMKFS_MDH_POS		0x04	/* u64 LVM offset of the object */
#define VMKFS_MDH_HB_POS	0x0c	/* u64 heartbeat slot of the lock owner */
#define VMKFS_MDH_HB_SEQ	0x14	/* u64 owner's heartbeat generation */
#define VMKFS_MDH_OBJ_SEQ	0x1c	/* u64 bumped on every lock change */
#define VMKFS_MDH_HB_LOCK	0x24	/* u32 lock mode, VMKFS_LOCK_* */
#define VMKFS_MDH_HB_UUID	0x28	/* owner host UUID */
#define VMKFS_MDH_MTIME		0x38	/* u64 */
/*
 * vmkfs extension inside the header's unused tail: the holders of a
 * read-only lock (VMFS-3 keeps several; we keep up to VMKFS_RO_HOLDERS).
 */
#define VMKFS_MDH_RO_COUNT	0x40	/* u32 */
#define VMKFS_MDH_RO_TABLE	0x48	/* { u64 hb_pos; u64 hb_seq; } */
#define VMKFS_RO_HOLDERS	16u
#define VMKFS_LOCK_FREE		0u
#define VMKFS_LOCK_EXCLUSIVE	1u
#define VMKFS_LOCK_READONLY	2u

/* ---- resource files (.fbb.sf .sbc.sf .pbc.sf .fdc.sf) ---- */
#define VMKFS_RES_IPE		0x00	/* items per bitmap entry */
#define VMKFS_RES_EPA		0x04	/* bitmap entries per area */
#define VMKFS_RES_HDR_SIZE	0x08	/* header size (first area offset) */
#define VMKFS_RES_DATA_SIZE	0x0c	/* bytes per item (0: volume blocks) */
#define VMKFS_RES_AREA_SIZE	0x10
#define VMKFS_RES_TOTAL		0x14	/* total items */
#define VMKFS_RES_AREAS		0x18
#define VMKFS_RES_HDR_LEN	0x10000u	/* 64 KiB header, as ESX writes */
#define VMKFS_BME_LEN		0x400u		/* one bitmap entry */
#define VMKFS_BME_ID		0x200
#define VMKFS_BME_TOTAL		0x204
#define VMKFS_BME_FREE		0x208
#define VMKFS_BME_FFREE		0x20c	/* first free item */
#define VMKFS_BME_BITMAP	0x210	/* bit set = item free */
#define VMKFS_BME_BITMAP_LEN	0x1f0u
#define VMKFS_BME_MAX_ITEMS	(VMKFS_BME_BITMAP_LEN * 8u)
#define VMKFS_MAGIC_FBB		0x10c00002u
#define VMKFS_MAGIC_SBC		0x10c00003u
#define VMKFS_MAGIC_PBC		0x10c00004u
#define VMKFS_MAGIC_FDC		0x10c00005u
#define VMKFS_EPA		32u	/* bitmap entries per area (all files) */
#define VMKFS_FDC_IPE		32u	/* file descriptors per entry */
#define VMKFS_SBC_IPE		16u	/* sub-blocks per entry */
#define VMKFS_PBC_IPE		16u	/* pointer blocks per entry */
#define VMKFS_SUBBLOCK_SIZE	(64u * KIB)
#define VMKFS_PB_SIZE		(4u * KIB)	/* 1024 block ids */
#define VMKFS_PB_IDS		(VMKFS_PB_SIZE / 4u)

/* ---- block ids (32 bits, type in the low 3 bits) ---- */
#define VMKFS_BLK_NONE		0u
#define VMKFS_BLK_FB		1u	/* file block: item << 6 | flags << 3 */
#define VMKFS_BLK_SB		2u	/* sub-block */
#define VMKFS_BLK_PB		3u	/* pointer block */
#define VMKFS_BLK_FD		4u	/* file descriptor (inode) */
#define VMKFS_BLK_TYPE(id)	((id) & 7u)
#define VMKFS_FB_TBZ		0x20u	/* FB flag: block still to be zeroed */
#define VMKFS_FB_ITEM(id)	((id) >> 6)
#define VMKFS_FB_ID(item)	(((uint32_t)(item) << 6) | VMKFS_BLK_FB)
#define VMKFS_FB_MAX_ITEMS	(1u << 26)
/* SB: item bits 0-3 at 28-31, entry at 6-27, item bits 4-5 at 3-4 */
#define VMKFS_SB_ENTRY(id)	(((id) >> 6) & 0x3fffffu)
#define VMKFS_SB_ITEM(id)	((((id) >> 28) & 0xfu) | ((((id) >> 3) & 3u) << 4))
#define VMKFS_SB_ID(e, i)	((((uint32_t)(i) & 0xfu) << 28) | \
				 ((uint32_t)(e) << 6) | \
				 ((((uint32_t)(i) >> 4) & 3u) << 3) | VMKFS_BLK_SB)
/* PB: item at 28-31, entry at 6-27 */
#define VMKFS_PB_ENTRY(id)	(((id) >> 6) & 0x3fffffu)
#define VMKFS_PB_ITEM(id)	((id) >> 28)
#define VMKFS_PB_ID(e, i)	(((uint32_t)(i) << 28) | ((uint32_t)(e) << 6) | \
				 VMKFS_BLK_PB)
/* FD: item at 22-31, entry at 6-21 */
#define VMKFS_FD_ENTRY(id)	(((id) >> 6) & 0xffffu)
#define VMKFS_FD_ITEM(id)	((id) >> 22)
#define VMKFS_FD_ID(e, i)	(((uint32_t)(i) << 22) | ((uint32_t)(e) << 6) | \
				 VMKFS_BLK_FD)
#define VMKFS_ROOT_ID		VMKFS_FD_ID(0, 0)

/* ---- file descriptor (inode), 2 KiB ---- */
#define VMKFS_INODE_LEN		0x800u
#define VMKFS_INODE_MAGIC	0x10c00001u
#define VMKFS_IN_ID		0x200
#define VMKFS_IN_ID2		0x204	/* generation, copied to the dirent */
#define VMKFS_IN_NLINK		0x208
#define VMKFS_IN_TYPE		0x20c
#define VMKFS_IN_FLAGS		0x210
#define VMKFS_IN_SIZE		0x214	/* u64 */
#define VMKFS_IN_BLK_SIZE	0x21c	/* u64 */
#define VMKFS_IN_BLK_COUNT	0x224	/* u64 */
#define VMKFS_IN_MTIME		0x22c
#define VMKFS_IN_CTIME		0x230
#define VMKFS_IN_ATIME		0x234
#define VMKFS_IN_UID		0x238
#define VMKFS_IN_GID		0x23c
#define VMKFS_IN_MODE		0x240
#define VMKFS_IN_ZLA		0x244	/* type of the ids in the block array */
#define VMKFS_IN_TBZ		0x248	/* number of blocks flagged TBZ */
#define VMKFS_IN_COW		0x24c
#define VMKFS_IN_BLOCKS		0x400	/* u32[256] */
#define VMKFS_INODE_BLOCKS	256u
#define VMKFS_TYPE_DIR		2u
#define VMKFS_TYPE_FILE		3u
#define VMKFS_TYPE_SYMLINK	4u
#define VMKFS_TYPE_META		5u

/* ---- directory entry, 140 bytes, packed one after another ---- */
#define VMKFS_DIRENT_LEN	0x8cu
#define VMKFS_DE_TYPE		0x00
#define VMKFS_DE_ID		0x04
#define VMKFS_DE_RECORD		0x08	/* the inode's generation (ID2) */
#define VMKFS_DE_NAME		0x0c
#define VMKFS_NAME_MAX		127u	/* 128 bytes with the NUL */

/* system files, inodes FD(0, 1..5) in this order on ESX-made volumes */
#define VMKFS_SYSFILE_FBB	1u
#define VMKFS_SYSFILE_FDC	2u
#define VMKFS_SYSFILE_PBC	3u
#define VMKFS_SYSFILE_SBC	4u
#define VMKFS_SYSFILE_VH	5u
#define VMKFS_SYSFILES		6u	/* root + 5 */

#endif
