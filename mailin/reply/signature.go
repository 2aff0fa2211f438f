package reply

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file recognises signatures that the person did not write: the line
// a phone or webmail app appends ("Enviado desde mi iPhone", "Get Outlook
// for Android", "<<sent by galaxy>>", "发自我的iPhone"), and a block of
// contact lines below a rule ("__", "—————") at the end of the message.
//
// A device line is recognised by its shape, not by a list of whole
// phrases: a few words, no sentence, that say "sent from/with", "get" or
// "from" and name a device or an app, in any of the languages below. The
// words are folded (lower case, no accents).

// maxDeviceWords is the most words a device signature has; past
// maxLooseDeviceWords it must start with "sent" and end with the device
// ("Sent via the Samsung Galaxy S21 5G, an AT&T 5G smartphone").
const (
	maxDeviceWords      = 12
	maxLooseDeviceWords = 8
)

// sentVerbs say that a message was sent: "Sent from", "Enviado desde".
var sentVerbs = map[string]bool{
	"sent": true, "enviado": true, "enviada": true, "envoye": true, "envoyee": true,
	"gesendet": true, "verschickt": true, "inviato": true, "inviata": true,
	"verzonden": true, "verstuurd": true, "sendt": true, "skickat": true,
	"lahetetty": true, "wyslane": true, "wysłane": true, "wysłano": true,
	"odeslano": true, "poslano": true, "trimis": true,
	"gonderildi": true, "отправлено": true, "надіслано": true, "posted": true,
	"dikirim": true, "gui": true, "σταλθηκε": true, "נשלח": true, "ارسلت": true,
	"مرسل": true, "kuldve": true, "भजा": true, "poslato": true, "saadetud": true,
	"nosutits": true, "issiusta": true,
}

// fromWords introduce the device or app: "from", "desde", "von", "via".
var fromWords = map[string]bool{
	"from": true, "by": true, "via": true, "with": true, "using": true, "on": true,
	"desde": true, "de": true, "del": true, "con": true, "por": true, "mediante": true,
	"do": true, "da": true, "dal": true, "dalla": true, "com": true, "pelo": true, "pela": true,
	"depuis": true, "avec": true, "par": true, "von": true, "vom": true, "mit": true,
	"uber": true, "van": true, "vanaf": true, "met": true, "fra": true,
	"fran": true, "med": true, "z": true, "ze": true, "с": true, "из": true,
	"со": true, "із": true, "з": true, "through": true, "traves": true, "tramite": true,
	"απο": true, "tu": true, "dari": true, "من": true, "מה": true, "מ": true, "pe": true,
	"s": true, "iz": true, "स": true, "partir": true,
}

// getVerbs invite to install an app: "Get Outlook for iOS".
var getVerbs = map[string]bool{
	"get": true, "download": true, "obtener": true, "obtenga": true, "obten": true,
	"descargar": true, "descarga": true, "descargue": true, "baixe": true,
	"baixar": true, "obter": true, "obtenha": true, "telecharger": true,
	"telechargez": true, "scarica": true, "scaricare": true, "holen": true,
	"herunterladen": true, "beziehen": true, "downloaden": true, "hamta": true,
	"hent": true, "pobierz": true, "скачать": true, "скачаите": true, "получить": true,
	"obtenir": true, "ottieni": true, "ottenere": true, "hol": true, "consigue": true,
	"descargate": true, "indir": true, "stahnout": true, "letoltes": true,
}

// possessives follow "sent from": "Sent from my …", "Enviado desde mi …".
var possessives = map[string]bool{
	"my": true, "mi": true, "meu": true, "minha": true, "mon": true, "ma": true,
	"meinem": true, "meiner": true, "mijn": true, "min": true, "mitt": true,
	"mio": true, "mia": true, "mojego": true, "mojej": true, "моего": true, "моеи": true,
}

// instrumentWords say through what a message went, never by whom: "Sent
// via Superhuman".
var instrumentWords = map[string]bool{"via": true, "using": true, "through": true}

