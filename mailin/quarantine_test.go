package mailin_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"

	"github.com/ticketd/ticketd/mailin/email"
	"github.com/ticketd/ticketd/mailout"
	"github.com/ticketd/ticketd/tickets/service"
	"github.com/ticketd/ticketd/tickets/store"
)

// failOn makes the service's notifier fail for the changes a message with
// marker in its subject causes: a processing failure of that message
// alone, as a bug would make it, with everything else real.
type failOn struct {
	service.Notifier
	marker string
}

func (f failOn) Notify(ctx context.Context, tx *sqlx.Tx, c service.Change) error {
	if c.Trigger != nil && strings.Contains(c.Trigger.Subject, f.marker) {
		return errors.New("injected failure")
	}
	return f.Notifier.Notify(ctx, tx, c)
}

// failQuarantined makes telling of a quarantine fail too.
type failQuarantined struct{ *mailout.Notifier }

func (failQuarantined) Quarantined(context.Context, *sqlx.Tx, *store.Ticket, string, string, *store.Message) error {
	return errors.New("injected failure telling of a quarantine")
}

type notice struct{ Recipient, Subject, Body string }

// quarantineNotices are the quarantine notices queued, by recipient.
func (e *env) quarantineNotices() map[string]notice {
	e.t.Helper()
	var list []notice
	if err := e.db.Select(&list, `SELECT o.recipient, m.subject, m.body FROM outbox o JOIN messages m ON m.id = o.message_row
		WHERE o.kind = 'quarantined' ORDER BY o.id`); err != nil {
		e.t.Fatal(err)
	}
	out := map[string]notice{}
	for _, n := range list {
		if _, dup := out[n.Recipient]; dup {
			e.t.Errorf("%s told twice", n.Recipient)
		}
		out[n.Recipient] = n
	}
	return out
}

// TestQuarantineAfterAFailureTellsSenderAndDesk: a message whose
// processing fails on its own is quarantined, and its sender and the desk
// are told, in Spanish, with the reason; the same message again is told
// nothing more.
func TestQuarantineAfterAFailureTellsSenderAndDesk(t *testing.T) {
	e := newEnv(t)
	e.in.Service.Notifier = failOn{Notifier: e.in.Service.Notifier, marker: "FALLA"}
	raw := mail("Ana Rojas <ana@example.gov.co>", desk, "FALLA en la impresora", "f1@example.gov.co", "", "No imprime.")
	out := e.deliver(raw)
	if !out.Quarantine || !strings.HasPrefix(out.Reason, "processing failed") {
		t.Fatalf("outcome = %+v, want quarantined after a failure", out)
	}
	e.deliver(raw)
	got := e.quarantineNotices()
	if len(got) != 2 {
		t.Fatalf("notices to %v, want the sender and the desk agent", got)
	}
	sender, ok := got["ana@example.gov.co"]
	if !ok || !strings.Contains(sender.Subject, "No pudimos procesar su mensaje: FALLA en la impresora") ||
		!strings.Contains(sender.Body, "Cordial saludo, Ana Rojas:") ||
		!strings.Contains(sender.Body, "ocurrió un error al registrarlo") {
		t.Errorf("sender's notice = %+v", sender)
	}
	agent, ok := got["jgomez@example.gov.co"]
	if !ok || !strings.Contains(agent.Subject, "Mensaje en cuarentena: FALLA en la impresora") ||
		!strings.Contains(agent.Body, "Ana Rojas <ana@example.gov.co>") || !strings.Contains(agent.Body, "Motivo:") {
		t.Errorf("desk's notice = %+v", agent)
	}
	if n := e.count(`SELECT count(*) FROM tickets`); n != 0 {
		t.Errorf("%d tickets opened", n)
	}
}

