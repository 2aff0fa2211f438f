package authres

import (
	"fmt"
	"strings"

	"golang.org/x/net/idna"
)

// NoAuthServID, passed as trustedID, trusts the topmost field that has no
// authserv-id at all. Microsoft 365 (Exchange Online Protection) writes its
// Authentication-Results that way, so a mailbox hosted there needs it. It
// cannot be confused with a real authserv-id: a parsed one never is empty,
// and this constant is compared with nothing but the absence of one.
const NoAuthServID = "(none)"

// Verified reports whether the message's From domain is authenticated,
// judged ONLY by the topmost Authentication-Results field (headers are given
// top to bottom, as they appear in the message) whose authserv-id equals
// trustedID, case-insensitively.
//
// Fields from other authserv-ids are ignored: anyone on the path, sender
// included, can add them. Fields that claim our trustedID but sit below the
// topmost one are ignored too. This is only safe if the trusted border MTA
// removes or renames fields that carry its own authserv-id on arrival, as
// RFC 8601 §5 requires of it. Configure and check that on the MTA (with
// Postfix, a header_checks rule dropping incoming fields that name its own
// id). A hosted service (Gmail, Exchange Online) writes its field above
// everything the sender wrote, which is what "topmost" relies on; the
// stripping guards the case where it writes none.
//
// The From domain passes when, in that one field:
//   - dmarc=pass with header.from equal to fromDomain; or
//   - no dmarc=fail for fromDomain, and dkim=pass whose signing domain
//     (header.d, else the domain of header.i) equals fromDomain or is a
//     parent of it ("example.gov.co" signs for "oti.example.gov.co"). The
//     signing domain must have at least two labels.
//
// spf alone never counts: it authenticates the envelope, not From. A dmarc
// verdict of fail for fromDomain refuses even when a dkim pass would qualify,
// because the domain's own policy (strict alignment, say) said no. Domains
// compare case-insensitively, IDNs in A-label form.
//
// reason is a short English phrase for logs and refusals, either way. It
// holds domains and results, never message content.
func Verified(headers []string, trustedID, fromDomain string) (ok bool, reason string) {
	if strings.TrimSpace(trustedID) == "" {
		return false, "no trusted authserv-id configured"
	}
	from := NormDomain(fromDomain)
	if from == "" {
		return false, "no From domain"
	}
	var (
		res   Result
		found bool
	)
	for _, h := range headers {
		r, err := Parse(h)
		if err != nil {
			// An unreadable field that seems to come from the trusted
			// server ends the search: reading a lower one instead could
			// mean reading a forgery.
			if matchesID(leadingID(h), trustedID) {
				return false, fmt.Sprintf("unreadable Authentication-Results from %s: %v", trustedID, err)
			}
			continue
		}
		if matchesID(r.AuthServID, trustedID) {
			res, found = r, true
			break
		}
	}
	if !found {
		return false, "no Authentication-Results from " + trustedID
	}

	var dkimSeen []string
	for _, m := range res.Methods {
		if m.Method != "dmarc" || NormDomain(m.Props["header.from"]) != from {
			continue
		}
		if m.Result == "pass" {
			return true, "dmarc=pass header.from=" + from
		}
		if m.Result == "fail" {
			return false, "dmarc=fail header.from=" + from
		}
	}
	for _, m := range res.Methods {
		if m.Method != "dkim" {
			continue
		}
		d := signingDomain(m)
		dkimSeen = append(dkimSeen, "dkim="+m.Result+" d="+d)
		if m.Result != "pass" || d == "" {
			continue
		}
		if aligned(d, from) {
			return true, "dkim=pass header.d=" + d
		}
	}
	if len(dkimSeen) > 0 {
		return false, "no aligned pass for " + from + ": " + strings.Join(dkimSeen, ", ")
	}
	for _, m := range res.Methods {
		if m.Method == "spf" && m.Result == "pass" {
			return false, "only spf=pass, which does not authenticate From " + from
		}
	}
	return false, "no dkim or dmarc result for " + from
}

// leadingID guesses the authserv-id of a field Parse refused: its first
// word, or "" when that word is already "method=result".
func leadingID(h string) string {
	v := strings.TrimSpace(h)
	if len(v) >= len(headerName) && strings.EqualFold(v[:len(headerName)], headerName) {
		v = strings.TrimSpace(v[len(headerName):])
	}
	end := strings.IndexAny(v, " \t\r\n;(")
	if end >= 0 {
		v = v[:end]
	}
	if strings.Contains(v, "=") {
		return ""
	}
	return strings.Trim(v, `"`)
}

func matchesID(got, trusted string) bool {
	if trusted == NoAuthServID {
		return got == ""
	}
	return got != "" && strings.EqualFold(got, strings.TrimSpace(trusted))
}

// signingDomain is header.d, or the domain part of header.i ("@x.co",
// "user@sub.x.co") when a verifier only reports the AUID (Gmail does).
func signingDomain(m Method) string {
	if d := NormDomain(m.Props["header.d"]); d != "" {
		return d
	}
	i := m.Props["header.i"]
	if at := strings.LastIndexByte(i, '@'); at >= 0 {
		return NormDomain(i[at+1:])
	}
	return ""
}

// aligned: d equals from, or from is a subdomain of d, and d is not a bare
// top-level label.
func aligned(d, from string) bool {
	if !strings.Contains(d, ".") {
		return false
	}
	return from == d || strings.HasSuffix(from, "."+d)
}

// NormDomain lower-cases, drops a trailing dot and converts IDNs to A-labels.
// An address ("user@x.co") is reduced to its domain. Garbage comes back as
// lower-cased text, which then matches nothing real. Package dkim compares
// domains the same way.
func NormDomain(s string) string {
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
