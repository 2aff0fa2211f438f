package reply

import "strings"

// maxSignedByLines bounds a signature CutSignedBy takes: the name, and a
// few lines of position, office and telephone.
const maxSignedByLines = 6

// CutSignedBy removes the signature the sender put at the end of text: a
// last block (after a blank line, or the whole text) that begins with a
// line naming the sender in full, one of names compared without case or
// accents ("Carlos Díaz" then "Soporte en sitio"), or with a short
// sign-off ending in a comma just above the name ("Saludos," then the
// name). Every line of the block must be short and none a command; a
// name of one word is not enough to tell a signature from text.
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
	for _, l := range block {
		if l = strings.TrimSpace(l); len([]rune(l)) > 80 || strings.HasPrefix(l, "#") {
			return text
		}
	}
	named := func(l string) bool {
		f := strings.Join(strings.Fields(strings.Trim(fold(l), ".,;:-–— ")), " ")
		for _, n := range full {
			if f == n {
				return true
			}
		}
		return false
	}
	switch {
	case named(block[0]):
	case len(block) > 1 && signOff(block[0]) && named(block[1]):
	default:
		return text
	}
	return strings.TrimRight(strings.Join(ls[:start], "\n"), " \t\r\n")
}

// signOff reports whether l is a short closing such as "Saludos," or
// "Best regards,": three words at most, ending in a comma.
func signOff(l string) bool {
	l = strings.TrimSpace(l)
	return strings.HasSuffix(l, ",") && len(strings.Fields(l)) <= 3
}
