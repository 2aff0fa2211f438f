package main

import (
	"os"
	"strings"
	"testing"

	"github.com/ticketd/ticketd/internal/dbconn"
)

func TestStatusSaysWhatFails(t *testing.T) {
	cfg := testConfig(t)
	mustRun(t, "-config", cfg, "migrate")
	if st := mustRun(t, "-config", cfg, "status"); !strings.Contains(st, "Alertas: todo funciona.") {
		t.Errorf("status:\n%s", st)
	}
	db, err := dbconn.Open(os.Getenv("TICKETD_DATABASE_URL"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`INSERT INTO health_alerts (subject, failing_since, last_error, alerted_at) VALUES
		('imap default/INBOX', now() - interval '20 minutes', 'imap: dial tcp 10.0.0.5:993: connection refused', now() - interval '5 minutes'),
		('smtp', now() - interval '1 minute', 'dial tcp: i/o timeout', NULL)`); err != nil {
		t.Fatal(err)
	}
	st := mustRun(t, "-config", cfg, "status")
	for _, want := range []string{"el buzón default/INBOX falla desde", "se avisó a los administradores el", "connection refused",
		"el envío de correo (SMTP) falla desde", "aún no se avisó a los administradores"} {
		if !strings.Contains(st, want) {
			t.Errorf("status lacks %q:\n%s", want, st)
		}
	}
}
