package main

import (
	"errors"
	"strings"
	"testing"

	"github.com/ticketd/ticketd/mailin/email"
)

// The reasons are the ones the parser really gives: a change of wording
// there fails here.
func TestReasonWords(t *testing.T) {
	limitReason := func(raw string, lim email.Limits) string {
		_, err := email.Parse([]byte(raw), lim)
		var le *email.LimitError
		if !errors.As(err, &le) {
			t.Fatalf("no limit error for %q: %v", raw, err)
		}
		return le.Reason
	}
	multipart := "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nuno\r\n--b\r\n\r\ndos\r\n--b--\r\n"
	nested := "Content-Type: multipart/mixed; boundary=a\r\n\r\n--a\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nx\r\n--b--\r\n--a--\r\n"
	cases := []struct{ reason, want string }{
		{limitReason("Subject: x\r\n\r\n"+strings.Repeat("x", 70000), email.Limits{MaxBytes: 65536}), "el mensaje tiene 70014 bytes, más del máximo de 65536"},
		{limitReason("Subject: "+strings.Repeat("x", 5000)+"\r\n\r\nx", email.Limits{MaxHeaderBytes: 4096}), "la cabecera supera los 4096 bytes"},
		{limitReason(nested, email.Limits{MaxDepth: 1}), "las partes MIME anidan más allá del máximo de 1 niveles"},
		{limitReason(multipart, email.Limits{MaxParts: 2}), "el mensaje tiene más de 2 partes MIME"},
		{"message is 50000000 bytes, over the limit of 26214400", "el mensaje tiene 50000000 bytes, más del máximo de 26214400 (solo se guardó su cabecera)"},
		{"no usable From address", "no trae una dirección de remitente (From) utilizable"},
		{"processing failed: pq: value too long", "falló su procesamiento: pq: value too long"},
		{"something new", "something new"},
	}
	for _, c := range cases {
		if got := reasonWords(c.reason); got != c.want {
			t.Errorf("reasonWords(%q) = %q, want %q", c.reason, got, c.want)
		}
	}
}
