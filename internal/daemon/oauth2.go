package daemon

import (
	"errors"
	"fmt"
	"net/textproto"
	"slices"

	"github.com/jmoiron/sqlx"

	"github.com/ticketd/ticketd/internal/config"
	"github.com/ticketd/ticketd/internal/oauth"
)

// OAuth2Config is the OAuth 2.0 client of [oauth2] for an account; its
// grant is stored under the account's name.
func OAuth2Config(c *config.Config, account string) (oauth.Config, error) {
	secret, key, err := c.OAuth2Secrets()
	if err != nil {
		return oauth.Config{}, err
	}
	o := c.OAuth2
	return oauth.Config{
		Account: account, Grant: o.Grant, TokenURL: o.TokenURL, AuthURL: o.AuthURL, DeviceAuthURL: o.DeviceAuthURL,
		RedirectURL: o.RedirectURL, ClientID: o.ClientID, ClientSecret: secret, Scopes: o.Scopes, TokenKey: key,
		RenewBefore: o.RenewBefore.Duration,
	}, nil
}

// SMTPAccount is the account whose grant SMTP's OAuth 2.0 tokens come
// from: the first mailbox account (the desk's, in the examples), or, when
// no mailbox is read, the name of the [imap] table without an address (as
// before there were several accounts) or "default".
func SMTPAccount(c *config.Config) string {
	if len(c.Accounts) > 0 {
		return c.Accounts[0].Name
	}
	if c.SMTPAccountName != "" {
		return c.SMTPAccountName
	}
	return config.DefaultAccount
}

// smtpManaged reports whether [oauth2] renews SMTP's tokens.
func smtpManaged(c *config.Config) bool {
	return c.SMTP.Address != "" && c.SMTP.Renewed(c)
}

// OAuth2Accounts are the accounts whose grants [oauth2] renews, in the
// configuration's order: each managed mailbox account, and SMTP's.
func OAuth2Accounts(c *config.Config) []string {
	var names []string
	for _, a := range c.Accounts {
		if a.Renewed(c) {
			names = append(names, a.Name)
		}
	}
	if smtpManaged(c) && !slices.Contains(names, SMTPAccount(c)) {
		names = append(names, SMTPAccount(c))
	}
	return names
}

// newOAuth2Sources are the token sources [oauth2] renews, by account; one
// per account, which its mailboxes (and SMTP, for its account) share.
func newOAuth2Sources(c *config.Config, db *sqlx.DB) (map[string]*oauth.Source, error) {
	out := map[string]*oauth.Source{}
	for _, name := range OAuth2Accounts(c) {
		oc, err := OAuth2Config(c, name)
		if err != nil {
			return nil, err
		}
		s, err := oauth.New(oc, db)
		if err != nil {
			return nil, fmt.Errorf("[oauth2]: %w", err)
		}
		out[name] = s
	}
	return out, nil
}

// refusedToken reports whether an SMTP failure is the server refusing the
// credentials while connecting (535 5.7.8, or 534/530 as some servers
// answer an expired bearer token; RFC 4954 section 6).
func refusedToken(err error) bool {
	var te *textproto.Error
	if !errors.As(err, &te) {
		return false
	}
	return te.Code == 535 || te.Code == 534 || te.Code == 530
}
