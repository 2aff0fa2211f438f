package mailin_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/ticketd/ticketd/mailin"
	"github.com/ticketd/ticketd/mailin/email"
	"github.com/ticketd/ticketd/mailin/imapin"
	"github.com/ticketd/ticketd/tickets/store"
)

// twoParts is a request with an attachment: three MIME parts.
func twoParts(msgID string) string {
	return "From: Ana <ana@example.gov.co>\r\nTo: " + desk + "\r\nSubject: Factura del equipo\r\nMessage-ID: <" + msgID + ">\r\n" +
		"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n" +
		"--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nAdjunto la factura.\r\n" +
		"--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=f.pdf\r\n\r\n%PDF\r\n--b--\r\n"
}

// quarantineOne delivers a message over a part limit and returns its row.
func (e *env) quarantineOne(msgID string) int64 {
	e.t.Helper()
	e.in.Limits = email.Limits{MaxParts: 2}
	if out := e.deliver(twoParts(msgID)); !out.Quarantine {
		e.t.Fatalf("not quarantined: %+v", out)
	}
	var id int64
	if err := e.db.Get(&id, `SELECT id FROM messages WHERE message_id = $1`, msgID); err != nil {
		e.t.Fatal(err)
	}
	return id
}

func TestReleaseProcessesAQuarantinedMessageOnce(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	id := e.quarantineOne("parts@example.gov.co")
	if n := e.count(`SELECT count(*) FROM tickets`); n != 0 {
		t.Fatalf("%d tickets before the release", n)
	}
	e.in.Limits = email.Limits{} // the limit was raised
	e.in.MailboxServices = map[string]string{"INBOX": "impresoras"}
	rel, err := e.in.Release(ctx, id, "jgomez@example.gov.co", "límite de partes aumentado")
	if err != nil {
		t.Fatal(err)
	}
	if rel.Outcome != "opened" || rel.TicketID == nil || *rel.TicketID != 1 {
		t.Errorf("release = %+v", rel)
	}
	if tk := e.ticket(1); tk.Requester != "ana@example.gov.co" || tk.Subject != "Factura del equipo" || tk.Service != "impresoras" {
		t.Errorf("ticket = %+v", tk.Ticket)
	}
	if n := e.count(`SELECT count(*) FROM attachments WHERE message_row = $1`, id); n != 1 {
		t.Errorf("%d attachments stored, want 1", n)
	}
	if n := e.count(`SELECT count(*) FROM outbox WHERE kind = 'opened_ack'`); n != 1 {
		t.Errorf("%d acknowledgements, want 1", n)
	}
	if n := e.count(`SELECT count(*) FROM mailbox_positions WHERE message_row = $1 AND quarantine`, id); n != 0 {
		t.Errorf("the IMAP position still says quarantined")
	}
	acts, err := store.QuarantineActions(ctx, e.db, id)
	if err != nil || len(acts) != 1 || acts[0].Action != "released" || acts[0].Actor != "jgomez@example.gov.co" ||
		acts[0].Outcome != "opened" || !strings.Contains(acts[0].PrevReason, "MIME parts") {
		t.Errorf("record = %+v, %v", acts, err)
	}

	// Again: nothing to release, nothing doubled.
	if _, err := e.in.Release(ctx, id, "jgomez@example.gov.co", ""); !errors.Is(err, store.ErrNotQuarantined) {
		t.Errorf("second release: %v, want ErrNotQuarantined", err)
	}
	// The same message delivered again is a duplicate of a processed one.
	if out := e.deliver(twoParts("parts@example.gov.co")); out.Quarantine {
		t.Errorf("redelivery after release: %+v", out)
	}
	if n := e.count(`SELECT count(*) FROM tickets`); n != 1 {
		t.Errorf("%d tickets, want 1", n)
	}
}

// Two replicas (two intakes on one database) release the same message at
// once: one processes it, the other is told it is no longer in quarantine.
func TestReleaseByTwoReplicasIsExactlyOnce(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	id := e.quarantineOne("race@example.gov.co")
	e.in.Limits = email.Limits{}
	second := *e.in
	intakes := []*mailin.Intake{e.in, &second}
	errs := make([]error, 2)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range intakes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, errs[i] = intakes[i].Release(ctx, id, "jgomez@example.gov.co", "")
		}()
	}
	close(start)
	wg.Wait()
	ok, gone := 0, 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case errors.Is(err, store.ErrNotQuarantined):
			gone++
		default:
			t.Errorf("release: %v", err)
		}
	}
	if ok != 1 || gone != 1 {
		t.Errorf("%d releases succeeded and %d found it gone, want 1 and 1", ok, gone)
	}
	if n := e.count(`SELECT count(*) FROM tickets`); n != 1 {
		t.Errorf("%d tickets, want 1", n)
	}
	if n := e.count(`SELECT count(*) FROM quarantine_actions WHERE message_row = $1`, id); n != 1 {
		t.Errorf("%d releases on record, want 1", n)
	}
}

