package reply

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxSignedByLines bounds a signature CutSignedBy takes: the name, and a
// few lines of position, office and telephone.
const maxSignedByLines = 6

// CutSignedBy removes the signature the sender put at the end of text: a
// last block (after a blank line, or the whole text) that begins with a
// line naming the sender in full, one of names compared without case or
// accents ("Carlos Díaz" then "Soporte en sitio"), or with a short
// sign-off ending in a comma just above the name ("Saludos," then the
// name). Every line below the name must read as a signature's (a few
// words, no sentence's end, no command), or nothing is cut; a name of one
// word is not enough to tell a signature from text.
//
// The intake cuts it from what is left of a reply once its command lines
// are taken out, so that a signature alone is not sent on as a comment.
func CutSignedBy(text string, names ...string) string {
	var full []string
	for _, n := range names {
		if f := strings.Join(strings.Fields(fold(n)), " "); strings.Contains(f, " ") {
			full = append(full, f)
		}
	}
	if len(full) == 0 {
		return text
	}
	ls := strings.Split(text, "\n")
	end := len(ls)
	for end > 0 && strings.TrimSpace(ls[end-1]) == "" {
		end--
	}
	start := end
	for start > 0 && strings.TrimSpace(ls[start-1]) != "" {
		start--
	}
	block := ls[start:end]
	if len(block) == 0 || len(block) > maxSignedByLines {
		return text
	}
	named := func(l string) bool {
		f := strings.Join(strings.Fields(strings.TrimRight(fold(l), ". ")), " ")
		for _, n := range full {
			if f == n {
				return true
			}
		}
		return false
	}
	rest := block
	switch {
	case named(block[0]):
		rest = block[1:]
	case len(block) > 1 && signOff(block[0]) && named(block[1]):
		rest = block[2:]
	default:
		return text
	}
	for _, l := range rest {
		if !signatureLine(l) {
			return text
		}
	}
	return strings.TrimRight(strings.Join(ls[:start], "\n"), " \t\r\n")
}

// signatureLine reports whether l, below the sender's name, reads as a
// line of a signature (a position, an office, a telephone, an address)
// rather than as something the sender says: six words at most, and no
// sentence's end (an abbreviation such as "S.A.S." is not one), not
// going on in lower case, no command.
func signatureLine(l string) bool {
	l = strings.TrimSpace(l)
	words := strings.Fields(l)
	if len(words) > 6 || strings.HasPrefix(l, "#") {
		return false
	}
	if len(words) == 0 {
		return true
	}
	// A sentence goes on in lower case; a signature's lines start with a
	// capital, or hold a number or an address ("ext. 2040").
	if r, _ := utf8.DecodeRuneInString(l); unicode.IsLower(r) && !strings.ContainsAny(l, "0123456789@") {
		return false
	}
	last := words[len(words)-1]
	switch last[len(last)-1] {
	case '!', '?', ':', ';', ',':
		return false
	case '.':
		// "S.A.S." and "Ext." end in a point and are no sentence.
		return strings.Count(last, ".") > 1 || len(words) == 1
	}
	return true
}

// signOff reports whether l is a short closing such as "Saludos," or
// "Best regards,": three words at most, ending in a comma.
func signOff(l string) bool {
	l = strings.TrimSpace(l)
	return strings.HasSuffix(l, ",") && len(strings.Fields(l)) <= 3
}
