package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/bizdays"
)

// TestReportCommand: a request taken by phone shows in the month's report,
// in every format; bad options are usage errors.
func TestReportCommand(t *testing.T) {
	cfg := testConfig(t)
	c := []string{"-config", cfg}
	mustRun(t, append(c, "migrate")...)
	mustRun(t, append(c, "tickets", "open", "--requester", "ana@example.gov.co", "--subject", "No imprime", "--as", "jgomez")...)
	month := time.Now().In(bizdays.Colombia().Loc).Format("2006-01")

	text := mustRun(t, append(c, "report", "--mes", month)...)
	if !strings.Contains(text, "Casos recibidos: 1 (0 por correo, 1 por teléfono o en persona)") {
		t.Errorf("text report:\n%s", text)
	}
	if en := mustRun(t, append(c, "report", "--mes", month, "--lang", "en")...); !strings.Contains(en, "Tickets received: 1 (0 by email, 1 by phone") {
		t.Errorf("English report:\n%s", en)
	}
	var r struct {
		Received struct{ Total, Phone int } `json:"received"`
	}
	if err := json.Unmarshal([]byte(mustRun(t, append(c, "report", "--mes", month, "--formato", "json")...)), &r); err != nil || r.Received.Total != 1 || r.Received.Phone != 1 {
		t.Errorf("JSON report: %+v, %v", r, err)
	}
	if csv := mustRun(t, append(c, "report", "--mes", month, "--formato", "csv")...); !strings.Contains(csv, "received,channel,phone,,total,1\n") {
		t.Errorf("CSV report:\n%s", csv)
	}
	if other := mustRun(t, append(c, "report", "--mes", month, "--nivel", "3")...); !strings.Contains(other, "Casos recibidos: 0") {
		t.Errorf("level 3 only:\n%s", other)
	}
	for _, bad := range [][]string{
		{"--mes", "noviembre"},
		{"--mes", month, "--desde", "2026-11-01"},
		{"--desde", "2026-11-30", "--hasta", "2026-11-01"},
		{"--desde", "2026-11-01"},
		{"--nivel", "4"},
		{"--formato", "xml"},
		{"--horario", "17:00-08:00"},
		{"sobra"},
	} {
		if out, errs, code := ticketd(t, append(append(c, "report"), bad...)...); code != 2 {
			t.Errorf("report %v: exit %d, want 2\n%s%s", bad, code, out, errs)
		}
	}
	// Someone outside the roster is refused as --as nadie is elsewhere.
	if out, errs, code := ticketd(t, append(c, "report", "--responsable", "nadie")...); code != 3 || !strings.Contains(errs, "no está en la lista de personal") {
		t.Errorf("report --responsable nadie: exit %d, want 3\n%s%s", code, out, errs)
	}
}
