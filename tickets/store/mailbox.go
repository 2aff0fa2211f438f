package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// Position is one IMAP message handled, by its place on the server.
type Position struct {
	Account     string `db:"account"`
	Mailbox     string `db:"mailbox"`
	UIDValidity uint32 `db:"uidvalidity"`
	UID         uint32 `db:"uid"`
	MessageRow  *int64 `db:"message_row"`
	Quarantine  bool   `db:"quarantine"`
	Reason      string `db:"reason"`
}

// PutPosition records a handled position and advances the mailbox cursor,
// in the caller's transaction (a batch of one: PutPositions). Recording the
// same position again is a no-op.
func PutPosition(ctx context.Context, q sqlx.ExecerContext, p Position, now time.Time) error {
	return PutPositions(ctx, q, []Position{p}, now)
}

// putCursor advances a mailbox's cursor to p.UID (or restarts it under a
// new UIDVALIDITY).
func putCursor(ctx context.Context, q sqlx.ExecerContext, p Position, now time.Time) error {
	_, err := q.ExecContext(ctx, cursorSQL(0), cursorArgs(p, now)...)
	return err
}

// cursorSQL is the statement putCursor runs, its five parameters numbered
// from base+1, so that it can follow other parameters in one statement.
func cursorSQL(base int) string {
	return fmt.Sprintf(`INSERT INTO mailbox_state (account, mailbox, uidvalidity, last_uid, last_success, updated_at)
		VALUES ($%[1]d, $%[2]d, $%[3]d, $%[4]d, $%[5]d, $%[5]d)
		ON CONFLICT (account, mailbox) DO UPDATE SET
			last_uid = CASE WHEN mailbox_state.uidvalidity = EXCLUDED.uidvalidity
				THEN GREATEST(mailbox_state.last_uid, EXCLUDED.last_uid) ELSE EXCLUDED.last_uid END,
			uidvalidity = EXCLUDED.uidvalidity, last_success = EXCLUDED.last_success, updated_at = EXCLUDED.updated_at`,
		base+1, base+2, base+3, base+4, base+5)
}

func cursorArgs(p Position, now time.Time) []any {
	return []any{p.Account, p.Mailbox, int64(p.UIDValidity), int64(p.UID), now}
}

// Cursor returns the highest UID committed for a mailbox under uidValidity,
// 0 when none was or when the mailbox's UIDVALIDITY changed since.
func Cursor(ctx context.Context, q sqlx.QueryerContext, account, mailbox string, uidValidity uint32) (uint32, error) {
	var last int64
	err := sqlx.GetContext(ctx, q, &last, `SELECT last_uid FROM mailbox_state
		WHERE account = $1 AND mailbox = $2 AND uidvalidity = $3`, account, mailbox, int64(uidValidity))
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return uint32(last), err
}

// MailboxState is the stored state of one mailbox, for `ticketd status`
// and readiness.
type MailboxState struct {
	Account     string     `db:"account"`
	Mailbox     string     `db:"mailbox"`
	UIDValidity int64      `db:"uidvalidity"`
	LastUID     int64      `db:"last_uid"`
	LastSuccess *time.Time `db:"last_success"`
	LastError   string     `db:"last_error"`
	LastErrorAt *time.Time `db:"last_error_at"`
	Backlog     int        `db:"backlog"`
	Holder      string     `db:"holder"`
	UpdatedAt   time.Time  `db:"updated_at"`
}

// ReportMailbox records a mailbox's health as seen by the daemon reading it.
func ReportMailbox(ctx context.Context, q sqlx.ExecerContext, s MailboxState) error {
	_, err := q.ExecContext(ctx, `INSERT INTO mailbox_state (account, mailbox, last_error, last_error_at, backlog, holder, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (account, mailbox) DO UPDATE SET last_error = EXCLUDED.last_error,
			last_error_at = COALESCE(EXCLUDED.last_error_at, mailbox_state.last_error_at),
			backlog = EXCLUDED.backlog, holder = EXCLUDED.holder, updated_at = EXCLUDED.updated_at,
			last_success = COALESCE($8, mailbox_state.last_success)`,
		s.Account, s.Mailbox, s.LastError, s.LastErrorAt, s.Backlog, s.Holder, s.UpdatedAt, s.LastSuccess)
	return err
}

// Mailboxes returns every mailbox's stored state.
func Mailboxes(ctx context.Context, q sqlx.QueryerContext) ([]MailboxState, error) {
	var out []MailboxState
	err := sqlx.SelectContext(ctx, q, &out, `SELECT account, mailbox, uidvalidity, last_uid, last_success, last_error,
		last_error_at, backlog, holder, updated_at FROM mailbox_state ORDER BY account, mailbox`)
	return out, err
}

// Setting reads a shared value; ok is false when it is not set.
func Setting(ctx context.Context, q sqlx.QueryerContext, key string) (string, bool, error) {
	var v string
	err := sqlx.GetContext(ctx, q, &v, `SELECT value FROM settings WHERE key = $1`, key)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	return v, err == nil, err
}

// SettingOrCreate returns the stored value for key, storing def first when
// there is none. Concurrent callers all get the first stored value.
func SettingOrCreate(ctx context.Context, q sqlx.ExtContext, key, def string) (string, error) {
	if _, err := q.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT DO NOTHING`, key, def); err != nil {
		return "", err
	}
	v, _, err := Setting(ctx, q, key)
	return v, err
}
