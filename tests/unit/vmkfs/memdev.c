// SPDX-License-Identifier: GPL-2.0-only
/* Sparse in-memory block device for vmkfs tests (see memdev.h). */
#include <stdlib.h>
#include <string.h>

#include "tests/unit/vmkfs/memdev.h"

#define CHUNK (64u * 1024)

static int mem_read(struct vmkfs_dev *dev, uint64_t off, void *buf, size_t len)
{
	struct memdev *m = (struct memdev *)dev;
	uint8_t *b = buf;

	if (off + len > dev->size)
		return VMKFS_EIO;
	while (len) {
		uint64_t c = off / CHUNK, in = off % CHUNK;
		size_t n = CHUNK - in < len ? CHUNK - in : len;

		if (m->chunks[c])
			memcpy(b, m->chunks[c] + in, n);
		else
			memset(b, 0, n);
		b += n;
		off += n;
		len -= n;
	}
	return VMKFS_OK;
}

static bool zero(const uint8_t *b, size_t n)
{
	return n == 0 || (b[0] == 0 && !memcmp(b, b + 1, n - 1));
}

static int mem_write(struct vmkfs_dev *dev, uint64_t off, const void *buf,
		     size_t len)
{
	struct memdev *m = (struct memdev *)dev;
	const uint8_t *b = buf;

	if (off + len > dev->size)
		return VMKFS_EIO;
	if (m->cut_at >= 0 && (int64_t)m->writes >= m->cut_at)
		return VMKFS_OK;	/* the power is off: the write is lost */
	m->writes++;
	while (len) {
		uint64_t c = off / CHUNK, in = off % CHUNK;
		size_t n = CHUNK - in < len ? CHUNK - in : len;

		if (!m->chunks[c] && !zero(b, n)) {
			m->chunks[c] = calloc(1, CHUNK);
			if (!m->chunks[c])
				return VMKFS_ENOMEM;
		}
		if (m->chunks[c])
			memcpy(m->chunks[c] + in, b, n);
		b += n;
		off += n;
		len -= n;
	}
	return VMKFS_OK;
}

static int mem_nop(struct vmkfs_dev *dev)
{
	(void)dev;
	return VMKFS_OK;
}

struct memdev *memdev_create(uint64_t size)
{
	struct memdev *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->nchunks = (size + CHUNK - 1) / CHUNK;
	m->chunks = calloc(m->nchunks, sizeof(*m->chunks));
	if (!m->chunks) {
		free(m);
		return NULL;
	}
	m->cut_at = -1;
	m->dev.ctx = m;
	m->dev.size = size;
	m->dev.read = mem_read;
	m->dev.write = mem_write;
	m->dev.flush = mem_nop;
	m->dev.reserve = mem_nop;
	m->dev.release = mem_nop;
	return m;
}

struct memdev *memdev_clone(const struct memdev *src)
{
	struct memdev *m = memdev_create(src->dev.size);
	uint64_t i;

	for (i = 0; m && i < m->nchunks; i++) {
		if (!src->chunks[i])
			continue;
		m->chunks[i] = malloc(CHUNK);
		if (!m->chunks[i]) {
			memdev_destroy(m);
			return NULL;
		}
		memcpy(m->chunks[i], src->chunks[i], CHUNK);
	}
	return m;
}

void memdev_destroy(struct memdev *m)
{
	uint64_t i;

	for (i = 0; i < m->nchunks; i++)
		free(m->chunks[i]);
	free(m->chunks);
	free(m);
}
