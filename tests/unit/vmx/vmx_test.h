// SPDX-License-Identifier: GPL-2.0-only
/* Helpers shared by the .vmx unit tests. */
#ifndef TESTS_UNIT_VMX_TEST_H
#define TESTS_UNIT_VMX_TEST_H

#include <check.h>
#include <string.h>

#include "cos-tools/vmx/vmx.h"

/* Parse a string named "t.vmx"; returns vmx_parse's result. */
static inline int parse_text(const char *text, struct vmx_file *file,
			     struct diag *diag)
{
	*diag = (struct diag){ 0 };
	return vmx_parse("t.vmx", text, strlen(text), file, diag);
}

/* Some message of diag contains want. */
static inline void assert_diag_has(const struct diag *diag, const char *want)
{
	size_t i;

	for (i = 0; i < diag->count; i++)
		if (strstr(diag->msgs[i], want))
			return;
	ck_abort_msg("no message contains \"%s\" (%zu messages%s%s)", want,
		     diag->count, diag->count ? ", first: " : "",
		     diag->count ? diag->msgs[0] : "");
}

#endif /* TESTS_UNIT_VMX_TEST_H */
