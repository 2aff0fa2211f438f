package mailin

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSubjectTicket(t *testing.T) {
	for subject, want := range map[string]int64{
		"Re: [OTI-123] Recibimos su solicitud": 123,
		"RE: [oti-7]":                          7,
		"[OTI #9] x":                           9,
		"[ OTI-12 ] x":                         12,
		"OTI-123 sin corchetes":                0,
		"[OTIS-5] otro sistema":                0,
		"[OTI-0]":                              0,
		"[OTI-99999999999999] demasiado largo": 0,
	} {
		got, ok := subjectTicket(subject, "OTI")
		if !ok {
			got = 0
		}
		if got != want {
			t.Errorf("subjectTicket(%q) = %d, want %d", subject, got, want)
		}
	}
}

func TestScanMessageID(t *testing.T) {
	for raw, want := range map[string]string{
		"Message-ID: <a@b>\r\n\r\nbody":                  "a@b",
		"message-id:   <a@b>  \n\nbody":                  "a@b",
		"Subject: x\r\n\r\nMessage-ID: <body@x>\r\n":     "",
		"Message-ID: <a b@c>\r\n\r\n":                    "",
		"no header at all":                               "",
		"Message-ID: <x@y>\r\nMessage-ID: <z@y>\r\n\r\n": "x@y",
		"Message-ID: <a\x00b@c>\r\n\r\n":                 "",
		"Message-ID: <a\xffb@c>\r\n\r\n":                 "",
	} {
		if got := scanMessageID([]byte(raw)); got != want {
			t.Errorf("scanMessageID(%q) = %q, want %q", raw, got, want)
		}
	}
}

// FuzzMatchingParsers: the helpers that read untrusted headers to find a
// ticket never panic and return well-formed values.
func FuzzMatchingParsers(f *testing.F) {
	f.Add("Re: [OTI-123] hola", "Message-ID: <a@b>\r\n\r\nx")
	f.Add("[OTI-", "Message-ID:\r\n")
	f.Add(strings.Repeat("[OTI-1", 1000), strings.Repeat("X: y\r\n", 1000))
	f.Fuzz(func(t *testing.T, subject, raw string) {
		if id, ok := subjectTicket(subject, "OTI"); ok && id <= 0 {
			t.Fatalf("non-positive ticket id %d", id)
		}
		id := scanMessageID([]byte(raw))
		if strings.ContainsAny(id, " \t\r\n<>\x00") || len(id) > 500 || !utf8.ValidString(id) {
			t.Fatalf("bad id %q", id)
		}
	})
}
