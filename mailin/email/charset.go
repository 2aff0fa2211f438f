package email

import (
	"bytes"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/emersion/go-message/charset"
)

// decodeCharset converts text in the named charset to valid UTF-8. It never
// fails; these fallbacks keep Spanish text readable whatever the label says:
//
//   - no charset, an unknown one, or utf-8/us-ascii: valid UTF-8 is kept; each
//     byte that is not part of a valid UTF-8 sequence is read as Windows-1252
//     (a UTF-8 reply quoting a Latin-1 original survives both halves);
//   - iso-8859-1 and windows-1252 are both read as Windows-1252 (as browsers
//     do: mail labelled Latin-1 is mostly written on Windows), unless the
//     bytes are valid UTF-8 with multi-byte sequences, which means the label
//     is wrong;
//   - any other charset goes through golang.org/x/text via go-message's
//     charset package; bytes that charset cannot decode become U+FFFD.
func decodeCharset(cs string, b []byte) string {
	switch normCharset(cs) {
	case "", "utf-8", "utf8", "us-ascii", "ascii", "ansi_x3.4-1968", "unknown-8bit",
		"x-unknown", "unknown", "default", "charset", "x-user-defined", "8bit":
		return utf8OrCP1252(b)
	case "iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "latin-1", "l1",
		"windows-1252", "cp1252", "x-cp1252", "cp819", "ibm819", "iso-ir-100":
		if isUTF8WithMultibyte(b) {
			return string(b)
		}
		return cp1252(b)
	}
	r, err := charset.Reader(normCharset(cs), bytes.NewReader(b))
	if err != nil {
		return utf8OrCP1252(b) // unknown label: guess
	}
	out, err := io.ReadAll(r)
	if err != nil && len(out) == 0 {
		return utf8OrCP1252(b)
	}
	if !utf8.Valid(out) {
		return strings.ToValidUTF8(string(out), "\uFFFD")
	}
	return string(out)
}

// normCharset lower-cases a charset label and drops quotes, white space and
// an RFC 2231 language suffix ("utf-8*es").
func normCharset(cs string) string {
	cs = strings.TrimSpace(cs)
	cs = strings.Trim(cs, `"'`)
	if i := strings.IndexByte(cs, '*'); i >= 0 {
		cs = cs[:i]
	}
	return strings.ToLower(strings.TrimSpace(cs))
}

// utf8OrCP1252 keeps valid UTF-8 and reads each stray byte as Windows-1252.
func utf8OrCP1252(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	var sb strings.Builder
	sb.Grow(len(b) + len(b)/8)
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError && n <= 1 {
			sb.WriteRune(cp1252Rune(b[0]))
			b = b[1:]
			continue
		}
		sb.Write(b[:n])
		b = b[n:]
	}
	return sb.String()
}

// isUTF8WithMultibyte reports whether b is valid UTF-8 holding at least one
// non-ASCII character.
func isUTF8WithMultibyte(b []byte) bool {
	hasHigh := false
	for _, c := range b {
		if c >= 0x80 {
			hasHigh = true
			break
		}
	}
	return hasHigh && utf8.Valid(b)
}

// cp1252 decodes Windows-1252, a superset of the printable ISO-8859-1.
func cp1252(b []byte) string {
	var sb strings.Builder
	sb.Grow(len(b) + len(b)/8)
	for _, c := range b {
		if c < 0x80 {
			sb.WriteByte(c)
		} else {
			sb.WriteRune(cp1252Rune(c))
		}
	}
	return sb.String()
}

// cp1252High maps 0x80-0x9F; the five unassigned bytes keep their C1 code
// point, as the WHATWG encoding standard does.
var cp1252High = [32]rune{
	'€', 0x81, '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', 0x8D, 'Ž', 0x8F,
	0x90, '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', 0x9D, 'ž', 'Ÿ',
}

func cp1252Rune(c byte) rune {
	if c >= 0x80 && c < 0xA0 {
		return cp1252High[c-0x80]
	}
	return rune(c)
}

// sniffHTMLCharset finds a <meta charset> or http-equiv charset declaration
// near the start of an HTML document, or returns "".
func sniffHTMLCharset(b []byte) string {
	if len(b) > 4096 {
		b = b[:4096]
	}
	for off := 0; off < len(b); {
		i := indexFold(b[off:], "charset")
		if i < 0 {
			return ""
		}
		j := off + i + len("charset")
		off = j
		for j < len(b) && (b[j] == ' ' || b[j] == '\t') {
			j++
		}
		if j >= len(b) || b[j] != '=' {
			continue
		}
		j++
		for j < len(b) && (b[j] == ' ' || b[j] == '"' || b[j] == '\'') {
			j++
		}
		k := j
		for k < len(b) && isCharsetByte(b[k]) {
			k++
		}
		if k > j {
			return string(b[j:k])
		}
	}
	return ""
}

func isCharsetByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '-' || c == '_' || c == '.' || c == ':'
}

// indexFold is bytes.Index for an ASCII lower-case needle, ignoring case.
func indexFold(b []byte, needle string) int {
	n := len(needle)
	for i := 0; i+n <= len(b); i++ {
		if b[i]|0x20 != needle[0] {
			continue
		}
		ok := true
		for k := 1; k < n; k++ {
			if b[i+k]|0x20 != needle[k] {
				ok = false
				break
			}
		}
		if ok {
			return i
		}
	}
	return -1
}
