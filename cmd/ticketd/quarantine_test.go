package main

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/ticketd/ticketd/internal/dbconn"
)

// quarantinedRow stores a message the way the intake quarantines one: raw
// source kept, status quarantined, the reason on the row.
func quarantinedRow(t *testing.T, raw, reason string) {
	t.Helper()
	db, err := dbconn.Open(os.Getenv("TICKETD_DATABASE_URL"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`INSERT INTO messages (direction, message_id, content_hash, raw, from_addr, subject, status, reason)
		VALUES ('in', 'q1@example.gov.co', 'h1', $1, 'ana@example.gov.co', 'Factura', 'quarantined', $2)`, []byte(raw), reason); err != nil {
		t.Fatal(err)
	}
}

func TestQuarantineCommandLine(t *testing.T) {
	cfg := testConfig(t)
	c := []string{"-config", cfg}
	mustRun(t, append(c, "migrate")...)
	if out := mustRun(t, append(c, "cuarentena", "list")...); !strings.Contains(out, "No hay mensajes en cuarentena") {
		t.Errorf("empty list:\n%s", out)
	}
	raw := "From: Ana <ana@example.gov.co>\r\nTo: soporte.oti@example.gov.co\r\nSubject: Factura\r\nMessage-ID: <q1@example.gov.co>\r\n" +
		"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nAdjunto la factura.\r\n" +
		"--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"f.pdf\"\r\n\r\n%PDF\r\n--b--\r\n"
	quarantinedRow(t, raw, "message has more than 2 MIME parts")

	out := mustRun(t, append(c, "cuarentena", "list")...)
	if !strings.Contains(out, "ana@example.gov.co") || !strings.Contains(out, "más de 2 partes MIME") || !strings.Contains(out, "Factura") {
		t.Errorf("list:\n%s", out)
	}
	var items []struct {
		ID     int64  `json:"id"`
		Reason string `json:"reason"`
	}
	if err := json.Unmarshal([]byte(mustRun(t, append(c, "quarantine", "list", "--json")...)), &items); err != nil || len(items) != 1 {
		t.Fatalf("list --json: %v %+v", err, items)
	}
	out = mustRun(t, append(c, "cuarentena", "show", "1")...)
	for _, want := range []string{"Estado: en cuarentena", "Subject: Factura", "multipart/mixed", "  text/plain", "attachment, «f.pdf»"} {
		if !strings.Contains(out, want) {
			t.Errorf("show lacks %q:\n%s", want, out)
		}
	}

	// Only a desk agent decides.
	if _, errs, code := ticketd(t, append(c, "cuarentena", "liberar", "1", "--as", "lperez")...); code != 3 || !strings.Contains(errs, "Luis Pérez") {
		t.Errorf("release by a specialist: exit %d %s", code, errs)
	}
	out = mustRun(t, append(c, "cuarentena", "liberar", "1", "--as", "jgomez", "--nota", "límite aumentado")...)
	if !strings.Contains(out, "Mensaje 1 liberado: abrió el caso OTI-1.") {
		t.Errorf("release:\n%s", out)
	}
	if _, errs, code := ticketd(t, append(c, "quarantine", "release", "1", "--as", "jgomez")...); code != 3 || !strings.Contains(errs, "ya no está en cuarentena") {
		t.Errorf("second release: exit %d %s", code, errs)
	}
	if _, errs, code := ticketd(t, append(c, "cuarentena", "descartar", "1", "--as", "jgomez")...); code != 2 || !strings.Contains(errs, "--motivo") {
		t.Errorf("discard without reason: exit %d %s", code, errs)
	}
	out = mustRun(t, append(c, "cuarentena", "show", "1")...)
	if !strings.Contains(out, "Estado: procesado") || !strings.Contains(out, "Caso: OTI-1") || !strings.Contains(out, "liberado por jgomez@example.gov.co: límite aumentado (resultado: abrió un caso nuevo)") {
		t.Errorf("show after release:\n%s", out)
	}
	if out := mustRun(t, append(c, "tickets", "list")...); !strings.Contains(out, "Factura") {
		t.Errorf("tickets list:\n%s", out)
	}
	if _, _, code := ticketd(t, append(c, "cuarentena", "show", "99")...); code != 1 {
		t.Errorf("show of no message: exit %d", code)
	}
}
