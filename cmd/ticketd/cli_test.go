package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

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

func TestCommandLineRefusals(t *testing.T) {
	cfg := testConfig(t)
	c := []string{"-config", cfg}
	mustRun(t, append(c, "migrate")...)
	mustRun(t, append(c, "tickets", "open", "--requester", "ana@example.gov.co", "--subject", "Hola")...)
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"tickets", "close", "1", "--as", "jgomez"}, 3, "solo se cierra un caso resuelto"},
		{[]string{"tickets", "classify", "1", "--as", "lperez", "--level", "2"}, 3, "solo la mesa de servicio clasifica"},
		{[]string{"tickets", "escalate", "1"}, 2, "--as"},
		{[]string{"tickets", "show", "99"}, 1, "no existe el caso"},
		{[]string{"tickets", "assign", "1", "--as", "jgomez", "--to", "nadie"}, 3, "nadie"},
		{[]string{"tickets", "list", "--state", "abierto"}, 2, `el estado "abierto" no existe`},
		{[]string{"tickets", "bailar"}, 2, `la acción "bailar" no existe`},
	}
	for _, tc := range tests {
		_, errs, code := ticketd(t, append(c, tc.args...)...)
		if code != tc.code || !strings.Contains(errs, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d mentioning %q", tc.args, code, errs, tc.code, tc.want)
		}
	}
}

func TestConfigCheckReportsProblems(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.toml")
	os.WriteFile(path, []byte("[desk]\naddress = \"x\"\ncolor = \"rojo\"\n"), 0o600)
	_, errs, code := ticketd(t, "-config", path, "config", "check")
	if code != 2 || !strings.Contains(errs, `clave desconocida "desk.color"`) || !strings.Contains(errs, "desk.address") {
		t.Errorf("exit %d, stderr:\n%s", code, errs)
	}
}

func TestTemplatesPreviewAndStatus(t *testing.T) {
	out := mustRun(t, "templates", "preview", "resolved", "--lang", "en")
	if !strings.Contains(out, "Subject: [OTI-123]") && !strings.Contains(out, "Asunto: [OTI-123]") {
		t.Errorf("preview:\n%s", out)
	}
	if !strings.Contains(out, "#reopen") {
		t.Errorf("the English resolution notice does not say how to reopen:\n%s", out)
	}
	es := mustRun(t, "templates", "preview", "opened_ack")
	if !strings.Contains(es, "Recibimos su solicitud") {
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
