// Package authres reads Authentication-Results header fields (RFC 8601) and
// decides whether a message's From domain was authenticated by the mail
// server we trust.
//
// The parser is tolerant of the shapes real servers write (Microsoft 365
// omits the authserv-id and writes "action=none" without a ptype; Gmail and
// OpenDMARC put free text in comments) but never guesses a result it cannot
// read. It imports no other ticketd package and nothing beyond the standard
// library and golang.org/x/net/idna.
package authres

import (
	"errors"
	"fmt"
	"strings"
)

// Method is one resinfo of an Authentication-Results field: the method, its
// result, and its properties keyed "ptype.property" ("header.d",
// "smtp.mailfrom"), plus "reason" and any bare key such as Microsoft's
// "action". Method, Result and keys are lower case; values are as written,
// with quoted strings unquoted.
type Method struct {
	Method, Result string
	Props          map[string]string
}

// Result is one parsed Authentication-Results field. AuthServID is empty when
// the field has none (Microsoft 365 writes it that way).
type Result struct {
	AuthServID string
	Methods    []Method
}

// headerName is stripped from the value when a caller passes a whole line.
const headerName = "authentication-results:"

// Parse reads the value of one Authentication-Results field (RFC 8601 §2.2).
// Folding whitespace and comments are allowed anywhere; an optional version
// may follow the authserv-id; "; none" means no methods. Resinfos that are
// not "method=result" are skipped. It fails on an empty value, an unbalanced
// comment or an unterminated quoted string.
func Parse(value string) (Result, error) {
	v := strings.TrimSpace(value)
	if len(v) >= len(headerName) && strings.EqualFold(v[:len(headerName)], headerName) {
		v = v[len(headerName):]
	}
	clean, err := stripComments(v)
	if err != nil {
		return Result{}, err
	}
	segs, err := splitSemicolons(clean)
	if err != nil {
		return Result{}, err
	}
	if strings.TrimSpace(clean) == "" {
		return Result{}, errors.New("authres: empty value")
	}
	var res Result
	first := tokenize(segs[0])
	// RFC 8601 puts the authserv-id first; Microsoft 365 starts directly with
	// "spf=pass ...". A first segment whose second token is "=" is a resinfo.
	if len(first) > 0 && !(len(first) > 1 && first[1].eq) {
		if first[0].eq {
			return Result{}, errors.New("authres: value starts with '='")
		}
		res.AuthServID = first[0].text
		// first[1], if any, is the optional authres-version: ignored.
		segs = segs[1:]
	}
	for _, seg := range segs {
		if m, ok := parseResinfo(tokenize(seg)); ok {
			res.Methods = append(res.Methods, m)
		}
	}
	return res, nil
}

// parseResinfo reads "method[/version] = result [key = value]...". Keys
// without a value and stray words are skipped.
func parseResinfo(toks []token) (Method, bool) {
	if len(toks) < 3 || toks[0].eq || toks[0].quoted || !toks[1].eq || toks[2].eq {
		return Method{}, false
	}
	name := strings.ToLower(toks[0].text)
	if i := strings.IndexByte(name, '/'); i >= 0 {
		name = strings.TrimSpace(name[:i]) // "dkim/1": method-version dropped
	}
	if name == "" {
		return Method{}, false
	}
	m := Method{Method: name, Result: strings.ToLower(toks[2].text), Props: map[string]string{}}
	for i := 3; i < len(toks); {
		if i+2 < len(toks) && !toks[i].eq && !toks[i].quoted && toks[i+1].eq && !toks[i+2].eq {
			key := strings.ToLower(toks[i].text)
			if _, dup := m.Props[key]; !dup {
				m.Props[key] = toks[i+2].text
			}
			i += 3
			continue
		}
		i++
	}
	return m, true
}

// token is a word, a quoted string (unquoted) or a lone "=".
type token struct {
	text   string
	quoted bool
	eq     bool
}

// tokenize splits a comment-free segment into words, quoted strings and "="
// signs. A value such as "header.b=ab+/==" keeps its trailing "=" signs: an
// "=" directly after a key-"=" pair's value, with no space, belongs to it.
func tokenize(s string) []token {
	var out []token
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case isSpace(c):
			i++
		case c == '=':
			out = append(out, token{text: "=", eq: true})
			i++
		case c == '"':
			var b strings.Builder
			i++
			for i < len(s) && s[i] != '"' {
				if s[i] == '\\' && i+1 < len(s) {
					i++
				}
				b.WriteByte(s[i])
				i++
			}
			i++ // closing quote; splitSemicolons checked it exists
			out = append(out, token{text: b.String(), quoted: true})
		default:
			j := i
			afterEq := len(out) > 0 && out[len(out)-1].eq
			for j < len(s) && !isSpace(s[j]) && s[j] != '"' && (s[j] != '=' || afterEq && j > i) {
				j++
			}
			out = append(out, token{text: s[i:j]})
			i = j
		}
	}
	return out
}

// stripComments replaces each RFC 5322 comment (nested, with quoted-pairs)
// outside quoted strings by one space.
func stripComments(s string) (string, error) {
	var b strings.Builder
	depth := 0
	inQuote := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case depth > 0:
			switch c {
			case '\\':
				i++
			case '(':
				depth++
			case ')':
				depth--
				if depth == 0 {
					b.WriteByte(' ')
				}
			}
		case inQuote:
			b.WriteByte(c)
			if c == '\\' && i+1 < len(s) {
				i++
				b.WriteByte(s[i])
			} else if c == '"' {
				inQuote = false
			}
		case c == '"':
			inQuote = true
			b.WriteByte(c)
		case c == '(':
			depth = 1
		case c == ')':
			return "", fmt.Errorf("authres: unbalanced ')' at offset %d", i)
		default:
			b.WriteByte(c)
		}
	}
	if depth > 0 {
		return "", errors.New("authres: unterminated comment")
	}
	if inQuote {
		return "", errors.New("authres: unterminated quoted string")
	}
	return b.String(), nil
}

// splitSemicolons splits at ';' outside quoted strings. Empty segments after
// the first (a trailing ';') are dropped.
func splitSemicolons(s string) ([]string, error) {
	var segs []string
	start := 0
	inQuote := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case inQuote && c == '\\':
			i++
		case c == '"':
			inQuote = !inQuote
		case !inQuote && c == ';':
			segs = append(segs, s[start:i])
			start = i + 1
		}
	}
	if inQuote {
		return nil, errors.New("authres: unterminated quoted string")
	}
	segs = append(segs, s[start:])
	out := segs[:1]
	for _, seg := range segs[1:] {
		if strings.TrimSpace(seg) != "" {
			out = append(out, seg)
		}
	}
	return out, nil
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\n'
}
