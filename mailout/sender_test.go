package mailout

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"strings"
	"testing"

	gomail "github.com/wneessen/go-mail"
)

// sendMsg composes a small message to rcpt.
func sendMsg(t testing.TB, n int, rcpt string) *gomail.Msg {
	t.Helper()
	m, err := Compose(Envelope{
		From:      Person{Name: "Mesa de servicio", Email: "soporte@example.gov.co"},
		To:        []Person{{Email: rcpt}},
		Subject:   fmt.Sprintf("[OTI-%d] Prueba", n),
		Text:      "Hola.\n",
		MessageID: fmt.Sprintf("test.%d@example.gov.co", n),
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

type staticToken string

func (s staticToken) Token(context.Context) (string, error) { return string(s), nil }

type failingToken struct{}

func (failingToken) Token(context.Context) (string, error) {
	return "", errors.New("token endpoint down")
}

func TestSMTPConfigCheck(t *testing.T) {
	cases := []struct {
		name string
		cfg  SMTPConfig
		want string // substring of the error; "" for none
	}{
		{"starttls", SMTPConfig{Address: "smtp.example.org:587", TLS: "starttls"}, ""},
		{"implicit upper case", SMTPConfig{Address: "smtp.example.org:465", TLS: "IMPLICIT"}, ""},
		{"none on loopback", SMTPConfig{Address: "127.0.0.1:25", TLS: "none"}, ""},
		{"none on localhost", SMTPConfig{Address: "localhost:25", TLS: "none"}, ""},
		{"none on ::1", SMTPConfig{Address: "[::1]:25", TLS: "none"}, ""},
		{"none remote refused", SMTPConfig{Address: "smtp.example.org:25", TLS: "none"}, "allow_insecure"},
		{"none remote allowed", SMTPConfig{Address: "smtp.example.org:25", TLS: "none", AllowInsecure: true}, ""},
		{"empty tls", SMTPConfig{Address: "smtp.example.org:587"}, "tls"},
		{"unknown tls", SMTPConfig{Address: "smtp.example.org:587", TLS: "ssl"}, "tls"},
		{"no port", SMTPConfig{Address: "smtp.example.org", TLS: "starttls"}, "address"},
		{"bad port", SMTPConfig{Address: "smtp.example.org:99999", TLS: "starttls"}, "address"},
		{"no host", SMTPConfig{Address: ":587", TLS: "starttls"}, "address"},
		{"plain without user", SMTPConfig{Address: "smtp.example.org:587", TLS: "starttls", Auth: "plain"}, "username"},
		{"login with user", SMTPConfig{Address: "smtp.example.org:587", TLS: "starttls", Auth: "LOGIN", Username: "u"}, ""},
		{"xoauth2 without token", SMTPConfig{Address: "smtp.example.org:587", TLS: "starttls", Auth: "xoauth2", Username: "u"}, "token"},
		{"xoauth2", SMTPConfig{Address: "smtp.example.org:587", TLS: "starttls", Auth: "xoauth2", Username: "u", Token: staticToken("x")}, ""},
		{"unknown auth", SMTPConfig{Address: "smtp.example.org:587", TLS: "starttls", Auth: "cram-md5", Username: "u"}, "auth"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, _, _, err := c.cfg.check()
			switch {
			case c.want == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case c.want != "" && err == nil:
				t.Fatalf("accepted, want an error about %q", c.want)
			case c.want != "" && !strings.Contains(err.Error(), c.want):
				t.Fatalf("error %q does not mention %q", err, c.want)
			}
			if err == nil && got.Timeout != DefaultSMTPTimeout {
				t.Errorf("timeout = %v, want the default", got.Timeout)
			}
			if c.cfg.Password != "" && err != nil && strings.Contains(err.Error(), c.cfg.Password) {
				t.Errorf("error shows the password")
			}
		})
	}
}

// TestSenderSecurityModes sends through every TLS mode and mechanism, and
// checks that the ones that must fail do, before any message is sent.
func TestSenderSecurityModes(t *testing.T) {
	type setup struct {
		mode        fakeMode
		user, token string
	}
	cases := []struct {
		name    string
		server  setup
		cfg     func(f *fakeSMTP) SMTPConfig
		wantErr string // "" = the message goes through
		user    string // who the server saw authenticate
	}{
		{"plain, no auth", setup{mode: plainSMTP},
			func(f *fakeSMTP) SMTPConfig { return SMTPConfig{Address: f.addr, TLS: TLSNone} }, "", ""},
		{"starttls, no auth", setup{mode: startTLSSMTP},
			func(f *fakeSMTP) SMTPConfig {
				return SMTPConfig{Address: f.addr, TLS: TLSStartTLS, TLSConfig: &tls.Config{RootCAs: f.roots}}
			}, "", ""},
		{"starttls + AUTH PLAIN", setup{mode: startTLSSMTP, user: "ticketd"},
			func(f *fakeSMTP) SMTPConfig {
				return SMTPConfig{Address: f.addr, TLS: TLSStartTLS, TLSConfig: &tls.Config{RootCAs: f.roots},
					Username: "ticketd", Password: "s3cret", Auth: AuthPlain}
			}, "", "ticketd"},
		{"starttls + AUTH LOGIN", setup{mode: startTLSSMTP, user: "ticketd"},
			func(f *fakeSMTP) SMTPConfig {
				return SMTPConfig{Address: f.addr, TLS: TLSStartTLS, TLSConfig: &tls.Config{RootCAs: f.roots},
					Username: "ticketd", Password: "s3cret", Auth: AuthLogin}
			}, "", "ticketd"},
		{"implicit TLS + auto auth", setup{mode: implicitSMTP, user: "ticketd"},
			func(f *fakeSMTP) SMTPConfig {
				return SMTPConfig{Address: f.addr, TLS: TLSImplicit, TLSConfig: &tls.Config{RootCAs: f.roots},
					Username: "ticketd", Password: "s3cret"}
			}, "", "ticketd"},
		{"starttls + XOAUTH2", setup{mode: startTLSSMTP, token: "ya29.token"},
			func(f *fakeSMTP) SMTPConfig {
				return SMTPConfig{Address: f.addr, TLS: TLSStartTLS, TLSConfig: &tls.Config{RootCAs: f.roots},
					Username: "desk@example.gov.co", Auth: AuthXOAUTH2, Token: staticToken("ya29.token")}
			}, "", "desk@example.gov.co"},
		{"plain text + AUTH PLAIN on loopback", setup{mode: plainSMTP, user: "ticketd"},
			func(f *fakeSMTP) SMTPConfig {
				return SMTPConfig{Address: f.addr, TLS: TLSNone, Username: "ticketd", Password: "s3cret", Auth: AuthPlain}
			}, "", "ticketd"},
		{"skip verify", setup{mode: implicitSMTP},
			func(f *fakeSMTP) SMTPConfig {
				return SMTPConfig{Address: f.addr, TLS: TLSImplicit, InsecureSkipVerify: true}
			}, "", ""},

		{"wrong password", setup{mode: startTLSSMTP, user: "ticketd"},
			func(f *fakeSMTP) SMTPConfig {
				return SMTPConfig{Address: f.addr, TLS: TLSStartTLS, TLSConfig: &tls.Config{RootCAs: f.roots},
					Username: "ticketd", Password: "wrong", Auth: AuthPlain}
			}, "535", ""},
		{"wrong token", setup{mode: startTLSSMTP, token: "ya29.token"},
			func(f *fakeSMTP) SMTPConfig {
				return SMTPConfig{Address: f.addr, TLS: TLSStartTLS, TLSConfig: &tls.Config{RootCAs: f.roots},
					Username: "desk@example.gov.co", Auth: AuthXOAUTH2, Token: staticToken("old")}
			}, "535", ""},
		{"token source fails", setup{mode: startTLSSMTP, token: "ya29.token"},
			func(f *fakeSMTP) SMTPConfig {
				return SMTPConfig{Address: f.addr, TLS: TLSStartTLS, TLSConfig: &tls.Config{RootCAs: f.roots},
					Username: "desk@example.gov.co", Auth: AuthXOAUTH2, Token: failingToken{}}
			}, "token endpoint down", ""},
		{"untrusted certificate", setup{mode: startTLSSMTP},
			func(f *fakeSMTP) SMTPConfig { return SMTPConfig{Address: f.addr, TLS: TLSStartTLS} }, "certificate", ""},
		{"starttls not offered", setup{mode: plainSMTP},
			func(f *fakeSMTP) SMTPConfig { return SMTPConfig{Address: f.addr, TLS: TLSStartTLS} }, "STARTTLS", ""},
		{"implicit TLS against plain text", setup{mode: plainSMTP},
			func(f *fakeSMTP) SMTPConfig { return SMTPConfig{Address: f.addr, TLS: TLSImplicit} }, "tls", ""},
		{"auth required, none configured", setup{mode: startTLSSMTP, user: "ticketd"},
			func(f *fakeSMTP) SMTPConfig {
				return SMTPConfig{Address: f.addr, TLS: TLSStartTLS, TLSConfig: &tls.Config{RootCAs: f.roots}}
			}, "530", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFakeSMTP(t, c.server.mode)
			f.user, f.pass, f.token = c.server.user, "s3cret", c.server.token
			cfg := c.cfg(f)
			s, err := NewSender(cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			err = s.Send(context.Background(), sendMsg(t, 1, "ana@example.org"))
			if c.wantErr == "" {
				if err != nil {
					t.Fatalf("send: %v", err)
				}
				if f.Count() != 1 {
					t.Fatalf("server has %d messages, want 1", f.Count())
				}
				if c.user != "" && (len(f.authed) != 1 || f.authed[0] != c.user) {
					t.Errorf("server saw %q authenticate, want %q", f.authed, c.user)
				}
				return
			}
			if err == nil {
				t.Fatalf("sent, want an error mentioning %q", c.wantErr)
			}
			if !strings.Contains(strings.ToLower(err.Error()), strings.ToLower(c.wantErr)) {
				t.Errorf("error %q does not mention %q", err, c.wantErr)
			}
			if cfg.Password != "" && strings.Contains(err.Error(), cfg.Password) {
				t.Errorf("error shows the password: %v", err)
			}
			// A connection or configuration failure is never the
			// message's fault: temporary. All but the 530 (the server's
			// answer to MAIL FROM) come while connecting.
			atMail := c.wantErr == "530"
			var de *DeliveryError
			if !errors.As(err, &de) || !de.Temporary || de.Dial == atMail {
				t.Errorf("error = %#v, want temporary, dial = %v", err, !atMail)
			}
			if f.Count() != 0 {
				t.Errorf("server has %d messages, want none", f.Count())
			}
		})
	}
}

// TestClassify checks what each kind of refusal means for the queue, with
// a real server giving the answers.
func TestClassify(t *testing.T) {
	cases := []struct {
		name          string
		stage         string
		code          int
		temp, lost    bool
		wantCode      int
		wantInMessage string
	}{
		{"451 at RCPT", "rcpt", 451, true, false, 451, "451"},
		{"452 at end of data", "data", 452, true, false, 452, "452"},
		{"450 at MAIL", "mail", 450, true, false, 450, "450"},
		{"421 closes the connection", "rcpt", 421, true, true, 421, "421"},
		{"530 is our configuration", "mail", 530, true, false, 530, "530"},
		{"550 at RCPT", "rcpt", 550, false, false, 550, "550"},
		{"554 at end of data", "data", 554, false, false, 554, "554"},
		{"552 at MAIL", "mail", 552, false, false, 552, "552"},
		{"dropped at end of data", "data", 0, true, true, 0, ""},
		{"dropped at RCPT", "rcpt", 0, true, true, 0, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFakeSMTP(t, plainSMTP)
			f.inject(c.stage, c.code, "", 1)
			s, err := NewSender(SMTPConfig{Address: f.addr, TLS: TLSNone})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			err = s.Send(context.Background(), sendMsg(t, 1, "ana@example.org"))
			var de *DeliveryError
			if !errors.As(err, &de) {
				t.Fatalf("error = %v, want a *DeliveryError", err)
			}
			if de.Temporary != c.temp || de.ConnLost != c.lost || de.Code != c.wantCode || de.Dial {
				t.Errorf("got temporary=%v conn_lost=%v code=%d dial=%v, want %v %v %d false (%v)",
					de.Temporary, de.ConnLost, de.Code, de.Dial, c.temp, c.lost, c.wantCode, err)
			}
			if !strings.Contains(de.Reason(), c.wantInMessage) || strings.ContainsAny(de.Reason(), "\r\n") {
				t.Errorf("reason %q: want one line mentioning %q", de.Reason(), c.wantInMessage)
			}
			if s.Connected() == c.lost {
				t.Errorf("connected = %v after a failure with conn_lost = %v", s.Connected(), c.lost)
			}
			// The sender recovers: the next message goes through.
			if err := s.Send(context.Background(), sendMsg(t, 2, "ana@example.org")); err != nil {
				t.Fatalf("next message: %v", err)
			}
			if got := f.Count(); got != 1 {
				t.Errorf("server has %d messages, want 1", got)
			}
		})
	}
}

// TestSenderReusesAndRedials: one connection carries many messages; a kept
// connection found dead before the message was handed over is replaced
// without the caller seeing an error, and nothing is sent twice.
func TestSenderReusesAndRedials(t *testing.T) {
	f := newFakeSMTP(t, plainSMTP)
	s, err := NewSender(SMTPConfig{Address: f.addr, TLS: TLSNone})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	for i := range 5 {
		if err := s.Send(ctx, sendMsg(t, i, "ana@example.org")); err != nil {
			t.Fatal(err)
		}
	}
	if n := f.conns.Load(); n != 1 {
		t.Fatalf("5 messages used %d connections, want 1", n)
	}
	f.inject("mail", 0, "", 1) // the server drops the kept connection at MAIL FROM
	if err := s.Send(ctx, sendMsg(t, 5, "ana@example.org")); err != nil {
		t.Fatalf("send after the drop: %v", err)
	}
	if n := f.conns.Load(); n != 2 {
		t.Errorf("connections = %d, want 2 (one redial)", n)
	}
	if got := f.Count(); got != 6 {
		t.Errorf("server has %d messages, want 6", got)
	}
	// A drop after the data is not retried here: the server may have the
	// message, so it is for the queue to decide.
	f.inject("data", 0, "", 1)
	err = s.Send(ctx, sendMsg(t, 6, "ana@example.org"))
	var de *DeliveryError
	if !errors.As(err, &de) || !de.ConnLost || !de.Temporary {
		t.Fatalf("error = %v, want a temporary lost connection", err)
	}
	if s.Connected() {
		t.Error("still connected after losing the connection")
	}
	if err := s.Close(); err != nil {
		t.Errorf("close without a connection: %v", err)
	}
}

func TestSenderOneShot(t *testing.T) {
	f := newFakeSMTP(t, plainSMTP)
	s, err := NewSender(SMTPConfig{Address: f.addr, TLS: TLSNone})
	if err != nil {
		t.Fatal(err)
	}
	s.oneShot = true
	for i := range 3 {
		if err := s.Send(context.Background(), sendMsg(t, i, "ana@example.org")); err != nil {
			t.Fatal(err)
		}
		if s.Connected() {
			t.Fatal("one-shot sender kept its connection")
		}
	}
	if n := f.conns.Load(); n != 3 {
		t.Errorf("connections = %d, want 3", n)
	}
}

func TestSenderDialRefused(t *testing.T) {
	// Port 1 on the loopback: nobody listens there.
	s, err := NewSender(SMTPConfig{Address: "127.0.0.1:1", TLS: TLSNone})
	if err != nil {
		t.Fatal(err)
	}
	err = s.Send(context.Background(), sendMsg(t, 1, "ana@example.org"))
	var de *DeliveryError
	if !errors.As(err, &de) || !de.Dial || !de.Temporary {
		t.Fatalf("error = %v, want a temporary dial failure", err)
	}
}
