package mailout

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// normBody, dropControls and indent have fast paths; these tests compare
// them with the straightforward code they replaced, kept here as the
// reference.

func normBodyRef(s string) string {
	s = normNewlines(s)
	var b strings.Builder
	blank := 0
	started := false
	for line := range strings.SplitSeq(s, "\n") {
		line = dropControlsRef(line)
		if line != sigDelimiter {
			line = strings.TrimRightFunc(line, unicode.IsSpace)
		}
		if line == "" {
			blank++
			continue
		}
		if started && blank > 0 {
			b.WriteString("\n")
		}
		blank = 0
		started = true
		b.WriteString(line)
		b.WriteString("\n")
	}
	return b.String()
}

func dropControlsRef(s string) string {
	var b strings.Builder
	for _, r := range s {
		if (unicode.IsControl(r) && r != '\t') || r == utf8.RuneError {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func indentRef(prefix, s string) string {
	ls := splitLines(s)
	for i, l := range ls {
		ls[i] = prefix + l
	}
	return strings.Join(ls, "\n")
}

var normCases = append([]string{
	"a\n-- \nDesk\n--  \n",
	"-- ",
	" -- \n--\t\n",
	"x\u00a0\u2003\n\u3000\ny\u0085",
	"tab\t\x0b\x0c\n\x1b[0mcolor\x7f\u0080\u009f\u00a0end",
	"\ufffd\n\xff\n\xc3\xb1\n",
}, escapeCases...)

func TestNormBodyMatchesReference(t *testing.T) {
	for _, s := range append(normCases, benchBody()) {
		if got, want := normBody(s), normBodyRef(s); got != want {
			t.Errorf("normBody(%.80q) = %.200q, want %.200q", s, got, want)
		}
		if got, want := dropControls(s), dropControlsRef(s); got != want {
			t.Errorf("dropControls(%.80q) = %q, want %q", s, got, want)
		}
		if got, want := indent("  > ", s), indentRef("  > ", s); got != want {
			t.Errorf("indent(%.80q) = %q, want %q", s, got, want)
		}
	}
}

// normBodyBytes checks eight bytes at a time: put each kind of byte it must
// see at every offset of a long ASCII line.
func TestNormBodyEveryOffset(t *testing.T) {
	base := strings.Repeat("abcdefgh", 4)
	for _, ins := range []string{"\x00", "\x1f", "\x7f", "\n", "\r", "\t", " ", "\u0085", "\u00a0", "\ufffd", "ñ", "\xc3", "\xff", "€", "😀"} {
		for i := 0; i <= len(base); i++ {
			for _, s := range []string{base[:i] + ins + base[i:], base[:i] + ins, base[:i] + ins + "\n" + base[i:]} {
				if got, want := normBody(s), normBodyRef(s); got != want {
					t.Errorf("normBody(%q) = %q, want %q", s, got, want)
				}
			}
		}
	}
}

func FuzzNormBody(f *testing.F) {
	for _, s := range normCases {
		f.Add(s, "  ")
	}
	f.Fuzz(func(t *testing.T, s, prefix string) {
		b := []byte(s)
		if got, want := normBodyBytes(b), normBodyRef(s); got != want {
			t.Fatalf("normBody(%q) = %q, want %q", s, got, want)
		}
		if string(b) != s {
			t.Fatalf("normBodyBytes changed its input %q to %q", s, b)
		}
		if got, want := dropControls(s), dropControlsRef(s); got != want {
			t.Fatalf("dropControls(%q) = %q, want %q", s, got, want)
		}
		if got, want := indent(prefix, s), indentRef(prefix, s); got != want {
			t.Fatalf("indent(%q, %q) = %q, want %q", prefix, s, got, want)
		}
	})
}
