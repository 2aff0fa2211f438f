package config

import (
	"fmt"
	"net/url"
	"os"
	"strings"
)

// OAuth2 is the OAuth 2.0 client that renews the mailbox's access tokens
// itself ([oauth2]), for IMAP and SMTP alike, when their auth is xoauth2 or
// oauthbearer and neither oauth2_token_file nor oauth2_token_command is
// set. Grant "" leaves it off.
type OAuth2 struct {
	Grant            string   `toml:"grant"` // "client_credentials" or "refresh_token"
	TokenURL         string   `toml:"token_url"`
	AuthURL          string   `toml:"auth_url"`        // authorisation-code login (ticketd oauth2 login)
	DeviceAuthURL    string   `toml:"device_auth_url"` // device-code login (ticketd oauth2 login --device)
	RedirectURL      string   `toml:"redirect_url"`    // authorisation-code login
	ClientID         string   `toml:"client_id"`
	ClientSecret     string   `toml:"client_secret"` // TICKETD_OAUTH2_CLIENT_SECRET overrides it
	ClientSecretFile string   `toml:"client_secret_file"`
	Scopes           []string `toml:"scopes"`
	// TokenKey encrypts the refresh token kept in the database (the
	// refresh-token grant); TICKETD_OAUTH2_TOKEN_KEY overrides it.
	TokenKey     string   `toml:"token_key"`
	TokenKeyFile string   `toml:"token_key_file"`
	RenewBefore  Duration `toml:"renew_before"` // default 5m
}

// minTokenKey is the shortest [oauth2] token key accepted (internal/oauth
// says the same).
const minTokenKey = 32

// OAuth2Managed reports whether ticketd renews the mailbox's tokens itself.
func (c *Config) OAuth2Managed() bool { return c.OAuth2.Grant != "" }

// OAuth2Secrets returns the client secret and the token key, from the
// environment, the configuration or their files, in that order.
func (c *Config) OAuth2Secrets() (clientSecret, tokenKey string, err error) {
	o := c.OAuth2
	clientSecret = os.Getenv("TICKETD_OAUTH2_CLIENT_SECRET")
	if clientSecret == "" {
		if clientSecret, err = Secret(o.ClientSecret, o.ClientSecretFile); err != nil {
			return "", "", fmt.Errorf("oauth2.client_secret_file: %w", err)
		}
	}
	tokenKey = os.Getenv("TICKETD_OAUTH2_TOKEN_KEY")
	if tokenKey == "" {
		if tokenKey, err = Secret(o.TokenKey, o.TokenKeyFile); err != nil {
			return "", "", fmt.Errorf("oauth2.token_key_file: %w", err)
		}
	}
	return clientSecret, tokenKey, nil
}

// checkOAuth2 reports what is wrong with [oauth2].
func (c *Config) checkOAuth2() Errors {
	var errs Errors
	add := errs.add
	o := c.OAuth2
	switch o.Grant {
	case "":
		return nil
	case "client_credentials", "refresh_token":
	default:
		add("oauth2.grant %q must be client_credentials or refresh_token (or empty to turn it off)", o.Grant)
	}
	for _, u := range []struct{ key, val string }{{"token_url", o.TokenURL}, {"auth_url", o.AuthURL}, {"device_auth_url", o.DeviceAuthURL}} {
		if u.val == "" {
			continue
		}
		p, err := url.Parse(u.val)
		if err != nil || p.Host == "" || (p.Scheme != "https" && !(p.Scheme == "http" && IsLoopback(p.Hostname()))) {
			add("oauth2.%s %q must be an https:// address (http:// only on a loopback address)", u.key, u.val)
		}
	}
	if o.TokenURL == "" {
		add("oauth2.token_url is empty: the provider's token endpoint")
	}
	if o.ClientID == "" {
		add("oauth2.client_id is empty: the application (client) id of the registration")
	}
	if o.RenewBefore.Duration < 0 {
		add("oauth2.renew_before must not be negative")
	}
	secret, key, err := c.OAuth2Secrets()
	if err != nil {
		add("oauth2: the secrets cannot be read: %v", err)
	}
	if o.Grant == "client_credentials" && secret == "" && err == nil {
		add("oauth2: the client-credentials grant needs a secret: oauth2.client_secret, client_secret_file or TICKETD_OAUTH2_CLIENT_SECRET")
	}
	if o.Grant == "refresh_token" && err == nil && len(strings.TrimSpace(key)) < minTokenKey {
		add("oauth2: the refresh-token grant keeps the refresh token encrypted in the database: set oauth2.token_key, token_key_file or TICKETD_OAUTH2_TOKEN_KEY, at least %d characters (try: head -c 32 /dev/urandom | base64)", minTokenKey)
	}
	return errs
}
