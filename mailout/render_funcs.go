package mailout

import (
	"bytes"
	"encoding/binary"
	htmltemplate "html/template"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	_ "time/tzdata" // DefaultZone and desk.timezone on a host without tzdata
	"unicode"
	"unicode/utf8"
)

// DefaultZone is the agency's time zone, America/Bogota, from Go's time
// zone database (embedded: the host needs no tzdata), for a renderer
// made without desk.timezone.
var DefaultZone = mustZone("America/Bogota")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic("mailout: " + err.Error()) // the embedded database has it
	}
	return loc
}

// MaxSubjectLen is the longest subject Render returns, in characters.
const MaxSubjectLen = 250

// funcMap returns the functions the templates of one language may call. Every
// function takes the data as it is and never fails: a template must not break
// on an empty field.
func funcMap(lang string, zone *time.Location) map[string]any {
	return map[string]any{
		// state turns "en_atencion" into "En atención".
		"state": func(s string) string { return StateLabel(s, lang) },
		// level turns 2 into "Nivel 2".
		"level": func(n int) string { return LevelLabel(n, lang) },
		// kind names an event kind: "escalated" → "Escalamiento".
		"kind": func(k string) string { return kindLabel(k, lang) },
		// date prints a time in the desk's time zone; the zero time prints "".
		"date": func(t time.Time) string { return formatDate(t, lang, zone) },
		// activities prints the procedure's activity numbers: "2, 3".
		"activities": joinInts,
		// name prints a Person or *Person: the name, else the address.
		"name": personName,
		// lines splits a text into lines, for the HTML templates to put
		// each one in its own escaped element.
		"lines": splitLines,
		// textHTML is the HTML of a text with its line breaks kept: what
		// {{range $i, $l := lines .}}{{if $i}}<br>{{end}}{{$l}}{{end}}
		// prints in element content, made in one call.
		"textHTML": textHTML,
		// indent prefixes every line of s with prefix.
		"indent": indent,
		// join joins a list with sep.
		"join": func(xs []string, sep string) string { return strings.Join(xs, sep) },
		// cid is the URL of an inline image this message carries, by its
		// Content-ID ("" for an id that could not be one).
		"cid": func(id string) htmltemplate.URL {
			if !validMsgID(id) {
				return ""
			}
			return htmltemplate.URL("cid:" + id)
		},
		// size prints a size in bytes for people: "830 bytes", "12 kB",
		// "1,5 MB" ("1.5 MB" in English).
		"size": func(n int) string { return formatSize(n, lang) },
	}
}

func formatDate(t time.Time, lang string, zone *time.Location) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(zone)
	if langIndex(lang) == 1 {
		return t.Format("2006-01-02 15:04")
	}
	return t.Format("02/01/2006 15:04")
}

// formatSize prints n bytes in bytes, kB (below a MiB, rounded up) or MB
// with one decimal, with the language's decimal separator.
func formatSize(n int, lang string) string {
	switch {
	case n < 1024:
		return strconv.Itoa(max(n, 0)) + " bytes"
	case n < 1<<20:
		return strconv.Itoa((n+1023)/1024) + " kB"
	}
	s := strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64)
	if langIndex(lang) == 0 {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s + " MB"
}

func joinInts(xs []int) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = strconv.Itoa(x)
	}
	return strings.Join(parts, ", ")
}

func personName(p any) string {
	var q Person
	switch v := p.(type) {
	case Person:
		q = v
	case *Person:
		if v == nil {
			return ""
		}
		q = *v
	default:
		return ""
	}
	if n := strings.TrimSpace(q.Name); n != "" {
		return n
	}
	return strings.TrimSpace(q.Email)
}

func splitLines(s string) []string {
	s = strings.TrimRight(normNewlines(s), "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// indent prefixes every line of splitLines(s) with prefix and joins them
// with newlines. The result for a long s is remembered (see memoMin).
func indent(prefix, s string) string {
	if len(s) >= memoMin {
		if out, ok := indentMemo.get(prefix, s); ok {
			return out
		}
		out := indentNew(prefix, s)
		indentMemo.put(prefix, s, out)
		return out
	}
	return indentNew(prefix, s)
}

// indentNew is indent without the memo, building the result in one
// allocation.
func indentNew(prefix, s string) string {
	s = strings.TrimRight(normNewlines(s), "\n")
	if s == "" {
		return ""
	}
	var b strings.Builder
	b.Grow(len(s) + (strings.Count(s, "\n")+1)*len(prefix))
	for {
		b.WriteString(prefix)
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i+1])
		s = s[i+1:]
	}
}

