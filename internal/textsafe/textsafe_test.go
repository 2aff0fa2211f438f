package textsafe

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestClean(t *testing.T) {
	for in, want := range map[string]string{
		"hola mundo":       "hola mundo",
		"hola\x00mundo":    "hola\uFFFDmundo",
		"caf\xe9":          "caf\uFFFD",
		"\xff\xfe":         "\uFFFD\uFFFD",
		"ñandú \U0001F600": "ñandú \U0001F600",
	} {
		if got := Clean(in); got != want {
			t.Errorf("Clean(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzClean(f *testing.F) {
	f.Add("hola\x00\xe9")
	f.Fuzz(func(t *testing.T, s string) {
		c := Clean(s)
		if !utf8.ValidString(c) || strings.IndexByte(c, 0) >= 0 {
			t.Fatalf("Clean(%q) = %q", s, c)
		}
		if utf8.ValidString(s) && strings.IndexByte(s, 0) < 0 && c != s {
			t.Fatalf("Clean changed clean text %q", s)
		}
	})
}
