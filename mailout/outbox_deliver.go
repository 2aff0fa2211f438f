package mailout

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/ticketd/ticketd/internal/backoff"
	"github.com/ticketd/ticketd/internal/faults"
	"github.com/ticketd/ticketd/tickets"
	"github.com/ticketd/ticketd/tickets/service"
	"github.com/ticketd/ticketd/tickets/store"
)

// Retry schedule of a temporary failure: 1m (or WorkerConfig.RetryInitial),
// 2m, 4m… capped at an hour, each shortened by up to a tenth so that rows
// refused together do not all come back in the same second.
const (
	retryMin = time.Minute
	retryMax = time.Hour
)

// kindDeliveryFailed is the notice that tells the desk a notification
// bounced. Its own failure is not put on the ticket: that would queue
// another notice to the same desk, and so on.
const kindDeliveryFailed = "delivery_failed"

// outcome is what happened to one row.
type outcome struct {
	sent    bool
	crashed bool           // test hook: the process "died" after the server accepted
	connErr *DeliveryError // the connection is unusable after this row
	dial    bool           // no connection could be made
}

// envelope maps an outbox row to the message it sends. Everything comes from
// the row, fixed when it was queued: a resend is the same message, with the
// same Message-ID and Date.
func (w *Worker) envelope(o store.Outgoing) Envelope {
	e := Envelope{
		From:          Person{Name: o.FromName, Email: o.FromAddr},
		To:            []Person{{Name: o.RecipientName, Email: o.Recipient}},
		ReplyTo:       o.ReplyTo,
		Subject:       o.Subject,
		Text:          o.TextBody,
		HTML:          o.HTMLBody,
		MessageID:     o.MessageID,
		InReplyTo:     o.InReplyTo,
		References:    []string(o.Refs),
		AutoSubmitted: o.AutoSubmitted,
		LoopHeader:    w.cfg.LoopHeader,
		Date:          o.CreatedAt.In(w.zone()),
		// 8bit where the lines allow it: no quoted-printable to encode
		// and decode, and a smaller message. The Sender falls back to
		// quoted-printable for a server without 8BITMIME.
		EightBit: true,
	}
	if o.TicketID != nil {
		e.TicketRef = tickets.Ref(w.cfg.Tag, *o.TicketID)
	}
	return e
}

// deliver sends one claimed row and records the result on it; a row the
// server accepted is handed to sent.
func (w *Worker) deliver(ctx context.Context, s *Sender, o store.Outgoing, sent *marks, log *slog.Logger) outcome {
	log = rowLog(log, o)
	e := w.envelope(o)
	files, err := w.files(ctx, o)
	if err != nil {
		w.retry(ctx, o, time.Time{}, oneLine("reading attachments: "+err.Error(), maxReason), log)
		return outcome{}
	}
	e.Files = files
	msg, err := Compose(e)
	if err != nil {
		w.report(o.Kind, 0, err)
		// ErrBadAddress, ErrBadHeader: the row can never be sent.
		w.fail(ctx, o, oneLine("compose: "+err.Error(), maxReason), log)
		return outcome{}
	}
	start := time.Now()
	if nullSender(o) {
		err = s.SendNullSender(ctx, msg)
	} else {
		err = s.Send(ctx, msg)
	}
	w.report(o.Kind, time.Since(start), err)
	if err == nil {
		if w.crashAfterSend != nil && w.crashAfterSend(o) {
			return outcome{crashed: true}
		}
		faults.Point(faults.OutboxBeforeMark)
		sent.add(o.ID, w.now())
		log.Debug("message sent")
		return outcome{sent: true}
	}
	var de *DeliveryError
	if !errors.As(err, &de) {
		de = &DeliveryError{Temporary: true, ConnLost: true, Err: err}
	}
	switch {
	case de.Dial:
		// Not attempted: no connection. The row waits for the reconnection
		// (or fails if it has waited too long already).
		w.retry(ctx, o, w.now().Add(connBackoffMin), "not attempted: "+de.Reason(), log)
		return outcome{connErr: de, dial: true}
	case de.Unconfirmed:
		w.unconfirmed(ctx, o, de.Reason(), log)
	case de.Temporary:
		w.retry(ctx, o, time.Time{}, de.Reason(), log)
	default:
		w.fail(ctx, o, de.Reason(), log)
	}
	if de.ConnLost {
		return outcome{connErr: de}
	}
	return outcome{}
}

// nullSender reports whether a row goes out with the null reverse-path
// (MAIL FROM:<>): the automatic answers to a person's message (the
// acknowledgement, a command's result, a quarantine notice), which the
// notifier queues as auto-replied. RFC 3834 §3.3 asks for it so that their
// bounces do not come back to the desk; the notifications people answer
// keep the desk's address, where a bounce is recorded on the ticket.
func nullSender(o store.Outgoing) bool { return o.AutoSubmitted == AutoReplied }

