package mailout

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"log"
	"math/big"
	"net"
	"net/mail"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// fakeSMTP is a real SMTP server (emersion/go-smtp) on the loopback that
// records what it accepts and answers with the faults a test injects.
type fakeSMTP struct {
	addr  string
	roots *x509.CertPool // trusts the server's certificate (TLS modes)
	conns atomic.Int64   // TCP connections accepted

	// Set before use.
	user, pass string // non-empty: AUTH PLAIN/LOGIN required before MAIL
	token      string // non-empty: XOAUTH2 with this bearer token accepted
	discard    bool   // count accepted messages but keep none (benchmarks)

	mu       sync.Mutex
	msgs     []fakeMsg
	accepted int
	faults   []*fault
	// inData, when set, is called in DATA after the message was read,
	// before it is accepted (tests that stop the worker mid-message).
	inData func()
	authed []string // user names that authenticated
}

type fakeMsg struct {
	From string
	To   []string
	Data []byte
}

// Header parses the message's header (the test fails on a malformed one).
func (m fakeMsg) Header(t testing.TB) mail.Header {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
	if err != nil {
		t.Fatalf("server got an unparsable message: %v\n%s", err, m.Data)
	}
	return msg.Header
}

// fault answers code (0: drop the connection without an answer) at stage
// ("mail", "rcpt" or "data", the end of the data) for rcpt ("" for anyone),
// n times (negative: always).
type fault struct {
	stage string
	code  int
	rcpt  string
	n     int
}

type fakeMode int

const (
	plainSMTP    fakeMode = iota // no TLS
	startTLSSMTP                 // STARTTLS offered
	implicitSMTP                 // TLS from the first byte
)

func newFakeSMTP(t testing.TB, mode fakeMode) *fakeSMTP {
	t.Helper()
	f := &fakeSMTP{}
	srv := smtp.NewServer(f)
	srv.Domain = "mx.test"
	srv.ErrorLog = log.New(io.Discard, "", 0)
	srv.MaxMessageBytes = 10 << 20
	srv.AllowInsecureAuth = mode == plainSMTP
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if mode != plainSMTP {
		cert, roots := selfSigned(t)
		f.roots = roots
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
		if mode == implicitSMTP {
			ln = tls.NewListener(ln, srv.TLSConfig)
		}
	}
	f.addr = ln.Addr().String()
	go srv.Serve(countingListener{ln, &f.conns})
	t.Cleanup(func() { srv.Close() })
	return f
}

// inject adds a fault.
func (f *fakeSMTP) inject(stage string, code int, rcpt string, n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults = append(f.faults, &fault{stage: stage, code: code, rcpt: strings.ToLower(rcpt), n: n})
}

// take consumes the first fault that matches.
func (f *fakeSMTP) take(stage string, rcpts ...string) (code int, ok bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, ft := range f.faults {
		if ft.stage != stage || ft.n == 0 {
			continue
		}
		if ft.rcpt != "" && !containsFold(rcpts, ft.rcpt) {
			continue
		}
		if ft.n > 0 {
			ft.n--
		}
		return ft.code, true
	}
	return 0, false
}

func containsFold(xs []string, s string) bool {
	for _, x := range xs {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// Messages returns a copy of what the server accepted.
func (f *fakeSMTP) Messages() []fakeMsg {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]fakeMsg(nil), f.msgs...)
}

// Count returns how many messages the server accepted.
func (f *fakeSMTP) Count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.accepted
}

// NewSession implements smtp.Backend.
func (f *fakeSMTP) NewSession(c *smtp.Conn) (smtp.Session, error) {
	return &fakeSession{f: f, c: c}, nil
}

type fakeSession struct {
	f      *fakeSMTP
	c      *smtp.Conn
	authed bool
	from   string
	to     []string
}

var _ smtp.AuthSession = (*fakeSession)(nil)

