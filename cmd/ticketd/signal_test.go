package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/mailsandbox"
	"github.com/ticketd/ticketd/internal/pgtest"
)

// TestRunStopsOnSignals runs the real binary and stops it with SIGTERM and
// with SIGINT: it exits 0, within its shutdown bound, saying so.
func TestRunStopsOnSignals(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "ticketd")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	const desk = "soporte@example.gov.co"
	m, err := mailsandbox.Start(mailsandbox.Config{Accounts: []mailsandbox.Account{{Address: desk, Password: "x"}}})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	cfg := filepath.Join(t.TempDir(), "ticketd.toml")
	os.WriteFile(cfg, []byte(fmt.Sprintf(`[database]
url = %q
[desk]
address = %q
[[people]]
email = "mesa@example.gov.co"
role = "mesa"
[imap]
address = %q
tls = "none"
username = %q
password = "x"
[smtp]
address = %q
tls = "none"
[log]
format = "json"
`, pgtest.URL(t), desk, m.IMAPAddr(), desk, m.SMTPAddr())), 0o600)

	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		cmd := exec.Command(bin, "-config", cfg, "run")
		stderr, _ := cmd.StderrPipe()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		lines := make(chan string, 100)
		go func() {
			sc := bufio.NewScanner(stderr)
			for sc.Scan() {
				lines <- sc.Text()
			}
			close(lines)
		}()
		waitLine(t, lines, "reading the mailbox")
		cmd.Process.Signal(sig)
		// Read the log to its end before Wait, which closes the pipe and
		// would drop the last lines not yet read.
		var log []string
		deadline := time.After(45 * time.Second)
	read:
		for {
			select {
			case l, ok := <-lines:
				if !ok {
					break read
				}
				log = append(log, l)
			case <-deadline:
				cmd.Process.Kill()
				t.Fatalf("%v: still running 45 s after the signal", sig)
			}
		}
		if err := cmd.Wait(); err != nil {
			t.Errorf("%v: exit %v, want 0", sig, err)
		}
		if !strings.Contains(strings.Join(log, "\n"), `"msg":"stopped"`) {
			t.Errorf("%v: no clean stop in the log:\n%s", sig, strings.Join(log, "\n"))
		}
	}
}

func waitLine(t *testing.T, lines <-chan string, want string) {
	t.Helper()
	deadline := time.After(60 * time.Second)
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("ticketd exited before %q", want)
			}
			if strings.Contains(l, want) {
				return
			}
		case <-deadline:
			t.Fatalf("ticketd never said %q", want)
		}
	}
}
