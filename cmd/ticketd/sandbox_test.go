package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/pgtest"
)

// TestSandboxWalkthroughReads: the walkthrough as a newcomer sees it, in
// both languages: each stage said as it starts, every line within 100
// columns, no address that is dead when it ends, and the way on to the
// command line with the configuration the sandbox wrote.
func TestSandboxWalkthroughReads(t *testing.T) {
	t.Setenv("TICKETD_LANG", "")
	url := pgtest.URL(t)
	t.Chdir(t.TempDir()) // as in a clone: the sandbox's folder is .sandbox here
	cfg := filepath.Join(".sandbox", "ticketd.toml")
	want := map[string][]string{
		"es": {"Iniciando los servidores de correo IMAP y SMTP...", "Escribiendo la configuración e iniciando ticketd...",
			"Recorrido del procedimiento 130.13.08-3", "El soporte en sitio escala al proveedor (nivel 3)",
			"→ caso OTI-1: en atención, nivel 3, atiende Proveedor de Equipos S.A.S.",
			"✉ Ana María Suárez: [OTI-1] Recibimos su solicitud", "11 Cierre definitivo; 12 Fin",
			"\n  go run ./cmd/ticketd --config " + cfg + " tickets list\n"},
		"en": {"Starting the IMAP and SMTP mail servers...", "A walk through procedure 130.13.08-3",
			"On-site support escalates to the provider (level 3)",
			"→ ticket OTI-2: in progress, level 3, handled by Proveedor de Equipos S.A.S.",
			"11 Definitive closure; 12 End", "\n  go run ./cmd/ticketd --config " + cfg + " tickets list\n"},
	}
	for _, lang := range []string{"es", "en"} {
		out, errs, code := ticketd(t, "--lang", lang, "sandbox", "--walkthrough", "--database-url", url,
			"--imap", "127.0.0.1:0", "--smtp", "127.0.0.1:0")
		if code != 0 || errs != "" {
			t.Fatalf("%s: exit %d\n%s%s", lang, code, out, errs)
		}
		for _, w := range want[lang] {
			if !strings.Contains(out, w) {
				t.Errorf("%s: the walkthrough lacks %q:\n%s", lang, w, out)
			}
		}
		checkWidth(t, lang+" walkthrough", out)
		for _, dead := range []string{"http://", "127.0.0.1:"} {
			if strings.Contains(out, dead) {
				t.Errorf("%s: the walkthrough prints an address that is dead when it ends (%s):\n%s", lang, dead, out)
			}
		}
		if strings.Contains(out, "walk.") || strings.Contains(out, "state.") {
			t.Errorf("%s: a catalogue key in the output:\n%s", lang, out)
		}
	}
}

// syncBuffer is a bytes.Buffer for one writer and one reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestSandboxStaysUpWithItsAccounts: without --walkthrough the sandbox
// prints its servers, accounts (roles in words) and the command line to
// run against it, then runs until it is stopped.
func TestSandboxStaysUpWithItsAccounts(t *testing.T) {
	url := pgtest.URL(t)
	t.Chdir(t.TempDir())
	for lang, want := range map[string][]string{
		"es": {"Cuentas (usuario: el correo; contraseña: \"sandbox\"):", "soporte en sitio (alias sitio1)", "proveedor (alias proveedor1)",
			"\n    go run ./cmd/ticketd --config .sandbox/ticketd.toml tickets list\n", "Ctrl-C lo detiene"},
		"en": {"Accounts (user: the address; password: \"sandbox\"):", "on-site support (alias sitio1)", "requester",
			"\n    go run ./cmd/ticketd --config .sandbox/ticketd.toml tickets list\n", "Ctrl-C stops it"},
	} {
		ctx, cancel := context.WithCancel(context.Background())
		var out, errs syncBuffer
		done := make(chan int, 1)
		go func() {
			done <- run(ctx, []string{"--lang", lang, "sandbox", "--database-url", url, "--imap", "127.0.0.1:0", "--smtp", "127.0.0.1:0"}, &out, &errs)
		}()
		deadline := time.After(time.Minute)
		for !strings.Contains(out.String(), "Ctrl-C") {
			select {
			case code := <-done:
				t.Fatalf("%s: the sandbox ended with %d:\n%s%s", lang, code, out.String(), errs.String())
			case <-deadline:
				t.Fatalf("%s: the sandbox did not say it is up:\n%s", lang, out.String())
			case <-time.After(50 * time.Millisecond):
			}
		}
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("%s: exit %d after Ctrl-C: %s", lang, code, errs.String())
		}
		for _, w := range want {
			if !strings.Contains(out.String(), w) {
				t.Errorf("%s: the sandbox's screen lacks %q:\n%s", lang, w, out.String())
			}
		}
		checkWidth(t, lang+" sandbox", out.String())
	}
}
