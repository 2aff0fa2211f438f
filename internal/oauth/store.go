package oauth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// row is an account's grant as stored, still sealed.
type row struct {
	Account      string     `db:"account"`
	RefreshEnc   []byte     `db:"refresh_enc"`
	AccessEnc    []byte     `db:"access_enc"`
	AccessExpiry *time.Time `db:"access_expiry"`
	RenewedAt    *time.Time `db:"renewed_at"`
	LastError    string     `db:"last_error"`
	UpdatedAt    time.Time  `db:"updated_at"`
}

const rowCols = `account, refresh_enc, access_enc, access_expiry, renewed_at, last_error, updated_at`

// lockRow reads an account's grant and locks it for the transaction, so
// that of several replicas renewing at once one calls the token endpoint
// and the others wait and take what it stored.
func lockRow(ctx context.Context, tx *sqlx.Tx, account string) (row, bool, error) {
	var r row
	err := sqlx.GetContext(ctx, tx, &r, `SELECT `+rowCols+` FROM oauth_tokens WHERE account = $1 FOR UPDATE`, account)
	if errors.Is(err, sql.ErrNoRows) {
		return r, false, nil
	}
	if err != nil {
		return r, false, fmt.Errorf("oauth2: reading the stored grant: %w", err)
	}
	return r, true, nil
}

func readRow(ctx context.Context, q sqlx.QueryerContext, account string) (row, bool, error) {
	var r row
	err := sqlx.GetContext(ctx, q, &r, `SELECT `+rowCols+` FROM oauth_tokens WHERE account = $1`, account)
	if errors.Is(err, sql.ErrNoRows) {
		return r, false, nil
	}
	return r, err == nil, err
}

// saveRenewed stores a renewal: the refresh token (rotated or not) and the
// access token with its expiry.
func saveRenewed(ctx context.Context, q sqlx.ExecerContext, account string, refreshEnc, accessEnc []byte, expiry, now time.Time) error {
	_, err := q.ExecContext(ctx, `INSERT INTO oauth_tokens (account, refresh_enc, access_enc, access_expiry, renewed_at, last_error, updated_at)
		VALUES ($1, $2, $3, $4, $5, '', $5)
		ON CONFLICT (account) DO UPDATE SET refresh_enc = $2, access_enc = $3, access_expiry = $4, renewed_at = $5,
			last_error = '', updated_at = $5`, account, refreshEnc, accessEnc, expiry, now)
	if err != nil {
		return fmt.Errorf("oauth2: storing the renewed grant: %w", err)
	}
	return nil
}

// saveError records why the last renewal failed, outside the transaction
// that failed.
func saveError(ctx context.Context, q sqlx.ExecerContext, account, msg string, now time.Time) {
	q.ExecContext(ctx, `UPDATE oauth_tokens SET last_error = $2, updated_at = $3 WHERE account = $1`, account, msg, now)
}
