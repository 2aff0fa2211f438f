// Package reply extracts what a person actually wrote in a reply to a ticket
// notification, and the command lines in it.
//
// Trim, TrimHTML and TrimBody remove the quoted history that mail clients
// append (attribution lines such as "El lun, 3 mar 2025 a las 10:02, Ana
// <a@b.co> escribió:", also wrapped or in pieces on lines of their own,
// Outlook "De:/Enviado:/Para:/Asunto:" header blocks (also joined on one
// line) and Lotus Notes' names on lines of their own, GroupWise's ">>>
// sender date >>>", "-----Mensaje original-----" and forwarded-message
// markers in any language, trailing quotes marked '>', '|' or initials, and
// quoted lines a client wrapped without marks), the signature after the
// "-- " delimiter of RFC 3676 section 4.3 or below a rule, the office block
// no one typed (office.go), the lines phones and webmail append ("Enviado
// desde mi iPhone", "Get Outlook for Android", "发自我的iPhone"), the blocks
// add-ons append and the confidentiality, data-protection (Ley 1581 de
// 2012) or environment notices an organisation appends. Answers written
// inside the message Outlook quotes ("¿Piso? >> 5") stay. Lines are
// classified by their shape, not matched against whole phrases, so that
// unseen variants are found too (see lines.go, attribution.go, headers.go,
// signature.go, office.go, disclaimer.go). ParseCommands then finds the
// "#escalar", "#resolver", ... lines of PROCEDURE.md in the new part and
// returns them with the remaining comment.
//
// Everything here is a pure function of its input: no I/O, no clock, no
// globals that change. Input is data, never trusted: work is linear in the
// input, which is capped at MaxInput bytes, and no input makes it panic.
//
// This package must not import anything from ticketd except mailin/htmltext,
// and no database, network or IMAP/SMTP package.
package reply

import (
	"strings"
)

// Trim returns the new part of a reply: quoted history, forwarded or
// original-message blocks and signatures removed.
//
// It works on lines. A marker is an attribution ("El ... escribió:"), an
// original or forwarded message marker, or a block of headers. When the
// writer's own text comes before the first marker, everything from the
// marker on is history, unless the writer answered between the quoted lines
// below it; then only the marker lines go. When nothing but quotes comes
// before the marker, it depends on the marker: below an attribution the
// reply follows the quote right under it; below a forwarded-message marker
// and its headers, the forwarded message is kept; below a header block or
// an original-message marker everything is history and the result is empty
// (an Outlook forward without a comment looks like that too: a caller that
// opens a ticket from a forward should not trim it). A quote block that
// ends the message after some text is history too. Last, signatures go:
// after "-- ", from a device line that follows the person's text ("Sent
// from my iPhone", and what Outlook for Android writes below it), a block
// of contact lines below a rule that starts with a name, an office block
// that repeats the name signed above it or shows by its shape that no one
// typed it, and the device lines that end the message. A sign-off the
// person wrote ("Cordialmente, Luis"), and the name block under it, stay.
// Answers the person wrote inside an Outlook quoted message, below its
// header block, stay with the questions they answer.
//
// Trim reads at most MaxInput bytes of text. Its result is never longer
// than its input.
func Trim(text string) string {
	ls := classify(splitLines(capInput(text)))
	ls = trimQuoted(ls)
	ls = trimSignature(ls)
	return render(ls)
}

