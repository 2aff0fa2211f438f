package store

import (
	"github.com/lib/pq"

	"github.com/ticketd/ticketd/internal/textsafe"
)

// PostgreSQL's text type refuses NUL and invalid UTF-8, and a NOT NULL
// bytea refuses a nil slice (lib/pq sends it as NULL). What the intake
// writes comes from mail, so every column that takes text or bytes from a
// message goes through these on its way in: a byte the column cannot hold
// must never fail the transaction that keeps the message. The mail parser
// already hands over clean text; this is the store's own guarantee, for
// every caller.

// dbText returns s with each NUL and each byte that is not valid UTF-8
// replaced by U+FFFD (textsafe.Clean); clean text is returned as it is.
func dbText(s string) string { return textsafe.Clean(s) }

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
