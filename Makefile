# lxrun: run a Linux x86-64 program under a ptrace supervisor that emulates
# epoll, inotify and memfd and translates a few more syscalls, as a BSD
# compat layer would.
#
#   make                 build ./lxrun
#   make check           install test dependencies (Debian) and run every test
#   make install PREFIX=/usr/local
#   make demo            trace a real program and print the compat report
#   make bench           print lxrun vs native and vs strace ratios

PREFIX   ?= /usr/local
BINDIR   ?= $(PREFIX)/bin
MANDIR   ?= $(PREFIX)/share/man
CC       ?= cc
CFLAGS   ?= -O2 -g
WARN     := -Wall -Wextra -Wno-unused-parameter -Wshadow -Wstrict-prototypes \
            -Wmissing-prototypes -Wno-missing-field-initializers
CPPFLAGS += -Iinclude -Isrc -D_GNU_SOURCE
LDLIBS   +=
PKG_CONFIG ?= pkg-config
# lxrun scan and crash reports: libelf reads ELF files, capstone
# disassembles x86-64.
SCAN_PKGS := libelf capstone
CPPFLAGS += $(shell $(PKG_CONFIG) --cflags $(SCAN_PKGS))
LDLIBS   += $(shell $(PKG_CONFIG) --libs $(SCAN_PKGS))

BUILD    := build
HOST_OS  ?= linux

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
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

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

unit-build: $(UNIT_BIN)

check-diff: lxrun
	@sh tests/diff/run.sh

check-programs: lxrun
	@sh tests/programs/run.sh

bench: lxrun
	@sh bench/run.sh

demo: lxrun
	@sh tools/demo.sh

install: lxrun
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1
	install -m 755 lxrun $(DESTDIR)$(BINDIR)/lxrun
	install -m 644 man/lxrun.1 $(DESTDIR)$(MANDIR)/man1/lxrun.1

clean:
	rm -rf $(BUILD) lxrun

.PHONY: all unit unit-build deps check check-diff check-programs bench demo \
        install clean
