/* SPDX-License-Identifier: BSD-2-Clause */
/* waitid(2) pieces, exposed for the unit tests. */
#ifndef LXRUN_TRANSLATE_WAITID_H
#define LXRUN_TRANSLATE_WAITID_H

#include <signal.h>
#include <stdint.h>
#include <sys/resource.h>

#include "lxrun/lxrun.h"

/* Linux's idtype/id/options validation: 0 or -LX_EINVAL. */
long lx_waitid_check(int32_t idtype, int32_t id, uint32_t options);
/*
 * After the host wait returned ret with hsi/hru (NULL when it failed):
 * write Linux's rusage and siginfo to the guest's rup/infop (0 = not
 * wanted) as sys_waitid does, siginfo on failure too.
 */
long lx_waitid_copyout(struct lx_guest *g, uint64_t infop, uint64_t rup,
    const siginfo_t *hsi, const struct rusage *hru, long ret);

#endif
