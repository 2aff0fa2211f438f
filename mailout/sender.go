package mailout

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/textproto"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	gomail "github.com/wneessen/go-mail"
	mailsmtp "github.com/wneessen/go-mail/smtp"
)

// TokenSource supplies OAuth 2.0 access tokens for XOAUTH2. It is called
// once per connection, so it may refresh a token that is about to expire.
// The IMAP intake declares an identical interface; the daemon adapts one
// implementation to both.
type TokenSource interface {
	Token(context.Context) (string, error)
}

// TLS modes of SMTPConfig.TLS.
const (
	TLSImplicit = "implicit" // TLS from the first byte (submissions, port 465; RFC 8314 §3.3)
	TLSStartTLS = "starttls" // plain text, then STARTTLS before anything else (port 587; RFC 3207)
	TLSNone     = "none"     // no TLS at all: only a relay on the loopback, unless AllowInsecure
)

// Authentication mechanisms of SMTPConfig.Auth.
const (
	AuthAuto    = ""        // none without a Username; with one, PLAIN or LOGIN as the server offers
	AuthPlain   = "plain"   // RFC 4616
	AuthLogin   = "login"   // the draft-murchison-sasl-login mechanism Exchange and others offer
	AuthXOAUTH2 = "xoauth2" // Google's and Microsoft's bearer-token mechanism
)

// DefaultSMTPTimeout bounds the dial and every SMTP command.
const DefaultSMTPTimeout = 30 * time.Second

// probeIdle is how long a connection may sit unused before the next message
// first checks it with NOOP: servers drop idle clients (RFC 5321 §4.5.3.2.7
// suggests 5 minutes; many use less), and finding out at MAIL FROM would
// cost a message its place in the queue.
const probeIdle = 5 * time.Second

// SMTPConfig says how to reach the submission server.
type SMTPConfig struct {
	Address string // host:port
	// TLS is TLSImplicit, TLSStartTLS or TLSNone. TLSNone is refused
	// unless Address is a loopback address or AllowInsecure is set.
	TLS                string
	AllowInsecure      bool
	InsecureSkipVerify bool
	TLSConfig          *tls.Config // optional (tests); cloned, ServerName defaults to the host
	Username, Password string
	// Auth is AuthAuto, AuthPlain, AuthLogin or AuthXOAUTH2.
	Auth     string
	Token    TokenSource   // for AuthXOAUTH2
	Timeout  time.Duration // dial and per-command; DefaultSMTPTimeout when zero
	HeloName string        // EHLO name; the host name when empty
}

