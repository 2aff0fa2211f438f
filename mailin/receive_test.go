package mailin_test

import (
	"context"
	"strings"
	"testing"

	"github.com/ticketd/ticketd/tickets"
)

// Issue 14's cases, as they were seen: what each person received, and what
// they did not.

// sent lists the kinds of notification queued for who since row after.
func (e *env) sent(who string, after int) []string {
	e.t.Helper()
	var kinds []string
	if err := e.db.Select(&kinds, `SELECT kind FROM outbox WHERE recipient = $1 AND id > $2 ORDER BY id`, who, after); err != nil {
		e.t.Fatal(err)
	}
	return kinds
}

func (e *env) lastOutbox() int { return e.count(`SELECT COALESCE(max(id), 0) FROM outbox`) }

// body is the text of the newest notification of kind to who.
func (e *env) body(who, kind string) string {
	e.t.Helper()
	var b string
	e.db.Get(&b, `SELECT m.body FROM outbox o JOIN messages m ON m.id = o.message_row WHERE o.recipient = $1 AND o.kind = $2 ORDER BY o.id DESC LIMIT 1`, who, kind)
	return b
}

const (
	ana    = "ana@example.gov.co"
	jgomez = "jgomez@example.gov.co"
	lperez = "lperez@example.gov.co"
)

func (e *env) inAttention(id int64) {
	e.t.Helper()
	if _, _, err := e.in.Service.Apply(context.Background(), id, tickets.Command{Kind: tickets.CmdClassify, Level: 1}, tickets.ActorOf(roster.People[0])); err != nil {
		e.t.Fatal(err)
	}
}

func TestTypoCommandPublishesNothing(t *testing.T) {
	e := newEnv(t)
	id := e.open()
	mark := e.lastOutbox()
	e.deliver(mail(jgomez, e.replyAddr(id, jgomez), "Re: [OTI-1]", "typo@example.gov.co", "",
		"#escalr nivel 2 a lperez\r\nLuis, revisa por favor el bloqueo de la cuenta."))
	if got := e.sent(ana, mark); len(got) != 0 {
		t.Errorf("the requester received %v", got)
	}
	if n := e.count(`SELECT count(*) FROM events WHERE kind = 'noted' AND public = false AND note LIKE '%bloqueo de la cuenta%'`); n != 1 {
		t.Errorf("the text is not kept as an internal note")
	}
	if b := e.body(jgomez, "command_result"); !strings.Contains(b, "¿quiso decir «#escalar nivel 2 a lperez»?") {
		t.Errorf("the answer does not say what would work:\n%s", b)
	}
	if tk := e.ticket(id); tk.State != tickets.StateNew {
		t.Errorf("ticket is %s", tk.State)
	}
}

func TestRefusedCloseKeepsTextInternal(t *testing.T) {
	e := newEnv(t)
	id := e.open()
	e.inAttention(id)
	mark := e.lastOutbox()
	e.deliver(mail(jgomez, e.replyAddr(id, jgomez), "Re: [OTI-1]", "close@example.gov.co", "", "#cerrar\r\nSe cierra el caso."))
	if got := e.sent(ana, mark); len(got) != 0 {
		t.Errorf("the requester received %v", got)
	}
	if n := e.count(`SELECT count(*) FROM events WHERE kind = 'noted' AND public = false AND note LIKE '%Se cierra el caso.%'`); n != 1 {
		t.Errorf("the text is not on record as an internal note")
	}
	b := e.body(jgomez, "command_result")
	if !strings.Contains(b, "el caso está en atención") || !strings.Contains(b, "#resolver") || strings.Contains(b, "en_atencion") {
		t.Errorf("the answer does not say why and what works now:\n%s", b)
	}
}

