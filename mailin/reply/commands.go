package reply

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Verb is the canonical meaning of a command, whatever language or
// spelling the sender used.
type Verb string

// The verbs of PROCEDURE.md's command table. VerbComment is what a message
// without commands is; ParseCommands never returns it. VerbUnknown is a
// "#word" that is no command, so that the sender can be told.
const (
	VerbClassify Verb = "classify"
	VerbEscalate Verb = "escalate"
	VerbAssign   Verb = "assign"
	VerbResolve  Verb = "resolve"
	VerbClose    Verb = "close"
	VerbReopen   Verb = "reopen"
	VerbNote     Verb = "note"
	VerbHelp     Verb = "help" // "#ayuda": which commands the sender may run now
	VerbComment  Verb = "comment"
	VerbUnknown  Verb = "unknown"
)

// Command is one command line of a reply.
type Command struct {
	Verb    Verb
	Name    string // the keyword as written, e.g. "#Escalar"
	Line    int    // 1-based line number in the trimmed text
	Raw     string // the whole line
	Args    string // the rest of the line, trimmed
	Level   int    // 0 if none: "#nivel 2", "#escalar nivel 3", "#escalate level 3", "#escalar 3"
	Target  string // person or provider: "#escalar a proveedor1", "#escalate to x@y.co", "#asignar jgomez"
	Service string // "#clasificar impresoras", "#classify printers"
	Text    string // free text: "#resolver cambié el tóner" → "cambié el tóner"; the text of "#nota"
}

// MaxCommands is the most commands taken from one message; further command
// lines stay in the comment.
const MaxCommands = 20

// MaxCommandLine is the longest line that can be a command.
const MaxCommandLine = 1000

// keywords maps folded keywords (Spanish and English) to verbs.
var keywords = map[string]Verb{
	"nivel": VerbClassify, "level": VerbClassify,
	"clasificar": VerbClassify, "classify": VerbClassify,
	"escalar": VerbEscalate, "escalate": VerbEscalate,
	"asignar": VerbAssign, "assign": VerbAssign,
	"resolver": VerbResolve, "resuelto": VerbResolve,
	"resolve": VerbResolve, "resolved": VerbResolve,
	"cerrar": VerbClose, "close": VerbClose,
	"reabrir": VerbReopen, "reopen": VerbReopen,
	"nota": VerbNote, "note": VerbNote,
	"ayuda": VerbHelp, "help": VerbHelp,
}

// ParseCommands finds command lines — a line whose first non-space
// character is '#' followed by a letter — in the trimmed new part of a
// reply, in order. It returns the commands and the remaining text: the
// message without the command lines, trimmed, which is the comment that
// goes with them. Keywords are matched without regard to case or accents.
// Lines that start with '>' are quotes, never commands; "#123" and a
// hashtag inside a sentence are not commands either. At most MaxCommands
// are returned; a line longer than MaxCommandLine is never a command.
func ParseCommands(trimmed string) (cmds []Command, comment string) {
	lines := splitLines(trimmed)
	kept := make([]string, 0, len(lines))
	for i, raw := range lines {
		if len(cmds) < MaxCommands {
			if c, ok := parseCommandLine(raw); ok {
				c.Line = i + 1
				cmds = append(cmds, c)
				continue
			}
		}
		kept = append(kept, raw)
	}
	return cmds, trimComment(kept)
}

// trimComment joins lines, dropping blank lines at both ends and trailing
// white space.
func trimComment(ls []string) string {
	start, end := 0, len(ls)
	for start < end && strings.TrimFunc(ls[start], isSpaceRune) == "" {
		start++
	}
	for end > start && strings.TrimFunc(ls[end-1], isSpaceRune) == "" {
		end--
	}
	return strings.TrimRightFunc(strings.Join(ls[start:end], "\n"), isSpaceRune)
}

// parseCommandLine reads one line as a command, if it is one.
func parseCommandLine(raw string) (Command, bool) {
	if len(raw) > MaxCommandLine {
		return Command{}, false
	}
	s := strings.TrimLeftFunc(raw, func(r rune) bool { return isSpaceRune(r) || isInvisible(r) })
	if !strings.HasPrefix(s, "#") {
		return Command{}, false
	}
	rest := s[1:]
	// The keyword: letters and the combining marks of a decomposed accent.
	n := 0
	for n < len(rest) {
		r, size := utf8.DecodeRuneInString(rest[n:])
		if !unicode.IsLetter(r) && !(n > 0 && unicode.Is(unicode.Mn, r)) {
			break
		}
		n += size
	}
	if n == 0 {
		return Command{}, false
	}
	word := rest[:n]
	args := strings.TrimFunc(rest[n:], isSpaceRune)
	// "#nota: texto" — a colon after the keyword is punctuation.
	if strings.HasPrefix(args, ":") {
		args = strings.TrimFunc(args[1:], isSpaceRune)
	}
	c := Command{
		Verb: VerbUnknown,
		Name: "#" + word,
		Raw:  raw,
		Args: args,
	}
	if v, ok := keywords[fold(word)]; ok {
		c.Verb = v
	}
	parseArgs(&c)
	return c, true
}
