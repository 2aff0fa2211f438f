package reply

import (
	"strings"
	"unicode"
)

// maxSignedByLines bounds a signature CutSignedBy takes: a sign-off, the
// name, and a few lines of position, office and telephone.
const maxSignedByLines = 7

// CutSignedBy removes the signature the sender put at the end of text: a
// last block (after a blank line, or the whole text) that begins with a
// line naming the sender in full, one of names compared without case or
// accents ("Carlos Díaz" then "Soporte en sitio"), or with a short
// sign-off ending in a comma just above the name ("Saludos," then the
// name). Every line below the name must read as a signature's (a few
// words, no sentence's end, no command), or nothing is cut; a name of one
// word is not enough to tell a signature from text.
//
// The intake cuts it from what is left of a reply once its command lines
// are taken out, so that a signature alone is not sent on as a comment.
func CutSignedBy(text string, names ...string) string {
	var full []string
	for _, n := range names {
		if f := strings.Join(strings.Fields(fold(n)), " "); strings.Contains(f, " ") {
			full = append(full, f)
		}
	}
	if len(full) == 0 {
		return text
	}
	ls := strings.Split(text, "\n")
	end := len(ls)
	for end > 0 && strings.TrimSpace(ls[end-1]) == "" {
		end--
	}
	start := end
	for start > 0 && strings.TrimSpace(ls[start-1]) != "" {
		start--
	}
	block := ls[start:end]
	if len(block) == 0 || len(block) > maxSignedByLines {
		return text
	}
	named := func(l string) bool {
		f := strings.Join(strings.Fields(strings.TrimRight(fold(l), ". ")), " ")
		for _, n := range full {
			if f == n {
				return true
			}
		}
		return false
	}
	rest := block
	switch {
	case named(block[0]):
		rest = block[1:]
	case len(block) > 1 && signOff(block[0]) && named(block[1]):
		rest = block[2:]
	default:
		return text
	}
	for _, l := range rest {
		if !signatureLine(l) {
			return text
		}
	}
	kept := strings.TrimRight(strings.Join(ls[:start], "\n"), " \t\r\n")
	// "Cordialmente," alone above a blank line and the signature is the
	// signature's too.
	if i := strings.LastIndex(kept, "\n"); signOff(kept[i+1:]) && (i < 0 || strings.TrimSpace(kept[:i]) == "" || strings.HasSuffix(strings.TrimRight(kept[:i], " \t\r"), "\n")) {
		kept = strings.TrimRight(kept[:max(i, 0)], " \t\r\n")
	}
	return kept
}

// signatureLine reports whether l, below the sender's name, is a line
// of a signature and nothing the sender says: a way to reach them (a
// telephone, an extension, an address, a web page), or a position, an
// office or a firm (a line that names a role, an office or a company form
// and does not end as a sentence). Anything else keeps the block whole:
// a signature left in costs the reader a line, words cut cost them what
// the sender meant ("No reinicie el equipo", "P.D. Traiga el cargador").
func signatureLine(l string) bool {
	l = strings.TrimSpace(l)
	if l == "" {
		return true
	}
	if strings.HasPrefix(l, "#") || len([]rune(l)) > 80 {
		return false
	}
	if contactLine(l) {
		return true
	}
	words := strings.Fields(l)
	if len(words) > 8 || strings.ContainsAny(l, ":;!?¡¿") {
		return false
	}
	if last := words[len(words)-1]; strings.HasSuffix(last, ".") && strings.Count(last, ".") == 1 {
		return false // a sentence's end; "S.A.S." is a company form
	}
	// A position or an office names itself first ("Soporte en sitio",
	// "Field Engineer"); a firm shows its form anywhere ("Equipos S.A.S.").
	// A sentence starts otherwise ("El servicio ya funciona").
	if r := []rune(words[0]); !unicode.IsUpper(r[0]) || sentenceStarts[fold(words[0])] {
		return false
	}
	for i, w := range words {
		f := strings.Trim(fold(w), ",()")
		if companyForms[f] || (i < 2 && signatureWords[strings.Trim(f, ".")]) {
			return true
		}
	}
	return false
}

// contactLine reports whether l is a telephone, an extension, an email
// address or a web page, with or without its label ("Tel. (601) 555 0101
// - Cel. 300 123 4567", "Ext. 2040", "jgomez@example.gov.co").
func contactLine(l string) bool {
	digits, other := 0, 0
	for _, w := range strings.Fields(l) {
		f := strings.Trim(fold(w), ".,:;()")
		switch {
		case f == "":
		case contactLabels[f]:
		case strings.Contains(f, "@") || strings.HasPrefix(f, "www.") || strings.HasPrefix(f, "http"):
			return len(strings.Fields(l)) <= 4
		case strings.Trim(f, "0123456789+-/") == "":
			digits++
		default:
			other++
		}
	}
	return digits > 0 && other == 0
}

// contactLabels are the labels of a way to reach someone, folded.
var contactLabels = wordSet("tel tel. telefono teléfono tels cel celular movil móvil ext extension extensión pbx fax " +
	"phone mobile cell office email e-mail correo web - | /")

// signatureWords name a position or an office, folded.
var signatureWords = wordSet(
	"soporte tecnico tecnica ingeniero ingeniera analista auxiliar profesional especialista coordinador " +
		"coordinadora jefe jefa director directora subdirector subdirectora asesor asesora gerente contratista " +
		"secretario secretaria asistente mesa oficina grupo direccion subdireccion division unidad departamento " +
		"area proveedor " +
		"support engineer technician analyst specialist manager coordinator director assistant consultant " +
		"desk department field")

// companyForms are the legal forms that end a firm's name, folded.
var companyForms = wordSet("s.a.s. s.a.s s.a. ltda. ltda sas inc. inc ltd. ltd llc gmbh")

// sentenceStarts are words a sentence starts with and a signature's line
// does not: articles, pronouns, "ya", "no".
var sentenceStarts = wordSet("el la los las lo un una unos unas mi mis su sus ya no yo nosotros the a an this that my our " +
	"we i it please por favor gracias thanks")

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[fold(w)] = true
	}
	return m
}

// signOff reports whether l is a short closing such as "Saludos," or
// "Best regards,": three words at most, ending in a comma.
func signOff(l string) bool {
	l = strings.TrimSpace(l)
	return strings.HasSuffix(l, ",") && len(strings.Fields(l)) <= 3
}
