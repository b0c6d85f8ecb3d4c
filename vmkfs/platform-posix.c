// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmkfs platform for user space (cos-tools, host tests): image files and
 * block devices through pread/pwrite, the device "reservation" as an
 * fcntl() lock on the device's first byte (released by the kernel when the
 * holder dies, as a SCSI reservation is by a reset).
 *
 * Test hooks: vmkfs_posix_alloc_max (0: none) refuses larger allocations
 * as the vmkernel's platform does those beyond one 2 MiB chunk;
 * vmkfs_posix_fake_clock gives the test the clock (platform-posix.h); and
 * VMKFS_CUT_AFTER_WRITES=N makes the N+1th device write and
 * everything after it vanish and exits the process with status 99, the
 * way a power cut between two writes would.
 */
#define _GNU_SOURCE
#define _FILE_OFFSET_BITS 64	/* images beyond 2 GiB on 32-bit COS */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <linux/fs.h>

#include "vmkfs/platform-posix.h"

#define CUT_EXIT_STATUS 99

size_t vmkfs_posix_alloc_max;
bool vmkfs_posix_fake_clock;
uint64_t vmkfs_posix_now_us;

void *vmkfs_alloc(size_t len)
{
	if (vmkfs_posix_alloc_max && len > vmkfs_posix_alloc_max)
		return NULL;
	return calloc(1, len ? len : 1);
}

void vmkfs_free(void *p)
{
	free(p);
}

