# lxrun: run a Linux x86-64 program under a ptrace supervisor that emulates
# epoll, inotify and memfd and translates a few more syscalls, as a BSD
# compat layer would.
#
#   make                 build ./lxrun
#   make check           install test dependencies (Debian) and run every test
#                        (check-loader: again with --loader=elf)
#   make check-vm        the suites inside QEMU VMs on other kernels (tools/vm)
#   make check-vm-selftest  the VM harness tested on itself
#   make install PREFIX=/usr/local
#   make demo            trace a real program and print the compat report
#   make bench           print lxrun vs native and vs strace ratios
#   make bench-stopcost  what one stopped call costs: lxrun vs a bare
#                        seccomp stop, strace and native (docs/perf-stop.md)

PREFIX   ?= /usr/local
BINDIR   ?= $(PREFIX)/bin
MANDIR   ?= $(PREFIX)/share/man
CC       ?= cc
CFLAGS   ?= -O2 -g
WARN     := -Wall -Wextra -Wno-unused-parameter -Wshadow -Wstrict-prototypes \
            -Wmissing-prototypes -Wno-missing-field-initializers
PKG_CONFIG ?= pkg-config
# libelf reads ELF files (the ELF loader in src/elf, lxrun scan, crash
# reports); capstone disassembles x86-64 (scan, crash reports).  capstone
# is not linked: src/elf/disasm.c opens it when first needed, so that its
# load-time relocations are not paid by every lxrun start.
DEP_PKGS := libelf capstone
CPPFLAGS += -Iinclude -Isrc -D_GNU_SOURCE \
            $(shell $(PKG_CONFIG) --cflags $(DEP_PKGS) 2>/dev/null)
# libelf (and the zlib it needs) is linked statically into everything.
# lxrun itself is a static PIE (STATIC=1, the default): no ld.so, no shared
# libc to map and relocate at every start, 0.9 ms of a start here
# (docs/perf-stop.md), and still placed at a random address.  capstone
# stays outside (dlopen when scan or a crash report first needs it), so
# the static glibc loads it with the system's libc.so, which must be the
# glibc lxrun was built with (the linker's "Using 'dlopen' in statically
# linked applications" warning).  -u asks getent(1) for the user
# (src/user.c): NSS modules do not all work in a static program.  The
# sanitizer build and the unit tests are linked dynamically.
ELF_LIBS := $(shell $(PKG_CONFIG) --libs --static libelf 2>/dev/null || \
              echo -lelf -lz)
LDLIBS   += -Wl,-Bstatic $(ELF_LIBS) -Wl,-Bdynamic -ldl
STATIC   ?= 1
ifeq ($(STATIC),1)
LXRUN_LDFLAGS := -static-pie
LXRUN_LDLIBS  := $(ELF_LIBS)
else
LXRUN_LDFLAGS :=
LXRUN_LDLIBS  := $(LDLIBS)
endif

BUILD    := build
HOST_OS  ?= linux

# make STOPPROF=1 BUILD=build/stopprof build/stopprof/lxrun: the stop
# path's per-step profile (src/tracer/stopprof.h, docs/perf-stop.md).
ifeq ($(STOPPROF),1)
CPPFLAGS += -DLX_STOPPROF
endif

