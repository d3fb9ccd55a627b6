/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * lxrun [options] [--] PROGRAM [ARGS...]
 *
 * Runs PROGRAM under a ptrace supervisor that answers the syscalls a BSD
 * Linux-compatibility layer would have to emulate, and optionally traces
 * every syscall as strace does.
 */
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/filter.h>

#include "lxrun/host.h"
#include "lxrun/kernel.h"
#include "lxrun/scan.h"
#include "lxrun/trace.h"
#include "tracer/load.h"
#include "tracer/loop.h"
#include "tracer/spawn.h"
#include "tracer/tracer.h"
#include "user.h"

#define LXRUN_VERSION "0.1"

enum {
	OPT_TRACE = 256, OPT_TRACE_FORMAT, OPT_REPORT, OPT_REPORT_FORMAT,
	OPT_EMULATE, OPT_TRAP, OPT_LIST, OPT_HELP, OPT_VERSION, OPT_PIN,
	OPT_LOADER, OPT_NO_NOTIFY, OPT_SPIN,
	OPT_SEPARATELY, OPT_STATUS, OPT_SIGNAL, OPT_QUIET,
};

/* --pin: the CPU that supervisor and guest share, -1 for none. */
static int pin_cpu = -1;
/* -D: the tracer is a detached grandchild, the program keeps our pid. */
static bool detach;
/* -p: processes to attach to, trace only. */
static pid_t attach_pids[64];
static int nattach;

