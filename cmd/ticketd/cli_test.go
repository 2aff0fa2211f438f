package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/pgtest"
	"github.com/ticketd/ticketd/tickets/service"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// testConfig writes the example configuration pointed at a fresh database.
func testConfig(t *testing.T) string {
	t.Helper()
	ex, err := os.ReadFile("../../ticketd.example.toml")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "ticketd.toml")
	if err := os.WriteFile(path, ex, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TICKETD_DATABASE_URL", pgtest.URL(t))
	return path
}

func ticketd(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, &out, &errb)
	return out.String(), errb.String(), code
}

func mustRun(t *testing.T, args ...string) string {
	t.Helper()
	out, errs, code := ticketd(t, args...)
	if code != 0 {
		t.Fatalf("ticketd %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errs)
	}
	return out
}

// TestCommandLineWalkthrough is the README's walkthrough: one ticket
// through the whole procedure from the command line.
func TestCommandLineWalkthrough(t *testing.T) {
	t.Setenv("TICKETD_LANG", "")
	cfg := testConfig(t)
	c := []string{"-config", cfg}
	mustRun(t, append(c, "config", "check")...)
	mustRun(t, append(c, "migrate")...)
	mustRun(t, append(c, "tickets", "open", "--requester", "ana@example.gov.co", "--subject", "El equipo no enciende", "--as", "jgomez")...)
	steps := [][]string{
		{"classify", "1", "--as", "jgomez@example.gov.co", "--level", "2", "--to", "lperez"},
		{"escalate", "OTI-1", "--as", "lperez@example.gov.co", "--level", "3", "--to", "proveedor1"},
		{"comment", "1", "--as", "soporte@proveedor.example.com", "--text", "Revisamos la fuente"},
		{"resolve", "1", "--as", "soporte@proveedor.example.com", "--note", "Fuente reemplazada"},
		{"reopen", "1", "--as", "ana@example.gov.co", "--note", "Sigue sin encender"},
		{"note", "1", "--as", "jgomez", "--text", "Usuario en sede norte"},
		{"resolve", "1", "--as", "jgomez"},
		{"close", "1", "--as", "jgomez"},
	}
	for _, s := range steps {
		mustRun(t, append(append(c, "tickets"), s...)...)
	}
	out := mustRun(t, append(c, "tickets", "show", "1", "--json")...)
	var d service.DetailJSON
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatalf("show --json: %v\n%s", err, out)
	}
	want := []int{1, 2, 3, 6, 8, 9, 9, 10, 11, 4, 4, 5, 11, 12}
	if got := service.Activities(d); !slices.Equal(got, want) {
		t.Errorf("activities = %v, want %v", got, want)
	}
	if d.State != "cerrado" || d.Assignee != nil || d.Ref != "OTI-1" {
		t.Errorf("ticket = %+v", d.TicketJSON)
	}
	var raw map[string]any
	json.Unmarshal([]byte(out), &raw)
	for _, k := range []string{"id", "ref", "subject", "requester", "state", "level", "service", "assignee", "created_at", "updated_at", "events", "messages"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("show --json lacks %q", k)
		}
	}
	// The desk's readable record names the activities.
	text := mustRun(t, append(c, "tickets", "show", "OTI-1")...)
	if !strings.Contains(text, "11 Cierre definitivo") || !strings.Contains(text, "(interno)") {
		t.Errorf("show output:\n%s", text)
	}
	// Notifications were queued in the outbox for what happened.
	if !strings.Contains(out, `"direction": "out"`) {
		t.Errorf("no outgoing notification on record:\n%s", out)
	}
	list := mustRun(t, append(c, "tickets", "list", "--state", "cerrado", "--json")...)
	if !strings.Contains(list, `"ref": "OTI-1"`) {
		t.Errorf("list: %s", list)
	}
}

