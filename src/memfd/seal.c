/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The seal state machine of Linux 6.18 (mm/memfd.c, mm/shmem.c), as pure
 * functions: what memfd_create starts with, what F_ADD_SEALS accepts, and
 * what each seal refuses on the data path.  Every rule here was checked
 * against the kernel natively; tests/unit/test_memfd_seal.c pins them.
 */
#include "lxrun/kernel.h"
#include "memfd_int.h"

#define SEAL_WRITES	(LX_F_SEAL_WRITE | LX_F_SEAL_FUTURE_WRITE)
#define EXEC_BITS	0111U

int
memfd_flags_parse(uint32_t flags, int noexec_scope, struct memfd_flags *out)
{
	uint32_t allowed = LX_MFD_ALL_FLAGS;

	/* Before Linux 6.3 there is no exec flag. */
	if (!lx_kernel.memfd_exec_seal)
		allowed &= ~(LX_MFD_EXEC | LX_MFD_NOEXEC_SEAL);

	/* Size bits are only allowed with MFD_HUGETLB. */
	if (flags & LX_MFD_HUGETLB)
		allowed |= LX_MFD_HUGE_MASK << LX_MFD_HUGE_SHIFT;
	if (flags & ~allowed)
		return -LX_EINVAL;
	if ((flags & LX_MFD_EXEC) && (flags & LX_MFD_NOEXEC_SEAL))
		return -LX_EINVAL;
	/* Neither EXEC nor NOEXEC_SEAL: the sysctl picks. */
	if (!(flags & (LX_MFD_EXEC | LX_MFD_NOEXEC_SEAL)))
		flags |= noexec_scope >= LX_MEMFD_NOEXEC_SCOPE_NOEXEC_SEAL ?
		    LX_MFD_NOEXEC_SEAL : LX_MFD_EXEC;
	if (!(flags & LX_MFD_NOEXEC_SEAL) &&
	    noexec_scope >= LX_MEMFD_NOEXEC_SCOPE_NOEXEC_ENFORCED)
		return -LX_EACCES;

	out->cloexec = (flags & LX_MFD_CLOEXEC) != 0;
	out->hugetlb = (flags & LX_MFD_HUGETLB) != 0;
	out->huge_log = out->hugetlb ?
	    (flags >> LX_MFD_HUGE_SHIFT) & LX_MFD_HUGE_MASK : 0;
	if (flags & LX_MFD_NOEXEC_SEAL) {
		/* No exec bits, F_SEAL_EXEC set, and sealing stays open. */
		out->mode = 0666;
		out->seals = LX_F_SEAL_EXEC;
	} else {
		out->mode = 0777;
		out->seals = (flags & LX_MFD_ALLOW_SEALING) ? 0 :
		    LX_F_SEAL_SEAL;
	}
	return 0;
}

long
memfd_seals_add(uint32_t cur, uint64_t req, bool writable, uint32_t mode,
    bool *check_busy)
{
	uint32_t add;

	*check_busy = false;
	/* Checked before the seal bits: EPERM wins over EINVAL. */
	if (!writable)
		return -LX_EPERM;
	if (req & ~(uint64_t)(lx_kernel.memfd_exec_seal ? LX_F_SEAL_ALL :
	    LX_F_SEAL_ALL & ~LX_F_SEAL_EXEC))
		return -LX_EINVAL;
	if (cur & LX_F_SEAL_SEAL)
		return -LX_EPERM;
	add = (uint32_t)req;
	/* F_SEAL_EXEC on an executable file makes it W^X from then on. */
	if ((add & LX_F_SEAL_EXEC) && (mode & EXEC_BITS))
		add |= LX_F_SEAL_SHRINK | LX_F_SEAL_GROW | SEAL_WRITES;
	*check_busy = (add & LX_F_SEAL_WRITE) && !(cur & LX_F_SEAL_WRITE);
	return (long)(cur | add);
}

bool
memfd_seals_enforced(uint32_t seals)
{
	return (seals & (LX_F_SEAL_SHRINK | LX_F_SEAL_GROW | SEAL_WRITES |
	    LX_F_SEAL_EXEC)) != 0;
}

long
memfd_write_allowed(uint32_t seals, uint64_t pos, uint64_t len,
    uint64_t size)
{
	uint64_t page_end;

	if (len == 0)
		return 0;
	if (seals & SEAL_WRITES)
		return -LX_EPERM;
	if (!(seals & LX_F_SEAL_GROW) || pos + len <= size)
		return (long)len;
	/*
	 * generic_perform_write() asks shmem_write_begin() one page at a
	 * time and stops at the first page that would grow the file: what
	 * was written before it stands, and nothing written is EPERM.
	 */
	page_end = size & ~(uint64_t)(LX_PAGE_SIZE - 1);
	if (page_end > pos)
		return (long)(page_end - pos);
	return -LX_EPERM;
}

int
memfd_truncate_check(uint32_t seals, uint64_t size, uint64_t len)
{
	if (len < size && (seals & LX_F_SEAL_SHRINK))
		return -LX_EPERM;
	if (len > size && (seals & LX_F_SEAL_GROW))
		return -LX_EPERM;
	return 0;
}

int
memfd_fallocate_check(uint32_t seals, int mode, uint64_t off, uint64_t len,
    uint64_t size)
{
	/* Punching a hole writes (zeroes); it never grows the file. */
	if (mode & LX_FALLOC_FL_PUNCH_HOLE)
		return (seals & SEAL_WRITES) ? -LX_EPERM : 0;
	/* Even with KEEP_SIZE: blocks past i_size are growth. */
	if ((seals & LX_F_SEAL_GROW) && off + len > size)
		return -LX_EPERM;
	return 0;
}

enum memfd_mmap_verdict
memfd_mmap_check(uint32_t seals, uint64_t prot, uint64_t flags,
    bool fd_writable)
{
	uint64_t type = flags & LX_MAP_TYPE;

	if (type != LX_MAP_SHARED && type != LX_MAP_SHARED_VALIDATE)
		return MEMFD_MMAP_NATIVE;
	if (!(seals & SEAL_WRITES) || !fd_writable)
		return MEMFD_MMAP_NATIVE;
	if (prot & LX_PROT_WRITE)
		return MEMFD_MMAP_EPERM;
	return MEMFD_MMAP_READONLY;
}

int
memfd_chmod_check(uint32_t seals, uint32_t oldmode, uint32_t newmode)
{
	if ((seals & LX_F_SEAL_EXEC) && ((oldmode ^ newmode) & EXEC_BITS))
		return -LX_EPERM;
	return 0;
}

/*
 * hugetlbfs_setattr(): a size must be a whole number of huge pages (the
 * seals are checked after, by the caller).
 */
int
memfd_huge_truncate_check(unsigned huge_shift, uint64_t len)
{
	return (len & ((1ULL << huge_shift) - 1)) ? -LX_EINVAL : 0;
}

/*
 * hugetlbfs_file_mmap(): the offset must be huge-page aligned; the
 * mapping reserves every huge page it covers, unless MAP_NORESERVE.
 */
int
memfd_huge_mmap_check(unsigned huge_shift, uint64_t len, uint64_t off,
    uint64_t flags, uint64_t *pages)
{
	uint64_t huge = 1ULL << huge_shift, end;

	*pages = 0;
	if (len == 0 || (off & (huge - 1)))
		return -LX_EINVAL;
	end = off + ((len + huge - 1) & ~(huge - 1));
	if (!(flags & LX_MAP_NORESERVE))
		*pages = (end - off) >> huge_shift;
	return 0;
}