func TestRequesterCommandIsACommentForTheDesk(t *testing.T) {
	e := newEnv(t)
	id := e.open()
	e.inAttention(id)
	mark := e.lastOutbox()
	e.deliver(mail(ana, e.replyAddr(id, ana), "Re: [OTI-1]", "esc@example.gov.co", "",
		"#escalar nivel 3\r\nPor favor, esto es urgente, que lo vea el proveedor."))
	if n := e.count(`SELECT count(*) FROM events WHERE kind = 'commented' AND actor = $1 AND note LIKE '%esto es urgente%'`, ana); n != 1 {
		t.Errorf("her text is on no event")
	}
	if got := e.sent(jgomez, mark); len(got) != 1 || got[0] != "comment" {
		t.Errorf("the desk received %v, want one comment", got)
	}
	b := e.body(ana, "command_result")
	for _, deskOnly := range []string{"#nivel", "#asignar", "#resolver", "#cerrar", "#nota"} {
		if strings.Contains(b, deskOnly) {
			t.Errorf("her answer offers %s:\n%s", deskOnly, b)
		}
	}
	if !strings.Contains(b, "comentario") {
		t.Errorf("her answer does not say her message was kept:\n%s", b)
	}
	if tk := e.ticket(id); tk.Level != 1 {
		t.Errorf("ticket escalated to %d", tk.Level)
	}
}

func TestDeskEscalatesANewTicket(t *testing.T) {
	e := newEnv(t)
	id := e.open()
	mark := e.lastOutbox()
	e.deliver(mail(jgomez, e.replyAddr(id, jgomez), "Re: [OTI-1]", "esc2@example.gov.co", "",
		"#escalar nivel 2 a lperez\r\nLuis, revisa por favor el bloqueo de la cuenta."))
	tk := e.ticket(id)
	if tk.State != tickets.StateInProgress || tk.Level != 2 || tk.Assignee != lperez {
		t.Fatalf("ticket = %s L%d %s", tk.State, tk.Level, tk.Assignee)
	}
	if n := e.count(`SELECT count(*) FROM events WHERE kind = 'escalated' AND activities = '{2,3,6}' AND note LIKE '%bloqueo%'`); n != 1 {
		t.Errorf("the escalation is not on record with activities 2, 3, 6 and its instructions")
	}
	if got := e.sent(lperez, mark); len(got) != 1 || got[0] != "case_assigned" {
		t.Errorf("the specialist received %v", got)
	}
	if b := e.body(ana, "level_changed"); strings.Contains(b, "bloqueo") {
		t.Errorf("the instructions reached the requester:\n%s", b)
	}
}

func TestHelpListsWhatThisPersonMayRun(t *testing.T) {
	e := newEnv(t)
	id := e.open()
	e.inAttention(id)
	e.deliver(mail(jgomez, e.replyAddr(id, jgomez), "Re: [OTI-1]", "h1@example.gov.co", "", "#ayuda"))
	b := e.body(jgomez, "command_result")
	for _, want := range []string{"#escalar", "#asignar", "#resolver", "#nota", "lperez"} {
		if !strings.Contains(b, want) {
			t.Errorf("the desk's help lacks %s:\n%s", want, b)
		}
	}
	if strings.Contains(b, "#cerrar") || strings.Contains(b, "#reabrir") {
		t.Errorf("the help offers commands that cannot run now:\n%s", b)
	}
	e.deliver(mail(ana, e.replyAddr(id, ana), "Re: [OTI-1]", "h2@example.gov.co", "", "#ayuda"))
	if b := e.body(ana, "command_result"); b == "" || strings.Contains(b, "#escalar") {
		t.Errorf("the requester's help:\n%s", b)
	}
	if tk := e.ticket(id); tk.State != tickets.StateInProgress {
		t.Errorf("help changed the ticket: %s", tk.State)
	}
}

func TestOrdinaryWordRoutesNothing(t *testing.T) {
	e := newEnv(t)
	e.deliver(mail("Ana <ana@example.gov.co>", desk, "El monitor parpadea", "r1@example.gov.co", "",
		"Les escribo este correo porque el monitor parpadea y la impresora del lado también."))
	if tk := e.ticket(1); tk.State != tickets.StateNew || tk.Level != 1 {
		t.Errorf("ticket routed from the body: %s L%d %s", tk.State, tk.Level, tk.Service)
	}
	e.deliver(mail("Ana <ana@example.gov.co>", desk, "La impresora no funciona", "r2@example.gov.co", "", "Desde ayer."))
	if tk := e.ticket(2); tk.Service != "impresoras" || tk.Level != 2 {
		t.Errorf("ticket not routed by its subject: %s L%d", tk.Service, tk.Level)
	}
	if n := e.count(`SELECT count(*) FROM events WHERE ticket_id = 2 AND kind = 'classified' AND note LIKE '%«impresora» en el asunto%'`); n != 1 {
		t.Errorf("the record does not name the keyword that routed it")
	}
}
