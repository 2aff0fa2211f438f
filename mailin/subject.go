package mailin

import (
	"regexp"
	"strings"

	"github.com/ticketd/ticketd/tickets"
)

// replyPrefix matches the prefixes mail clients put before a subject they
// answer or forward, in the languages our users write: Re, RE, Fwd, Fw,
// RV (reenviado), RES and ENC (Portuguese), AW and WG (German), SV, VS,
// Antw, TR, R, I (Italian), with an optional count ("Re[2]:") and the
// full-width colon some clients write.
var replyPrefix = regexp.MustCompile(`(?i)^\s*(re|fwd?|rv|res|enc|aw|wg|sv|vs|antw|tr|r|i|rif|doorst)\s*(\[\d+\]|\(\d+\))?\s*[:：]\s*`)

// followUpSubject is the subject of the ticket that a reply to a closed
// ticket opens: the person's own words, without the reply prefixes, our
// tag and what our notification's subject added. When what is left still
// ends with the closed ticket's subject (a reply to our "Caso cerrado: …"
// notice), the closed ticket's subject is taken as it was.
func followUpSubject(subject, tag string, closed *tickets.Ticket) string {
	s := strings.TrimSpace(subject)
	for i := 0; i < 10; i++ {
		before := s
		s = replyPrefix.ReplaceAllString(s, "")
		if tag != "" {
			s = strings.TrimSpace(tagPattern(tag).ReplaceAllString(s, ""))
		}
		if s == before {
			break
		}
	}
	s = oneLine(s)
	if closed != nil {
		orig := oneLine(closed.Subject)
		fs, fo := tickets.Fold(s), tickets.Fold(orig)
		if orig != "" && s != orig && strings.HasSuffix(fs, fo) {
			return orig
		}
		// Our notice may have shortened the subject: "Caso cerrado: Pantalla az…".
		if i := strings.Index(fs, ": "); orig != "" && i >= 0 {
			rest := fs[i+2:]
			cut := strings.HasSuffix(rest, "…") || strings.HasSuffix(rest, "...")
			rest = strings.TrimSpace(strings.TrimSuffix(strings.TrimSuffix(rest, "…"), "..."))
			if cut && len(rest) >= 8 && strings.HasPrefix(fo, rest) {
				return orig
			}
		}
	}
	return s
}
