package daemon

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/ticketd/ticketd/mailout"
)

// bearerSMTP is go-smtp's server accepting XOAUTH2 with one token.
type bearerSMTP struct {
	mu   sync.Mutex
	good string
}

func (b *bearerSMTP) NewSession(*smtp.Conn) (smtp.Session, error) { return &bearerSession{b: b}, nil }

type bearerSession struct {
	b    *bearerSMTP
	auth bool
}

type xoauth2Check struct {
	ok     func(tok string) bool
	failed bool
}

func (x *xoauth2Check) Next(resp []byte) ([]byte, bool, error) {
	if x.failed {
		return nil, false, &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "invalid token"}
	}
	if resp == nil {
		return []byte{}, false, nil
	}
	_, tok, _ := strings.Cut(string(resp), "auth=Bearer ")
	if x.ok(strings.TrimRight(tok, "\x01")) {
		return nil, true, nil
	}
	x.failed = true
	return []byte(`{"status":"401","schemes":"bearer"}`), false, nil
}

func (s *bearerSession) AuthMechanisms() []string { return []string{"XOAUTH2"} }
func (s *bearerSession) Auth(string) (sasl.Server, error) {
	return &xoauth2Check{ok: func(tok string) bool {
		s.b.mu.Lock()
		defer s.b.mu.Unlock()
		s.auth = tok == s.b.good
		return s.auth
	}}, nil
}
func (s *bearerSession) Mail(string, *smtp.MailOptions) error {
	if !s.auth {
		return smtp.ErrAuthRequired
	}
	return nil
}
func (s *bearerSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (s *bearerSession) Data(r io.Reader) error               { _, err := io.Copy(io.Discard, r); return err }
func (s *bearerSession) Reset()                               {}
func (s *bearerSession) Logout() error                        { return nil }

type fixedToken string

func (f fixedToken) Token(context.Context) (string, error) { return string(f), nil }

// The sender's error for a refused bearer token is recognised, so the
// daemon renews the token; other failures are not.
func TestRefusedTokenIsRecognised(t *testing.T) {
	srv := smtp.NewServer(&bearerSMTP{good: "fresh"})
	srv.Domain, srv.AllowInsecureAuth = "localhost", true
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	defer srv.Close()
	send := func(tok string) error {
		s, err := mailout.NewSender(mailout.SMTPConfig{Address: ln.Addr().String(), TLS: mailout.TLSNone, Username: desk,
			Auth: mailout.AuthXOAUTH2, Token: fixedToken(tok), Timeout: 10 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		m, err := mailout.Compose(mailout.Envelope{From: mailout.Person{Email: desk}, To: []mailout.Person{{Email: "ana@example.gov.co"}},
			Subject: "[OTI-1] x", Text: "x\n", MessageID: "r." + tok + "@example.gov.co"})
		if err != nil {
			t.Fatal(err)
		}
		return s.Send(context.Background(), m)
	}
	if err := send("fresh"); err != nil || refusedToken(err) {
		t.Fatalf("good token: %v", err)
	}
	err = send("expired")
	if err == nil || !refusedToken(err) {
		t.Errorf("refused token not recognised: %v", err)
	}
	ln.Close()
	srv.Close()
	if err := send("fresh"); err == nil || refusedToken(err) {
		t.Errorf("a server that is gone taken for a refused token: %v", err)
	}
	if refusedToken(errors.New("535 in some text")) {
		t.Error("text that merely mentions 535")
	}
}