// TestQuarantineStandsWhenTellingFails: when telling of a quarantine fails
// too, the message is still quarantined (untold) and the mailbox goes on.
func TestQuarantineStandsWhenTellingFails(t *testing.T) {
	e := newEnv(t)
	e.in.Service.Notifier = failOn{Notifier: e.in.Service.Notifier, marker: "FALLA"}
	e.in.Responder = failQuarantined{}
	out := e.deliver(mail("ana@example.gov.co", desk, "FALLA", "f2@example.gov.co", "", "x"))
	if !out.Quarantine {
		t.Fatalf("outcome = %+v, want quarantined", out)
	}
	if n := e.count(`SELECT count(*) FROM messages WHERE status = 'quarantined' AND raw IS NOT NULL`); n != 1 {
		t.Errorf("%d quarantined messages kept, want 1", n)
	}
}

// TestQuarantineOverALimitTellsSenderAndDesk: the reason names the sizes as
// people read them, in Spanish.
func TestQuarantineOverALimitTellsSenderAndDesk(t *testing.T) {
	e := newEnv(t)
	e.in.Limits = email.Limits{MaxBytes: 64 << 10}
	e.deliver(mail("ana@example.gov.co", desk, "Adjunto grande", "big2@example.gov.co", "", strings.Repeat("x", 100<<10)))
	got := e.quarantineNotices()
	for _, who := range []string{"ana@example.gov.co", "jgomez@example.gov.co"} {
		// Text parts are wrapped at 78 columns: compare the words.
		if n, ok := got[who]; !ok || !strings.Contains(strings.Join(strings.Fields(n.Body), " "), "la Mesa de Servicio recibe mensajes de hasta 64 KB") {
			t.Errorf("notice to %s = %+v", who, n)
		}
	}
	// A desk agent's own message over the limit: told once, as the desk.
	e.deliver(mail("jgomez@example.gov.co", desk, "Otro grande", "big3@example.gov.co", "", strings.Repeat("y", 100<<10)))
	if n := e.count(`SELECT count(*) FROM outbox WHERE kind = 'quarantined' AND recipient = 'jgomez@example.gov.co'`); n != 2 {
		t.Errorf("the desk agent got %d notices for two quarantined messages, want 2", n)
	}
}

// TestQuarantinedMachineMailTellsOnlyTheDesk: no notice goes back to a
// machine, or to a person who asked for no automatic answer.
func TestQuarantinedMachineMailTellsOnlyTheDesk(t *testing.T) {
	e := newEnv(t)
	e.in.Limits = email.Limits{MaxBytes: 8 << 10}
	e.deliver(mail("MAILER-DAEMON@mx.example.net", desk, "Undelivered Mail Returned to Sender", "bq1@example.net", "", strings.Repeat("x", 10<<10)))
	e.deliver(mail("luis@example.gov.co", desk, "Reunión", "bq2@example.gov.co", "X-Auto-Response-Suppress: All\r\n", strings.Repeat("x", 10<<10)))
	if n := e.count(`SELECT count(*) FROM outbox WHERE kind = 'quarantined' AND recipient <> 'jgomez@example.gov.co'`); n != 0 {
		t.Errorf("%d notices to the senders, want none", n)
	}
	if n := e.count(`SELECT count(*) FROM outbox WHERE kind = 'quarantined' AND recipient = 'jgomez@example.gov.co'`); n != 2 {
		t.Errorf("the desk got %d notices, want 2", n)
	}
}

// TestNoUsableFromTellsTheDesk: nobody to answer, but the desk knows.
func TestNoUsableFromTellsTheDesk(t *testing.T) {
	e := newEnv(t)
	out := e.deliver(mail("sin direccion", desk, "hola", "nf@example.gov.co", "", "texto"))
	if !out.Quarantine || out.Reason != "no usable From address" {
		t.Fatalf("outcome = %+v", out)
	}
	got := e.quarantineNotices()
	if n, ok := got["jgomez@example.gov.co"]; len(got) != 1 || !ok || !strings.Contains(n.Body, "sin una dirección válida") ||
		!strings.Contains(n.Body, "no trae una dirección de remitente válida") {
		t.Errorf("notices = %+v", got)
	}
}
