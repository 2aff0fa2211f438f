package email

import (
	"encoding/base64"
	"strings"
	"unicode/utf8"
)

// decodeText decodes an unstructured header value (Subject, a display name,
// a filename) to UTF-8:
//
//   - 8-bit bytes outside encoded words are kept when they are UTF-8
//     (RFC 6532) and otherwise read as Windows-1252;
//   - RFC 2047 encoded words are decoded in any charset, Q or B, upper or
//     lower case; white space between two encoded words is dropped
//     (section 6.2), and adjacent words in the same charset are joined before
//     charset decoding, so a character split across two words survives;
//   - a malformed encoded word is left as written.
func decodeText(v string) string {
	hasWord := strings.Contains(v, "=?")
	if !hasWord {
		if utf8.ValidString(v) {
			return v
		}
		return utf8OrCP1252([]byte(v))
	}
	if !utf8.ValidString(v) {
		v = utf8OrCP1252([]byte(v)) // encoded words are ASCII: unaffected
	}
	return decodeWords(v)
}

// decodeWords replaces the RFC 2047 encoded words in s.
func decodeWords(s string) string {
	var out strings.Builder
	out.Grow(len(s))

	// Bytes of consecutive encoded words in one charset, not yet decoded.
	var pending []byte
	pendingCS := ""
	flush := func() {
		if pendingCS != "" || len(pending) > 0 {
			out.WriteString(decodeCharset(pendingCS, pending))
			pending, pendingCS = pending[:0], ""
		}
	}

	// gap holds white space seen after an encoded word; it is written only
	// if the next thing is not another encoded word.
	gap := ""
	afterWord := false
	for len(s) > 0 {
		i := strings.Index(s, "=?")
		if i < 0 {
			break
		}
		if i > 0 {
			between := s[:i]
			if afterWord && isWSP(between) {
				gap = between
			} else {
				flush()
				out.WriteString(gap)
				out.WriteString(between)
				gap, afterWord = "", false
			}
		}
		cs, data, n, ok := parseWord(s[i:])
		if !ok {
			flush()
			out.WriteString(gap)
			out.WriteString("=?")
			gap, afterWord = "", false
			s = s[i+2:]
			continue
		}
		if normCharset(cs) != normCharset(pendingCS) {
			flush()
		}
		pendingCS = cs
		pending = append(pending, data...)
		gap, afterWord = "", true
		s = s[i+n:]
	}
	flush()
	out.WriteString(gap)
	out.WriteString(s)
	return out.String()
}

// maxWord bounds the bytes searched for the end of one encoded word.
const maxWord = 1024

// parseWord reads one "=?charset?E?text?=" at the start of s and returns the
// charset, the decoded bytes and the length consumed. Q text may hold spaces
// (broken but common); the word must end within maxWord bytes.
func parseWord(s string) (cs string, data []byte, n int, ok bool) {
	if !strings.HasPrefix(s, "=?") {
		return "", nil, 0, false
	}
	// An encoded word is at most 75 bytes (RFC 2047 section 2); broken ones
	// run longer, but never past maxWord. Searching only that far keeps a
	// value full of "=?" linear.
	rest := s[2:]
	if len(rest) > maxWord {
		rest = rest[:maxWord]
	}
	q := strings.IndexByte(rest, '?')
	if q <= 0 || q > 64 {
		return "", nil, 0, false
	}
	cs = rest[:q]
	if strings.ContainsAny(cs, " \t\"=") {
		return "", nil, 0, false
	}
	rest = rest[q+1:]
	if len(rest) < 2 || rest[1] != '?' {
		return "", nil, 0, false
	}
	enc := rest[0] | 0x20
	rest = rest[2:]
	end := strings.Index(rest, "?=")
	if end < 0 {
		return "", nil, 0, false
	}
	text := rest[:end]
	switch enc {
	case 'b':
		data, ok = decodeWordB(text)
	case 'q':
		data, ok = decodeWordQ(text), true
	default:
		return "", nil, 0, false
	}
	if !ok {
		return "", nil, 0, false
	}
	n = 2 + q + 1 + 2 + end + 2
	return cs, data, n, true
}

// decodeWordB decodes B text, with or without padding.
func decodeWordB(text string) ([]byte, bool) {
	text = strings.TrimRight(strings.TrimSpace(text), "=")
	if len(text)%4 == 1 {
		return nil, false
	}
	b, err := base64.RawStdEncoding.DecodeString(text)
	if err != nil {
		return nil, false
	}
	return b, true
}

// decodeWordQ decodes Q text: "_" is a space, "=XX" a byte; a stray "=" is
// kept.
func decodeWordQ(text string) []byte {
	b := make([]byte, 0, len(text))
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case c == '_':
			b = append(b, ' ')
		case c == '=' && i+2 < len(text) && isHex(text[i+1]) && isHex(text[i+2]):
			b = append(b, unhex(text[i+1])<<4|unhex(text[i+2]))
			i += 2
		default:
			b = append(b, c)
		}
	}
	return b
}

func isWSP(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n' {
			return false
		}
	}
	return true
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}

// cleanLine makes a decoded header value one line: control characters
// (CR, LF, tab, NUL...) become spaces, runs of spaces collapse, ends are
// trimmed, and bytes that are not valid UTF-8 become U+FFFD.
func cleanLine(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == 0x7f || (c == ' ' && (i == 0 || i == len(s)-1 || s[i+1] == ' ')) {
			clean = false
			break
		}
	}
	if clean && utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r == ' ' || (r >= 0x80 && r < 0xa0) {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}
