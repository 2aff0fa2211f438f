package reply

import "strings"

// markerKind tells what a marker introduces.
type markerKind uint8

const (
	mkNone        markerKind = iota
	mkAttribution            // "El ... escribió:": a quote, or a reply below it
	mkOriginal               // "-----Mensaje original-----": history
	mkForward                // "---------- Forwarded message ---------": a forwarded message
	mkHeaders                // "De: / Enviado: / Para: / Asunto:": history
)

// marker is a run of lines that introduces quoted or forwarded text.
type marker struct {
	end  int // first line after the marker
	kind markerKind
}

// markers records, for each line, the marker that starts there, if any.
type markers []marker

// at returns the end of the marker starting at line i, or 0.
func (m markers) at(i int) int { return m[i].end }

// next returns the index of the first marker starting at or after line s,
// or -1.
func (m markers) next(s int) int {
	for i := s; i < len(m); i++ {
		if m[i].end > 0 {
			return i
		}
	}
	return -1
}

// findMarkers finds every marker of a body. Work is linear: each line is
// looked at as the end of an attribution of up to maxAttributionLines lines
// and as the start of a header block of up to maxHeaderBlock lines.
func findMarkers(ls []line) markers {
	m := make(markers, len(ls))
	for i := range ls {
		l := ls[i]
		if l.kind != kText && l.kind != kQuote {
			continue
		}
		if l.content == "" || len(l.content) > maxLineLen {
			continue
		}
		if chevronMarker(l) {
			setMarker(m, i, marker{i + 1, mkOriginal})
			continue
		}
		if k := markerLineKind(l.content); k != mkNone {
			end := i + 1
			if k == mkForward || k == mkOriginal {
				// The headers of the forwarded or original message
				// belong to its marker.
				j := end
				for j < len(ls) && ls[j].kind == kBlank {
					j++
				}
				if j < len(ls) {
					if e := headerBlock(ls, j); e > 0 {
						end = e
					}
				}
			}
			setMarker(m, i, marker{end, k})
			continue
		}
		if start := attributionEndingAt(ls, i); start >= 0 {
			setMarker(m, start, marker{i + 1, mkAttribution})
			continue
		}
		if end := attributionInPieces(ls, i); end > 0 {
			setMarker(m, i, marker{end, mkAttribution})
			continue
		}
		if i > 0 && m[i-1].end == 0 && isHeaderLine(ls[i-1]) && sameQuoting(ls[i-1], l) {
			// Inside a run of header lines that did not make a block
			// from its first line: not a new block either.
			continue
		}
		if end := headerBlock(ls, i); end > 0 {
			setMarker(m, i, marker{end, mkHeaders})
			continue
		}
		if end := bareHeaderBlock(ls, i); end > 0 {
			setMarker(m, senderAbove(ls, i), marker{end, mkHeaders})
		}
	}
	return m
}

// chevronMarker reports the line GroupWise writes above the message it
// answers, framed by chevrons: ">>> Ana Pérez <ana@x.co> 02/12/2026 3:15
// p. m. >>>". It must name an address or a date; the message below is not
// quoted.
func chevronMarker(l line) bool {
	if l.kind != kQuote || !strings.HasPrefix(strings.TrimLeft(l.raw, " \t"), ">>>") {
		return false
	}
	s := strings.TrimRight(l.content, " \t")
	if !strings.HasSuffix(s, ">>>") {
		return false
	}
	s = strings.TrimRight(s, "> \t")
	return hasEmail(s) || hasDigit(s) && (hasYear(s) || hasDateSlash(s))
}

// setMarker records a marker unless an earlier one already covers line
// start.
func setMarker(m markers, start int, mk marker) {
	for j := start - 1; j >= 0 && j >= start-maxHeaderBlock; j-- {
		if m[j].end > start {
			return
		}
	}
	if m[start].end < mk.end {
		m[start] = mk
	}
}

func sameQuoting(a, b line) bool { return (a.kind == kQuote) == (b.kind == kQuote) }

// attributionEndingAt returns the first line of an attribution whose last
// line is ls[j], or -1. Wrapped attributions are joined from up to
// maxAttributionLines consecutive lines of the same quoting. A strong
// match is preferred over a weak one, and then the shortest; the start is
// then extended over lines that begin the attribution ("On <date>, Ana <"
// above "ana@b.co> wrote:"). A weak match counts only when a quote follows.
func attributionEndingAt(ls []line, j int) int {
	if !plausibleEnd(ls[j].content) {
		return -1
	}
	best, bestK := none, -1
	joined := ls[j].content
	for k := 0; k < maxAttributionLines; k++ {
		if k > 0 {
			i := j - k
			if i < 0 || !joinable(ls[i], ls[j]) {
				break
			}
			joined = ls[i].content + " " + joined
		}
		s := attributionStrength(joined)
		if s == strong {
			best, bestK = strong, k
			break
		}
		if s == weak && best == none {
			best, bestK = weak, k
		}
	}
	switch best {
	case none:
		return -1
	case weak:
		if !quoteFollows(ls, j+1) {
			return -1
		}
	}
	start := j - bestK
	for start > 0 && j-start+1 < maxAttributionLines {
		prev, cur := ls[start-1], ls[start]
		if !joinable(prev, cur) || !continues(prev.content, cur.content) {
			break
		}
		start--
	}
	return start
}

