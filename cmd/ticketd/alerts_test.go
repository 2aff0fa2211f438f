package main

import (
	"os"
	"testing"

	"github.com/ticketd/ticketd/internal/dbconn"
)

func TestStatusSaysWhatFails(t *testing.T) {
	cfg := testConfig(t)
	mustRun(t, "-config", cfg, "migrate")
	t.Setenv("TICKETD_LANG", "")
	contains(t, "status", mustRun(t, "-config", cfg, "status"), []string{"Alertas: todo funciona."})
	contains(t, "status (en)", mustRun(t, "-config", cfg, "--lang", "en", "status"), []string{"Alerts: everything works."}, "Alertas")
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
	contains(t, "status", mustRun(t, "-config", cfg, "status"),
		[]string{"Alertas:\n", "el buzón INBOX de la cuenta default falla desde", "se avisó a los administradores el", "connection refused",
			"el envío de correo (SMTP) falla desde", "aún no se avisó a los administradores"})
	contains(t, "status (en)", mustRun(t, "-config", cfg, "--lang", "en", "status"),
		[]string{"Alerts:\n", "the mailbox INBOX of account default has been failing since", "the administrators were told on", "connection refused",
			"sending mail (SMTP) has been failing since", "the administrators have not been told yet"},
		"Alertas", "buzón", "falla desde", "administradores")
}
