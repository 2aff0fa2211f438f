package mailin_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"net"
	"strings"
	"testing"

	msgdkim "github.com/emersion/go-msgauth/dkim"

	"github.com/ticketd/ticketd/mailin/dkim"
	"github.com/ticketd/ticketd/tickets"
)

// txtZone answers DKIM key queries from a map, as a test's DNS.
type txtZone map[string]string

func (z txtZone) LookupTXT(_ context.Context, name string) ([]string, error) {
	if v, ok := z[name]; ok {
		return []string{v}, nil
	}
	return nil, &net.DNSError{Err: "no such host", Name: name, IsNotFound: true}
}

// A desk agent's command with no reply token and no trusted
// Authentication-Results runs when ticketd itself finds an aligned DKIM
// signature, and only then.
func TestCommandVerifiedByOurOwnDKIMCheck(t *testing.T) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	zone := txtZone{"s1._domainkey.example.gov.co": "v=DKIM1; k=ed25519; p=" + base64.StdEncoding.EncodeToString(pub)}
	signed := func(raw string) string {
		var out bytes.Buffer
		if err := msgdkim.Sign(&out, strings.NewReader(raw), &msgdkim.SignOptions{Domain: "example.gov.co", Selector: "s1", Signer: priv,
			HeaderKeys: []string{"From", "To", "Subject", "Message-ID", "In-Reply-To"}}); err != nil {
			t.Fatal(err)
		}
		return out.String()
	}
	cmd := func(id string) string {
		return mail("Juan Gómez <jgomez@example.gov.co>", desk, "Re: [OTI-1] Ayúdame", id, "In-Reply-To: <req1@example.gov.co>\r\n", "#nivel 1")
	}
	cases := []struct {
		name  string
		dkim  bool
		raw   func() string
		state tickets.State
	}{
		{"signed, checking on", true, func() string { return signed(cmd("c1@example.gov.co")) }, tickets.StateInProgress},
		{"signed, checking off", false, func() string { return signed(cmd("c2@example.gov.co")) }, tickets.StateNew},
		{"body changed after signing", true, func() string {
			return strings.Replace(signed(cmd("c3@example.gov.co")), "#nivel 1", "#nivel 2", 1)
		}, tickets.StateNew},
		{"not signed", true, func() string { return cmd("c4@example.gov.co") }, tickets.StateNew},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			e.in.TrustedAuthserv = ""
			if c.dkim {
				e.in.DKIM = &dkim.Verifier{Resolver: zone}
			}
			id := e.open()
			if out := e.deliver(c.raw()); out.Quarantine {
				t.Fatalf("quarantined: %s", out.Reason)
			}
			if tk := e.ticket(id); tk.State != c.state {
				t.Errorf("state = %s, want %s", tk.State, c.state)
			}
		})
	}
}
