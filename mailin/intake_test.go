package mailin_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/ticketd/ticketd/internal/pgtest"
	"github.com/ticketd/ticketd/internal/replytoken"
	"github.com/ticketd/ticketd/mailin"
	"github.com/ticketd/ticketd/mailin/email"
	"github.com/ticketd/ticketd/mailin/imapin"
	"github.com/ticketd/ticketd/mailout"
	"github.com/ticketd/ticketd/tickets"
	"github.com/ticketd/ticketd/tickets/service"
	"github.com/ticketd/ticketd/tickets/store"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

const desk = "soporte.oti@example.gov.co"

var roster = &tickets.Roster{
	People: []tickets.Person{
		{Email: "jgomez@example.gov.co", Name: "Juan Gómez", Role: tickets.RoleDesk, Levels: []tickets.Level{1}, Alias: "jgomez", Language: "es"},
		{Email: "lperez@example.gov.co", Name: "Luis Pérez", Role: tickets.RoleSpecialist, Levels: []tickets.Level{2}, Alias: "lperez", Language: "es"},
		{Email: "soporte@proveedor.example.com", Name: "Proveedor", Role: tickets.RoleProvider, Levels: []tickets.Level{2, 3}, Alias: "proveedor1", Language: "en"},
	},
	Services: []tickets.Service{{Name: "impresoras", Keywords: []string{"impresora"}, Level: 2, Assignee: "lperez"}},
}

type env struct {
	t      testing.TB
	db     *sqlx.DB
	in     *mailin.Intake
	signer *replytoken.Signer
	uid    atomic.Uint32
}

func newEnv(t testing.TB) *env {
	db := pgtest.New(t)
	r, err := mailout.NewRenderer("")
	if err != nil {
		t.Fatal(err)
	}
	signer, err := replytoken.NewSigner([]replytoken.Key{{ID: 1, Secret: []byte(strings.Repeat("k", 32))}}, 0)
	if err != nil {
		t.Fatal(err)
	}
	n := &mailout.Notifier{Renderer: r, Roster: roster, Desk: mailout.DeskInfo{Name: "Mesa", Address: desk}, Tag: "OTI",
		Signer: signer, MaxPerHour: 20, MaxPerDay: 100}
	svc := &service.Service{DB: db, Roster: roster, Notifier: n, Tag: "OTI", Lang: "es"}
	in := &mailin.Intake{Service: svc, Responder: n, Signer: signer, DeskAddress: desk, RequireVerified: true,
		TrustedAuthserv: "mx.example.gov.co"}
	return &env{t: t, db: db, in: in, signer: signer}
}

// deliver hands raw mail to the intake as the IMAP poller would.
func (e *env) deliver(raw string) imapin.Outcome {
	e.t.Helper()
	uid := e.uid.Add(1)
	out, err := e.in.Handle(context.Background(), []imapin.Fetched{{Account: "default", Mailbox: "INBOX", UIDValidity: 7, UID: uid,
		Size: int64(len(raw)), Raw: []byte(raw)}})
	if err != nil || len(out) != 1 {
		e.t.Fatalf("Handle: %v %v", out, err)
	}
	return out[0]
}

func (e *env) count(q string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.db.Get(&n, q, args...); err != nil {
		e.t.Fatal(err)
	}
	return n
}

func (e *env) ticket(id int64) store.Ticket {
	e.t.Helper()
	t, err := store.GetTicket(context.Background(), e.db, id)
	if err != nil {
		e.t.Fatal(err)
	}
	return t
}

// replyAddr is the reply-token address a notification to who carries.
func (e *env) replyAddr(id int64, who string) string {
	a, err := replytoken.Address(desk, e.signer.Sign(id, who, time.Now()))
	if err != nil {
		e.t.Fatal(err)
	}
	return a
}

func mail(from, to, subject, msgID, extra, body string) string {
	return fmt.Sprintf("From: %s\r\nTo: %s\r\nSubject: %s\r\nMessage-ID: <%s>\r\nDate: Mon, 02 Mar 2026 10:00:00 -0500\r\n%sMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n",
		from, to, subject, msgID, extra, body)
}

func (e *env) open() int64 {
	e.t.Helper()
	e.deliver(mail("Ana <ana@example.gov.co>", desk, "=?ISO-8859-1?Q?Ay=FAdame=2C_no_enciende?=", "req1@example.gov.co", "", "Mi equipo no enciende."))
	return 1
}