uint64_t vmkfs_time_us(void)
{
	struct timespec ts;

	if (vmkfs_posix_fake_clock)
		return vmkfs_posix_now_us;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

uint32_t vmkfs_time_unix(void)
{
	return (uint32_t)time(NULL);
}

void vmkfs_sleep_ms(uint32_t ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	if (vmkfs_posix_fake_clock) {
		vmkfs_posix_now_us += (uint64_t)ms * 1000;
		return;
	}
	nanosleep(&ts, NULL);
}

uint32_t vmkfs_random32(void)
{
	uint32_t r;

	if (getrandom(&r, sizeof(r), 0) != sizeof(r))
		r = (uint32_t)vmkfs_time_us() * 2654435761u;
	return r;
}

struct vmkfs_mutex {
	pthread_mutex_t m;
};

struct vmkfs_mutex *vmkfs_mutex_create(void)
{
	struct vmkfs_mutex *m = calloc(1, sizeof(*m));

	if (m)
		pthread_mutex_init(&m->m, NULL);
	return m;
}

void vmkfs_mutex_destroy(struct vmkfs_mutex *m)
{
	pthread_mutex_destroy(&m->m);
	free(m);
}

void vmkfs_mutex_lock(struct vmkfs_mutex *m)
{
	pthread_mutex_lock(&m->m);
}

void vmkfs_mutex_unlock(struct vmkfs_mutex *m)
{
	pthread_mutex_unlock(&m->m);
}

int vmkfs_vsnprintf(char *buf, size_t len, const char *fmt, va_list ap)
{
	return vsnprintf(buf, len, fmt, ap);
}

/* VMKFS_HOST_UUID overrides; else derived from /etc/machine-id */
void vmkfs_host_uuid(uint8_t uuid[16])
{
	const char *env = getenv("VMKFS_HOST_UUID");
	char id[64] = "";
	FILE *f;
	unsigned int i;

	if (env && vmkfs_uuid_parse(env, uuid) == VMKFS_OK)
		return;
	memset(uuid, 0, 16);
	f = fopen("/etc/machine-id", "r");
	if (f) {
		if (!fgets(id, sizeof(id), f))
			id[0] = 0;
		fclose(f);
	}
	for (i = 0; i < 32 && id[i] && id[i + 1]; i += 2) {
		unsigned int v;

		if (sscanf(id + i, "%2x", &v) == 1)
			uuid[i / 2] = (uint8_t)v;
	}
}

struct posix_dev {
	int fd;
	long long cut_after;	/* writes left before the simulated cut, -1: off */
};

static int cut_point(struct posix_dev *p)
{
	if (p->cut_after < 0)
		return 0;
	if (p->cut_after == 0) {
		fprintf(stderr, "vmkfs: simulated power cut before a device write\n");
		_exit(CUT_EXIT_STATUS);
	}
	p->cut_after--;
	return 0;
}

static int posix_read(struct vmkfs_dev *dev, uint64_t off, void *buf, size_t len)
{
	struct posix_dev *p = dev->ctx;
	uint8_t *b = buf;

	while (len) {
		ssize_t n = pread(p->fd, b, len, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return VMKFS_EIO;
		if (n == 0) {		/* sparse tail of an image: zeroes */
			memset(b, 0, len);
			return VMKFS_OK;
		}
		b += n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	return VMKFS_OK;
}

static int posix_write(struct vmkfs_dev *dev, uint64_t off, const void *buf,
		       size_t len)
{
	struct posix_dev *p = dev->ctx;
	const uint8_t *b = buf;

	cut_point(p);
	while (len) {
		ssize_t n = pwrite(p->fd, b, len, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return errno == ENOSPC ? VMKFS_ENOSPC : VMKFS_EIO;
		b += n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	return VMKFS_OK;
}

static int posix_flush(struct vmkfs_dev *dev)
{
	struct posix_dev *p = dev->ctx;

	return fdatasync(p->fd) ? VMKFS_EIO : VMKFS_OK;
}

static int posix_lock(struct vmkfs_dev *dev, short type)
{
	struct posix_dev *p = dev->ctx;
	struct flock fl = { .l_type = type, .l_whence = SEEK_SET, .l_start = 0,
			    .l_len = 1 };

	while (fcntl(p->fd, F_SETLKW, &fl) < 0)
		if (errno != EINTR)
			return VMKFS_EIO;
	return VMKFS_OK;
}

static int posix_reserve(struct vmkfs_dev *dev)
{
	return posix_lock(dev, dev->read_only ? F_RDLCK : F_WRLCK);
}

static int posix_release(struct vmkfs_dev *dev)
{
	return posix_lock(dev, F_UNLCK);
}

int vmkfs_posix_open(const char *path, bool read_only, struct vmkfs_dev **devp,
		     char *err, size_t errlen)
{
	struct vmkfs_dev *dev = calloc(1, sizeof(*dev));
	struct posix_dev *p = calloc(1, sizeof(*p));
	const char *cut = getenv("VMKFS_CUT_AFTER_WRITES");
	struct stat st;

	if (!dev || !p) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	p->fd = open(path, (read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (p->fd < 0 || fstat(p->fd, &st) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (S_ISBLK(st.st_mode)) {
		uint64_t size;

		if (ioctl(p->fd, BLKGETSIZE64, &size) < 0) {
			snprintf(err, errlen, "%s: cannot get the device size: %s",
				 path, strerror(errno));
			goto fail;
		}
		dev->size = size;
	} else if (S_ISREG(st.st_mode)) {
		dev->size = (uint64_t)st.st_size;
	} else {
		snprintf(err, errlen, "%s: not an image file or a block device", path);
		goto fail;
	}
	p->cut_after = cut && *cut ? atoll(cut) : -1;
	dev->ctx = p;
	dev->read_only = read_only;
	dev->read = posix_read;
	dev->write = posix_write;
	dev->flush = posix_flush;
	dev->reserve = posix_reserve;
	dev->release = posix_release;
	*devp = dev;
	return VMKFS_OK;
fail:
	if (p && p->fd > 0)
		close(p->fd);
	free(p);
	free(dev);
	return VMKFS_EIO;
}

void vmkfs_posix_close(struct vmkfs_dev *dev)
{
	struct posix_dev *p = dev->ctx;

	close(p->fd);
	free(p);
	free(dev);
}