// trimQuoted removes quoted history; see Trim.
func trimQuoted(ls []line) []line {
	ms := findMarkers(ls)
	s := 0
	for {
		c := ms.next(s)
		if c < 0 {
			return dropTrailingQuote(ls[s:])
		}
		end := ms[c].end
		if hasText(ls[s:c]) {
			if repliesInline(ls, ms, end) {
				out := make([]line, 0, len(ls)-s-(end-c))
				out = append(out, ls[s:c]...)
				out = append(out, ls[end:]...)
				return dropTrailingQuote(out)
			}
			if ms[c].kind == mkHeaders {
				if stop := answersInside(ls, ms, end); stop > 0 {
					// Answers written into the message Outlook quotes
					// without marks: the questions and answers stay,
					// the headers go.
					out := make([]line, 0, c-s+stop-end)
					out = append(out, withoutTrailingRules(ls[s:c])...)
					out = append(out, ls[end:stop]...)
					return dropTrailingQuote(out)
				}
			}
			return dropTrailingQuote(ls[s:c])
		}
		// Nothing of the sender's above the marker.
		switch ms[c].kind {
		case mkHeaders, mkOriginal:
			// Outlook does not write below the message it quotes: what
			// follows is the message replied to, unless the sender
			// answered inside it and wrote nothing above.
			if ms[c].kind == mkHeaders {
				if stop := answersInside(ls, ms, end); stop > 0 {
					return dropTrailingQuote(ls[end:stop])
				}
			}
			return nil
		case mkForward:
			// A forward with no comment: the forwarded message is what
			// is sent.
			s = end
		default:
			// "On ... wrote:" at the top: the reply is below the quote.
			s = skipQuoteBelow(ls, ms, end)
		}
	}
}

// answersInside returns where the message below a header block ending at
// end stops (the next marker, or the end) when the sender answered inside
// it, as people do in the message Outlook quotes without marks: a
// question followed on its line by ">>", "-->" or "=>" and the answer
// ("¿Piso? >> 5"), or a line under a question that starts with an
// answer's label ("R/ Sí", "Rta: no", "Answer: yes"). Otherwise 0.
func answersInside(ls []line, ms markers, end int) int {
	answers := 0
	question := false // the last line with text ended with '?'
	j := end
	for ; j < len(ls); j++ {
		if ms.at(j) > 0 || ls[j].kind == kSigDash {
			break
		}
		l := ls[j]
		if l.kind != kText {
			continue
		}
		if answeredOnLine(l.content) || question && answerLabel(l.content) {
			answers++
		}
		question = lastRune(l.content) == '?'
	}
	if answers == 0 {
		return 0
	}
	return j
}

// answeredOnLine reports "question? >> answer": an arrow after a question
// or a label, with text after it.
func answeredOnLine(s string) bool {
	for _, arrow := range []string{" >> ", " --> ", " => ", " -> "} {
		if i := strings.Index(s, arrow); i > 0 {
			before := strings.TrimSpace(s[:i])
			after := strings.TrimSpace(s[i+len(arrow):])
			switch lastRune(before) {
			case '?', ':', '？':
				return after != ""
			}
		}
	}
	return false
}

// answerLabels start an answer written under a question. Folded, without
// the '/' or ':' that follows them.
var answerLabels = map[string]bool{
	"r": true, "rta": true, "resp": true, "respuesta": true, "answer": true,
	"reponse": true, "antwort": true, "risposta": true, "antwoord": true, "resposta": true,
}

// answerLabel reports a line that starts with an answer's label followed
// by '/' or ':' and the answer: "R/ Sí", "Rta: no", "Respuesta: piso 5".
func answerLabel(s string) bool {
	i := strings.IndexAny(s, "/:")
	if i <= 0 || i > 12 || strings.TrimSpace(s[i+1:]) == "" {
		return false
	}
	return answerLabels[fold(strings.TrimSpace(s[:i]))]
}

// withoutTrailingRules returns ls without the rules that end it, blank
// lines kept: the rule Outlook draws above the headers it quotes.
func withoutTrailingRules(ls []line) []line {
	out := make([]line, 0, len(ls))
	last := len(ls)
	for last > 0 && (ls[last-1].kind == kBlank || ls[last-1].kind == kSep) {
		last--
	}
	out = append(out, ls[:last]...)
	for _, l := range ls[last:] {
		if l.kind != kSep {
			out = append(out, l)
		}
	}
	return out
}

// hasText reports whether any line was written by the sender.
func hasText(ls []line) bool {
	for _, l := range ls {
		if l.isText() {
			return true
		}
	}
	return false
}