// TestCommandLineRefusals: what the procedure refuses exits 3, what does
// not exist 1, a mistake in the command 2; each says why in the reader's
// language and not in the other.
func TestCommandLineRefusals(t *testing.T) {
	t.Setenv("TICKETD_LANG", "")
	cfg := testConfig(t)
	c := []string{"-config", cfg}
	mustRun(t, append(c, "migrate")...)
	mustRun(t, append(c, "tickets", "open", "--requester", "ana@example.gov.co", "--subject", "Hola")...)
	tests := []struct {
		args   []string
		code   int
		es, en string
	}{
		{[]string{"tickets", "close", "1", "--as", "jgomez"}, 3,
			"no se aplicó: el caso está sin clasificar; solo se cierra un caso resuelto", "not applied: ticket is new, not yet classified; only a resolved ticket is closed"},
		{[]string{"tickets", "classify", "1", "--as", "lperez", "--level", "2"}, 3,
			"no se aplicó: solo la mesa de servicio clasifica", "not applied: only the service desk classifies"},
		{[]string{"tickets", "classify", "1", "--as", "nadie@example.gov.co", "--level", "2"}, 3,
			`"nadie@example.gov.co" no está en la lista de personal`, `"nadie@example.gov.co" is not in the roster`},
		{[]string{"tickets", "classify", "1", "--as", "ana@example.gov.co"}, 3,
			`"ana@example.gov.co" no está en la lista de personal`, `"ana@example.gov.co" is not in the roster`},
		{[]string{"tickets", "assign", "1", "--as", "jgomez", "--to", "nadie"}, 3,
			`"nadie" no está en la lista de personal`, `"nadie" is not in the roster`},
		{[]string{"tickets", "reopen", "1", "--as", "otro@example.com"}, 3,
			`"otro@example.com" no está en la lista de personal ni es quien solicitó el caso OTI-1`, `"otro@example.com" is neither in the roster nor the requester of ticket OTI-1`},
		{[]string{"tickets", "open", "--requester", "b@example.gov.co", "--subject", "x", "--as", "nadie"}, 3,
			`"nadie" no está en la lista de personal`, `"nadie" is not in the roster`},
		{[]string{"tickets", "escalate", "1", "--as", "jgomez", "--level", "4"}, 3, "no se aplicó:", "not applied:"},
		{[]string{"tickets", "classify", "1", "--as", "jgomez", "--service", "nada"}, 2,
			`el servicio "nada" no está en el catálogo`, `there is no service "nada" in the catalogue`},
		{[]string{"tickets", "escalate", "1"}, 2, "falta --as", "--as is missing"},
		{[]string{"tickets", "show", "99"}, 1, "no existe el caso OTI-99", "there is no ticket OTI-99"},
		{[]string{"tickets", "show", "OTI-x"}, 2, `"OTI-x" no es un número de caso`, `"OTI-x" is not a ticket number`},
		{[]string{"tickets", "show"}, 2, "indique un caso", "name a ticket"},
	}
	for _, tc := range tests {
		for _, lang := range []string{"es", "en"} {
			want, other := tc.es, tc.en
			if lang == "en" {
				want, other = other, want
			}
			out, errs, code := ticketd(t, append(append(c, "--lang", lang), tc.args...)...)
			if code != tc.code || out != "" || !strings.Contains(errs, want) || strings.Contains(errs, other) {
				t.Errorf("%s %v: exit %d, stdout %q, stderr %q; want exit %d saying %q", lang, tc.args, code, out, errs, tc.code, want)
			}
		}
	}
	// Nothing of it moved the ticket.
	if out := mustRun(t, append(c, "tickets", "list", "--json")...); !strings.Contains(out, `"state": "nuevo"`) {
		t.Errorf("list: %s", out)
	}
}

// TestOpenPrintsTheNumberForAVariable: -q prints only the number, so the
// next commands can use it from a shell variable.
func TestOpenPrintsTheNumberForAVariable(t *testing.T) {
	cfg := testConfig(t)
	mustRun(t, "-config", cfg, "migrate")
	for i, want := range []string{"1\n", "2\n"} {
		if out := mustRun(t, "-config", cfg, "tickets", "open", "--requester", "ana@example.gov.co", "--subject", "Hola", "-q"); out != want {
			t.Errorf("open %d -q printed %q, want %q", i+1, out, want)
		}
	}
	es := mustRun(t, "-config", cfg, "tickets", "open", "--requester", "ana@example.gov.co", "--subject", "Hola")
	en := mustRun(t, "-config", cfg, "--lang", "en", "tickets", "classify", "3", "--as", "jgomez", "--level", "2", "--to", "lperez")
	if es != "Caso OTI-3 registrado: Hola (nuevo, nivel 1)\n" || en != "Ticket OTI-3: in progress, level 2, handled by Luis Pérez\n" {
		t.Errorf("open said %q, classify %q", es, en)
	}
}

