package main

import (
	"os"
	"regexp"
	"testing"

	"github.com/ticketd/ticketd/internal/dbconn"
)

// Each account's mailboxes are lines of their own in ticketd status, even
// when two accounts both have an INBOX.
func TestStatusShowsEachAccount(t *testing.T) {
	cfg := testConfig(t)
	mustRun(t, "-config", cfg, "migrate")
	db, err := dbconn.Open(os.Getenv("TICKETD_DATABASE_URL"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`INSERT INTO mailbox_state (account, mailbox, last_success, backlog, holder, last_error, last_error_at) VALUES
		('soporte', 'INBOX', now(), 3, 'host-a:10', '', NULL),
		('proveedores', 'INBOX', NULL, 0, 'host-b:20', 'imap: dial tcp 10.0.0.9:993: connection refused', now())`); err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"es", "en"} {
		out := mustRun(t, "-config", cfg, "--lang", lang, "status")
		for _, re := range []string{`(?m)^soporte\s+INBOX\s+host-a:10\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+3\s+-$`,
			`(?m)^proveedores\s+INBOX\s+host-b:20\s+-\s+0\s+imap: dial tcp 10.0.0.9:993: connection refused$`} {
			if !regexp.MustCompile(re).MatchString(out) {
				t.Errorf("%s: status lacks %s:\n%s", lang, re, out)
			}
		}
	}
}
