// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmx-check: check .vmx files the way vmk will read them.
 *
 *   vmx-check FILE...            report every problem as FILE:LINE: message
 *   vmx-check --canonical FILE   print FILE as vmk writes it (keys it knows)
 *
 * Exit status: 0 all files usable, 1 a file has problems, 2 usage error.
 */
#include <stdio.h>
#include <string.h>

#include "cos-tools/vmx/vmx.h"

#define EXIT_PROBLEMS	1
#define EXIT_USAGE	2

static int check_file(const char *path, bool canonical)
{
	struct diag diag = { 0 };
	struct vmx_file file;
	struct vmx_config cfg;
	int ret = 0;
	size_t i;

	if (vmx_load(path, &file, &diag) == 0)
		ret = vmx_config_from_file(&file, &cfg, &diag);
	else
		ret = -1;
	for (i = 0; i < diag.count; i++)
		fprintf(stderr, "%s\n", diag.msgs[i]);
	if (ret == 0 && canonical && (vmx_config_write(stdout, &cfg) || fflush(stdout))) {
		fprintf(stderr, "vmx-check: cannot write to standard output\n");
		ret = -1;
	}
	diag_free(&diag);
	vmx_file_free(&file);
	return ret;
}

int main(int argc, char **argv)
{
	bool canonical = argc > 1 && !strcmp(argv[1], "--canonical");
	int first = canonical ? 2 : 1, i, status = 0;

	if (argc <= first || (canonical && argc != 3) || argv[first][0] == '-') {
		fprintf(stderr, "usage: vmx-check FILE...\n"
				"       vmx-check --canonical FILE\n");
		return EXIT_USAGE;
	}
	for (i = first; i < argc; i++)
		if (check_file(argv[i], canonical))
			status = EXIT_PROBLEMS;
	return status;
}
