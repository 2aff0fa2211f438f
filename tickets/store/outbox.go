package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Outbox statuses.
const (
	OutboxPending = "pending" // waiting to be sent (or retried)
	OutboxSent    = "sent"    // accepted by the SMTP server
	OutboxFailed  = "failed"  // permanently refused, or retried past the limit
	OutboxHeld    = "held"    // held back by the per-recipient cap; never sent
)

// Outgoing is one notification queued in the outbox, with the message it
// sends.
type Outgoing struct {
	ID            int64  `db:"id"`
	MessageRow    int64  `db:"message_row"`
	TicketID      *int64 `db:"ticket_id"`
	EventID       *int64 `db:"event_id"`
	Kind          string `db:"kind"`
	Recipient     string `db:"recipient"`
	RecipientName string `db:"recipient_name"`
	ReplyTo       string `db:"reply_to"`
	HTMLBody      string `db:"html_body"`
	AutoSubmitted string `db:"auto_submitted"`
	Status        string `db:"status"`
	Attempts      int    `db:"attempts"`
	// Unconfirmed counts the attempts whose end of data the server never
	// answered (it may have the message).
	Unconfirmed   int            `db:"unconfirmed"`
	NextAttemptAt time.Time      `db:"next_attempt_at"`
	LastError     string         `db:"last_error"`
	DedupKey      *string        `db:"dedup_key"`
	CreatedAt     time.Time      `db:"created_at"`
	SentAt        *time.Time     `db:"sent_at"`
	MessageID     string         `db:"message_id"`
	InReplyTo     string         `db:"in_reply_to"`
	Refs          pq.StringArray `db:"refs"`
	FromAddr      string         `db:"from_addr"`
	FromName      string         `db:"from_name"`
	Subject       string         `db:"subject"`
	TextBody      string         `db:"body"`
}

// Enqueue stores the message and its outbox row in the caller's
// transaction and sets o.ID and o.MessageRow. A row whose DedupKey was
// queued before is not queued again: queued is then false, as it is for a
// row queued held. The row is due at o.NextAttemptAt (its creation
// when zero), with o.Attempts attempts counted: a row queued already
// claimed by a worker of this process has its lease as first attempt.
func Enqueue(ctx context.Context, q sqlx.ExtContext, o *Outgoing) (queued bool, err error) {
	if o.DedupKey != nil {
		var n int
		if err := sqlx.GetContext(ctx, q, &n, `SELECT count(*) FROM outbox WHERE dedup_key = $1`, *o.DedupKey); err != nil {
			return false, fmt.Errorf("outbox dedup: %w", err)
		}
		if n > 0 {
			return false, nil
		}
	}
	msgRow, err := InsertOutbound(ctx, q, Message{
		TicketID: o.TicketID, MessageID: o.MessageID, InReplyTo: o.InReplyTo, Refs: o.Refs,
		FromAddr: o.FromAddr, FromName: o.FromName, ToAddrs: pq.StringArray{o.Recipient},
		Subject: o.Subject, Body: o.TextBody, HTMLBody: o.HTMLBody, CreatedAt: o.CreatedAt,
	})
	if err != nil {
		return false, err
	}
	status, next := o.queueState()
	var id int64
	err = sqlx.GetContext(ctx, q, &id, `INSERT INTO outbox
		(message_row, ticket_id, event_id, kind, recipient, recipient_name, reply_to, auto_submitted,
		 status, next_attempt_at, last_error, dedup_key, created_at, attempts)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id`,
		msgRow, o.TicketID, o.EventID, o.Kind, o.Recipient, o.RecipientName, o.ReplyTo, o.AutoSubmitted,
		status, next, o.LastError, o.DedupKey, o.CreatedAt, o.Attempts)
	if err != nil {
		return false, fmt.Errorf("queueing notification: %w", err)
	}
	o.ID, o.MessageRow = id, msgRow
	return status == OutboxPending, nil
}

// queueState is the status and first attempt a queued row gets: pending
// and due at once, unless o says otherwise.
func (o Outgoing) queueState() (status string, next time.Time) {
	status, next = o.Status, o.NextAttemptAt
	if status == "" {
		status = OutboxPending
	}
	if next.IsZero() {
		next = o.CreatedAt
	}
	return status, next
}

const outgoingCols = `o.id, o.message_row, o.ticket_id, o.event_id, o.kind, o.recipient, o.recipient_name, o.reply_to,
	m.html_body, o.auto_submitted, o.status, o.attempts, o.unconfirmed, o.next_attempt_at, o.last_error, o.dedup_key, o.created_at,
	o.sent_at, m.message_id, m.in_reply_to, m.refs, m.from_addr, m.from_name, m.subject, m.body`

