package reply

import (
	"strings"
	"unicode"
)

// This file recognises the notices that an organisation's mail server or
// template appends below what the person wrote: "AVISO DE
// CONFIDENCIALIDAD: este mensaje es para uso exclusivo de su
// destinatario…", "Please consider the environment before printing this
// email", and the blocks that add-ons append ("Libre de virus.
// www.avast.com", "Remitente notificado con Mailtrack"). A notice is no
// one's comment on a ticket and must not go out in notifications.
//
// A notice is recognised by the ideas it states, not by its phrases: the
// folded words of a paragraph are matched against word stems grouped by
// idea, in several languages. A notice says three of confidentiality, the
// addressee, a legal notice and what is forbidden, or two when it begins
// by naming one of them ("AVISO DE CONFIDENCIALIDAD: … destinatario"); or
// it asks to think of the environment before printing. "El informe es
// confidencial, no lo impriman" and "No imprime en el ambiente de
// pruebas" stay.

// disclaimerIdea is one thing notices say.
type disclaimerIdea uint8

const (
	dNone disclaimerIdea = iota
	dConfidential
	dAddressee
	dPrint
	dEnvironment
	dNotice
	dForbidden
	dBefore // "before" printing
	dData   // personal data and its protection
	dLaw    // a law or decree cited
	dError  // received in error
	dIdeas  // count
)

// disclaimerStems maps folded word beginnings to the idea they carry.
var disclaimerStems = []struct {
	stem string
	idea disclaimerIdea
}{
	{"confiden", dConfidential}, {"vertraulich", dConfidential}, {"riservat", dConfidential},
	{"vertrouwelijk", dConfidential}, {"poufn", dConfidential}, {"конфиденц", dConfidential},
	{"privilegi", dConfidential}, {"reservad", dConfidential}, {"sigilo", dConfidential},
	{"gizli", dConfidential},

	{"destinatari", dAddressee}, {"destinatair", dAddressee}, {"recipient", dAddressee}, {"addressee", dAddressee},
	{"empfanger", dAddressee}, {"adressat", dAddressee}, {"geadresseerde", dAddressee},
	{"adresat", dAddressee}, {"адресат", dAddressee}, {"intended", dAddressee},
	{"alici", dAddressee},

	{"imprim", dPrint}, {"print", dPrint}, {"druck", dPrint}, {"ausdruck", dPrint},
	{"stampa", dPrint}, {"afdruk", dPrint}, {"drukow", dPrint},
	{"печат", dPrint}, {"yazdir", dPrint},

	{"ambient", dEnvironment}, {"environment", dEnvironment}, {"environnement", dEnvironment},
	{"umwelt", dEnvironment}, {"milieu", dEnvironment}, {"srodowisk", dEnvironment},
	{"природ", dEnvironment}, {"cevre", dEnvironment},

	{"aviso", dNotice}, {"disclaimer", dNotice}, {"notice", dNotice}, {"avertissement", dNotice},
	{"hinweis", dNotice}, {"avviso", dNotice}, {"advertencia", dNotice}, {"clausula", dNotice},
	{"exencion", dNotice}, {"isencao", dNotice}, {"haftungsausschluss", dNotice},
	{"uwaga", dNotice}, {"уведомлен", dNotice}, {"nota legal", dNotice},

	{"prohib", dForbidden}, {"unauthori", dForbidden}, {"autorizac", dForbidden},
	{"interdit", dForbidden}, {"verboten", dForbidden}, {"untersagt", dForbidden},
	{"vietat", dForbidden}, {"proibid", dForbidden}, {"verbod", dForbidden},
	{"zabronion", dForbidden}, {"запрещ", dForbidden}, {"yasak", dForbidden},
	{"unerlaubt", dForbidden}, {"unbefugt", dForbidden}, {"autorizad", dForbidden},
	{"divulg", dForbidden}, {"diffusion", dForbidden}, {"disclos", dForbidden}, {"weitergabe", dForbidden},

	{"antes", dBefore}, {"before", dBefore}, {"avant", dBefore}, {"vor", dBefore},
	{"prima", dBefore}, {"voordat", dBefore}, {"alvorens", dBefore}, {"zanim", dBefore},
	{"перед", dBefore}, {"once", dBefore}, {"bevor", dBefore}, {"voor", dBefore},
	{"przed", dBefore}, {"innan", dBefore}, {"ennen", dBefore},

	{"habeas", dData}, {"datenschutz", dData}, {"gdpr", dData}, {"rgpd", dData},
	{"lgpd", dData}, {"dsgvo", dData}, {"persoonsgegeven", dData}, {"personenbezogen", dData},

	{"decreto", dLaw}, {"decret", dLaw}, {"gesetz", dLaw}, {"regulation", dLaw},
	{"reglament", dLaw}, {"regolament", dLaw}, {"verordnung", dLaw}, {"ustaw", dLaw},
	{"закон", dLaw},
}

