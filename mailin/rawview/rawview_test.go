package rawview

import (
	"slices"
	"strings"
	"testing"
)

const nested = "From: Ana <ana@example.gov.co>\r\nSubject: Factura\r\n  del equipo\r\nContent-Type: multipart/mixed; boundary=out\r\n\r\n" +
	"preamble\r\n--out\r\nContent-Type: multipart/alternative; boundary=in\r\n\r\n" +
	"--in\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nhola\r\n--in\r\nContent-Type: text/html\r\n\r\n<p>hola</p>\r\n--in--\r\n" +
	"--out\r\nContent-Type: application/pdf; name=f.pdf\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=\"factura.pdf\"\r\n\r\nJVBERg==\r\n" +
	"--out\r\nContent-Type: message/rfc822\r\n\r\nSubject: reenviado\r\n\r\ntexto\r\n--out--\r\n"

func TestOutline(t *testing.T) {
	cases := []struct {
		name     string
		raw      string
		parts    []string // depth:type:filename
		problems []Problem
		subject  string
	}{
		{"plain", "Subject: hola\r\n\r\ncuerpo\r\n", []string{"0:text/plain:"}, nil, "hola"},
		{"nested", nested, []string{"0:multipart/mixed:", "1:multipart/alternative:", "2:text/plain:", "2:text/html:",
			"1:application/pdf:factura.pdf", "1:message/rfc822:", "2:text/plain:"}, nil, "Factura del equipo"},
		{"no boundary", "Content-Type: multipart/mixed\r\n\r\nx", []string{"0:multipart/mixed:"}, []Problem{NoBoundary}, ""},
		{"unclosed", "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nuno\r\n--b\r\nContent-Type: image/png\r\n\r\nxx",
			[]string{"0:multipart/mixed:", "1:text/plain:", "1:image/png:"}, []Problem{Unclosed}, ""},
		{"bad header line", "Subject: a\r\nthis is no field\r\n\r\n", []string{"0:text/plain:"}, []Problem{BadHeaderLines}, "a"},
		{"no body", "Subject: solo cabecera\r\n", []string{"0:text/plain:"}, nil, "solo cabecera"},
		{"control characters", "Subject: a\x1b[31mb\u202e\r\n\r\n", []string{"0:text/plain:"}, nil, "a\uFFFD[31mb\uFFFD"},
		{"deep", strings.Repeat("Content-Type: message/rfc822\r\n\r\n", 30), nil, []Problem{TooDeep}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := Outline([]byte(c.raw))
			var got []string
			for _, p := range v.Parts {
				got = append(got, strings.Join([]string{string(rune('0' + p.Depth)), p.ContentType, p.Filename}, ":"))
			}
			if c.parts != nil && !slices.Equal(got, c.parts) {
				t.Errorf("parts = %q, want %q", got, c.parts)
			}
			if !slices.Equal(v.Problems, c.problems) {
				t.Errorf("problems = %v, want %v", v.Problems, c.problems)
			}
			if s := Get(v.Header, "subject"); s != c.subject {
				t.Errorf("subject = %q, want %q", s, c.subject)
			}
		})
	}
}

func TestOutlineBoundsParts(t *testing.T) {
	raw := "Content-Type: multipart/mixed; boundary=b\r\n\r\n" + strings.Repeat("--b\r\n\r\nx\r\n", 2*MaxParts) + "--b--\r\n"
	v := Outline([]byte(raw))
	if len(v.Parts) != MaxParts || !slices.Equal(v.Problems, []Problem{TooManyParts}) {
		t.Errorf("%d parts, problems %v", len(v.Parts), v.Problems)
	}
}

func TestOutlineSizes(t *testing.T) {
	v := Outline([]byte("Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\n12345\r\n--b--\r\n"))
	if len(v.Parts) != 2 || v.Parts[1].Size != 5 {
		t.Errorf("parts = %+v", v.Parts)
	}
}
