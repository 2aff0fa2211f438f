package reply

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file recognises the block of message headers that Outlook and other
// clients write above a quoted or forwarded message:
//
//	De: Soporte OTI <soporte@entidad.gov.co>
//	Enviado: lunes, 3 de marzo de 2025 10:02
//	Para: Ana <ana@entidad.gov.co>
//	Asunto: [#123] Impresora

// headerClass groups the header names of many languages by meaning.
type headerClass uint8

const (
	hNone headerClass = iota
	hFrom
	hDate // Date, Sent
	hTo
	hCc
	hSubject
	hReplyTo
)

// headerNames maps folded header names to their meaning.
var headerNames = map[string]headerClass{
	// From
	"from": hFrom, "de": hFrom, "von": hFrom, "da": hFrom, "fran": hFrom,
	"fra": hFrom, "от": hFrom, "od": hFrom, "van": hFrom, "lahettaja": hFrom,
	"felado": hFrom, "kimden": hFrom, "发件人": hFrom, "寄件者": hFrom,
	"差出人": hFrom, "remitente": hFrom, "sender": hFrom, "de la": hFrom,
	"salje": hFrom, "dari": hFrom, "від": hFrom, "απο": hFrom, "보낸 사람": hFrom,
	"من": hFrom, "المرسل": hFrom,
	// Date, Sent
	"date": hDate, "sent": hDate, "enviado": hDate, "enviado el": hDate,
	"fecha": hDate, "gesendet": hDate, "datum": hDate, "envoye": hDate,
	"envoye le": hDate, "inviato": hDate, "data": hDate, "skickat": hDate,
	"sendt": hDate, "отправлено": hDate, "дата": hDate, "verzonden": hDate,
	"verstuurd": hDate, "wysłano": hDate, "wyslano": hDate, "lahetetty": hDate,
	"发送时间": hDate, "日期": hDate, "送信日時": hDate, "tarih": hDate,
	"sent date": hDate, "odeslano": hDate, "odoslane": hDate, "trimis": hDate,
	"poslano": hDate, "dikirim": hDate, "enviat": hDate, "надіслано": hDate,
	"σταλθηκε": hDate, "보낸 날짜": hDate, "gonderildi": hDate, "gonderilme tarihi": hDate,
	"تاريخ الارسال": hDate, "التاريخ": hDate, "ارسل": hDate,
	"message du": hDate, "envoye par": hFrom, "expediteur": hFrom,
	// To
	"to": hTo, "para": hTo, "an": hTo, "a": hTo, "till": hTo, "til": hTo,
	"aan": hTo, "кому": hTo, "do": hTo, "vastaanottaja": hTo, "cimzett": hTo,
	"kime": hTo, "收件人": hTo, "宛先": hTo, "destinatario": hTo,
	"destinatarios": hTo, "komu": hTo, "catre": hTo, "prima": hTo, "kepada": hTo,
	"per a": hTo, "προς": hTo, "받는 사람": hTo, "الى": hTo,
	// Cc
	"cc": hCc, "cco": hCc, "bcc": hCc, "kopie": hCc, "копия": hCc, "kopia": hCc,
	"抄送": hCc, "dw": hCc, "kopija": hCc, "نسخة": hCc, "copie a": hCc, "copie": hCc,
	// Subject
	"subject": hSubject, "asunto": hSubject, "betreff": hSubject,
	"objet": hSubject, "oggetto": hSubject, "amne": hSubject, "emne": hSubject,
	"onderwerp": hSubject, "assunto": hSubject, "тема": hSubject,
	"temat": hSubject, "aihe": hSubject, "targy": hSubject,
	"konu": hSubject, "主题": hSubject, "主旨": hSubject, "件名": hSubject,
	"predmet": hSubject, "subiect": hSubject, "perihal": hSubject, "subjek": hSubject,
	"sujet": hSubject, "assumpte": hSubject, "θεμα": hSubject, "제목": hSubject, "الموضوع": hSubject,
	// Reply-To
	"reply-to": hReplyTo, "responder a": hReplyTo, "risposta": hReplyTo,
	"antwort an": hReplyTo, "repondre a": hReplyTo,
}