// indefinites are the indefinite articles after "sent from": "Sent from
// a …".
var indefinites = map[string]bool{"a": true, "an": true}

// appWords name mail apps and platformWords the systems they run on, for
// the line an app writes about itself: "Outlook para Android".
var appWords = map[string]bool{
	"outlook": true, "gmail": true, "yahoo": true, "aol": true, "proton": true,
	"protonmail": true, "spark": true, "bluemail": true, "edison": true, "mail": true,
}

var platformWords = map[string]bool{
	"ios": true, "android": true, "iphone": true, "ipad": true, "windows": true,
	"mac": true, "macos": true,
}

// deviceWords name phones, tablets, mail apps and "phone", "mobile" or
// "device" in the languages of sentVerbs. Folded.
var deviceWords = map[string]bool{
	"iphone": true, "ipad": true, "ipod": true, "mac": true, "android": true,
	"galaxy": true, "samsung": true, "huawei": true, "honor": true, "xiaomi": true,
	"redmi": true, "pixel": true, "motorola": true, "moto": true, "nokia": true,
	"oneplus": true, "oppo": true, "vivo": true, "realme": true, "sony": true,
	"xperia": true, "lg": true, "blackberry": true, "windows": true, "ios": true,
	"outlook": true, "yahoo": true, "gmail": true, "aol": true, "hotmail": true,
	"icloud": true, "proton": true, "protonmail": true, "tutanota": true, "zoho": true,
	"spark": true, "bluemail": true, "airmail": true, "newton": true, "edison": true,
	"typeapp": true, "k-9": true, "fairemail": true, "mail": true, "email": true,
	"e-mail": true, "app": true, "correo": true, "webmail": true, "mobile": true, "mobil": true,
	"movil": true, "celular": true, "cel": true, "telefono": true, "phone": true,
	"smartphone": true, "cellphone": true, "tablet": true, "tableta": true,
	"handy": true, "telefon": true, "mobiltelefon": true, "cellulare": true,
	"telefonino": true, "telemovel": true, "telefoon": true, "mobiel": true,
	"portable": true, "telephone": true, "tablette": true, "smartfon": true,
	"телефона": true, "телефон": true, "мобильного": true, "device": true,
	"dispositivo": true, "appareil": true, "gerat": true, "apparaat": true,
	"enhet": true, "urzadzenia": true, "устроиства": true,
	"мобильнои": true, "мобильныи": true, "почты": true, "почта": true, "mail.ru": true,
	"яндекс": true, "yandex": true,
}

// unspacedSent are the "sent from" of Chinese, Japanese, Korean and Thai
// devices: "发自我的iPhone", "iPhoneから送信", "從我的 iPhone 傳送", "ส่งจาก
// iPhone ของฉัน". Folded (Thai loses its tone marks).
var unspacedSent = []string{"发自", "發自", "发送自", "來自", "来自", "傳送", "发送", "から送信", "送信", "보냄", "전송", "สงจาก"}

// brands are device and app names that languages inflect: Czech "z
// iPhonu", Croatian "s mog iPhonea", Finnish "iPhonesta".
var brands = []string{"iphone", "ipad", "android", "galaxy", "samsung", "huawei", "xiaomi", "blackberry", "outlook"}

// brandForm reports a word that is a brand with a short ending.
func brandForm(w string) bool {
	for _, b := range brands {
		if strings.HasPrefix(w, b) && len(w) <= len(b)+4 {
			return true
		}
	}
	return false
}

