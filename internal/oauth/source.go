// Package oauth hands out OAuth 2.0 access tokens for a mailbox (XOAUTH2
// and OAUTHBEARER, IMAP and SMTP alike) and renews them itself, with
// golang.org/x/oauth2: the client-credentials grant (Microsoft 365, a
// service mailbox) or the refresh-token grant (Gmail, or Microsoft 365
// with delegated access).
//
// For the refresh-token grant the current refresh token lives in
// PostgreSQL, encrypted with a key from the configuration, so that a token
// the provider rotates survives a restart and every replica uses the same
// one. A renewal locks the account's row: of several replicas renewing at
// once one calls the token endpoint, and the others take the access token
// it stored. A token is renewed RenewBefore its expiry, and once more when a
// server refused it (Invalidate).
//
// Of ticketd's packages it imports only tickets/store, where its SQL lives
// (oauth.go there), like all of ticketd's; the sealing stays here, so the
// store sees tokens only encrypted. The one-time login that stores the
// first refresh token is in login.go.
package oauth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// The grants.
const (
	ClientCredentials = "client_credentials"
	RefreshToken      = "refresh_token"
)

// DefaultRenewBefore is how long before its expiry a token is renewed.
const DefaultRenewBefore = 5 * time.Minute

// unknownLifetime is how long a token whose endpoint stated no expiry is
// used before it is renewed.
const unknownLifetime = time.Hour

// ErrNoGrant means no refresh token is stored for the account yet.
var ErrNoGrant = errors.New("oauth2: no grant stored for this account: run 'ticketd oauth2 login'")

// ErrRevoked means the token endpoint refused the grant itself (revoked,
// expired, or the client's credentials changed): no retry will help until
// someone acts, by logging in again or fixing the client's secret.
var ErrRevoked = errors.New("oauth2: the token endpoint refused the grant")

// Config is one account's OAuth 2.0 client.
type Config struct {
	Account       string // the key of the stored grant (the mailbox account's name)
	Grant         string // ClientCredentials or RefreshToken
	TokenURL      string
	AuthURL       string // the authorisation-code login
	DeviceAuthURL string // the device-code login
	RedirectURL   string // the authorisation-code login
	ClientID      string
	ClientSecret  string
	Scopes        []string
	TokenKey      string           // encrypts the stored tokens (refresh-token grant); at least MinKeyLength
	RenewBefore   time.Duration    // 0: DefaultRenewBefore
	HTTPClient    *http.Client     // nil: one with a 30-second timeout
	Clock         func() time.Time // nil: time.Now; expiries are by this clock
}

func (c *Config) now() time.Time {
	if c.Clock != nil {
		return c.Clock()
	}
	return time.Now()
}

func (c *Config) oauth2() *oauth2.Config {
	return &oauth2.Config{ClientID: c.ClientID, ClientSecret: c.ClientSecret, Scopes: c.Scopes, RedirectURL: c.RedirectURL,
		Endpoint: oauth2.Endpoint{TokenURL: c.TokenURL, AuthURL: c.AuthURL, DeviceAuthURL: c.DeviceAuthURL}}
}

func (c *Config) context(ctx context.Context) context.Context {
	hc := c.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	return context.WithValue(ctx, oauth2.HTTPClient, hc)
}

// Source hands out access tokens for one account. It is safe for
// concurrent use; IMAP and SMTP share one.
type Source struct {
	cfg  Config
	db   *sqlx.DB
	seal *sealer

	mu       sync.Mutex
	access   string
	expiry   time.Time
	rejected string // the access token a server refused: never handed out again

	// pending is a renewal the endpoint gave but the database did not
	// keep (pending.go): the rotated refresh token lives here until it is
	// stored, or until someone stored a newer one.
	pending    *pendingGrant
	retrying   bool
	retryFirst time.Duration // first wait before storing it again; 0: a second
	closed     chan struct{} // closed by Close: the retry stops
	closeOnce  sync.Once
}

// New returns the token source of cfg. The refresh-token grant needs db
// and a token key.
func New(cfg Config, db *sqlx.DB) (*Source, error) {
	if cfg.RenewBefore <= 0 {
		cfg.RenewBefore = DefaultRenewBefore
	}
	s := &Source{cfg: cfg, db: db, closed: make(chan struct{})}
	switch cfg.Grant {
	case ClientCredentials:
	case RefreshToken:
		if db == nil {
			return nil, errors.New("oauth2: the refresh-token grant needs the database")
		}
		seal, err := newSealer(cfg.TokenKey)
		if err != nil {
			return nil, err
		}
		s.seal = seal
	default:
		return nil, fmt.Errorf("oauth2: unknown grant %q", cfg.Grant)
	}
	if cfg.TokenURL == "" || cfg.ClientID == "" {
		return nil, errors.New("oauth2: token_url and client_id are needed")
	}
	return s, nil
}

// Token returns an access token valid for at least RenewBefore, renewing
// it first when needed. It blocks for the token endpoint (and, for the
// refresh-token grant, for another replica renewing the same account).
func (s *Source) Token(ctx context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.cfg.now()
	if s.pending != nil {
		// Best effort, and short: every IMAP and SMTP token request waits
		// on this lock, and the retry goes on meanwhile.
		sctx, cancel := context.WithTimeout(ctx, pendingStoreTimeout)
		s.storePending(sctx, now)
		cancel()
	}
	if s.access != "" && s.fresh(s.expiry, now) {
		return s.access, nil
	}
	var (
		access string
		expiry time.Time
		err    error
	)
	switch {
	case s.cfg.Grant == ClientCredentials:
		access, expiry, err = s.clientCredentials(ctx, now)
	case s.pending != nil:
		// The database did not take the last renewal, nor just now: the
		// refresh token that works is the one in memory.
		access, expiry, err = s.renewFromMemory(ctx, now)
	default:
		access, expiry, err = s.renewShared(ctx, now)
	}
	if err != nil {
		return "", err
	}
	s.access, s.expiry = access, expiry
	return access, nil
}

