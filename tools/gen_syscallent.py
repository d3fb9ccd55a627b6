#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Generate src/translate/syscallent.h, lxrun's Linux x86-64 syscall table.

Numbers, names and the NetBSD/FreeBSD compat words come from
data/compat-status-x86_64.tsv.  Argument kinds, result kind and trace class
come from SPEC (written from the Linux man pages and the kernel's
SYSCALL_DEFINEs, classes as strace has them); how lxrun serves a call from
EMULATED, ANSWERS, NOTES and NOT_IN_LINUX.

    tools/gen_syscallent.py            rewrite src/translate/syscallent.h
    tools/gen_syscallent.py --check    exit 1 if the file is out of date
"""

import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TSV = os.path.join(ROOT, "data", "compat-status-x86_64.tsv")
OUT = os.path.join(ROOT, "src", "translate", "syscallent.h")

# name: argument kinds (LXA_ without the prefix) [-> result kind] [| classes]
# Result kind defaults to LONG.  Classes are the short names sysent.c
# defines (strace's): TD TF TP TN TS TI TM TST TLST TFST TSF TC TCL PU.
SPEC = """
read: FD BUF_OUT SIZE | TD
write: FD BUF_IN SIZE | TD
open: PATH OPEN_FLAGS MODE -> FD | TD TF
close: FD | TD
stat: PATH STAT_OUT | TF TST
fstat: FD STAT_OUT | TD TFST
lstat: PATH STAT_OUT | TF TLST
poll: POLLFD UINT INT | TD
lseek: FD OFF WHENCE -> OFF | TD
mmap: PTR SIZE PROT MAP_FLAGS FD HEX -> HEX | TD TM
mprotect: PTR SIZE PROT | TM
munmap: PTR SIZE | TM
brk: PTR -> HEX | TM
rt_sigaction: SIGNUM SIGACTION SIGACTION_OUT SIZE | TS
rt_sigprocmask: SIGPROCMASK_HOW SIGSET SIGSET_OUT SIZE | TS
rt_sigreturn: | TS
ioctl: FD IOCTL_REQ HEX | TD
pread64: FD BUF_OUT SIZE OFF | TD
pwrite64: FD BUF_IN SIZE OFF | TD
readv: FD IOV_OUT INT | TD
writev: FD IOV_IN INT | TD
access: PATH ACCESS_MODE | TF
pipe: PIPEFD_OUT | TD
select: INT FDSET FDSET FDSET TIMEVAL | TD
sched_yield:
mremap: PTR SIZE SIZE MREMAP_FLAGS PTR -> HEX | TM
msync: PTR SIZE HEX | TM
mincore: PTR SIZE PTR | TM
madvise: PTR SIZE MADVISE | TM
shmget: HEX SIZE HEX | TI
shmat: INT PTR HEX -> HEX | TI TM
shmctl: INT INT PTR | TI
dup: FD -> FD | TD
dup2: FD FD -> FD | TD
pause: | TS
nanosleep: TIMESPEC TIMESPEC_OUT
getitimer: INT PTR
alarm: UINT
setitimer: INT PTR PTR
getpid: | PU
sendfile: FD FD PTR SIZE | TD TN
socket: SOCK_FAMILY SOCK_TYPE INT -> FD | TN
connect: FD SOCKADDR UINT | TN
accept: FD SOCKADDR_OUT PTR -> FD | TN
sendto: FD BUF_IN SIZE MSG_FLAGS SOCKADDR UINT | TN
recvfrom: FD BUF_OUT SIZE MSG_FLAGS SOCKADDR_OUT PTR | TN
sendmsg: FD MSGHDR MSG_FLAGS | TN
recvmsg: FD MSGHDR MSG_FLAGS | TN
shutdown: FD SHUTDOWN_HOW | TN
bind: FD SOCKADDR UINT | TN
listen: FD INT | TN
getsockname: FD SOCKADDR_OUT PTR | TN
getpeername: FD SOCKADDR_OUT PTR | TN
socketpair: SOCK_FAMILY SOCK_TYPE INT PIPEFD_OUT | TN
setsockopt: FD SOCK_LEVEL INT BUF_IN UINT | TN
getsockopt: FD SOCK_LEVEL INT PTR PTR | TN
clone: CLONE_FLAGS PTR PTR PTR PTR | TP
fork: | TP
vfork: | TP
execve: PATH ARGV ENVP | TF TP
exit: INT | TP
wait4: INT WSTATUS_OUT WAIT_OPTIONS RUSAGE_OUT | TP
kill: INT SIGNUM | TS TP
uname: UTSNAME_OUT
semget: HEX INT HEX | TI
semop: INT PTR SIZE | TI
semctl: INT INT INT HEX | TI
shmdt: PTR | TI TM
msgget: HEX HEX | TI
msgsnd: INT PTR SIZE HEX | TI
msgrcv: INT PTR SIZE LONG HEX | TI
msgctl: INT INT PTR | TI
fcntl: FD FCNTL_CMD HEX | TD
flock: FD INT | TD
fsync: FD | TD
fdatasync: FD | TD
truncate: PATH OFF | TF
ftruncate: FD OFF | TD
getdents: FD DIRENT_OUT UINT | TD
getcwd: BUF_OUT SIZE | TF
chdir: PATH | TF
fchdir: FD | TD
rename: PATH PATH | TF
mkdir: PATH MODE | TF
rmdir: PATH | TF
creat: PATH MODE -> FD | TD TF
link: PATH PATH | TF
unlink: PATH | TF
symlink: PATH PATH | TF
readlink: PATH BUF_OUT SIZE | TF
chmod: PATH MODE | TF
fchmod: FD MODE | TD
chown: PATH INT INT | TF
fchown: FD INT INT | TD
lchown: PATH INT INT | TF
umask: OCT -> OCT
gettimeofday: TIMEVAL_OUT PTR | TCL
getrlimit: RLIMIT_RESOURCE RLIMIT_OUT
getrusage: INT RUSAGE_OUT
sysinfo: PTR
times: PTR
ptrace: INT INT PTR PTR
getuid: | TC PU
syslog: INT BUF_OUT INT
getgid: | TC PU
setuid: INT | TC
setgid: INT | TC
geteuid: | TC PU
getegid: | TC PU
setpgid: INT INT
getppid: | PU
getpgrp: | PU
setsid:
setreuid: INT INT | TC
setregid: INT INT | TC
getgroups: INT PTR | TC
setgroups: SIZE PTR | TC
setresuid: INT INT INT | TC
getresuid: PTR PTR PTR | TC
setresgid: INT INT INT | TC
getresgid: PTR PTR PTR | TC
getpgid: INT
setfsuid: INT | TC
setfsgid: INT | TC
getsid: INT
capget: PTR PTR | TC
capset: PTR PTR | TC
rt_sigpending: SIGSET_OUT SIZE | TS
rt_sigtimedwait: SIGSET SIGINFO_OUT TIMESPEC SIZE -> SIGNUM | TS
rt_sigqueueinfo: INT SIGNUM SIGINFO | TS TP
rt_sigsuspend: SIGSET SIZE | TS
sigaltstack: PTR PTR | TS
utime: PATH PTR | TF
mknod: PATH MODE HEX | TF
uselib: PATH | TF
personality: HEX -> HEX
ustat: HEX PTR | TSF
statfs: PATH STATFS_OUT | TF TSF
fstatfs: FD STATFS_OUT | TD TSF
sysfs: INT HEX HEX
getpriority: INT INT
setpriority: INT INT INT
sched_setparam: INT PTR
sched_getparam: INT PTR
sched_setscheduler: INT INT PTR
sched_getscheduler: INT
sched_get_priority_max: INT
sched_get_priority_min: INT
sched_rr_get_interval: INT TIMESPEC_OUT
mlock: PTR SIZE | TM
munlock: PTR SIZE | TM
mlockall: HEX | TM
munlockall: | TM
vhangup:
modify_ldt: INT PTR SIZE
pivot_root: PATH PATH | TF
_sysctl: PTR
prctl: PRCTL_OPTION HEX HEX HEX HEX | TC
arch_prctl: ARCH_PRCTL_CODE HEX
adjtimex: PTR | TCL
setrlimit: RLIMIT_RESOURCE RLIMIT
chroot: PATH | TF
sync:
acct: PATH | TF
settimeofday: TIMEVAL PTR | TCL
mount: PATH PATH STR HEX STR | TF
umount2: PATH HEX | TF
swapon: PATH HEX | TF
swapoff: PATH | TF
reboot: HEX HEX HEX PTR
sethostname: BUF_IN SIZE
setdomainname: BUF_IN SIZE
iopl: INT
ioperm: HEX UINT INT
create_module: STR SIZE
init_module: PTR SIZE STR
delete_module: STR HEX
get_kernel_syms: PTR
query_module: STR INT PTR SIZE PTR
quotactl: HEX PATH INT PTR | TF
nfsservctl: INT PTR PTR
getpmsg: FD PTR PTR PTR PTR | TN
putpmsg: FD PTR PTR INT HEX | TN
afs_syscall: HEX HEX HEX HEX HEX
tuxcall: HEX HEX HEX
security: HEX HEX HEX
gettid: | PU
readahead: FD OFF SIZE | TD
setxattr: PATH STR BUF_IN SIZE HEX | TF
lsetxattr: PATH STR BUF_IN SIZE HEX | TF
fsetxattr: FD STR BUF_IN SIZE HEX | TD
getxattr: PATH STR BUF_OUT SIZE | TF
lgetxattr: PATH STR BUF_OUT SIZE | TF
fgetxattr: FD STR BUF_OUT SIZE | TD
listxattr: PATH BUF_OUT SIZE | TF
llistxattr: PATH BUF_OUT SIZE | TF
flistxattr: FD BUF_OUT SIZE | TD
removexattr: PATH STR | TF
lremovexattr: PATH STR | TF
fremovexattr: FD STR | TD
tkill: INT SIGNUM | TS TP
time: PTR | TCL
futex: PTR FUTEX_OP INT TIMESPEC PTR INT
sched_setaffinity: INT UINT PTR
sched_getaffinity: INT UINT PTR
set_thread_area: PTR
io_setup: UINT PTR | TM
io_destroy: HEX | TM
io_getevents: HEX LONG LONG PTR TIMESPEC
io_submit: HEX LONG PTR
io_cancel: HEX PTR PTR
get_thread_area: PTR
lookup_dcookie: HEX BUF_OUT SIZE
epoll_create: INT -> FD | TD
epoll_ctl_old: HEX HEX HEX HEX
epoll_wait_old: HEX HEX HEX HEX
remap_file_pages: PTR SIZE PROT SIZE MAP_FLAGS | TM
getdents64: FD DIRENT_OUT UINT | TD
set_tid_address: PTR
restart_syscall:
semtimedop: INT PTR SIZE TIMESPEC | TI
fadvise64: FD OFF OFF INT | TD
timer_create: CLOCKID PTR PTR
timer_settime: INT HEX PTR PTR
timer_gettime: INT PTR
timer_getoverrun: INT
timer_delete: INT
clock_settime: CLOCKID TIMESPEC | TCL
clock_gettime: CLOCKID TIMESPEC_OUT | TCL
clock_getres: CLOCKID TIMESPEC_OUT | TCL
clock_nanosleep: CLOCKID HEX TIMESPEC TIMESPEC_OUT
exit_group: INT | TP
epoll_wait: FD EPOLL_EVENTS_OUT INT INT | TD
epoll_ctl: FD EPOLL_CTL_OP FD EPOLL_EVENT | TD
tgkill: INT INT SIGNUM | TS TP
utimes: PATH TIMEVAL | TF
vserver: HEX HEX HEX HEX HEX
mbind: PTR SIZE INT PTR UINT HEX | TM
set_mempolicy: INT PTR UINT | TM
get_mempolicy: PTR PTR UINT PTR HEX | TM
mq_open: STR OPEN_FLAGS MODE PTR -> FD | TD
mq_unlink: STR
mq_timedsend: FD BUF_IN SIZE UINT TIMESPEC | TD
mq_timedreceive: FD BUF_OUT SIZE PTR TIMESPEC | TD
mq_notify: FD PTR | TD
mq_getsetattr: FD PTR PTR | TD
kexec_load: HEX UINT PTR HEX
waitid: IDTYPE INT SIGINFO_OUT WAIT_OPTIONS RUSAGE_OUT | TP
add_key: STR STR BUF_IN SIZE INT
request_key: STR STR STR INT
keyctl: INT HEX HEX HEX HEX
ioprio_set: IOPRIO_WHICH INT IOPRIO
ioprio_get: IOPRIO_WHICH INT -> IOPRIO
inotify_init: -> FD | TD
inotify_add_watch: FD PATH INOTIFY_MASK | TD TF
inotify_rm_watch: FD INT | TD
migrate_pages: INT UINT PTR PTR | TM
openat: DIRFD PATH OPEN_FLAGS MODE -> FD | TD TF
mkdirat: DIRFD PATH MODE | TD TF
mknodat: DIRFD PATH MODE HEX | TD TF
fchownat: DIRFD PATH INT INT AT_FLAGS | TD TF
futimesat: DIRFD PATH TIMEVAL | TD TF
newfstatat: DIRFD PATH STAT_OUT AT_FLAGS | TD TF TFST
unlinkat: DIRFD PATH UNLINKAT_FLAGS | TD TF
renameat: DIRFD PATH DIRFD PATH | TD TF
linkat: DIRFD PATH DIRFD PATH AT_FLAGS | TD TF
symlinkat: PATH DIRFD PATH | TD TF
readlinkat: DIRFD PATH BUF_OUT SIZE | TD TF
fchmodat: DIRFD PATH MODE | TD TF
faccessat: DIRFD PATH ACCESS_MODE | TD TF
pselect6: INT FDSET FDSET FDSET TIMESPEC PTR | TD
ppoll: POLLFD UINT TIMESPEC SIGSET SIZE | TD
unshare: CLONE_FLAGS
set_robust_list: PTR SIZE
get_robust_list: INT PTR PTR
splice: FD PTR FD PTR SIZE HEX | TD
tee: FD FD SIZE HEX | TD
sync_file_range: FD OFF OFF HEX | TD
vmsplice: FD IOV_IN UINT HEX | TD
move_pages: INT UINT PTR PTR PTR HEX | TM
utimensat: DIRFD PATH TIMESPEC AT_FLAGS | TD TF
epoll_pwait: FD EPOLL_EVENTS_OUT INT INT SIGSET SIZE | TD
signalfd: FD SIGSET SIZE -> FD | TD TS
timerfd_create: CLOCKID TIMERFD_FLAGS -> FD | TD
eventfd: UINT -> FD | TD
fallocate: FD HEX OFF OFF | TD
timerfd_settime: FD HEX PTR PTR | TD
timerfd_gettime: FD PTR | TD
accept4: FD SOCKADDR_OUT PTR SOCK_TYPE -> FD | TN
signalfd4: FD SIGSET SIZE HEX -> FD | TD TS
eventfd2: UINT EVENTFD_FLAGS -> FD | TD
epoll_create1: EPOLL_CREATE_FLAGS -> FD | TD
dup3: FD FD FD_FLAGS -> FD | TD
pipe2: PIPEFD_OUT FD_FLAGS | TD
inotify_init1: INOTIFY_INIT_FLAGS -> FD | TD
preadv: FD IOV_OUT INT OFF | TD
pwritev: FD IOV_IN INT OFF | TD
rt_tgsigqueueinfo: INT INT SIGNUM SIGINFO | TS TP
perf_event_open: PTR INT INT FD HEX -> FD | TD
recvmmsg: FD PTR UINT MSG_FLAGS TIMESPEC | TN
fanotify_init: HEX OPEN_FLAGS -> FD | TD
fanotify_mark: FD HEX HEX DIRFD PATH | TD TF
prlimit64: INT RLIMIT_RESOURCE RLIMIT RLIMIT_OUT
name_to_handle_at: DIRFD PATH PTR PTR AT_FLAGS | TD TF
open_by_handle_at: FD PTR OPEN_FLAGS -> FD | TD
clock_adjtime: CLOCKID PTR | TCL
syncfs: FD | TD
sendmmsg: FD PTR UINT MSG_FLAGS | TN
setns: FD CLONE_FLAGS | TD
getcpu: PTR PTR PTR
process_vm_readv: INT IOV_OUT UINT PTR UINT HEX
process_vm_writev: INT IOV_IN UINT PTR UINT HEX
kcmp: INT INT INT HEX HEX
finit_module: FD STR HEX | TD
sched_setattr: INT PTR HEX
sched_getattr: INT PTR UINT HEX
renameat2: DIRFD PATH DIRFD PATH RENAME_FLAGS | TD TF
seccomp: UINT HEX PTR
getrandom: BUF_OUT SIZE GRND_FLAGS
memfd_create: STR MFD_FLAGS -> FD | TD
kexec_file_load: FD FD SIZE STR HEX | TD
bpf: INT PTR UINT | TD
execveat: DIRFD PATH ARGV ENVP AT_FLAGS | TD TF TP
userfaultfd: HEX -> FD | TD
membarrier: INT HEX INT
mlock2: PTR SIZE HEX | TM
copy_file_range: FD PTR FD PTR SIZE HEX | TD
preadv2: FD IOV_OUT INT OFF HEX HEX | TD
pwritev2: FD IOV_IN INT OFF HEX HEX | TD
pkey_mprotect: PTR SIZE PROT INT | TM
pkey_alloc: HEX HEX
pkey_free: INT
statx: DIRFD PATH AT_FLAGS STATX_MASK STATX_OUT | TD TF TFST
io_pgetevents: HEX LONG LONG PTR TIMESPEC PTR
rseq: PTR UINT HEX HEX
uretprobe:
uprobe:
pidfd_send_signal: FD SIGNUM SIGINFO HEX | TD TS TP
io_uring_setup: UINT PTR -> FD | TD
io_uring_enter: FD UINT UINT HEX PTR SIZE | TD TS
io_uring_register: FD UINT PTR UINT | TD TM
open_tree: DIRFD PATH HEX -> FD | TD TF
move_mount: DIRFD PATH DIRFD PATH HEX | TD TF
fsopen: STR HEX -> FD | TD
fsconfig: FD UINT STR PTR INT | TD TF
fsmount: FD HEX HEX -> FD | TD
fspick: DIRFD PATH HEX -> FD | TD TF
pidfd_open: INT HEX -> FD | TD
clone3: PTR SIZE | TP
close_range: FD UINT CLOSE_RANGE_FLAGS | TD
openat2: DIRFD PATH PTR SIZE -> FD | TD TF
pidfd_getfd: FD INT HEX -> FD | TD
faccessat2: DIRFD PATH ACCESS_MODE AT_FLAGS | TD TF
process_madvise: FD PTR SIZE MADVISE HEX | TD
epoll_pwait2: FD EPOLL_EVENTS_OUT INT TIMESPEC SIGSET SIZE | TD
mount_setattr: DIRFD PATH AT_FLAGS PTR SIZE | TD TF
quotactl_fd: FD HEX INT PTR | TD
landlock_create_ruleset: PTR SIZE HEX -> FD | TD
landlock_add_rule: FD INT PTR HEX | TD
landlock_restrict_self: FD HEX | TD
memfd_secret: HEX -> FD | TD
process_mrelease: FD HEX | TD
futex_waitv: PTR UINT HEX TIMESPEC CLOCKID
set_mempolicy_home_node: PTR SIZE UINT HEX | TM
cachestat: FD PTR PTR HEX | TD
fchmodat2: DIRFD PATH MODE AT_FLAGS | TD TF
map_shadow_stack: PTR SIZE HEX -> HEX | TM
futex_wake: PTR HEX INT HEX
futex_wait: PTR UINT HEX HEX TIMESPEC CLOCKID
futex_requeue: PTR HEX INT INT
statmount: PTR PTR SIZE HEX
listmount: PTR PTR SIZE HEX
lsm_get_self_attr: UINT PTR PTR HEX
lsm_set_self_attr: UINT PTR UINT HEX
lsm_list_modules: PTR PTR HEX
mseal: PTR SIZE HEX | TM
setxattrat: DIRFD PATH AT_FLAGS STR PTR SIZE | TD TF
getxattrat: DIRFD PATH AT_FLAGS STR PTR SIZE | TD TF
listxattrat: DIRFD PATH AT_FLAGS BUF_OUT SIZE | TD TF
removexattrat: DIRFD PATH AT_FLAGS STR | TD TF
open_tree_attr: DIRFD PATH HEX PTR SIZE -> FD | TD TF
file_getattr: DIRFD PATH PTR SIZE AT_FLAGS | TD TF
file_setattr: DIRFD PATH PTR SIZE AT_FLAGS | TD TF
"""

# How lxrun serves a row when it is not plain native.
#   EMUL(FAMILY): a handler lx_sys_NAME, switched on by --emulate=family.
EMULATED = {
    "getrandom": "GETRANDOM", "waitid": "WAITID", "readahead": "READAHEAD",
    "newfstatat": "STAT", "statx": "STAT", "close_range": "CLOSE_RANGE",
    "ioprio_set": "IOPRIO", "ioprio_get": "IOPRIO",
    "epoll_create": "EPOLL", "epoll_create1": "EPOLL", "epoll_ctl": "EPOLL",
    "epoll_wait": "EPOLL", "epoll_pwait": "EPOLL", "epoll_pwait2": "EPOLL",
    "inotify_init": "INOTIFY", "inotify_init1": "INOTIFY",
    "inotify_add_watch": "INOTIFY", "inotify_rm_watch": "INOTIFY",
    "memfd_create": "MEMFD",
    "rseq": "RSEQ",
}
# Emulated rows whose answer is always the same errno: the filter gives it
# without a stop when nobody needs to see the call (EMUL_ANSWER).
ANSWERS = {
    "rseq": "ENOSYS",
}
# One-line notes of rows that need one (emulated rows with a twist).
NOTES = {
    "rseq": "RSEQ_NOTE",
    "uretprobe": "PROBE_NOTE", "uprobe": "PROBE_NOTE",
}
# Rows the Linux kernel itself leaves unimplemented on x86-64 (each
# returned ENOSYS when called natively with all-zero arguments on the
# 6.18 kernel this table was checked on).
NOT_IN_LINUX = [
    "uselib", "_sysctl", "create_module", "get_kernel_syms", "query_module",
    "nfsservctl", "getpmsg", "putpmsg", "afs_syscall", "tuxcall", "security",
    "set_thread_area", "get_thread_area", "lookup_dcookie", "epoll_ctl_old",
    "epoll_wait_old", "vserver",
]
NOT_IN_LINUX_NOTE = "not implemented by Linux on x86-64 either"

COMPAT = {"implemented": "impl", "stub": "stub",
          "unimplemented": "unimpl", "obsolete": "obsol", "absent": "absent"}
CLASSES = {"TD", "TF", "TP", "TN", "TS", "TI", "TM", "TST", "TLST", "TFST",
           "TSF", "TC", "TCL", "PU"}


def parse_spec():
    spec = {}
    for line in SPEC.strip().splitlines():
        name, rest = line.split(":", 1)
        cls = []
        if "|" in rest:
            rest, c = rest.split("|")
            cls = c.split()
        ret = "LONG"
        if "->" in rest:
            rest, ret = rest.split("->")
            ret = ret.strip()
        args = rest.split()
        if name in spec:
            sys.exit("duplicate spec for %s" % name)
        if len(args) > 6:
            sys.exit("%s: more than 6 arguments" % name)
        for c in cls:
            if c not in CLASSES:
                sys.exit("%s: unknown class %s" % (name, c))
        spec[name] = (args, ret, cls)
    return spec


def read_tsv():
    rows = []
    with open(TSV) as f:
        header = f.readline().rstrip("\n").split("\t")
        assert header[:6] == ["nr", "name", "netbsd", "netbsd_fn",
                              "freebsd", "freebsd_fn"], header
        for line in f:
            nr, name, nb, _, fb, _ = line.rstrip("\n").split("\t")
            rows.append((int(nr), name, COMPAT[nb], COMPAT[fb]))
    return rows


def served(name):
    if name in EMULATED and name in ANSWERS:
        return "EMUL_ANSWER(%s, %s, %s)" % (EMULATED[name], name,
                                            ANSWERS[name])
    if name in EMULATED:
        return "EMUL(%s, %s)" % (EMULATED[name], name)
    if name in NOT_IN_LINUX:
        return "MISSING"
    return "NATIVE"


def row_fields(nr, name, nb, fb, spec):
    args, ret, cls = spec[name]
    note = "NOT_IN_LINUX" if name in NOT_IN_LINUX else NOTES.get(name, "NULL")
    return ["%3d" % nr, name, "A%d(%s)" % (len(args), ", ".join(args)), ret,
            "|".join(cls) if cls else "0", served(name), nb, fb, note]


def format_rows(fields):
    """ROW(...) lines with each column padded to its widest entry."""
    width = [max(len(f[i]) + 1 for f in fields) for i in range(8)]
    lines = []
    for f in fields:
        cols = "".join((f[i] + ",").ljust(width[i] + 1) for i in range(8))
        lines.append("ROW(%s%s)" % (cols, f[8]))
    return lines


HEAD = """\
/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The Linux x86-64 syscall table, one row per syscall, included by
 * sysent.c.  Generated by tools/gen_syscallent.py from
 * data/compat-status-x86_64.tsv; edit the generator, not this file.
 *
 * ROW(nr, name, args, ret, class, served, netbsd, freebsd, note)
 *   args    An(kind...): the n argument kinds, LXA_ without the prefix
 *   ret     kind of the result (FD, HEX, ...; LONG when plain)
 *   class   strace's trace classes: TD desc, TF file, TP process,
 *           TN network, TS signal, TI ipc, TM memory, TST stat, TLST lstat,
 *           TFST fstat, TSF statfs, TC creds, TCL clock, PU pure
 *   served  NATIVE, MISSING (lxrun answers ENOSYS, as Linux does),
 *           EMUL(family, name): handler lx_sys_name, switched on by
 *           --emulate=family; EMUL_ANSWER(family, name, errno): the
 *           same, and the answer is always that errno, so the filter
 *           gives it when no one needs to see the call
 *   netbsd, freebsd  compat_linux / Linuxulator status: impl, stub,
 *           unimpl, obsol, absent
 */