// errorWords say "in error" after one of errorPreps ("por error", "par
// erreur", "in error", "by mistake", "por engano"), or alone
// ("irrtümlich", "erróneamente", "omyłkowo"). Folded.
var (
	errorWords = map[string]bool{
		"error": true, "erreur": true, "errore": true, "erro": true, "engano": true,
		"mistake": true, "vergissing": true, "ошибке": true,
	}
	errorPreps = map[string]bool{
		"por": true, "par": true, "in": true, "per": true, "by": true, "em": true, "по": true,
	}
	errorAlone = []string{"irrtumlich", "falschlich", "erroneamente", "omylkow", "erronea"}
	// ifWords: a notice puts it as a condition, "if you received it in
	// error"; "Me llegó por error un correo confidencial" reports a fact.
	ifWords = map[string]bool{
		"si": true, "if": true, "wenn": true, "falls": true, "se": true, "als": true,
		"indien": true, "jesli": true, "jezeli": true, "если": true, "eger": true,
	}
)

// inError reports the idea "received in error" at ws[i].
func inError(ws []string, i int) bool {
	if i > 0 && errorWords[ws[i]] && errorPreps[ws[i-1]] {
		return true
	}
	return hasAnyPrefix(ws[i], errorAlone)
}

// lawWords name a law, matched whole: "Ley 1581 de 2012", "Lei 13.709",
// "loi", "legge", "law", "wet". Folded.
var lawWords = map[string]bool{
	"ley": true, "lei": true, "loi": true, "legge": true, "law": true, "wet": true,
}

// dataWords and personWords make the idea of personal data when one
// follows the other: "datos personales", "dados pessoais", "données
// personnelles", "dati personali", "personal data". Folded beginnings.
var (
	dataWords   = []string{"dato", "dado", "donnee", "dati", "data", "daten"}
	personWords = []string{"person", "pessoa"}
)

// personalData reports the idea of personal data at ws[i]: a data word
// and a person word next to each other, in either order.
func personalData(ws []string, i int) bool {
	if i+1 >= len(ws) {
		return false
	}
	a, b := ws[i], ws[i+1]
	return hasAnyPrefix(a, dataWords) && hasAnyPrefix(b, personWords) ||
		hasAnyPrefix(a, personWords) && hasAnyPrefix(b, dataWords)
}

// hasAnyPrefix reports whether w starts with one of ps.
func hasAnyPrefix(w string, ps []string) bool {
	for _, p := range ps {
		if strings.HasPrefix(w, p) {
			return true
		}
	}
	return false
}