func TestNewRequestOpensATicketAndAcknowledges(t *testing.T) {
	e := newEnv(t)
	out := e.deliver(mail("Ana <ana@example.gov.co>", desk, "=?ISO-8859-1?Q?Ay=FAdame=2C_no_enciende?=", "req1@example.gov.co", "", "Mi equipo no enciende."))
	if out.Quarantine {
		t.Fatalf("quarantined: %s", out.Reason)
	}
	tk := e.ticket(1)
	if tk.Subject != "Ayúdame, no enciende" || tk.Requester != "ana@example.gov.co" || tk.State != tickets.StateNew {
		t.Errorf("ticket = %+v", tk)
	}
	var ack store.Outgoing
	if err := e.db.Get(&ack, `SELECT o.kind, o.reply_to, o.auto_submitted, m.in_reply_to, m.subject FROM outbox o JOIN messages m ON m.id = o.message_row
		WHERE o.recipient = 'ana@example.gov.co'`); err != nil {
		t.Fatalf("no acknowledgement queued: %v", err)
	}
	if ack.Kind != "opened_ack" || ack.AutoSubmitted != "auto-replied" || ack.InReplyTo != "req1@example.gov.co" ||
		!strings.Contains(ack.Subject, "[OTI-1]") || !strings.HasPrefix(ack.ReplyTo, "soporte.oti+") {
		t.Errorf("ack = %+v", ack)
	}
	if n := e.count(`SELECT count(*) FROM outbox WHERE kind = 'opened_desk'`); n != 1 {
		t.Errorf("%d desk notices, want 1 (one desk agent)", n)
	}
}

func TestSameMessageTwiceIsOneTicket(t *testing.T) {
	e := newEnv(t)
	raw := mail("ana@example.gov.co", desk, "Hola", "dup@example.gov.co", "", "texto")
	e.deliver(raw)
	e.deliver(raw) // a redelivery at another UID, or a second mailbox
	// The same position again (a crash before the move).
	out, err := e.in.Handle(context.Background(), []imapin.Fetched{{Account: "default", Mailbox: "INBOX", UIDValidity: 7, UID: 1, Raw: []byte(raw)}})
	if err != nil || out[0].Quarantine {
		t.Fatal(out, err)
	}
	if n := e.count(`SELECT count(*) FROM tickets`); n != 1 {
		t.Errorf("%d tickets, want 1", n)
	}
	if n := e.count(`SELECT count(*) FROM outbox WHERE kind = 'opened_ack'`); n != 1 {
		t.Errorf("%d acknowledgements, want 1", n)
	}
	// A different message reusing the Message-ID is a different message.
	e.deliver(mail("ana@example.gov.co", desk, "Otra cosa", "dup@example.gov.co", "", "otro texto"))
	if n := e.count(`SELECT count(*) FROM tickets`); n != 2 {
		t.Errorf("%d tickets after a reused Message-ID, want 2", n)
	}
}

func TestReplyByThreadIsAComment(t *testing.T) {
	e := newEnv(t)
	e.open()
	e.deliver(mail("ana@example.gov.co", desk, "Re: Ayúdame", "r1@example.gov.co", "In-Reply-To: <req1@example.gov.co>\r\n",
		"Ya probé reiniciar.\r\n\r\nEl lun, 2 mar 2026 a las 10:00, Mesa <soporte.oti@example.gov.co> escribió:\r\n> texto citado\r\n"))
	var body string
	e.db.Get(&body, `SELECT note FROM events WHERE kind = 'commented'`)
	if body != "Ya probé reiniciar." {
		t.Errorf("comment = %q, want the trimmed reply", body)
	}
	if n := e.count(`SELECT count(*) FROM tickets`); n != 1 {
		t.Errorf("%d tickets", n)
	}
}

