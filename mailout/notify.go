package mailout

import (
	"context"

	"github.com/jmoiron/sqlx"

	"github.com/ticketd/ticketd/internal/replytoken"
	"github.com/ticketd/ticketd/tickets"
	"github.com/ticketd/ticketd/tickets/notice"
	"github.com/ticketd/ticketd/tickets/service"
	"github.com/ticketd/ticketd/tickets/store"
)

// Notifier queues in the outbox, in the transaction of the event that
// causes them, the notices package tickets/notice says an event causes
// (PROCEDURE.md, "Who is told what"), each rendered in its recipient's
// language with what the notice says they may see.
type Notifier struct {
	Renderer *Renderer
	Roster   *tickets.Roster
	Desk     DeskInfo
	Tag      string
	Signer   *replytoken.Signer // nil: no reply-token Reply-To
	// MaxPerHour and MaxPerDay cap automatic messages to one recipient
	// outside the roster (requesters, unknown senders); beyond the cap a
	// notification is kept as "held" and never sent. Zero: no cap.
	MaxPerHour, MaxPerDay int
	// MaxAttachmentBytes is the total size of the attachments one
	// notification carries (zero: notice.DefaultMaxAttachmentBytes;
	// negative: none); what does not fit is listed with its size.
	MaxAttachmentBytes int
	// NoSatisfaction leaves the satisfaction question out of the closure
	// notice (notifications.ask_satisfaction = false).
	NoSatisfaction bool
	// Direct, when set, is the outbox worker of this process: what a
	// transaction queues goes to it in memory once committed, already
	// claimed, as far as it has room (outbox_direct.go).
	Direct *Worker
}

var (
	_ service.Notifier      = (*Notifier)(nil)
	_ service.BatchNotifier = (*Notifier)(nil)
)

// rules are the facts of n's configuration the notices depend on.
func (n *Notifier) rules() notice.Rules {
	return notice.Rules{Roster: n.Roster, MaxPerHour: n.MaxPerHour, MaxPerDay: n.MaxPerDay,
		MaxAttachmentBytes: n.MaxAttachmentBytes, NoSatisfaction: n.NoSatisfaction}
}

// note is one notice to render and queue, as package notice gives it.
type note = notice.Notice

// Notify implements service.Notifier: a batch of one change.
func (n *Notifier) Notify(ctx context.Context, tx *sqlx.Tx, c service.Change) error {
	return n.now(n.PrepareMany(ctx, tx, []service.Change{c}))
}

// CommandResults tells the sender of a reply which of its commands ran and
// which did not (and why), in the sender's language.
func (n *Notifier) CommandResults(ctx context.Context, tx *sqlx.Tx, t store.Ticket, to string, results []CommandResult, trigger *store.Message) error {
	if len(results) == 0 {
		return nil
	}
	c, ok := n.rules().CommandResult(t, to, trigger)
	if !ok {
		return nil
	}
	return n.answer(ctx, tx, t, trigger, c, func(d *Data) { d.Results = results })
}

// Quarantined tells the sender once that their message could not be
// processed, and why. t is nil when the message reached no ticket.
func (n *Notifier) Quarantined(ctx context.Context, tx *sqlx.Tx, t *store.Ticket, to, reason string, trigger *store.Message) error {
	var tk store.Ticket
	if t != nil {
		tk = *t
	}
	return n.answer(ctx, tx, tk, trigger, n.rules().Quarantined(tk, to, trigger), func(d *Data) { d.Reason = reason })
}

// RatingThanks thanks the requester once for rating a closed ticket, in
// the transaction that records the rating. trigger is her reply.
func (n *Notifier) RatingThanks(ctx context.Context, tx *sqlx.Tx, t store.Ticket, score int, text string, trigger *store.Message) error {
	c, ok := n.rules().RatingThanks(t, trigger)
	if !ok {
		return nil
	}
	return n.answer(ctx, tx, t, trigger, c, func(d *Data) { d.Rating, d.Text = score, text })
}

// answer queues one notice that answers trigger, with what fill adds to
// its data: a batch of one job.
func (n *Notifier) answer(ctx context.Context, tx *sqlx.Tx, t store.Ticket, trigger *store.Message, c notice.Notice, fill func(*Data)) error {
	return n.now(n.prepare(ctx, tx, []job{{t: t, trigger: trigger, notes: []note{c}, fill: fill}}))
}

// now finishes at once what prepare started.
func (n *Notifier) now(finish func() error, err error) error {
	if err != nil {
		return err
	}
	return finish()
}

// personOr is the roster's person with address email, or one known by the
// address only.
func (n *Notifier) personOr(email string) Person { return n.rules().Person(email) }

// person is personOr, nil for nobody and the system.
func (n *Notifier) person(email string) *Person { return n.rules().Actor(email) }
