package htmltext

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestConvert(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"empty", "", ""},
		{"plain text", "Hola mundo", "Hola mundo"},
		{"whitespace collapsed", "  Hola \n\t  mundo  ", "Hola mundo"},
		{"entities decoded", "Ay&uacute;dame, no imprime &amp; &lt;ok&gt; &#241;", "Ayúdame, no imprime & <ok> ñ"},
		{"nbsp is a space", "a&nbsp;b", "a b"},
		{"paragraphs", "<p>Uno</p><p>Dos</p>", "Uno\n\nDos"},
		{"line breaks", "Uno<br>Dos<br/>Tres", "Uno\nDos\nTres"},
		{"double br makes one blank line", "Uno<br><br><br><br>Dos", "Uno\n\nDos"},
		{"gmail divs", "<div>Hola,</div><div><br></div><div>la impresora no imprime.</div><div><br></div><div>Gracias</div>",
			"Hola,\n\nla impresora no imprime.\n\nGracias"},
		{"outlook MsoNormal lines", `<p class=MsoNormal>Buenos días<o:p></o:p></p><p class=MsoNormal>Línea dos<o:p></o:p></p><p class=MsoNormal><o:p>&nbsp;</o:p></p><p class=MsoNormal>Saludos<o:p></o:p></p>`,
			"Buenos días\nLínea dos\n\nSaludos"},
		{"unordered list", "<p>Pasos:</p><ul><li>Reiniciar</li><li>Probar</li></ul><p>Fin</p>", "Pasos:\n\n- Reiniciar\n- Probar\n\nFin"},
		{"ordered list", "<ol><li>uno<li>dos</ol>", "1. uno\n2. dos"},
		{"nested list", "<ul><li>a<ul><li>b</li></ul></li><li>c</li></ul>", "- a\n  - b\n- c"},
		{"link with text", `Ver <a href="https://soporte.example.org/t/1">el ticket</a> hoy`, "Ver el ticket (https://soporte.example.org/t/1) hoy"},
		{"link showing its url", `<a href="https://example.org/">https://example.org</a>`, "https://example.org"},
		{"mailto showing address", `<a href="mailto:ana@example.org">ana@example.org</a>`, "ana@example.org"},
		{"mailto with other text", `<a href="mailto:ana@example.org">Ana</a>`, "Ana (mailto:ana@example.org)"},
		{"anchor link dropped", `<a href="#top">arriba</a>`, "arriba"},
		{"javascript link dropped", `<a href="javascript:alert(1)">clic</a>`, "clic"},
		{"image link uses alt", `<a href="https://x.example/"><img src="a.png" alt="Logo"></a>`, "Logo (https://x.example/)"},
		{"image outside link dropped", `Hola <img src="cid:img1" alt="firma"> chao`, "Hola chao"},
		{"empty link", `<a href="https://x.example/"></a>fin`, "fin"},
		{"script and style dropped", "<style>p{color:red}</style><script>alert('x')</script><p>Texto</p>", "Texto"},
		{"head title dropped", "<html><head><title>Asunto</title><meta charset=utf-8></head><body>Cuerpo</body></html>", "Cuerpo"},
		{"comments dropped", "a<!-- [if mso]>oculto<![endif] -->b", "ab"},
		{"pre keeps spaces", "<pre>a  b\n  c</pre>", "a  b\n  c"},
		{"blockquote quoted", "<p>Respuesta</p><blockquote><p>Original</p><p>Dos</p></blockquote><p>Firma</p>",
			"Respuesta\n\n> Original\n>\n> Dos\n\nFirma"},
		{"nested blockquote", "<blockquote>a<blockquote>b</blockquote></blockquote>", "> a\n>\n>> b"},
		{"table cells", "<table><tr><td>Nombre:</td><td>Ana</td></tr><tr><td>Cargo:</td><td>Analista</td></tr></table>",
			"Nombre: Ana\nCargo: Analista"},
		{"headings", "<h1>Título</h1>texto", "Título\n\ntexto"},
		{"unclosed tags", "<div><p>uno<p>dos<b>tres", "uno\n\ndostres"},
		{"inline tags no spaces", "im<b>por</b>tante", "importante"},
		{"uppercase tags", "<P>Uno</P><BR>Dos", "Uno\n\nDos"},
		{"self-closing anchor ignored", `<a href="https://x.example/"/>texto`, "texto"},
		{"stray end tags", "</div></p></a></ul></blockquote>texto", "texto"},
		{"unterminated script drops the rest", "ok<script>var x = 1;", "ok"},
		{"nested dropped template", "<template><template>x</template>y</template>z", "z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Convert(tt.in)
			if got != tt.want {
				t.Errorf("Convert(%q)\n got: %q\nwant: %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestConvertHostile checks that pathological input is handled with bounded
// output and without blowing up: deep nesting, huge lists, a giant text.
func TestConvertHostile(t *testing.T) {
	tests := []struct {
		name string
		in   string
		// check returns "" when the output is acceptable.
		check func(string) string
	}{
		{"deep lists", strings.Repeat("<ul><li>x", 20000), func(s string) string {
			for _, ln := range strings.Split(s, "\n") {
				if len(ln) > 2*maxNest+4 {
					return "indentation not bounded: " + ln
				}
			}
			return ""
		}},
		{"deep quotes", strings.Repeat("<blockquote>", 10000) + "x", func(s string) string {
			if s != strings.Repeat(">", maxNest)+" x" {
				return "quote prefix not bounded"
			}
			return ""
		}},
		{"giant text", strings.Repeat("palabra ", MaxOutput/4), func(s string) string {
			if len(s) > MaxOutput {
				return "output over MaxOutput"
			}
			if !utf8.ValidString(s) {
				return "invalid UTF-8"
			}
			return ""
		}},
		{"many unclosed anchors", strings.Repeat(`<a href="https://e.example/">t`, 5000), func(s string) string {
			if strings.Count(s, "(https://e.example/)") > 1 {
				return "nested anchors produced several targets"
			}
			return ""
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if msg := tt.check(Convert(tt.in)); msg != "" {
				t.Error(msg)
			}
		})
	}
}

func FuzzConvert(f *testing.F) {
	seeds := []string{
		"",
		"<p>Hola</p>",
		`<div dir="ltr">Buenos días,<div><br></div><div>No imprime.</div><a href="https://x.example">x</a></div>`,
		"<ul><li>a<ol><li>b</ol></ul><blockquote>q</blockquote><pre> p\n q</pre>",
		"<script>x</script><style>y</style><title>t</title>",
		"<a href=mailto:a@b.c>a@b.c</a>&nbsp;&amp;&#xzz;",
		"<table><tr><td>a<td>b</table>",
		"<p class=MsoNormal><o:p>&nbsp;</o:p></p>",
	}
	for _, s := range seeds {
		f.Add(s)
	}
	paths, _ := filepath.Glob(filepath.Join("testdata", "*.html"))
	if len(paths) == 0 {
		f.Fatal("no testdata/*.html seeds")
	}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := Convert(in)
		if len(out) > MaxOutput {
			t.Fatalf("output %d bytes, over MaxOutput", len(out))
		}
		if utf8.ValidString(in) && !utf8.ValidString(out) {
			t.Fatalf("valid UTF-8 input gave invalid output %q", out)
		}
		if strings.Contains(out, "\n\n\n") {
			t.Fatalf("more than one blank line in a row: %q", out)
		}
		if strings.TrimRight(out, " \t\n") != out {
			t.Fatalf("trailing whitespace: %q", out)
		}
	})
}