func TestReleaseThatFailsAgainStaysQuarantinedAndSenderIsToldOnce(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	id := e.quarantineOne("again@example.gov.co")
	e.in.Limits = email.Limits{MaxParts: 1} // lowered instead
	rel, err := e.in.Release(ctx, id, "jgomez@example.gov.co", "")
	if err != nil {
		t.Fatal(err)
	}
	if rel.Outcome != "quarantined" || !strings.Contains(rel.Reason, "more than 1 MIME parts") {
		t.Errorf("release = %+v", rel)
	}
	var m store.Message
	if m, err = store.GetMessage(ctx, e.db, id); err != nil || m.Status != store.StatusQuarantined || m.Reason != rel.Reason {
		t.Errorf("message = %s %q, %v", m.Status, m.Reason, err)
	}
	if n := e.count(`SELECT count(*) FROM outbox WHERE kind = 'quarantined' AND recipient = 'ana@example.gov.co'`); n != 1 {
		t.Errorf("sender told %d times, want once", n)
	}
	if n := e.count(`SELECT count(*) FROM outbox WHERE kind = 'quarantined' AND recipient = 'jgomez@example.gov.co'`); n != 1 {
		t.Errorf("the desk told %d times, want once", n)
	}
	// Still in quarantine: it can be released again.
	e.in.Limits = email.Limits{}
	if rel, err := e.in.Release(ctx, id, "jgomez@example.gov.co", ""); err != nil || rel.Outcome != "opened" {
		t.Errorf("second release = %+v, %v", rel, err)
	}
}

func TestDiscardKeepsTheReasonAndEndsTheQuarantine(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	id := e.quarantineOne("spam@example.gov.co")
	if err := e.in.Discard(ctx, id, "jgomez@example.gov.co", ""); err == nil {
		t.Errorf("a discard without a reason was accepted")
	}
	if err := e.in.Discard(ctx, id, "jgomez@example.gov.co", "publicidad"); err != nil {
		t.Fatal(err)
	}
	m, err := store.GetMessage(ctx, e.db, id)
	if err != nil || m.Status != store.StatusDiscarded {
		t.Errorf("status = %q, %v", m.Status, err)
	}
	acts, _ := store.QuarantineActions(ctx, e.db, id)
	if len(acts) != 1 || acts[0].Action != "discarded" || acts[0].Note != "publicidad" {
		t.Errorf("record = %+v", acts)
	}
	if _, err := e.in.Release(ctx, id, "jgomez@example.gov.co", ""); !errors.Is(err, store.ErrNotQuarantined) {
		t.Errorf("release of a discarded message: %v", err)
	}
	if err := e.in.Discard(ctx, id, "jgomez@example.gov.co", "otra vez"); !errors.Is(err, store.ErrNotQuarantined) {
		t.Errorf("second discard: %v", err)
	}
	if _, err := e.in.Release(ctx, 9999, "jgomez@example.gov.co", ""); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("release of no message: %v", err)
	}
	if n := e.count(`SELECT count(*) FROM tickets`); n != 0 {
		t.Errorf("a discarded message opened a ticket")
	}
}

// A message fetched header-only (over the size limit) cannot be released
// from the database: its body was never stored.
func TestReleaseRefusesAHeaderOnlyMessage(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	header := "From: ana@example.gov.co\r\nTo: " + desk + "\r\nSubject: Grande\r\nMessage-ID: <huge@example.gov.co>\r\n\r\n"
	out, err := e.in.Handle(ctx, []imapin.Fetched{{Account: "default", Mailbox: "INBOX", UIDValidity: 7, UID: 1,
		Size: 50 << 20, Raw: []byte(header), TooBig: true}})
	if err != nil || !out[0].Quarantine {
		t.Fatalf("Handle: %+v %v", out, err)
	}
	var id int64
	e.db.Get(&id, `SELECT id FROM messages WHERE message_id = 'huge@example.gov.co'`)
	if _, err := e.in.Release(ctx, id, "jgomez@example.gov.co", ""); !errors.Is(err, mailin.ErrHeaderOnly) {
		t.Errorf("release: %v, want ErrHeaderOnly", err)
	}
	if n := e.count(`SELECT count(*) FROM messages WHERE id = $1 AND status = 'quarantined'`, id); n != 1 {
		t.Errorf("the refused release changed the message")
	}
}
