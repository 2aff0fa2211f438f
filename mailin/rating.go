package mailin

import (
	"context"

	"github.com/jmoiron/sqlx"

	"github.com/ticketd/ticketd/mailin/email"
	"github.com/ticketd/ticketd/mailin/imapin"
	"github.com/ticketd/ticketd/mailin/reply"
	"github.com/ticketd/ticketd/tickets"
	"github.com/ticketd/ticketd/tickets/service"
	"github.com/ticketd/ticketd/tickets/store"
)

// thanker is the part of the Responder that thanks a requester for a
// rating; a Responder without it sends no thanks.
type thanker interface {
	RatingThanks(ctx context.Context, tx *sqlx.Tx, t store.Ticket, score int, text string, trigger *store.Message) error
}

// rating takes the requester's answer to the closure notice's satisfaction
// question: a reply to a closed ticket from its requester, verified as a
// command would be (her notice's reply address, or a trusted
// authentication), with no files, whose first line is a score from 1 to 5
// (reply.ParseRating). The score and her words are recorded on the ticket,
// and she is thanked for her first rating of it; a later one replaces it
// in the reports. ok is false when the message is no rating: it is then
// handled as any reply to a closed ticket (a new ticket that follows it).
func (in *Intake) rating(ctx context.Context, tx *service.Tx, f *imapin.Fetched, msg *store.Message, m *email.Message,
	mt matched) (res result, ok bool, err error) {
	t := mt.ticket
	if in.NoSatisfaction || t == nil || t.State != tickets.StateClosed || msg.NoAutoAnswer {
		return result{}, false, nil
	}
	actor := in.Service.Actor(m.From.Email, &t.Ticket)
	if actor.Role != tickets.RoleRequester {
		return result{}, false, nil
	}
	// Files sent with it are a new problem, or evidence of one: such a
	// reply opens a follow-up ticket, as any reply to a closed ticket.
	for _, a := range m.Attachments {
		if !a.Inline {
			return result{}, false, nil
		}
	}
	trimmed := reply.TrimBody(m.Text, m.HTML)
	score, text, ok := reply.ParseRating(trimmed)
	if !ok {
		return result{}, false, nil
	}
	// Asked last, of a reply that is a rating, so that a DKIM key that
	// cannot be looked up now holds back only a rating: it replaces an
	// earlier one in the reports, so it must come from her (the reply
	// address of her notice, or a trusted authentication).
	if ok, _ := in.verify(ctx, m, msg.Raw, mt); !ok {
		return result{}, false, nil
	}
	earlier, err := store.HasRating(ctx, tx.Q, t.ID)
	if err != nil {
		return result{}, false, err
	}
	msg.Body, msg.Status, msg.TicketID = trimmed, store.StatusProcessed, &t.ID
	if err := keep(ctx, tx, msg); err != nil {
		return result{}, false, err
	}
	after, _, err := tx.Apply(t.ID, tickets.Command{Kind: tickets.CmdRate, Score: score, Text: text}, actor, msg)
	if err != nil {
		if isRefusal(err) {
			return result{}, false, nil
		}
		return result{}, false, err
	}
	if th, can := in.Responder.(thanker); can && !earlier {
		if err := th.RatingThanks(tx.Context(), tx.Q, after, score, text, msg); err != nil {
			return result{}, false, err
		}
	}
	return processed(f.UID, "rating"), true, nil
}