// isDeviceSignature reports a short line that a phone or mail app
// appends to what the person wrote.
func isDeviceSignature(s string) bool {
	if len(s) > 400 || s == "" {
		return false
	}
	stripped := stripLinks(s)
	link := stripped != s
	s = strings.Trim(stripped, "*_ \t\u00a0()[]<>«»{}-—–~=\"'“”")
	if s == "" || utf8.RuneCountInString(s) > 80 {
		return false
	}
	// Samsung and BlackBerry end theirs with a period.
	period := false
	if strings.HasSuffix(s, ".") && !strings.HasSuffix(s, "..") {
		s, period = strings.TrimSuffix(s, "."), true
	}
	switch lastRune(s) {
	case '.', '?', '!', ':', ';', ',', '。', '？', '！':
		return false
	}
	if hasUnspaced(s) {
		return unspacedDevice(fold(s))
	}
	// Hyphens split words too: "T-Mobile", "iPhone-ul", "מה-iPhone".
	orig := strings.FieldsFunc(s, func(r rune) bool { return isSpaceRune(r) || r == '/' || r == '|' || r == '-' })
	if len(orig) < 2 || len(orig) > maxDeviceWords {
		return false
	}
	// Word by word: most are ASCII, which fold cheaply.
	ws := make([]string, len(orig))
	device, app, platform := false, false, false
	for i, w := range orig {
		w = strings.Trim(fold(w), ",")
		ws[i] = w
		if i := strings.IndexAny(w, "'’"); i > 0 {
			// "iPhone'umdan", "iPhone'a": a suffix after the name.
			w = w[:i]
		}
		device = device || deviceWords[w] || brandForm(w)
		app = app || appWords[w]
		platform = platform || platformWords[w]
	}
	named := sentVerbs[ws[0]] && (endsWithApp(ws) || overNetwork(ws) || viaCarrier(orig, ws)) && !strings.ContainsAny(s, ",;")
	if len(ws) > maxLooseDeviceWords && !(sentVerbs[ws[0]] && deviceWords[ws[len(ws)-1]] && !period) &&
		!(sentVerbs[ws[len(ws)-1]] && device) && !named {
		// A long line is a device line only when it says "sent" first
		// and ends with the device, or ends with "sent" ("Diese
		// Nachricht wurde von meinem Android-Mobiltelefon mit K-9 Mail
		// gesendet."): not "Enviado desde mi iPhone no se ven los
		// adjuntos". Or it ends by naming the app: "Enviado con el
		// correo electrónico seguro de Proton Mail."
		return false
	}
	if period && !(device && (sentVerbs[ws[0]] || sentVerbs[ws[len(ws)-1]])) {
		// Only "sent" lines end with a period ("Sent from my
		// BlackBerry 10 smartphone."); others are sentences.
		return false
	}
	return deviceShape(orig, ws, device, app, platform, link, period)
}

// deviceShape judges the words of a candidate device line, folded (ws)
// and as written (orig).
func deviceShape(orig, ws []string, device, app, platform, link, period bool) bool {
	first, second, last := ws[0], ws[1], ws[len(ws)-1]
	switch {
	case sentVerbs[first] && device && (fromWords[second] || len(ws) > 2 && fromWords[ws[2]]):
		// "Enviado desde mi iPhone", "Sent with Proton Mail", "Enviado
		// a través de Gmail"; not "Enviado el informe por correo".
		return true
	case len(ws) == 3 && first == "sent" && instrumentWords[second] && capitalised(orig[2:]) && !period:
		// "Sent via Superhuman": one product named after a word that says
		// through what, not by whom. Only the English line of the apps
		// that write it: "Enviado vía Servientrega" answers how a parcel
		// went.
		return true
	case first == "sent" && second == "from" && len(ws) > 3 && len(ws) <= 7 && indefinites[ws[2]] && !period:
		// "Sent from a magnificent torch of pixels": from some device
		// the line does not name. English only: "Enviado desde un punto
		// de Servientrega" says where a parcel left from.
		return true
	case sentVerbs[first] && fromWords[second] && (link || len(ws) > 2 && possessives[ws[2]] || len(ws) == 3 && originWords[second]):
		// "Sent from TypeApp<http://…>", "Sent from TypeApp", "Sent from
		// my T-Mobile 4G LTE Device"; not "Enviado por Luis".
		return true
	case fromWords[first] && sentVerbs[last] && (device || possessives[second]):
		// "Von meinem iPhone gesendet".
		return true
	case (getVerbs[first] || getVerbs[last]) && app:
		// "Get Outlook for iOS", "Outlook voor Android downloaden".
		return true
	case app && platform && link && len(ws) <= 6:
		// "Ottieni Outlook per Android<https://aka.ms/…>": the app's
		// own line, in whatever language, always with its link.
		return true
	case fromWords[first] && possessives[second] && len(ws) <= 5 && (deviceWords[last] || deviceWords[ws[len(ws)-2]]):
		// "From my iPhone 6", "Desde mi celular".
		return true
	case device && sentVerbs[last] && hasAny(ws[:len(ws)-1], originWords):
		// "Diese Nachricht wurde von meinem Android-Mobiltelefon mit
		// K-9 Mail gesendet".
		return true
	case device && len(ws) <= 5 && (sentVerbs[last] || sentVerbs[ws[len(ws)-2]]) && (deviceNamed(ws[0]) || deviceNamed(ws[1])):
		// "iPhone'umdan gönderildi", "Az iPhone-omról küldve", "मेरे
		// iPhone से भेजा गया"; not "El equipo fue enviado".
		return true
	case device && len(ws) <= 5:
		// "Ana from mobile", "Luis desde el celular": a name, then where
		// from; not "Lo envié desde mi celular".
		for i := 1; i < len(ws) && i <= 2; i++ {
			if originWords[ws[i]] {
				return capitalised(orig[:i])
			}
		}
	}
	return false
}

