// SPDX-License-Identifier: BSD-2-Clause
//
// The smallest useful Go program, for start-up timing: the Go runtime's
// own start (threads, signals, the heap) and one write.
package main

import "fmt"

func main() {
	fmt.Println("hello")
}
