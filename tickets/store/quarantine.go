package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// StatusDiscarded is a quarantined message an operator decided nobody
// will process; its row and raw source stay on record.
const StatusDiscarded = "discarded"

// ErrNotQuarantined means a message is not (or no longer) in quarantine:
// released or discarded already, by another operator or replica.
var ErrNotQuarantined = errors.New("the message is not in quarantine")

// Quarantined is one quarantined inbound message as listed.
type Quarantined struct {
	ID        int64     `db:"id"`
	MessageID string    `db:"message_id"`
	FromAddr  string    `db:"from_addr"`
	FromName  string    `db:"from_name"`
	Subject   string    `db:"subject"`
	Reason    string    `db:"reason"`
	Size      int64     `db:"size"`
	CreatedAt time.Time `db:"created_at"`
}

// QuarantineAction is one release or discard on record.
type QuarantineAction struct {
	ID         int64     `db:"id"`
	MessageRow int64     `db:"message_row"`
	Action     string    `db:"action"` // "released" or "discarded"
	Actor      string    `db:"actor"`
	Note       string    `db:"note"`
	PrevReason string    `db:"prev_reason"`
	Outcome    string    `db:"outcome"`
	At         time.Time `db:"at"`
}

const quarantinedCols = `id, message_id, from_addr, from_name, subject, reason, coalesce(octet_length(raw), 0) AS size, created_at`

// ListQuarantined returns the messages in quarantine, oldest first.
func ListQuarantined(ctx context.Context, q sqlx.QueryerContext) ([]Quarantined, error) {
	var out []Quarantined
	err := sqlx.SelectContext(ctx, q, &out, `SELECT `+quarantinedCols+` FROM messages
		WHERE direction = 'in' AND status = 'quarantined' ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("listing quarantine: %w", err)
	}
	return out, nil
}

// GetInboundRaw reads an inbound message with its raw source, whatever its
// status.
func GetInboundRaw(ctx context.Context, q sqlx.QueryerContext, id int64) (Message, error) {
	var m Message
	err := sqlx.GetContext(ctx, q, &m, `SELECT `+messageCols+`, coalesce(raw, ''::bytea) AS raw FROM messages
		WHERE id = $1 AND direction = 'in'`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return m, fmt.Errorf("message %d: %w", id, ErrNotFound)
	}
	return m, err
}

// TakeQuarantined locks a quarantined message for the caller's transaction
// and returns it with its raw source. A message that is not in quarantine
// (released or discarded meanwhile: a second operator or replica waits on
// the lock, then finds the status changed) gives ErrNotQuarantined; one
// that does not exist, ErrNotFound.
func TakeQuarantined(ctx context.Context, q sqlx.QueryerContext, id int64) (Message, error) {
	var m Message
	err := sqlx.GetContext(ctx, q, &m, `SELECT `+messageCols+`, coalesce(raw, ''::bytea) AS raw FROM messages
		WHERE id = $1 AND direction = 'in' AND status = 'quarantined' FOR UPDATE`, id)
	if errors.Is(err, sql.ErrNoRows) {
		var exists bool
		if err := sqlx.GetContext(ctx, q, &exists, `SELECT EXISTS (SELECT 1 FROM messages WHERE id = $1 AND direction = 'in')`, id); err != nil {
			return m, err
		}
		if !exists {
			return m, fmt.Errorf("message %d: %w", id, ErrNotFound)
		}
		return m, fmt.Errorf("message %d: %w", id, ErrNotQuarantined)
	}
	return m, err
}

// DiscardQuarantined marks a quarantined message discarded, in the
// caller's transaction, and returns the reason it had been quarantined
// for. Only a message still in quarantine changes.
func DiscardQuarantined(ctx context.Context, q sqlx.ExtContext, id int64) (prevReason string, err error) {
	m, err := TakeQuarantined(ctx, q, id)
	if err != nil {
		return "", err
	}
	if _, err := q.ExecContext(ctx, `UPDATE messages SET status = 'discarded' WHERE id = $1`, id); err != nil {
		return "", fmt.Errorf("discarding message %d: %w", id, err)
	}
	return m.Reason, nil
}

// QuarantineReceived quarantines an inbound message with reason, in the
// caller's transaction, only if nobody processed it: a message still
// "received". It reports whether it changed the row; when the same message
// was stored and processed meanwhile (another mailbox, another replica),
// that outcome stands and nothing changes.
func QuarantineReceived(ctx context.Context, q sqlx.ExecerContext, id int64, reason string) (bool, error) {
	res, err := q.ExecContext(ctx, `UPDATE messages SET status = 'quarantined', reason = $2
		WHERE id = $1 AND status = 'received'`, id, dbText(reason))
	if err != nil {
		return false, fmt.Errorf("quarantining message %d: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("quarantining message %d: %w", id, err)
	}
	return n == 1, nil
}

// FirstPosition is the IMAP position a message was first fetched from
// (ok false when it came through none).
func FirstPosition(ctx context.Context, q sqlx.QueryerContext, id int64) (Position, bool, error) {
	var p Position
	err := sqlx.GetContext(ctx, q, &p, `SELECT account, mailbox, uidvalidity, uid, message_row, quarantine, reason
		FROM mailbox_positions WHERE message_row = $1 ORDER BY created_at, uid LIMIT 1`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return p, false, nil
	}
	return p, err == nil, err
}

// SyncPositions makes the IMAP positions of a message say what became of
// it after a release, so that a redelivery of one of them is moved as the
// message now is (to the processed folder, or to quarantine again).
func SyncPositions(ctx context.Context, q sqlx.ExecerContext, id int64, quarantine bool, reason string) error {
	_, err := q.ExecContext(ctx, `UPDATE mailbox_positions SET quarantine = $2, reason = $3 WHERE message_row = $1`, id, quarantine, reason)
	return err
}

// RecordQuarantineAction writes a release or discard on record.
func RecordQuarantineAction(ctx context.Context, q sqlx.ExecerContext, a QuarantineAction) error {
	_, err := q.ExecContext(ctx, `INSERT INTO quarantine_actions (message_row, action, actor, note, prev_reason, outcome, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, a.MessageRow, a.Action, a.Actor, a.Note, a.PrevReason, a.Outcome, a.At)
	if err != nil {
		return fmt.Errorf("recording quarantine action: %w", err)
	}
	return nil
}

// QuarantineActions returns what was done with a message, oldest first.
func QuarantineActions(ctx context.Context, q sqlx.QueryerContext, id int64) ([]QuarantineAction, error) {
	var out []QuarantineAction
	err := sqlx.SelectContext(ctx, q, &out, `SELECT id, message_row, action, actor, note, prev_reason, outcome, at
		FROM quarantine_actions WHERE message_row = $1 ORDER BY id`, id)
	return out, err
}