// endsWithApp reports folded words that end with where from and the
// two-word name of a mail app: "… de Proton Mail", "… via Yahoo Mail";
// not "… por correo" or "… el error de Outlook".
func endsWithApp(ws []string) bool {
	n := len(ws) - 1
	return n >= 2 && ws[n] == "mail" && appWords[ws[n-1]] && ws[n-1] != "mail" && fromWords[ws[n-2]]
}

// networkWords end a carrier's line: "… on the Rogers network".
var networkWords = map[string]bool{
	"network": true, "wireless": true, "red": true, "reseau": true, "netz": true,
	"netzwerk": true, "rete": true, "netwerk": true, "rede": true, "lte": true,
	"4g": true, "5g": true,
}

// overNetwork reports "sent from my <device> … <network>", folded: the
// line a carrier's phone writes ("Sent from my BlackBerry® smartphone on
// the Rogers network"); not "Enviado desde mi iPhone no se ven los
// adjuntos".
func overNetwork(ws []string) bool {
	return len(ws) > 4 && fromWords[ws[1]] && possessives[ws[2]] && deviceNamed(strings.TrimRight(ws[3], "®™")) && networkWords[ws[len(ws)-1]]
}

// viaCarrier reports "sent from my <device…> de <Carrier>", folded (ws)
// and as written (orig): "Enviado desde mi teléfono inteligente Samsung
// Galaxy de Claro", "Enviado desde mi BlackBerry® de Tigo". After the
// device come only "de", "on" or "by" and capitalised words, so "Enviado
// desde mi iPhone de la oficina" stays.
func viaCarrier(orig, ws []string) bool {
	if len(ws) < 5 || !fromWords[ws[1]] || !possessives[ws[2]] {
		return false
	}
	d := -1 // the last word that names the device, "teléfono … Galaxy"
	for i := 3; i < len(ws) && i <= 7; i++ {
		if deviceNamed(strings.TrimRight(ws[i], "®™")) {
			d = i
		}
	}
	if d < 0 {
		return false
	}
	i := d + 1
	if i == len(ws) {
		return true
	}
	if !fromWords[ws[i]] || len(ws)-i > 4 {
		return false
	}
	for _, w := range orig[i+1:] {
		if !unicode.IsUpper(firstRune(w)) && !networkWords[fold(w)] && fold(w) != "the" {
			return false
		}
	}
	return i+1 < len(ws)
}

// deviceNamed reports a word that names a device or an app.
func deviceNamed(w string) bool {
	if i := strings.IndexAny(w, "'’"); i > 0 {
		w = w[:i]
	}
	return deviceWords[w] || brandForm(w)
}

// hasAny reports whether one of ws is in set.
func hasAny(ws []string, set map[string]bool) bool {
	for _, w := range ws {
		if set[w] {
			return true
		}
	}
	return false
}

