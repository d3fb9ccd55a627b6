/* SPDX-License-Identifier: BSD-2-Clause */
/* Linux x86-64 signal numbers and sigaction constants. */
#ifndef LXRUN_LINUX_SIGNAL_H
#define LXRUN_LINUX_SIGNAL_H

#define LX_SIGHUP                   1
#define LX_SIGINT                   2
#define LX_SIGQUIT                  3
#define LX_SIGILL                   4
#define LX_SIGTRAP                  5
#define LX_SIGABRT                  6
#define LX_SIGBUS                   7
#define LX_SIGFPE                   8
#define LX_SIGKILL                  9
#define LX_SIGUSR1                  10
#define LX_SIGSEGV                  11
#define LX_SIGUSR2                  12
#define LX_SIGPIPE                  13
#define LX_SIGALRM                  14
#define LX_SIGTERM                  15
#define LX_SIGSTKFLT                16
#define LX_SIGCHLD                  17
#define LX_SIGCONT                  18
#define LX_SIGSTOP                  19
#define LX_SIGTSTP                  20
#define LX_SIGTTIN                  21
#define LX_SIGTTOU                  22
#define LX_SIGURG                   23
#define LX_SIGXCPU                  24
#define LX_SIGXFSZ                  25
#define LX_SIGVTALRM                26
#define LX_SIGPROF                  27
#define LX_SIGWINCH                 28
#define LX_SIGIO                    29
#define LX_SIGPWR                   30
#define LX_SIGSYS                   31
#define LX_SIGRTMIN                 32
#define LX_SIGRTMAX                 64
#define LX_NSIG                     65

#define LX_SIG_BLOCK                0
#define LX_SIG_UNBLOCK              1
#define LX_SIG_SETMASK              2
#define LX_SA_NOCLDSTOP             0x1
#define LX_SA_NOCLDWAIT             0x2
#define LX_SA_SIGINFO               0x4
#define LX_SA_ONSTACK               0x8000000
#define LX_SA_RESTART               0x10000000
#define LX_SA_NODEFER               0x40000000
#define LX_SA_RESETHAND             0x80000000
#define LX_SA_RESTORER              0x4000000

#define LX_SI_USER                  0
#define LX_SI_KERNEL                128
#define LX_SI_QUEUE                 -1
#define LX_SI_TIMER                 -2
#define LX_SI_MESGQ                 -3
#define LX_SI_ASYNCIO               -4
#define LX_SI_SIGIO                 -5
#define LX_SI_TKILL                 -6
#define LX_CLD_EXITED               1
#define LX_CLD_KILLED               2
#define LX_CLD_DUMPED               3
#define LX_CLD_TRAPPED              4
#define LX_CLD_STOPPED              5
#define LX_CLD_CONTINUED            6

#define LX_WNOHANG                  0x1
#define LX_WUNTRACED                0x2
#define LX_WSTOPPED                 0x2
#define LX_WEXITED                  0x4
#define LX_WCONTINUED               0x8
#define LX_WNOWAIT                  0x1000000
#define LX___WNOTHREAD              0x20000000
#define LX___WALL                   0x40000000
#define LX___WCLONE                 0x80000000
#define LX_P_ALL                    0
#define LX_P_PID                    1
#define LX_P_PGID                   2
#define LX_P_PIDFD                  3

#define LX_POLLIN                   0x1
#define LX_POLLPRI                  0x2
#define LX_POLLOUT                  0x4
#define LX_POLLERR                  0x8
#define LX_POLLHUP                  0x10
#define LX_POLLNVAL                 0x20
#define LX_POLLRDNORM               0x40
#define LX_POLLRDBAND               0x80
#define LX_POLLWRNORM               0x100
#define LX_POLLWRBAND               0x200
#define LX_POLLRDHUP                0x2000

#endif