// repliesInline reports whether, below the marker that ends at end, the
// quoted message starts right away and the sender wrote between or after
// its quoted lines before any signature or other marker: an interleaved
// answer, which must be kept.
func repliesInline(ls []line, ms markers, end int) bool {
	i := end
	for i < len(ls) && ls[i].kind == kBlank {
		i++
	}
	if i >= len(ls) || ls[i].kind != kQuote {
		return false
	}
	for ; i < len(ls); i++ {
		if ms.at(i) > 0 {
			return false
		}
		switch ls[i].kind {
		case kSigDash:
			return false
		case kText:
			return true
		}
	}
	return false
}

// skipQuoteBelow returns where the reply starts below a marker ending at
// i: past the quoted block right under it, when text follows that block.
// When only quotes follow, there is no reply: it returns len(ls). When
// the sender answered between the quoted lines (text, then another quote,
// then text again), the quotes are the questions answered and stay: it
// returns i.
func skipQuoteBelow(ls []line, ms markers, i int) int {
	j := i
	for j < len(ls) && (ls[j].kind == kBlank || ls[j].kind == kSep) {
		j++
	}
	if j >= len(ls) || ls[j].kind != kQuote {
		return i
	}
	for j < len(ls) && (ls[j].kind == kQuote || ls[j].kind == kBlank) {
		j++
	}
	if interleaved(ls, ms, j) {
		return i
	}
	return j
}

// interleaved reports whether, from ls[j] on, text is followed by a quote
// that is followed by text again, before any signature or marker.
func interleaved(ls []line, ms markers, j int) bool {
	state := 0 // 0: before text; 1: text seen; 2: a quote after text
	for ; j < len(ls); j++ {
		if ms.at(j) > 0 {
			return false
		}
		switch ls[j].kind {
		case kSigDash, kMobile:
			return false
		case kText:
			if state == 2 {
				return true
			}
			state = 1
		case kQuote:
			if state == 1 {
				state = 2
			}
		}
	}
	return false
}

// dropTrailingQuote removes a block of quoted lines that ends the message
// after some text of the sender's. A message of quotes only is left alone:
// someone who sends only a quote means it.
func dropTrailingQuote(ls []line) []line {
	if !hasText(ls) {
		return ls
	}
	end := len(ls)
	quoted := false
	for end > 0 {
		k := ls[end-1].kind
		if k != kQuote && k != kBlank && k != kSep {
			break
		}
		if k == kQuote {
			quoted = true
		}
		end--
	}
	if quoted {
		return ls[:end]
	}
	return ls
}

// trimSignature cuts at the signature delimiter "-- " (RFC 3676 section
// 4.3; "--" too, since many clients strip the space), at a device
// signature that ends the person's text ("Gesendet von Outlook für
// Android" above the message it answers) and at a block of contact lines
// below a rule, and removes the notices (disclaimer.go), rules, blank
// lines and device signatures that end the message.
func trimSignature(ls []line) []line {
	text := false // a line of the person's above
	for i, l := range ls {
		if l.kind == kSigDash {
			ls = ls[:i]
			break
		}
		if l.kind == kMobile && text && ls[i-1].kind == kBlank && endsWriting(l.content) {
			// An app writes its line below what the person wrote;
			// what follows it is the message answered.
			ls = ls[:i]
			break
		}
		text = text || l.isText()
	}
	ls = trimDisclaimers(ls)
	if i := ruleSignatureStart(ls); i >= 0 {
		ls = ls[:i]
	}
	if i := officeSignatureStart(ls); i >= 0 {
		ls = trimDisclaimers(ls[:i])
	}
	end := len(ls)
	for end > 0 {
		k := ls[end-1].kind
		if k != kBlank && k != kSep && k != kMobile {
			break
		}
		end--
	}
	return ls[:end]
}

// render joins lines, dropping leading blank lines and trailing white space.
func render(ls []line) string {
	start := 0
	for start < len(ls) && ls[start].kind == kBlank {
		start++
	}
	var b strings.Builder
	for i := start; i < len(ls); i++ {
		if i > start {
			b.WriteByte('\n')
		}
		b.WriteString(strings.TrimRight(ls[i].raw, " \t\u00a0"))
	}
	return strings.TrimRight(b.String(), " \t\n\u00a0")
}