// headerOf returns the meaning of a header line "Name: value", or hNone.
// The name may be in bold ("*From:*") and French spacing ("De :") is
// accepted.
func headerOf(content string) headerClass {
	s := strings.TrimLeft(content, "*_ \t")
	i := strings.IndexAny(s, ":：")
	if i <= 0 || i > 40 {
		return hNone
	}
	name := strings.TrimRight(s[:i], "*_ \t\u00a0")
	if name == "" {
		return hNone
	}
	c := headerNames[fold(name)]
	if c != hCc && unicode.IsLower(firstRune(name)) {
		// Clients write "De:", "From:"; "de: servidor antiguo" is
		// someone's note.
		return hNone
	}
	return c
}

// maxHeaderBlock bounds the lines one header block may take.
const maxHeaderBlock = 16

// headerBlock returns the end (exclusive) of a block of quoted-message
// headers starting at ls[i], or 0 when there is none. A block has at least
// two different headers, one of them the sender or the date, and no more
// than two wrapped lines in a row. All its lines are quoted or none is.
func headerBlock(ls []line, i int) int {
	if !isHeaderLine(ls[i]) {
		return 0
	}
	if joinedHeaders(ls[i].content) {
		return i + 1
	}
	quoted := ls[i].kind == kQuote
	seen := map[headerClass]bool{}
	end := 0
	cont := 0
	blanks := 0
	timed, address := false, false
	for j := i; j < len(ls) && j < i+maxHeaderBlock; j++ {
		l := ls[j]
		if l.kind == kBlank {
			blanks++
			if blanks > 1 {
				break
			}
			continue
		}
		if (l.kind == kQuote) != quoted {
			break
		}
		if l.kind == kQuote && l.content == "" {
			blanks++
			if blanks > 1 {
				break
			}
			continue
		}
		if c := headerOf(l.content); c != hNone && !seen[c] {
			seen[c] = true
			end = j + 1
			cont, blanks = 0, 0
			if c == hDate && hasClock(l.content) {
				timed = true
			}
			address = address || strings.Contains(l.content, "@")
			continue
		}
		if blanks > 0 {
			break
		}
		cont++
		if cont > 2 {
			break
		}
	}
	if len(seen) < 2 {
		return 0
	}
	switch {
	case seen[hFrom] && (seen[hDate] || seen[hSubject] || seen[hCc]):
		return end
	case seen[hFrom] && seen[hTo]:
		// Only sender and addressee: an address says it is mail, not
		// "De: bodega / Para: oficina".
		if address {
			return end
		}
	case seen[hDate] && seen[hTo]:
		// No sender: the date must be a message's, with its time, or a
		// subject must follow; not "Fecha: 4 de diciembre / Para: la
		// doctora Ruiz".
		if timed || seen[hSubject] {
			return end
		}
	}
	return 0
}

// joinedHeaders reports a header block joined on one line, as some
// HTML-to-text conversions write Outlook's: "De: Soporte <s@x.co> Enviado:
// jueves, 3 de diciembre de 2026 10:15 Para: Ana <a@x.co> Asunto: RE: …".
// It starts with the sender and names, further on, the date and the
// addressee or the subject, each as a capitalised name of one or two
// words before a colon; and it holds an address or a time of day, so
// that "De: bodega, Para: oficina 302, Fecha: mañana" stays.
func joinedHeaders(s string) bool {
	if headerOf(s) != hFrom {
		return false
	}
	seen := map[headerClass]bool{}
	for i := 0; i < len(s); i++ {
		if s[i] != ':' {
			continue
		}
		if c := labelBefore(s[:i]); c != hNone && c != hFrom {
			seen[c] = true
		}
	}
	if !seen[hDate] || !seen[hTo] && !seen[hSubject] {
		return false
	}
	return strings.Contains(s, "@") || hasClock(s)
}

