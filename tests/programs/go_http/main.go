// SPDX-License-Identifier: BSD-2-Clause
//
// A Go program that lives on epoll: an HTTP server and 200 concurrent
// clients on 127.0.0.1, timers, os/exec and os/signal.  It prints only
// deterministic lines, so its output natively and under lxrun must match.
package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"
)

func main() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println("listen:", err)
		os.Exit(1)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(10 * time.Millisecond) // a timer in every request
		fmt.Fprintf(w, "hello %s", r.URL.Query().Get("n"))
	})
	srv := &http.Server{Handler: mux}
	go srv.Serve(ln)
	url := "http://" + ln.Addr().String() + "/"

	const clients = 200
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok, bad := 0, map[string]int{}
	tr := &http.Transport{MaxIdleConnsPerHost: clients}
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	for i := 0; i < clients; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for j := 0; j < 5; j++ {
				n := fmt.Sprint(i*10 + j)
				resp, err := client.Get(url + "?n=" + n)
				if err != nil {
					mu.Lock()
					bad[err.Error()]++
					mu.Unlock()
					continue
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				mu.Lock()
				if string(b) == "hello "+n {
					ok++
				} else {
					bad["body "+string(b)]++
				}
				mu.Unlock()
			}
		}(i)
	}
	wg.Wait()
	fmt.Printf("http: %d ok, %d failed\n", ok, len(bad))
	keys := []string{}
	for k := range bad {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Println("  error:", k)
	}

	// Timers and tickers.
	tick := time.NewTicker(20 * time.Millisecond)
	ticks := 0
	deadline := time.After(210 * time.Millisecond)
loop:
	for {
		select {
		case <-tick.C:
			ticks++
		case <-deadline:
			break loop
		}
	}
	tick.Stop()
	fmt.Println("ticker ran:", ticks >= 5)

	// os/exec: a child through a pipe.
	out, err := exec.Command("sh", "-c", "echo from child; exit 3").Output()
	code := -1
	if ee, isExit := err.(*exec.ExitError); isExit {
		code = ee.ExitCode()
	}
	fmt.Printf("exec: %q exit %d\n", strings.TrimSpace(string(out)), code)

	// os/signal: deliver SIGUSR1 to ourselves.
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGUSR1)
	syscall.Kill(os.Getpid(), syscall.SIGUSR1)
	select {
	case s := <-ch:
		fmt.Println("signal:", s)
	case <-time.After(5 * time.Second):
		fmt.Println("signal: timeout")
	}

	srv.Close()
	fmt.Println("done")
}