// check validates c and returns it with defaults filled in, plus the host
// and port.
func (c SMTPConfig) check() (SMTPConfig, string, int, error) {
	host, ps, err := net.SplitHostPort(c.Address)
	if err != nil {
		return c, "", 0, fmt.Errorf("smtp address %q: %w", c.Address, err)
	}
	port, err := strconv.Atoi(ps)
	if err != nil || port < 1 || port > 65535 || host == "" {
		return c, "", 0, fmt.Errorf("smtp address %q: want host:port", c.Address)
	}
	c.TLS = strings.ToLower(strings.TrimSpace(c.TLS))
	switch c.TLS {
	case TLSImplicit, TLSStartTLS:
	case TLSNone:
		if !c.AllowInsecure && !isLoopback(host) {
			return c, "", 0, fmt.Errorf("smtp: tls = %q to %s, which is not the loopback: set allow_insecure to send in clear text", c.TLS, host)
		}
	default:
		return c, "", 0, fmt.Errorf("smtp: tls %q: want %q, %q or %q", c.TLS, TLSImplicit, TLSStartTLS, TLSNone)
	}
	c.Auth = strings.ToLower(strings.TrimSpace(c.Auth))
	switch c.Auth {
	case AuthAuto:
	case AuthPlain, AuthLogin:
		if c.Username == "" {
			return c, "", 0, fmt.Errorf("smtp: auth %q needs a username", c.Auth)
		}
	case AuthXOAUTH2:
		if c.Username == "" || c.Token == nil {
			return c, "", 0, fmt.Errorf("smtp: auth %q needs a username and a token source", c.Auth)
		}
	default:
		return c, "", 0, fmt.Errorf("smtp: auth %q: want %q, %q or %q", c.Auth, AuthPlain, AuthLogin, AuthXOAUTH2)
	}
	if c.Timeout <= 0 {
		c.Timeout = DefaultSMTPTimeout
	}
	return c, host, port, nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Sender is one SMTP connection that sends many messages: it dials on first
// use, keeps the connection for the next messages (a batch costs one
// handshake), and dials again when the connection is lost. A Sender is not
// safe for concurrent use; the worker gives each of its connections one.
type Sender struct {
	cfg    SMTPConfig
	host   string
	client *gomail.Client
	conn   *mailsmtp.Client
	raw    net.Conn // the socket of the current dial, closed if the handshake fails
	used   time.Time
	// oneShot closes the connection after every message (the benchmark's
	// baseline, and a fallback for servers that mishandle reuse).
	oneShot bool
	// mode is how the current connection runs a transaction (sender_pipe.go);
	// noPipelining keeps go-mail's one command at a time (tests, benchmark).
	mode         txMode
	noPipelining bool
	msg          bytes.Buffer // the message being sent
	out          []byte       // the bytes of one write
}

// NewSender checks cfg and prepares a Sender. It does not connect.
func NewSender(cfg SMTPConfig) (*Sender, error) {
	cfg, host, port, err := cfg.check()
	if err != nil {
		return nil, err
	}
	s := &Sender{cfg: cfg, host: host}
	opts := []gomail.Option{
		gomail.WithPort(port),
		gomail.WithTimeout(cfg.Timeout),
		gomail.WithDialContextFunc(s.dial),
		// A NOOP before and a RSET after every message would double the
		// round trips of a batch. After a completed transaction the server
		// is back in its initial state (RFC 5321 §4.1.4), so RSET adds
		// nothing; idle connections are probed in connect instead.
		gomail.WithoutNoop(),
		gomail.WithoutRset(),
	}
	if cfg.TLS == TLSStartTLS {
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory), gomail.WithTLSConfig(s.tlsConfig()))
	} else {
		// Implicit TLS is done by dial; go-mail must not try STARTTLS on top.
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	}
	if cfg.HeloName != "" {
		opts = append(opts, gomail.WithHELO(cfg.HeloName))
	}
	c, err := gomail.NewClient(host, opts...)
	if err != nil {
		return nil, fmt.Errorf("smtp client: %w", err)
	}
	s.client = c
	return s, nil
}

func (s *Sender) tlsConfig() *tls.Config {
	var tc *tls.Config
	if s.cfg.TLSConfig != nil {
		tc = s.cfg.TLSConfig.Clone()
	} else {
		tc = &tls.Config{}
	}
	if tc.ServerName == "" {
		tc.ServerName = s.host
	}
	if tc.MinVersion == 0 {
		tc.MinVersion = tls.VersionTLS12
	}
	if s.cfg.InsecureSkipVerify {
		tc.InsecureSkipVerify = true
	}
	return tc
}

// dial opens the socket for go-mail, doing the TLS handshake itself in
// implicit mode, and keeps the socket so a failed greeting or handshake can
// close it (go-mail leaves it open).
func (s *Sender) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	d := net.Dialer{Timeout: s.cfg.Timeout}
	c, err := d.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	if s.cfg.TLS == TLSImplicit {
		tc := tls.Client(c, s.tlsConfig())
		if err := tc.HandshakeContext(ctx); err != nil {
			c.Close()
			return nil, fmt.Errorf("tls handshake: %w", err)
		}
		c = tc
	}
	s.raw = c
	return c, nil
}

// Connected reports whether the Sender holds a connection.
func (s *Sender) Connected() bool { return s.conn != nil }

