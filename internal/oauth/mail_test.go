package oauth

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/ticketd/ticketd/internal/pgtest"
	"github.com/ticketd/ticketd/mailin/imapin"
	"github.com/ticketd/ticketd/mailout"
)

const (
	mailUser = "soporte.oti@example.gov.co"
	mailPass = "unused"
)

// bearerLog is what a mail server saw: the bearer tokens presented, and
// whether each was accepted.
type bearerLog struct {
	mu       sync.Mutex
	accepted []string
	refused  []string
}

func (l *bearerLog) note(tok string, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if ok {
		l.accepted = append(l.accepted, tok)
	} else {
		l.refused = append(l.refused, tok)
	}
}

func (l *bearerLog) last() (accepted, refused []string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.accepted...), append([]string(nil), l.refused...)
}

// xoauth2 is the server side of XOAUTH2 ("user=" u ^A "auth=Bearer " t
// ^A ^A), checking the token with check.
type xoauth2 struct {
	check  func(user, tok string) bool
	failed bool
}

func (x *xoauth2) Next(resp []byte) ([]byte, bool, error) {
	if x.failed {
		return nil, false, errors.New("invalid token")
	}
	if resp == nil {
		return []byte{}, false, nil
	}
	var user, tok string
	for _, kv := range strings.Split(string(resp), "\x01") {
		if v, ok := strings.CutPrefix(kv, "user="); ok {
			user = v
		}
		if v, ok := strings.CutPrefix(kv, "auth=Bearer "); ok {
			tok = v
		}
	}
	if x.check(user, tok) {
		return nil, true, nil
	}
	x.failed = true
	return []byte(`{"status":"401","schemes":"bearer"}`), false, nil
}

// imapBearer is go-imap's in-memory server accepting XOAUTH2 with the
// tokens the endpoint issued and has not expired or withdrawn.
type imapBearer struct {
	imapserver.SessionIMAP4rev2
	e   *tokenEndpoint
	log *bearerLog
}

func (s *imapBearer) AuthenticateMechanisms() []string { return []string{"XOAUTH2"} }

func (s *imapBearer) Authenticate(mech string) (sasl.Server, error) {
	return &xoauth2{check: func(user, tok string) bool {
		ok := user == mailUser && s.e.valid(tok) && s.Login(mailUser, mailPass) == nil
		s.log.note(tok, ok)
		return ok
	}}, nil
}

func startIMAP(t *testing.T, e *tokenEndpoint) (string, *bearerLog) {
	mem := imapmemserver.New()
	user := imapmemserver.NewUser(mailUser, mailPass)
	if err := user.Create("INBOX", nil); err != nil {
		t.Fatal(err)
	}
	mem.AddUser(user)
	log := &bearerLog{}
	srv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return &imapBearer{SessionIMAP4rev2: mem.NewSession().(imapserver.SessionIMAP4rev2), e: e, log: log}, nil, nil
		},
		InsecureAuth: true,
		Logger:       quiet{},
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String(), log
}

type quiet struct{}

func (quiet) Printf(string, ...any) {}

type noHandler struct{}

func (noHandler) Handle(context.Context, []imapin.Fetched) ([]imapin.Outcome, error) { return nil, nil }
func (noHandler) Cursor(context.Context, string, string, uint32) (uint32, error)     { return 0, nil }

