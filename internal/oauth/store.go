package oauth

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/ticketd/ticketd/tickets/store"
)

// row is an account's grant as stored, still sealed (tickets/store,
// oauth.go: the SQL).
type row = store.OAuthToken

// lockRow reads an account's grant and locks it for the transaction, so
// that of several replicas renewing at once one calls the token endpoint
// and the others wait and take what it stored.
func lockRow(ctx context.Context, tx *sqlx.Tx, account string) (row, bool, error) {
	r, ok, err := store.LockOAuthToken(ctx, tx, account)
	if err != nil {
		return r, false, fmt.Errorf("oauth2: reading the stored grant: %w", err)
	}
	return r, ok, nil
}

func readRow(ctx context.Context, q sqlx.QueryerContext, account string) (row, bool, error) {
	return store.ReadOAuthToken(ctx, q, account)
}

// saveRenewed stores a renewal: the refresh token (rotated or not) and the
// access token with its expiry.
func saveRenewed(ctx context.Context, q sqlx.ExecerContext, account string, refreshEnc, accessEnc []byte, expiry, now time.Time) error {
	if err := store.SaveOAuthRenewal(ctx, q, account, refreshEnc, accessEnc, expiry, now); err != nil {
		return fmt.Errorf("oauth2: storing the renewed grant: %w", err)
	}
	return nil
}

// saveError records why the last renewal failed, outside the transaction
// that failed.
func saveError(ctx context.Context, q sqlx.ExecerContext, account, msg string, now time.Time) {
	store.SaveOAuthError(ctx, q, account, msg, now)
}
