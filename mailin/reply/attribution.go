package reply

import (
	"strings"
	"unicode"
)

// This file recognises the line, or the two to four wrapped lines, that a
// mail client writes above the message it quotes: "On <date>, <person>
// wrote:" and its translations, and the date-first forms of Gmail and
// Russian webmail. Recognition is by words, not by one regular expression
// per client, so that unseen variants of the same shape are found too.

// maxAttribution bounds the text of a joined attribution candidate.
const maxAttribution = 600

// maxAttributionLines is how many wrapped lines one attribution may take.
const maxAttributionLines = 4

// finalVerbs end an attribution: "... wrote:", "... escribió:". Folded.
var finalVerbs = map[string]bool{
	"wrote": true, "writes": true, "sent": true, "escribio": true,
	"escreveu": true, "ecrit": true, "scritto": true, "schrieb": true,
	"geschreven": true, "schreef": true, "skrev": true, "kirjoitti": true,
	"napisał": true, "napisała": true, "napisal": true, "napisala": true,
	"napsal": true, "написал": true, "написала": true, "пише": true,
	"написав": true, "yazdı": true, "scris": true, "irta": true,
	"εγραψε": true, "작성": true, "כתב": true, "כתבה": true, "כתב/ה": true, "said": true, "says": true, "geschrieben": true,
	"napisal(a)": true, "napisał(a)": true, "napisala(a)": true,
	"كتب": true, "كتبت": true, "pisze": true, "napisao": true, "написа": true,
	"написао": true, "rase": true, "rakstija": true, "kirjutas": true, "menulis": true,
	"viet": true, "نوشت": true, "लिखा": true,
}

// quotingWords start Horde's and webmail's "Quoting Ana <a@b.co>:",
// "Zitat von Ana <a@b.co>:". Folded.
var quotingWords = map[string]bool{"quoting": true, "citando": true, "zitat": true, "citation": true, "citazione": true}

// medialVerbs may also stand in the middle: "Am <date> schrieb <person>:".
var medialVerbs = map[string]bool{"schrieb": true, "schreef": true, "skrev": true}

// cjkVerbs end an attribution without a space before them.
var cjkVerbs = []string{"写道", "寫道", "書きました", "のメッセージ"}

// hasCJKVerb reports a line ending with a Chinese or Japanese reply verb.
func hasCJKVerb(s string) bool {
	s = strings.TrimRight(s, ":： ")
	for _, v := range cjkVerbs {
		if strings.HasSuffix(s, v) {
			return true
		}
	}
	return false
}

// introWords start an attribution: "On", "El", "Le", "Am", "Em", "Il",
// "Op", "Den", "Dnia", "W dniu", "På", "At", "在". Folded.
var introWords = map[string]bool{
	"on": true, "el": true, "le": true, "am": true, "em": true, "il": true,
	"op": true, "den": true, "dnia": true, "w": true, "pa": true, "at": true,
	"en": true, "в": true, "в,": true, "在": true, "the": true,
}

// weekdays, folded, in the languages whose clients put them first.
var weekdays = map[string]bool{
	"mon": true, "tue": true, "wed": true, "thu": true, "fri": true, "sat": true, "sun": true,
	"monday": true, "tuesday": true, "wednesday": true, "thursday": true,
	"friday": true, "saturday": true, "sunday": true,
	"lun": true, "mar": true, "mie": true, "jue": true, "vie": true, "sab": true, "dom": true,
	"lunes": true, "martes": true, "miercoles": true, "jueves": true,
	"viernes": true, "sabado": true, "domingo": true,
	"seg": true, "ter": true, "qua": true, "qui": true, "sex": true,
	"mo": true, "di": true, "mi": true, "do": true, "fr": true, "sa": true, "so": true,
	"понедельник": true, "вторник": true, "среда": true, "четверг": true,
	"пятница": true, "суббота": true, "воскресенье": true,
	"пн": true, "вт": true, "ср": true, "чт": true, "пт": true, "сб": true, "вс": true,
}

// strength orders how sure a match is.
type strength uint8

const (
	none   strength = iota
	weak            // "Bob wrote:" — believed only when a quote follows
	strong          // has a date, an address or a fixed marker
)

// trimDecor removes the rule characters and emphasis that clients put
// around markers: "---- On ... wrote ----", "*-------- Original Message --------*".
func trimDecor(s string) string {
	return strings.Trim(s, "-_=*~+#<>[]|()\" \t\u00a0")
}

// trimLeadDecor removes rule characters at the start only.
func trimLeadDecor(s string) string {
	return strings.TrimLeft(s, "-_=*~+# \t\u00a0")
}

