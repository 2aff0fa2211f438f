package mailout

import (
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode"
	"unicode/utf8"
)

var (
	fuzzRendererOnce sync.Once
	fuzzRenderer     *Renderer
)

// FuzzRender feeds arbitrary user text into every place a template prints it:
// rendering must not fail, the subject must stay one clean line, and the HTML
// must never carry markup from the input.
func FuzzRender(f *testing.F) {
	f.Add("comment", "es", "No imprime", "Hola\r\nBcc: x@evil.example", "Ana", "nota")
	f.Add("case_assigned", "en", "<script>alert(1)</script>", "a\x00b\x1bc", "<b>x</b>", "</li><li>")
	f.Add("resolved", "es-CO", strings.Repeat("ñ", 300), "\u2028\u2029\u0085", "\xff\xfe", "{{.Text}}")
	f.Add("quarantined", "xx", "", "", "", "")
	f.Fuzz(func(t *testing.T, name, lang, subject, text, person, note string) {
		fuzzRendererOnce.Do(func() {
			r, err := NewRenderer("")
			if err != nil {
				t.Fatal(err)
			}
			fuzzRenderer = r
		})
		r := fuzzRenderer
		if !slices.Contains(names, name) {
			name = names[len(name)%len(names)]
		}
		d := SampleData(name, lang)
		d.Ticket.Subject = subject
		d.Text = text
		d.Reason = text
		d.Ticket.Body = text
		d.Recipient.Name = person
		d.Actor = &Person{Name: person, Email: note}
		d.History = append(d.History, HistoryItem{Who: person, Kind: note, Text: note, Public: true})
		d.Commands = append(d.Commands, note)
		d.Results = append(d.Results, CommandResult{Line: note, Reason: text, Hint: note})
		out, err := r.Render(name, lang, d)
		if err != nil {
			t.Fatalf("Render: %v", err)
		}
		if out.Subject == "" || utf8.RuneCountInString(out.Subject) > MaxSubjectLen || !utf8.ValidString(out.Subject) {
			t.Fatalf("bad subject %q", out.Subject)
		}
		for _, r := range out.Subject {
			if unicode.IsControl(r) {
				t.Fatalf("control character in subject %q", out.Subject)
			}
		}
		if !strings.Contains(out.Subject, "[OTI-123]") {
			t.Fatalf("subject lost its tag: %q", out.Subject)
		}
		for _, s := range []string{out.Text, out.HTML} {
			for _, r := range s {
				if unicode.IsControl(r) && r != '\n' && r != '\t' {
					t.Fatalf("control character %U in a body", r)
				}
			}
		}
		// Our templates use no <script>, <img> or <iframe>: any in the
		// output came from the input unescaped.
		low := strings.ToLower(out.HTML)
		for _, tag := range []string{"<script", "<img", "<iframe", "<svg"} {
			if strings.Contains(low, tag) {
				t.Fatalf("HTML carries %s from the input", tag)
			}
		}
	})
}

// FuzzParseFileName checks the override loader's name parser: what it
// accepts is exactly a known name and part, and it never panics.
func FuzzParseFileName(f *testing.F) {
	for _, s := range []string{"comment.txt.tmpl", "_partials.html.tmpl", "a.b.c.tmpl", ".tmpl", "tmpl", "x.subject.tmpl~", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, base string) {
		name, part, ok := parseFileName(base)
		if !ok {
			return
		}
		if fileName(name, part) != base {
			t.Fatalf("parseFileName(%q) = %q, %q: does not rebuild the name", base, name, part)
		}
	})
}

// FuzzHeaderText checks the header cleaner: one line, no control
// characters, valid UTF-8, trimmed, never longer than asked.
func FuzzHeaderText(f *testing.F) {
	f.Add("Hola\r\nBcc: x@evil.example", 250)
	f.Add("  \t a\u2028b  ", 3)
	f.Add("\xff\xfe\x00", 1)
	f.Fuzz(func(t *testing.T, s string, max int) {
		if max < 0 || max > 1000 {
			max = 250
		}
		got := headerText(s, max)
		if utf8.RuneCountInString(got) > max || !utf8.ValidString(got) {
			t.Fatalf("headerText(%q, %d) = %q", s, max, got)
		}
		if got != strings.TrimSpace(got) || strings.Contains(got, "  ") {
			t.Fatalf("headerText(%q) = %q: not trimmed and collapsed", s, got)
		}
		for _, r := range got {
			if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
				t.Fatalf("headerText(%q) = %q keeps %U", s, got, r)
			}
		}
	})
}