// Dial connects, greets, starts TLS and authenticates, unless a connection
// is already open. It blocks for up to the configured timeout.
func (s *Sender) Dial(ctx context.Context) error {
	if s.conn != nil {
		return nil
	}
	auth, err := s.auth(ctx)
	if err != nil {
		return err
	}
	if auth != nil {
		s.client.SetSMTPAuthCustom(auth)
	} else {
		s.client.SetSMTPAuth(gomail.SMTPAuthNoAuth)
	}
	s.raw = nil
	conn, err := s.client.DialToSMTPClientWithContext(ctx)
	if err != nil {
		if s.raw != nil {
			s.raw.Close()
		}
		s.raw = nil
		return fmt.Errorf("smtp connect to %s: %w", s.cfg.Address, err)
	}
	s.conn = conn
	s.mode = s.modeOf()
	s.used = time.Now()
	return nil
}

// auth returns the SASL mechanism for the next connection, or nil.
func (s *Sender) auth(ctx context.Context) (mailsmtp.Auth, error) {
	// Clear text only where check allowed it (loopback, or AllowInsecure).
	clear := s.cfg.TLS == TLSNone
	switch s.cfg.Auth {
	case AuthPlain:
		return mailsmtp.PlainAuth("", s.cfg.Username, s.cfg.Password, s.host, clear), nil
	case AuthLogin:
		return mailsmtp.LoginAuth(s.cfg.Username, s.cfg.Password, s.host, clear), nil
	case AuthXOAUTH2:
		tok, err := s.cfg.Token.Token(ctx)
		if err != nil {
			return nil, fmt.Errorf("smtp: xoauth2 token: %w", err)
		}
		return mailsmtp.XOAuth2Auth(s.cfg.Username, tok), nil
	}
	if s.cfg.Username == "" {
		return nil, nil
	}
	return &autoAuth{user: s.cfg.Username, pass: s.cfg.Password, host: s.host, clear: clear}, nil
}

// autoAuth picks PLAIN, else LOGIN, from the mechanisms the server offers
// in its EHLO reply.
type autoAuth struct {
	user, pass, host string
	clear            bool
	chosen           mailsmtp.Auth
}

func (a *autoAuth) Start(si *mailsmtp.ServerInfo) (string, []byte, error) {
	switch {
	case slices.ContainsFunc(si.Auth, func(m string) bool { return strings.EqualFold(m, "PLAIN") }):
		a.chosen = mailsmtp.PlainAuth("", a.user, a.pass, a.host, a.clear)
	case slices.ContainsFunc(si.Auth, func(m string) bool { return strings.EqualFold(m, "LOGIN") }):
		a.chosen = mailsmtp.LoginAuth(a.user, a.pass, a.host, a.clear)
	default:
		return "", nil, fmt.Errorf("smtp: the server offers neither PLAIN nor LOGIN (it offers %q)", si.Auth)
	}
	return a.chosen.Start(si)
}

func (a *autoAuth) Next(from []byte, more bool) ([]byte, error) {
	if a.chosen == nil {
		return nil, errors.New("smtp: auth not started")
	}
	return a.chosen.Next(from, more)
}

// Send delivers m over the open connection, dialling first when there is
// none. It blocks until the server answered the end of the data (or the
// timeout). Every error is a *DeliveryError that says whether the failure
// is temporary and whether the connection was lost (then it is closed, and
// the next Send dials again).
//
// When a connection that was kept from earlier messages turns out to be
// dead before the message was handed over (at the connection check or at
// MAIL FROM), Send dials once more and retries: nothing was delivered, so
// the retry cannot duplicate the message.
func (s *Sender) Send(ctx context.Context, m *gomail.Msg) error { return s.send(ctx, m, false) }

// SendNullSender is Send with the null reverse-path, MAIL FROM:<> (RFC
// 5321 §4.5.5), instead of the message's sender: for automatic answers
// (RFC 3834 §3.3), so that a bounce of one is not delivered back to the
// desk, which would answer it again.
func (s *Sender) SendNullSender(ctx context.Context, m *gomail.Msg) error {
	return s.send(ctx, m, true)
}

