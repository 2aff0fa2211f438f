package daemon

import (
	"errors"
	"fmt"
	"net/textproto"

	"github.com/jmoiron/sqlx"

	"github.com/ticketd/ticketd/internal/config"
	"github.com/ticketd/ticketd/internal/oauth"
)

// OAuth2Config is the OAuth 2.0 client of [oauth2] for the mailbox
// account; its grant is stored under the account's name.
func OAuth2Config(c *config.Config) (oauth.Config, error) {
	secret, key, err := c.OAuth2Secrets()
	if err != nil {
		return oauth.Config{}, err
	}
	o := c.OAuth2
	return oauth.Config{
		Account: c.IMAP.Name, Grant: o.Grant, TokenURL: o.TokenURL, AuthURL: o.AuthURL, DeviceAuthURL: o.DeviceAuthURL,
		RedirectURL: o.RedirectURL, ClientID: o.ClientID, ClientSecret: secret, Scopes: o.Scopes, TokenKey: key,
		RenewBefore: o.RenewBefore.Duration,
	}, nil
}

// newOAuth2Source is the token source IMAP and SMTP share when [oauth2] is
// on, nil when it is off.
func newOAuth2Source(c *config.Config, db *sqlx.DB) (*oauth.Source, error) {
	if !c.OAuth2Managed() {
		return nil, nil
	}
	oc, err := OAuth2Config(c)
	if err != nil {
		return nil, err
	}
	s, err := oauth.New(oc, db)
	if err != nil {
		return nil, fmt.Errorf("[oauth2]: %w", err)
	}
	return s, nil
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
