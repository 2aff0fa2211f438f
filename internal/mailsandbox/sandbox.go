// Package mailsandbox is a small mail provider that runs in process: a real
// IMAP server (go-imap's imapmemserver) and a real SMTP submission server
// (go-smtp) on loopback, sharing one set of accounts.
//
// It exists for `ticketd sandbox` and for tests. ticketd speaks only real IMAP
// and SMTP, so it runs against a System unchanged; people point Thunderbird,
// mutt or any other client at the same ports with the same accounts.
//
// What a System does:
//   - IMAP: one user per account (the username is the full address), each
//     with INBOX, Drafts, Sent and Trash; IDLE, MOVE, UIDPLUS; plain-text
//     authentication is allowed because the listeners are meant for loopback.
//   - SMTP: AUTH PLAIN and LOGIN with the same accounts. An authenticated
//     client may send to anyone: local recipients get the message in their
//     INBOX, recipients in foreign domains are captured (reported to OnDeliver
//     and logged, delivered nowhere). An unauthenticated client may send only to
//     local recipients, like an MX, so tests can inject mail easily.
//   - Local delivery resolves a recipient case-insensitively by exact address,
//     then by plus-addressing (`soporte.oti+TOKEN@d` lands in `soporte.oti@d`),
//     and prepends Return-Path, Delivered-To (the recipient as given) and
//     Received, as a real MTA does.
//   - Optionally, mailboxes are saved to a folder on Close and loaded on Start,
//     keeping UIDVALIDITY and UIDs so that client caches stay valid.
//
// This package must not import ticketd's domain or store packages: it is a
// mail provider, it knows nothing about tickets.
package mailsandbox

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	"github.com/emersion/go-smtp"
)

// MaxMessageBytes is the largest message the SMTP server and Deliver accept,
// advertised with the SIZE extension (RFC 1870) and IMAP APPENDLIMIT.
const MaxMessageBytes = 25 << 20

// closeTimeout bounds how long Close waits for sessions to end after their
// connections were closed.
const closeTimeout = 2 * time.Second

// Sentinel errors. Errors returned by this package wrap one of them where it
// applies, so callers can use errors.Is.
var (
	ErrUnknownRecipient = errors.New("mailsandbox: unknown local recipient")
	ErrBadAddress       = errors.New("mailsandbox: malformed address")
	ErrAccountExists    = errors.New("mailsandbox: account already exists")
	ErrTooLarge         = errors.New("mailsandbox: message too large")
	ErrClosed           = errors.New("mailsandbox: system closed")
)

// Account is one mailbox owner. Address is also the IMAP username and the
// SMTP AUTH username; it is matched case-insensitively.
type Account struct {
	Address  string
	Password string
	Name     string // display name; informational
}

// Config describes a System. The zero value is usable: no accounts, both
// servers on free loopback ports.
type Config struct {
	// Domain is the local domain, e.g. "example.gov.co". The domains of all
	// accounts are local too; Domain only adds one with no account yet (mail to
	// it is refused as unknown rather than captured as foreign) and names the
	// host in greetings and Received headers.
	Domain   string
	Accounts []Account
	// IMAPAddr and SMTPAddr are listen addresses; empty means "127.0.0.1:0",
	// a free loopback port. Passwords travel in clear: a non-loopback address
	// is allowed (a phone on the LAN) but logged as a warning.
	IMAPAddr, SMTPAddr string
	// Logger receives the servers' events with component=mailsandbox. Nil
	// means slog.Default(). Message bodies and passwords are never logged.
	Logger *slog.Logger
	// Persist, when not empty, is a folder where each account's mailboxes are
	// saved on Close (and Save) and loaded on Start and AddAccount, so that a
	// sandbox kept between runs keeps its mail. One JSON file per account.
	Persist string
}

