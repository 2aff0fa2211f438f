package reply

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// kind is what a line of a reply is, before any context is considered.
type kind uint8

const (
	kBlank   kind = iota // nothing visible
	kText                // anything else: what people write
	kQuote               // starts with '>' (RFC 3676 section 4.5 quoting)
	kSep                 // only rule characters: "_____", "-----", "*****"
	kSigDash             // the signature delimiter "-- " (RFC 3676 section 4.3)
	kMobile              // a device signature: "Enviado desde mi iPhone", "Get Outlook for iOS"
)

// line is one line of the body with its classification.
type line struct {
	raw     string // as written, without the line ending
	content string // visible text: invisible runes, '>' markers and edge spaces removed
	kind    kind
}

// maxLineLen is the longest line examined for patterns. Longer lines are
// always plain text: no attribution, header or signature is that long.
const maxLineLen = 1000

// splitLines cuts s into lines on "\n", "\r\n" or a lone "\r".
func splitLines(s string) []string {
	if strings.IndexByte(s, '\r') >= 0 {
		s = strings.ReplaceAll(s, "\r\n", "\n")
		s = strings.ReplaceAll(s, "\r", "\n")
	}
	return strings.Split(s, "\n")
}

// classify builds the line values of a body.
func classify(raws []string) []line {
	ls := make([]line, len(raws))
	for i, r := range raws {
		ls[i] = classifyLine(r)
		// A wrapped address: "... <noreply@example.com" then ">:". The
		// '>' closes the address; it does not quote.
		if i > 0 && ls[i].kind == kQuote && ls[i-1].kind == kText && opensAddress(ls[i-1].content) {
			ls[i].kind = kText
			ls[i].content = clean(r)
		}
		// "Obtener Outlook para Android" with its link on the next
		// line: the link belongs to the device line.
		if i > 0 && ls[i].kind == kText && ls[i-1].kind == kMobile && onlyLink(ls[i].content) {
			ls[i].kind = kMobile
		}
	}
	// A quoted line that the sender's client wrapped without quoting the
	// rest: "> Lorem ipsum dolor sit amet, … pharetra d" then "ignissim
	// odio?" then ">". A line in lower case between two quoted lines, with
	// no blank line, below a quoted line as long as clients wrap at, is
	// the quote going on; "> ¿Piso?" then "tres" is an answer.
	//
	// The last line of a quote has no quoted line below it; it goes on
	// the quote when the blank line or the end of the message follows
	// it and the line above was broken for want of room: it ends
	// mid-sentence, and the next word would not have fitted.
	for i := 1; i < len(ls); i++ {
		if ls[i].kind != kText || ls[i-1].kind != kQuote || !isLowerStart(ls[i].content) {
			continue
		}
		prev := utf8.RuneCountInString(ls[i-1].raw)
		if prev < wrapWidth {
			continue
		}
		switch {
		case i+1 < len(ls) && ls[i+1].kind == kQuote:
			ls[i].kind = kQuote
		case (i+1 == len(ls) || ls[i+1].kind == kBlank) && brokenForRoom(ls[i-1].content, prev, ls[i].content):
			ls[i].kind = kQuote
		}
	}
	return ls
}

// wrapLimit is the narrowest width at which clients wrap: a line that
// reaches it with its next word was too long to keep that word.
const wrapLimit = 72

// brokenForRoom reports a quoted line of width n, content q, that a
// client broke before the first word of next because the word did not
// fit: q stops mid-sentence, and n, a space and that word pass
// wrapLimit. The continuation is one wrapped piece, no longer than a line.
func brokenForRoom(q string, n int, next string) bool {
	if sentenceEnd(q) || strings.HasSuffix(q, ":") || utf8.RuneCountInString(next) > wrapLimit+8 {
		return false
	}
	w, _, _ := strings.Cut(next, " ")
	return n+1+utf8.RuneCountInString(w) > wrapLimit
}

// wrapWidth is about where mail clients wrap long lines (72 to 78
// columns); a quoted line this long may go on, unquoted, on the next.
const wrapWidth = 60

// onlyLink reports a line that is a link and nothing else: "<https://…>".
func onlyLink(s string) bool {
	return strings.Contains(s, "://") && strings.Trim(stripLinks(s), " \t\u00a0<>()[]") == ""
}

// opensAddress reports a line that ends inside "<...": an address that
// continues on the next line.
func opensAddress(s string) bool {
	open := strings.LastIndexByte(s, '<')
	return open >= 0 && open > strings.LastIndexByte(s, '>')
}

