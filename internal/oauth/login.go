package oauth

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"golang.org/x/oauth2"
)

// DeviceCode is what the person logging in must do (RFC 8628 section 3.3):
// open VerificationURI (or VerificationURIComplete) and type UserCode.
type DeviceCode struct {
	UserCode, VerificationURI, VerificationURIComplete string
	Expires                                            time.Time
}

// DeviceLogin performs the device-code step of the refresh-token grant:
// it asks for a code, hands it to show, waits (polling the token endpoint)
// until someone approved it, and stores the grant. It blocks until then,
// the code expires, or ctx ends.
func DeviceLogin(ctx context.Context, cfg Config, db *sqlx.DB, show func(DeviceCode)) error {
	if cfg.DeviceAuthURL == "" {
		return errors.New("oauth2: device_auth_url is not configured")
	}
	oc := cfg.oauth2()
	hctx := cfg.context(ctx)
	da, err := oc.DeviceAuth(hctx)
	if err != nil {
		return endpointError(err)
	}
	show(DeviceCode{UserCode: da.UserCode, VerificationURI: da.VerificationURI,
		VerificationURIComplete: da.VerificationURIComplete, Expires: da.Expiry})
	tok, err := oc.DeviceAccessToken(hctx, da)
	if err != nil {
		return endpointError(err)
	}
	return Store(ctx, cfg, db, tok)
}

// AuthCode is the start of an authorisation-code login: the address to
// open, and what the exchange needs afterwards.
type AuthCode struct {
	URL      string
	State    string
	verifier string
}

// StartAuthCode returns the address where the person logs in and consents
// (with PKCE, RFC 7636, and offline access so that a refresh token comes
// back).
func StartAuthCode(cfg Config) (AuthCode, error) {
	if cfg.AuthURL == "" {
		return AuthCode{}, errors.New("oauth2: auth_url is not configured")
	}
	a := AuthCode{State: oauth2.GenerateVerifier(), verifier: oauth2.GenerateVerifier()}
	a.URL = cfg.oauth2().AuthCodeURL(a.State, oauth2.AccessTypeOffline, oauth2.ApprovalForce, oauth2.S256ChallengeOption(a.verifier))
	return a, nil
}

// FinishAuthCode exchanges the code the provider redirected to (with the
// state it came with) and stores the grant.
func FinishAuthCode(ctx context.Context, cfg Config, db *sqlx.DB, a AuthCode, code, state string) error {
	if state != a.State {
		return errors.New("oauth2: the state that came back is not the one sent: start the login again")
	}
	tok, err := cfg.oauth2().Exchange(cfg.context(ctx), code, oauth2.VerifierOption(a.verifier))
	if err != nil {
		return endpointError(err)
	}
	return Store(ctx, cfg, db, tok)
}

// Store keeps a grant the login obtained: its refresh token and its access
// token, encrypted, replacing what the account had.
func Store(ctx context.Context, cfg Config, db *sqlx.DB, tok *oauth2.Token) error {
	now := cfg.now()
	if tok.RefreshToken == "" {
		return errors.New("oauth2: the provider returned no refresh token (for Google, the consent must ask for offline access; for Microsoft, the offline_access scope)")
	}
	seal, err := newSealer(cfg.TokenKey)
	if err != nil {
		return err
	}
	return saveRenewed(ctx, db, cfg.Account, seal.seal(cfg.Account, tok.RefreshToken), seal.seal(cfg.Account, tok.AccessToken),
		expiryOf(tok, now), now)
}

// Info is what is known of an account's stored grant, without its tokens.
type Info struct {
	Stored       bool
	RenewedAt    *time.Time
	AccessExpiry *time.Time
	LastError    string
	UpdatedAt    time.Time
}

// Status reads what is stored for an account.
func Status(ctx context.Context, db sqlx.QueryerContext, account string) (Info, error) {
	r, ok, err := readRow(ctx, db, account)
	if err != nil {
		return Info{}, fmt.Errorf("oauth2: %w", err)
	}
	if !ok {
		return Info{}, nil
	}
	return Info{Stored: true, RenewedAt: r.RenewedAt, AccessExpiry: r.AccessExpiry, LastError: r.LastError, UpdatedAt: r.UpdatedAt}, nil
}