// nullReversePath is MAIL FROM's argument for SendNullSender.
const nullReversePath = "<>"

func (s *Sender) send(ctx context.Context, m *gomail.Msg, null bool) error {
	reused, err := s.connect(ctx)
	if err != nil {
		return &DeliveryError{Temporary: true, ConnLost: true, Dial: true, Err: err}
	}
	de := s.sendOnce(m, null)
	if de != nil && de.ConnLost && reused && de.beforeData {
		if err := s.Dial(ctx); err != nil {
			return &DeliveryError{Temporary: true, ConnLost: true, Dial: true, Err: err}
		}
		de = s.sendOnce(m, null)
	}
	if s.oneShot && s.conn != nil {
		s.Close()
	}
	if de != nil {
		return de
	}
	return nil
}

// connect makes sure a connection is open and reports whether it was kept
// from earlier messages.
func (s *Sender) connect(ctx context.Context) (reused bool, err error) {
	if s.conn != nil && time.Since(s.used) > probeIdle {
		// The deadline of the last message has passed by now; give the
		// probe one of its own.
		if err := s.conn.UpdateDeadline(s.cfg.Timeout); err != nil || s.conn.Noop() != nil {
			s.drop()
		}
	}
	if s.conn != nil {
		return true, nil
	}
	return false, s.Dial(ctx)
}

func (s *Sender) sendOnce(m *gomail.Msg, null bool) *DeliveryError {
	if ok, _ := s.conn.Extension("8BITMIME"); !ok && has8bit(m) {
		quotePrintable8bit(m)
	}
	var de *DeliveryError
	from, rcpts, ascii, err := envelopeOf(m)
	if null && err == nil {
		from = nullReversePath
	}
	if s.mode != txOneByOne && ascii && err == nil {
		de = s.sendPipelined(m, from, rcpts)
		if s.msg.Cap() > maxKeptBuffer {
			s.msg = bytes.Buffer{}
		}
	} else if err == nil && (null || !s.noPipelining) {
		// go-mail's own transaction takes the reverse-path from the
		// message's headers, which cannot say <>, and ignores a failure
		// to write the end of the data, so that a timeout after it cannot
		// be told from one before it (see DeliveryError.Unconfirmed).
		de = s.sendStepwise(m, from, rcpts)
	} else if err := s.client.SendWithSMTPClient(s.conn, m); err != nil {
		de = classify(err)
	}
	s.used = time.Now()
	if de == nil {
		return nil
	}
	if de.ConnLost {
		s.drop()
	}
	return de
}

// sendStepwise runs one transaction one command at a time, as go-mail
// does, with from as the reverse-path.
func (s *Sender) sendStepwise(m *gomail.Msg, from string, rcpts []string) *DeliveryError {
	c := s.conn
	if err := c.UpdateDeadline(s.cfg.Timeout); err != nil {
		return lost(err, true)
	}
	// step classifies a failed command: a reply is a refusal, anything
	// else a lost connection. As in the other modes, only a connection
	// lost at MAIL FROM is retried at once on a new one (Send).
	step := func(stage string, err error) *DeliveryError {
		var te *textproto.Error
		if !errors.As(err, &te) {
			de := lost(fmt.Errorf("%s: %w", stage, err), strings.HasPrefix(stage, "MAIL FROM"))
			de.Unconfirmed = stage == endStage
			return de
		}
		return s.endRefused(fmt.Errorf("%s: %w", stage, err))
	}
	if err := c.Mail(from); err != nil {
		return step("MAIL FROM "+from, err)
	}
	for _, r := range rcpts {
		if err := c.Rcpt(r); err != nil {
			return step("RCPT TO "+r, err)
		}
	}
	wc, err := c.Data()
	if err != nil {
		return step("DATA", err)
	}
	// The dot-stuffing writer itself: closing go-mail's DataCloser would
	// drop the error of writing the final dot.
	dw := io.WriteCloser(wc)
	if dc, ok := wc.(*mailsmtp.DataCloser); ok {
		dw = dc.WriteCloser
	}
	if _, err := m.WriteTo(dw); err != nil {
		// The final dot was not sent: the server has no message.
		return lost(fmt.Errorf("write message: %w", err), false)
	}
	if err := dw.Close(); err != nil {
		return lost(fmt.Errorf("write message: %w", err), false)
	}
	if _, _, err := c.Text.ReadResponse(250); err != nil {
		return step(endStage, err)
	}
	return nil
}

