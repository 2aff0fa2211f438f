package mailin_test

import (
	"context"
	"testing"

	"github.com/ticketd/ticketd/tickets"
)

// closedTicket opens a ticket by mail and has the desk close it.
func (e *env) closedTicket() int64 {
	e.t.Helper()
	id := e.open()
	jg := tickets.ActorOf(roster.People[0])
	for _, c := range []tickets.Command{{Kind: tickets.CmdClassify, Level: 1}, {Kind: tickets.CmdResolve}, {Kind: tickets.CmdClose}} {
		if _, _, err := e.in.Service.Apply(context.Background(), id, c, jg); err != nil {
			e.t.Fatal(err)
		}
	}
	return id
}

func TestRatingByReply(t *testing.T) {
	e := newEnv(t)
	id := e.closedTicket()
	e.deliver(mail(ana, e.replyAddr(id, ana), "Re: [OTI-1] Caso cerrado", "rate1@example.gov.co", "", "4"))
	if n := e.count(`SELECT count(*) FROM events WHERE ticket_id = $1 AND kind = 'rated' AND rating = 4`, id); n != 1 {
		t.Fatalf("the rating is not on record")
	}
	if got := e.sent(ana, 0); got[len(got)-1] != "rating_thanks" {
		t.Errorf("she was not thanked: %v", got)
	}
	// A rating with text, again: recorded, not thanked twice, no ticket opened.
	e.deliver(mail(ana, e.replyAddr(id, ana), "Re: [OTI-1] Caso cerrado", "rate2@example.gov.co", "",
		"5 - al final quedó muy bien\r\nGracias a Luis."))
	if n := e.count(`SELECT count(*) FROM events WHERE ticket_id = $1 AND kind = 'rated' AND rating = 5 AND note LIKE 'al final quedó muy bien%Gracias a Luis.'`, id); n != 1 {
		t.Errorf("the second rating with its text is not on record")
	}
	if n := e.count(`SELECT count(*) FROM outbox WHERE kind = 'rating_thanks'`); n != 1 {
		t.Errorf("thanked %d times, want once", n)
	}
	if n := e.count(`SELECT count(*) FROM tickets`); n != 1 {
		t.Errorf("%d tickets: a rating opened one", n)
	}
}

func TestAutoReplyThatLooksLikeARatingDoesNotRate(t *testing.T) {
	e := newEnv(t)
	id := e.closedTicket()
	e.deliver(mail(ana, e.replyAddr(id, ana), "Re: [OTI-1] Caso cerrado", "oof5@example.gov.co", "Auto-Submitted: auto-replied\r\n", "5"))
	if n := e.count(`SELECT count(*) FROM events WHERE kind = 'rated'`); n != 0 {
		t.Errorf("an auto-reply rated the ticket")
	}
}

func TestRatingOnAnOpenTicketIsAComment(t *testing.T) {
	e := newEnv(t)
	id := e.open()
	e.inAttention(id)
	e.deliver(mail(ana, e.replyAddr(id, ana), "Re: [OTI-1]", "rate3@example.gov.co", "", "5"))
	if n := e.count(`SELECT count(*) FROM events WHERE kind = 'rated'`); n != 0 {
		t.Errorf("an open ticket was rated")
	}
	if n := e.count(`SELECT count(*) FROM events WHERE kind = 'commented' AND note = '5'`); n != 1 {
		t.Errorf("the reply is not a comment")
	}
}

func TestAReplyToAClosedTicketThatIsNoRatingOpensOne(t *testing.T) {
	e := newEnv(t)
	id := e.closedTicket()
	e.deliver(mail(ana, e.replyAddr(id, ana), "Re: [OTI-1] Caso cerrado", "again2@example.gov.co", "", "1. El equipo volvió a fallar"))
	if n := e.count(`SELECT count(*) FROM events WHERE kind = 'rated'`); n != 0 {
		t.Errorf("a list item was taken for a rating")
	}
	if tk := e.ticket(2); tk.LinkedTo != id {
		t.Errorf("no follow-up ticket: %+v", tk.Ticket)
	}
}

func TestUnverifiedOrFiledRatingIsNoRating(t *testing.T) {
	e := newEnv(t)
	id := e.closedTicket()
	// Her From and the thread, but not her notice's reply address: anyone
	// could write that, and a rating replaces hers in the reports.
	e.deliver(mail(ana, desk, "Re: [OTI-1] Caso cerrado", "forged@example.gov.co", "In-Reply-To: <req1@example.gov.co>\r\n", "1"))
	// Through her reply address, with a file: a new problem, not a score.
	e.deliver("From: " + ana + "\r\nTo: " + e.replyAddr(id, ana) + "\r\nSubject: Re: [OTI-1] Caso cerrado\r\nMessage-ID: <filed@example.gov.co>\r\n" +
		"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n1\r\nSigue fallando, adjunto foto.\r\n" +
		"--b\r\nContent-Type: image/png\r\nContent-Disposition: attachment; filename=foto.png\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n--b--\r\n")
	if n := e.count(`SELECT count(*) FROM events WHERE kind = 'rated'`); n != 0 {
		t.Errorf("%d ratings recorded, want none", n)
	}
	if n := e.count(`SELECT count(*) FROM tickets WHERE linked_to = $1`, id); n != 2 {
		t.Errorf("%d follow-up tickets, want 2", n)
	}
}
