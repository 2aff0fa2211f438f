package mailin

import (
	"context"
	"errors"
	"strings"

	"github.com/ticketd/ticketd/mailin/email"
	"github.com/ticketd/ticketd/mailin/imapin"
	"github.com/ticketd/ticketd/tickets"
	"github.com/ticketd/ticketd/tickets/service"
	"github.com/ticketd/ticketd/tickets/store"
)

// Mail that cannot be processed is quarantined: kept whole, with the reason
// on record, moved to the quarantine folder, and told. Its sender is told
// once, unless a machine wrote it or it asks for no automatic answer; every
// desk agent is told of each quarantined message, with the sender, the
// subject and the reason, so that nothing waits unseen in the folder.

// limitReason is the reason for a message over one of the parser's limits.
func limitReason(le *email.LimitError) tickets.QuarantineReason {
	switch le.Kind {
	case email.LimitSize, email.LimitHeader, email.LimitDepth, email.LimitParts:
		return tickets.QuarantineReason{Kind: string(le.Kind), Limit: le.Limit, Size: le.Size}
	}
	return tickets.QuarantineReason{Kind: "unreadable", Detail: le.Reason}
}

// parseReason is the reason for a message Parse refused.
func parseReason(err error) tickets.QuarantineReason {
	var le *email.LimitError
	switch {
	case errors.As(err, &le):
		return limitReason(le)
	case errors.Is(err, email.ErrEmpty):
		return tickets.QuarantineReason{Kind: "empty"}
	}
	return tickets.QuarantineReason{Kind: "unreadable", Detail: firstLine(err.Error())}
}

// quarantine records a message that cannot be processed, with the reason,
// and tells its sender and the desk.
func (in *Intake) quarantine(ctx context.Context, tx *service.Tx, f *imapin.Fetched, msg *store.Message, m *email.Message, why tickets.QuarantineReason) (result, error) {
	reason := why.Record()
	msg.Status, msg.Reason = store.StatusQuarantined, reason
	if m != nil {
		in.describe(msg, m)
		msg.Reason = reason // fill may have noted a weak signal: the quarantine is the reason now
	}
	if err := keep(ctx, tx, msg); err != nil {
		return result{}, err
	}
	if err := in.tellQuarantine(tx, msg, m, why); err != nil {
		return result{}, err
	}
	in.log().Warn("message quarantined", "mailbox", f.Mailbox, "uid", f.UID, "reason", reason)
	return quarantined(f.UID, reason), nil
}

// tellQuarantine queues the notices of a quarantined message: to its
// sender (a person, not ourselves, who did not ask for no automatic
// answer, and not a desk agent, who gets the desk's notice) and to each
// desk agent. m is nil when the message could not be parsed at all.
func (in *Intake) tellQuarantine(tx *service.Tx, msg *store.Message, m *email.Message, why tickets.QuarantineReason) error {
	if in.Responder == nil {
		return nil
	}
	// The notices name the message by its subject and sender: it is on no
	// ticket (the view has no id, so no case number is shown).
	view := &store.Ticket{Ticket: tickets.Ticket{Subject: oneLine(msg.Subject), Requester: msg.FromAddr}, RequesterName: msg.FromName}
	var desk []tickets.Person
	if in.Service.Roster != nil {
		desk = in.Service.Roster.Desk()
	}
	from := ""
	if m != nil {
		from = m.From.Email
	}
	tellSender := from != "" && msg.AutoKind == "" && !msg.NoAutoAnswer
	for _, p := range desk {
		if strings.EqualFold(p.Email, from) {
			tellSender = false
		}
	}
	if tellSender {
		if err := in.Responder.Quarantined(tx.Context(), tx.Q, view, from, why.Words(in.langOf(from, "es")), msg); err != nil {
			return err
		}
	}
	for _, p := range desk {
		if err := in.Responder.Quarantined(tx.Context(), tx.Q, view, p.Email, why.Words(in.langOf(p.Email, "es")), msg); err != nil {
			return err
		}
	}
	return nil
}

// quarantineFailed records a message whose processing failed on its own,
// in a fresh transaction, so that it does not block the mailbox, and tells
// as quarantine does. If telling fails too (the failure may be in the
// notifier), the message is quarantined untold rather than not at all.
func (in *Intake) quarantineFailed(ctx context.Context, f *imapin.Fetched, cause error) (result, error) {
	why := tickets.QuarantineReason{Kind: "failed", Detail: firstLine(cause.Error())}
	r, err := in.quarantineFailedTx(ctx, f, why, true)
	if err == nil || ctx.Err() != nil || store.IsTransient(err) {
		return r, err
	}
	in.log().Error("telling of a quarantined message failed; quarantining it untold", "mailbox", f.Mailbox, "uid", f.UID, "error", err)
	return in.quarantineFailedTx(ctx, f, why, false)
}

func (in *Intake) quarantineFailedTx(ctx context.Context, f *imapin.Fetched, why tickets.QuarantineReason, tell bool) (result, error) {
	reason := why.Record()
	var r result
	err := in.Service.InTx(ctx, func(tx *service.Tx) error {
		// The raw source and the reason, in one write of the row.
		msg := inboundRow(f.Raw, tx.Now())
		msg.Status, msg.Reason = store.StatusQuarantined, reason
		id, existed, err := store.InsertInbound(ctx, tx.Q, msg)
		if err != nil {
			return err
		}
		// Only a row nobody processed becomes quarantined: the same
		// message may have been stored meanwhile (another mailbox, another
		// replica), and then its outcome stands. A row stored before and
		// left "received" is nobody's yet: it is quarantined now.
		ours := !existed
		if existed {
			if ours, err = store.QuarantineReceived(ctx, tx.Q, id, reason); err != nil {
				return err
			}
		}
		prev, err := store.GetMessage(ctx, tx.Q, id)
		if err != nil {
			return err
		}
		q := prev.Status == store.StatusQuarantined
		r = processed(f.UID, "duplicate")
		if q {
			r = quarantined(f.UID, prev.Reason)
		}
		if ours && tell {
			if err := in.tellFailed(ctx, tx, f, &prev, why); err != nil {
				return err
			}
		}
		return store.PutPosition(ctx, tx.Q, store.Position{Account: f.Account, Mailbox: f.Mailbox, UIDValidity: f.UIDValidity,
			UID: f.UID, MessageRow: &id, Quarantine: q, Reason: prev.Reason}, tx.Now())
	})
	return r, err
}

// tellFailed tells of a message quarantined after a failure: what can be
// read of it names the sender and the subject; the row itself keeps only
// the raw source and the reason, as the failure left it.
func (in *Intake) tellFailed(ctx context.Context, tx *service.Tx, f *imapin.Fetched, row *store.Message, why tickets.QuarantineReason) error {
	m, err := email.Parse(f.Raw, in.Limits)
	if err != nil {
		m = nil // over a limit or unreadable: the desk is told, the sender cannot be
	}
	view := *row
	if m != nil {
		in.describe(&view, m)
	}
	return in.tellQuarantine(tx, &view, m, why)
}
