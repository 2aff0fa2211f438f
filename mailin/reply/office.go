package reply

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file recognises an office signature with no delimiter: the block
// of name, title, office, address and phone lines that a mail client
// appends below what the person wrote, with no "-- " or rule above it.
//
// A name block the person signs with stays, as the named cases want
// ("Atentamente, / Luis Gómez / Coordinador de Archivo", "Camila Ortiz /
// Cel. 300 555 1234"). The block goes only when its shape says that no
// one typed it:
//
//   - it repeats a name already signed above it ("Eva" then "Mag. Eva
//     Musterfrau / A-1000 Wien, Grüngasse 1 / Tel: …"), with a way to
//     reach someone;
//   - its first line is a name and a title joined by '|' ("Jim Smith |
//     Enrollment Manager / XYZ Corp"), below anything but a sign-off;
//   - or it is long (four lines or more), a post or an office follows the
//     name, and it holds two different ways to reach someone (a phone and
//     an address, a phone and a web site). An address someone typed
//     ("Edificio Central / Carrera 7 # 32-16 / Tel. …") has no post.
//
// Never when the line above ends with ':' (the block is what that line
// announces: "Los datos del usuario son:"), when a line of the block is
// a command ("#resolver"), when it holds two addresses (a list of people)
// or when names and '|' make rows of a table.

// maxOfficeLines is the most lines an office block may have.
const maxOfficeLines = 10

// officeSignatureStart returns where an office signature that ends ls
// starts, or -1.
func officeSignatureStart(ls []line) int {
	end := len(ls)
	for end > 0 && (ls[end-1].kind == kBlank || ls[end-1].kind == kSep) {
		// The rule Outlook writes above the message it quotes stays
		// when the message goes.
		end--
	}
	// The block: the last paragraph, no blank line inside.
	start := end
	for start > 0 && ls[start-1].kind != kBlank {
		start--
		if end-start > maxOfficeLines {
			return -1
		}
	}
	n := end - start
	if n < 2 || start == 0 {
		return -1
	}
	kinds := contactKind(0)
	emails, rows := 0, 0
	for i, l := range ls[start:end] {
		if l.kind != kText && l.kind != kMobile {
			return -1
		}
		c := l.content
		if utf8.RuneCountInString(c) > 80 || strings.HasPrefix(c, "#") {
			return -1
		}
		switch lastRune(c) {
		case '.', '?', '!', ':':
			if !abbreviationEnd(c) && !dottedEnd(c) || lastRune(c) != '.' {
				return -1
			}
		}
		k := contactKinds(c)
		if k&ckEmail != 0 {
			emails++
		}
		if left, _, ok := strings.Cut(c, " | "); ok && i > 0 && looksLikeName(left) {
			rows++
		}
		kinds |= k
	}
	if emails > 1 || rows > 0 {
		// Two addresses are a list of people; names joined by '|' on
		// several lines are a table: someone typed them.
		return -1
	}
	first := ls[start].content
	if !looksLikeName(first) {
		return -1
	}
	// What stands above the block.
	above := start - 1
	for above >= 0 && ls[above].kind == kBlank {
		above--
	}
	if above < 0 || !hasText(ls[:above+1]) {
		return -1
	}
	prev := ls[above]
	if prev.kind != kText {
		return -1
	}
	p := prev.content
	if strings.HasSuffix(p, ":") || strings.HasSuffix(p, "：") {
		return -1
	}
	switch {
	case kinds != 0 && repeatsName(p, first):
		return start
	case strings.Contains(first, " | ") && !signingLine(p):
		return start
	case n >= 4 && kinds.count() >= 2 && titleLine(ls[start+1].content) && !closingLine(p):
		return start
	}
	return -1
}

// contactKind is a set of the ways to reach someone that a line holds.
type contactKind uint8

const (
	ckPhone contactKind = 1 << iota
	ckEmail
	ckWeb
	ckAddress
)

func (k contactKind) count() int {
	n := 0
	for ; k != 0; k &= k - 1 {
		n++
	}
	return n
}