// capitalised reports words that all start with an upper-case letter, as
// a name does.
func capitalised(ws []string) bool {
	for _, w := range ws {
		if !unicode.IsUpper(firstRune(w)) {
			return false
		}
	}
	return true
}

// originWords are the fromWords that say where from, not with what or by
// whom: "Ana from mobile", but not "Correo de Ana".
var originWords = map[string]bool{
	"from": true, "desde": true, "von": true, "vom": true, "depuis": true,
	"dal": true, "dalla": true, "vanaf": true, "fra": true, "fran": true,
	"z": true, "с": true, "из": true,
}

// unspacedGet are the "get" of an app's own line in Chinese, Japanese and
// Korean: "获取 Outlook for iOS", "iOS 版 Outlook を入手", "Outlook for
// iOS 받기".
var unspacedGet = []string{"获取", "獲取", "取得", "下载", "下載", "入手", "ダウンロード", "받기", "다운로드"}

// unspacedDevice reports a short Chinese, Japanese, Korean or Thai line
// that names a device and says it sent the message, or names a mail app
// and invites to get it.
func unspacedDevice(f string) bool {
	if utf8.RuneCountInString(f) > 30 {
		return false
	}
	device, app := false, false
	for _, w := range strings.FieldsFunc(f, func(r rune) bool { return r > unicode.MaxASCII || isSpaceRune(r) }) {
		if deviceWords[w] {
			device = true
		}
		app = app || appWords[w]
	}
	if app {
		for _, v := range unspacedGet {
			if strings.Contains(f, v) && fewOtherRunes(strings.ReplaceAll(f, v, ""), 2) {
				return true
			}
		}
	}
	if !device {
		for _, w := range []string{"手机", "手機", "携帯", "スマートフォン", "휴대폰", "华为", "小米", "邮箱", "郵箱", "メール"} {
			if strings.Contains(f, w) {
				device = true
			}
		}
	}
	if !device {
		return false
	}
	for _, v := range unspacedSent {
		if strings.Contains(f, v) {
			return true
		}
	}
	return false
}

// fewOtherRunes reports whether s has at most n runes outside ASCII
// besides "版" ("edition"): the app's line is its name and the verb, not
// a sentence about the app.
func fewOtherRunes(s string, n int) bool {
	for _, r := range s {
		if r > unicode.MaxASCII && r != '版' && !isSpaceRune(r) {
			n--
			if n < 0 {
				return false
			}
		}
	}
	return true
}

// hasUnspaced reports a rune of a script written without spaces between
// words: Han, Hiragana, Katakana, Hangul (spaced, but its endings are
// glued to the names) or Thai.
func hasUnspaced(s string) bool {
	for i, r := range s {
		if s[i] < 0xE0 {
			// Below U+0800: no such rune starts with this byte.
			continue
		}
		if unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul, unicode.Thai) {
			return true
		}
	}
	return false
}

