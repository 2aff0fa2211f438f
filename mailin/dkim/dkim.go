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
// Of ticketd it imports only authres, to compare domains the same way.
package dkim

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/emersion/go-msgauth/dkim"
	"golang.org/x/net/publicsuffix"

	"github.com/ticketd/ticketd/mailin/authres"
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

// Result is what Check found.
type Result struct {
	OK bool
	// Temporary: no signature passed and at least one could not be
	// checked for a temporary reason (a DNS lookup that timed out or that
	// the server could not answer now): asking again later may pass.
	Temporary bool
	// Reason is a short English phrase for logs and refusals, either way:
	// it holds domains and results, never message content.
	Reason string
}

// Verify reports whether raw carries a valid DKIM signature aligned with
// fromDomain, with the reason (see Result). It blocks for the DNS lookups,
// at most Timeout (or ctx).
func (v *Verifier) Verify(ctx context.Context, raw []byte, fromDomain string) (ok bool, reason string) {
	r := v.Check(ctx, raw, fromDomain)
	return r.OK, r.Reason
}

// Check is Verify that also tells a temporary failure from a final one.
func (v *Verifier) Check(ctx context.Context, raw []byte, fromDomain string) Result {
	from := authres.NormDomain(fromDomain)
	if from == "" {
		return Result{Reason: "no From domain"}
	}
	if n := countFrom(raw); n != 1 {
		// Two From fields let a signature cover one while a reader shows
		// the other (RFC 6376 section 8.15).
		return Result{Reason: fmt.Sprintf("dkim: the message has %d From fields", n)}
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
		LookupTXT:        func(name string) ([]string, error) { return lookup(ctx, res, name) },
		MaxVerifications: maxSignatures,
	})
	if err != nil && len(verifs) == 0 {
		return Result{Reason: "dkim: unreadable message: " + err.Error()}
	}
	if len(verifs) == 0 {
		return Result{Reason: "dkim: no signature"}
	}
	var seen []string
	temporary := false
	for _, s := range verifs {
		d := authres.NormDomain(s.Domain)
		if s.Err != nil {
			seen = append(seen, fmt.Sprintf("d=%s %s", d, failure(s.Err)))
			// Only a signature that could count once checked makes the
			// failure worth retrying.
			temporary = temporary || (dkim.IsTempFail(s.Err) && aligned(d, from))
			continue
		}
		if !aligned(d, from) {
			seen = append(seen, fmt.Sprintf("d=%s pass, not aligned with %s", d, from))
			continue
		}
		return Result{OK: true, Reason: "dkim=pass header.d=" + d + " (checked by ticketd)"}
	}
	return Result{Temporary: temporary, Reason: "dkim: no aligned pass for " + from + ": " + strings.Join(seen, "; ")}
}

// lookup asks res for a key. go-msgauth takes only a net.Error whose
// Temporary says so as a temporary failure: a resolver's wrapped error, or
// the end of our time for the message, is given that form.
func lookup(ctx context.Context, res Resolver, name string) ([]string, error) {
	txts, err := res.LookupTXT(ctx, name)
	if err == nil {
		return txts, nil
	}
	var ne net.Error
	var de *net.DNSError
	switch {
	case errors.As(err, &de) && de.IsNotFound:
		return nil, err
	case errors.As(err, &ne) && (ne.Timeout() || isTemporary(ne)),
		errors.Is(err, context.DeadlineExceeded), ctx.Err() != nil:
		return nil, &net.DNSError{Err: err.Error(), Name: name, IsTemporary: true, IsTimeout: ne != nil && ne.Timeout()}
	}
	return nil, err
}

// isTemporary reads the deprecated Temporary of a net.Error, which DNS
// errors still set for SERVFAIL and the like.
func isTemporary(e net.Error) bool {
	t, ok := e.(interface{ Temporary() bool })
	return ok && t.Temporary()
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