func classifyLine(raw string) line {
	l := line{raw: raw}
	c := clean(raw)
	if c == "" {
		l.kind = kBlank
		return l
	}
	if strings.TrimRight(raw, " \t") == "--" {
		l.kind, l.content = kSigDash, "--"
		return l
	}
	if n := quotePrefix(c); n > 0 {
		l.kind = kQuote
		l.content = clean(strings.TrimLeft(c[n:], "> \t"))
		return l
	}
	l.content = c
	switch {
	case len(c) > maxLineLen:
		l.kind = kText
	case isRule(c):
		l.kind = kSep
	case isDeviceSignature(c):
		l.kind = kMobile
	default:
		l.kind = kText
	}
	return l
}

// quotePrefix returns the length of the quote mark that starts c, or 0:
// '>' (RFC 3676 section 4.5), the initials some clients put before it
// ("C>", "JG> "), or the '|' of others ("| texto", or '|' alone for an
// empty quoted line; not a table row, which ends with '|' too).
func quotePrefix(c string) int {
	switch c[0] {
	case '>':
		return 1
	case '|':
		if len(c) == 1 || lastRune(c) != '|' {
			return 1
		}
		return 0
	}
	for i := 0; i < len(c) && i <= 3; i++ {
		switch ch := c[i]; {
		case ch >= 'A' && ch <= 'Z':
		case ch == '>' && i > 0:
			if i+1 == len(c) || c[i+1] == ' ' || c[i+1] == '>' {
				return i + 1
			}
			return 0
		default:
			return 0
		}
	}
	return 0
}

// isRule reports a line made only of rule characters, as clients write
// before a quoted header block or a signature: "________", "-----", "* * *".
func isRule(s string) bool {
	n := 0
	for _, r := range s {
		switch r {
		case '-', '_', '=', '*', '~', '+', '#', '—', '–', '•', '·':
			n++
		case ' ', '\t':
		default:
			return false
		}
	}
	return n >= 2
}

// isText reports the lines that someone wrote in this message, as opposed
// to quotes, rules, blank lines and signatures.
func (l line) isText() bool { return l.kind == kText }

// firstRune returns the first rune of s, or utf8.RuneError.
func firstRune(s string) rune {
	r, _ := utf8.DecodeRuneInString(s)
	return r
}

// lastRune returns the last rune of s, or utf8.RuneError.
func lastRune(s string) rune {
	r, _ := utf8.DecodeLastRuneInString(s)
	return r
}

// hasDigit reports an ASCII digit in s.
func hasDigit(s string) bool {
	return strings.ContainsAny(s, "0123456789")
}

// hasEmail reports something that looks like an address: an '@' between
// two non-space characters.
func hasEmail(s string) bool {
	for i := 1; i < len(s)-1; i++ {
		if s[i] == '@' && s[i-1] != ' ' && s[i+1] != ' ' {
			return true
		}
	}
	return false
}

// words splits s on white space and punctuation that separates words in an
// attribution line.
func words(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return isSpaceRune(r) || r == ',' || r == ';'
	})
}

// isLowerStart reports whether s starts with a lower-case letter.
func isLowerStart(s string) bool {
	r := firstRune(s)
	return unicode.IsLower(r)
}

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
	if f, ok := foldLatin(s); ok {
		return f
	}
	return foldNorm(s)
}

// foldNorm is fold by normalisation: decompose, drop the marks, lower.
func foldNorm(s string) string {
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

// latinFold maps each rune below latinFoldEnd to its folded form, as fold
// computes it, or to -1 when that is not one rune ("ǅ"). It lets fold skip
// normalisation for the Latin text that most mail is.
const latinFoldEnd = 0x250

var latinFold = func() (t [latinFoldEnd]rune) {
	for r := rune(0); r < latinFoldEnd; r++ {
		t[r] = -1
		if f := []rune(foldNorm(string(r))); len(f) == 1 {
			t[r] = f[0]
		}
	}
	return t
}()

// foldLatin folds s with latinFold, or reports false when s has a rune
// the table does not cover. Combining marks written apart (U+0300 and on)
// are not covered: they take the normalising path.
func foldLatin(s string) (string, bool) {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if r >= latinFoldEnd || latinFold[r] < 0 {
			return "", false
		}
		b.WriteRune(latinFold[r])
	}
	return b.String(), true
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

// clean removes invisible runes and trims white space at both ends. A
// "&nbsp;" that a client (Foxmail, QQ Mail) leaves in its text part is a
// space.
func clean(s string) string {
	if strings.Contains(s, "&nbsp;") {
		s = strings.ReplaceAll(s, "&nbsp;", "\u00a0")
	}
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
