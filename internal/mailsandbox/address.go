package mailsandbox

import (
	"fmt"
	"net/mail"
	"strings"
)

// canonical is the form addresses are compared in: trimmed and lowercased.
// RFC 5321 section 2.4 lets a local part be case-sensitive, but no provider
// people use treats it so, and ticketd's reply-token addresses must survive
// clients that change case.
func canonical(addr string) string {
	return strings.ToLower(strings.TrimSpace(addr))
}

// splitAddress splits an address at its last '@' (a quoted local part may
// contain '@'). ok is false when either side is empty.
func splitAddress(addr string) (local, domain string, ok bool) {
	i := strings.LastIndexByte(addr, '@')
	if i <= 0 || i == len(addr)-1 {
		return "", "", false
	}
	return addr[:i], addr[i+1:], true
}

// baseAddress strips a plus-detail from the local part: "a+tok@d" is "a@d".
// ok is false when addr has no detail or no base is left.
func baseAddress(addr string) (base string, ok bool) {
	local, domain, ok := splitAddress(addr)
	if !ok {
		return "", false
	}
	i := strings.IndexByte(local, '+')
	if i <= 0 {
		return "", false
	}
	return local[:i] + "@" + domain, true
}

// validAccountAddress checks that addr is a bare addr-spec fit to be an IMAP
// username and a file name, and returns its canonical form.
func validAccountAddress(addr string) (string, error) {
	canon := canonical(addr)
	bad := func(why string) error {
		return fmt.Errorf("mailsandbox: account address %q %s: %w", addr, why, ErrBadAddress)
	}
	if canon == "" {
		return "", bad("is empty")
	}
	if strings.ContainsAny(canon, "/\\\"") || hasControlOrSpace(canon) {
		return "", bad("has a space, quote, slash or control character")
	}
	parsed, err := mail.ParseAddress(canon)
	if err != nil || parsed.Address != canon || parsed.Name != "" {
		return "", bad("is not a bare address")
	}
	if _, _, ok := splitAddress(canon); !ok {
		return "", bad("has no local part or domain")
	}
	return canon, nil
}

// checkEnvelopeAddress rejects what could not have come from an SMTP path:
// control characters and spaces would let a Deliver caller inject header
// lines into Return-Path or Delivered-To.
func checkEnvelopeAddress(addr string) error {
	if hasControlOrSpace(addr) || strings.ContainsAny(addr, "<>") {
		return fmt.Errorf("mailsandbox: address %q: %w", addr, ErrBadAddress)
	}
	return nil
}

func hasControlOrSpace(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c == 0x7f {
			return true
		}
	}
	return false
}

// recipient is one envelope recipient resolved against the accounts.
type recipient struct {
	addr string   // as the client gave it, for Delivered-To
	acct *account // nil: a foreign domain, captured and not delivered
}

// resolve maps an envelope recipient to its account: exact address first,
// then the plus-addressing base. An unknown address in a local domain is
// ErrUnknownRecipient; an address in a foreign domain resolves to a nil
// account.
func (s *System) resolve(addr string) (recipient, error) {
	if err := checkEnvelopeAddress(addr); err != nil {
		return recipient{}, err
	}
	canon := canonical(addr)
	_, domain, ok := splitAddress(canon)
	if !ok {
		return recipient{}, fmt.Errorf("mailsandbox: recipient %q: %w", addr, ErrBadAddress)
	}
	if a := s.lookup(canon); a != nil {
		return recipient{addr: addr, acct: a}, nil
	}
	if base, ok := baseAddress(canon); ok {
		if a := s.lookup(base); a != nil {
			return recipient{addr: addr, acct: a}, nil
		}
	}
	s.mu.RLock()
	local := s.domains[domain]
	s.mu.RUnlock()
	if local {
		return recipient{}, fmt.Errorf("mailsandbox: %s: %w", addr, ErrUnknownRecipient)
	}
	return recipient{addr: addr}, nil
}
