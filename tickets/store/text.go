package store

import (
	"strings"
	"unicode/utf8"

	"github.com/lib/pq"
)

// PostgreSQL's text type refuses NUL and invalid UTF-8, and a NOT NULL
// bytea refuses a nil slice (lib/pq sends it as NULL). What the intake
// writes comes from mail, so every column that takes text or bytes from a
// message goes through these on its way in: a byte the column cannot hold
// must never fail the transaction that keeps the message. The mail parser
// already hands over clean text; this is the store's own guarantee, for
// every caller.

// dbText returns s with each NUL and each byte that is not valid UTF-8
// replaced by U+FFFD; clean text is returned as it is.
func dbText(s string) string {
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

// dbTexts is dbText for a text[] column; nil becomes the empty array.
func dbTexts(a pq.StringArray) pq.StringArray {
	if a == nil {
		return pq.StringArray{}
	}
	for i, s := range a {
		if c := dbText(s); c != s {
			out := append(pq.StringArray(nil), a...)
			for j := i; j < len(out); j++ {
				out[j] = dbText(out[j])
			}
			return out
		}
	}
	return a
}

// dbBytes keeps an empty attachment empty rather than NULL.
func dbBytes(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}
