package tickets

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Fold lower-cases s and strips accents ("Tóner" → "toner") so that keyword
// matching does not depend on how a mail client or a person typed a word.
// A byte that is not UTF-8 becomes U+FFFD.
//
// Routing folds every request's whole text, so the common characters are
// folded from a table: ASCII and the Latin letters below U+0300 are
// starters, each decomposed on its own as in the whole text. Anything else
// (combining marks, other scripts) goes through Unicode decomposition a run
// at a time; the runs are cut at such starters, across which nothing
// composes or reorders. FuzzFold checks this against the definition
// (decompose the whole text, drop the nonspacing marks, lower-case).
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			b.WriteByte(foldASCII[c])
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			b.WriteRune(r)
			i++
			continue
		}
		if r < foldTableEnd {
			b.WriteString(foldLatin[r-utf8.RuneSelf])
			i += n
			continue
		}
		j := i
		for j < len(s) {
			r, n := utf8.DecodeRuneInString(s[j:])
			if r < foldTableEnd || r == utf8.RuneError && n == 1 {
				break
			}
			j += n
		}
		foldRun(&b, s[i:j])
		i = j
	}
	return b.String()
}

// foldTableEnd is where the combining diacritical marks begin.
const foldTableEnd = 0x300

var (
	foldASCII [utf8.RuneSelf]byte
	foldLatin [foldTableEnd - utf8.RuneSelf]string
)

func init() {
	for c := range foldASCII {
		foldASCII[c] = byte(unicode.ToLower(rune(c)))
	}
	for i := range foldLatin {
		var b strings.Builder
		foldRun(&b, string(rune(i+utf8.RuneSelf)))
		foldLatin[i] = b.String()
	}
}

// foldRun writes the fold of s, valid UTF-8, by decomposing it whole.
func foldRun(b *strings.Builder, s string) {
	for _, r := range norm.NFD.String(s) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
}
