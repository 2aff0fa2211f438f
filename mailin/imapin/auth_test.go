package imapin

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-sasl"
)

func TestXOAuth2InitialResponse(t *testing.T) {
	c := &xoauth2Client{user: "soporte@entidad.gov.co", token: "ya29.A0tok"}
	mech, ir, err := c.Start()
	if err != nil {
		t.Fatal(err)
	}
	want := []byte("user=soporte@entidad.gov.co\x01auth=Bearer ya29.A0tok\x01\x01")
	if mech != "XOAUTH2" || !bytes.Equal(ir, want) {
		t.Fatalf("Start() = %q, %q; want XOAUTH2, %q", mech, ir, want)
	}
	resp, err := c.Next([]byte(`{"status":"401","schemes":"bearer","scope":"https://mail.google.com/"}`))
	if err != nil || len(resp) != 0 {
		t.Fatalf("Next(error challenge) = %q, %v; want an empty response", resp, err)
	}
	if c.failure == nil || c.failure.Status != "401" || c.failure.Scope != "https://mail.google.com/" {
		t.Fatalf("failure = %+v", c.failure)
	}
}

func TestParseXOAuth2Error(t *testing.T) {
	tests := []struct {
		name      string
		challenge string
		want      xoauth2Error
	}{
		{"google", `{"status":"401","schemes":"bearer","scope":"https://mail.google.com/"}`,
			xoauth2Error{Status: "401", Schemes: "bearer", Scope: "https://mail.google.com/"}},
		{"microsoft_numeric_status", `{"status":400,"schemes":"Bearer"}`, xoauth2Error{Status: "400", Schemes: "Bearer"}},
		{"not_json", `invalid token`, xoauth2Error{}},
		{"json_array", `["401"]`, xoauth2Error{}},
		{"nested_values_ignored", `{"status":{"x":1},"scope":["a"]}`, xoauth2Error{}},
		{"empty", ``, xoauth2Error{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := parseXOAuth2Error([]byte(tc.challenge)); got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func FuzzParseXOAuth2Error(f *testing.F) {
	f.Add([]byte(`{"status":"401","schemes":"bearer","scope":"https://mail.google.com/"}`))
	f.Add([]byte(`{"status":1e999}`))
	f.Add([]byte(`{`))
	f.Add([]byte{0xff, 0xfe})
	f.Fuzz(func(t *testing.T, b []byte) {
		e := parseXOAuth2Error(b)
		if len(e.Status) > 204 || len(e.Scope) > 204 || len(e.Schemes) > 204 {
			t.Fatalf("unbounded field: %+v", e)
		}
		_ = e.String()
	})
}

type staticToken string

func (s staticToken) Token(context.Context) (string, error) { return string(s), nil }

// saslSession adds PLAIN, XOAUTH2 and OAUTHBEARER to the in-memory server,
// accepting token goodToken for the test user.
type saslSession struct {
	imapserver.SessionIMAP4rev2
	goodToken string

	mu sync.Mutex
	ir []byte // last XOAUTH2 initial response as received
}

func (s *saslSession) AuthenticateMechanisms() []string {
	return []string{"PLAIN", "XOAUTH2", "OAUTHBEARER"}
}

func (s *saslSession) Authenticate(mech string) (sasl.Server, error) {
	switch mech {
	case "PLAIN":
		return sasl.NewPlainServer(func(_, user, pass string) error { return s.Login(user, pass) }), nil
	case "OAUTHBEARER":
		return sasl.NewOAuthBearerServer(func(o sasl.OAuthBearerOptions) *sasl.OAuthBearerError {
			if o.Token != s.goodToken || s.Login(o.Username, testPassword) != nil {
				return &sasl.OAuthBearerError{Status: "invalid_token", Schemes: "bearer"}
			}
			return nil
		}), nil
	case "XOAUTH2":
		return &xoauth2Server{s: s}, nil
	}
	return nil, errors.New("unsupported mechanism")
}

// xoauth2Server speaks the server side of XOAUTH2 as Gmail does.
type xoauth2Server struct {
	s      *saslSession
	failed bool
}

func (x *xoauth2Server) Next(resp []byte) ([]byte, bool, error) {
	if x.failed { // the client's empty answer to the error challenge
		return nil, false, imapserver.ErrAuthFailed
	}
	if resp == nil {
		return nil, false, nil // ask for the initial response
	}
	x.s.mu.Lock()
	x.s.ir = append([]byte(nil), resp...)
	x.s.mu.Unlock()
	fields := strings.Split(strings.TrimSuffix(string(resp), "\x01\x01"), "\x01")
	if len(fields) == 2 && strings.HasPrefix(fields[0], "user=") &&
		fields[1] == "auth=Bearer "+x.s.goodToken &&
		x.s.Login(strings.TrimPrefix(fields[0], "user="), testPassword) == nil {
		return nil, true, nil
	}
	x.failed = true
	return []byte(`{"status":"401","schemes":"bearer","scope":"https://mail.google.com/"}`), false, nil
}

func TestAuthMethods(t *testing.T) {
	serverTLS, clientTLS := selfSignedTLS(t)
	var (
		mu       sync.Mutex
		sessions []*saslSession
	)
	wrap := func(sess imapserver.Session) imapserver.Session {
		s := &saslSession{SessionIMAP4rev2: sess.(imapserver.SessionIMAP4rev2), goodToken: "tok-válido"}
		mu.Lock()
		sessions = append(sessions, s)
		mu.Unlock()
		return s
	}
	implicit := startMem(t, memOptions{tlsConfig: serverTLS, implicit: true, sasl: wrap})
	starttls := startMem(t, memOptions{tlsConfig: serverTLS, sasl: wrap})

	tests := []struct {
		name    string
		addr    string
		tls     string
		auth    string
		pass    string
		token   string
		roots   bool
		skip    bool
		wantErr string
	}{
		{name: "login_implicit_tls", addr: implicit.Addr, tls: TLSImplicit, auth: AuthLogin, pass: testPassword, roots: true},
		{name: "plain_implicit_tls", addr: implicit.Addr, tls: TLSImplicit, auth: AuthPlain, pass: testPassword, roots: true},
		{name: "plain_starttls", addr: starttls.Addr, tls: TLSStartTLS, auth: AuthPlain, pass: testPassword, roots: true},
		{name: "xoauth2", addr: implicit.Addr, tls: TLSImplicit, auth: AuthXOAuth2, token: "tok-válido", roots: true},
		{name: "oauthbearer", addr: starttls.Addr, tls: TLSStartTLS, auth: AuthOAuthBearer, token: "tok-válido", roots: true},
		{name: "xoauth2_rejected", addr: implicit.Addr, tls: TLSImplicit, auth: AuthXOAuth2, token: "caducado", roots: true,
			wantErr: "server said status 401, scope https://mail.google.com/"},
		{name: "oauthbearer_rejected", addr: implicit.Addr, tls: TLSImplicit, auth: AuthOAuthBearer, token: "caducado", roots: true,
			wantErr: "authenticate oauthbearer"},
		{name: "plain_wrong_password", addr: implicit.Addr, tls: TLSImplicit, auth: AuthPlain, pass: "nope", roots: true,
			wantErr: "authenticate plain"},
		{name: "untrusted_certificate", addr: implicit.Addr, tls: TLSImplicit, auth: AuthLogin, pass: testPassword,
			wantErr: "certificate"},
		{name: "untrusted_certificate_starttls", addr: starttls.Addr, tls: TLSStartTLS, auth: AuthLogin, pass: testPassword,
			wantErr: "certificate"},
		{name: "insecure_skip_verify", addr: implicit.Addr, tls: TLSImplicit, auth: AuthLogin, pass: testPassword, skip: true},
		{name: "tls_to_plaintext_server", addr: startMem(t, memOptions{}).Addr, tls: TLSImplicit, auth: AuthLogin,
			pass: testPassword, roots: true, wantErr: "connect"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := Config{
				Address: tc.addr, TLS: tc.tls, Auth: tc.auth, Username: testUser, Password: tc.pass,
				InsecureSkipVerify: tc.skip, Logger: testLogger(t),
			}
			if tc.token != "" {
				cfg.Token = staticToken(tc.token)
			}
			if tc.roots {
				cfg.TLSConfig = clientTLS
			}
			p, err := New(cfg, newMemHandler())
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			err = p.Check(ctx)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("Check: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("Check error = %v, want one containing %q", err, tc.wantErr)
			}
			t.Logf("error: %v", err)
			if strings.Contains(err.Error(), tc.token+"\x01") || (tc.pass != "" && strings.Contains(err.Error(), tc.pass)) {
				t.Fatalf("error leaks a secret: %v", err)
			}
		})
	}

	// The bytes the server received for the successful XOAUTH2 login.
	mu.Lock()
	defer mu.Unlock()
	want := "user=" + testUser + "\x01auth=Bearer tok-válido\x01\x01"
	found := false
	for _, s := range sessions {
		if string(s.ir) == want {
			found = true
		}
	}
	if !found {
		t.Errorf("no session received the XOAUTH2 initial response %q", want)
	}
}

// A poller authenticating with XOAUTH2 over implicit TLS reads mail.
func TestRunWithXOAuth2(t *testing.T) {
	serverTLS, clientTLS := selfSignedTLS(t)
	srv := startMem(t, memOptions{tlsConfig: serverTLS, implicit: true, caps: capsMove,
		sasl: func(sess imapserver.Session) imapserver.Session {
			return &saslSession{SessionIMAP4rev2: sess.(imapserver.SessionIMAP4rev2), goodToken: "t0k"}
		}})
	h := newMemHandler()
	cfg := Config{
		Address: srv.Addr, TLS: TLSImplicit, TLSConfig: clientTLS, Auth: AuthXOAuth2,
		Username: testUser, Token: staticToken("t0k"), Logger: testLogger(t), PollInterval: time.Hour,
	}
	if _, err := srv.User.Append("INBOX", literal(testMessage(1, 0)), &imap.AppendOptions{}); err != nil {
		t.Fatal(err)
	}
	startPoller(t, cfg, h, nil)
	eventually(t, "message stored", func() bool { return h.count() == 1 })
}

// literal adapts a byte slice to imap.LiteralReader.
type byteLiteral struct {
	*bytes.Reader
	n int64
}

func (l byteLiteral) Size() int64 { return l.n }

func literal(b []byte) imap.LiteralReader { return byteLiteral{bytes.NewReader(b), int64(len(b))} }
