// Package dkim decides, by checking DKIM signatures itself, whether a
// message's From domain vouches for it: the third way ticketd knows who
// sent a command, for mail servers that write no Authentication-Results we
// can trust.
//
// A message passes when one of its DKIM signatures (RFC 6376) verifies,
// with github.com/emersion/go-msgauth/dkim, and its signing domain (d=) is
// aligned with the From domain as DMARC's relaxed alignment says (RFC 7489
// section 3.1.1): both have the same organizational domain, found with the
// public suffix list of golang.org/x/net/publicsuffix. It does not look up
// the domain's DMARC policy: an aligned, valid signature is what DMARC
// itself would accept, whatever the policy.
//
// The package imports no other ticketd package.
package dkim

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/emersion/go-msgauth/dkim"
	"golang.org/x/net/idna"
	"golang.org/x/net/publicsuffix"
)

// DefaultTimeout bounds the DNS lookups of one message.
const DefaultTimeout = 5 * time.Second

// maxSignatures is how many signatures of one message are checked: each
// costs a DNS lookup and a pass over the body.
const maxSignatures = 5

// Resolver answers the TXT queries for DKIM keys
// ("selector._domainkey.domain").
type Resolver interface {
	LookupTXT(ctx context.Context, name string) ([]string, error)
}

// Verifier checks DKIM signatures. The zero value uses the system's
// resolver and DefaultTimeout. It is safe for concurrent use.
type Verifier struct {
	Resolver Resolver      // nil: net.DefaultResolver
	Timeout  time.Duration // for all the lookups of one message; 0: DefaultTimeout
}

// Verify reports whether raw carries a valid DKIM signature aligned with
// fromDomain. It blocks for the DNS lookups, at most Timeout (or ctx).
// reason is a short English phrase for logs and refusals, either way: it
// holds domains and results, never message content.
func (v *Verifier) Verify(ctx context.Context, raw []byte, fromDomain string) (ok bool, reason string) {
	from := normDomain(fromDomain)
	if from == "" {
		return false, "no From domain"
	}
	if n := countFrom(raw); n != 1 {
		// Two From fields let a signature cover one while a reader shows
		// the other (RFC 6376 section 8.15).
		return false, fmt.Sprintf("dkim: the message has %d From fields", n)
	}
	timeout := v.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var res Resolver = net.DefaultResolver
	if v.Resolver != nil {
		res = v.Resolver
	}
	verifs, err := dkim.VerifyWithOptions(bytes.NewReader(raw), &dkim.VerifyOptions{
		LookupTXT:        func(name string) ([]string, error) { return res.LookupTXT(ctx, name) },
		MaxVerifications: maxSignatures,
	})
	if err != nil && len(verifs) == 0 {
		return false, "dkim: unreadable message: " + err.Error()
	}
	if len(verifs) == 0 {
		return false, "dkim: no signature"
	}
	var seen []string
	for _, s := range verifs {
		d := normDomain(s.Domain)
		if s.Err != nil {
			seen = append(seen, fmt.Sprintf("d=%s %s", d, failure(s.Err)))
			continue
		}
		if !aligned(d, from) {
			seen = append(seen, fmt.Sprintf("d=%s pass, not aligned with %s", d, from))
			continue
		}
		return true, "dkim=pass header.d=" + d + " (checked by ticketd)"
	}
	return false, "dkim: no aligned pass for " + from + ": " + strings.Join(seen, "; ")
}

// failure words a signature's error: temporary (DNS) or not, and why.
func failure(err error) string {
	switch {
	case dkim.IsTempFail(err):
		return "temperror: " + err.Error()
	case dkim.IsPermFail(err):
		return "permerror: " + err.Error()
	}
	return "fail: " + err.Error()
}

// aligned is DMARC's relaxed alignment: d and from share an
// organizational domain, and d is not a public suffix itself ("gov.co"
// vouches for nobody).
func aligned(d, from string) bool {
	if d == "" {
		return false
	}
	od, err := publicsuffix.EffectiveTLDPlusOne(d)
	if err != nil {
		return false
	}
	of, err := publicsuffix.EffectiveTLDPlusOne(from)
	if err != nil {
		return false
	}
	return od == of
}

// countFrom counts the From fields of the header section.
func countFrom(raw []byte) int {
	n := 0
	for len(raw) > 0 {
		line := raw
		if i := bytes.IndexByte(raw, '\n'); i >= 0 {
			line = raw[:i+1]
		}
		raw = raw[len(line):]
		t := bytes.TrimRight(line, "\r\n")
		if len(t) == 0 {
			break
		}
		name, _, ok := bytes.Cut(t, []byte(":"))
		if ok && strings.EqualFold(string(bytes.TrimRight(name, " \t")), "from") {
			n++
		}
	}
	return n
}

// normDomain lower-cases, drops a trailing dot and converts IDNs to
// A-labels; an address is reduced to its domain.
func normDomain(s string) string {
	s = strings.TrimSpace(s)
	if at := strings.LastIndexByte(s, '@'); at >= 0 {
		s = s[at+1:]
	}
	s = strings.TrimSuffix(s, ".")
	if s == "" {
		return ""
	}
	if a, err := idna.Lookup.ToASCII(s); err == nil && a != "" {
		return strings.ToLower(a)
	}
	return strings.ToLower(s)
}
