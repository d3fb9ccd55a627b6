/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Notification that a guest thread closed a range of fds (close_range):
 * sys_close_range.c calls lx_fds_closed() after a successful close_range
 * without CLOSE_RANGE_CLOEXEC, and it fans out to the families through
 * lx_hooks (on_fds_closed), so that they drop their copies of the closed
 * files (DESIGN.md decision 5).
 */
#ifndef LXRUN_TRANSLATE_FDS_CLOSED_H
#define LXRUN_TRANSLATE_FDS_CLOSED_H

/*
 * tid closed fds first..last (inclusive, last may be ~0U) of its fd table;
 * unshared: the table was unshared first (CLOSE_RANGE_UNSHARE), so other
 * threads that shared it keep their fds.
 */
void lx_fds_closed(int tid, unsigned first, unsigned last, int unshared);

#endif
