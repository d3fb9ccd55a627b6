#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# A Go program using syscall.InotifyInit1 through the netpoller (os.NewFile
# on the non-blocking fd, a goroutine reading it) works under lxrun and
# prints what it prints natively.  Exit 0: pass, 77: skip (no go).

ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
LXRUN=${LXRUN:-$ROOT/lxrun}
command -v go >/dev/null 2>&1 || { echo "skip: no go"; exit 77; }
[ -x "$LXRUN" ] || { echo "no $LXRUN"; exit 1; }

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$TMP/src"
cat >"$TMP/src/main.go" <<'GO'
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"
	"unsafe"
)

type event struct {
	mask   uint32
	cookie uint32
	name   string
}

func names(m uint32) string {
	s := ""
	for _, b := range []struct {
		bit  uint32
		name string
	}{{syscall.IN_CREATE, "CREATE"}, {syscall.IN_DELETE, "DELETE"},
		{syscall.IN_MODIFY, "MODIFY"}, {syscall.IN_MOVED_FROM, "MOVED_FROM"},
		{syscall.IN_MOVED_TO, "MOVED_TO"}, {syscall.IN_ISDIR, "ISDIR"},
		{syscall.IN_IGNORED, "IGNORED"}, {syscall.IN_DELETE_SELF, "DELETE_SELF"}} {
		if m&b.bit != 0 {
			if s != "" {
				s += "|"
			}
			s += b.name
		}
	}
	return s
}

func main() {
	dir := os.Args[1]
	fd, err := syscall.InotifyInit1(syscall.IN_NONBLOCK | syscall.IN_CLOEXEC)
	if err != nil {
		fmt.Println("init:", err)
		os.Exit(1)
	}
	if _, err := syscall.InotifyAddWatch(fd, dir, syscall.IN_CREATE|
		syscall.IN_DELETE|syscall.IN_MODIFY|syscall.IN_MOVE|
		syscall.IN_DELETE_SELF); err != nil {
		fmt.Println("add_watch:", err)
		os.Exit(1)
	}
	f := os.NewFile(uintptr(fd), "inotify")
	events := make(chan event, 100)
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := f.Read(buf) // parks in the netpoller
			if err != nil {
				close(events)
				return
			}
			for off := 0; off < n; {
				e := (*syscall.InotifyEvent)(unsafe.Pointer(&buf[off]))
				name := ""
				if e.Len > 0 {
					b := buf[off+syscall.SizeofInotifyEvent : off+syscall.SizeofInotifyEvent+int(e.Len)]
					for i, c := range b {
						if c == 0 {
							b = b[:i]
							break
						}
					}
					name = string(b)
				}
				events <- event{e.Mask, e.Cookie, name}
				off += syscall.SizeofInotifyEvent + int(e.Len)
			}
		}
	}()
	expect := func(step string, n int) {
		fmt.Println(step + ":")
		for i := 0; i < n; i++ {
			select {
			case e := <-events:
				c := ""
				if e.cookie != 0 {
					c = " (cookie)"
				}
				fmt.Printf("  %s %s%s\n", names(e.mask), e.name, c)
			case <-time.After(5 * time.Second):
				fmt.Println("  timeout")
				return
			}
		}
	}
	time.Sleep(100 * time.Millisecond) // the reader is parked now
	os.Mkdir(filepath.Join(dir, "sub"), 0755)
	expect("mkdir", 1)
	os.WriteFile(filepath.Join(dir, "a"), nil, 0644)
	expect("create", 1)
	// O_APPEND, not WriteFile: its O_TRUNC would be a second IN_MODIFY,
	// coalesced or not depending on when the reader runs.
	if w, err := os.OpenFile(filepath.Join(dir, "a"), os.O_WRONLY|os.O_APPEND, 0); err == nil {
		w.Write([]byte("x"))
		w.Close()
	}
	expect("write", 1)
	os.Rename(filepath.Join(dir, "a"), filepath.Join(dir, "b"))
	expect("rename", 2)
	os.Remove(filepath.Join(dir, "b"))
	expect("remove", 1)
	os.Remove(filepath.Join(dir, "sub"))
	expect("rmdir sub", 1)
	os.Remove(dir)
	expect("rmdir", 2)
}
GO
cd "$TMP/src" && cat >go.mod <<'MOD'
module inotifytest

go 1.18
MOD
if ! GOFLAGS=-mod=mod GOTOOLCHAIN=local go build -o "$TMP/prog" . \
    >"$TMP/build.log" 2>&1; then
	cat "$TMP/build.log"
	echo "skip: go build failed"
	exit 77
fi
mkdir "$TMP/n" "$TMP/l"
"$TMP/prog" "$TMP/n" >"$TMP/out.n" 2>&1
echo "exit $?" >>"$TMP/out.n"
"$LXRUN" --trace-format=json -o "$TMP/trace" -e trace=inotify_init1,read \
    -- "$TMP/prog" "$TMP/l" >"$TMP/out.l" 2>&1
echo "exit $?" >>"$TMP/out.l"
cat "$TMP/out.n"
if ! cmp -s "$TMP/out.n" "$TMP/out.l"; then
	echo "output differs (native, lxrun):"
	diff "$TMP/out.n" "$TMP/out.l"
	exit 1
fi
grep -q '"inotify_init1".*"emulated"\|"emulated".*"inotify_init1"' \
    "$TMP/trace" || { echo "inotify_init1 not emulated in the trace"; exit 1; }
exit 0
