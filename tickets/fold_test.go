package tickets

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// foldSlow is the definition Fold must agree with: decompose the whole
// text, drop the nonspacing marks, lower-case the rest. Each byte that is
// not UTF-8 is first replaced by U+FFFD, as ranging over a string reads it
// (norm leaves the character after such a byte undecomposed).
func foldSlow(s string) string {
	if !utf8.ValidString(s) {
		var v strings.Builder
		for _, r := range s {
			v.WriteRune(r)
		}
		s = v.String()
	}
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"Tóner":                   "toner",
		"IMPRESIÓN Año":           "impresion ano",
		"e\u0301xito":             "exito", // decomposed accent after an ASCII letter
		"ÀÉÎÕÜ ñ Ç":               "aeiou n c",
		"VPN caída\x00\xff":       "vpn caida\x00\ufffd",
		"\xf7ě \xf6Ȱ":             "\ufffde \ufffdo",
		"":                        "",
		"ﬁ straße":                "ﬁ straße",
		"Ⅻ ΣΑΣ Ａ":                 "ⅻ σασ ａ",
		"a\u0323\u0302b":          "ab",
		"Mañana no imprime (HP).": "manana no imprime (hp).",
	} {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
		if got, slow := Fold(in), foldSlow(in); got != slow {
			t.Errorf("Fold(%q) = %q, the definition gives %q", in, got, slow)
		}
	}
}

func FuzzFold(f *testing.F) {
	for _, s := range []string{"Tóner", "e\u0301", "a\u0323\u0302b", "\xff\xfe", "Ω\u0345x", "한국어", "İstanbul"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := Fold(s), foldSlow(s); got != want {
			t.Fatalf("Fold(%q) = %q, want %q", s, got, want)
		}
	})
}

func BenchmarkFold(b *testing.B) {
	text := strings.Repeat("Buenos días, la impresora del piso 3 no imprime desde ayer; ya reinicié el equipo. ", 60)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		Fold(text)
	}
}