func TestCommandsWithAReplyTokenRun(t *testing.T) {
	e := newEnv(t)
	id := e.open()
	to := e.replyAddr(id, "jgomez@example.gov.co")
	e.deliver(mail("Juan <jgomez@example.gov.co>", to, "Re: [OTI-1]", "c1@example.gov.co", "",
		"#Nivel 2\r\n#ASIGNAR lperez\r\nRevisar la fuente de poder.\r\n\r\nEnviado desde mi iPhone"))
	tk := e.ticket(id)
	if tk.State != tickets.StateInProgress || tk.Level != 2 || tk.Assignee != "lperez@example.gov.co" {
		t.Fatalf("ticket = %s L%d %q", tk.State, tk.Level, tk.Assignee)
	}
	if n := e.count(`SELECT count(*) FROM outbox WHERE kind = 'command_result' AND recipient = 'jgomez@example.gov.co'`); n != 1 {
		t.Errorf("%d command results to the sender, want 1", n)
	}
	if n := e.count(`SELECT count(*) FROM outbox WHERE kind = 'case_assigned' AND recipient = 'lperez@example.gov.co'`); n < 1 {
		t.Errorf("the specialist was not given the case")
	}
	// The rest of the message is the instructions for the new assignee:
	// on the assignment's record, not a comment mailed to the requester.
	var note string
	e.db.Get(&note, `SELECT note FROM events WHERE kind = 'assigned'`)
	if note != "Revisar la fuente de poder." {
		t.Errorf("assignment note = %q", note)
	}
	if n := e.count(`SELECT count(*) FROM events WHERE kind = 'commented'`); n != 0 {
		t.Errorf("the instructions became %d public comments", n)
	}
	if n := e.count(`SELECT count(*) FROM outbox WHERE kind = 'level_changed' AND recipient = 'ana@example.gov.co'`); n != 1 {
		t.Errorf("the requester was told %d times of one email's changes, want once", n)
	}
	var body string
	e.db.Get(&body, `SELECT m.body FROM outbox o JOIN messages m ON m.id = o.message_row WHERE o.kind = 'case_assigned'`)
	if !strings.Contains(body, "Revisar la fuente de poder.") {
		t.Errorf("the assignee's notice lacks the instructions:\n%s", body)
	}
}

// TestForgedFromIsNotObeyed: a specialist's From with no token and no
// trusted authentication result changes nothing.
func TestForgedFromIsNotObeyed(t *testing.T) {
	e := newEnv(t)
	id := e.open()
	e.deliver(mail("jgomez@example.gov.co", desk, "Re: [OTI-1] Ayúdame", "f1@evil.example",
		"In-Reply-To: <req1@example.gov.co>\r\nReply-To: "+e.replyAddr(id, "jgomez@example.gov.co")+"\r\nAuthentication-Results: mx.evil.example; dkim=pass header.d=example.gov.co; dmarc=pass header.from=example.gov.co\r\n",
		"#nivel 2\r\n#cerrar"))
	tk := e.ticket(id)
	if tk.State != tickets.StateNew {
		t.Errorf("a forged command changed the ticket: %s", tk.State)
	}
	if n := e.count(`SELECT count(*) FROM events WHERE kind = 'command_refused'`); n != 1 {
		t.Errorf("%d refusals on record, want 1", n)
	}
	// The text stays on record, internal: it claims to be a desk agent's
	// and must not go out to the requester from the desk's address.
	if n := e.count(`SELECT count(*) FROM events WHERE kind = 'commented'`); n != 0 {
		t.Errorf("a forged text became a public comment")
	}
	if n := e.count(`SELECT count(*) FROM events WHERE kind = 'command_refused' AND public = false AND note LIKE '%#cerrar%'`); n != 1 {
		t.Errorf("the forged text is not on record")
	}
	if n := e.count(`SELECT count(*) FROM outbox WHERE recipient = 'ana@example.gov.co' AND kind <> 'opened_ack'`); n != 0 {
		t.Errorf("the requester was mailed %d times about a forged message", n)
	}
	var body string
	e.db.Get(&body, `SELECT m.body FROM outbox o JOIN messages m ON m.id = o.message_row WHERE o.kind = 'command_result'`)
	if !strings.Contains(body, "No aplicado") {
		t.Errorf("the sender was not told: %q", body)
	}
}

// TestForgedCommentOfADeskAgent: with no command at all, a desk agent's
// forged From still does not speak to the requester through the desk.
func TestForgedCommentOfADeskAgent(t *testing.T) {
	e := newEnv(t)
	e.open()
	e.deliver(mail("jgomez@example.gov.co", desk, "Re: [OTI-1]", "p1@evil.example", "In-Reply-To: <req1@example.gov.co>\r\n",
		"Para continuar, confirme su clave en http://evil.example"))
	if n := e.count(`SELECT count(*) FROM events WHERE kind = 'commented'`); n != 0 {
		t.Errorf("a forged desk comment was posted")
	}
	if n := e.count(`SELECT count(*) FROM outbox WHERE recipient = 'ana@example.gov.co' AND kind <> 'opened_ack'`); n != 0 {
		t.Errorf("the requester was mailed a forged desk comment")
	}
	if n := e.count(`SELECT count(*) FROM outbox WHERE recipient = 'jgomez@example.gov.co' AND kind = 'command_result'`); n != 1 {
		t.Errorf("the desk agent was not told their message was not posted")
	}
}

