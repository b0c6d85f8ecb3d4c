// SPDX-License-Identifier: GPL-2.0-only
/* The vmkernel under the COS's disks' rings (cos_ring.h struct cos_ring_env). */
#include "vmkernel/storage/cos_ring.h"
#include "vmkernel/arch/x86/apic.h"
#include "vmkernel/core/vmkernel.h"
#include "vmkernel/cos/cos_mem.h"
#include "vmkernel/storage/storage.h"

/* cos_read() and cos_write() check the range: COS memory, not the pool. */
static bool mem_read(uint64_t gpa, void *dst, uint32_t len)
{
	return cos_read(gpa, dst, len) == VMK_OK;
}

static bool mem_write(uint64_t gpa, const void *src, uint32_t len)
{
	return cos_write(gpa, src, len) == VMK_OK;
}

static const struct cos_disk_mem cos_mem = { mem_read, mem_write };

static bool ring_ok(uint64_t gpa, uint64_t len)
{
	return cos_range_ok(&vmk_pool, gpa, len);
}

/* A fixed IPI of the vector the COS asked for, at the CPU of its APIC ID. */
static bool bell(uint8_t vector, uint8_t apic_id)
{
	int cpu = apic_cpu_of(apic_id);

	if (cpu < 0)
		return false;
	apic_send_ipi((uint32_t)cpu, vector);
	return true;
}

const struct cos_ring_env cos_ring_env = {
	.mem = &cos_mem,
	.ring_ok = ring_ok,
	.world_start = storage_world_start,
	.submit = storage_io_submit,
	.reap = storage_io_reap,
	.cancel = storage_io_cancel,
	.run = storage_cos_disk,
	.bell = bell,
};