// plausibleEnd is a cheap test for the last line of an attribution: it
// ends with a colon, an address or a rule, starts with a digit (Gmail's
// "2016-03-03 17:21 GMT+01:00 Some One"), or ends with a reply verb.
func plausibleEnd(s string) bool {
	if s == "" {
		return false
	}
	switch lastRune(s) {
	case ':', '：', '>', '-', '*', '=', '_':
		return true
	}
	if c := s[0]; c >= '0' && c <= '9' {
		return true
	}
	i := strings.LastIndexFunc(s, isSpaceRune)
	return finalVerbs[fold(s[i+1:])] || hasCJKVerb(s)
}

// joinable reports two lines that may belong to one wrapped attribution.
func joinable(a, b line) bool {
	if a.kind != kText && a.kind != kQuote {
		return false
	}
	return sameQuoting(a, b) && a.content != "" && len(a.content) <= 300
}

// continues reports whether cur carries on an attribution that prev begins.
// Either prev was cut open ("... Ana <", "... 2016,") or cur starts in
// lower case or with '<', and prev starts like an attribution or names an
// address; or prev is a dated start cut mid-phrase ("El lun, 3 mar 2025 a
// las 10:02, Oficina de Tecnologías de la") and cur starts no attribution
// of its own.
func continues(prev, cur string) bool {
	open := false
	switch lastRune(prev) {
	case '<', ',', '"', '(', '[', '«':
		open = true
	}
	r := firstRune(cur)
	if (open || isLowerStart(cur) || r == '<' || r == '>') && (startsDateish(prev) || hasEmail(prev) || hasYear(prev)) {
		return true
	}
	switch lastRune(prev) {
	case '.', '!', '?', ':', ';', '。':
		return false
	}
	return startsDateish(prev) && hasDigit(prev) && !startsDateish(cur)
}

// quoteFollows reports whether the next non-blank line from i is quoted.
func quoteFollows(ls []line, i int) bool {
	for ; i < len(ls); i++ {
		if ls[i].kind != kBlank {
			return ls[i].kind == kQuote
		}
	}
	return false
}

// maxPieces bounds the pieces of an attribution in pieces, and
// maxPiecesSpan the lines they may take with the blank lines between.
const (
	maxPieces     = 7
	maxPiecesSpan = 16
)

// attributionInPieces returns the end of an attribution that starts with
// a date at ls[i] and goes on in short pieces, one a line, with blank
// lines between, as Gmail's HTML becomes text:
//
//	On Tue, Dec 3, 2026 at 10:00 AM
//
//	IT Support
//
//	<
//
//	mailto:support@example.org
//
//	> wrote:
//
// It returns 0 when there is none. A piece is no sentence: it does not
// end with '.', '?' or '!'; the last may be quoted ("> wrote:"). The
// joined pieces must make a strong attribution.
func attributionInPieces(ls []line, i int) int {
	first := ls[i]
	if first.kind != kText || !startsDateish(first.content) || !hasDigit(first.content) || sentenceEnd(first.content) {
		return 0
	}
	joined := first.content
	pieces := 1
	blanks := 0
	for j := i + 1; j < len(ls) && j-i < maxPiecesSpan; j++ {
		l := ls[j]
		if l.kind == kBlank {
			blanks++
			if blanks > 2 {
				return 0
			}
			continue
		}
		blanks = 0
		last := false
		switch l.kind {
		case kText:
		case kQuote:
			// "> wrote:": the '>' closes the address above.
			if len(words(l.content)) > 3 || !strings.HasSuffix(l.content, ":") {
				return 0
			}
			last = true
		default:
			return 0
		}
		if l.content == "" || len(l.content) > 200 || sentenceEnd(l.content) {
			return 0
		}
		if l.kind == kText && attributionStrength(l.content) == strong {
			// A whole attribution on a line of its own: it starts there,
			// and what is above it ("4 - muy rápido, gracias") is the
			// person's text, not its first piece.
			return 0
		}
		joined += " " + l.content
		pieces++
		if len(joined) > maxAttribution || pieces > maxPieces {
			return 0
		}
		if plausibleEnd(l.content) && attributionStrength(joined) == strong {
			if pieces == 2 && j == i+1 {
				// Two adjacent lines: attributionEndingAt's case.
				return 0
			}
			if attributionStrength(l.content) == strong {
				// The piece is a whole attribution by itself: what
				// came above ("+1 555 0199" closing a signature) is
				// no part of it.
				return 0
			}
			return j + 1
		}
		if last {
			return 0
		}
	}
	return 0
}

// sentenceEnd reports a line that ends a sentence.
func sentenceEnd(s string) bool {
	switch lastRune(s) {
	case '.', '?', '!', '。', '？', '！':
		return true
	}
	return false
}

// hasYear reports a year of four digits, 1900 to 2099, standing alone.
func hasYear(s string) bool {
	for i := 0; i+4 <= len(s); i++ {
		if (s[i] == '1' && s[i+1] == '9' || s[i] == '2' && s[i+1] == '0') &&
			isDigitByte(s[i+2]) && isDigitByte(s[i+3]) &&
			(i == 0 || !isDigitByte(s[i-1])) && (i+4 == len(s) || !isDigitByte(s[i+4])) {
			return true
		}
	}
	return false
}

func isDigitByte(c byte) bool { return c >= '0' && c <= '9' }