// TestRefusedCarrierKeepsItsTextInternal: the instructions meant for an
// assignee whose assignment was refused never reach the requester.
func TestRefusedCarrierKeepsItsTextInternal(t *testing.T) {
	e := newEnv(t)
	id := e.open()
	e.deliver(mail("jgomez@example.gov.co", e.replyAddr(id, "jgomez@example.gov.co"), "Re", "c2@example.gov.co", "",
		"#nivel 2\r\n#asignar jprez\r\nLa clave del administrador es 1234."))
	if n := e.count(`SELECT count(*) FROM events WHERE kind = 'commented'`); n != 0 {
		t.Errorf("the instructions became a public comment")
	}
	if n := e.count(`SELECT count(*) FROM events WHERE kind = 'noted' AND public = false AND note LIKE '%1234%'`); n != 1 {
		t.Errorf("the instructions are not on record as an internal note")
	}
}

func TestTrustedAuthenticationResultsVouch(t *testing.T) {
	e := newEnv(t)
	id := e.open()
	e.deliver(mail("jgomez@example.gov.co", desk, "Re: Ayúdame", "a1@example.gov.co",
		"In-Reply-To: <req1@example.gov.co>\r\nAuthentication-Results: mx.example.gov.co; dkim=pass header.d=example.gov.co; dmarc=pass header.from=example.gov.co\r\n",
		"#nivel 1"))
	if tk := e.ticket(id); tk.State != tickets.StateInProgress {
		t.Errorf("a DKIM/DMARC-verified command did not run: %s", tk.State)
	}
}

func TestBadTokensAreRefused(t *testing.T) {
	for _, tc := range []struct {
		name string
		addr func(e *env) string
	}{
		{"token of another ticket", func(e *env) string { return e.replyAddr(2, "jgomez@example.gov.co") }},
		{"token of another person", func(e *env) string { return e.replyAddr(1, "lperez@example.gov.co") }},
		{"expired token", func(e *env) string {
			a, _ := replytoken.Address(desk, e.signer.Sign(1, "jgomez@example.gov.co", time.Now().Add(-100*24*time.Hour)))
			return a
		}},
		{"tampered token", func(e *env) string {
			a := e.replyAddr(1, "jgomez@example.gov.co")
			i := strings.IndexByte(a, '+') + 3
			b := []byte(a)
			b[i] = map[bool]byte{true: 'a', false: 'b'}[b[i] != 'a']
			return string(b)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			e.open()
			e.deliver(mail("ana2@example.gov.co", desk, "Otro caso", "req2@example.gov.co", "", "segundo"))
			e.deliver(mail("jgomez@example.gov.co", tc.addr(e), "Re: [OTI-1]", "x@example.gov.co", "In-Reply-To: <req1@example.gov.co>\r\n", "#nivel 2"))
			if tk := e.ticket(1); tk.State != tickets.StateNew {
				t.Errorf("ticket 1 changed: %s", tk.State)
			}
			if tk := e.ticket(2); tk.State != tickets.StateNew {
				t.Errorf("ticket 2 changed: %s", tk.State)
			}
			if n := e.count(`SELECT count(*) FROM events WHERE kind = 'command_refused'`); n != 1 {
				t.Errorf("%d refusals, want 1", n)
			}
		})
	}
}

// TestARefusedCommandStopsAll: a roster person's commands run all or none,
// and the answer says which line failed and that the others did not run.
func TestARefusedCommandStopsAll(t *testing.T) {
	e := newEnv(t)
	id := e.open()
	e.deliver(mail("jgomez@example.gov.co", e.replyAddr(id, "jgomez@example.gov.co"), "Re", "c@example.gov.co", "",
		"#nivel 1\r\n#escalar nivel 9\r\n#resolver listo"))
	tk := e.ticket(id)
	if tk.State != tickets.StateNew || tk.Level != 1 {
		t.Errorf("ticket = %s L%d; no command should have run", tk.State, tk.Level)
	}
	var body string
	e.db.Get(&body, `SELECT m.body FROM outbox o JOIN messages m ON m.id = o.message_row WHERE o.kind = 'command_result'`)
	if strings.Count(body, "[Aplicado]") != 0 || strings.Count(body, "[No aplicado]") != 3 || !strings.Contains(body, "el nivel 9 no existe") {
		t.Errorf("command result:\n%s", body)
	}
}

