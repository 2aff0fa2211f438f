package mailsandbox

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
)

// envelope is one message on its way into the mailboxes.
type envelope struct {
	from  string
	rcpts []recipient
	raw   []byte

	// Set when the message came over SMTP, for the Received header.
	smtp     bool
	helo     string
	remoteIP string
	authed   bool
}

// Deliver does what the SMTP server does after DATA: it puts raw into the
// INBOX of every local recipient with trace headers prepended, captures the
// foreign ones, and then calls the OnDeliver observers. Recipients are
// resolved first; if any is unknown or malformed nothing is delivered and the
// error wraps ErrUnknownRecipient or ErrBadAddress. Deliver blocks only for
// the in-memory append and the observers.
func (s *System) Deliver(from string, to []string, raw []byte) error {
	if s.isClosed() {
		return ErrClosed
	}
	if err := checkEnvelopeAddress(from); err != nil {
		return err
	}
	if len(to) == 0 {
		return fmt.Errorf("mailsandbox: no recipients: %w", ErrBadAddress)
	}
	env := envelope{from: from, raw: raw}
	seen := make(map[string]bool, len(to))
	for _, addr := range to {
		r, err := s.resolve(addr)
		if err != nil {
			return err
		}
		if c := canonical(addr); !seen[c] {
			seen[c] = true
			env.rcpts = append(env.rcpts, r)
		}
	}
	return s.deliver(env)
}

// deliver appends env to each local recipient's INBOX and notifies the
// observers. Recipients are already resolved and deduplicated.
func (s *System) deliver(env envelope) error {
	if len(env.raw) > MaxMessageBytes {
		return fmt.Errorf("mailsandbox: %d bytes: %w", len(env.raw), ErrTooLarge)
	}
	now := time.Now()
	id := s.nextID()
	var errs []error
	var local, foreign int
	for _, r := range env.rcpts {
		if r.acct == nil {
			foreign++
			continue
		}
		local++
		msg := append(s.traceHeaders(env, r.addr, id, now), crlf(env.raw)...)
		if err := appendInbox(r.acct, msg, now); err != nil {
			errs = append(errs, fmt.Errorf("mailsandbox: deliver to %s: %w", r.addr, err))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	s.log.Info("delivered", "id", id, "local_rcpts", local, "captured_rcpts", foreign, "size", len(env.raw), "smtp", env.smtp)

	to := make([]string, len(env.rcpts))
	for i, r := range env.rcpts {
		to[i] = r.addr
	}
	s.mu.RLock()
	observers := slices.Clone(s.observers)
	s.mu.RUnlock()
	for _, f := range observers {
		f(env.from, to, env.raw)
	}
	return nil
}

// appendInbox appends msg to the account's INBOX, re-creating INBOX if a
// client deleted it. imapmemserver's append notifies every session that has
// the mailbox selected, which is what wakes IDLE.
func appendInbox(a *account, msg []byte, now time.Time) error {
	opts := &imap.AppendOptions{Time: now}
	_, err := a.user.Append("INBOX", bytes.NewReader(msg), opts)
	if err == nil {
		return nil
	}
	var imapErr *imap.Error
	if errors.As(err, &imapErr) && imapErr.Code == imap.ResponseCodeTryCreate {
		if cerr := a.user.Create("INBOX", nil); cerr != nil {
			return fmt.Errorf("re-create INBOX: %w", cerr)
		}
		_, err = a.user.Append("INBOX", bytes.NewReader(msg), opts)
	}
	return err
}

// traceHeaders returns the lines a delivering MTA puts on top of a message:
// Return-Path with the envelope sender (RFC 5321 section 4.4), Delivered-To
// with the recipient as given, so that a plus-address's token stays visible,
// and a Received line.
func (s *System) traceHeaders(env envelope, rcpt, id string, now time.Time) []byte {
	const nl = "\r\n"
	var b strings.Builder
	b.WriteString("Return-Path: <" + env.from + ">" + nl)
	b.WriteString("Delivered-To: " + rcpt + nl)
	b.WriteString("Received: ")
	if env.smtp {
		proto := "ESMTP"
		if env.authed {
			proto = "ESMTPA" // RFC 3848
		}
		fmt.Fprintf(&b, "from %s ([%s])%s\tby %s (ticketd mailsandbox) with %s id %s%s",
			headerSafe(env.helo), headerSafe(env.remoteIP), nl, s.host, proto, id, nl)
	} else {
		fmt.Fprintf(&b, "by %s (ticketd mailsandbox) with local id %s%s", s.host, id, nl)
	}
	b.WriteString("\t")
	if plainAddress(rcpt) {
		// Only a dot-atom address may go in the FOR clause unquoted: a ';'
		// in it would end the clauses early (RFC 5322 section 3.6.7).
		b.WriteString("for <" + rcpt + ">")
	}
	fmt.Fprintf(&b, "; %s%s", now.Format(time.RFC1123Z), nl)
	return []byte(b.String())
}

// crlf turns every bare LF into CRLF. IMAP serves messages with CRLF line
// ends (RFC 9051 section 2.3.2: a message is RFC 5322 text) and go-imap
// already rewrites a bare-LF header section on FETCH; normalizing on delivery
// keeps header and body consistent. A message that is already CRLF, as SMTP
// DATA always is, comes back unchanged and is not copied.
func crlf(raw []byte) []byte {
	bare := 0
	for i, c := range raw {
		if c == '\n' && (i == 0 || raw[i-1] != '\r') {
			bare++
		}
	}
	if bare == 0 {
		return raw
	}
	out := make([]byte, 0, len(raw)+bare)
	for i, c := range raw {
		if c == '\n' && (i == 0 || raw[i-1] != '\r') {
			out = append(out, '\r')
		}
		out = append(out, c)
	}
	return out
}

// headerSafe keeps printable ASCII other than parentheses and brackets, so
// that what a client says in HELO cannot break the Received line's syntax.
func headerSafe(s string) string {
	if s == "" {
		return "unknown"
	}
	const max = 100
	var b strings.Builder
	for i := 0; i < len(s) && b.Len() < max; i++ {
		c := s[i]
		switch {
		case c <= ' ' || c >= 0x7f, c == '(', c == ')', c == '[', c == ']', c == ';':
			b.WriteByte('_')
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// plainAddress reports whether addr is local@domain with both sides made of
// atext and dots (RFC 5322 section 3.2.3); UTF-8 is allowed (RFC 6532).
func plainAddress(addr string) bool {
	local, domain, ok := splitAddress(addr)
	if !ok || strings.Contains(local, "@") {
		return false
	}
	for _, c := range []byte(local + domain) {
		switch {
		case c >= 0x80, 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("!#$%&'*+-/=?^_`{|}~.", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// nextID returns a short id unique within this System, and across Systems
// thanks to a random prefix, for Received lines and logs.
func (s *System) nextID() string {
	s.mu.Lock()
	s.seq++
	n := s.seq
	s.mu.Unlock()
	return fmt.Sprintf("%s%06x", s.idBase, n)
}

func newIDBase() string {
	var b [4]byte
	if _, err := rand.Read(b[:]); err != nil {
		return fmt.Sprintf("%08x", time.Now().UnixNano()&0xffffffff)
	}
	return hex.EncodeToString(b[:])
}
