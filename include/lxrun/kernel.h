/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the host kernel's calls accept, where Linux versions differ and
 * lxrun answers a call itself: probed once at start-up (src/main.c), so
 * that an emulated call fails as the host's own would.  The defaults are
 * Linux 6.18's.  docs/semantics.md lists the differences.
 */
#ifndef LXRUN_KERNEL_H
#define LXRUN_KERNEL_H

#include <stdbool.h>

struct lx_kernel {
	/*
	 * statx/newfstatat take a NULL path with AT_EMPTY_PATH (Linux 6.11).
	 * Before, every flag is checked first and a NULL path faults.
	 */
	bool stat_null_path;
	/* MFD_EXEC, MFD_NOEXEC_SEAL and F_SEAL_EXEC (Linux 6.3); else EINVAL. */
	bool memfd_exec_seal;
};
extern struct lx_kernel lx_kernel;

/* Probe the host kernel into lx_kernel (src/tracer/features.c). */
void lx_kernel_probe(void);

#endif