func TestOutsiderCommandsAreRefused(t *testing.T) {
	e := newEnv(t)
	id := e.open()
	e.deliver(mail("intruso@example.com", e.replyAddr(id, "intruso@example.com"), "Re: [OTI-1]", "o@example.com", "", "#cerrar\r\nhola"))
	if n := e.count(`SELECT count(*) FROM events WHERE kind = 'command_refused'`); n != 1 {
		t.Errorf("%d refusals", n)
	}
	if n := e.count(`SELECT count(*) FROM events WHERE kind = 'commented'`); n != 1 {
		t.Errorf("outsider's text not kept as a comment")
	}
}

func TestAutoReplyIsAnInternalNote(t *testing.T) {
	e := newEnv(t)
	e.open()
	before := e.count(`SELECT count(*) FROM outbox`)
	e.deliver(mail("ana@example.gov.co", desk, "Respuesta automática: Fuera de la oficina", "oof@example.gov.co",
		"In-Reply-To: <req1@example.gov.co>\r\nAuto-Submitted: auto-replied\r\n", "Estoy de vacaciones.\r\n#cerrar"))
	if n := e.count(`SELECT count(*) FROM tickets`); n != 1 {
		t.Errorf("an auto-reply opened a ticket")
	}
	if n := e.count(`SELECT count(*) FROM events WHERE kind = 'noted' AND public = false`); n != 1 {
		t.Errorf("auto-reply not kept as an internal note")
	}
	if after := e.count(`SELECT count(*) FROM outbox`); after != before {
		t.Errorf("an auto-reply caused %d notifications", after-before)
	}
	// An auto-reply that answers nothing opens nothing.
	e.deliver(mail("robot@example.com", desk, "Out of office", "oof2@example.com", "Auto-Submitted: auto-replied\r\n", "away"))
	if n := e.count(`SELECT count(*) FROM tickets`); n != 1 {
		t.Errorf("an auto-reply opened a ticket")
	}
}

func TestOurOwnMailComingBackIsALoop(t *testing.T) {
	e := newEnv(t)
	e.deliver(mail(desk, desk, "[OTI-1] Hemos recibido su solicitud", "loop@example.gov.co", "X-Ticketd-Loop: "+desk+"\r\n", "hola"))
	if n := e.count(`SELECT count(*) FROM tickets`); n != 0 {
		t.Errorf("our own mail opened a ticket")
	}
}

func TestOversizedMessageIsQuarantinedAndSenderToldOnce(t *testing.T) {
	e := newEnv(t)
	e.in.Limits = email.Limits{MaxBytes: 64 << 10}
	big := mail("ana@example.gov.co", desk, "Adjunto grande", "big@example.gov.co", "", strings.Repeat("x", 100<<10))
	out := e.deliver(big)
	if !out.Quarantine || !strings.Contains(out.Reason, "limit") {
		t.Fatalf("outcome = %+v", out)
	}
	e.deliver(big)
	if n := e.count(`SELECT count(*) FROM outbox WHERE kind = 'quarantined' AND recipient = 'ana@example.gov.co'`); n != 1 {
		t.Errorf("sender told %d times, want once", n)
	}
	if n := e.count(`SELECT count(*) FROM messages WHERE status = 'quarantined' AND raw IS NOT NULL`); n != 1 {
		t.Errorf("quarantined message not kept")
	}
}

func TestReplyToClosedTicketOpensALinkedOne(t *testing.T) {
	e := newEnv(t)
	id := e.open()
	ctx := context.Background()
	jg := tickets.ActorOf(roster.People[0])
	for _, c := range []tickets.Command{{Kind: tickets.CmdClassify, Level: 1}, {Kind: tickets.CmdResolve}, {Kind: tickets.CmdClose}} {
		if _, _, err := e.in.Service.Apply(ctx, id, c, jg); err != nil {
			t.Fatal(err)
		}
	}
	e.deliver(mail("ana@example.gov.co", desk, "Re: Ayúdame", "again@example.gov.co", "In-Reply-To: <req1@example.gov.co>\r\n", "Volvió a fallar."))
	tk := e.ticket(2)
	if tk.LinkedTo != id || tk.State != tickets.StateNew {
		t.Errorf("new ticket = %+v", tk.Ticket)
	}
	var body string
	e.db.Get(&body, `SELECT m.body FROM outbox o JOIN messages m ON m.id = o.message_row WHERE o.kind = 'opened_ack' AND o.ticket_id = 2`)
	if !strings.Contains(body, "OTI-1") {
		t.Errorf("the acknowledgement does not name the closed ticket:\n%s", body)
	}
}

