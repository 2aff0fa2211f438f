package e2e

// ticketd as a separate process, for the figures only a process of its own
// gives honestly: its peak resident memory (VmHWM), and two replicas
// sharing one database and one mailbox.

import (
	"bufio"
	"context"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// benchBinary is ticketd as it ships, built once per test binary.
func benchBinary(b *testing.B) string { return buildTicketd(b, "") }

// replica is a ticketd process.
type benchReplica struct {
	name    string
	cmd     *exec.Cmd
	admin   string
	logPath string
	exited  chan struct{}
}

// benchFreePort returns a loopback address nobody listens on right now.
func benchFreePort(b *testing.B) string {
	b.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// startBenchReplica writes env's configuration to a file and runs `ticketd run`
// with it; the process is stopped at cleanup if still running.
func startBenchReplica(b *testing.B, name string, env benchEnv) *benchReplica {
	b.Helper()
	bin := benchBinary(b)
	dir := b.TempDir()
	env.admin = benchFreePort(b)
	cfgPath := filepath.Join(dir, "ticketd.toml")
	if err := os.WriteFile(cfgPath, []byte(env.configTOML()), 0o600); err != nil {
		b.Fatal(err)
	}
	r := &benchReplica{name: name, admin: env.admin, logPath: filepath.Join(dir, name+".log"), exited: make(chan struct{})}
	lf, err := os.Create(r.logPath)
	if err != nil {
		b.Fatal(err)
	}
	r.cmd = exec.Command(bin, "-config", cfgPath, "run")
	r.cmd.Stdout, r.cmd.Stderr = lf, lf
	if err := r.cmd.Start(); err != nil {
		b.Fatal(err)
	}
	go func() { r.cmd.Wait(); lf.Close(); close(r.exited) }()
	b.Cleanup(func() { r.stop(b) })
	return r
}

func (r *benchReplica) pid() string { return strconv.Itoa(r.cmd.Process.Pid) }

// peakRSSMB is the process's peak resident set (VmHWM), in MiB.
func (r *benchReplica) peakRSSMB() float64 {
	return float64(benchProcStatusKB(r.pid(), "VmHWM")) / 1024
}

// counter sums a Prometheus counter's samples from the replica's /metrics.
func (r *benchReplica) counter(name string) float64 {
	resp, err := http.Get("http://" + r.admin + "/metrics")
	if err != nil {
		return -1
	}
	defer resp.Body.Close()
	var sum float64
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		l := sc.Text()
		if !strings.HasPrefix(l, name) || (len(l) > len(name) && l[len(name)] != '{' && l[len(name)] != ' ') {
			continue
		}
		f := strings.Fields(l)
		if v, err := strconv.ParseFloat(f[len(f)-1], 64); err == nil {
			sum += v
		}
	}
	return sum
}

// stop sends SIGTERM and waits for the graceful stop (SIGKILL after a
// minute).
func (r *benchReplica) stop(b *testing.B) {
	select {
	case <-r.exited:
		return
	default:
	}
	r.cmd.Process.Signal(syscall.SIGTERM)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	select {
	case <-r.exited:
	case <-ctx.Done():
		r.cmd.Process.Kill()
		<-r.exited
		b.Errorf("%s did not stop within a minute of SIGTERM", r.name)
	}
	benchSummariseLog(b, r.logPath)
}
