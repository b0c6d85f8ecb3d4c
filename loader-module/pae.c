// SPDX-License-Identifier: GPL-2.0-only
/* The vmkernel's PAE table builder, built into the loader for the boot tables. */
#include "vmkernel/mm/pae.c"
