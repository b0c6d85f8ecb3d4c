// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmkfs/platform.h for the vmkernel (docs/storage.md "Datastores"): what
 * the file system library needs besides its block device, which
 * datastore.c gives it over a LUN.
 *
 * Memory: whole pool pages, a 16-byte header in front of each allocation
 * saying how many. A read-only mount allocates a handful of blocks of at
 * most 8 KiB (the volume, 2 KiB file descriptors, 4 KiB pointer blocks,
 * 1 KiB bitmap entries, a directory's entries); the pool hands out runs
 * of pages within one 2 MiB chunk, so more than that fails (NULL,
 * VMKFS_ENOMEM), never a partial buffer.
 *
 * Mutex: a spinlock. Every holder's I/O is polled to its end on its own
 * CPU (storage.c), and the vmkernel runs with interrupts off, so a holder
 * never sleeps and never waits for an interrupt while it holds one.
 *
 * Time: the vmkernel's TSC clock. The vmkernel has no wall clock of its
 * own: vmkfs_time_unix() counts from the time the COS gave with its last
 * vmkfstools -C (vmkfs_set_time_unix()), else from the load; it dates
 * volumes made and what the volume's metadata records.
 */
#include "vmkernel/core/vmkernel.h"
#include "vmkernel/arch/x86/cpu.h"
#include "vmkernel/lib/format.h"
#include "vmkfs/vmkfs.h"
#include "vmkernel/storage/datastore.h"

#define ALLOC_HDR	16u	/* keeps the caller's buffer 16-byte aligned */
#define SLEEP_MAX_MS	1000u	/* a busy wait holds its CPU: bounded */

struct alloc_hdr {
	uint32_t pa;
	uint32_t npages;
};
_Static_assert(sizeof(struct alloc_hdr) <= ALLOC_HDR, "allocation header too large");

void *vmkfs_alloc(size_t len)
{
	uint32_t npages, pa;
	struct alloc_hdr *h;

	if (len > VMK_CHUNK_SIZE - ALLOC_HDR)
		return NULL;
	npages = (uint32_t)((len + ALLOC_HDR + VMK_PAGE_SIZE - 1) / VMK_PAGE_SIZE);
	if (vmk_alloc_pages(npages, &pa) != VMK_OK)
		return NULL;
	h = pa_to_va(pa);
	h->pa = pa;
	h->npages = npages;
	return (uint8_t *)h + ALLOC_HDR;
}

void vmkfs_free(void *p)
{
	struct alloc_hdr *h;

	if (!p)
		return;
	h = (struct alloc_hdr *)((uint8_t *)p - ALLOC_HDR);
	pool_free(&vmk_pool, h->pa, h->npages);
}

uint64_t vmkfs_time_us(void)
{
	return vmk_time_us();
}

static uint32_t unix_at_boot;	/* 0: none given; else seconds at vmk_time_us() 0 */

void vmkfs_set_time_unix(uint64_t now_unix)
{
	uint64_t up = vmk_time_us() / 1000000u;

	if (now_unix > up && now_unix - up <= 0xffffffffu)
		__atomic_store_n(&unix_at_boot, (uint32_t)(now_unix - up), __ATOMIC_RELAXED);
}

uint32_t vmkfs_time_unix(void)
{
	return __atomic_load_n(&unix_at_boot, __ATOMIC_RELAXED) +
	       (uint32_t)(vmk_time_us() / 1000000u);
}

void vmkfs_sleep_ms(uint32_t ms)
{
	uint64_t until = vmk_time_us() + (uint64_t)MIN(ms, SLEEP_MAX_MS) * 1000u;

	while (vmk_time_us() < until)
		__builtin_ia32_pause();
}

/* xorshift32 seeded from the TSC: UUIDs and lock generations, not keys. */
uint32_t vmkfs_random32(void)
{
	static uint32_t x;
	uint32_t v = __atomic_load_n(&x, __ATOMIC_RELAXED);

	if (!v)
		v = (uint32_t)rdtsc() | 1;
	v ^= v << 13;
	v ^= v >> 17;
	v ^= v << 5;
	__atomic_store_n(&x, v, __ATOMIC_RELAXED);
	return v;
}

struct vmkfs_mutex {
	struct spinlock lock;
};

struct vmkfs_mutex *vmkfs_mutex_create(void)
{
	return vmkfs_alloc(sizeof(struct vmkfs_mutex));
}

void vmkfs_mutex_destroy(struct vmkfs_mutex *m)
{
	vmkfs_free(m);
}

void vmkfs_mutex_lock(struct vmkfs_mutex *m)
{
	spin_lock(&m->lock);
}

void vmkfs_mutex_unlock(struct vmkfs_mutex *m)
{
	spin_unlock(&m->lock);
}

int vmkfs_vsnprintf(char *buf, size_t len, const char *fmt, va_list ap)
{
	return fmt_vsnprintf(buf, len, fmt, ap);
}

/*
 * The owner recorded in heartbeats and locks: made once per load from
 * the TSC, stable until unload (a reload is a new host as far as the
 * volume's locks go, as a rebooted ESX host with a stale heartbeat is).
 */
void vmkfs_host_uuid(uint8_t uuid[16])
{
	static uint8_t id[16];
	static bool made;

	if (!made) {
		for (unsigned int i = 0; i < 16; i += 4) {
			uint32_t r = vmkfs_random32();

			memcpy(id + i, &r, 4);
		}
		made = true;
	}
	memcpy(uuid, id, 16);
}