// labelBefore returns the meaning of the header name of one or two words
// that ends s ("… Enviado el", "… Para"), or hNone. Only the last 40
// bytes are looked at, so that a line of many colons costs little.
func labelBefore(s string) headerClass {
	s = strings.TrimRight(capTail(s, 40), " \u00a0*")
	j := strings.LastIndexByte(s, ' ')
	if j > 0 {
		k := strings.LastIndexByte(s[:j], ' ')
		if c := headerOf(s[k+1:] + ":"); c != hNone {
			return c
		}
	}
	return headerOf(s[j+1:] + ":")
}

// capTail returns at most the last n bytes of s, cut on a rune boundary.
func capTail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[len(s)-n:]
	for len(s) > 0 && !utf8.RuneStart(s[0]) {
		s = s[1:]
	}
	return s
}

// hasClock reports a time of day "10:02" in a header line's value.
func hasClock(s string) bool {
	_, v, _ := strings.Cut(s, ":")
	for i := 1; i+2 < len(v); i++ {
		if v[i] == ':' && isDigitByte(v[i-1]) && isDigitByte(v[i+1]) && isDigitByte(v[i+2]) {
			return true
		}
	}
	return false
}

func isHeaderLine(l line) bool {
	if l.kind != kText && l.kind != kQuote {
		return false
	}
	return headerOf(l.content) != hNone
}

// bareHeaderBlock returns the end (exclusive) of a block of header names
// on lines of their own, each above its value, as Lotus Notes lays out
// the message it quotes, or 0:
//
//	Para
//	Germán Ospina <gospina@example.gov.co>
//	cc
//	Asunto
//	[OTI-1090] Cambio de equipo
//
// It starts at ls[i], a name alone, and needs three different names, one
// of them the subject, with at most two lines of value after each and an
// address among the values: a list of form fields is no header block.
func bareHeaderBlock(ls []line, i int) int {
	if bareHeader(ls[i]) == hNone {
		return 0
	}
	seen := map[headerClass]bool{}
	end, values, blanks := 0, 0, 0
	address := false
	for j := i; j < len(ls) && j < i+maxHeaderBlock; j++ {
		l := ls[j]
		if l.kind == kBlank {
			blanks++
			if blanks > 1 {
				break
			}
			continue
		}
		blanks = 0
		if l.kind != kText {
			break
		}
		if c := bareHeader(l); c != hNone && !seen[c] {
			seen[c] = true
			values = 0
			end = j + 1
			continue
		}
		values++
		if values > 2 {
			break
		}
		address = address || strings.Contains(l.content, "@")
		end = j + 1
	}
	if len(seen) < 3 || !seen[hSubject] || !address {
		return 0
	}
	return end
}

// bareHeader returns the meaning of a line that is only a header name,
// without a colon ("Asunto", "cc"), or hNone. One-letter names are words.
func bareHeader(l line) headerClass {
	if l.kind != kText || len(l.content) < 2 || len(l.content) > 30 {
		return hNone
	}
	return headerNames[fold(l.content)]
}

// senderAbove returns where the sender and date lines that Lotus Notes
// writes above a bare header block starting at ls[i] begin: up to two
// lines that hold an address or a date, with blank lines between.
func senderAbove(ls []line, i int) int {
	start := i
	taken := 0
	for j := i - 1; j >= 0 && j >= i-6 && taken < 2; j-- {
		l := ls[j]
		if l.kind == kBlank {
			continue
		}
		if l.kind != kText || !(hasEmail(l.content) || hasDigit(l.content) && (hasYear(l.content) || hasDateSlash(l.content))) {
			break
		}
		start = j
		taken++
	}
	return start
}

// hasDateSlash reports a numeric date with slashes: "02/12/2026", "2/12/26".
func hasDateSlash(s string) bool {
	for _, w := range strings.Fields(s) {
		if numericDate(w) {
			return true
		}
	}
	return false
}
