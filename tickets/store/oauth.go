package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/jmoiron/sqlx"
)

// oauth_tokens: each mail account's OAuth2 grant, sealed by internal/oauth
// (the store never sees a token in clear).

// OAuthToken is an account's grant as stored, still sealed.
type OAuthToken struct {
	Account      string     `db:"account"`
	RefreshEnc   []byte     `db:"refresh_enc"`
	AccessEnc    []byte     `db:"access_enc"`
	AccessExpiry *time.Time `db:"access_expiry"`
	RenewedAt    *time.Time `db:"renewed_at"`
	LastError    string     `db:"last_error"`
	UpdatedAt    time.Time  `db:"updated_at"`
}

const oauthTokenCols = `account, refresh_enc, access_enc, access_expiry, renewed_at, last_error, updated_at`

// LockOAuthToken reads an account's grant and locks it for tx, so that of
// several replicas renewing at once one calls the token endpoint and the
// others wait and take what it stored. ok is false when there is none.
func LockOAuthToken(ctx context.Context, tx *sqlx.Tx, account string) (t OAuthToken, ok bool, err error) {
	err = sqlx.GetContext(ctx, tx, &t, `SELECT `+oauthTokenCols+` FROM oauth_tokens WHERE account = $1 FOR UPDATE`, account)
	if errors.Is(err, sql.ErrNoRows) {
		return t, false, nil
	}
	return t, err == nil, err
}

// ReadOAuthToken reads an account's grant; ok is false when there is none.
func ReadOAuthToken(ctx context.Context, q sqlx.QueryerContext, account string) (t OAuthToken, ok bool, err error) {
	err = sqlx.GetContext(ctx, q, &t, `SELECT `+oauthTokenCols+` FROM oauth_tokens WHERE account = $1`, account)
	if errors.Is(err, sql.ErrNoRows) {
		return t, false, nil
	}
	return t, err == nil, err
}

// SaveOAuthRenewal stores a renewal: the refresh token (rotated or not) and
// the access token with its expiry, both sealed; it clears the last error.
func SaveOAuthRenewal(ctx context.Context, q sqlx.ExecerContext, account string, refreshEnc, accessEnc []byte, expiry, now time.Time) error {
	_, err := q.ExecContext(ctx, `INSERT INTO oauth_tokens (account, refresh_enc, access_enc, access_expiry, renewed_at, last_error, updated_at)
		VALUES ($1, $2, $3, $4, $5, '', $5)
		ON CONFLICT (account) DO UPDATE SET refresh_enc = $2, access_enc = $3, access_expiry = $4, renewed_at = $5,
			last_error = '', updated_at = $5`, account, refreshEnc, accessEnc, expiry, now)
	return err
}

// SaveOAuthError records why an account's last renewal failed.
func SaveOAuthError(ctx context.Context, q sqlx.ExecerContext, account, msg string, now time.Time) error {
	_, err := q.ExecContext(ctx, `UPDATE oauth_tokens SET last_error = $2, updated_at = $3 WHERE account = $1`, account, msg, now)
	return err
}