// System is a running mail provider. Its methods are safe for concurrent use.
type System struct {
	cfg    Config
	log    *slog.Logger
	host   string // greeting and Received host name
	idBase string // per-System prefix of Received ids

	imapLn, smtpLn net.Listener
	imapSrv        *imapserver.Server
	smtpSrv        *smtp.Server
	serving        sync.WaitGroup // the two Serve goroutines
	imapLive       gate           // open IMAP sessions
	smtpLive       gate           // open SMTP sessions

	mu        sync.RWMutex
	accounts  map[string]*account // by canonical address
	domains   map[string]bool     // local domains, lowercase
	observers []func(from string, to []string, raw []byte)
	closed    bool
	seq       uint64 // Received id counter

	saveMu    sync.Mutex // one save at a time
	closeOnce sync.Once
	closeErr  error
}

// account is an Account with its imapmemserver user.
type account struct {
	Account
	canon string
	user  *imapmemserver.User
}

// Start validates cfg, creates the accounts (loading saved mail when
// cfg.Persist is set), and starts both servers. It returns once both listen;
// it does not block.
func Start(cfg Config) (*System, error) {
	if cfg.IMAPAddr == "" {
		cfg.IMAPAddr = "127.0.0.1:0"
	}
	if cfg.SMTPAddr == "" {
		cfg.SMTPAddr = "127.0.0.1:0"
	}
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	s := &System{
		cfg:      cfg,
		log:      log.With("component", "mailsandbox"),
		host:     "localhost",
		idBase:   newIDBase(),
		accounts: make(map[string]*account),
		domains:  make(map[string]bool),
	}
	if d := strings.ToLower(strings.TrimSpace(cfg.Domain)); d != "" {
		if strings.ContainsAny(d, " \t\r\n@<>") {
			return nil, fmt.Errorf("mailsandbox: domain %q: %w", cfg.Domain, ErrBadAddress)
		}
		s.domains[d] = true
		s.host = d
	}
	for _, a := range cfg.Accounts {
		if err := s.addAccount(a); err != nil {
			return nil, err
		}
	}
	if err := s.listen(); err != nil {
		return nil, err
	}
	return s, nil
}

// listen opens both listeners and starts serving them.
func (s *System) listen() error {
	var err error
	if s.imapLn, err = net.Listen("tcp", s.cfg.IMAPAddr); err != nil {
		return fmt.Errorf("mailsandbox: imap listen %s: %w", s.cfg.IMAPAddr, err)
	}
	if s.smtpLn, err = net.Listen("tcp", s.cfg.SMTPAddr); err != nil {
		s.imapLn.Close()
		return fmt.Errorf("mailsandbox: smtp listen %s: %w", s.cfg.SMTPAddr, err)
	}
	s.imapSrv = s.newIMAPServer()
	s.smtpSrv = s.newSMTPServer()
	for _, ln := range []net.Listener{s.imapLn, s.smtpLn} {
		if !isLoopback(ln.Addr()) {
			s.log.Warn("listening beyond loopback; passwords travel in clear", "addr", ln.Addr().String())
		}
	}
	s.serving.Add(2)
	go func() {
		defer s.serving.Done()
		if err := s.imapSrv.Serve(s.imapLn); err != nil && !s.isClosed() {
			s.log.Error("imap server stopped", "err", err)
		}
	}()
	go func() {
		defer s.serving.Done()
		if err := s.smtpSrv.Serve(s.smtpLn); err != nil && !s.isClosed() {
			s.log.Error("smtp server stopped", "err", err)
		}
	}()
	s.log.Info("mail sandbox started", "imap_addr", s.IMAPAddr(), "smtp_addr", s.SMTPAddr(), "accounts", len(s.cfg.Accounts))
	return nil
}

// IMAPAddr is the address the IMAP server listens on, e.g. "127.0.0.1:40123".
func (s *System) IMAPAddr() string { return s.imapLn.Addr().String() }

// SMTPAddr is the address the SMTP server listens on.
func (s *System) SMTPAddr() string { return s.smtpLn.Addr().String() }

// AddAccount adds an account to a running System: it can log in and receive
// mail as soon as AddAccount returns. With Persist set, mail saved earlier for
// the address is loaded. Adding an address twice is ErrAccountExists.
func (s *System) AddAccount(a Account) error {
	if s.isClosed() {
		return ErrClosed
	}
	return s.addAccount(a)
}

