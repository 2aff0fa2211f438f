package mailsandbox

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// SMTP replies with enhanced status codes (RFC 3463).
var (
	errNoSuchUser = &smtp.SMTPError{
		Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1},
		Message: "No such user here",
	}
	errBadRecipient = &smtp.SMTPError{
		Code: 501, EnhancedCode: smtp.EnhancedCode{5, 1, 3},
		Message: "Bad recipient address syntax",
	}
	errRelayDenied = &smtp.SMTPError{
		Code: 554, EnhancedCode: smtp.EnhancedCode{5, 7, 1},
		Message: "Relay access denied: authenticate to send outside the local domains",
	}
	errTooLarge = &smtp.SMTPError{
		Code: 552, EnhancedCode: smtp.EnhancedCode{5, 3, 4},
		Message: "Message too big",
	}
	errShuttingDown = &smtp.SMTPError{
		Code: 421, EnhancedCode: smtp.EnhancedCode{4, 3, 2},
		Message: "Service shutting down",
	}
	errDeliveryFailed = &smtp.SMTPError{
		Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0},
		Message: "Local delivery failed, try again later",
	}
)

func (s *System) newSMTPServer() *smtp.Server {
	srv := smtp.NewServer(smtpBackend{s})
	srv.Domain = s.host
	srv.MaxMessageBytes = MaxMessageBytes
	srv.MaxRecipients = 100
	srv.AllowInsecureAuth = true
	srv.EnableSMTPUTF8 = true // delivery stores bytes as they come
	srv.ReadTimeout = 10 * time.Minute
	srv.WriteTimeout = time.Minute
	srv.ErrorLog = printfLogger{s.log.With("proto", "smtp")}
	return srv
}

type smtpBackend struct{ sys *System }

func (b smtpBackend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	if b.sys.isClosed() {
		return nil, errShuttingDown
	}
	b.sys.smtpLive.enter()
	sess := &smtpSession{sys: b.sys, helo: c.Hostname()}
	if tcp, ok := c.Conn().RemoteAddr().(*net.TCPAddr); ok {
		sess.remoteIP = tcp.IP.String()
	}
	return sess, nil
}

// smtpSession is one SMTP connection. go-smtp calls its methods from the
// connection's goroutine only.
type smtpSession struct {
	sys      *System
	helo     string
	remoteIP string
	user     string // canonical address once authenticated

	from  string
	rcpts []recipient
}

var _ smtp.AuthSession = (*smtpSession)(nil)

func (ss *smtpSession) AuthMechanisms() []string {
	return []string{sasl.Plain, sasl.Login}
}

func (ss *smtpSession) Auth(mech string) (sasl.Server, error) {
	switch mech {
	case sasl.Plain:
		return sasl.NewPlainServer(func(identity, username, password string) error {
			if identity != "" && canonical(identity) != canonical(username) {
				return smtp.ErrAuthFailed
			}
			return ss.login(username, password)
		}), nil
	case sasl.Login:
		return &loginServer{authenticate: ss.login}, nil
	}
	return nil, smtp.ErrAuthUnknownMechanism
}

// login checks a password against the accounts. Failures are logged with the
// username, never the password.
func (ss *smtpSession) login(username, password string) error {
	canon := canonical(username)
	a := ss.sys.lookup(canon)
	if a == nil || a.user.Login(canon, password) != nil {
		ss.sys.log.Info("smtp auth failed", "username", canon, "remote_ip", ss.remoteIP)
		return smtp.ErrAuthFailed
	}
	ss.user = canon
	return nil
}

func (ss *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	ss.from = from
	ss.rcpts = nil
	return nil
}

// Rcpt decides at RCPT time (RFC 5321 section 3.3), so a client learns about
// an unknown recipient before it sends the data.
func (ss *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	r, err := ss.sys.resolve(to)
	switch {
	case errors.Is(err, ErrUnknownRecipient):
		return errNoSuchUser
	case err != nil:
		return errBadRecipient
	case r.acct == nil && ss.user == "":
		return errRelayDenied
	}
	for _, have := range ss.rcpts {
		if canonical(have.addr) == canonical(to) {
			return nil // RCPT twice: one copy
		}
	}
	ss.rcpts = append(ss.rcpts, r)
	return nil
}

func (ss *smtpSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		if errors.Is(err, smtp.ErrDataTooLarge) {
			return errTooLarge
		}
		return fmt.Errorf("mailsandbox: read data: %w", err)
	}
	if ss.sys.isClosed() {
		// Close already cut the connection; 421 tells a client that still
		// reads to try again rather than count the message as delivered.
		return errShuttingDown
	}
	err = ss.sys.deliver(envelope{
		from: ss.from, rcpts: ss.rcpts, raw: raw,
		smtp: true, helo: ss.helo, remoteIP: ss.remoteIP, authed: ss.user != "",
	})
	switch {
	case errors.Is(err, ErrTooLarge):
		return errTooLarge
	case err != nil:
		ss.sys.log.Error("smtp delivery failed", "err", err)
		return errDeliveryFailed
	}
	return nil
}

func (ss *smtpSession) Reset() {
	ss.from = ""
	ss.rcpts = nil
}

func (ss *smtpSession) Logout() error {
	ss.sys.smtpLive.leave()
	return nil
}

// loginServer is the server side of the obsolete but widespread SASL LOGIN
// mechanism (draft-murchison-sasl-login): the server asks "Username:" and
// "Password:", the client answers each in turn. A client may send the
// username as the initial response. go-sasl has only the client side.
type loginServer struct {
	authenticate func(username, password string) error
	step         int
	username     string
}

var _ sasl.Server = (*loginServer)(nil)

func (l *loginServer) Next(response []byte) (challenge []byte, done bool, err error) {
	switch l.step {
	case 0:
		if len(response) == 0 {
			l.step = 1
			return []byte("Username:"), false, nil
		}
		l.username = string(response)
		l.step = 2
		return []byte("Password:"), false, nil
	case 1:
		l.username = string(response)
		l.step = 2
		return []byte("Password:"), false, nil
	case 2:
		l.step = 3
		return nil, true, l.authenticate(l.username, string(response))
	}
	return nil, false, errors.New("mailsandbox: unexpected SASL LOGIN response")
}

// printfLogger adapts slog to the Printf-style loggers of go-imap and
// go-smtp. Most of what they report (a client that went away, a syntax error)
// is routine for a sandbox and goes at debug level; a recovered panic is an
// error.
type printfLogger struct{ log *slog.Logger }

func (p printfLogger) Printf(format string, v ...any) {
	p.emit(fmt.Sprintf(format, v...))
}

func (p printfLogger) Println(v ...any) {
	p.emit(fmt.Sprintln(v...))
}

func (p printfLogger) emit(msg string) {
	msg = strings.TrimSpace(msg)
	if strings.Contains(msg, "panic") {
		p.log.Error(msg)
		return
	}
	p.log.Debug(msg)
}