// Claim takes up to limit due rows for sending: answers to a person's
// message (auto-replied) first, then the others, oldest first. Rows locked
// by another worker are skipped (FOR UPDATE SKIP LOCKED), and each claimed
// row's next attempt is pushed lease into the future in the same
// statement: if this worker dies before marking it, another one sends it
// again after the lease, with the same Message-ID.
//
// Only rows whose id is at least from are looked at (0: all). Sent rows
// leave dead entries in the index of pending rows until a vacuum, and a
// claim that starts from the beginning steps over all of them, a heap
// fetch each; from lets a worker that knows where the rows still due begin
// skip them inside the index (see the worker's floor in package mailout).
func Claim(ctx context.Context, db sqlx.ExtContext, from int64, limit int, now time.Time, lease time.Duration) ([]Outgoing, error) {
	var out []Outgoing
	err := sqlx.SelectContext(ctx, db, &out, `WITH due AS (
			SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= $1 AND id >= $4
			ORDER BY auto_submitted <> 'auto-replied', id LIMIT $2 FOR UPDATE SKIP LOCKED),
		claimed AS (
			UPDATE outbox o SET next_attempt_at = $3, attempts = o.attempts + 1
			FROM due WHERE o.id = due.id RETURNING o.*)
		SELECT `+outgoingCols+` FROM claimed o JOIN messages m ON m.id = o.message_row
		ORDER BY o.auto_submitted <> 'auto-replied', o.id`,
		now, limit, now.Add(lease), from)
	if err != nil {
		return nil, fmt.Errorf("claiming outbox rows: %w", err)
	}
	return out, nil
}

// MarkSentMany records that the SMTP server accepted the rows ids, the
// i-th at ats[i], in one statement.
func MarkSentMany(ctx context.Context, q sqlx.ExecerContext, ids []int64, ats []time.Time) error {
	if len(ids) != len(ats) {
		return fmt.Errorf("marking sent: %d rows, %d times", len(ids), len(ats))
	}
	times := make([]string, len(ats))
	for i, at := range ats {
		times[i] = at.UTC().Format(time.RFC3339Nano)
	}
	_, err := q.ExecContext(ctx, `UPDATE outbox o SET status = 'sent', sent_at = v.at, last_error = ''
		FROM unnest($1::bigint[], $2::timestamptz[]) AS v (id, at) WHERE o.id = v.id`,
		pq.Int64Array(ids), pq.StringArray(times))
	if err != nil {
		return fmt.Errorf("marking sent: %w", err)
	}
	return nil
}

// MarkRetry records a temporary failure and when to try again.
func MarkRetry(ctx context.Context, q sqlx.ExecerContext, id int64, next time.Time, reason string) error {
	_, err := q.ExecContext(ctx, `UPDATE outbox SET next_attempt_at = $2, last_error = $3 WHERE id = $1 AND status = 'pending'`,
		id, next, truncate(reason, 1000))
	return err
}

// MarkUnconfirmed records an attempt that the server may have delivered
// (it never answered the end of the data) and when to try again.
func MarkUnconfirmed(ctx context.Context, q sqlx.ExecerContext, id int64, next time.Time, reason string) error {
	_, err := q.ExecContext(ctx, `UPDATE outbox SET next_attempt_at = $2, last_error = $3, unconfirmed = unconfirmed + 1
		WHERE id = $1 AND status = 'pending'`, id, next, truncate(reason, 1000))
	return err
}

// MarkSentUnconfirmed records that a row is taken as sent without the
// server's word: an earlier attempt and this one handed the message over
// and got no reply. reason stays as the row's last error, so that the
// doubt is on record.
func MarkSentUnconfirmed(ctx context.Context, q sqlx.ExecerContext, id int64, at time.Time, reason string) error {
	_, err := q.ExecContext(ctx, `UPDATE outbox SET status = 'sent', sent_at = $2, last_error = $3, unconfirmed = unconfirmed + 1
		WHERE id = $1 AND status = 'pending'`, id, at, truncate(reason, 1000))
	return err
}

// MarkFailed records a permanent failure. It reports whether this call made
// the change (so the failure is put on record once).
func MarkFailed(ctx context.Context, q sqlx.ExecerContext, id int64, reason string) (bool, error) {
	res, err := q.ExecContext(ctx, `UPDATE outbox SET status = 'failed', last_error = $2 WHERE id = $1 AND status = 'pending'`,
		id, truncate(reason, 1000))
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// GetOutgoing reads one outbox row with its message.
func GetOutgoing(ctx context.Context, q sqlx.QueryerContext, id int64) (Outgoing, error) {
	var o Outgoing
	err := sqlx.GetContext(ctx, q, &o, `SELECT `+outgoingCols+` FROM outbox o JOIN messages m ON m.id = o.message_row WHERE o.id = $1`, id)
	return o, err
}

// OutboxBacklog returns the number of pending rows and failed rows.
func OutboxBacklog(ctx context.Context, q sqlx.QueryerContext) (pending, failed int, err error) {
	err = sqlx.GetContext(ctx, q, &pending, `SELECT count(*) FROM outbox WHERE status = 'pending'`)
	if err == nil {
		err = sqlx.GetContext(ctx, q, &failed, `SELECT count(*) FROM outbox WHERE status = 'failed'`)
	}
	return pending, failed, err
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