static const struct option long_options[] = {
	{ "trace", no_argument, NULL, OPT_TRACE },
	{ "trace-format", required_argument, NULL, OPT_TRACE_FORMAT },
	{ "output", required_argument, NULL, 'o' },
	{ "summary", no_argument, NULL, 'c' },
	{ "report", no_argument, NULL, OPT_REPORT },
	{ "report-format", required_argument, NULL, OPT_REPORT_FORMAT },
	{ "emulate", required_argument, NULL, OPT_EMULATE },
	{ "trap", required_argument, NULL, OPT_TRAP },
	{ "list-syscalls", optional_argument, NULL, OPT_LIST },
	{ "pin", optional_argument, NULL, OPT_PIN },
	{ "no-notify", no_argument, NULL, OPT_NO_NOTIFY },
	{ "spin", required_argument, NULL, OPT_SPIN },
	{ "daemonize", no_argument, NULL, 'D' },
	{ "attach", required_argument, NULL, 'p' },
	{ "loader", required_argument, NULL, OPT_LOADER },
	{ "follow-forks", no_argument, NULL, 'f' },
	{ "output-separately", no_argument, NULL, OPT_SEPARATELY },
	{ "status", required_argument, NULL, OPT_STATUS },
	{ "successful-only", no_argument, NULL, 'z' },
	{ "failed-only", no_argument, NULL, 'Z' },
	{ "signal", required_argument, NULL, OPT_SIGNAL },
	{ "quiet", optional_argument, NULL, OPT_QUIET },
	{ "const-print-style", required_argument, NULL, 'X' },
	{ "user", required_argument, NULL, 'u' },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

static void
usage(FILE *f)
{
	fprintf(f,
"usage: lxrun [options] [--] PROGRAM [ARGS...]\n"
"       lxrun scan [--format=text|json|html] [-o FILE] [-v] PROGRAM...\n"
"       lxrun --list-syscalls[=text|json|md]\n"
"\n"
"Run a Linux x86-64 program under a ptrace supervisor that emulates epoll,\n"
"inotify and memfd and translates getrandom, waitid, readahead,\n"
"newfstatat, statx, close_range and ioprio_set/get as a BSD compat layer.\n"
"\n"
"  --trace               print every syscall, strace style (to stderr)\n"
"  -o, --output FILE     write the trace, -c table and report to FILE\n"
"  --trace-format=FMT    text (default) or json (one object per line);\n"
"                        implies --trace\n"
"  -e trace=SET          trace only SET: names, %%file %%desc %%process\n"
"                        %%network %%signal %%ipc %%memory ..., !negation\n"
"  -t, -tt, -ttt         prefix lines with the time of day (-tt: us,\n"
"                        -ttt: seconds since the epoch)\n"
"  -T                    show the time spent in each syscall\n"
"  -y, -yy               print paths (and socket details) for fds\n"
"  -s N                  print at most N bytes of each string (32)\n"
"  -v                    print structures unabbreviated\n"
"  -X raw|abbrev|verbose named constants and flags as numbers, names\n"
"                        (default), or numbers with the names as comments\n"
"  -e status=SET         print only calls that ended so: successful,\n"
"                        failed, unfinished (-z: successful, -Z: failed)\n"
"  -e signal=SET         print only these signals' --- SIG... --- lines\n"
"  -q, -qq, -e quiet=SET leave out information lines (-qq: the exit\n"
"                        status lines)\n"
"  -f, -ff               children are always followed; -ff with -o FILE\n"
"                        writes each thread's trace to FILE.TID\n"
"  -c, --summary         count calls, errors and time; table at exit\n"
"  --report              at exit, what NetBSD's and FreeBSD's compat\n"
"                        layers lack of the syscalls the run used\n"
"  --report-format=FMT   text (default), json or html\n"
"  --emulate=LIST        all (default), none, or families: epoll,\n"
"                        inotify, memfd, getrandom, waitid, stat,\n"
"                        close_range, readahead, ioprio, rseq,\n"
"                        eintr\n"
"  --trap=MODE           filtered (default: stop only where needed) or\n"
"                        all (stop on every syscall, as a NetBSD host);\n"
"                        tracing implies all unless filtered is given\n"
"  -p PID, --attach=PID  trace a running process (repeatable; trace only:\n"
"                        nothing is emulated for it); ^C detaches\n"
"  -u USER               run the program as USER (uid, gid, groups); lxrun\n"
"                        must run as root\n"
"  -D, --daemonize       the tracer runs detached: lxrun returns when the\n"
"                        program exits, its daemons stay served\n"
"  --pin[=CPU]           run lxrun and the program on one CPU (default: the\n"
"                        current one): a stop then costs a fraction of a\n"
"                        cross-CPU one, but the program sees one CPU\n"
"  --no-notify           serve every trapped call at a ptrace stop, never\n"
"                        by seccomp user notification (which a program\n"
"                        that makes its own seccomp listener needs)\n"
"  --spin=US             after resuming a stopped thread, poll for its next\n"
"                        stop for up to US microseconds before sleeping\n"
"                        (default 50; 0 with --pin or one CPU; 0: never)\n"
"  --loader=LOADER       kernel (default: the kernel execs programs) or elf\n"
"                        (lxrun loads the ELF itself, as on a BSD host);\n"
"                        also LXRUN_LOADER in the environment\n"
"  --list-syscalls[=FMT] print the syscall table (text, json, md)\n"
"  -h, --help            this text\n"
"  -V, --version         version\n");
}

static void
bad_usage(const char *fmt, const char *arg)
{
	fputs("lxrun: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\nTry 'lxrun --help' for more information.\n", stderr);
	exit(125);
}

static enum lx_format
parse_format(const char *s, bool allow_html)
{
	if (strcmp(s, "text") == 0)
		return LX_FMT_TEXT;
	if (strcmp(s, "json") == 0)
		return LX_FMT_JSON;
	if (allow_html && strcmp(s, "html") == 0)
		return LX_FMT_HTML;
	bad_usage("unknown format '%s'", s);
	return LX_FMT_TEXT;
}

static void
parse_emulate(const char *spec)
{
	char *copy = strdup(spec), *save = NULL, *tok;

	if (copy == NULL)
		exit(125);
	lx_opt.emulate = 0;
	for (tok = strtok_r(copy, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		int f;

		if (strcmp(tok, "all") == 0)
			lx_opt.emulate = ~0u;
		else if (strcmp(tok, "none") == 0)
			lx_opt.emulate = 0;
		else if ((f = lx_family_by_name(tok)) > 0)
			lx_opt.emulate |= 1u << f;
		else
			bad_usage("unknown family '%s' for --emulate", tok);
	}
	free(copy);
}

/*
 * -e [QUALIFIER=]SET, as strace: trace= (t=, the default), status=,
 * signal= (signals=, s=) and quiet= (silent=, silence=, q=).  Every one
 * of them is about what --trace prints, so each implies --trace.
 */
static void
parse_expr(const char *expr)
{
	static const struct {
		const char *prefix;
		int (*parse)(const char *, char *, size_t);
	} quals[] = {
		{ "trace=", lx_trace_set_parse }, { "t=", lx_trace_set_parse },
		{ "status=", lx_trace_status_parse },
		{ "signal=", lx_trace_signal_parse },
		{ "signals=", lx_trace_signal_parse },
		{ "s=", lx_trace_signal_parse },
		{ "quiet=", lx_trace_quiet_parse },
		{ "silent=", lx_trace_quiet_parse },
		{ "silence=", lx_trace_quiet_parse },
		{ "q=", lx_trace_quiet_parse },
	};
	const char *eq = strchr(expr, '=');
	char err[256];

	for (size_t i = 0; i < sizeof(quals) / sizeof(quals[0]); i++) {
		size_t n = strlen(quals[i].prefix);

		if (strncmp(expr, quals[i].prefix, n) != 0)
			continue;
		if (quals[i].parse(expr + n, err, sizeof(err)) < 0)
			bad_usage("%s", err);
		lx_opt.trace = true;
		return;
	}
	if (eq != NULL)
		bad_usage("unsupported -e qualifier in '%s' (lxrun knows "
		    "trace=, status=, signal= and quiet=)", expr);
	/* no qualifier: a syscall set, as strace's -e open */
	if (lx_trace_set_parse(expr, err, sizeof(err)) < 0)
		bad_usage("%s", err);
	lx_opt.trace = true;
}

/* -p PID, or a list as strace takes it: "1,2" or "1 2". */
static void
parse_pids(const char *spec)
{
	char *copy = strdup(spec), *tok, *save = NULL;

	if (copy == NULL)
		bad_usage("%s", "out of memory");
	for (tok = strtok_r(copy, ", \t\n", &save); tok != NULL;
	    tok = strtok_r(NULL, ", \t\n", &save)) {
		char *end;
		long pid = strtol(tok, &end, 10);

		if (*end != '\0' || pid <= 0 || pid > 0x3fffffff)
			bad_usage("invalid process id '%s'", tok);
		if (pid == (long)getpid())
			bad_usage("%s", "I'm sorry, I can't let you do that, "
			    "Dave.");
		if (nattach == (int)(sizeof(attach_pids) /
		    sizeof(attach_pids[0])))
			bad_usage("%s", "too many -p options");
		attach_pids[nattach++] = (pid_t)pid;
	}
	free(copy);
}

/* --loader and LXRUN_LOADER: who puts programs into processes. */
static void
parse_loader(const char *v, const char *from)
{
	if (strcmp(v, "elf") == 0)
		load_enable();
	else if (strcmp(v, "kernel") != 0 && strcmp(v, "") != 0) {
		fprintf(stderr, "lxrun: %s takes kernel or elf, not '%s'\n",
		    from, v);
		exit(125);
	}
}

static void
parse_qualifier(int (*parse)(const char *, char *, size_t), const char *v)
{
	char err[256];

	if (parse(v, err, sizeof(err)) < 0)
		bad_usage("%s", err);
	lx_opt.trace = true;
}

/*
 * -u USER: the program runs with USER's uid, gid and supplementary
 * groups (strace's -u).  Only root may give its program another user;
 * lxrun itself stays root to trace it.
 */
static void
set_user(const char *user)
{
	struct user_ids u;
	char err[256];

	if (user_lookup(user, &u, err, sizeof(err)) < 0)
		bad_usage("%s", err);
	if (getuid() != 0 || geteuid() != 0) {
		user_ids_free(&u);
		bad_usage("%s", "-u needs lxrun to run as root");
	}
	if (spawn_set_user(u.uid, u.gid, u.groups, u.ngroups) < 0)
		exit(125);
	user_ids_free(&u);
}

static char **
parse_args(int argc, char **argv)
{
	const char *outfile = NULL, *list = NULL, *user = NULL;
	const char *loader = getenv("LXRUN_LOADER");
	const char *loader_from = "LXRUN_LOADER";
	bool want_list = false, trap_given = false, separately = false;
	int c, follow = 0, quiet = 0;

	memset(lx_opt.trace_set, 1, sizeof(lx_opt.trace_set));
	lx_opt.trace_unknown = true;
	opterr = 0;	/* our own messages, prefixed "lxrun: " */
	while ((c = getopt_long(argc, argv, "+:o:e:tTys:vcfhVDp:qzZX:u:", long_options,
	    NULL)) != -1) {
		switch (c) {
		case OPT_TRACE:
			lx_opt.trace = true;
			break;
		case OPT_TRACE_FORMAT:
			lx_opt.trace_format = parse_format(optarg, false);
			lx_opt.trace = true;
			break;
		case 'o':
			outfile = optarg;
			break;
		case 'e':
			parse_expr(optarg);
			break;
		case 't':
			lx_opt.tt++;
			break;
		case 'T':
			lx_opt.show_time = true;
			break;
		case 'y':
			lx_opt.show_fd_paths++;
			break;
		case 's':
			lx_opt.strsize = atoi(optarg);
			if (lx_opt.strsize < 0)
				bad_usage("bad -s value '%s'", optarg);
			break;
		case 'v':
			lx_opt.verbose = true;
			break;
		case 'c':
			lx_opt.summary = true;
			break;
		case 'f':
			/* children are always followed; -ff: a file each */
			follow++;
			break;
		case OPT_SEPARATELY:
			separately = true;
			break;
		case OPT_STATUS:
			parse_qualifier(lx_trace_status_parse, optarg);
			break;
		case 'z':
			parse_qualifier(lx_trace_status_parse, "successful");
			break;
		case 'Z':
			parse_qualifier(lx_trace_status_parse, "failed");
			break;
		case OPT_SIGNAL:
			parse_qualifier(lx_trace_signal_parse, optarg);
			break;
		case 'q':
			quiet++;
			break;
		case OPT_QUIET:
			if (optarg == NULL)
				quiet++;
			else
				parse_qualifier(lx_trace_quiet_parse, optarg);
			break;
		case 'X':
			if (strcmp(optarg, "raw") == 0)
				lx_opt.xstyle = LX_XSTYLE_RAW;
			else if (strcmp(optarg, "abbrev") == 0)
				lx_opt.xstyle = LX_XSTYLE_ABBREV;
			else if (strcmp(optarg, "verbose") == 0)
				lx_opt.xstyle = LX_XSTYLE_VERBOSE;
			else
				bad_usage("-X takes raw, abbrev or verbose, not "
				    "'%s'", optarg);
			break;
		case 'u':
			user = optarg;
			break;
		case 'D':
			detach = true;
			break;
		case 'p':
			parse_pids(optarg);
			break;
		case OPT_REPORT:
			lx_opt.report = true;
			break;
		case OPT_REPORT_FORMAT:
			lx_opt.report_format = parse_format(optarg, true);
			lx_opt.report = true;
			break;
		case OPT_EMULATE:
			parse_emulate(optarg);
			break;
		case OPT_TRAP:
			trap_given = true;
			if (strcmp(optarg, "all") == 0)
				lx_opt.trap_all = true;
			else if (strcmp(optarg, "filtered") == 0)
				lx_opt.trap_all = false;
			else
				bad_usage("--trap takes filtered or all, not '%s'",
				    optarg);
			break;
		case OPT_PIN:
			pin_cpu = optarg != NULL ? atoi(optarg) : sched_getcpu();
			if (pin_cpu < 0 || pin_cpu >= CPU_SETSIZE)
				bad_usage("bad CPU for --pin: '%s'",
				    optarg != NULL ? optarg : "?");
			break;
		case OPT_NO_NOTIFY:
			lx_opt.notify = false;
			break;
		case OPT_SPIN: {
			char *end;
			long us = strtol(optarg, &end, 10);

			if (*optarg == '\0' || *end != '\0' || us < 0 ||
			    us > 1000000)
				bad_usage("--spin takes microseconds (0 to "
				    "1000000), not '%s'", optarg);
			lx_opt.spin_us = (int)us;
			break;
		}
		case OPT_LOADER:
			loader = optarg;
			loader_from = "--loader";
			break;
		case OPT_LIST:
			want_list = true;
			list = optarg;
			break;
		case 'h':
		case OPT_HELP:
			usage(stdout);
			exit(0);
		case 'V':
		case OPT_VERSION:
			printf("lxrun %s (host queue: %s)\n", LXRUN_VERSION,
			    hq_backend());
			exit(0);
		case ':':
			bad_usage("option '%s' needs an argument",
			    argv[optind - 1]);
			break;
		default:
			if (optopt != 0)
				fprintf(stderr, "lxrun: unknown option '-%c'\n",
				    optopt);
			else
				fprintf(stderr, "lxrun: unknown option '%s'\n",
				    argv[optind - 1]);
			fputs("Try 'lxrun --help' for more information.\n",
			    stderr);
			exit(125);
		}
	}
	if (loader != NULL)
		parse_loader(loader, loader_from);
	if (want_list) {
		if (lx_sysent_list(stdout, list != NULL ? list : "text") < 0)
			bad_usage("unknown --list-syscalls format '%s'", list);
		exit(0);
	}
	if (nattach > 0 && optind < argc)
		bad_usage("%s", "-p and a PROGRAM together are not supported");
	if (nattach > 0 && detach)
		bad_usage("%s", "-p and -D together make no sense");
	if (nattach == 0 && optind >= argc)
		bad_usage("%s", "no program given");
	/* -p can only trace: with nothing else asked, it traces */
	if (nattach > 0 && !lx_opt.summary && !lx_opt.report)
		lx_opt.trace = true;
	/* strace's -q: attach and personality; -qq: exits too; -qqq: all */
	if (quiet == 1)
		lx_opt.quiet |= LX_QUIET_ATTACH | LX_QUIET_PERSONALITY;
	else if (quiet == 2)
		lx_opt.quiet |= LX_QUIET_ATTACH | LX_QUIET_PERSONALITY |
		    LX_QUIET_EXIT;
	else if (quiet >= 3)
		lx_opt.quiet = LX_QUIET_ALL;
	if (user != NULL)
		set_user(user);
	/*
	 * -ff (or --output-separately) with -o FILE: FILE.TID per thread.
	 * Without -o it is -f, as in strace.  -c counts are not per
	 * process: strace refuses the pair, and so does lxrun.
	 */
	if ((follow >= 2 || separately) && outfile != NULL) {
		if (lx_opt.summary)
			bad_usage("%s", "-c and -ff are mutually exclusive "
			    "(the counts are not kept per process)");
		lx_opt.out_separately = true;
		lx_opt.out_base = outfile;
		lx_opt.trace = true;	/* the files are the trace's */
		/* the file itself holds only the --report, when asked */
		if (!lx_opt.report)
			outfile = NULL;
	}
	if (outfile != NULL && (lx_opt.out = fopen(outfile, "we")) == NULL) {
		fprintf(stderr, "lxrun: cannot open %s: %s\n", outfile,
		    strerror(errno));
		exit(125);
	}
	/*
	 * Tracing, counting and the report see every call unless the user
	 * asked for --trap=filtered: then only the calls lxrun stops on
	 * anyway are shown (as strace --seccomp-bpf), and the run is as fast
	 * as an untraced one.
	 */
	if ((lx_opt.trace || lx_opt.summary || lx_opt.report) && !trap_given)
		lx_opt.trap_all = true;
	return argv + optind;
}

/* Emulated objects need pidfd_getfd (Linux 5.6); say so once if absent. */
static void
probe_kernel(void)
{
	int pfd = (int)syscall(SYS_pidfd_open, getpid(), 0);
	int fd = pfd < 0 ? -1 : (int)syscall(SYS_pidfd_getfd, pfd, 0, 0);

	if (fd < 0) {
		lx_warn("pidfd_getfd is not available (%s): epoll, inotify and "
		    "memfd run natively", strerror(errno));
		lx_opt.emulate &= ~((1u << LX_FAM_EPOLL) |
		    (1u << LX_FAM_INOTIFY) | (1u << LX_FAM_MEMFD));
	}
	if (fd >= 0)
		close(fd);
	if (pfd >= 0)
		close(pfd);
}

static void
report_spawn_failure(int errfd, const char *prog)
{
	int stage = 0, err = spawn_failure(errfd, &stage);

	if (err == 0)
		return;
	if (stage == SPAWN_CREDS) {
		fprintf(stderr, "lxrun: cannot take the user's credentials "
		    "(-u): %s\n", strerror(err));
		exit(125);
	}
	if (stage == SPAWN_SECCOMP) {
		fprintf(stderr, "lxrun: cannot install the seccomp filter: %s "
		    "(is seccomp enabled in this kernel?)\n", strerror(err));
		exit(125);
	}
	fprintf(stderr, "lxrun: %s: %s\n", prog, strerror(err));
	exit(err == ENOENT ? 127 : 126);
}

/* Leave as the guest left: its exit code, or death by its signal. */
static void
exit_like(int status)
{
	if (WIFSIGNALED(status)) {
		int sig = WTERMSIG(status);
		struct rlimit no_core = { 0, 0 };
		sigset_t set;

		setrlimit(RLIMIT_CORE, &no_core);
		signal(sig, SIG_DFL);
		sigemptyset(&set);
		sigaddset(&set, sig);
		sigprocmask(SIG_UNBLOCK, &set, NULL);
		raise(sig);
		exit(128 + sig);
	}
	exit(WEXITSTATUS(status));
}

static void
scan_usage(FILE *f)
{
	fprintf(f,
"usage: lxrun scan [--format=text|json|html] [-o FILE] [-v] [--all-code]\n"
"                  [--dlopen LIB]... PROGRAM...\n"
"\n"
"Without running PROGRAM: which syscalls it and the libraries ld.so would\n"
"load for it can make, found by disassembling every syscall site, and what\n"
"NetBSD's and FreeBSD's Linux layers and lxrun have of them.\n"
"\n"
"  --format=FMT          text (default), json or html (one page)\n"
"  -o, --output FILE     write there instead of stdout\n"
"  -v, --verbose         list every site whose number stays unknown\n"
"  --all-code            count the sites of all code, also of functions\n"
"                        no path from the program's entry gets to\n"
"  --dlopen LIB          LIB (and what it needs) is loaded by the program\n"
"                        at run time: scan it as part of it (repeatable)\n"
"  -h, --help            this text\n");
}

/* lxrun scan ...: exit 0, 1 if a program could not be scanned, 125. */
static int
scan_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'F' },
		{ "output", required_argument, NULL, 'o' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "all-code", no_argument, NULL, 'A' },
		{ "dlopen", required_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	enum lx_format fmt = LX_FMT_TEXT;
	const char *outfile = NULL;
	struct lx_scan *s;
	bool verbose = false;
	struct lx_scan_opts opts = { 0 };
	const char **dl = calloc((size_t)argc + 1, sizeof(*dl));
	int c, n = 0, status = 0;
	FILE *out = stdout;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:o:vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'F':
			fmt = parse_format(optarg, true);
			break;
		case 'o':
			outfile = optarg;
			break;
		case 'v':
			verbose = true;
			break;
		case 'A':
			opts.all_code = true;
			break;
		case 'D':
			if (dl == NULL)
				exit(125);
			dl[opts.ndlopen++] = optarg;
			break;
		case 'h':
			scan_usage(stdout);
			exit(0);
		case ':':
			bad_usage("option '%s' needs an argument",
			    argv[optind - 1]);
			break;
		default:
			bad_usage("unknown option '%s' for scan",
			    argv[optind - 1]);
		}
	}
	if (optind >= argc)
		bad_usage("%s", "scan: no program given");
	opts.dlopen = dl;
	if ((s = calloc((size_t)(argc - optind), sizeof(*s))) == NULL)
		exit(125);
	for (int i = optind; i < argc; i++) {
		char err[512];

		if (lx_scan_run(argv[i], &opts, &s[n], err, sizeof(err)) < 0) {
			fprintf(stderr, "lxrun: scan: %s\n", err);
			lx_scan_free(&s[n]);
			status = 1;
			continue;
		}
		n++;
	}
	if (n > 0 && outfile != NULL && (out = fopen(outfile, "we")) == NULL) {
		fprintf(stderr, "lxrun: cannot open %s: %s\n", outfile,
		    strerror(errno));
		exit(125);
	}
	if (n > 0)
		lx_scan_print(out, s, n, fmt, verbose);
	for (int i = 0; i < n; i++)
		lx_scan_free(&s[i]);
	free(s);
	free(dl);
	if (fclose(out) != 0 && n > 0) {
		fprintf(stderr, "lxrun: writing the scan: %s\n",
		    strerror(errno));
		return 125;
	}
	return status;
}

