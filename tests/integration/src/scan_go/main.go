// SPDX-License-Identifier: BSD-2-Clause
//
// For scan_go.sh: a Go program that makes ioprio_get through
// syscall.Syscall and sysinfo through syscall.RawSyscall6, numbers the Go
// runtime never uses itself: scan must find them at these call sites.
package main

import (
	"fmt"
	"syscall"
	"unsafe"
)

func main() {
	var info [128]byte
	r1, _, _ := syscall.Syscall(syscall.SYS_IOPRIO_GET, 1, 0, 0)
	_, _, e := syscall.RawSyscall6(syscall.SYS_SYSINFO,
		uintptr(unsafe.Pointer(&info[0])), 0, 0, 0, 0, 0)
	fmt.Println("go", int(r1) >= 0, e == 0)
}
