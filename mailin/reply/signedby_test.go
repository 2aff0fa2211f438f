package reply

import (
	"strings"
	"testing"
)

func TestCutSignedBy(t *testing.T) {
	names := []string{"Carlos Díaz", ""}
	for _, c := range []struct{ in, want string }{
		{"Carlos Díaz\nSoporte en sitio", ""},
		{"carlos diaz\nSoporte en sitio\nExt. 1234", ""},
		{"Ya quedó instalada.\n\nCarlos Díaz\nSoporte en sitio", "Ya quedó instalada."},
		{"Ya quedó instalada.\n\nSaludos,\nCarlos Díaz.\n", "Ya quedó instalada."},
		{"Ya quedó instalada.\n\nCARLOS DIAZ", "Ya quedó instalada."},
		// Not the sender's name, or not at the block's start: kept.
		{"Ya quedó instalada.\n\nLuis Pérez\nEspecialista", "Ya quedó instalada.\n\nLuis Pérez\nEspecialista"},
		{"Hablé con Carlos Díaz\nSoporte en sitio", "Hablé con Carlos Díaz\nSoporte en sitio"},
		{"Ya quedó.\n\nSoporte en sitio\nCarlos Díaz", "Ya quedó.\n\nSoporte en sitio\nCarlos Díaz"},
		// A block that is more than a signature: kept.
		{"Carlos Díaz\n#resolver listo", "Carlos Díaz\n#resolver listo"},
		{"Carlos Díaz\n" + strings.Repeat("a", 90), "Carlos Díaz\n" + strings.Repeat("a", 90)},
		{"Carlos Díaz\n1\n2\n3\n4\n5\n6\n7", "Carlos Díaz\n1\n2\n3\n4\n5\n6\n7"},
		{"Muchas gracias por la ayuda de ayer,\nCarlos Díaz", "Muchas gracias por la ayuda de ayer,\nCarlos Díaz"},
		{"Carlos Díaz\nProveedor de Equipos S.A.S.\nTel. 601 555 0101", ""},
		// What the sender says below the name is no signature: kept.
		{"Saludos,\nCarlos Díaz\nP.D. La clave nueva del equipo quedó en el sobre.", "Saludos,\nCarlos Díaz\nP.D. La clave nueva del equipo quedó en el sobre."},
		{"Carlos Díaz\nDejé el equipo en la recepción del piso 3.\nFalta el cargador.", "Carlos Díaz\nDejé el equipo en la recepción del piso 3.\nFalta el cargador."},
		{"Listo.\n\nCarlos Díaz:\nel usuario debe reiniciar mañana.", "Listo.\n\nCarlos Díaz:\nel usuario debe reiniciar mañana."},
		{"Listo.\n\nCarlos Díaz\nfalta el cargador", "Listo.\n\nCarlos Díaz\nfalta el cargador"},
		{"", ""},
		// Signatures as offices write them.
		{"Carlos Díaz\nSoporte en sitio\nTel. (601) 555 0101 - Cel. 300 123 4567", ""},
		{"Carlos Díaz\nTel. 555 0101.", ""},
		{"Carlos Díaz\nwww.empresa.com.co", ""},
		{"Carlos Díaz\nField Engineer\ncdiaz@proveedor.example.com", ""},
		{"Cordialmente,\n\nCarlos Díaz\nSoporte en sitio", ""},
		{"Ya quedó.\n\nCordialmente,\n\nCarlos Díaz\nSoporte en sitio", "Ya quedó."},
		{"Saludos,\nCarlos Díaz\nTécnico de soporte\nOficina de Tecnologías\nTel. 601 555 0101\nCel. 300 123 4567", ""},
		// What the sender says below the name: kept, signature and all.
		{"Carlos Díaz\nNo reinicie el equipo", "Carlos Díaz\nNo reinicie el equipo"},
		{"Carlos Díaz\nMañana paso a las 3 pm", "Carlos Díaz\nMañana paso a las 3 pm"},
		{"Carlos Díaz\nLlámeme al 300 123 4567", "Carlos Díaz\nLlámeme al 300 123 4567"},
		{"Carlos Díaz\nP.D. Traiga el cargador", "Carlos Díaz\nP.D. Traiga el cargador"},
		{"Saludos,\nCarlos Díaz\nPD: ya funciona", "Saludos,\nCarlos Díaz\nPD: ya funciona"},
		{"Carlos Díaz\nClave wifi: Oficina2024", "Carlos Díaz\nClave wifi: Oficina2024"},
		{"Carlos Díaz\nOJO no lo desconecten", "Carlos Díaz\nOJO no lo desconecten"},
		{"Carlos Díaz\nEl servicio ya funciona", "Carlos Díaz\nEl servicio ya funciona"},
		{"Carlos Díaz\nSoporte en sitio\nNo reinicie el equipo", "Carlos Díaz\nSoporte en sitio\nNo reinicie el equipo"},
	} {
		if got := CutSignedBy(c.in, names...); got != c.want {
			t.Errorf("CutSignedBy(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	// A name of one word tells nothing.
	if got := CutSignedBy("Listo.\n\nCarlos", "Carlos"); got != "Listo.\n\nCarlos" {
		t.Errorf("one-word name cut: %q", got)
	}
}

// FuzzCutSignedBy: what is cut is only ever the end of the text, a few
// lines that name the sender.
func FuzzCutSignedBy(f *testing.F) {
	f.Add("Ya quedó.\n\nCarlos Díaz\nSoporte en sitio", "Carlos Díaz")
	f.Add("Saludos,\nAna María Suárez", "Ana María Suárez")
	f.Add("\n\n\n", "a b")
	f.Fuzz(func(t *testing.T, text, name string) {
		got := CutSignedBy(text, name)
		if got == text {
			return
		}
		if !strings.HasPrefix(text, got) {
			t.Fatalf("CutSignedBy(%q) = %q is not a beginning of the text", text, got)
		}
		rest, lines := text[len(got):], 0
		for _, l := range strings.Split(rest, "\n") {
			if strings.TrimSpace(l) != "" {
				lines++
			}
		}
		if lines == 0 || lines > maxSignedByLines+1 { // the block, and a sign-off above it
			t.Fatalf("CutSignedBy(%q) cut %d lines: %q", text, lines, rest)
		}
		if n := strings.Join(strings.Fields(fold(name)), " "); !strings.Contains(strings.Join(strings.Fields(fold(rest)), " "), n) {
			t.Fatalf("CutSignedBy(%q) cut %q, which does not name %q", text, rest, name)
		}
	})
}