// disclaimerInfixes are the ideas of notices in scripts whose words are
// not separated (Chinese, Japanese) or carry their prefixes glued on
// (Arabic "ويحظر", "and it is forbidden"), matched inside the folded text.
var disclaimerInfixes = func() []struct {
	word string
	idea disclaimerIdea
} {
	t := []struct {
		word string
		idea disclaimerIdea
	}{
		{"机密", dConfidential}, {"保密", dConfidential}, {"機密", dConfidential}, {"秘密", dConfidential},
		{"收件人", dAddressee}, {"受信者", dAddressee}, {"宛先", dAddressee},
		{"打印", dPrint}, {"印刷", dPrint}, {"环保", dEnvironment}, {"環境", dEnvironment}, {"环境", dEnvironment},
		{"禁止", dForbidden}, {"免责", dNotice}, {"免責", dNotice},
		{"سرية", dConfidential}, {"المرسل إليه", dAddressee}, {"المستلم", dAddressee},
		{"يحظر", dForbidden}, {"محظور", dForbidden}, {"إخلاء مسؤولية", dNotice},
		{"طباعة", dPrint}, {"البيئة", dEnvironment},
	}
	for i := range t {
		t[i].word = fold(t[i].word)
	}
	return t
}()

// beyondLatin reports a rune of Arabic or a later block, where
// disclaimerInfixes apply.
func beyondLatin(s string) bool {
	for _, r := range s {
		if r >= 0x0600 {
			return true
		}
	}
	return false
}

// toolStems are the ideas of the blocks that add-ons append to a message:
// an antivirus vouching for it ("Libre de virus. www.avast.com"), a
// tracker saying the sender was notified ("Remitente notificado con
// Mailtrack"). Folded word beginnings.
var toolStems = []string{
	"virus", "viren", "antivirus", "malware",
	// from firstTrackerStem on: a tracker's ideas
	"notificad", "notified", "notifie", "benachrichtig", "tracked", "rastread", "mailtrack",
}

// firstTrackerStem is the index of the first tracker stem in toolStems.
const firstTrackerStem = 4

// maxToolWords bounds the words, links aside, of a tool's block.
const maxToolWords = 20