// stripLinks replaces a Markdown link "[text](url)" by its text and drops
// "<url>" and bare URLs, as apps write them after their name: "Get
// [Outlook for Android](https://aka.ms/…)", "Outlook para iOS<https://…>".
func stripLinks(s string) string {
	if !strings.Contains(s, "://") && !strings.Contains(s, "](") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		switch {
		case s[i] == '[':
			if j := strings.Index(s[i:], "]("); j > 0 {
				if k := strings.IndexByte(s[i+j:], ')'); k > 0 {
					b.WriteString(s[i+1 : i+j])
					i += j + k + 1
					continue
				}
			}
		case s[i] == '<':
			if k := strings.IndexByte(s[i:], '>'); k > 0 && strings.Contains(s[i:i+k], "://") {
				i += k + 1
				continue
			}
		case strings.HasPrefix(s[i:], "http://") || strings.HasPrefix(s[i:], "https://"):
			k := strings.IndexFunc(s[i:], isSpaceRune)
			if k < 0 {
				k = len(s) - i
			}
			i += k
			continue
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}

// endsWriting reports a device line that surely was not typed by the
// person, so that what follows it is not theirs either: one with the
// app's link, or that starts with "sent" ("Enviado desde mi iPhone").
// "Descargar Outlook para Android" may be a step of instructions.
func endsWriting(content string) bool {
	if strings.Contains(content, "://") {
		return true
	}
	s := strings.TrimLeft(content, "*_ \t\u00a0([<«{-—–~=\"'“")
	i := strings.IndexFunc(s, isSpaceRune)
	return i > 0 && sentVerbs[fold(s[:i])]
}

// maxRuleSignature is the most lines a signature below a rule may have.
const maxRuleSignature = 10

// ruleSignatureStart returns where a signature block below a rule starts
// in ls, or -1: a rule ("__", "-----", "—————") after some text, followed
// to the end of the message by at most maxRuleSignature short lines that
// are no sentences, the first of them a name, and that hold a way to
// reach someone (an address, a phone number, a link) unless the rule is
// of underscores or em dashes and the block short. "Paso 1 / ----- /
// Paso 2" and a list of phone numbers below a rule are no signature.
func ruleSignatureStart(ls []line) int {
	end := len(ls)
	for end > 0 && ls[end-1].kind == kBlank {
		end--
	}
	n, contact := 0, false
	first := ""
	for i := end - 1; i > 0 && end-i <= maxRuleSignature+3; i-- {
		l := ls[i]
		switch l.kind {
		case kBlank:
			continue
		case kSep:
			// Below "__" or "——", which prose does not use, a short block
			// that starts with a name is enough; below "-----" it must
			// hold a way to reach someone.
			if n > 0 && (contact || n <= 4 && signatureRule(l.content)) && looksLikeName(first) && hasText(ls[:i]) {
				return i
			}
			return -1
		case kText, kMobile:
			// A lone em dash, the rule Apple Mail and Gmail's apps write
			// above a signature, is one only with a blank line above and
			// a block of two lines or more below: "Gracias. / — / Luis"
			// is someone's sign-off.
			if l.content == "—" && n >= 2 && ls[i-1].kind == kBlank {
				if looksLikeName(first) && hasText(ls[:i]) {
					return i
				}
				return -1
			}
		default:
			return -1
		}
		n++
		first = l.content
		if n > maxRuleSignature || utf8.RuneCountInString(l.content) > 80 {
			return -1
		}
		switch lastRune(l.content) {
		case '.', '?', '!':
			if !abbreviationEnd(l.content) {
				return -1
			}
		}
		if isContactLine(l.content) {
			contact = true
		}
	}
	return -1
}

// looksLikeName reports the first line of a signature: a name of one to
// five capitalised words, no digits ("Luis Gómez", "Sarah Johnson", "Dra.
// Ana María Pérez"), possibly followed by a title after '|' or ','.
func looksLikeName(s string) bool {
	if i := strings.IndexAny(s, "|,–—"); i > 0 {
		s = s[:i]
	}
	ws := strings.Fields(s)
	if len(ws) == 0 || len(ws) > 5 || hasDigit(s) || hasEmail(s) {
		return false
	}
	upper := 0
	for _, w := range ws {
		if unicode.IsUpper(firstRune(w)) {
			upper++
		}
	}
	// "Ana de la Torre": particles may be in lower case.
	return upper >= 1 && upper*2 >= len(ws)
}

// signatureRule reports a rule of underscores or em dashes only.
func signatureRule(s string) bool {
	return strings.Trim(s, "_—") == ""
}

// abbreviationEnd reports a line that ends with a short abbreviation
// ("Ext.", "S.A.") rather than a sentence.
func abbreviationEnd(s string) bool {
	i := strings.LastIndexFunc(s, isSpaceRune)
	w := s[i+1:]
	return utf8.RuneCountInString(w) <= 4
}

// isContactLine reports a line that holds an address, a link or a phone
// number of at least seven digits.
func isContactLine(s string) bool {
	if hasEmail(s) || strings.Contains(s, "://") || strings.Contains(s, "www.") {
		return true
	}
	digits := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			digits++
		}
	}
	return digits >= 7
}
