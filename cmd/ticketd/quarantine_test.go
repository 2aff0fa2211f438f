package main

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/ticketd/ticketd/internal/dbconn"
)

// quarantinedRow stores a message the way the intake quarantines one: raw
// source kept, status quarantined, the reason on the row (in English, as
// the record keeps it).
func quarantinedRow(t *testing.T, msgID, raw, reason string) {
	t.Helper()
	db, err := dbconn.Open(os.Getenv("TICKETD_DATABASE_URL"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`INSERT INTO messages (direction, message_id, content_hash, raw, from_addr, subject, status, reason)
		VALUES ('in', $1, $1, $2, 'ana@example.gov.co', 'Factura', 'quarantined', $3)`, msgID, []byte(raw), reason); err != nil {
		t.Fatal(err)
	}
}

// contains fails the test for each of want that out lacks, and for each of
// not that it has.
func contains(t *testing.T, name, out string, want []string, not ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("%s lacks %q:\n%s", name, w, out)
		}
	}
	for _, n := range not {
		if strings.Contains(out, n) {
			t.Errorf("%s says %q:\n%s", name, n, out)
		}
	}
}

const quarantineRaw = "From: Ana <ana@example.gov.co>\r\nTo: soporte.oti@example.gov.co\r\nSubject: Factura\r\nMessage-ID: <q1@example.gov.co>\r\n" +
	"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nAdjunto la factura.\r\n" +
	"--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"f.pdf\"\r\n\r\n%PDF\r\n--b--\r\n"

func TestQuarantineCommandLine(t *testing.T) {
	t.Setenv("TICKETD_LANG", "")
	cfg := testConfig(t)
	c := []string{"-config", cfg}
	en := []string{"-config", cfg, "--lang", "en"}
	mustRun(t, append(c, "migrate")...)
	contains(t, "empty list", mustRun(t, append(c, "cuarentena", "list")...), []string{"No hay mensajes en cuarentena."})
	contains(t, "empty list (en)", mustRun(t, append(en, "quarantine", "list")...), []string{"There are no messages in quarantine."})
	quarantinedRow(t, "q1@example.gov.co", quarantineRaw, "message has more than 2 MIME parts")

	// The reason, recorded in English, in the reader's words: those of
	// mailin's catalogue, which its sender and the desk were told.
	contains(t, "list", mustRun(t, append(c, "cuarentena", "list")...),
		[]string{"N.º", "MOTIVO", "ana@example.gov.co", "Factura", "más de 2 partes entre textos y adjuntos"}, "MIME parts")
	contains(t, "list (en)", mustRun(t, append(en, "quarantine", "list")...),
		[]string{"NO.", "REASON", "ana@example.gov.co", "Factura", "more than 2 parts, texts and attachments together"}, "MOTIVO", "MIME parts")

	// --json is a stable interface: the same fields, the reason as recorded.
	for _, args := range [][]string{append(c, "quarantine", "list", "--json"), append(en, "cuarentena", "list", "--json")} {
		var items []map[string]any
		if err := json.Unmarshal([]byte(mustRun(t, args...)), &items); err != nil || len(items) != 1 {
			t.Fatalf("list --json: %v %+v", err, items)
		}
		var keys []string
		for k := range items[0] {
			keys = append(keys, k)
		}
		if len(keys) != 7 || items[0]["reason"] != "message has more than 2 MIME parts" || items[0]["id"] != float64(1) {
			t.Errorf("list --json: %+v", items[0])
		}
	}

	contains(t, "show", mustRun(t, append(c, "cuarentena", "show", "1")...),
		[]string{"Mensaje 1, recibido el", "Estado: en cuarentena", "Motivo: el mensaje tiene más de 2 partes", "Cabeceras:",
			"Subject: Factura", "Partes:", "multipart/mixed", "  text/plain", "attachment, «f.pdf»"})
	contains(t, "show (en)", mustRun(t, append(en, "quarantine", "show", "1")...),
		[]string{"Message 1, received on", "Status: in quarantine", "Reason: the message has more than 2 parts", "Header fields:",
			"Subject: Factura", "Parts:", "attachment, «f.pdf»"}, "Estado", "Cabeceras", "Partes")

	// Only a desk agent decides; the refusal names the person.
	for _, tc := range []struct {
		args []string
		want string
	}{
		{append(c, "cuarentena", "liberar", "1", "--as", "lperez"), "solo un agente de la mesa de servicio decide sobre la cuarentena, y Luis Pérez no lo es"},
		{append(en, "quarantine", "release", "1", "--as", "lperez"), "only a service desk agent decides about the quarantine, and Luis Pérez is not one"},
		{append(c, "cuarentena", "descartar", "1", "--as", "nadie", "--motivo", "x"), `"nadie" no está en la lista de personal`},
		{append(en, "quarantine", "discard", "1", "--as", "nadie", "--reason", "x"), `"nadie" is not in the roster`},
	} {
		if out, errs, code := ticketd(t, tc.args...); code != 3 || out != "" || !strings.Contains(errs, tc.want) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit 3 saying %q", tc.args, code, out, errs, tc.want)
		}
	}

	out := mustRun(t, append(c, "cuarentena", "liberar", "1", "--as", "jgomez", "--nota", "límite aumentado")...)
	if out != "Mensaje 1 liberado: abrió el caso OTI-1.\n" {
		t.Errorf("release:\n%s", out)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{append(c, "quarantine", "release", "1", "--as", "jgomez"), "el mensaje 1 ya no está en cuarentena (alguien más lo liberó o lo descartó); vea «ticketd cuarentena show 1»"},
		{append(en, "cuarentena", "liberar", "1", "--as", "jgomez"), "message 1 is no longer in quarantine (someone else released or discarded it)"},
	} {
		if _, errs, code := ticketd(t, tc.args...); code != 3 || !strings.Contains(errs, tc.want) {
			t.Errorf("second release %v: exit %d %s", tc.args, code, errs)
		}
	}
	contains(t, "show after release", mustRun(t, append(c, "cuarentena", "show", "1")...),
		[]string{"Estado: procesado", "Caso: OTI-1", "Registro:", "liberado por Juan Gómez: límite aumentado (resultado: abrió un caso nuevo)"},
		"jgomez@example.gov.co")
	contains(t, "show after release (en)", mustRun(t, append(en, "quarantine", "show", "1")...),
		[]string{"Status: processed", "Ticket: OTI-1", "Record:", "released by Juan Gómez: límite aumentado (outcome: it opened a new ticket)"},
		"jgomez@example.gov.co", "Registro")
	contains(t, "tickets list", mustRun(t, append(c, "tickets", "list")...), []string{"Factura"})

	if _, errs, code := ticketd(t, append(c, "cuarentena", "show", "99")...); code != 1 || !strings.Contains(errs, "no existe el mensaje recibido 99") {
		t.Errorf("show of no message: exit %d %s", code, errs)
	}
	if _, errs, code := ticketd(t, append(en, "quarantine", "show", "99")...); code != 1 || !strings.Contains(errs, "there is no received message 99") {
		t.Errorf("show of no message (en): exit %d %s", code, errs)
	}
}

