/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Starting a VM from its .vmx, shared by `vmkctl vm start` and vmk-hostd's
 * PowerOnVM_Task (cos-tools/vmk-hostd/backend_vmk.c), so that both make the
 * same VM from the same file: the .vmx checked, the VM created in the
 * vmkernel with its devices, its firmware or kernel, initrd and command
 * line loaded, then powered on. Each call that can fail returns -1 with a
 * sentence for the operator in diag (cos-tools/lib/diag.h).
 */
#ifndef VMKCTL_VM_START_H
#define VMKCTL_VM_START_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <vmk/ioctl.h>
#include "cos-tools/vmx/vmx.h"

/* A .vmx file and the configuration read from it (its strings point into file). */
struct vm_file {
	struct vmx_file file;
	struct vmx_config cfg;
};

/*
 * Load and check the .vmx at path. 0, or -1 with every problem found in
 * diag; vf needs vm_file_free() only after a 0.
 */
int vm_file_load(const char *path, struct vm_file *vf, struct diag *diag);
void vm_file_free(struct vm_file *vf);

/*
 * Before a start: record in the .vmx at path (loaded in vf) the identity
 * VMware writes at first power on and the file lacks (uuid.bios, the MAC
 * of each NIC with a generated address; vmx_identity_record()); vf
 * becomes the file as recorded under the folder's lock, what was written
 * or else what was read, not the file read again by path. A VM does not
 * start with an identity it could not record: -1 with diag (vf unchanged)
 * when the file cannot be rewritten, so the next start cannot give it
 * another one.
 */
int vm_file_record_identity(const char *path, struct vm_file *vf, struct diag *diag);

/* 1 and info if the vmkernel has a VM named name, 0 if not, -1 with diag. */
int vm_find_named(int fd, const char *name, struct vmk_vm_info *info, struct diag *diag);

/*
 * `vmkctl vm start`: the VM of c created and powered on, its id in *id. A
 * VM of that name the vmkernel still holds is refused while it runs
 * (*running set) and replaced when it is stopped, so that every start
 * reads the .vmx and its images afresh. On failure nothing of the new VM
 * stays in the vmkernel.
 */
int vm_start(int fd, const struct vmx_config *c, uint32_t *id, bool *running,
	     struct diag *diag);

/*
 * Set sets[0..n) (only sched.cpu.shares, .min, .max: anything else is
 * refused) in the .vmx at path and, if the vmkernel runs the VM it names,
 * in the running VM, all under the folder's lock (vmx_set_keys_applied()):
 * the new text is checked, the running VM takes it (admission control may
 * refuse: then nothing is written), then the file is renamed; if that
 * fails, the VM gets the old values back. A file that has the values
 * already is only applied. *now and *written as vmx_set_keys() gives
 * them (*now empty after a -1); *live: a running VM took them. 0, or -1
 * with diag.
 */
int vm_reconfig_sched(int fd, const char *path, const struct vmx_set *sets, size_t n,
		      struct vmx_file *now, size_t *written, bool *live, struct diag *diag);

/*
 * After a start powered the VM on: it takes the sched.cpu.* its .vmx has
 * now, under the folder's lock. vm start reads the file well before its
 * power on; a vm sched or ReconfigVM_Task that wrote it meanwhile found
 * no running VM to give the values to. 0, or -1 with diag.
 */
int vm_start_follow_sched(int fd, const char *path, struct diag *diag);

#endif /* VMKCTL_VM_START_H */