func TestSubjectTagNeedsAParticipant(t *testing.T) {
	e := newEnv(t)
	e.open()
	e.deliver(mail("ana@example.gov.co", desk, "Re: [OTI-1] algo", "s1@example.gov.co", "", "de la solicitante"))
	e.deliver(mail("extra@example.com", desk, "[OTI-1] adivino el número", "s2@example.com", "", "de un extraño"))
	if n := e.count(`SELECT count(*) FROM tickets`); n != 2 {
		t.Errorf("%d tickets, want 2: a stranger guessing the tag opens a new ticket", n)
	}
	if n := e.count(`SELECT count(*) FROM events WHERE kind = 'commented' AND ticket_id = 1`); n != 1 {
		t.Errorf("the requester's tagged reply is not a comment")
	}
}

func TestBounceIsRecordedAsDeliveryFailure(t *testing.T) {
	e := newEnv(t)
	e.open()
	var ackID string
	e.db.Get(&ackID, `SELECT m.message_id FROM outbox o JOIN messages m ON m.id = o.message_row WHERE o.kind = 'opened_ack'`)
	dsn := "From: MAILER-DAEMON@example.gov.co\r\nTo: " + desk + "\r\nSubject: Undelivered Mail Returned to Sender\r\nMessage-ID: <b1@example.gov.co>\r\n" +
		"MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n" +
		"--B\r\nContent-Type: text/plain\r\n\r\nCould not deliver.\r\n" +
		"--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.gov.co\r\n\r\nFinal-Recipient: rfc822; ana@example.gov.co\r\nAction: failed\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 no such user\r\n" +
		"--B\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <" + ackID + ">\r\nSubject: x\r\n" +
		"--B--\r\n"
	e.deliver(dsn)
	if n := e.count(`SELECT count(*) FROM events WHERE kind = 'delivery_failed' AND ticket_id = 1`); n != 1 {
		t.Errorf("bounce not recorded on the ticket")
	}
	if n := e.count(`SELECT count(*) FROM tickets`); n != 1 {
		t.Errorf("a bounce opened a ticket")
	}
	if n := e.count(`SELECT count(*) FROM outbox WHERE kind = 'delivery_failed'`); n != 1 {
		t.Errorf("the desk was not told of the bounce")
	}
}

func TestBatchWithABadMessageFallsBackToOneAtATime(t *testing.T) {
	e := newEnv(t)
	var batch []imapin.Fetched
	for i := 1; i <= 5; i++ {
		raw := mail(fmt.Sprintf("u%d@example.gov.co", i), desk, fmt.Sprintf("Caso %d", i), fmt.Sprintf("b%d@example.gov.co", i), "", "texto")
		if i == 3 {
			raw = "From: u3@example.gov.co\r\nSubject: \x00\xff\r\nContent-Type: multipart/mixed; boundary=\"x\"\r\n\r\n--x\r\n" // broken, still processed
		}
		batch = append(batch, imapin.Fetched{Account: "default", Mailbox: "INBOX", UIDValidity: 1, UID: uint32(i), Raw: []byte(raw)})
	}
	out, err := e.in.Handle(context.Background(), batch)
	if err != nil || len(out) != 5 {
		t.Fatal(out, err)
	}
	if n := e.count(`SELECT count(*) FROM mailbox_positions`); n != 5 {
		t.Errorf("%d positions recorded, want 5", n)
	}
	if n := e.count(`SELECT last_uid FROM mailbox_state`); n != 5 {
		t.Errorf("cursor = %d, want 5", n)
	}
	if c, _ := e.in.Cursor(context.Background(), "default", "INBOX", 1); c != 5 {
		t.Errorf("Cursor = %d", c)
	}
	if c, _ := e.in.Cursor(context.Background(), "default", "INBOX", 2); c != 0 {
		t.Errorf("Cursor after a UIDVALIDITY change = %d, want 0", c)
	}
}

type serviceOpen = service.OpenRequest