// TestConfigCheckReportsProblems: every problem at once, a bad duration
// among them, in the reader's language; a good file is said valid.
func TestConfigCheckReportsProblems(t *testing.T) {
	t.Setenv("TICKETD_LANG", "")
	t.Setenv("TICKETD_DATABASE_URL", "")
	t.Setenv("TICKETD_CONFIG", "")
	path := filepath.Join(t.TempDir(), "bad.toml")
	os.WriteFile(path, []byte("[desk]\naddress = \"x\"\ncolor = \"rojo\"\n[imap]\npoll_interval = \"treinta\"\n[log]\nformat = \"xml\"\n"), 0o600)
	want := map[string][]string{
		"es": {"la configuración tiene 6 problemas:", `clave desconocida "desk.color"`, `imap.poll_interval = "treinta" no es una duración`,
			`desk.address "x" no es un correo electrónico válido`, "database.url está vacía", `log.format "xml" debe ser text o json`},
		"en": {"the configuration has 6 problems:", `unknown key "desk.color"`, `imap.poll_interval = "treinta" is not a duration`,
			`desk.address "x" is not a valid email address`, "database.url is empty", `log.format "xml" must be text or json`},
	}
	for lang, ws := range want {
		out, errs, code := ticketd(t, "--lang", lang, "-config", path, "config", "check")
		if code != 2 || out != "" {
			t.Errorf("%s: exit %d, stdout %q", lang, code, out)
		}
		for _, w := range ws {
			if !strings.Contains(errs, w) {
				t.Errorf("%s: stderr lacks %q:\n%s", lang, w, errs)
			}
		}
	}
	if _, errs, code := ticketd(t, "--lang", "en", "-config", filepath.Join(t.TempDir(), "none.toml"), "config", "check"); code != 2 ||
		!strings.Contains(errs, "none.toml does not exist") {
		t.Errorf("missing file: exit %d, %q", code, errs)
	}
	if _, errs, code := ticketd(t, "config", "check"); code != 2 || !strings.Contains(errs, "falta el archivo de configuración") {
		t.Errorf("no file: exit %d, %q", code, errs)
	}
	cfg := testConfig(t)
	if out := mustRun(t, "--lang", "en", "-config", cfg, "config", "check"); !strings.Contains(out, "the configuration is valid (5 people") {
		t.Errorf("valid: %q", out)
	}
}

func TestTemplatesPreviewAndStatus(t *testing.T) {
	t.Setenv("TICKETD_LANG", "")
	t.Setenv("TICKETD_CONFIG", "")
	out := mustRun(t, "templates", "preview", "resolved", "--lang", "en")
	if !strings.HasPrefix(out, "Subject: [OTI-123]") || strings.Contains(out, "Asunto") {
		t.Errorf("preview:\n%s", out)
	}
	if !strings.Contains(out, "#reopen") {
		t.Errorf("the English resolution notice does not say how to reopen:\n%s", out)
	}
	if out := mustRun(t, "--lang", "en", "templates", "preview", "resolved"); !strings.HasPrefix(out, "Subject: [OTI-123] Your request was resolved") {
		t.Errorf("--lang before the command:\n%s", out)
	}
	es := mustRun(t, "templates", "preview", "opened_ack")
	if !strings.HasPrefix(es, "Asunto: ") || !strings.Contains(es, "Recibimos su solicitud") {
		t.Errorf("Spanish preview:\n%s", es)
	}
	if _, errs, code := ticketd(t, "templates", "preview", "nada"); code != 2 || !strings.Contains(errs, "opened_ack") {
		t.Errorf("unknown template: exit %d, %q", code, errs)
	}
	cfg := testConfig(t)
	mustRun(t, "-config", cfg, "migrate")
	st := mustRun(t, "-config", cfg, "status")
	if !strings.Contains(st, "Bandeja de salida: 0 pendientes, 0 fallidos") {
		t.Errorf("status:\n%s", st)
	}
}

func TestGCSettingsLeaveTheOperatorsChoice(t *testing.T) {
	env := func(kv map[string]string) func(string) string {
		return func(k string) string { return kv[k] }
	}
	cases := []struct {
		env     map[string]string
		percent int
		limit   int64
	}{
		{nil, daemonGCPercent, daemonMemoryLimit},
		{map[string]string{"GOGC": "100"}, 0, daemonMemoryLimit},
		{map[string]string{"GOMEMLIMIT": "1GiB"}, daemonGCPercent, 0},
		{map[string]string{"GOGC": "off", "GOMEMLIMIT": "64MiB"}, 0, 0},
	}
	for _, c := range cases {
		p, l := gcSettings(env(c.env))
		if p != c.percent || l != c.limit {
			t.Errorf("env %v: percent %d, limit %d; want %d, %d", c.env, p, l, c.percent, c.limit)
		}
	}
}