// Invalidate is told that a server refused the last token: the next Token
// renews it even if it has not expired.
func (s *Source) Invalidate() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.access != "" {
		s.rejected = s.access
	}
	s.access, s.expiry = "", time.Time{}
}

func (s *Source) fresh(expiry, now time.Time) bool {
	return now.Before(expiry.Add(-s.cfg.RenewBefore))
}

func (s *Source) clientCredentials(ctx context.Context, now time.Time) (string, time.Time, error) {
	cc := &clientcredentials.Config{ClientID: s.cfg.ClientID, ClientSecret: s.cfg.ClientSecret, TokenURL: s.cfg.TokenURL, Scopes: s.cfg.Scopes}
	tok, err := cc.Token(s.cfg.context(ctx))
	if err != nil {
		return "", time.Time{}, endpointError(err)
	}
	if tok.AccessToken == "" {
		return "", time.Time{}, errors.New("oauth2: the token endpoint returned no access token")
	}
	return tok.AccessToken, expiryOf(tok, now), nil
}

// renewShared returns the account's access token: the one another replica
// stored if it is still fresh and no server refused it, else a new one
// from the token endpoint, whose (perhaps rotated) refresh token it stores
// in the same transaction that held the row. When that store fails the
// token is still handed out, and a rotated refresh token is kept pending.
func (s *Source) renewShared(ctx context.Context, now time.Time) (string, time.Time, error) {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("oauth2: %w", err)
	}
	defer tx.Rollback()
	r, ok, err := lockRow(ctx, tx, s.cfg.Account)
	if err != nil {
		return "", time.Time{}, err
	}
	if !ok {
		return "", time.Time{}, ErrNoGrant
	}
	if r.AccessEnc != nil && r.AccessExpiry != nil && s.fresh(*r.AccessExpiry, now) {
		access, err := s.seal.open(s.cfg.Account, r.AccessEnc)
		if err != nil {
			return "", time.Time{}, err
		}
		if access != s.rejected {
			return access, *r.AccessExpiry, tx.Commit()
		}
	}
	refresh, err := s.seal.open(s.cfg.Account, r.RefreshEnc)
	if err != nil {
		return "", time.Time{}, err
	}
	used := refresh
	tok, err := s.cfg.oauth2().TokenSource(s.cfg.context(ctx), &oauth2.Token{RefreshToken: refresh}).Token()
	if err != nil {
		err = endpointError(err)
		tx.Rollback()
		saveError(ctx, s.db, s.cfg.Account, err.Error(), now)
		return "", time.Time{}, err
	}
	if tok.AccessToken == "" {
		return "", time.Time{}, errors.New("oauth2: the token endpoint returned no access token")
	}
	if tok.RefreshToken != "" {
		refresh = tok.RefreshToken // rotated
	}
	expiry := expiryOf(tok, now)
	err = saveRenewed(ctx, tx, s.cfg.Account, s.seal.seal(s.cfg.Account, refresh), s.seal.seal(s.cfg.Account, tok.AccessToken), expiry, now)
	if err == nil {
		err = tx.Commit()
	}
	if err != nil {
		// The endpoint gave a valid access token, and perhaps rotated the
		// refresh token, the one it accepts from now on. Were it lost, the
		// account would be locked out (zammad#3411): keep it in memory and
		// store it until the database takes it.
		if tok.RefreshToken != "" && tok.RefreshToken != used {
			s.keepPending(&pendingGrant{used: used, rotated: refresh, access: tok.AccessToken, expiry: expiry})
		}
	}
	return tok.AccessToken, expiry, nil
}

// expiryOf is when tok expires by our clock: now plus the expires_in the
// endpoint stated, or unknownLifetime when it stated none.
func expiryOf(tok *oauth2.Token, now time.Time) time.Time {
	var secs float64
	switch v := tok.Extra("expires_in").(type) {
	case float64:
		secs = v
	case int64:
		secs = float64(v)
	case int:
		secs = float64(v)
	}
	if secs > 0 && secs < 1e8 {
		return now.Add(time.Duration(secs * float64(time.Second)))
	}
	return now.Add(unknownLifetime)
}

// endpointError words a token endpoint's failure without its response
// body, and marks a refused grant as ErrRevoked.
func endpointError(err error) error {
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		return fmt.Errorf("oauth2: token endpoint: %w", err)
	}
	desc := re.ErrorCode
	if d := oneLine(re.ErrorDescription, 200); d != "" {
		desc += ": " + d
	}
	if desc == "" && re.Response != nil {
		desc = re.Response.Status
	}
	switch re.ErrorCode {
	case "invalid_grant", "invalid_client", "unauthorized_client":
		return fmt.Errorf("%w (%s)", ErrRevoked, desc)
	}
	return fmt.Errorf("oauth2: token endpoint: %s", desc)
}

func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		s = s[:n]
	}
	return s
}
