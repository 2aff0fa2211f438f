package store

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"
)

// health_alerts: one row per part (a mailbox, the SMTP sender) that
// internal/alerts watches, keyed by its subject.

// HealthAlert is a part's row as internal/alerts changes it: since when it
// fails (nil: it works) and when the administrators were told (nil: not).
type HealthAlert struct {
	FailingSince *time.Time `db:"failing_since"`
	AlertedAt    *time.Time `db:"alerted_at"`
}

// LockHealthAlert reads subject's row, creating it if there is none, and
// locks it for tx, so that of several replicas observing the same part one
// at a time changes it.
func LockHealthAlert(ctx context.Context, tx *sqlx.Tx, subject string) (HealthAlert, error) {
	var row HealthAlert
	if _, err := tx.ExecContext(ctx, `INSERT INTO health_alerts (subject) VALUES ($1) ON CONFLICT DO NOTHING`, subject); err != nil {
		return row, err
	}
	err := tx.GetContext(ctx, &row, `SELECT failing_since, alerted_at FROM health_alerts WHERE subject = $1 FOR UPDATE`, subject)
	return row, err
}

// SetHealthFailing records that subject fails since since with lastError,
// and when the administrators were told (nil: not yet).
func SetHealthFailing(ctx context.Context, q sqlx.ExecerContext, subject string, since time.Time, lastError string, alerted *time.Time, now time.Time) error {
	_, err := q.ExecContext(ctx, `UPDATE health_alerts SET failing_since = $2, last_error = $3, alerted_at = $4, updated_at = $5
			WHERE subject = $1`, subject, since, lastError, alerted, now)
	return err
}

// ClearHealthAlert records that subject works.
func ClearHealthAlert(ctx context.Context, q sqlx.ExecerContext, subject string, now time.Time) error {
	_, err := q.ExecContext(ctx, `UPDATE health_alerts SET failing_since = NULL, last_error = '', alerted_at = NULL, updated_at = $2
		WHERE subject = $1`, subject, now)
	return err
}

// HealthFailure is a part that fails now, as recorded.
type HealthFailure struct {
	Subject      string     `db:"subject"`
	FailingSince time.Time  `db:"failing_since"`
	LastError    string     `db:"last_error"`
	AlertedAt    *time.Time `db:"alerted_at"`
}

// HealthFailures returns the parts failing now, by subject.
func HealthFailures(ctx context.Context, q sqlx.QueryerContext) ([]HealthFailure, error) {
	var out []HealthFailure
	err := sqlx.SelectContext(ctx, q, &out, `SELECT subject, failing_since, last_error, alerted_at FROM health_alerts
		WHERE failing_since IS NOT NULL ORDER BY subject`)
	return out, err
}
