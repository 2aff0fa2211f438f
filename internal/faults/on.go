//go:build faults

package faults

import (
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
)

var (
	mu     sync.Mutex
	counts = map[string]int{}
	name   string
	at     int
)

func init() {
	spec := os.Getenv("TICKETD_FAULT")
	n, c, ok := strings.Cut(spec, ":")
	if !ok {
		return
	}
	if v, err := strconv.Atoi(c); err == nil && v > 0 {
		name, at = n, v
	}
}

// Point kills the process with SIGKILL the at-th time it is reached with
// the configured name: no deferred function, no flush, no goodbye.
func Point(p string) {
	if p != name {
		return
	}
	mu.Lock()
	counts[p]++
	hit := counts[p] == at
	mu.Unlock()
	if hit {
		os.Stderr.WriteString("faults: killing at " + p + "\n")
		syscall.Kill(os.Getpid(), syscall.SIGKILL)
		select {}
	}
}
