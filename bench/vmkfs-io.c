// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmkfs data-path benchmark: on a preallocated (eagerzeroedthick) file,
 * COUNT random 64 KiB writes and reads; prints the metadata I/Os the
 * library issued per data I/O (the design goal is 0) and the throughput.
 * usage: vmkfs-io IMAGE PATH COUNT
 */
#include <stdio.h>
#include <stdlib.h>

#include "vmkfs/platform-posix.h"

#define IO_SIZE (64u * 1024)

int main(int argc, char **argv)
{
	struct vmkfs_iostats a, b;
	struct vmkfs_dev *dev;
	struct vmkfs_vol *vol;
	struct vmkfs_file *f;
	static uint8_t buf[IO_SIZE];
	char err[256];
	uint64_t size, t0, data, meta;
	long i, count;

	if (argc != 4) {
		fprintf(stderr, "usage: %s IMAGE PATH COUNT\n", argv[0]);
		return 2;
	}
	count = atol(argv[3]);
	if (vmkfs_posix_open(argv[1], false, &dev, err, sizeof(err)) ||
	    vmkfs_mount(dev, 0, &vol, err, sizeof(err))) {
		fprintf(stderr, "%s: %s\n", argv[1], err);
		return 1;
	}
	if (vmkfs_open(vol, argv[2], VMKFS_O_RDWR, &f)) {
		fprintf(stderr, "%s: %s\n", argv[2], vmkfs_errmsg(vol));
		return 1;
	}
	size = vmkfs_file_size(f);
	srand(1);
	vmkfs_iostats(vol, &a);
	t0 = vmkfs_time_us();
	for (i = 0; i < count; i++) {
		uint64_t off = ((uint64_t)rand() * IO_SIZE) % (size - IO_SIZE);

		off -= off % 512;
		buf[0] = (uint8_t)i;
		if ((i & 1 ? vmkfs_pread(f, buf, IO_SIZE, off) :
			     vmkfs_pwrite(f, buf, IO_SIZE, off)) != IO_SIZE) {
			fprintf(stderr, "I/O %ld failed: %s\n", i, vmkfs_errmsg(vol));
			return 1;
		}
	}
	vmkfs_fsync(f);
	vmkfs_iostats(vol, &b);
	data = (b.data_reads - a.data_reads) + (b.data_writes - a.data_writes);
	meta = (b.meta_reads - a.meta_reads) + (b.meta_writes - a.meta_writes);
	printf("data_ios %llu metadata_ios %llu metadata_per_data %.4f heartbeat_ios %llu seconds %.2f\n",
	       (unsigned long long)data, (unsigned long long)meta,
	       data ? (double)meta / (double)data : 0.0,
	       (unsigned long long)((b.hb_reads - a.hb_reads) + (b.hb_writes - a.hb_writes)),
	       (double)(vmkfs_time_us() - t0) / 1e6);
	vmkfs_close(f);
	vmkfs_unmount(vol);
	vmkfs_posix_close(dev);
	return meta ? 1 : 0;
}