int
main(int argc, char **argv)
{
	char **prog;
	struct sock_fprog filter, notify_filter, *notify_prog = NULL;
	sigset_t oldmask;
	int errfd, status = 0, r;
	pid_t pid;

	if (argc > 1 && strcmp(argv[1], "scan") == 0)
		return scan_main(argc - 1, argv + 1);
	prog = parse_args(argc, argv);
	probe_kernel();
	lx_kernel_probe();
	if (pin_cpu >= 0) {
		cpu_set_t set;

		/* The guest inherits it through fork and exec. */
		CPU_ZERO(&set);
		CPU_SET(pin_cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set) < 0)
			lx_die("cannot pin to CPU %d: %s", pin_cpu,
			    strerror(errno));
	}
	spawn_raise_fd_limit();
	if ((r = filter_build(&filter, false)) < 0)
		lx_die("cannot build the seccomp filter: %s", strerror(-r));
	/* -D's guest is lxrun's own process: no listener to take there */
	if (!detach && nattach == 0 && filter_build(&notify_filter, true) == 0)
		notify_prog = &notify_filter;
	if ((r = loop_block_signals(&oldmask)) < 0)
		lx_die("cannot set up signal handling: %s", strerror(-r));
	/* lxrun's own writes to a closed pipe fail with EPIPE; the guest
	 * gets SIGPIPE as its caller left it (spawn.c) */
	spawn_keep_sigpipe(signal(SIGPIPE, SIG_IGN) == SIG_IGN);
	if (nattach > 0) {
		for (int i = 0; i < nattach; i++) {
			if ((r = attach_process(attach_pids[i])) < 0)
				lx_die("attach: ptrace(PTRACE_SEIZE, %d): %s",
				    (int)attach_pids[i], strerror(-r));
			fprintf(stderr, "lxrun: Process %d attached\n",
			    (int)attach_pids[i]);
		}
		r = tracer_run(attach_pids[0], &status);
		if (lx_opt.summary)
			lx_stats_print(lx_opt.out != NULL ? lx_opt.out : stderr);
		if (lx_opt.report)
			lx_report_print(lx_opt.out != NULL ? lx_opt.out :
			    stderr, lx_opt.report_format);
		if (lx_opt.out != NULL)
			fclose(lx_opt.out);
		exit(0);
	}
	if (load_enabled())
		load_prepare(!detach);
	pid = detach ? spawn_guest_detached(prog, &filter, &oldmask, &errfd) :
	    spawn_guest(prog, &filter, notify_prog, &oldmask, &errfd);
	if (pid > 0 && load_enabled())
		load_spawned(pid, !detach);
	if (pid < 0) {
		if (pid == -EPERM)
			lx_die("cannot trace %s: ptrace(PTRACE_SEIZE): %s (is "
			    "ptrace restricted here, e.g. by Yama or a "
			    "container's seccomp policy?)", prog[0],
			    strerror(-pid));
		lx_die("cannot start %s: %s", prog[0], strerror(-pid));
	}
	lx_report_set_subject(prog[0]);
	r = tracer_run(pid, &status);
	if (!detach)
		report_spawn_failure(errfd, prog[0]);
	if (lx_opt.summary)
		lx_stats_print(lx_opt.out != NULL ? lx_opt.out : stderr);
	if (lx_opt.report)
		lx_report_print(lx_opt.out != NULL ? lx_opt.out : stderr,
		    lx_opt.report_format);
	lx_trace_streams_close();
	if (lx_opt.out != NULL)
		fclose(lx_opt.out);
	fflush(stderr);
	if (r < 0)
		lx_die("lost the guest");
	/* -D: the program's caller has its status already */
	if (detach)
		exit(0);
	exit_like(status);
}
