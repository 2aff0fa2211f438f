package reply

import (
	"strings"
	"unicode"
)

// ParseRating reads a reply to the closure notice's satisfaction question:
// a number from 1 to 5 at the start of the first line of the trimmed text,
// optionally introduced by a word such as "calificación" or "rating" and
// followed by "/5", "de 5" or "estrellas", and then, if the person likes,
// a sentence on the same line (after a dash, a colon or a comma, or after
// "/5", "de 5", "estrellas") or on the lines below. A line of one to five
// stars (★, ⭐) counts as its number of stars. What reads as a request
// more than a score is no rating, so that a new problem written in reply
// to the closure notice still opens a ticket: a list item ("1. El equipo
// volvió a fallar", "2) otra vez"), a longer number, a time or a range
// ("3:30 pm", "2-3 equipos", "1, 2 y 3"), or a number that counts
// something ("5 equipos no encienden").
func ParseRating(trimmed string) (score int, text string, ok bool) {
	lines := splitLines(trimmed)
	first := -1
	for i, l := range lines {
		if strings.TrimFunc(l, isSpaceRune) != "" {
			first = i
			break
		}
	}
	if first < 0 {
		return 0, "", false
	}
	line := strings.TrimFunc(lines[first], isSpaceRune)
	rest := trimComment(lines[first+1:])
	if n, tail, ok := stars(line); ok {
		return n, joinText(tail, rest), true
	}
	s := line
	if i := strings.IndexFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.Is(unicode.Mn, r) }); i > 0 && ratingWords[fold(s[:i])] {
		s = strings.TrimLeft(s[i:], " \t:=-–")
	}
	if s == "" || s[0] < '1' || s[0] > '5' {
		return 0, "", false
	}
	score = int(s[0] - '0')
	s = s[1:]
	if s != "" && (s[0] >= '0' && s[0] <= '9' || s[0] == '.' || s[0] == ')' || s[0] == ',' && len(s) > 1 && s[1] >= '0' && s[1] <= '9') {
		return 0, "", false
	}
	s = strings.TrimLeft(s, " \t")
	for _, w := range outOf {
		if len(s) >= len(w) && strings.EqualFold(s[:len(w)], w) {
			s = s[len(w):]
			break
		}
	}
	if s != "" {
		r := []rune(s)[0]
		if !unicode.IsSpace(r) && !strings.ContainsRune("-–—:,!", r) {
			return 0, "", false // "5to piso", "3er intento"
		}
	}
	s = strings.TrimLeft(s, " \t-–—:,!")
	if s != "" && s[0] >= '0' && s[0] <= '9' {
		return 0, "", false // "3:30 pm", "2-3 equipos", "1, 2 y 3"
	}
	return score, joinText(s, rest), true
}

var (
	ratingWords = map[string]bool{"calificacion": true, "puntaje": true, "puntuacion": true, "nota": true, "rating": true, "score": true,
		"valoracion": true}
	outOf = []string{"/5", "/ 5", "de 5", "out of 5", "of 5", "estrellas", "estrella", "stars", "star", "puntos", "points"}
)

// stars reads a line that starts with one to five star characters.
func stars(line string) (int, string, bool) {
	n := 0
	s := line
	for {
		switch {
		case strings.HasPrefix(s, "★"):
			s = s[len("★"):]
		case strings.HasPrefix(s, "⭐"):
			s = s[len("⭐"):]
		case strings.HasPrefix(s, "\uFE0F"): // the emoji variation selector
			s = s[len("\uFE0F"):]
			continue
		default:
			if n < 1 || n > 5 {
				return 0, "", false
			}
			return n, strings.TrimLeft(s, " \t-–—:,"), true
		}
		n++
	}
}

func joinText(a, b string) string {
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "\n" + b
}
