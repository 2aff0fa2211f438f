// Package textsafe makes text safe to store and to quote: valid UTF-8
// without NUL. PostgreSQL's text type refuses both NUL and invalid
// sequences, and so do the notifications that quote mail. It is the one
// rule the mail parser and the store share; it imports nothing of ours.
package textsafe

import (
	"strings"
	"unicode/utf8"
)

// Clean replaces each NUL and each byte that does not start a valid UTF-8
// sequence with U+FFFD. Valid text without NUL is returned as it is.
func Clean(s string) string {
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
