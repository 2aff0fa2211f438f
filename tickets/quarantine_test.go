package tickets

import (
	"testing"
)

// TestQuarantineWords: every reason quarantine records reads back as the
// words its sender and the desk were told, in either language.
func TestQuarantineWords(t *testing.T) {
	reasons := []QuarantineReason{
		{Kind: "size", Size: 33030144, Limit: 26214400},
		{Kind: "header", Limit: 65536},
		{Kind: "depth", Limit: 20},
		{Kind: "parts", Limit: 200},
		{Kind: "empty"},
		{Kind: "unreadable", Detail: "mime: no media type"},
		{Kind: "no_from"},
		{Kind: "failed", Detail: "pq: value too long for type character varying(998)"},
	}
	for _, r := range reasons {
		for _, lang := range []string{"es", "en"} {
			words, detail, ok := QuarantineWords(r.Record(), lang)
			if !ok || words != r.Words(lang) || detail != r.Detail {
				t.Errorf("QuarantineWords(%q, %s) = %q, %q, %v; want %q, %q", r.Record(), lang, words, detail, ok, r.Words(lang), r.Detail)
			}
		}
	}
	if w, _, _ := QuarantineWords("message is 33030144 bytes, over the limit of 26214400 bytes", "es"); w != "el mensaje ocupa 31,5 MB y la Mesa de Servicio recibe mensajes de hasta 25 MB; envíe los archivos grandes por otro medio (una carpeta compartida, por ejemplo) o en varios mensajes" {
		t.Errorf("size in Spanish: %q", w)
	}
	for _, old := range []string{"", "something new", "message is 5 bytes, limit 4", "header is over many bytes", "message has more than 99999999999999999999 MIME parts"} {
		if w, d, ok := QuarantineWords(old, "es"); ok {
			t.Errorf("QuarantineWords(%q) = %q, %q: a record quarantine does not write", old, w, d)
		}
	}
}

// FuzzQuarantineWords: whatever a record says, no panic; what it reads back
// as, it records again the same.
func FuzzQuarantineWords(f *testing.F) {
	for _, s := range []string{"message is 1 bytes, over the limit of 2 bytes", "header is over 3 bytes", "MIME nesting is deeper than 4",
		"unreadable message: the message is empty", "unreadable message: x", "processing failed: y\nz", "no usable From address", "otra cosa"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, ok := readQuarantineRecord(s)
		if !ok {
			return
		}
		if got := r.Record(); got != s {
			t.Fatalf("%q reads back as %+v, which records %q", s, r, got)
		}
		QuarantineWords(s, "en")
	})
}
