package main

import (
	"path/filepath"
	"strings"
	"testing"

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
			"ticketd --config " + cfg + " tickets list"},
		"en": {"Starting the IMAP and SMTP mail servers...", "A walk through procedure 130.13.08-3",
			"On-site support escalates to the provider (level 3)",
			"→ ticket OTI-2: in progress, level 3, handled by Proveedor de Equipos S.A.S.",
			"11 Definitive closure; 12 End", "ticketd --config " + cfg + " tickets list"},
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
