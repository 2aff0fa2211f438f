package reply

import (
	"strconv"
	"strings"
)

// parseArgs fills Level, Target, Service and Text from Args, by verb:
//
//	#nivel 2 · #level 2                      Level
//	#clasificar <servicio> [nivel N] [a X]   Service, Level, Target
//	#escalar [nivel N] [a X] [motivo]        Level, Target, Text
//	#asignar [a] X [motivo]                  Target, Text
//	#resolver · #reabrir · #cerrar · #nota   Text
//
// Spanish and English words mix freely ("nivel"/"level", "a"/"to"), and
// the level may come anywhere. Names are not checked against the roster
// here; the caller does that. For classify, the target is the last "a X"
// or "to X": "#clasificar acceso a internet" reads as service "acceso" for
// "internet", so a caller that finds no such person should take
// Service + " a " + Target as the service (Args holds the line as written).
func parseArgs(c *Command) {
	ws := strings.FieldsFunc(c.Args, isSpaceRune)
	switch c.Verb {
	case VerbClassify:
		rest := takeLevel(c, ws)
		rest = takeLastTarget(c, rest)
		c.Service = strings.Join(rest, " ")
	case VerbEscalate:
		rest := takeLevel(c, ws)
		rest = takeTarget(c, rest, len(rest) == 1 || len(rest) > 0 && hasEmail(rest[0]))
		c.Text = strings.Join(rest, " ")
	case VerbAssign:
		rest := takeTarget(c, ws, true)
		c.Text = strings.Join(rest, " ")
	default:
		c.Text = c.Args
	}
}

// levelWords introduce a level; numberWords spell one.
var (
	levelWords  = map[string]bool{"nivel": true, "level": true, "n": true, "niv": true, "lvl": true}
	numberWords = map[string]int{
		"uno": 1, "dos": 2, "tres": 3, "one": 1, "two": 2, "three": 3,
		"i": 1, "ii": 2, "iii": 3,
	}
)

// maxLevel bounds what is read as a level; the domain rejects levels
// past 3 with a clear reply, so 4 or 9 are still passed on.
const maxLevel = 99

// levelPrefixes may be glued to the number: "nivel2", "level3", "lvl3".
var levelPrefixes = []string{"nivel", "level", "niv", "lvl"}

// takeLevel finds "nivel N", "level N" or "nivel2" anywhere, or a number
// as the first word of "#nivel N" or "#escalar N"; it sets c.Level and
// returns the other words.
func takeLevel(c *Command, ws []string) []string {
	for i := 0; i < len(ws); i++ {
		w := strings.TrimRight(fold(ws[i]), ".:,;")
		if levelWords[w] && i+1 < len(ws) {
			if n, ok := levelNumber(ws[i+1]); ok {
				c.Level = n
				return remove(ws, i, 2)
			}
		}
		for _, p := range levelPrefixes {
			if len(w) > len(p) && strings.HasPrefix(w, p) {
				if n, ok := levelNumber(w[len(p):]); ok {
					c.Level = n
					return remove(ws, i, 1)
				}
			}
		}
	}
	bare := c.Verb == VerbEscalate || levelWords[fold(strings.TrimPrefix(c.Name, "#"))]
	if bare && len(ws) > 0 {
		if n, ok := levelNumber(ws[0]); ok {
			c.Level = n
			return ws[1:]
		}
	}
	return ws
}

// levelNumber reads "2", "2.", "dos", "II".
func levelNumber(w string) (int, bool) {
	w = strings.TrimRight(fold(w), ".,;:")
	if n, ok := numberWords[w]; ok {
		return n, true
	}
	if w == "" || len(w) > 2 || !allDigits(w) {
		return 0, false
	}
	n, err := strconv.Atoi(w)
	if err != nil || n < 1 || n > maxLevel {
		return 0, false
	}
	return n, true
}

// targetWords introduce a person: "a jgomez", "to x@y.co", "al proveedor".
var targetWords = map[string]bool{"a": true, "to": true, "al": true}

// takeTarget finds the first "a X" / "to X" and sets c.Target. With first
// true, the first word is the target when there is no such clause
// ("#asignar jgomez", "#escalar proveedor1").
func takeTarget(c *Command, ws []string, first bool) []string {
	for i := 0; i+1 < len(ws); i++ {
		if targetWords[fold(ws[i])] {
			if t := cleanTarget(ws[i+1]); t != "" {
				c.Target = t
				return remove(ws, i, 2)
			}
		}
	}
	if first && len(ws) > 0 && !targetWords[fold(ws[0])] {
		if t := cleanTarget(ws[0]); t != "" {
			c.Target = t
			return ws[1:]
		}
	}
	return ws
}

// takeLastTarget finds the last "a X" / "to X" and sets c.Target.
func takeLastTarget(c *Command, ws []string) []string {
	for i := len(ws) - 2; i >= 0; i-- {
		if targetWords[fold(ws[i])] {
			if t := cleanTarget(ws[i+1]); t != "" {
				c.Target = t
				return remove(ws, i, 2)
			}
		}
	}
	return ws
}

// cleanTarget strips the wrapping of a name or address:
// "<x@y.co>", "mailto:x@y.co", "jgomez," → "jgomez".
func cleanTarget(w string) string {
	w = strings.Trim(w, "<>()[]\"'.,;:!?")
	if len(w) > 7 && strings.EqualFold(w[:7], "mailto:") {
		w = w[7:]
	}
	return strings.Trim(w, "<>()[]\"'.,;:!?")
}

// remove returns ws without n words at i.
func remove(ws []string, i, n int) []string {
	out := make([]string, 0, len(ws)-n)
	out = append(out, ws[:i]...)
	return append(out, ws[i+n:]...)
}
