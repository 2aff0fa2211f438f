package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/ticketd/ticketd/internal/pgtest"
)

// TestWhatPeopleReceiveByEmail is issue 14's cases by email, through
// Dovecot and SMTP: a desk agent's typo, a requester's command and the
// desk's escalation of a new ticket each reach exactly the people they
// are meant for.
func TestWhatPeopleReceiveByEmail(t *testing.T) {
	w := newWorld(t)
	dbURL := pgtest.URL(t)
	w.ticketd(dbURL, "")
	db := sqlx.MustOpen("postgres", dbURL)
	defer db.Close()
	inbox := func(u string) *mailbox { return &mailbox{w: w, user: u} }
	// settled waits until every queued notification went out, so that what
	// a mailbox lacks is known not to come.
	settled := func() {
		t.Helper()
		deadline := time.Now().Add(60 * time.Second)
		for time.Now().Before(deadline) {
			var n int
			if err := db.Get(&n, `SELECT count(*) FROM outbox WHERE status = 'pending'`); err != nil {
				t.Fatal(err)
			}
			if n == 0 {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
		t.Fatal("notifications still pending after 60 s")
	}
	subjects := func(u string) []string {
		var s []string
		for _, m := range inbox(u).list() {
			if m.HeaderValue("X-Ticketd-Loop") != "" {
				s = append(s, m.Subject)
			}
		}
		return s
	}

	w.send(ana, []string{deskAddr}, spanishRequest(ana, "pedido-1@example.gov.co"))
	newCase := inbox(jgomez).waitFor("[OTI-1] Nuevo caso")
	inbox(ana).waitFor("[OTI-1]")

	// A typo: nothing reaches the requester; the agent is told what works.
	w.reply(jgomez, newCase, "#escalr nivel 2 a lperez\nLuis, revisa por favor el bloqueo de la cuenta.")
	result := inbox(jgomez).waitFor("[OTI-1] Resultado de sus comandos")
	if !strings.Contains(result.Text, "#escalar nivel 2 a lperez") {
		t.Errorf("the answer does not say what would work:\n%s", result.Text)
	}
	settled()
	if got := subjects(ana); len(got) != 1 {
		t.Errorf("after the typo the requester has %q, want the acknowledgement only", got)
	}

	// The desk escalates the new ticket: the specialist gets the case with
	// the instructions, the requester the level without them.
	w.reply(jgomez, newCase, "#escalar nivel 2 a lperez\nLuis, revisa por favor el bloqueo de la cuenta.")
	assigned := inbox(lperez).waitFor("[OTI-1] Caso asignado")
	if !strings.Contains(assigned.Text, "bloqueo de la cuenta") {
		t.Errorf("the specialist's notice lacks the instructions:\n%s", assigned.Text)
	}
	levelNotice := inbox(ana).waitFor("[OTI-1] Su caso está en Nivel 2")
	if strings.Contains(levelNotice.Text, "bloqueo") {
		t.Errorf("the instructions reached the requester:\n%s", levelNotice.Text)
	}

	// The requester's command is a comment for the desk and the assignee.
	w.reply(ana, levelNotice, "#escalar nivel 3\nPor favor, esto es urgente, que lo vea el proveedor.")
	herResult := inbox(ana).waitFor("[OTI-1] Resultado de sus comandos")
	for _, deskOnly := range []string{"#nivel", "#asignar", "#resolver", "#cerrar", "#nota"} {
		if strings.Contains(herResult.Text, deskOnly) {
			t.Errorf("the requester's answer offers %s:\n%s", deskOnly, herResult.Text)
		}
	}
	settled()
	var deskGot, assigneeGot bool
	for _, m := range inbox(jgomez).list() {
		deskGot = deskGot || strings.Contains(m.Text, "esto es urgente")
	}
	for _, m := range inbox(lperez).list() {
		assigneeGot = assigneeGot || strings.Contains(m.Text, "esto es urgente")
	}
	if !deskGot || !assigneeGot {
		t.Errorf("the requester's words reached the desk: %v, the assignee: %v", deskGot, assigneeGot)
	}
}
