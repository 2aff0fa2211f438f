package mailout

import (
	"strings"
	"unicode/utf8"
)

// textWidth is the column at which plain-text parts are wrapped: 78, as
// RFC 5322 §2.1.1 recommends, so that a reader's client needs no
// horizontal scrolling and quotes keep room for their "> ".
const textWidth = 78

// wrapText breaks the lines of s longer than width columns (characters)
// at spaces, as a careful writer would: each continuation keeps the
// line's indentation and quote marks ("  > "), and a list item's ("  - ")
// continues under its text. A word longer than the room (an address, a
// path) is left whole on its line, and the signature separator is never
// touched. s must end in a newline, as Render's texts do; a text with no
// long line is returned as is.
//
// Lines that fit are copied in runs, not one by one: a notice's text has
// a few long lines (its sentences) among many short ones (the request,
// the case's fields).
func wrapText(s string, width int) string {
	var b strings.Builder
	done := 0 // s[:done] is in b
	for at := 0; at < len(s); {
		end := strings.IndexByte(s[at:], '\n')
		if end < 0 {
			end = len(s)
		} else {
			end += at
		}
		if line := s[at:end]; len(line) > width && utf8.RuneCountInString(line) > width {
			if b.Cap() == 0 {
				b.Grow(len(s) + len(s)/16)
			}
			b.WriteString(s[done:at])
			wrapLine(&b, line, width)
			done = end
		}
		at = end + 1
	}
	if b.Cap() == 0 {
		return s
	}
	b.WriteString(s[done:])
	if !strings.HasSuffix(s, "\n") {
		b.WriteByte('\n')
	}
	return b.String()
}

// hasLongLine reports whether a line of s is over width characters.
func hasLongLine(s string, width int) bool {
	for rest := s; rest != ""; {
		line, tail, _ := strings.Cut(rest, "\n")
		rest = tail
		if len(line) > width && utf8.RuneCountInString(line) > width {
			return true
		}
	}
	return false
}

// wrapLine writes line to b, broken at spaces into lines of at most width
// characters where its words allow.
func wrapLine(b *strings.Builder, line string, width int) {
	if line == sigDelimiter || utf8.RuneCountInString(line) <= width {
		b.WriteString(line)
		return
	}
	prefix, hang := linePrefix(line)
	text := line[len(prefix):]
	room := width - utf8.RuneCountInString(prefix)
	if room < 20 { // a prefix that leaves no room: keep the line
		b.WriteString(line)
		return
	}
	cont := hang
	first := true
	for text != "" {
		if first {
			b.WriteString(prefix)
		} else {
			b.WriteByte('\n')
			b.WriteString(cont)
		}
		first = false
		if utf8.RuneCountInString(text) <= room {
			b.WriteString(text)
			return
		}
		cut := breakAt(text, room)
		b.WriteString(strings.TrimRight(text[:cut], " "))
		text = strings.TrimLeft(text[cut:], " ")
	}
}

// breakAt is the byte offset at which to break text so that the part
// before it fits room characters: after the last space that fits, or,
// for a first word longer than room, after that word.
func breakAt(text string, room int) int {
	last := -1
	n := 0
	for i, r := range text {
		if n == room {
			if r == ' ' {
				return i
			}
			break
		}
		if r == ' ' && i > 0 {
			last = i
		}
		n++
	}
	if last > 0 {
		return last
	}
	if i := strings.IndexByte(text, ' '); i > 0 {
		return i
	}
	return len(text)
}

// linePrefix is what a line begins with that its continuations repeat
// (indentation and "> " quote marks), and the continuation prefix: the
// same, with a list item's "- " turned into spaces.
func linePrefix(line string) (prefix, hang string) {
	i := 0
	for i < len(line) && (line[i] == ' ' || line[i] == '\t' || line[i] == '>') {
		i++
	}
	prefix = line[:i]
	hang = prefix
	if strings.HasPrefix(line[i:], "- ") {
		prefix = line[:i+2]
		hang += "  "
	}
	return prefix, hang
}
