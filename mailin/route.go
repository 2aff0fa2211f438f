package mailin

import (
	"github.com/ticketd/ticketd/internal/mailfacts"
	"github.com/ticketd/ticketd/internal/replytoken"
	"github.com/ticketd/ticketd/mailin/email"
	"github.com/ticketd/ticketd/mailin/imapin"
	"github.com/ticketd/ticketd/tickets"
	"github.com/ticketd/ticketd/tickets/store"
)

// route is the one decision of where a message goes as far as the message
// itself tells, before the database is asked: apply follows it, and the
// batch planner asks it which messages can be opened in a run (opensAlone).

// way is where a message goes.
type way int

const (
	wayQuarantine way = iota // it cannot be handled (too big, unreadable, no From): why says so
	wayAutomatic             // machine-written mail: kept, never opens a ticket
	wayPerson                // a person's mail: it answers the ticket match finds, or opens one
)

// routed is what route made of a message: its parse, where it goes, and
// the clues match follows to the ticket it may answer: reply tokens in its
// recipient addresses (only when reply tokens are checked), the Message-IDs
// it cites, the ticket its subject tag names (0: none).
type routed struct {
	way    way
	m      *email.Message           // nil when it could not be parsed at all
	why    tickets.QuarantineReason // for wayQuarantine
	kind   email.AutoKind           // Classify's verdict and reason
	auto   string
	tokens []string
	cites  []string
	tag    int64
}

// opensAlone reports whether match can find no ticket for the message but
// by a Message-ID it cites: unless one of r.cites is a ticket's, apply
// opens a new ticket for it. A message not routed (nil) does not.
func (r *routed) opensAlone() bool {
	return r != nil && r.way == wayPerson && len(r.tokens) == 0 && r.tag == 0
}

func (in *Intake) route(f *imapin.Fetched) *routed {
	if f.TooBig {
		m, _ := email.Parse(f.Raw, in.Limits) // the header section only
		return &routed{way: wayQuarantine, m: m, why: tickets.QuarantineReason{Kind: "size", Limit: effectiveMax(in.Limits), Size: f.Size}}
	}
	m, err := email.Parse(f.Raw, in.Limits)
	if err != nil {
		return &routed{way: wayQuarantine, m: m, why: parseReason(err)}
	}
	r := &routed{way: wayPerson, m: m, cites: append(append([]string{}, m.InReplyTo...), m.References...)}
	r.kind, r.auto = in.classify(m)
	switch {
	case r.kind != email.Human:
		r.way = wayAutomatic
	case m.From.Email == "":
		r.way, r.why = wayQuarantine, tickets.QuarantineReason{Kind: "no_from"}
	}
	if in.Signer != nil && in.DeskAddress != "" {
		for _, addr := range recipients(m) {
			if tok, ok := replytoken.Extract(addr, in.DeskAddress); ok {
				r.tokens = append(r.tokens, tok)
			}
		}
	}
	if id, ok := subjectTicket(m.Subject, in.Service.Tag); ok {
		r.tag = id
	}
	return r
}

// classify is email.Classify with our own addresses and loop header.
func (in *Intake) classify(m *email.Message) (email.AutoKind, string) {
	return email.Classify(m, email.Options{OwnAddresses: in.own(), LoopHeaderName: mailfacts.HeaderLoop})
}

// fill fills msg from the route's parse, with the kind route found.
func (r *routed) fill(msg *store.Message) {
	fill(msg, r.m)
	msg.AutoKind = string(r.kind)
}

// describe is fill, with the kind of mail m is as the message's own.
func (in *Intake) describe(msg *store.Message, m *email.Message) {
	fill(msg, m)
	kind, _ := in.classify(m)
	msg.AutoKind = string(kind)
}
