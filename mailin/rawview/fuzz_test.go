package rawview

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// FuzzOutline: any input is outlined without a panic, within the bounds,
// and nothing it returns can drive a terminal.
func FuzzOutline(f *testing.F) {
	f.Add([]byte(nested))
	f.Add([]byte("Subject: hola\r\n\r\ncuerpo"))
	f.Add([]byte("Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\n--b--"))
	f.Add([]byte("Content-Type: message/rfc822\n\nContent-Type: message/rfc822\n\n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		v := Outline(raw)
		if len(v.Parts) > MaxParts || len(v.Parts) == 0 {
			t.Fatalf("%d parts", len(v.Parts))
		}
		for _, p := range v.Parts {
			if p.Depth >= MaxDepth || p.Size > len(raw) {
				t.Fatalf("part %+v", p)
			}
			printable(t, p.ContentType)
			printable(t, p.Filename)
			printable(t, p.BadType)
		}
		for _, h := range v.Header {
			printable(t, h.Name)
			printable(t, h.Value)
		}
	})
}

func printable(t *testing.T, s string) {
	t.Helper()
	if !utf8.ValidString(s) || strings.ContainsFunc(s, func(r rune) bool { return unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) }) {
		t.Fatalf("unprintable %q", s)
	}
}