// htmlTextEscapes are the replacements html/template makes when it prints a
// string in HTML element content (its htmlReplacementTable): NUL becomes
// U+FFFD and " & ' + < > character references. Every other byte, invalid
// UTF-8 included, is printed as is. A line break becomes <br> followed by
// the line break itself: a browser shows the same, and the HTML keeps the
// text's lines, so that a part whose text lines fit RFC 5322's 998 octets
// can go as 8bit rather than quoted-printable (see Envelope.EightBit).
var htmlTextEscapes = [256]string{
	0:    "\uFFFD",
	'"':  "&#34;",
	'&':  "&amp;",
	'\'': "&#39;",
	'+':  "&#43;",
	'<':  "&lt;",
	'>':  "&gt;",
	'\n': "<br>\n",
}

// textHTML returns the lines of splitLines(s), each escaped as html/template
// escapes a string in element content, joined by <br> and a line break:
// byte for byte what {{range $i, $l := lines .}}{{if $i}}<br>
// {{end}}{{$l}}{{end}} prints (a line break after <br>), but
// without a template action, a reflect call and an allocation per line. The
// result for a long s is remembered (see memoMin).
func textHTML(s string) htmltemplate.HTML {
	if len(s) >= memoMin {
		if out, ok := textHTMLMemo.get("", s); ok {
			return htmltemplate.HTML(out)
		}
		out := textHTMLNew(s)
		textHTMLMemo.put("", s, string(out))
		return out
	}
	return textHTMLNew(s)
}

// textHTMLNew is textHTML without the memo.
func textHTMLNew(s string) htmltemplate.HTML {
	s = strings.TrimRight(normNewlines(s), "\n")
	var b strings.Builder
	written := 0
	for i := 0; i < len(s); i++ {
		repl := htmlTextEscapes[s[i]]
		if repl == "" {
			continue
		}
		if b.Cap() == 0 {
			b.Grow(len(s) + len(s)/8 + 16)
		}
		b.WriteString(s[written:i])
		b.WriteString(repl)
		written = i + 1
	}
	if b.Cap() == 0 {
		return htmltemplate.HTML(s)
	}
	b.WriteString(s[written:])
	return htmltemplate.HTML(b.String())
}

// memoMin is the length from which indent and textHTML remember their last
// result. The intake renders opened_desk to every desk agent with the same
// request body, one after the other, so the second agent's text and HTML
// reuse the first one's; shorter texts are cheap to redo and would only push
// a long body out.
const memoMin = 1024

// memo remembers the last result of a function of two strings. Comparing a
// long key with the one stored costs little: the same string (as the
// notifications of one ticket pass it) compares by pointer.
type memo struct{ last atomic.Pointer[memoEntry] }

type memoEntry struct{ a, b, out string }

var indentMemo, textHTMLMemo memo

func (m *memo) get(a, b string) (string, bool) {
	if e := m.last.Load(); e != nil && e.a == a && e.b == b {
		return e.out, true
	}
	return "", false
}

func (m *memo) put(a, b, out string) { m.last.Store(&memoEntry{a, b, out}) }

