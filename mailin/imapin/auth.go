package imapin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-sasl"
)

// mechXOAuth2 is Google's and Microsoft's pre-standard OAuth 2.0 SASL
// mechanism (https://developers.google.com/gmail/imap/xoauth2-protocol).
const mechXOAuth2 = "XOAUTH2"

// xoauth2Client is a sasl.Client for XOAUTH2. The initial response is
// "user=" user ^A "auth=Bearer " token ^A ^A. On failure the server sends one
// challenge holding a JSON error; the client must answer it with an empty
// response, after which the server ends the exchange with NO.
type xoauth2Client struct {
	user, token string
	failure     *xoauth2Error // set when the server sent an error challenge
}

var _ sasl.Client = (*xoauth2Client)(nil)

func (c *xoauth2Client) Start() (string, []byte, error) {
	ir := "user=" + c.user + "\x01auth=Bearer " + c.token + "\x01\x01"
	return mechXOAuth2, []byte(ir), nil
}

func (c *xoauth2Client) Next(challenge []byte) ([]byte, error) {
	e := parseXOAuth2Error(challenge)
	c.failure = &e
	return []byte{}, nil
}

// xoauth2Error is the JSON a server sends as XOAUTH2 failure challenge,
// e.g. {"status":"401","schemes":"bearer","scope":"https://mail.google.com/"}.
type xoauth2Error struct {
	Status  string `json:"status"`
	Schemes string `json:"schemes"`
	Scope   string `json:"scope"`
}

// parseXOAuth2Error decodes a failure challenge. Anything that is not the
// expected JSON object yields an error value with an empty status: the
// challenge is the server's data, never a reason to fail differently.
func parseXOAuth2Error(challenge []byte) xoauth2Error {
	var raw map[string]any
	if err := json.Unmarshal(challenge, &raw); err != nil {
		return xoauth2Error{}
	}
	str := func(k string) string {
		switch v := raw[k].(type) {
		case string:
			return truncate(v, 200)
		case float64:
			return fmt.Sprint(v)
		}
		return ""
	}
	return xoauth2Error{Status: str("status"), Schemes: str("schemes"), Scope: str("scope")}
}

func (e *xoauth2Error) String() string {
	s := "status " + e.Status
	if e.Status == "" {
		s = "no status"
	}
	if e.Scope != "" {
		s += ", scope " + e.Scope
	}
	return s
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// authError marks a failure to authenticate: credentials or token were
// rejected. Retried like any other session failure, but logged distinctly.
type authError struct{ err error }

func (e *authError) Error() string { return e.err.Error() }
func (e *authError) Unwrap() error { return e.err }

// TokenSource hands out an OAuth 2.0 access token for XOAUTH2 and
// OAUTHBEARER; Token is called once per connection attempt. The sources
// themselves (renewed by ticketd, a token file, a token command) are
// internal/oauth's, shared with SMTP; this package only asks for a token.
type TokenSource interface {
	Token(ctx context.Context) (string, error)
}

// Invalidator is implemented by token sources that cache: after the server
// rejects a token the next session asks for a fresh one.
type Invalidator interface{ Invalidate() }

// authenticate logs in on c with the configured method. It blocks until the
// server answered.
func (p *Poller) authenticate(ctx context.Context, c *imapclient.Client) error {
	cfg := &p.cfg
	switch cfg.Auth {
	case AuthLogin:
		if c.Caps().Has(imap.CapLoginDisabled) {
			return &authError{errors.New("imap: server advertises LOGINDISABLED; use auth = \"plain\" or TLS")}
		}
		if err := c.Login(cfg.Username, cfg.Password).Wait(); err != nil {
			return &authError{fmt.Errorf("imap: login as %q: %w", cfg.Username, err)}
		}
		return nil
	case AuthPlain:
		if err := c.Authenticate(sasl.NewPlainClient("", cfg.Username, cfg.Password)); err != nil {
			return &authError{fmt.Errorf("imap: authenticate plain as %q: %w", cfg.Username, err)}
		}
		return nil
	}

	token, err := cfg.Token.Token(ctx)
	if err != nil {
		return fmt.Errorf("imap: get oauth token: %w", err)
	}
	var saslErr error
	switch cfg.Auth {
	case AuthXOAuth2:
		xc := &xoauth2Client{user: cfg.Username, token: token}
		saslErr = c.Authenticate(xc)
		if saslErr != nil && xc.failure != nil {
			saslErr = fmt.Errorf("%w (server said %s)", saslErr, xc.failure)
		}
	case AuthOAuthBearer:
		saslErr = c.Authenticate(sasl.NewOAuthBearerClient(&sasl.OAuthBearerOptions{
			Username: cfg.Username,
			Token:    token,
		}))
	}
	if saslErr != nil {
		if inv, ok := cfg.Token.(Invalidator); ok {
			inv.Invalidate()
		}
		return &authError{fmt.Errorf("imap: authenticate %s as %q: %w", cfg.Auth, cfg.Username, saslErr)}
	}
	return nil
}