// TestRequesterReplyToResolvedTicket: a plain reply from the requester to a
// resolved ticket is a comment and the desk is told, because activity 11 is
// the desk's decision; the ticket stays resolved.
func TestRequesterReplyToResolvedTicket(t *testing.T) {
	e := newEnv(t)
	id := e.open()
	jg := tickets.ActorOf(roster.People[0])
	for _, c := range []tickets.Command{{Kind: tickets.CmdClassify, Level: 1}, {Kind: tickets.CmdResolve, Text: "listo"}} {
		if _, _, err := e.in.Service.Apply(context.Background(), id, c, jg); err != nil {
			t.Fatal(err)
		}
	}
	e.deliver(mail("ana@example.gov.co", desk, "Re: resuelto", "rr@example.gov.co", "In-Reply-To: <req1@example.gov.co>\r\n", "Gracias, pero tengo una duda."))
	if tk := e.ticket(id); tk.State != tickets.StateResolved {
		t.Errorf("state = %s, want resuelto", tk.State)
	}
	if n := e.count(`SELECT count(*) FROM outbox WHERE kind = 'comment_on_resolved' AND recipient = 'jgomez@example.gov.co'`); n != 1 {
		t.Errorf("the desk was told %d times, want once", n)
	}
}

// TestHTMLOnlyReplyIsTrimmed: an Outlook HTML reply keeps only the new part.
func TestHTMLOnlyReplyIsTrimmed(t *testing.T) {
	e := newEnv(t)
	e.open()
	html := "<html><body><div>Ya funciona, gracias.</div><div id=\"divRplyFwdMsg\"><b>De:</b> Mesa<br><b>Enviado:</b> lunes<br>" +
		"#cerrar</div><div>texto citado</div></body></html>"
	raw := "From: ana@example.gov.co\r\nTo: " + desk + "\r\nSubject: RE: x\r\nMessage-ID: <h1@example.gov.co>\r\nIn-Reply-To: <req1@example.gov.co>\r\n" +
		"MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + html + "\r\n"
	e.deliver(raw)
	var note string
	e.db.Get(&note, `SELECT note FROM events WHERE kind = 'commented'`)
	if note != "Ya funciona, gracias." {
		t.Errorf("comment = %q", note)
	}
	if n := e.count(`SELECT count(*) FROM events WHERE kind = 'command_refused'`); n != 0 {
		t.Errorf("a command inside the quoted HTML was read")
	}
}

// TestSameMessageThroughTwoServersIsOneTicket: a message delivered twice
// differs in the trace fields each server adds; it is still one ticket.
func TestSameMessageThroughTwoServersIsOneTicket(t *testing.T) {
	e := newEnv(t)
	raw := mail("ana@example.gov.co", desk, "Hola", "twice@example.gov.co", "", "texto")
	e.deliver("Return-Path: <ana@example.gov.co>\r\nDelivered-To: soporte.oti@example.gov.co\r\nReceived: from a by mx1;\r\n\tMon, 2 Mar 2026\r\n" + raw)
	e.deliver("Delivered-To: mesa@example.gov.co\r\nReceived: from a by mx2; Mon, 2 Mar 2026\r\nX-Original-To: mesa@example.gov.co\r\n" + raw)
	if n := e.count(`SELECT count(*) FROM tickets`); n != 1 {
		t.Errorf("%d tickets, want 1", n)
	}
	// A reused Message-ID with another body is still another message.
	e.deliver("Received: from a by mx1\r\n" + strings.Replace(raw, "texto", "otro", 1))
	if n := e.count(`SELECT count(*) FROM tickets`); n != 2 {
		t.Errorf("%d tickets, want 2", n)
	}
}

