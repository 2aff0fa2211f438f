package mailout

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestWrapText(t *testing.T) {
	long := "Se reinstaló el controlador de la impresora HP del piso 3 y se limpió la cola de impresión."
	tests := []struct {
		name, in, want string
	}{
		{"short lines stay", "Hola:\n\nTodo bien.\n", "Hola:\n\nTodo bien.\n"},
		{"a paragraph", long + "\n",
			"Se reinstaló el controlador de la impresora HP del piso 3 y se limpió la cola\nde impresión.\n"},
		{"a quote keeps its marks", "  > " + long + "\n",
			"  > Se reinstaló el controlador de la impresora HP del piso 3 y se limpió la\n  > cola de impresión.\n"},
		{"a list item hangs", "  - " + long + "\n",
			"  - Se reinstaló el controlador de la impresora HP del piso 3 y se limpió la\n    cola de impresión.\n"},
		{"a long word stays whole", "Vea https://example.gov.co/" + strings.Repeat("x", 90) + " ahora\n",
			"Vea\nhttps://example.gov.co/" + strings.Repeat("x", 90) + "\nahora\n"},
		{"the signature separator", "-- \nMesa\n", "-- \nMesa\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := wrapText(tt.in, textWidth); got != tt.want {
				t.Errorf("wrapText:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}

// TestRenderedTextFitsTheWidth: every line of every sample notification
// fits 78 columns (no word in them is longer).
func TestRenderedTextFitsTheWidth(t *testing.T) {
	r := newTestRenderer(t)
	for _, lang := range languages {
		for _, name := range names {
			out, err := r.Render(name, lang, SampleData(name, lang))
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range strings.Split(out.Text, "\n") {
				if utf8.RuneCountInString(l) > textWidth {
					t.Errorf("%s (%s): line of %d characters: %q", name, lang, utf8.RuneCountInString(l), l)
				}
			}
		}
	}
}

// FuzzWrapText: wrapping keeps every word, in order, breaks only at
// spaces, leaves no line longer than the width but a lone long word with
// its prefix, and wrapping again changes nothing.
func FuzzWrapText(f *testing.F) {
	f.Add("  > uno dos tres cuatro cinco seis siete ocho nueve diez once doce trece catorce quince\n", 30)
	f.Add("  - "+strings.Repeat("palabra ", 30)+"\n-- \n", 78)
	f.Add(strings.Repeat("x", 200)+" y\n", 40)
	f.Fuzz(func(t *testing.T, s string, width int) {
		if width < 20 || width > 200 || !utf8.ValidString(s) || strings.ContainsAny(s, "\r\t") {
			return
		}
		s = strings.TrimRight(s, "\n") + "\n"
		got := wrapText(s, width)
		if strings.Join(strings.Fields(strings.ReplaceAll(got, ">", " ")), " ") !=
			strings.Join(strings.Fields(strings.ReplaceAll(s, ">", " ")), " ") {
			t.Fatalf("words changed:\n%q\n%q", s, got)
		}
		for _, l := range strings.Split(got, "\n") {
			p, _ := linePrefix(l)
			if utf8.RuneCountInString(l) > width && strings.Contains(strings.TrimSpace(l[len(p):]), " ") &&
				utf8.RuneCountInString(p) <= width-20 {
				t.Fatalf("line of %d characters with a space to break at: %q", utf8.RuneCountInString(l), l)
			}
		}
		if again := wrapText(got, width); again != got {
			t.Fatalf("not idempotent:\n%q\n%q", got, again)
		}
	})
}

// wrapTextByLine is wrapText as it was first written, line by line: the
// reference the faster one must match.
func wrapTextByLine(s string, width int) string {
	if !hasLongLine(s, width) {
		return s
	}
	var b strings.Builder
	for rest := s; rest != ""; {
		line, tail, _ := strings.Cut(rest, "\n")
		rest = tail
		wrapLine(&b, line, width)
		b.WriteByte('\n')
	}
	return b.String()
}

// FuzzWrapTextMatchesByLine: copying the lines that fit in runs changes
// nothing, whatever the text (without a final newline too).
func FuzzWrapTextMatchesByLine(f *testing.F) {
	f.Add("corto\n"+strings.Repeat("palabra ", 30)+"\notro\n\n", 78)
	f.Add(strings.Repeat("x", 200)+" y", 40)
	f.Add("-- \n  > "+strings.Repeat("ñandú ", 20), 20)
	f.Fuzz(func(t *testing.T, s string, width int) {
		if width < 1 || width > 300 {
			return
		}
		if got, want := wrapText(s, width), wrapTextByLine(s, width); got != want {
			t.Fatalf("wrapText(%q, %d) = %q, want %q", s, width, got, want)
		}
	})
}
