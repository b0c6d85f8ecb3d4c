/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vmkfs platform interface: the only things the file system library needs
 * from its host. The vmkernel implements it with its storage stack, heap,
 * timer and SCSI reservations; user space (cos-tools, host tests) with
 * vmkfs/platform-posix.c. Everything else in vmkfs/ is freestanding C.
 */
#ifndef VMKFS_PLATFORM_H
#define VMKFS_PLATFORM_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A block device (a LUN, a partition or an image file). Offsets and lengths
 * are in bytes; most of the library's I/O is in multiples of 512 bytes at
 * 512-byte aligned offsets, but the volume header's fields are written
 * alone (128 bytes), so a device of blocks must read, change and write
 * back partial blocks. Each callback returns 0 or a negative VMKFS_E*.
 */
struct vmkfs_dev {
	void *ctx;
	uint64_t size;		/* bytes */
	bool read_only;
	int (*read)(struct vmkfs_dev *dev, uint64_t off, void *buf, size_t len);
	int (*write)(struct vmkfs_dev *dev, uint64_t off, const void *buf,
		     size_t len);
	/* make every completed write durable (cache flush / FUA barrier) */
	int (*flush)(struct vmkfs_dev *dev);
	/*
	 * Volume-wide mutual exclusion between hosts for short metadata
	 * transactions: SCSI-2 RESERVE/RELEASE on a shared LUN, a byte-range
	 * lock on an image file. Released automatically if the holder dies.
	 */
	int (*reserve)(struct vmkfs_dev *dev);
	int (*release)(struct vmkfs_dev *dev);
};

/* memory */
void *vmkfs_alloc(size_t len);		/* zeroed, NULL on failure */
void vmkfs_free(void *p);

/* time */
uint64_t vmkfs_time_us(void);		/* monotonic microseconds */
uint32_t vmkfs_time_unix(void);		/* wall clock, seconds since 1970 */
void vmkfs_sleep_ms(uint32_t ms);
uint32_t vmkfs_random32(void);

/* in-process locking around a mounted volume */
struct vmkfs_mutex;
struct vmkfs_mutex *vmkfs_mutex_create(void);
void vmkfs_mutex_destroy(struct vmkfs_mutex *m);
void vmkfs_mutex_lock(struct vmkfs_mutex *m);
void vmkfs_mutex_unlock(struct vmkfs_mutex *m);

/* formatting of error messages */
int vmkfs_vsnprintf(char *buf, size_t len, const char *fmt, va_list ap);

/* this host's identity, the owner recorded in heartbeats and locks */
void vmkfs_host_uuid(uint8_t uuid[16]);

/* the C library subset vmkfs uses; the compiler provides these inline */
#define vmkfs_memcpy(d, s, n)	__builtin_memcpy((d), (s), (n))
#define vmkfs_memset(d, c, n)	__builtin_memset((d), (c), (n))
#define vmkfs_memcmp(a, b, n)	__builtin_memcmp((a), (b), (n))
#define vmkfs_strlen(s)		__builtin_strlen(s)

#endif