// isToolBlock reports a paragraph that an add-on appended: a tracking
// link (with "utm_" parameters or a "sig-email" path, as the add-ons
// write theirs), an antivirus or tracker idea, and hardly any other text.
// "El equipo está libre de virus" has no tracking link, and "Este es el
// enlace: https://…?utm_source=…" no such idea.
//
// Without a tracking link, the block must show it in another way: its
// site stands apart at its end, after a sentence ("Libre de virus.
// www.avast.com"), or it says two of those ideas in a few words
// ("Remitente notificado con Mailtrack 03/12/26, 10:15"). "Lo revisé con
// el antivirus de www.example.gov.co" names its site inside the sentence.
func isToolBlock(text string) bool {
	tracking := strings.Contains(text, "utm_") || strings.Contains(text, "sig-email")
	if !tracking && !siteApart(text) && len(text) > 200 {
		return false
	}
	ws := strings.FieldsFunc(fold(stripLinks(text)), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	if len(ws) > maxToolWords*2 {
		return false
	}
	idea, tracker := false, map[string]bool{}
	n := 0
	for _, w := range ws {
		if len(w) > 1 && !allDigits(w) {
			n++
		}
		for i, s := range toolStems {
			if strings.HasPrefix(w, s) {
				idea = true
				if i >= firstTrackerStem {
					tracker[s] = true
				}
			}
		}
	}
	switch {
	case !idea || n > maxToolWords:
		return false
	case tracking:
		return true
	case siteApart(text) && (n <= 6 || scannedMessage(ws)):
		// "Libre de virus. www.avast.com"; not "Les comparto la alerta
		// sobre el virus informático. https://www.example.gov.co/alerta".
		return true
	case len(tracker) == 0 && scannedMessage(ws):
		// "Este mensaje ha sido analizado por ESET NOD32 Antivirus y se
		// considera libre de virus": the scanner speaks of the message.
		return true
	}
	// "Remitente notificado con Mailtrack": the tracker says both what
	// it did and its name, on one line that is no sentence.
	return len(tracker) >= 2 && n <= maxToolWords/2 && !sentenceEnd(strings.TrimSpace(text))
}

// scanStems say that something was checked: "scanned", "analizado",
// "verificado", "geprüft". Folded word beginnings.
var scanStems = []string{
	"scan", "escane", "analiz", "analys", "analis", "verific", "comprob", "gepruft", "uberpruft",
	"controll", "checked", "gecontroleerd", "sprawdz",
}

// scannedMessage reports folded words that say that the message itself
// was scanned: a word for the message and a word for checking, besides
// the antivirus idea. "Creo que mi equipo tiene un virus" names no
// message; "Recuerde actualizar el antivirus" checks nothing.
func scannedMessage(ws []string) bool {
	message, scanned := false, false
	for _, w := range ws {
		message = message || messageWords[w]
		for _, s := range scanStems {
			if strings.HasPrefix(w, s) {
				scanned = true
			}
		}
	}
	return message && scanned
}

// siteApart reports a paragraph that ends with a web address standing on
// its own after a sentence: "… Avast. www.avast.com".
func siteApart(text string) bool {
	ws := strings.Fields(text)
	if len(ws) < 2 {
		return false
	}
	last := strings.ToLower(strings.Trim(ws[len(ws)-1], "<>()[]"))
	if !strings.HasPrefix(last, "www.") && !strings.Contains(last, "://") {
		return false
	}
	return sentenceEnd(ws[len(ws)-2])
}

// maxDisclaimer bounds the bytes of a paragraph examined as a notice.
const maxDisclaimer = 3000

// isDisclaimer reports whether the text of a paragraph is a notice.
func isDisclaimer(text string) bool {
	if len(text) > maxDisclaimer {
		return false
	}
	var seen [dIdeas]bool
	first := dNone
	folded := fold(text)
	ws := strings.FieldsFunc(folded, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	message, cond := false, false
	for i, w := range ws {
		message = message || messageWords[w]
		cond = cond || ifWords[w]
		if lawWords[w] {
			seen[dLaw] = true
		}
		if personalData(ws, i) {
			seen[dData] = true
		}
		if inError(ws, i) {
			seen[dError] = true
		}
		for _, s := range disclaimerStems {
			if w == s.stem || s.idea != dBefore && strings.HasPrefix(w, s.stem) {
				seen[s.idea] = true
				if i < 2 && first == dNone {
					first = s.idea
				}
				break
			}
		}
	}
	if beyondLatin(text) {
		for _, c := range disclaimerInfixes {
			if strings.Contains(folded, c.word) {
				seen[c.idea] = true
			}
		}
	}
	seen[dError] = seen[dError] && cond
	if seen[dPrint] && seen[dEnvironment] && seen[dBefore] {
		// "Antes de imprimir, piense en el medio ambiente"; not "No
		// imprime en el ambiente de pruebas".
		return true
	}
	n := 0
	for _, d := range []disclaimerIdea{dConfidential, dAddressee, dNotice, dForbidden, dError} {
		if seen[d] {
			n++
		}
	}
	if n >= 3 || n == 2 && (first == dNotice || first == dConfidential) {
		return true
	}
	// A data-protection notice ("De conformidad con la Ley 1581 de 2012,
	// sus datos personales serán tratados…") cites a law about personal
	// data and speaks of the message it is appended to; "El aviso de la
	// ley 1581 sobre datos personales no sale en el formulario" speaks of
	// no message.
	return seen[dData] && seen[dLaw] && message && n >= 1
}

// trimDisclaimers removes the notices and add-on blocks that end ls,
// paragraph by paragraph, when something the person wrote stays above
// them.
func trimDisclaimers(ls []line) []line {
	first := 0 // the first line the person wrote
	for first < len(ls) && !ls[first].isText() {
		first++
	}
	for {
		end := len(ls)
		for end > 0 && (ls[end-1].kind == kBlank || ls[end-1].kind == kSep) {
			end--
		}
		start := end
		size := 0
		for start > 0 && ls[start-1].kind == kText && size <= maxDisclaimer {
			start--
			size += len(ls[start].content) + 1
		}
		if start == end || size > maxDisclaimer || start <= first {
			return ls
		}
		var b strings.Builder
		for _, l := range ls[start:end] {
			b.WriteString(l.content)
			b.WriteByte(' ')
		}
		if t := b.String(); !isDisclaimer(t) && !isToolBlock(t) {
			return ls
		}
		ls = ls[:start]
	}
}
