/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Checks that changed between Linux versions, in calls lxrun answers
 * itself: probe the host once so the answers are this kernel's.  Only
 * the old kernel's own errno counts as absence: a seccomp filter or an
 * LSM that refuses the probe leaves the default (Linux 6.18).
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lxrun/kernel.h"
#include "lxrun/linux_abi.h"

void
lx_kernel_probe(void)
{
	char stx[256];
	int fd = open("/", O_PATH | O_CLOEXEC);

	if (fd >= 0) {
		/* Linux 6.11 takes NULL for "" with AT_EMPTY_PATH. */
		if (syscall(SYS_statx, fd, NULL, AT_EMPTY_PATH, 0, stx) < 0 &&
		    errno == EFAULT)
			lx_kernel.stat_null_path = false;
		close(fd);
	}
	/* MFD_NOEXEC_SEAL came with F_SEAL_EXEC (Linux 6.3). */
	fd = (int)syscall(SYS_memfd_create, "lxrun-probe",
	    LX_MFD_CLOEXEC | LX_MFD_NOEXEC_SEAL);
	if (fd < 0 && errno == EINVAL)
		lx_kernel.memfd_exec_seal = false;
	if (fd >= 0)
		close(fd);
}