/* Note of the rows that Linux itself answers with ENOSYS. */
#define NOT_IN_LINUX	"%s"
/* rseq: what both BSD layers answer, so the run shows what they give. */
#define RSEQ_NOTE	"answers ENOSYS as NetBSD and FreeBSD do; glibc then " \
	"runs without restartable sequences"
/* uretprobe, uprobe: Linux 6.11 and 6.18 let them past every seccomp filter. */
#define PROBE_NOTE	"the kernel lets it past seccomp: lxrun's filter never " \\
	"stops it, --trap=all included"

""" % NOT_IN_LINUX_NOTE

TAIL = """
#undef NOT_IN_LINUX
#undef RSEQ_NOTE
#undef PROBE_NOTE
"""


def generate():
    spec = parse_spec()
    rows = read_tsv()
    names = {r[1] for r in rows}
    extra = set(spec) - names
    lacking = names - set(spec)
    if extra or lacking:
        sys.exit("spec/TSV mismatch: extra %s, lacking %s" %
                 (sorted(extra), sorted(lacking)))
    lines = format_rows([row_fields(nr, name, nb, fb, spec)
                         for nr, name, nb, fb in rows])
    out = [HEAD]
    prev = -1
    for (nr, _, _, _), line in zip(rows, lines):
        if nr != prev + 1:
            out.append("\n/* [%d ... %d]: not used on x86-64 */\n\n" %
                       (prev + 1, nr - 1))
        prev = nr
        out.append(line + "\n")
    out.append(TAIL)
    return "".join(out)


def main():
    text = generate()
    if sys.argv[1:] == ["--check"]:
        with open(OUT) as f:
            if f.read() != text:
                sys.exit("%s is out of date; run %s" % (OUT, sys.argv[0]))
        return
    with open(OUT, "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