func normNewlines(s string) string {
	if !strings.ContainsRune(s, '\r') {
		return s
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.ReplaceAll(s, "\r", "\n")
}

// sigDelimiter is the signature separator line ("-- ", RFC 3676 §4.3): mail
// clients leave what follows out of the quote when the recipient replies.
const sigDelimiter = "-- "

// normBody tidies a rendered text or HTML body: CRLF and CR become LF, control
// characters other than tab and newline are dropped (a malformed email is data,
// and NULs or escapes have no business in a notification), trailing blanks are
// cut (except in the signature separator), runs of blank lines become one, and
// the result ends in one newline. Templates can then use plain conditionals
// without fighting whitespace.
func normBody(s string) string { return normBodyBytes([]byte(s)) }

// normBodyBytes is normBody of the bytes of s, which it does not modify or
// keep: Render passes its buffer without first copying it into a string.
//
// It reads s once. Runs of printable ASCII are skipped eight bytes at a time,
// and two-byte UTF-8 sequences above U+00BF (Spanish accents) without
// decoding; dropControls runs only on a line that holds something to drop.
func normBodyBytes(s []byte) string {
	if bytes.IndexByte(s, '\r') >= 0 {
		s = bytes.ReplaceAll(bytes.ReplaceAll(s, []byte("\r\n"), []byte("\n")), []byte("\r"), []byte("\n"))
	}
	var b strings.Builder
	b.Grow(len(s) + 1)
	blank := 0
	started := false
	start, clean := 0, true // the current line and whether it is clean so far
	for i := 0; ; {
		if i+8 <= len(s) && printableASCII(binary.LittleEndian.Uint64(s[i:])) {
			i += 8
			continue
		}
		if i < len(s) && s[i] != '\n' {
			switch c := s[i]; {
			case (c >= 0x20 && c < 0x7f) || c == '\t':
				i++
			case c < utf8.RuneSelf: // an ASCII control character
				clean = false
				i++
			case c >= 0xc3 && c <= 0xdf && i+1 < len(s) && s[i+1]&0xc0 == 0x80:
				i += 2 // U+00C0..U+07FF: neither a control character nor U+FFFD
			default:
				r, w := utf8.DecodeRune(s[i:])
				if r == utf8.RuneError || r <= 0x9f { // C1 controls are U+0080..U+009F
					clean = false
				}
				i += w
			}
			continue
		}
		line := s[start:i]
		if !clean {
			line = []byte(dropControls(string(line)))
		}
		if string(line) != sigDelimiter && endsInSpace(line) {
			line = bytes.TrimRightFunc(line, unicode.IsSpace)
		}
		if len(line) == 0 {
			blank++
		} else {
			if started && blank > 0 {
				b.WriteByte('\n')
			}
			blank = 0
			started = true
			b.Write(line)
			b.WriteByte('\n')
		}
		if i >= len(s) {
			return b.String()
		}
		i++ // the newline
		start, clean = i, true
	}
}

// printableASCII reports whether each of the eight bytes of x is in
// 0x20..0x7e. Bytes are checked from the lowest up: the first byte out of
// range sets its high bit in x (0x80 and above), x+1 (0x7f) or x-0x20 (below
// 0x20), and no lower byte carries or borrows into it.
func printableASCII(x uint64) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	return ((x-0x20*ones)|(x+ones)|x)&highs == 0
}

// cleanLine reports whether dropControls would return s as is: no control
// character other than tab, no invalid UTF-8 and no U+FFFD. ASCII bytes are
// checked without decoding.
func cleanLine(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if (c < 0x20 && c != '\t') || c == 0x7f {
				return false
			}
			i++
			continue
		}
		r, w := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError || r <= 0x9f { // C1 controls are U+0080..U+009F
			return false
		}
		i += w
	}
	return true
}

// endsInSpace reports whether bytes.TrimRightFunc(s, unicode.IsSpace) might
// cut something; false only when it certainly would not.
func endsInSpace(s []byte) bool {
	if len(s) == 0 {
		return false
	}
	switch c := s[len(s)-1]; {
	case c >= utf8.RuneSelf:
		return true // let TrimRightFunc decode it
	case c == ' ', c == '\t', c == '\n', c == '\v', c == '\f', c == '\r':
		return true
	}
	return false
}

// dropControls removes control characters other than tab, and invalid UTF-8.
func dropControls(s string) string {
	if cleanLine(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if (unicode.IsControl(r) && r != '\t') || r == utf8.RuneError {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// headerText makes s safe as the text of a header field: control characters
// (CR and LF among them), Unicode line and paragraph separators and invalid
// UTF-8 become spaces, runs of white space become one space, and the result is
// trimmed and cut to at most max characters. This is what keeps a subject such
// as "Hola\r\nBcc: x@evil.example" on one line.
func headerText(s string, max int) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	n := 0
	for _, r := range s {
		if unicode.IsControl(r) || unicode.IsSpace(r) || r == utf8.RuneError ||
			r == '\u2028' || r == '\u2029' {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			if n+1 >= max {
				break
			}
			b.WriteByte(' ')
			n++
		}
		space = false
		if n >= max {
			break
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}
