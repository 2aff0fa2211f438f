package main

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/pgtest"
	"github.com/ticketd/ticketd/internal/sandbox"
	"github.com/ticketd/ticketd/tickets/store"
)

// readmeWalk returns the README's command-line walk: the shell block that
// sets TICKETD_CONFIG to the sandbox's configuration.
func readmeWalk(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, block := range strings.Split(string(b), "```sh\n")[1:] {
		block, _, _ = strings.Cut(block, "```")
		if strings.Contains(block, "export TICKETD_CONFIG=.sandbox/"+sandbox.ConfigFile) {
			return strings.Split(strings.TrimSpace(block), "\n")
		}
	}
	t.Fatal("README.md has no walk against the sandbox's configuration")
	return nil
}

// shellWords splits a line as sh does for the README's lines: words,
// "double-quoted" strings, $n.
func shellWords(line string, vars map[string]string) []string {
	var words []string
	var cur strings.Builder
	in, quoted := false, false
	for _, r := range line {
		switch {
		case r == '"':
			in = !in
			quoted = true
		case r == ' ' && !in:
			if cur.Len() > 0 || quoted {
				words = append(words, cur.String())
			}
			cur.Reset()
			quoted = false
		default:
			cur.WriteRune(r)
		}
	}
	if cur.Len() > 0 || quoted {
		words = append(words, cur.String())
	}
	for i, w := range words {
		if strings.HasPrefix(w, "$") {
			words[i] = vars[w[1:]]
		}
	}
	return words
}

// TestReadmeWalkRunsOnTheSandbox runs the README's command-line walk, line
// by line as written, against a running sandbox and the configuration it
// wrote: every command succeeds, the ticket ends closed, and every
// notification it caused is delivered.
func TestReadmeWalkRunsOnTheSandbox(t *testing.T) {
	dir := t.TempDir()
	sb, err := sandbox.Start(context.Background(), sandbox.Options{Dir: dir, DatabaseURL: pgtest.URL(t),
		IMAPAddr: "127.0.0.1:0", SMTPAddr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Stop()
	t.Setenv("TICKETD_DATABASE_URL", "")
	t.Setenv("TICKETD_LANG", "")
	vars := map[string]string{}
	var show string
	ran := 0
	for _, line := range readmeWalk(t) {
		line = strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "go build "):
			continue
		case strings.HasPrefix(line, "export TICKETD_CONFIG="):
			if want := ".sandbox/" + sandbox.ConfigFile; strings.TrimPrefix(line, "export TICKETD_CONFIG=") != want {
				t.Fatalf("the walk uses %q", line)
			}
			t.Setenv("TICKETD_CONFIG", sb.ConfigPath)
			continue
		}
		name, capture := "", line
		if i := strings.Index(line, "=$("); i > 0 && strings.HasSuffix(line, ")") {
			name, capture = line[:i], line[i+3:len(line)-1]
		}
		words := shellWords(capture, vars)
		if len(words) == 0 || words[0] != "./ticketd" {
			t.Fatalf("a line the test cannot run: %q", line)
		}
		out, errs, code := ticketd(t, words[1:]...)
		if code != 0 || errs != "" {
			t.Fatalf("%s: exit %d\n%s%s", line, code, out, errs)
		}
		checkWidth(t, line, out)
		if name != "" {
			vars[name] = strings.TrimSpace(out)
		}
		show = out
		ran++
	}
	if ran < 8 {
		t.Fatalf("ran %d lines of the walk", ran)
	}
	for _, want := range []string{"11 Cierre definitivo; 12 Fin", "Estado: cerrado", "Solicitante: ana.suarez@example.gov.co"} {
		if !strings.Contains(show, want) {
			t.Errorf("the walk's last command lacks %q:\n%s", want, show)
		}
	}
	// Every notification goes out and reaches a mailbox of the sandbox.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	db := sb.Daemon.Parts.DB
	for {
		pending, failed, err := store.OutboxBacklog(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		if failed > 0 {
			t.Fatalf("%d notifications of the walk failed", failed)
		}
		if pending == 0 {
			break
		}
		select {
		case <-ctx.Done():
			t.Fatalf("%d notifications still pending", pending)
		case <-time.After(100 * time.Millisecond):
		}
	}
	id := vars["n"]
	out, _, _ := ticketd(t, "tickets", "show", id, "--json")
	if strings.Contains(out, "delivery_failed") {
		t.Errorf("a delivery failed:\n%s", out)
	}
	if _, err := sb.Client("ana.suarez@example.gov.co").WaitFor(ctx, "[OTI-"+id+"]"); err != nil {
		t.Errorf("the requester got no notification: %v", err)
	}
}
