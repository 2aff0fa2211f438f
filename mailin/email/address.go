package email

import (
	"fmt"
	"io"
	"mime"
	"net/mail"
	"strings"
	"unicode/utf8"
)

// wordDecoder decodes encoded words in display names with this package's
// charset fallbacks, so net/mail never fails on an unknown charset.
var wordDecoder = &mime.WordDecoder{CharsetReader: func(cs string, r io.Reader) (io.Reader, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read encoded word: %w", err)
	}
	return strings.NewReader(decodeCharset(cs, b)), nil
}}

// addressParser is net/mail's RFC 5322 parser with that decoder.
var addressParser = mail.AddressParser{WordDecoder: wordDecoder}

// maxAddresses bounds how many addresses one field yields.
const maxAddresses = 500

// parseAddressList reads an address-list field. The strict RFC 5322 parser
// is tried first (it knows comments, quoted local parts and groups); when it
// refuses the value, a lenient reader splits on commas outside quotes and
// angle brackets and takes "<addr>" or the word holding "@" from each piece.
// Invalid addresses are dropped; display names are decoded to UTF-8.
func parseAddressList(v string) []Address {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil
	}
	if utf8.ValidString(v) {
		if list, err := addressParser.ParseList(v); err == nil {
			out := make([]Address, 0, len(list))
			for _, a := range list {
				name := a.Name
				if strings.Contains(name, "=?") {
					// Encoded words inside a quoted display name are not
					// RFC 2047, but clients write them and mean them.
					name = decodeText(name)
				}
				if addr, ok := makeAddress(name, a.Address); ok {
					out = append(out, addr)
				}
				if len(out) >= maxAddresses {
					break
				}
			}
			return out
		}
	}
	return parseAddressLenient(v)
}

// parseAddressLenient is the fallback reader for broken address fields.
func parseAddressLenient(v string) []Address {
	var out []Address
	for _, piece := range splitAddressList(v) {
		piece = strings.TrimSpace(piece)
		if piece == "" {
			continue
		}
		var name, email string
		if lt := strings.LastIndexByte(piece, '<'); lt >= 0 {
			gt := strings.IndexByte(piece[lt:], '>')
			if gt < 0 {
				email = piece[lt+1:]
			} else {
				email = piece[lt+1 : lt+gt]
			}
			name = piece[:lt]
		} else {
			// No brackets: the word with "@" is the address, the rest
			// (often a comment in parentheses) the name.
			for _, w := range strings.Fields(piece) {
				if strings.Contains(w, "@") {
					email = w
					break
				}
			}
			name = strings.Replace(piece, email, "", 1)
		}
		email = strings.Trim(strings.TrimSpace(email), `"'<>;,`)
		name = strings.TrimSpace(name)
		name = strings.Trim(name, `"' ()`)
		name = strings.ReplaceAll(name, `\"`, `"`)
		if addr, ok := makeAddress(decodeText(name), email); ok {
			out = append(out, addr)
		}
		if len(out) >= maxAddresses {
			break
		}
	}
	return out
}

// splitAddressList splits on commas that are outside quotes, angle brackets
// and comments.
func splitAddressList(v string) []string {
	var parts []string
	depthAngle, depthParen := 0, 0
	quoted := false
	start := 0
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c == '\\' && quoted:
			i++
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == '<':
			depthAngle++
		case c == '>' && depthAngle > 0:
			depthAngle--
			if depthAngle == 0 && depthParen == 0 {
				// "A <a@x> B <b@x>": a missing comma after an address.
				parts = append(parts, v[start:i+1])
				start = i + 1
			}
		case c == '(':
			depthParen++
		case c == ')' && depthParen > 0:
			depthParen--
		case (c == ',' || c == ';') && depthAngle == 0 && depthParen == 0:
			parts = append(parts, v[start:i])
			start = i + 1
		}
	}
	return append(parts, v[start:])
}

// makeAddress validates and normalises one mailbox.
func makeAddress(name, email string) (Address, bool) {
	email = strings.ToLower(strings.TrimSpace(email))
	if !validEmail(email) {
		return Address{}, false
	}
	if !utf8.ValidString(name) {
		name = utf8OrCP1252([]byte(name))
	}
	name = cleanLine(name)
	if strings.EqualFold(name, email) {
		name = ""
	}
	return Address{Name: name, Email: email}, true
}

// validEmail accepts local@domain with exactly one "@", non-empty sides, no
// white space or control characters, no brackets or commas, at most 254
// bytes, valid UTF-8 (RFC 6531 addresses are allowed).
func validEmail(s string) bool {
	if len(s) < 3 || len(s) > 254 || !utf8.ValidString(s) {
		return false
	}
	at := strings.IndexByte(s, '@')
	if at <= 0 || at == len(s)-1 || strings.IndexByte(s[at+1:], '@') >= 0 {
		return false
	}
	for _, r := range s {
		if r <= ' ' || r == 0x7f || (r >= 0x80 && r < 0xa0) || strings.ContainsRune(`<>(),;:"[]\`, r) {
			return false
		}
	}
	domain := s[at+1:]
	return !strings.HasPrefix(domain, ".") && !strings.HasSuffix(domain, ".") && !strings.Contains(domain, "..")
}