func (s *fakeSession) AuthMechanisms() []string {
	var ms []string
	if s.f.user != "" {
		ms = append(ms, sasl.Plain, sasl.Login)
	}
	if s.f.token != "" {
		ms = append(ms, "XOAUTH2")
	}
	return ms
}

func (s *fakeSession) Auth(mech string) (sasl.Server, error) {
	check := func(user, pass string) error {
		if user != s.f.user || pass != s.f.pass {
			return smtp.ErrAuthFailed
		}
		s.authOK(user)
		return nil
	}
	switch mech {
	case sasl.Plain:
		return sasl.NewPlainServer(func(_, user, pass string) error { return check(user, pass) }), nil
	case sasl.Login:
		return &loginServer{check: check}, nil
	case "XOAUTH2":
		return &xoauth2Server{check: func(user, tok string) error {
			if tok != s.f.token {
				return smtp.ErrAuthFailed
			}
			s.authOK(user)
			return nil
		}}, nil
	}
	return nil, smtp.ErrAuthUnknownMechanism
}

func (s *fakeSession) authOK(user string) {
	s.authed = true
	s.f.mu.Lock()
	s.f.authed = append(s.f.authed, user)
	s.f.mu.Unlock()
}

// fail answers a fault: an SMTP error, or a dropped connection.
func (s *fakeSession) fail(code int) error {
	if code == 0 {
		s.c.Conn().Close()
		return errors.New("connection dropped by the test")
	}
	return &smtp.SMTPError{Code: code, EnhancedCode: smtp.EnhancedCode{code / 100, 0, 0}, Message: "injected by the test"}
}

func (s *fakeSession) Mail(from string, _ *smtp.MailOptions) error {
	if (s.f.user != "" || s.f.token != "") && !s.authed {
		return &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "Authentication required"}
	}
	if code, ok := s.f.take("mail"); ok {
		return s.fail(code)
	}
	s.from = from
	return nil
}

func (s *fakeSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if code, ok := s.f.take("rcpt", to); ok {
		return s.fail(code)
	}
	s.to = append(s.to, to)
	return nil
}

func (s *fakeSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if code, ok := s.f.take("data", s.to...); ok {
		return s.fail(code)
	}
	s.f.mu.Lock()
	hook := s.f.inData
	s.f.mu.Unlock()
	if hook != nil {
		hook()
	}
	s.f.mu.Lock()
	s.f.accepted++
	if !s.f.discard {
		s.f.msgs = append(s.f.msgs, fakeMsg{From: s.from, To: append([]string(nil), s.to...), Data: b})
	}
	s.f.mu.Unlock()
	return nil
}

func (s *fakeSession) Reset() { s.from, s.to = "", nil }

func (s *fakeSession) Logout() error { return nil }

// loginServer is the server side of SASL LOGIN, which go-sasl lacks.
type loginServer struct {
	check func(user, pass string) error
	step  int
	user  string
}

func (l *loginServer) Next(resp []byte) ([]byte, bool, error) {
	l.step++
	switch l.step {
	case 1:
		if len(resp) > 0 { // initial response: the user name
			l.user = string(resp)
			l.step++
			return []byte("Password:"), false, nil
		}
		return []byte("Username:"), false, nil
	case 2:
		l.user = string(resp)
		return []byte("Password:"), false, nil
	case 3:
		return nil, true, l.check(l.user, string(resp))
	}
	return nil, false, errors.New("unexpected LOGIN step")
}

// xoauth2Server is the server side of XOAUTH2: "user=" u ^A "auth=Bearer "
// token ^A ^A.
type xoauth2Server struct {
	check func(user, token string) error
}

func (x *xoauth2Server) Next(resp []byte) ([]byte, bool, error) {
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
	return nil, true, x.check(user, tok)
}

type countingListener struct {
	net.Listener
	n *atomic.Int64
}

func (l countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.n.Add(1)
	}
	return c, err
}

// selfSigned makes a certificate for 127.0.0.1 and localhost, and a pool
// that trusts it.
func selfSigned(t testing.TB) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "mx.test"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1")},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: cert}, pool
}
