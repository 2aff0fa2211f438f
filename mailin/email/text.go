package email

import (
	"strings"
	"unicode/utf8"
)

// Every string a Message holds is valid UTF-8 without NUL, whatever the
// decoded bytes were: a quoted-printable "=00", a base64 body from a
// bounce, an UTF-16 part labelled as something else. PostgreSQL's text type
// refuses both NUL and invalid sequences, and so do the notifications that
// quote the text. The raw source is never touched: it is kept as it came.

// safeText replaces each NUL and each byte that does not start a valid
// UTF-8 sequence with U+FFFD. Valid text without NUL is returned as it is.
func safeText(s string) string {
	if utf8.ValidString(s) && strings.IndexByte(s, 0) < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for len(s) > 0 {
		r, n := utf8.DecodeRuneInString(s)
		if r == 0 || (r == utf8.RuneError && n <= 1) {
			b.WriteRune(utf8.RuneError)
		} else {
			b.WriteString(s[:n])
		}
		s = s[n:]
	}
	return b.String()
}
