package reply

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// The fuzz targets check the properties that hold for any input: no panic,
// a result never longer than the input, commands that come from the text.
// Time is bounded by construction (linear passes over capped input); the
// fuzzer's own per-input deadline reports a hang.

// seedTexts adds the named cases, the corpora and a few hostile shapes.
func seedTexts(f *testing.F) {
	for _, tc := range trimCases {
		f.Add(tc.in)
	}
	for _, cs := range readNamedCases(f, casesDir) {
		for _, nc := range cs {
			f.Add(nc.in)
		}
	}
	for _, pattern := range []string{
		"email_reply_trimmer/test/emails/*.txt",
		"email-reply-parser/test/fixtures/*.txt",
		"email-reply-parser-2/test/fixtures/*.txt",
		"EmailReplyParser-php/tests/Fixtures/*.txt",
		"email_reply_parser-rb/test/emails/*.txt",
		"elixir_email_reply_parser/test/emails/*.txt",
		"email_reply_trimmer-new/test/emails/*.txt",
	} {
		paths, _ := filepath.Glob(filepath.Join(corporaDir, pattern))
		if len(paths) == 0 {
			f.Fatalf("no corpus files match %s", pattern)
		}
		for _, p := range paths {
			f.Add(readFile(f, p))
		}
	}
	for _, h := range readHeldout(f, heldoutDir) {
		if !h.html {
			f.Add(h.in)
		}
	}
	for _, shape := range hostileShapes {
		f.Add(strings.Repeat(shape, 200))
	}
	f.Add(strings.Repeat("El 3 dic 2026 a las 10:00\n\n<\n\nmailto:a@b.co\n\n", 2000) + "> escribió:")
	f.Add(strings.Repeat("Enviado desde mi iPhone\n\n", 3000))
	f.Add(strings.Repeat("texto\n__\nLuis Gómez\na@b.co\n", 1000))
	f.Add(strings.Repeat("JG> | C> ", 3000))
	f.Add(strings.Repeat("Sent [via](x) <https://a> [x](", 2000))
	f.Add(strings.Repeat("-------- Oprindelig besked --------\n", 1000))
	f.Add(strings.Repeat("> ", 5000) + "x")
	f.Add(strings.Repeat("On Mon, Feb 1, 2016 at 6:32 PM, A <a@b.co>\n", 200))
	f.Add(strings.Repeat("De: a\nPara: b\n", 300))
	f.Add(strings.Repeat("<\n", 500))
	f.Add("\xff\xfe\x00 #cerrar \r\r\n--\r")
}

func FuzzTrim(f *testing.F) {
	seedTexts(f)
	f.Fuzz(func(t *testing.T, in string) {
		out := Trim(in)
		if len(out) > len(in) {
			t.Fatalf("Trim output %d bytes > input %d bytes", len(out), len(in))
		}
		if utf8.ValidString(in) && !utf8.ValidString(out) {
			t.Fatalf("Trim broke UTF-8: %q", out)
		}
		if !linesInOrder(out, capInput(in)) {
			t.Fatalf("Trim output has a line that is not an input line in order:\n%q\nfrom\n%q", out, in)
		}
	})
}

// linesInOrder reports whether every line of out is a line of in (with
// white space trimmed at its end), in the order of in: Trim only removes.
func linesInOrder(out, in string) bool {
	if out == "" {
		return true
	}
	src := splitLines(in)
	j := 0
	for _, o := range strings.Split(out, "\n") {
		for j < len(src) && strings.TrimRight(src[j], " \t\u00a0") != o {
			j++
		}
		if j == len(src) {
			return false
		}
		j++
	}
	return true
}

func FuzzTrimHTML(f *testing.F) {
	for _, tc := range trimHTMLCases {
		f.Add(tc.in)
	}
	for _, h := range readHeldout(f, heldoutDir) {
		if h.html {
			f.Add(h.in)
		}
	}
	f.Add(strings.Repeat("<div>", 5000) + "x")
	f.Add(strings.Repeat("<blockquote>", 300) + strings.Repeat("a<br>", 300))
	f.Add(strings.Repeat("<ul><li>", 300) + "x")
	f.Add(`<div class="gmail_quote"><div class="gmail_quote"></div>`)
	f.Add("<b><i><u><s>" + strings.Repeat("<p>x</b>", 500))
	f.Fuzz(func(t *testing.T, in string) {
		out := TrimHTML(in)
		if len(out) > len(in) {
			t.Fatalf("TrimHTML output %d bytes > input %d bytes", len(out), len(in))
		}
	})
}