func (s *System) addAccount(a Account) error {
	canon, err := validAccountAddress(a.Address)
	if err != nil {
		return err
	}
	s.mu.RLock()
	_, dup := s.accounts[canon]
	s.mu.RUnlock()
	if dup {
		return fmt.Errorf("mailsandbox: %s: %w", canon, ErrAccountExists)
	}
	acct := &account{Account: a, canon: canon, user: imapmemserver.NewUser(canon, a.Password)}
	// Mailboxes are filled before the account is visible, so nobody sees a
	// half-loaded store.
	if err := s.load(acct); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.accounts[canon]; dup {
		return fmt.Errorf("mailsandbox: %s: %w", canon, ErrAccountExists)
	}
	s.accounts[canon] = acct
	_, domain, _ := splitAddress(canon)
	s.domains[domain] = true
	return nil
}

// OnDeliver registers f to be called after each accepted message, whether it
// came over SMTP or through Deliver, with the envelope sender, the recipients
// as given (local and captured foreign ones) and the message as received,
// without the trace headers added per mailbox. f runs on the delivering
// goroutine, so the SMTP client waits for it: it must not block for long. f
// must not modify raw.
func (s *System) OnDeliver(f func(from string, to []string, raw []byte)) {
	s.mu.Lock()
	s.observers = append(s.observers, f)
	s.mu.Unlock()
}

// Close stops both servers and ends their sessions. With Persist set it first
// saves every account. It waits at most a couple of seconds for sessions to
// wind down. Calling Close again returns the first call's result.
func (s *System) Close() error {
	s.closeOnce.Do(func() {
		s.mu.Lock()
		s.closed = true
		s.mu.Unlock()

		// SMTP first: no new mail arrives while the mailboxes are saved.
		s.smtpSrv.Close()
		var errs []error
		if s.cfg.Persist != "" {
			if err := s.save(); err != nil {
				errs = append(errs, err)
			}
		}
		s.imapSrv.Close()
		// Serve may not have registered its listener yet; close ours too.
		s.imapLn.Close()
		s.smtpLn.Close()

		timer := time.NewTimer(closeTimeout)
		defer timer.Stop()
		for _, g := range []*gate{&s.imapLive, &s.smtpLive} {
			select {
			case <-g.drained():
			case <-timer.C:
				errs = append(errs, errors.New("mailsandbox: sessions still open after close timeout"))
			}
		}
		s.serving.Wait()
		s.closeErr = errors.Join(errs...)
		s.log.Info("mail sandbox stopped")
	})
	return s.closeErr
}

func (s *System) isClosed() bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.closed
}

// lookup returns the account with canonical address canon, or nil.
func (s *System) lookup(canon string) *account {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.accounts[canon]
}

// snapshotAccounts returns the accounts in no particular order.
func (s *System) snapshotAccounts() []*account {
	s.mu.RLock()
	defer s.mu.RUnlock()
	l := make([]*account, 0, len(s.accounts))
	for _, a := range s.accounts {
		l = append(l, a)
	}
	return l
}

func isLoopback(a net.Addr) bool {
	tcp, ok := a.(*net.TCPAddr)
	return ok && tcp.IP.IsLoopback()
}

// gate counts live sessions and tells when none is left.
type gate struct {
	mu      sync.Mutex
	n       int
	waiters []chan struct{}
}

func (g *gate) enter() {
	g.mu.Lock()
	g.n++
	g.mu.Unlock()
}

func (g *gate) leave() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.n--
	if g.n == 0 {
		for _, w := range g.waiters {
			close(w)
		}
		g.waiters = nil
	}
}

// drained returns a channel closed once no session is live.
func (g *gate) drained() <-chan struct{} {
	g.mu.Lock()
	defer g.mu.Unlock()
	ch := make(chan struct{})
	if g.n == 0 {
		close(ch)
	} else {
		g.waiters = append(g.waiters, ch)
	}
	return ch
}
