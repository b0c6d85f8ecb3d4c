// SPDX-License-Identifier: GPL-2.0-only
/*
 * user-vmmcall UID VMID: as root, lock a page and find its physical
 * address; drop to UID; then open /dev/vmkernel (must fail) and issue
 * VMMCALL with every hypercall number (include/vmk/hypercall.h), arguments
 * that name VM VMID and the page. Each must raise SIGILL, as on a CPU
 * without a hypervisor; the first that returns ends the run (it was a
 * hypercall, and the next could do worse). The page must be unchanged.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <setjmp.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "include/vmk/hypercall.h"
#include "labtool.h"

#define PAGE		4096u
#define MARKER		"vmk-user-vmmcall-marker"
#define PAGEMAP_PRESENT	(1ull << 63)		/* Documentation/admin-guide/mm/pagemap.rst */
#define PAGEMAP_PFN	((1ull << 55) - 1)

static sigjmp_buf ill_jmp;

static void on_sigill(int sig)
{
	(void)sig;
	siglongjmp(ill_jmp, 1);
}

/* EAX = nr, EBX/ECX/EDX/ESI = a[]; EBX is swapped in through EDI since
 * it may be the PIC register. Returns EAX. */
static uint32_t vmmcall(uint32_t nr, const uint32_t a[4])
{
	uint32_t eax = nr, b = a[0], c = a[1], d = a[2], s = a[3];

	asm volatile("xchg %%ebx, %%edi\n\tvmmcall\n\txchg %%ebx, %%edi"
		     : "+a"(eax), "+D"(b), "+c"(c), "+d"(d), "+S"(s)
		     :: "memory");
	return eax;
}

/* Whether VMMCALL n raised SIGILL; else *eax is what it returned. */
static bool raises_sigill(uint32_t n, const uint32_t a[4], uint32_t *eax)
{
	if (sigsetjmp(ill_jmp, 1))
		return true;
	*eax = vmmcall(n, a);
	return false;
}

static int page_gpa(void *va, uint32_t *gpa)
{
	uint64_t e = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY);

	if (fd < 0)
		return labtool_fail("open /proc/self/pagemap: %m");
	if (pread(fd, &e, sizeof(e), (off_t)((uintptr_t)va / PAGE) * sizeof(e)) != sizeof(e))
		e = 0;
	close(fd);
	if (!(e & PAGEMAP_PRESENT) || !(e & PAGEMAP_PFN) || (e & PAGEMAP_PFN) >= (1ull << 20))
		return labtool_fail("no physical address below 4 GiB for the page (pagemap %llx)",
				    (unsigned long long)e);
	*gpa = (uint32_t)(e & PAGEMAP_PFN) * PAGE;
	return 0;
}

static int drop_to(uid_t uid)
{
	if (setgroups(0, NULL) || setgid(uid) || setuid(uid))
		return labtool_fail("cannot become uid %u: %m", (unsigned)uid);
	if (setuid(0) == 0 || geteuid() != uid)
		return labtool_fail("still privileged after dropping to uid %u", (unsigned)uid);
	return 0;
}

int cmd_user_vmmcall(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_sigill };
	static uint8_t before[PAGE];
	uint32_t nr, gpa = 0, vmid, a[4], eax;
	uid_t uid;
	uint8_t *page;
	int fd;

	if (argc != 3)
		return labtool_fail("usage: user-vmmcall UID VMID");
	uid = (uid_t)strtoul(argv[1], NULL, 0);
	vmid = (uint32_t)strtoul(argv[2], NULL, 0);
	if (getuid() != 0 || uid == 0)
		return labtool_fail("run as root, with a non-root UID to drop to");
	page = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED | MAP_POPULATE, -1, 0);
	if (page == MAP_FAILED)
		return labtool_fail("mmap: %m");
	memset(page, 0x5a, PAGE);
	strcpy((char *)page, MARKER);
	memcpy(before, page, PAGE);
	if (page_gpa(page, &gpa) || drop_to(uid))
		return 1;
	printf("uid %u, page at gpa %#x\n", (unsigned)getuid(), gpa);

	fd = open("/dev/vmkernel", O_RDWR);
	if (fd >= 0)
		return labtool_fail("uid %u opened /dev/vmkernel", (unsigned)uid);
	if (errno != EACCES && errno != EPERM)
		return labtool_fail("open /dev/vmkernel: %m (expected: permission denied)");
	printf("open /dev/vmkernel: %s\n", strerror(errno));

	sigaction(SIGILL, &sa, NULL);
	for (nr = 0; nr <= VMK_HC_MAX + 1; nr++) {
		uint32_t n = nr == VMK_HC_MAX + 1 ? 0xffffffffu : nr;

		/* Per number what its caller would pass (hypercall.h). */
		a[0] = gpa;
		a[1] = PAGE;
		a[2] = PAGE;
		a[3] = gpa + PAGE / 2;
		switch (n) {
		case VMK_HC_LOG_READ:
			a[2] = a[3] = 0;
			break;
		case VMK_HC_PANIC_TEST:
			a[0] = VMK_PANIC_TEST_NOW;
			break;
		case VMK_HC_VM_POWER_ON: case VMK_HC_VM_STOP: case VMK_HC_VM_KILL:
		case VMK_HC_VM_RESET: case VMK_HC_VM_DESTROY:
			a[0] = vmid;
			break;
		case VMK_HC_VM_INFO: case VMK_HC_VM_CONSOLE_READ:
			a[0] = vmid;
			a[1] = gpa;
			break;
		case VMK_HC_VM_CONSOLE_WRITE:
			a[0] = vmid;
			a[1] = gpa;
			a[2] = sizeof(MARKER) - 1;
			break;
		}
		if (raises_sigill(n, a, &eax)) {
			printf("vmmcall %#x: SIGILL\n", n);
			continue;
		}
		return labtool_fail("vmmcall %#x from uid %u returned eax %#x: a hypercall ran",
				    n, (unsigned)uid, eax);
	}
	if (memcmp(before, page, PAGE))
		return labtool_fail("the page at gpa %#x changed", gpa);
	printf("every vmmcall raised SIGILL; the page is unchanged\n");
	return 0;
}