// startsDateish reports a candidate that begins the way attributions do:
// with an intro word, a weekday or a digit.
func startsDateish(s string) bool {
	s = trimLeadDecor(s)
	if s == "" {
		return false
	}
	if r := firstRune(s); r >= '0' && r <= '9' || r == '在' {
		return true
	}
	ws := words(s)
	if len(ws) == 0 {
		return false
	}
	w := strings.TrimRight(fold(ws[0]), ".,:")
	return introWords[w] || weekdays[w]
}

// numericDate reports whether w is a date written with digits only:
// 2013/7/20, 2016-10-24, 26.06.2014, 4/4/12.
func numericDate(w string) bool {
	w = strings.TrimRight(w, ",")
	parts, seps := 0, 0
	digits := 0
	for i := 0; i < len(w); i++ {
		c := w[i]
		switch {
		case c >= '0' && c <= '9':
			if digits == 0 {
				parts++
			}
			digits++
			if digits > 4 {
				return false
			}
		case c == '/' || c == '-' || c == '.':
			if digits == 0 {
				return false
			}
			digits = 0
			seps++
		default:
			return false
		}
	}
	return parts == 3 && seps >= 2
}

// isClockTime reports hh:mm (no seconds).
func isClockTime(w string) bool {
	h, m, ok := strings.Cut(w, ":")
	return ok && len(h) >= 1 && len(h) <= 2 && len(m) == 2 && allDigits(h) && allDigits(m)
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// beforeParenthesis returns what comes before a parenthesis that ends s,
// "… ezt írta (időpont: …)", when there is something before it.
func beforeParenthesis(s string) (string, bool) {
	if !strings.HasSuffix(s, ")") {
		return "", false
	}
	open := strings.LastIndexByte(s, '(')
	if open <= 0 {
		return "", false
	}
	before := strings.TrimRight(s[:open], " \t\u00a0")
	return before, before != ""
}

// hasClockTime reports a word that is a time of day, "10:02" or "10:02,".
func hasClockTime(ws []string) bool {
	for _, w := range ws {
		if isClockTime(strings.TrimRight(w, ",.")) {
			return true
		}
	}
	return false
}

// fewWordsAfterAddress reports a candidate with an address in angle
// brackets followed by at most n words: "... <a@b.co> kirjoitti".
func fewWordsAfterAddress(s string, n int) bool {
	closeAt := strings.LastIndexByte(s, '>')
	if closeAt < 0 {
		return false
	}
	open := strings.LastIndexByte(s[:closeAt], '<')
	if open < 0 || !strings.Contains(s[open:closeAt], "@") {
		return false
	}
	return len(words(s[closeAt+1:])) <= n
}

// endsWithAddress reports a candidate whose last thing is "<address>",
// possibly followed by a colon.
func endsWithAddress(s string) bool {
	s = strings.TrimRight(s, ":： \t")
	if !strings.HasSuffix(s, ">") {
		return false
	}
	open := strings.LastIndexByte(s, '<')
	if open < 0 {
		return false
	}
	return hasEmail(s[open:]) || strings.Contains(s[open:], "@")
}

// articles start a noun phrase, not a name: "Der Lieferant schrieb:",
// "The error says:". Folded.
var articles = map[string]bool{
	"the": true, "a": true, "an": true, "el": true, "la": true, "los": true, "las": true,
	"un": true, "una": true, "der": true, "die": true, "das": true, "ein": true, "eine": true,
	"il": true, "lo": true, "le": true, "les": true, "o": true, "os": true, "as": true,
	"de": true, "het": true, "een": true, "this": true, "that": true, "my": true, "our": true,
	"mi": true, "su": true, "este": true, "esta": true, "ese": true, "esa": true,
}

// nameLinks may stand in lower case inside a name or between the name and
// its verb: "Ana de la Torre escribió:", "Ana ha scritto:", "Ana a écrit :".
var nameLinks = map[string]bool{
	"de": true, "del": true, "la": true, "las": true, "los": true, "y": true, "da": true,
	"do": true, "dos": true, "das": true, "di": true, "van": true, "von": true, "der": true,
	"den": true, "le": true, "du": true, "des": true, "e": true, "et": true, "und": true,
	"and": true, "via": true, "ha": true, "a": true, "hat": true, "heeft": true, "has": true,
	"har": true, "je": true, "on": true, "il": true,
}

// namesSomeone reports whether the words before a reply verb, with no
// date or address to vouch for them, name a sender: they start with a
// capital or an address-like word, the first is no article, and every
// word in lower case is a particle or an auxiliary. "Ana escribió:",
// "Mesa de Servicio OTI escribió:", "Ana ha scritto:"; not "Der
// Lieferant schrieb:", "El técnico escribió:", "The error says:".
func namesSomeone(ws []string) bool {
	if len(ws) == 0 || articles[fold(strings.Trim(ws[0], "\"'«»“”"))] {
		return false
	}
	for i, w := range ws {
		w = strings.Trim(w, "\"'«»“”()[]<>")
		if w == "" {
			continue
		}
		r := firstRune(w)
		switch {
		case unicode.IsUpper(r), unicode.IsDigit(r), strings.Contains(w, "@"):
		case !unicode.IsLower(r):
			// Scripts without case: Arabic, Hebrew, CJK names.
		case i > 0 && nameLinks[fold(w)]:
		default:
			return false
		}
	}
	return true
}

// attributionStrength judges one candidate: a single line or wrapped lines
// joined by spaces.
func attributionStrength(s string) strength {
	if len(s) > maxAttribution {
		return none
	}
	body := strings.TrimRight(s, " \t\u00a0")
	colon := false
	if strings.HasSuffix(body, ":") || strings.HasSuffix(body, "：") {
		colon = true
	}
	// "---- On <date> <person> wrote ----": rules may close the line.
	bare := strings.TrimRight(body, ":：-_=* \t\u00a0")
	decorated := bare != strings.TrimRight(body, ":： \t\u00a0")
	bare = strings.TrimSuffix(strings.TrimSuffix(bare, "(a)"), "(а)")

	if hasCJKVerb(bare) && (hasDigit(bare) || hasEmail(bare)) {
		return strong
	}

	ws := words(bare)
	if len(ws) == 0 {
		return none
	}
	last := fold(ws[len(ws)-1])
	if before, ok := beforeParenthesis(bare); ok {
		// Gmail in Hungarian: "Ana <a@b.hu> ezt írta (időpont: 2026.
		// dec. 3., Csü, 10:00):": the verb is before the date.
		if bw := words(before); len(bw) > 0 {
			last = fold(bw[len(bw)-1])
		}
	}
	email := hasEmail(bare)
	digit := hasDigit(bare)
	dateish := startsDateish(bare)

	if colon && email && quotingWords[fold(ws[0])] && len(ws) <= 8 {
		return strong
	}
	if finalVerbs[last] {
		switch {
		case email && (colon || dateish):
			return strong
		case digit && dateish && (colon || decorated):
			return strong
		case colon && last != "sent" && len(ws) >= 2 && len(ws) <= 6 && len(bare) <= 100 && namesSomeone(ws[:len(ws)-1]):
			return weak
		}
		return none
	}
	if colon {
		for i, w := range ws {
			f := fold(w)
			if medialVerbs[f] && (email || (digit && dateish)) {
				return strong
			}
			// "Ana Pérez/ENTIDAD escribió el 03/03/2025 10:02:",
			// "Bob wrote on 03/03/2025 10:02:" (Lotus Notes).
			if finalVerbs[f] && f != "sent" && i+1 < len(ws) && introWords[fold(ws[i+1])] &&
				hasDigit(strings.Join(ws[i+1:], " ")) {
				return strong
			}
		}
	}
	// Date first, address last: "2013/7/20 sam <info@x.org>",
	// "26.06.2014, 14:41, "Alexander L" <abc@example.com>:",
	// "Thu, 26 Jun 2014 14:00:51 +0400 от Alexander L <abc@example.com>:".
	if endsWithAddress(body) {
		if numericDate(ws[0]) {
			return strong
		}
		if colon && digit && (dateish || hasYear(bare)) {
			// "في الثلاثاء، 3 ديسمبر 2026 10:00 ص، كتب Ana <a@b.co>:":
			// a year and an address before the colon, in any language.
			return strong
		}
	}
	// "<date>, Ana <a@b.co> a scris:", in a language whose verb is in
	// no table: a date and an address, then one or two words before the
	// colon. Believed only when a quote follows.
	if colon && digit && (hasYear(bare) || hasClockTime(ws)) && fewWordsAfterAddress(bare, 2) {
		return weak
	}
	// Gmail: "2016-03-03 17:21 GMT+01:00 Some One".
	if len(ws) >= 4 && numericDate(ws[0]) && isClockTime(ws[1]) &&
		strings.HasPrefix(ws[2], "GMT") && len(bare) <= 160 {
		return strong
	}
	return none
}

// markerPhrases are whole-line markers above a quoted or forwarded message,
// once rules and emphasis around them are removed. Folded.
var markerPhrases = map[string]markerKind{
	"original message": mkOriginal, "mensaje original": mkOriginal,
	"message d'origine": mkOriginal, "message original": mkOriginal,
	"ursprungliche nachricht": mkOriginal, "originalnachricht": mkOriginal,
	"messaggio originale": mkOriginal, "mensagem original": mkOriginal,
	"oorspronkelijk bericht": mkOriginal, "oprindelig meddelelse": mkOriginal,
	"opprinnelig melding": mkOriginal, "ursprungligt meddelande": mkOriginal,
	"alkuperainen viesti": mkOriginal, "wiadomosc oryginalna": mkOriginal,
	"исходное сообщение": mkOriginal, "reply message": mkOriginal,
	"antwort nachricht": mkOriginal, "original email": mkOriginal,

	"forwarded message": mkForward, "forwarded email": mkForward,
	"mensaje reenviado": mkForward, "correo reenviado": mkForward,
	"message transfere": mkForward, "weitergeleitete nachricht": mkForward,
	"messaggio inoltrato": mkForward, "mensagem encaminhada": mkForward,
	"doorgestuurd bericht": mkForward, "videresendt besked": mkForward,
	"videresendt melding": mkForward, "vidarebefordrat meddelande": mkForward,
	"пересылаемое сообщение": mkForward, "переадресованное сообщение": mkForward,
	"begin forwarded message": mkForward, "inicio del mensaje reenviado": mkForward,
	"comienzo del mensaje reenviado":        mkForward,
	"inicio da mensagem reencaminhada":      mkForward,
	"debut du message reexpedie":            mkForward,
	"anfang der weitergeleiteten nachricht": mkForward,
	"inizio messaggio inoltrato":            mkForward,
}

// originalWords and forwardWords say "original" and "forwarded" in the
// languages whose clients write "-------- Oprindelig besked --------",
// "----- Ursprüngliche Mail -----" or "----- Message transféré -----".
// Folded.
var originalWords = map[string]bool{
	"original": true, "originale": true, "origine": true, "ursprungliche": true,
	"oprindelig": true, "opprinnelig": true, "ursprungligt": true, "ursprungliga": true,
	"alkuperainen": true, "oryginalna": true, "oorspronkelijk": true, "oorspronkelijke": true,
	"originalni": true, "puvodni": true, "eredeti": true, "orijinal": true, "originala": true,
	"исходное": true, "оригинальное": true, "первоначальное": true, "原始邮件": true, "原始郵件": true,
}

var forwardWords = map[string]bool{
	"forwarded": true, "reenviado": true, "transfere": true, "weitergeleitete": true,
	"inoltrato": true, "encaminhada": true, "reencaminhada": true, "doorgestuurd": true,
	"videresendt": true, "vidarebefordrat": true, "edelleenlahetetty": true,
	"przekazana": true, "preposlana": true, "reexpedie": true, "weitergeleiteten": true,
	"reenviada": true, "encaminhado": true, "inoltrata": true, "пересылаемое": true, "пересланное": true,
	"переадресованное": true, "转发邮件": true, "轉寄郵件": true,
}

// beginWords and messageWords start an unframed forward marker:
// "Inicio del mensaje reenviado:", "Mensagem encaminhada:". Folded.
var beginWords = map[string]bool{
	"begin": true, "inicio": true, "comienzo": true, "debut": true, "anfang": true,
	"inizio": true, "start": true,
}

var messageWords = map[string]bool{
	"message": true, "mensaje": true, "mensagem": true, "nachricht": true,
	"messaggio": true, "bericht": true, "correo": true, "email": true, "e-mail": true,
	"mail": true, "courriel": true,
}

// markerLineKind recognises "-----Mensaje original-----", "Begin forwarded
// message:" and the like, or returns mkNone: one of markerPhrases, or a
// line framed by rules of a few words among which "original" or
// "forwarded" in some language.
func markerLineKind(content string) markerKind {
	if len(content) > 120 {
		return mkNone
	}
	s := strings.TrimRight(trimDecor(content), ":： ")
	s = trimDecor(s)
	if k := markerPhrases[fold(s)]; k != mkNone {
		return k
	}
	framed := strings.HasPrefix(content, "--") || strings.HasPrefix(content, "==") || strings.HasPrefix(content, "__")
	// Apple Mail's "Início da mensagem encaminhada:" is not framed but
	// ends with a colon.
	colon := strings.HasSuffix(strings.TrimRight(content, " \t"), ":") || strings.HasSuffix(content, "：")
	if !framed && !colon {
		return mkNone
	}
	ws := words(fold(s))
	if len(ws) == 0 || len(ws) > 5 {
		return mkNone
	}
	if !framed {
		// It starts like one: "Início …", "Mensaje …", "Forwarded …";
		// not "Adjunto el correo reenviado:".
		if !beginWords[ws[0]] && !messageWords[ws[0]] && !forwardWords[ws[0]] {
			return mkNone
		}
		for _, w := range ws {
			if forwardWords[w] {
				return mkForward
			}
		}
		return mkNone
	}
	for _, w := range ws {
		switch {
		case originalWords[w]:
			return mkOriginal
		case forwardWords[w]:
			return mkForward
		}
	}
	return mkNone
}
