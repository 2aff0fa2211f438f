package mailout

import (
	htmltemplate "html/template"
	"strings"
	"sync"
	"testing"

	gomail "github.com/wneessen/go-mail"
)

// textHTML must print exactly what the range over lines it replaces in the
// HTML partials printed: these tests compare it with html/template itself,
// alone and inside every notification.

// rangeLines is the template construct textHTML replaces.
const rangeLines = "{{range $i, $l := lines .}}{{if $i}}<br>\n{{end}}{{$l}}{{end}}"

var (
	escapeTmplOnce          sync.Once
	rangeTmpl, textHTMLTmpl *htmltemplate.Template
)

// viaTemplates prints s in element content with rangeLines and with
// textHTML, the way the "text" and "history" blocks do.
func viaTemplates(t testing.TB, s string) (want, got string) {
	escapeTmplOnce.Do(func() {
		rangeTmpl = htmltemplate.Must(htmltemplate.New("range").Funcs(funcMap("es", DefaultZone)).
			Parse(`<p class="x">` + rangeLines + `</p><li><br>` + rangeLines + `</li>`))
		textHTMLTmpl = htmltemplate.Must(htmltemplate.New("textHTML").Funcs(funcMap("es", DefaultZone)).
			Parse(`<p class="x">{{textHTML .}}</p><li><br>{{textHTML .}}</li>`))
	})
	var w, g strings.Builder
	if err := rangeTmpl.Execute(&w, s); err != nil {
		t.Fatal(err)
	}
	if err := textHTMLTmpl.Execute(&g, s); err != nil {
		t.Fatal(err)
	}
	return w.String(), g.String()
}

var escapeCases = []string{
	"",
	"\n",
	"\n\n\n",
	"a",
	"a\n",
	"\na\n\nb\n\n",
	"uno\r\ndos\rtres\n\r",
	`<script>alert("x")</script><img src=x onerror=alert(1)>`,
	"Tom & Jerry's \"show\" + 2 > 1 < 3",
	"a\x00b\x00",
	"\xff\xfe invalid \xc3 utf-8 \xe2\x82",
	"ñandú, camión, acción; ¿qué? ¡sí! → ✓ 😀",
	"\u2028\u2029\u0085\ufffd\u00a0",
	"&amp; &#43; already escaped",
	"  leading and trailing  \n\tindented\t",
	"--\n-- \nfirma",
}

func TestTextHTMLMatchesTemplate(t *testing.T) {
	for _, s := range append(escapeCases, benchBody(), strings.Repeat("<&>\n", 1000)) {
		want, got := viaTemplates(t, s)
		if got != want {
			t.Errorf("textHTML(%.80q):\n got %.200q\nwant %.200q", s, got, want)
		}
	}
}

// FuzzTextHTML checks that textHTML escapes arbitrary text exactly as
// html/template escapes the lines of it.
func FuzzTextHTML(f *testing.F) {
	for _, s := range escapeCases {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, got := viaTemplates(t, s)
		if got != want {
			t.Fatalf("textHTML(%q):\n got %q\nwant %q", s, got, want)
		}
	})
}

// rangePartials returns the embedded HTML partials of lang as they were
// before textHTML: with the range over lines.
func rangePartials(t *testing.T, lang string) string {
	p := embedded(t, lang+"/_partials.html.tmpl")
	old := strings.ReplaceAll(p, "{{- textHTML .}}", "{{- "+strings.TrimPrefix(rangeLines, "{{"))
	old = strings.ReplaceAll(old, "{{textHTML .}}", rangeLines)
	if strings.Contains(old, "textHTML") || strings.Count(old, "range $i, $l := lines .") != 2 {
		t.Fatalf("%s partials: the uses of textHTML changed; update rangePartials", lang)
	}
	return old
}

var (
	rangeRendererOnce sync.Once
	rangeRenderer     *Renderer
	rangeRendererErr  error
)

// renderers returns the default renderer and one whose HTML partials print
// texts with the range over lines.
func renderers(t *testing.T) (def, ref *Renderer) {
	rangeRendererOnce.Do(func() {
		files := map[string]string{}
		for _, lang := range languages {
			files[lang+"/_partials.html.tmpl"] = rangePartials(t, lang)
		}
		rangeRenderer, rangeRendererErr = NewRenderer(writeOverrides(t, files))
		if rangeRendererErr == nil {
			fuzzRendererOnce.Do(func() { fuzzRenderer, rangeRendererErr = NewRenderer("") })
		}
	})
	if rangeRendererErr != nil || rangeRenderer == nil || fuzzRenderer == nil {
		t.Fatalf("renderers: %v", rangeRendererErr)
	}
	return fuzzRenderer, rangeRenderer
}

// renderBoth renders every notification in both languages with body and text
// in all the places the templates print a text, with both renderers.
func renderBoth(t *testing.T, body, text string) {
	def, ref := renderers(t)
	for _, lang := range languages {
		for _, name := range names {
			d := SampleData(name, lang)
			d.Ticket.Body = body
			d.Text = text
			d.History = append(d.History, HistoryItem{Who: "x", Kind: "commented", Text: text, Public: true})
			got, err := def.Render(name, lang, d)
			if err != nil {
				t.Fatal(err)
			}
			want, err := ref.Render(name, lang, d)
			if err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Fatalf("%s/%s with body %.60q, text %.60q: the HTML differs from the range over lines", lang, name, body, text)
			}
		}
	}
}

// The embedded templates print every text as the range over lines printed it.
func TestTemplatesMatchRangeOverLines(t *testing.T) {
	for _, s := range append(escapeCases, benchBody()) {
		renderBoth(t, s, s)
	}
}

func FuzzTemplatesMatchRangeOverLines(f *testing.F) {
	for _, s := range escapeCases {
		f.Add(s, "x")
	}
	f.Fuzz(func(t *testing.T, body, text string) { renderBoth(t, body, text) })
}

// The HTML of every notification keeps the lines of the texts it quotes, so
// that a request of many short lines does not make one HTML line longer
// than RFC 5322 allows, which would send the part quoted-printable.
func TestHTMLKeepsTextLines(t *testing.T) {
	r := newTestRenderer(t)
	long := strings.Repeat("Una línea del texto del caso, como las escribe un cliente de correo.\n", 60)
	for _, lang := range []string{"es", "en"} {
		for _, name := range r.Names() {
			d := SampleData(name, lang)
			d.Text = long
			d.Ticket.Body = long
			for i := range d.History {
				d.History[i].Text = long
			}
			out, err := r.Render(name, lang, d)
			if err != nil {
				t.Fatal(err)
			}
			for i, line := range strings.Split(out.HTML, "\n") {
				if len(line) > maxLineOctets {
					t.Errorf("%s.%s: HTML line %d is %d octets long", name, lang, i+1, len(line))
					break
				}
			}
			if _, enc := bodyEncoding(out.HTML, true); enc != gomail.NoEncoding {
				t.Errorf("%s.%s: HTML part would go %s, want 8bit", name, lang, enc)
			}
		}
	}
}