// contactKinds tells what ways to reach someone s holds: an address, a
// web site, a phone number of seven digits or more, or a street address
// (a house number next to a capitalised street name, "Carrera 7 # 32-16",
// "A-1000 Wien, Grüngasse 1").
func contactKinds(s string) contactKind {
	var k contactKind
	if hasEmail(s) {
		k |= ckEmail
	}
	if strings.Contains(s, "://") || strings.Contains(strings.ToLower(s), "www.") {
		k |= ckWeb
	}
	if k == 0 {
		digits := 0
		for i := 0; i < len(s); i++ {
			if isDigitByte(s[i]) {
				digits++
			}
		}
		switch {
		case digits > 0 && streetShape(s) && !phoneLabel(s):
			// "Calle 26 # 13-19, piso 8" has as many digits as a phone.
			k |= ckAddress
		case digits >= 7:
			k |= ckPhone
		}
	}
	return k
}

// streetShape reports a line of a postal address: at least two words, one
// capitalised word of letters and one word with a digit, and a comma or
// '#' between parts, or a postal code. "Carrera 7 # 32-16, piso 12",
// "A-1000 Wien, Grüngasse 1", "Rua Augusta, 1500".
func streetShape(s string) bool {
	if !strings.ContainsAny(s, ",#") {
		return false
	}
	ws := strings.Fields(s)
	if len(ws) < 2 || len(ws) > 12 {
		return false
	}
	name, num := false, false
	for _, w := range ws {
		w = strings.Trim(w, ",.;")
		switch {
		case w == "":
		case hasDigit(w):
			num = true
		case unicode.IsUpper(firstRune(w)):
			name = true
		}
	}
	return name && num
}

// phoneLabels start a line that gives a phone number: "Tel.", "Cel:",
// "Phone", "T:". Folded, without their '.' or ':'.
var phoneLabels = map[string]bool{
	"tel": true, "tele": true, "telefono": true, "telephone": true, "telefone": true, "telefon": true,
	"tlf": true, "telf": true, "cel": true, "celular": true, "cell": true, "movil": true,
	"mobile": true, "mobil": true, "handy": true, "phone": true, "ph": true, "fax": true,
	"pbx": true, "conmutador": true, "t": true, "m": true,
}

// phoneLabel reports a line that starts with a phone's label.
func phoneLabel(s string) bool {
	i := strings.IndexFunc(s, func(r rune) bool { return r == ' ' || r == ':' || r == '.' })
	if i <= 0 {
		return false
	}
	return phoneLabels[fold(s[:i])]
}

// repeatsName reports whether the line above an office block is a short
// signing line ("Eva", "LG, Eva", "Saludos, Luis") whose name starts the
// block's first line too, after any title ("Mag. Eva Musterfrau").
func repeatsName(above, first string) bool {
	ws := words(above)
	if len(ws) == 0 || len(ws) > 4 || sentenceEnd(above) {
		return false
	}
	name := strings.Trim(ws[len(ws)-1], ".")
	if utf8.RuneCountInString(name) < 2 || !unicode.IsUpper(firstRune(name)) {
		return false
	}
	// The name alone ("Eva", "Anna Schmidt") or after a comma ("LG,
	// Eva"): "Contactar a Eva" above Eva's details is an instruction.
	if !capitalised(ws) && !strings.Contains(above, ",") {
		return false
	}
	for _, w := range strings.Fields(first) {
		if strings.Trim(w, ".,") == name {
			return true
		}
	}
	return false
}

// signingLine reports a short line that closes a message and that a name
// block may follow: "Cordialmente,", "Saludos", "Kind regards". Not a
// sentence, not a command.
func signingLine(s string) bool {
	return len(words(s)) <= 5 && !sentenceEnd(s) && !strings.HasPrefix(s, "#")
}

// closingLine reports a sign-off that ends with a comma ("Atentamente,",
// "Kind regards,"): the person signs below it, and the name block that
// follows is theirs however long.
func closingLine(s string) bool {
	return signingLine(s) && (strings.HasSuffix(s, ",") || strings.HasSuffix(s, "，"))
}

// dottedEnd reports a line that ends with an abbreviation of several
// dots: "John E. Doe, Ph.D.", "Soluciones S.A.S.".
func dottedEnd(s string) bool {
	i := strings.LastIndexFunc(s, isSpaceRune)
	w := strings.TrimSuffix(s[i+1:], ".")
	return strings.Contains(w, ".") && utf8.RuneCountInString(w) <= 8
}

// titleLine reports the line below a name in an office block: a post or
// an office ("Profesional Especializado", "Oficina de Planeación"), with
// no digits and no way to reach someone.
func titleLine(s string) bool {
	return !hasDigit(s) && contactKinds(s) == 0 && len(words(s)) <= 8
}