// TestUnusualMessageIDTwiceIsOneTicket: a Message-ID the raw scan does not
// take as it is (here a comment after it) still keys the stored row the
// way redeliveries are looked up, so the same message again, alone or
// twice in one batch, is a duplicate and not a second ticket or a
// quarantine; the acknowledgement still answers the parsed id.
func TestUnusualMessageIDTwiceIsOneTicket(t *testing.T) {
	e := newEnv(t)
	raw := func(id, subject string) []byte {
		return []byte("From: Ana <ana@example.gov.co>\r\nTo: " + desk + "\r\nSubject: " + subject + "\r\nMessage-ID: <" + id +
			"> (enviado desde la sede norte)\r\nDate: Mon, 02 Mar 2026 10:00:00 -0500\r\nMIME-Version: 1.0\r\n" +
			"Content-Type: text/plain; charset=utf-8\r\n\r\nLa impresora no imprime.\r\n")
	}
	handle := func(raws ...[]byte) []imapin.Outcome {
		t.Helper()
		var batch []imapin.Fetched
		for _, r := range raws {
			batch = append(batch, imapin.Fetched{Account: "default", Mailbox: "INBOX", UIDValidity: 7, UID: e.uid.Add(1), Size: int64(len(r)), Raw: r})
		}
		out, err := e.in.Handle(context.Background(), batch)
		if err != nil || len(out) != len(raws) {
			t.Fatalf("Handle: %v %v", out, err)
		}
		for _, o := range out {
			if o.Quarantine {
				t.Fatalf("quarantined: %s", o.Reason)
			}
		}
		return out
	}
	first := raw("odd1@example.gov.co", "Impresora")
	handle(first)
	handle(first) // a redelivery at another UID
	second := raw("odd2@example.gov.co", "Escáner")
	handle(second, second) // twice in one batch
	if n := e.count(`SELECT count(*) FROM tickets`); n != 2 {
		t.Errorf("%d tickets, want 2", n)
	}
	if n := e.count(`SELECT count(*) FROM messages WHERE direction = 'in'`); n != 2 {
		t.Errorf("%d inbound rows, want 2", n)
	}
	if n := e.count(`SELECT count(*) FROM outbox o JOIN messages m ON m.id = o.message_row
		WHERE o.kind = 'opened_ack' AND m.in_reply_to = 'odd1@example.gov.co'`); n != 1 {
		t.Errorf("%d acknowledgements answering odd1@example.gov.co, want 1", n)
	}
}

// TestSignatureAfterCommandsIsNoComment: what is left of a reply once its
// command lines are out is, often, the sender's signature alone; it is not
// sent on to the requester as a comment.
func TestSignatureAfterCommandsIsNoComment(t *testing.T) {
	e := newEnv(t)
	id := e.open()
	to := e.replyAddr(id, "jgomez@example.gov.co")
	e.deliver(mail("jgomez@example.gov.co", to, "Re: [OTI-1]", "s0@example.gov.co", "", "#nivel 1"))
	e.deliver(mail("jgomez@example.gov.co", to, "Re: [OTI-1]", "s1@example.gov.co", "",
		"#resolver Se cambió el tóner.\r\n\r\nJuan Gómez\r\nMesa de Servicio\r\n\r\n"+
			"El jue, 3 dic 2026 a las 9:51, Mesa de Servicio OTI <soporte.oti@example.gov.co> escribió:\r\n> texto citado\r\n"))
	if tk := e.ticket(id); tk.State != tickets.StateResolved {
		t.Fatalf("ticket %s", tk.State)
	}
	if n := e.count(`SELECT count(*) FROM events WHERE kind = 'commented'`); n != 0 {
		t.Errorf("the signature became %d comments", n)
	}
	var note string
	e.db.Get(&note, `SELECT note FROM events WHERE kind = 'resolved'`)
	if note != "Se cambió el tóner." {
		t.Errorf("resolution = %q", note)
	}
}

// TestSameOddlyHeadedMessageTwiceIsOneTicket: the key a redelivery is
// recognised by is the Message-ID as scanned from the raw header; the MIME
// parser may read a Message-ID the scan does not (after a line the scan
// stops at, or with a comment), and the row once stored under the
// parser's reading was never found again: the redelivery opened a second
// ticket (found by FuzzParseAndStore).
func TestSameOddlyHeadedMessageTwiceIsOneTicket(t *testing.T) {
	for name, head := range map[string]string{
		"bad field name before": "From: Ana <ana@example.gov.co>\r\nTo: " + desk + "\r\nSub@ect: hola\r\nMessage-ID: <odd-1@example.gov.co>\r\n",
		"comment after the id":  "From: Ana <ana@example.gov.co>\r\nTo: " + desk + "\r\nSubject: hola\r\nMessage-ID: <odd-2@example.gov.co> (x)\r\n",
		"no sender":             "\":\nMessAge-ID:<0",
	} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			raw := head + "\r\nMi equipo no enciende.\r\n"
			first, second := e.deliver(raw), e.deliver(raw)
			if first.Quarantine != second.Quarantine {
				t.Errorf("outcomes %+v, then %+v", first, second)
			}
			if n := e.count(`SELECT count(*) FROM messages WHERE direction = 'in'`); n != 1 {
				t.Errorf("the message is stored %d times, want 1", n)
			}
			if n := e.count(`SELECT count(*) FROM tickets`); n > 1 {
				t.Errorf("%d tickets, want at most 1", n)
			}
			if n := e.count(`SELECT count(DISTINCT message_row) FROM mailbox_positions`); n != 1 {
				t.Errorf("the two positions keep %d rows, want 1", n)
			}
		})
	}
}
