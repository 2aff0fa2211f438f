package mailin

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"

	"github.com/ticketd/ticketd/mailin/imapin"
	"github.com/ticketd/ticketd/tickets/service"
	"github.com/ticketd/ticketd/tickets/store"
)

// ErrHeaderOnly means a quarantined message cannot be released from the
// database: it was over the size limit when fetched, so only its header
// section was stored. Moving it on the server from the quarantine folder
// back to the inbox has it fetched whole, under the limit in force then.
var ErrHeaderOnly = errors.New("only the header of this message was stored")

// Released is what a release made of a quarantined message.
type Released struct {
	ID       int64
	Outcome  string // as OnMessage says it: "opened", "comment", "commands", "automatic", "bounce", "quarantined"
	Reason   string // when quarantined again, why
	TicketID *int64 // the ticket it went to, if any
}

// Release processes a quarantined message again, from its stored source,
// through the normal path (the one a message fetched from the mailbox
// takes: parsing, classification, matching, commands), in one transaction.
// The row is locked while in quarantine, so of two operators or replicas
// releasing the same message one processes it and the other gets
// store.ErrNotQuarantined: released exactly once. The release is on record
// with actor and note. A message that fails again goes back to quarantine
// with the new reason; its sender is not told a second time.
func (in *Intake) Release(ctx context.Context, id int64, actor, note string) (Released, error) {
	quiet := *in
	if in.Responder != nil {
		quiet.Responder = quietResponder{in.Responder}
	}
	var rel Released
	err := in.Service.InTx(ctx, func(tx *service.Tx) error {
		msg, err := store.TakeQuarantined(ctx, tx.Q, id)
		if err != nil {
			return err
		}
		if headerOnly(msg.Reason) {
			return fmt.Errorf("message %d: %w", id, ErrHeaderOnly)
		}
		prev := msg.Reason
		msg.Status, msg.Reason = store.StatusReceived, ""
		// As fetched from its mailbox: a mailbox's default service applies.
		f := &imapin.Fetched{Size: int64(len(msg.Raw)), Raw: msg.Raw}
		if pos, ok, err := store.FirstPosition(ctx, tx.Q, id); err != nil {
			return err
		} else if ok {
			f.Account, f.Mailbox, f.UIDValidity, f.UID = pos.Account, pos.Mailbox, pos.UIDValidity, pos.UID
		}
		r, err := quiet.apply(ctx, tx, f, &msg, nil)
		if err != nil {
			return err
		}
		if err := store.SyncPositions(ctx, tx.Q, id, r.outcome.Quarantine, r.outcome.Reason); err != nil {
			return err
		}
		rel = Released{ID: id, Outcome: r.kind, Reason: r.outcome.Reason, TicketID: msg.TicketID}
		return store.RecordQuarantineAction(ctx, tx.Q, store.QuarantineAction{MessageRow: id, Action: "released",
			Actor: actor, Note: note, PrevReason: prev, Outcome: r.kind, At: tx.Now()})
	})
	if err != nil {
		return Released{}, err
	}
	in.count(rel.Outcome, rel.Reason)
	in.log().Info("quarantined message released", "message_row", id, "outcome", rel.Outcome)
	return rel, nil
}

// Discard takes a message out of quarantine for good, with the reason on
// record. Like Release, it acts only on a message still in quarantine.
func (in *Intake) Discard(ctx context.Context, id int64, actor, reason string) error {
	if strings.TrimSpace(reason) == "" {
		return errors.New("a discard needs a reason")
	}
	return in.Service.InTx(ctx, func(tx *service.Tx) error {
		prev, err := store.DiscardQuarantined(ctx, tx.Q, id)
		if err != nil {
			return err
		}
		return store.RecordQuarantineAction(ctx, tx.Q, store.QuarantineAction{MessageRow: id, Action: "discarded",
			Actor: actor, Note: reason, PrevReason: prev, At: tx.Now()})
	})
}

// headerOnly reports whether a quarantine reason is the one apply gives a
// message fetched header-only because it was over the size limit.
func headerOnly(reason string) bool {
	return strings.HasPrefix(reason, "message is ") && strings.Contains(reason, " bytes, over the limit of ")
}

// quietResponder passes on everything but a second quarantine notice: the
// sender of a released message was told once, when it was quarantined.
type quietResponder struct{ Responder }

func (q quietResponder) Quarantined(context.Context, *sqlx.Tx, *store.Ticket, string, string, *store.Message) error {
	return nil
}