// TestDatabaseNotRunning: a database nobody answers at is said as such,
// with what to start.
func TestDatabaseNotRunning(t *testing.T) {
	cfg := testConfig(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // a port nobody listens on
	t.Setenv("TICKETD_DATABASE_URL", "postgres://x@"+addr+"/ticketd")
	for lang, want := range map[string]string{"es": "nadie atiende en postgres://x@" + addr, "en": "nothing answers at postgres://x@" + addr} {
		for _, cmd := range [][]string{{"tickets", "list"}, {"run"}} {
			if _, errs, code := ticketd(t, append([]string{"--lang", lang, "-config", cfg}, cmd...)...); code != 1 || !strings.Contains(errs, want) {
				t.Errorf("%s %s: exit %d, %q", lang, cmd[0], code, errs)
			}
		}
	}
}

// TestDatabaseAddressUnreadable: an address the driver cannot read is
// said so, in the reader's language, without any of its password.
func TestDatabaseAddressUnreadable(t *testing.T) {
	cfg := testConfig(t)
	t.Setenv("TICKETD_DATABASE_URL", "host=127.0.0.1 user=ticketd password=zq xw dbname=ticketd")
	for lang, want := range map[string]string{"es": "no se puede leer", "en": "cannot be read"} {
		for _, cmd := range [][]string{{"tickets", "list"}, {"run"}} {
			_, errs, code := ticketd(t, append([]string{"--lang", lang, "-config", cfg}, cmd...)...)
			if code != 1 || !strings.Contains(errs, want) || !strings.Contains(errs, "password=***") || strings.Contains(errs, "xw") {
				t.Errorf("%s %s: exit %d, %q", lang, cmd[0], code, errs)
			}
		}
	}
}

// TestListNamesPeople: the list names the assignee as the roster does and
// the requester by the name she wrote with, not by their addresses.
func TestListNamesPeople(t *testing.T) {
	t.Setenv("TICKETD_LANG", "")
	cfg := testConfig(t)
	c := []string{"-config", cfg}
	mustRun(t, append(c, "migrate")...)
	mustRun(t, append(c, "tickets", "open", "--requester", "ana@example.gov.co", "--subject", "Impresora", "--as", "jgomez")...)
	mustRun(t, append(c, "tickets", "classify", "1", "--as", "jgomez", "--level", "2", "--to", "lperez")...)
	out := mustRun(t, append(c, "tickets", "list")...)
	if !strings.Contains(out, "Luis Pérez") || strings.Contains(out, "lperez@") {
		t.Errorf("list does not name the assignee:\n%s", out)
	}
}

// TestRunSaysWhatStopsIt: the common faults at start read whole in the
// reader's language: the operations address taken, and migrations the
// daemon was told not to apply.
func TestRunSaysWhatStopsIt(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	cfg := testConfig(t)
	ex, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	taken := strings.Replace(string(ex), `address = "127.0.0.1:9464"`, `address = "`+l.Addr().String()+`"`, 1)
	// Neither mailbox nor relay: only what is tried here runs.
	taken = strings.Replace(taken, `address = "outlook.office365.com:993"`, `address = ""`, 1)
	taken = strings.Replace(taken, `address = "smtp.office365.com:587"`, `address = ""`, 1)
	if err := os.WriteFile(cfg, []byte(taken), 0o600); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) (string, int) {
		t.Helper()
		type res struct {
			errs string
			code int
		}
		done := make(chan res, 1)
		go func() {
			_, errs, code := ticketd(t, args...)
			done <- res{errs, code}
		}()
		select {
		case r := <-done:
			return r.errs, r.code
		case <-time.After(2 * time.Minute): // a guard against a daemon that did start, not a figure
			t.Fatalf("ticketd %v did not stop", args)
		}
		return "", 0
	}
	mustRun(t, "-config", cfg, "migrate")
	for lang, want := range map[string]string{"es": "ya está en uso", "en": "is already in use"} {
		if errs, code := run("--lang", lang, "-config", cfg, "run"); code != 1 || !strings.Contains(errs, want) || !strings.Contains(errs, l.Addr().String()) {
			t.Errorf("%s: exit %d, %q", lang, code, errs)
		}
	}
	fresh := pgtest.EmptyURL(t) // not migrated
	t.Setenv("TICKETD_DATABASE_URL", fresh)
	for lang, want := range map[string]string{"es": "migraciones pendientes", "en": "pending migrations"} {
		if errs, code := run("--lang", lang, "-config", cfg, "run", "--no-migrate"); code != 1 || !strings.Contains(errs, want) ||
			strings.Contains(errs, "detalle técnico") || strings.Contains(errs, "service stopped") {
			t.Errorf("%s: exit %d, %q", lang, code, errs)
		}
	}
}