func FuzzParseCommands(f *testing.F) {
	for _, s := range []string{
		"#escalar nivel 3 a proveedor1\n#nota x", "#resolvér cambié el tóner",
		"#clasificar impresoras nivel 2 a jgomez", "> #cerrar", "#123", "#",
		"#nivel99999999999999999999", "#a a a a a a", "#nota:", strings.Repeat("#x\n", 50),
	} {
		f.Add(s)
	}
	seedTexts(f)
	f.Fuzz(func(t *testing.T, in string) {
		cmds, comment := ParseCommands(in)
		if len(cmds) > MaxCommands {
			t.Fatalf("%d commands, cap is %d", len(cmds), MaxCommands)
		}
		if len(comment) > len(in) {
			t.Fatalf("comment %d bytes > input %d bytes", len(comment), len(in))
		}
		lines := splitLines(in)
		prev := 0
		for _, c := range cmds {
			if c.Line <= prev || c.Line > len(lines) {
				t.Fatalf("command line %d out of order or range (prev %d, %d lines)", c.Line, prev, len(lines))
			}
			prev = c.Line
			if c.Raw != lines[c.Line-1] {
				t.Fatalf("Raw %q is not line %d %q", c.Raw, c.Line, lines[c.Line-1])
			}
			if !strings.HasPrefix(strings.TrimLeft(c.Raw, " \t"), "#") && !strings.Contains(c.Raw, c.Name) {
				t.Fatalf("Raw %q does not hold Name %q", c.Raw, c.Name)
			}
			for _, s := range []string{c.Args, c.Target, c.Service, c.Text} {
				if len(s) > len(c.Raw) {
					t.Fatalf("field %q longer than its line %q", s, c.Raw)
				}
			}
			if c.Level < 0 || c.Level > maxLevel {
				t.Fatalf("level %d out of range", c.Level)
			}
			if c.Verb == VerbComment || c.Verb == "" {
				t.Fatalf("verb %q from a # line", c.Verb)
			}
		}
	})
}

// BenchmarkTrim measures Trim over every email_reply_trimmer fixture and
// the text part of every talon standard reply.
func BenchmarkTrim(b *testing.B) {
	root := corporaDir
	paths, _ := filepath.Glob(filepath.Join(root, "email_reply_trimmer", "test", "emails", "*.txt"))
	var bodies []string
	size := 0
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		bodies = append(bodies, string(data))
		size += len(data)
	}
	emls, _ := filepath.Glob(filepath.Join(root, "talon", "tests", "fixtures", "standard_replies", "*.eml"))
	for _, p := range emls {
		plain, _ := emlBodies(b, p)
		bodies = append(bodies, plain)
		size += len(plain)
	}
	if len(bodies) == 0 {
		b.Fatal("no corpus bodies")
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, s := range bodies {
			Trim(s)
		}
	}
}

// BenchmarkTrimLarge measures Trim on a 1 MiB body of short lines, the
// worst case the input cap allows.
func BenchmarkTrimLarge(b *testing.B) {
	s := capInput(strings.Repeat("Respuesta con acentos: línea número 1, ver <a@b.co>\n> cita\n", MaxInput/50))
	b.SetBytes(int64(len(s)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		Trim(s)
	}
}

// BenchmarkTrimHostile measures Trim on 1 MiB bodies made of one shape
// that each rule of the trimmer looks at: attribution pieces, device
// lines, rules with signatures, quote marks, links, framed markers.
// hostileShapes are lines that each rule of the trimmer looks at, to be
// repeated into bodies as large as the input cap allows.
var hostileShapes = map[string]string{
	"pieces":      "El 3 dic 2026 a las 10:00\n\nSoporte OTI\n\n<\n\nmailto:a@b.co\n\n",
	"device":      "Enviado desde mi iPhone\n\n",
	"rules":       "texto\n__\nLuis Gómez\na@b.co\n",
	"quotes":      "JG> | C> texto\n",
	"links":       "Sent [via](x) <https://a> [x](\n",
	"markers":     "-------- Oprindelig besked --------\nFra: a\nDato: b\n",
	"wrapped":     "On Mon, Feb 1, 2016 at 6:32 PM, A <\n",
	"notices":     "AVISO DE CONFIDENCIALIDAD: uso exclusivo del destinatario, prohibida su copia.\n\n",
	"bare labels": "Para\nAna <a@b.co>\ncc\nAsunto\n",
	"chevrons":    ">>> Ana <a@b.co> 02/12/2026 3:15 p. m. >>>\n",
	"interleaved": "El 2/12/26 a las 16:05, Soporte escribió:\n> ¿Piso?\nTres.\n",
	"entities":    "--&nbsp;&nbsp;原始邮件&nbsp;--\n",
	"tools":       "Libre de virus. <https://www.avast.com/sig-email?utm_medium=email>\n\n",
	"carriers":    "Enviado desde mi teléfono inteligente Samsung Galaxy de Claro.\n",
	"office":      "Listo.\n\nAna Ruiz | Jefe\nCarrera 7 # 3-16, piso 2\nTel. 601 555 0100\n",
	"answers":     "De: a <a@b.co>\nEnviado: lunes 10:00\nPara: b\nAsunto: x\n\n¿Piso? >> 5\nR/ no\n",
	"lazy quotes": "> a\nb\n> c\n",
	"sites":       "Libre de virus. www.avast.com\n\n",
	"joined":      "De: a@b.co Enviado: " + strings.Repeat("Para: ", 160) + "\n",
	"wrap ends":   "> Le recordamos que el mantenimiento preventivo de los equipos del piso se\nhará\n\n",
	"data notice": "De conformidad con la Ley 1581, sus datos personales de este mensaje son del destinatario.\n\n",
}

func BenchmarkTrimHostile(b *testing.B) {
	for name, shape := range hostileShapes {
		s := capInput(strings.Repeat(shape, MaxInput/len(shape)+1))
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(s)))
			for i := 0; i < b.N; i++ {
				Trim(s)
			}
		})
	}
}

// BenchmarkTrimHTMLCorpus measures TrimHTML over talon's HTML replies.
func BenchmarkTrimHTMLCorpus(b *testing.B) {
	root := corporaDir
	paths, _ := filepath.Glob(filepath.Join(root, "talon", "tests", "fixtures", "html_replies", "*.html"))
	var docs []string
	size := 0
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		docs = append(docs, string(data))
		size += len(data)
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		for _, d := range docs {
			TrimHTML(d)
		}
	}
}