// TestQuarantineSizeReason: the reason the intake records for a message
// over the size limit reads as the sender was told it, in each language.
func TestQuarantineSizeReason(t *testing.T) {
	cfg := testConfig(t)
	mustRun(t, "-config", cfg, "migrate")
	quarantinedRow(t, "big@example.gov.co", "Subject: Factura\r\n\r\n", "message is 33030144 bytes, over the limit of 26214400 bytes")
	contains(t, "show", mustRun(t, "-config", cfg, "--lang", "es", "cuarentena", "show", "1"),
		[]string{"Motivo: el mensaje ocupa 31,5 MB y la Mesa de Servicio recibe mensajes de hasta 25 MB"})
	contains(t, "show (en)", mustRun(t, "-config", cfg, "--lang", "en", "quarantine", "show", "1"),
		[]string{"Reason: the message is 31.5 MB and the Service Desk accepts messages of up to 25 MB"})
	// A record no catalogue wrote is shown as it is.
	quarantinedRow(t, "old@example.gov.co", "Subject: x\r\n\r\n", "something else")
	contains(t, "list", mustRun(t, "-config", cfg, "--lang", "es", "cuarentena", "list"), []string{"something else"})
}

// TestQuarantineUsageErrors: how a quarantine action is miswritten, in
// both languages, exit 2 with where the help is.
func TestQuarantineUsageErrors(t *testing.T) {
	t.Setenv("TICKETD_LANG", "")
	cfg := testConfig(t)
	tests := []struct {
		args   []string
		es, en string
		hint   string
	}{
		{[]string{"cuarentena", "descartar", "1", "--as", "jgomez"}, "falta --motivo", "--reason is missing",
			"ticketd cuarentena descartar -h"},
		{[]string{"quarantine", "release", "1"}, "falta --as", "--as is missing", "ticketd quarantine release -h"},
		{[]string{"cuarentena", "show"}, "indique un mensaje", "name a message", "ticketd cuarentena show -h"},
		{[]string{"quarantine", "show", "doce"}, `"doce" no es un número de mensaje`, `"doce" is not a message number`, "ticketd quarantine show -h"},
		{[]string{"cuarentena", "list", "1"}, `list no lleva argumentos (sobra "1")`, `list takes no arguments ("1" is one too many)`, "ticketd cuarentena list -h"},
		{[]string{"cuarentena", "list", "--jsn"}, "la opción --jsn no existe", "there is no option --jsn", "ticketd cuarentena list -h"},
		{[]string{"cuarentena", "borrar"}, `la acción "borrar" no existe`, `there is no action "borrar"`, "ticketd cuarentena -h"},
		{[]string{"quarantine", "delete"}, `la acción "delete" no existe`, `there is no action "delete"`, "ticketd quarantine -h"},
	}
	for _, tc := range tests {
		for _, lang := range []string{"es", "en"} {
			want, other, hint := tc.es, tc.en, "«"+tc.hint+"» muestra la ayuda."
			if lang == "en" {
				want, other, hint = tc.en, tc.es, `"`+tc.hint+`" shows the help.`
			}
			out, errs, code := ticketd(t, append([]string{"-config", cfg, "--lang", lang}, tc.args...)...)
			if code != 2 || out != "" || !strings.Contains(errs, want) || !strings.Contains(errs, hint) || strings.Contains(errs, other) {
				t.Errorf("%s %v: exit %d, stdout %q, stderr %q; want exit 2 saying %q and %q", lang, tc.args, code, out, errs, want, hint)
			}
		}
	}
	// No action: the usage, on stderr.
	for _, name := range []string{"cuarentena", "quarantine"} {
		if out, errs, code := ticketd(t, "--lang", "en", name); code != 2 || out != "" || !strings.Contains(errs, "Usage: ticketd quarantine ACTION") {
			t.Errorf("%s alone: exit %d, stdout %q, stderr %q", name, code, out, errs)
		}
	}
}
