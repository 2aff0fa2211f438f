package reply

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// MaxInput is the most bytes of a body that Trim and TrimHTML look at; the
// rest of a longer body is ignored. A reply to a ticket is never that long,
// and the cap bounds the work done on hostile input.
const MaxInput = 1 << 20

// capInput returns at most MaxInput bytes of s, cut on a rune boundary.
func capInput(s string) string {
	return capBytes(s, MaxInput)
}

// capBytes returns at most n bytes of s, cut on a rune boundary.
func capBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && cut > n-utf8.UTFMax && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}

// fold lower-cases s and removes combining marks, so that "Escribió",
// "ESCRIBIO" and "escribio" compare equal. Letters that are not decomposed
// by NFD (ł, ı, ø) are kept as they are, and Hangul is composed again.
func fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range norm.NFD.String(s) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	// Compose again what had no marks to drop: Hangul syllables.
	return norm.NFC.String(b.String())
}

// isInvisible reports runes that mail clients sprinkle in text and that a
// reader never sees: zero-width spaces and joiners, direction marks, the
// byte-order mark, and the Gmail tracking mark "ᐧ" (U+1427).
func isInvisible(r rune) bool {
	switch r {
	case '\u200b', '\u200c', '\u200d', '\u200e', '\u200f', '\u2060',
		'\ufeff', '\u00ad', '\u1427', '\u202a', '\u202b', '\u202c', '\u202d', '\u202e':
		return true
	}
	return false
}

// isSpaceRune reports white space, including the no-break space that HTML
// conversion and Outlook leave behind.
func isSpaceRune(r rune) bool {
	return unicode.IsSpace(r) || r == '\u00a0'
}

// clean removes invisible runes and trims white space at both ends.
func clean(s string) string {
	dirty := false
	for _, r := range s {
		if isInvisible(r) {
			dirty = true
			break
		}
	}
	if dirty {
		s = strings.Map(func(r rune) rune {
			if isInvisible(r) {
				return -1
			}
			return r
		}, s)
	}
	return strings.TrimFunc(s, isSpaceRune)
}
