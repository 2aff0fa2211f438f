package mailin

import (
	"testing"
)

// TestReasonWords: every reason quarantine records reads back as the words
// its sender and the desk were told, in either language.
func TestReasonWords(t *testing.T) {
	reasons := []quarantineReason{
		{kind: "size", size: 33030144, limit: 26214400},
		{kind: "header", limit: 65536},
		{kind: "depth", limit: 20},
		{kind: "parts", limit: 200},
		{kind: "empty"},
		{kind: "unreadable", detail: "mime: no media type"},
		{kind: "no_from"},
		{kind: "failed", detail: "pq: value too long for type character varying(998)"},
	}
	for _, r := range reasons {
		for _, lang := range []string{"es", "en"} {
			words, detail, ok := ReasonWords(r.record(), lang)
			if !ok || words != r.words(lang) || detail != r.detail {
				t.Errorf("ReasonWords(%q, %s) = %q, %q, %v; want %q, %q", r.record(), lang, words, detail, ok, r.words(lang), r.detail)
			}
		}
	}
	if w, _, _ := ReasonWords("message is 33030144 bytes, over the limit of 26214400 bytes", "es"); w != "el mensaje ocupa 31,5 MB y la Mesa de Servicio recibe mensajes de hasta 25 MB; envíe los archivos grandes por otro medio (una carpeta compartida, por ejemplo) o en varios mensajes" {
		t.Errorf("size in Spanish: %q", w)
	}
	for _, old := range []string{"", "something new", "message is 5 bytes, limit 4", "header is over many bytes", "message has more than 99999999999999999999 MIME parts"} {
		if w, d, ok := ReasonWords(old, "es"); ok {
			t.Errorf("ReasonWords(%q) = %q, %q: a record quarantine does not write", old, w, d)
		}
	}
}

// FuzzReasonWords: whatever a record says, no panic; what it reads back
// as, it records again the same.
func FuzzReasonWords(f *testing.F) {
	for _, s := range []string{"message is 1 bytes, over the limit of 2 bytes", "header is over 3 bytes", "MIME nesting is deeper than 4",
		"unreadable message: the message is empty", "unreadable message: x", "processing failed: y\nz", "no usable From address", "otra cosa"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, ok := readReason(s)
		if !ok {
			return
		}
		if got := r.record(); got != s {
			t.Fatalf("%q reads back as %+v, which records %q", s, r, got)
		}
		ReasonWords(s, "en")
	})
}