// drop closes the connection without QUIT (it is broken).
func (s *Sender) drop() {
	if s.conn != nil {
		s.conn.Close()
		s.conn = nil
	}
}

// Close says QUIT and closes the connection; without one it does nothing.
func (s *Sender) Close() error {
	if s.conn == nil {
		return nil
	}
	err := s.client.CloseWithSMTPClient(s.conn)
	s.drop()
	if err != nil {
		return fmt.Errorf("smtp quit: %w", err)
	}
	return nil
}

// DeliveryError is a failed delivery, classified the way a queue needs it
// (after maddy's exterrors): temporary failures are retried later,
// permanent ones are not. An error that is not a 5xx reply counts as
// temporary.
type DeliveryError struct {
	Temporary bool
	// ConnLost: the connection cannot be used for the next message
	// (network error, timeout, 421, or no connection could be made).
	ConnLost bool
	// Dial: no connection could be made, so the message was not attempted.
	Dial bool
	// Unconfirmed: the whole message was handed over and the reply to its
	// end never came (a timeout, or the connection lost while waiting):
	// the server may have it and deliver it (RFC 5321 §6.1 leaves it to
	// the client; RFC 1047 describes the duplicates). go-mail's own
	// transaction (noPipelining, for tests and the benchmark) cannot tell
	// and never sets it.
	Unconfirmed bool
	// Code is the SMTP reply code, 0 when there was no reply.
	Code int
	Err  error

	beforeData bool // failed before the message was handed over
}

func (e *DeliveryError) Error() string { return e.Err.Error() }
func (e *DeliveryError) Unwrap() error { return e.Err }

// Reason is the error as one short line, for the outbox row and the
// ticket's record.
func (e *DeliveryError) Reason() string { return oneLine(e.Err.Error(), maxReason) }

// maxReason bounds a failure reason in bytes.
const maxReason = 300

// oneLine folds white space (a multi-line SMTP reply) to single spaces,
// replaces invalid UTF-8 (PostgreSQL refuses it in text) and cuts s to at
// most n bytes on a character boundary.
func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(strings.ToValidUTF8(s, "\uFFFD")), " ")
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}

// classify turns an error of go-mail's Send into a DeliveryError. RFC 5321
// §4.2.1: 4yz replies are transient, 5yz permanent; 421 also means the
// server is closing the connection (§3.8). A 530 (authentication required,
// RFC 4954 §6) is our configuration, not the message, so it is temporary.
// go-mail's own IsTemp only looks for a leading "4", which would make a
// network error permanent; here anything without a 5yz reply is temporary.
func classify(err error) *DeliveryError {
	de := &DeliveryError{Temporary: true, Err: err}
	var se *gomail.SendError
	if errors.As(err, &se) {
		switch se.Reason {
		case gomail.ErrGetSender, gomail.ErrGetRcpts, gomail.ErrNoUnencoded:
			// The message itself cannot be sent as built.
			de.Temporary = false
			return de
		case gomail.ErrConnCheck, gomail.ErrSMTPMailFrom:
			de.beforeData = true
		}
		de.Code = se.ErrorCode()
	} else {
		var te *textproto.Error
		if errors.As(err, &te) {
			de.Code = te.Code
		}
	}
	classifyCode(de)
	return de
}

// classifyCode sets de's Temporary and ConnLost from its reply code.
func classifyCode(de *DeliveryError) {
	switch {
	case de.Code == 0:
		de.ConnLost = true
	case de.Code == 421:
		de.ConnLost = true
	case de.Code == 530:
	case de.Code >= 500 && de.Code < 600:
		de.Temporary = false
	}
}
