package mailout

import (
	"context"

	"github.com/jmoiron/sqlx"

	"github.com/ticketd/ticketd/tickets/store"
)

// RatingThanks thanks the requester once for rating a closed ticket, in
// the transaction that records the rating. trigger is her reply.
func (n *Notifier) RatingThanks(ctx context.Context, tx *sqlx.Tx, t store.Ticket, score int, text string, trigger *store.Message) error {
	if trigger != nil && (trigger.AutoKind != "" || trigger.NoAutoAnswer) {
		return nil
	}
	q := newQueue(ctx, tx, n, t, trigger)
	to := Person{Name: t.RequesterName, Email: t.Requester}
	return q.addData(note{name: "rating_thanks", to: to, lang: n.langOf(to.Email, t.Lang), public: true},
		func(d *Data) { d.Rating, d.Text = score, text })
}