// An IMAP session logs in with the source's token, renewed before it
// expires, and renewed once more after the server refused one.
func TestIMAPWithRenewingToken(t *testing.T) {
	for _, grant := range []string{ClientCredentials, RefreshToken} {
		t.Run(grant, func(t *testing.T) {
			c := newClock()
			e := newEndpoint(t, c)
			db := pgtest.New(t)
			if grant == RefreshToken {
				login(t, e, db)
			}
			src := newSource(t, e.config(grant), db)
			addr, log := startIMAP(t, e)
			p, err := imapin.New(imapin.Config{Name: "default", Address: addr, TLS: imapin.TLSNone, Username: mailUser,
				Auth: imapin.AuthXOAuth2, Token: src}, noHandler{})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			if err := p.Check(ctx); err != nil {
				t.Fatalf("first login: %v", err)
			}
			accepted, _ := log.last()
			first := accepted[0]

			c.advance(55 * time.Second) // 5 s left, under RenewBefore
			if err := p.Check(ctx); err != nil {
				t.Fatalf("login near expiry: %v", err)
			}
			accepted, _ = log.last()
			second := accepted[len(accepted)-1]
			if second == first {
				t.Errorf("the token was not renewed before it expired: %q", second)
			}

			e.withdraw(second) // the server stops accepting it
			if err := p.Check(ctx); err == nil {
				t.Fatal("a withdrawn token logged in")
			}
			if err := p.Check(ctx); err != nil {
				t.Fatalf("login after a refusal: %v", err)
			}
			accepted, refused := log.last()
			if len(refused) != 1 || refused[0] != second || accepted[len(accepted)-1] == second {
				t.Errorf("accepted %q, refused %q", accepted, refused)
			}
		})
	}
}

// smtpBearer is go-smtp's server accepting XOAUTH2 as imapBearer does.
type smtpBackend struct {
	e    *tokenEndpoint
	log  *bearerLog
	mu   sync.Mutex
	sent int
}

func (b *smtpBackend) NewSession(*smtp.Conn) (smtp.Session, error) { return &smtpSession{b: b}, nil }

type smtpSession struct {
	b    *smtpBackend
	auth bool
}

func (s *smtpSession) AuthMechanisms() []string { return []string{"XOAUTH2"} }
func (s *smtpSession) Auth(string) (sasl.Server, error) {
	return &xoauth2{check: func(user, tok string) bool {
		ok := user == mailUser && s.b.e.valid(tok)
		s.b.log.note(tok, ok)
		s.auth = ok
		return ok
	}}, nil
}

func (s *smtpSession) Mail(string, *smtp.MailOptions) error {
	if !s.auth {
		return smtp.ErrAuthRequired
	}
	return nil
}
func (s *smtpSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (s *smtpSession) Data(r io.Reader) error {
	io.Copy(io.Discard, r)
	s.b.mu.Lock()
	s.b.sent++
	s.b.mu.Unlock()
	return nil
}
func (s *smtpSession) Reset()        {}
func (s *smtpSession) Logout() error { return nil }

// The SMTP sender authenticates with the same source, and a connection
// opened near the token's expiry presents a renewed one.
func TestSMTPWithRenewingToken(t *testing.T) {
	c := newClock()
	e := newEndpoint(t, c)
	db := pgtest.New(t)
	login(t, e, db)
	src := newSource(t, e.config(RefreshToken), db)
	be := &smtpBackend{e: e, log: &bearerLog{}}
	srv := smtp.NewServer(be)
	srv.Domain, srv.AllowInsecureAuth = "localhost", true
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })

	send := func() {
		t.Helper()
		s, err := mailout.NewSender(mailout.SMTPConfig{Address: ln.Addr().String(), TLS: mailout.TLSNone, Username: mailUser,
			Auth: mailout.AuthXOAUTH2, Token: src, Timeout: 10 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		m, err := mailout.Compose(mailout.Envelope{From: mailout.Person{Email: mailUser}, To: []mailout.Person{{Email: "ana@example.gov.co"}},
			Subject: "[OTI-1] Prueba", Text: "Hola.\n", MessageID: "t." + e.currentRefresh() + "@example.gov.co"})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Send(context.Background(), m); err != nil {
			t.Fatalf("send: %v", err)
		}
	}
	send()
	c.advance(55 * time.Second)
	send()
	accepted, refused := be.log.last()
	if len(accepted) != 2 || accepted[0] == accepted[1] || len(refused) != 0 || be.sent != 2 {
		t.Errorf("accepted %q, refused %q, sent %d", accepted, refused, be.sent)
	}
}