// unconfirmed records an attempt whose end of data the server never
// answered: it may have the message. The first time, the row is retried as
// after a temporary failure, with the doubt on record; if the retry is
// unconfirmed too, the row is taken as sent. So a server that hangs after
// the final dot gets a message at most twice, and one that answers late
// once or twice still gets it.
func (w *Worker) unconfirmed(ctx context.Context, o store.Outgoing, reason string, log *slog.Logger) {
	reason = "unconfirmed: " + reason
	if o.Unconfirmed == 0 {
		w.retryAs(ctx, o, time.Time{}, reason, true, log)
		return
	}
	mctx, cancel := detached(ctx)
	defer cancel()
	if err := store.MarkSentUnconfirmed(mctx, w.db, o.ID, w.now(), reason); err != nil {
		log.Error("unconfirmed delivery not recorded; the row waits for its lease", "reason", reason, "error", err)
		return
	}
	w.sent.Add(1)
	log.Warn("no reply to the end of data a second time; taken as delivered, not sent again",
		"reason", reason, "attempts", o.Attempts, "unconfirmed", o.Unconfirmed+1)
}

// rowLog names a row in log lines: never its body.
func rowLog(log *slog.Logger, o store.Outgoing) *slog.Logger {
	return log.With("outbox_id", o.ID, "kind", o.Kind, "recipient", o.Recipient, "message_id", o.MessageID)
}

func (w *Worker) report(kind string, d time.Duration, err error) {
	if w.cfg.OnSend != nil {
		w.cfg.OnSend(kind, d, err)
	}
}

// retryDelay is the wait after the attempts-th failed attempt.
func retryDelay(attempts int) time.Duration { return retryDelayFrom(retryMin, attempts) }

// retryDelayFrom is the wait after the attempts-th failed attempt when the
// first wait is first (WorkerConfig.RetryInitial).
func retryDelayFrom(first time.Duration, attempts int) time.Duration {
	return backoff.Shorten(backoff.Delay(first, retryMax, max(attempts-1, 0)), 10, rand.Int64N)
}

// retry records a temporary failure: the row comes back at next (zero: after
// the retry schedule), but never later than the end of its retry window,
// so the last attempt happens on time. A row whose window is over fails.
func (w *Worker) retry(ctx context.Context, o store.Outgoing, next time.Time, reason string, log *slog.Logger) {
	w.retryAs(ctx, o, next, reason, false, log)
}

// retryAs is retry; unconfirmed also counts the attempt as one the server
// may have delivered (MarkUnconfirmed).
func (w *Worker) retryAs(ctx context.Context, o store.Outgoing, next time.Time, reason string, unconfirmed bool, log *slog.Logger) {
	now := w.now()
	deadline := o.CreatedAt.Add(w.cfg.RetryFor)
	if !now.Before(deadline) {
		w.fail(ctx, o, fmt.Sprintf("temporary failures for more than %s; last: %s", w.cfg.RetryFor, reason), log)
		return
	}
	if next.IsZero() {
		next = now.Add(retryDelayFrom(w.cfg.RetryInitial, o.Attempts))
	}
	if next.After(deadline) {
		next = deadline
	}
	mctx, cancel := detached(ctx)
	defer cancel()
	mark := store.MarkRetry
	if unconfirmed {
		mark = store.MarkUnconfirmed
	}
	if err := mark(mctx, w.db, o.ID, next, reason); err != nil {
		log.Error("temporary failure not recorded; the row waits for its lease", "reason", reason, "error", err)
		return
	}
	w.retried.Add(1)
	log.Info("temporary delivery failure", "reason", reason, "attempts", o.Attempts, "next_attempt_at", next)
}

// fail records a permanent failure. In one transaction it marks the row
// failed and, the first time only (MarkFailed reports who changed it), puts
// a delivery_failed event on the ticket, which makes the service's notifier
// queue a notice to the desk. A failed delivery_failed notice is only
// marked and logged.
func (w *Worker) fail(ctx context.Context, o store.Outgoing, reason string, log *slog.Logger) {
	mctx, cancel := detached(ctx)
	defer cancel()
	var changed bool
	record := o.TicketID != nil && o.Kind != kindDeliveryFailed && w.svc != nil
	note := tickets.Note{Code: tickets.NoteDeliveryFailed, Notice: o.Kind, Address: o.Recipient, Detail: reason}
	err := w.inTx(mctx, func(q *sqlx.Tx, tx *service.Tx) error {
		var err error
		changed, err = store.MarkFailed(mctx, q, o.ID, reason)
		if err != nil || !changed || !record {
			return err
		}
		_, err = tx.RecordNote(*o.TicketID, tickets.EventDeliveryFailed, tickets.System, note, nil)
		return err
	})
	if err != nil {
		log.Error("permanent failure not recorded; the row waits for its lease", "reason", reason, "error", err)
		return
	}
	if !changed {
		return // another worker got there first
	}
	w.failed.Add(1)
	log.Warn("delivery failed", "reason", reason, "attempts", o.Attempts, "on_ticket", record)
}

// inTx runs fn in the service's transaction (so the event's notifications
// are queued in it), or in a plain one without a service.
func (w *Worker) inTx(ctx context.Context, fn func(q *sqlx.Tx, tx *service.Tx) error) error {
	if w.svc != nil {
		return w.svc.InTx(ctx, func(tx *service.Tx) error { return fn(tx.Q, tx) })
	}
	q, err := w.db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(q, nil); err != nil {
		q.Rollback()
		return err
	}
	if err := q.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}
