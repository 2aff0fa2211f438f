package daemon

import (
	"context"
	"strings"
	"testing"

	"github.com/ticketd/ticketd/internal/config"
	"github.com/ticketd/ticketd/internal/pgtest"
)

// With [oauth2] on and no token file or command, IMAP and SMTP share the
// one token source that renews itself.
func TestOAuth2SourceIsSharedByIMAPAndSMTP(t *testing.T) {
	c, err := config.Parse([]byte(`
[database]
url = "postgres://x@127.0.0.1/x"
[desk]
address = "soporte.oti@example.gov.co"
[[people]]
email = "jgomez@example.gov.co"
role = "mesa"
[imap]
address = "outlook.office365.com:993"
username = "soporte.oti@example.gov.co"
auth = "xoauth2"
[smtp]
address = "smtp.office365.com:587"
tls = "starttls"
username = "soporte.oti@example.gov.co"
auth = "xoauth2"
[oauth2]
grant = "client_credentials"
token_url = "https://login.microsoftonline.com/t/oauth2/v2.0/token"
client_id = "app"
client_secret = "secret"
scopes = ["https://outlook.office365.com/.default"]
`))
	if err != nil {
		t.Fatal(err)
	}
	parts, err := Build(context.Background(), c, pgtest.New(t))
	if err != nil {
		t.Fatal(err)
	}
	if parts.OAuth2 == nil {
		t.Fatal("no token source")
	}
	ic, err := imapConfig(c, c.Accounts[0], "INBOX", nil, accountToken(c.Accounts[0], parts.Tokens))
	if err != nil {
		t.Fatal(err)
	}
	sc, err := smtpConfig(c, parts.OAuth2)
	if err != nil {
		t.Fatal(err)
	}
	if ic.Token != parts.OAuth2 || sc.Token != parts.OAuth2 {
		t.Errorf("IMAP token %T, SMTP token %T", ic.Token, sc.Token)
	}

	// Without a client secret the configuration says so.
	_, err = config.Parse([]byte(`
[oauth2]
grant = "client_credentials"
token_url = "https://login.example/token"
client_id = "app"
`))
	if err == nil || !strings.Contains(err.Error(), "needs a secret") {
		t.Errorf("no secret: %v", err)
	}
}
