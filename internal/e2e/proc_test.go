package e2e

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The fault suite runs ticketd as a separate process, built once per test
// binary with -tags faults, so that it can be killed with SIGKILL (by the
// test, or by itself at a kill point: see internal/faults) and started
// again on the same database and mailboxes.

// A ticketd binary, built once per test binary and set of build tags.
type builtBinary struct {
	once sync.Once
	dir  string
	path string
	err  error
}

var (
	builtMu sync.Mutex
	built   = map[string]*builtBinary{} // by build tags
)

// buildTicketd builds cmd/ticketd with tags ("" for none) once per test
// binary and returns its path; removeBinaries deletes what was built.
func buildTicketd(tb testing.TB, tags string) string {
	tb.Helper()
	builtMu.Lock()
	b := built[tags]
	if b == nil {
		b = &builtBinary{}
		built[tags] = b
	}
	builtMu.Unlock()
	b.once.Do(func() {
		b.dir, b.err = os.MkdirTemp("", "ticketd-e2e-")
		if b.err != nil {
			return
		}
		b.path = filepath.Join(b.dir, "ticketd")
		// go test puts its own go command first in PATH.
		cmd := exec.Command("go", "build", "-tags", tags, "-o", b.path, "github.com/ticketd/ticketd/cmd/ticketd")
		if out, err := cmd.CombinedOutput(); err != nil {
			b.err = fmt.Errorf("go build -tags %q ./cmd/ticketd: %w\n%s", tags, err, out)
		}
	})
	if b.err != nil {
		tb.Fatal(b.err)
	}
	return b.path
}

// ticketdBinary is ticketd with the kill points compiled in.
func ticketdBinary(t *testing.T) string { return buildTicketd(t, "faults") }

// removeBinaries deletes the built binaries; TestMain calls it at the end.
func removeBinaries() {
	builtMu.Lock()
	defer builtMu.Unlock()
	for _, b := range built {
		if b.dir != "" {
			os.RemoveAll(b.dir)
		}
	}
}

// proc is one ticketd subprocess: `ticketd -config FILE run`.
type proc struct {
	t     *testing.T
	name  string
	fault string
	cmd   *exec.Cmd
	log   *logBuffer
	done  chan struct{} // closed when the process has exited
	state *os.ProcessState
}

// writeConfig writes a configuration file for ticketd subprocesses.
func writeConfig(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ticketd.toml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// spawn starts ticketd with the configuration file; fault, when not empty,
// is its TICKETD_FAULT ("intake-before-commit:1"). The process is stopped
// (SIGTERM, then SIGKILL) when the test ends, and its log is printed if
// the test failed.
func spawn(t *testing.T, name, configPath, fault string) *proc {
	t.Helper()
	p := &proc{t: t, name: name, fault: fault, log: &logBuffer{}, done: make(chan struct{})}
	p.cmd = exec.Command(ticketdBinary(t), "-config", configPath, "run")
	p.cmd.Stdout, p.cmd.Stderr = p.log, p.log
	// Nothing of the developer's environment may redirect the daemon (a
	// TICKETD_DATABASE_URL would override the configuration's database).
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TICKETD_") {
			p.cmd.Env = append(p.cmd.Env, kv)
		}
	}
	if fault != "" {
		p.cmd.Env = append(p.cmd.Env, "TICKETD_FAULT="+fault)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("starting ticketd %s: %v", name, err)
	}
	go func() {
		p.cmd.Wait()
		p.state = p.cmd.ProcessState
		close(p.done)
	}()
	t.Cleanup(func() {
		p.stop()
		if t.Failed() {
			t.Logf("log of ticketd %s (fault %q, %s):\n%s", name, fault, p.exit(), p.log.tail(80))
		}
	})
	return p
}

func (p *proc) pid() int { return p.cmd.Process.Pid }

// exited reports whether the process has ended.
func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// exit describes how the process ended.
func (p *proc) exit() string {
	if !p.exited() {
		return "running"
	}
	return p.state.String()
}

// killedBySIGKILL reports whether the process died of SIGKILL.
func (p *proc) killedBySIGKILL() bool {
	if !p.exited() {
		return false
	}
	ws, ok := p.state.Sys().(syscall.WaitStatus)
	return ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL
}

// kill sends SIGKILL and waits for the process to be gone.
func (p *proc) kill() {
	p.t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil && !errors.Is(err, os.ErrProcessDone) {
		p.t.Fatalf("killing ticketd %s: %v", p.name, err)
	}
	<-p.done
}

// waitFault waits for the process to kill itself at its fault point and
// fails the test if it ends any other way, or not at all.
func (p *proc) waitFault(timeout time.Duration) {
	p.t.Helper()
	select {
	case <-p.done:
	case <-time.After(timeout):
		p.t.Fatalf("ticketd %s never reached its kill point %q within %s", p.name, p.fault, timeout)
	}
	if !p.killedBySIGKILL() || !strings.Contains(p.log.String(), "faults: killing at") {
		p.t.Fatalf("ticketd %s ended (%s) without reaching its kill point %q:\n%s", p.name, p.exit(), p.fault, p.log.tail(40))
	}
}

// stop ends the process gracefully (SIGTERM), or with SIGKILL if it does
// not stop within 20 seconds.
func (p *proc) stop() {
	if p.exited() {
		return
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(20 * time.Second):
		p.cmd.Process.Signal(syscall.SIGKILL)
		<-p.done
	}
}

// logBuffer collects a subprocess's output; safe for concurrent use.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// tail returns the last n lines.
func (b *logBuffer) tail(n int) string {
	lines := strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
	if len(lines) > n {
		lines = append([]string{fmt.Sprintf("[%d earlier lines]", len(lines)-n)}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "\n")
}