# Every .c under src/ is part of the library except main.c and the host
# backends of other systems.
SRC      := $(filter-out src/main.c src/host/hq_kqueue.c, \
              $(wildcard src/*/*.c src/*.c))
OBJ      := $(SRC:%.c=$(BUILD)/%.o)

UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/unit/%)
UNIT_HELPERS := $(filter-out $(UNIT_SRC), $(wildcard tests/unit/*.c))

all: lxrun

# Objects are linked directly, not through an archive, so that every
# handler a table row names is in the binary.
lxrun: $(BUILD)/src/main.o $(OBJ)
	$(CC) $(CFLAGS) $(LDFLAGS) $(LXRUN_LDFLAGS) -o $@ $^ $(LXRUN_LDLIBS)

# Any build directory can link its own lxrun (the sanitizer build uses
# build/asan/lxrun).
$(BUILD)/lxrun: $(BUILD)/src/main.o $(OBJ)
	$(CC) $(CFLAGS) $(LDFLAGS) $(LXRUN_LDFLAGS) -o $@ $^ $(LXRUN_LDLIBS)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -MMD -MP -c -o $@ $<

-include $(OBJ:.o=.d) $(BUILD)/src/main.d

$(BUILD)/tests/unit/%: tests/unit/%.c $(UNIT_HELPERS) $(OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Itests/unit $(CFLAGS) $(WARN) -o $@ $< \
	    $(UNIT_HELPERS) $(OBJ) -lcmocka $(LDLIBS)

unit: $(UNIT_BIN)
	@fail=0; for t in $(UNIT_BIN); do \
	    echo "== $$t"; $$t || fail=1; done; exit $$fail

deps:
	@sh tools/install-deps.sh

check: deps
	$(MAKE) all unit-build
	$(MAKE) unit
	$(MAKE) check-diff
	$(MAKE) check-programs
	$(MAKE) check-loader
	$(MAKE) check-asan
	$(MAKE) check-vm-selftest
	@sh tools/vm/check-vm.sh --if-kvm

unit-build: $(UNIT_BIN)

check-diff: lxrun
	@sh tests/diff/run.sh

check-programs: lxrun
	@sh tests/programs/run.sh

# VM_KERNELS, VM_SUITE, ...: see tools/vm/check-vm.sh and docs/vm.md.
check-vm: lxrun unit-build
	@sh tools/vm/check-vm.sh

check-vm-selftest: lxrun
	@sh tests/vm/selftest.sh

# The sanitizer build: the same sources with AddressSanitizer and
# UndefinedBehaviorSanitizer in build/asan.  check-asan runs the unit
# tests, the differential and integration suite and the stress programs
# with it; a sanitizer report changes lxrun's stderr or exit status, so
# any report fails the run.
ASAN_FLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
              -fno-sanitize-recover=all
ASAN_ENV   := ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=99 \
              UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

asan:
	$(MAKE) BUILD=build/asan CFLAGS="$(ASAN_FLAGS)" LDFLAGS="$(ASAN_FLAGS)" \
	    STATIC=0 build/asan/lxrun

check-asan: asan
	$(MAKE) BUILD=build/asan CFLAGS="$(ASAN_FLAGS)" LDFLAGS="$(ASAN_FLAGS)" \
	    STATIC=0 unit-build
	@fail=0; for t in build/asan/tests/unit/test_*; do \
	    $(ASAN_ENV) $$t >/dev/null 2>&1 || { echo "FAIL (asan) $$t"; \
	    fail=1; }; done; exit $$fail
	$(ASAN_ENV) LXRUN=$(CURDIR)/build/asan/lxrun LXTEST_TIMEOUT_SCALE=3 \
	    sh tests/diff/run.sh

# Tests run again with lxrun's own ELF loader, so that every exec in them
# is lxrun's (the loader_* differential tests run in check-diff already).
# A subset, to keep make check short: execs of every kind (pipelines,
# fork trees, vfork, threads), signals, fds and emulated objects across
# exec, the trace, and the Go and C programs that start in seconds (the
# echo server is left out: it execs once, and its 1 s close check is
# what a loaded machine makes it miss);
# syncthing and nebula (minutes each) pass too: run them with
# LXRUN_LOADER=elf sh tests/programs/run.sh syncthing nebula.
LOADER_DIFF := core_pipeline core_forktree core_vfork core_threads \
	core_sigstop core_sigterm core_exit3 core_fdlinks core_int80 \
	epoll_fork memfd_share inotify_fds misc_waitid misc_stat \
	exit_status json_trace trace_golden signals_forwarded kill9_cleanup \
	memfd_exec misc_stat_lookup security_stat_view security_dropped_privs \
	inotify_io inotify_traced
LOADER_PROGRAMS := epoll_go inotify_go inotify_tools

check-loader: lxrun
	@LXRUN_LOADER=elf sh tests/diff/run.sh $(LOADER_DIFF)
	@LXRUN_LOADER=elf sh tests/programs/run.sh $(LOADER_PROGRAMS)

bench: lxrun
	@sh bench/run.sh
	@sh bench/startup.sh
	@sh bench/fdrules.sh

bench-stopcost: lxrun
	@sh bench/stopcost/run.sh

demo: lxrun
	@sh tools/demo.sh

install: lxrun
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1
	install -m 755 lxrun $(DESTDIR)$(BINDIR)/lxrun
	install -m 644 man/lxrun.1 $(DESTDIR)$(MANDIR)/man1/lxrun.1

clean:
	rm -rf $(BUILD) lxrun

.PHONY: all unit unit-build deps check check-diff check-programs check-loader \
        check-vm check-vm-selftest asan check-asan bench bench-stopcost demo \
        install clean
