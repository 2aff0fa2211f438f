package email

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestDecodeText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain ascii", "Hola", "Hola"},
		{"raw utf-8", "Pérez", "Pérez"},
		{"raw latin-1", "P\xe9rez", "Pérez"},
		{"raw windows-1252 quotes", "\x93hola\x94", "“hola”"},
		{"Q word", "=?ISO-8859-1?Q?P=E9rez?=", "Pérez"},
		{"B word", "=?utf-8?b?UMOpcmV6?=", "Pérez"},
		{"space between words dropped", "=?utf-8?q?a?= =?utf-8?q?b?=", "ab"},
		{"folding between words dropped", "=?utf-8?q?a?=\r\n\t=?utf-8?q?b?=", "ab"},
		{"text between words kept", "=?utf-8?q?a?= y =?utf-8?q?b?=", "a y b"},
		{"space after last word kept before text", "=?utf-8?q?a?= fin", "a fin"},
		{"adjacent words without space", "=?utf-8?q?a?==?utf-8?q?b?=", "ab"},
		{"underscore is space", "=?utf-8?q?a_b?=", "a b"},
		{"unknown encoding letter kept", "=?utf-8?x?abc?=", "=?utf-8?x?abc?="},
		{"unterminated word kept", "=?utf-8?q?abc", "=?utf-8?q?abc"},
		{"bad base64 kept", "=?utf-8?B?@@@?=", "=?utf-8?B?@@@?="},
		{"empty charset kept", "=??q?abc?=", "=??q?abc?="},
		{"unknown charset guessed", "=?x-nada?q?P=E9rez?=", "Pérez"},
		{"koi8-r", "=?koi8-r?B?8NLJ18XU?=", "Привет"},
		{"iso-2022-jp", "=?ISO-2022-JP?B?GyRCJUYlOSVIGyhC?=", "テスト"},
		{"character split across B words", "=?utf-8?B?ww==?= =?utf-8?B?qQ==?=", "é"},
		{"character split across Q words", "=?utf-8?Q?=C3?= =?utf-8?Q?=A9?=", "é"},
		{"stray equals in Q", "=?utf-8?q?1=2?=", "1=2"},
		{"lone =? in text", "a =? b", "a =? b"},
		{"word inside raw latin-1", "=?utf-8?q?Ca=C3=B1a?= y P\xe9rez", "Caña y Pérez"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := decodeText(tt.in); got != tt.want {
				t.Errorf("decodeText(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestCleanLine(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"clean", "Hola mundo", "Hola mundo"},
		{"crlf folded", "Hola\r\n mundo", "Hola mundo"},
		{"tabs and runs", "\tHola  \t mundo ", "Hola mundo"},
		{"nul and c1", "a\x00b\u0085c", "a b c"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := cleanLine(tt.in); got != tt.want {
				t.Errorf("cleanLine(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseIDs(t *testing.T) {
	tests := []struct {
		name string
		in   string
		max  int
		want []string
	}{
		{"one", "<a@b>", 10, []string{"a@b"}},
		{"list with spaces", "<a@b> <c@d>\r\n <e@f>", 10, []string{"a@b", "c@d", "e@f"}},
		{"commas", "<a@b>,<c@d>", 10, []string{"a@b", "c@d"}},
		{"garbage between", "junk <a@b> (comment) more <c@d> tail", 10, []string{"a@b", "c@d"}},
		{"no brackets", "a@b c@d", 10, []string{"a@b", "c@d"}},
		{"no brackets words without @ dropped", "hola a@b mundo", 10, []string{"a@b"}},
		{"space inside brackets removed", "<a @ b>", 10, []string{"a@b"}},
		{"unterminated last", "<a@b> <c@d", 10, []string{"a@b", "c@d"}},
		{"double open", "<<a@b>", 10, []string{"a@b"}},
		{"empty brackets", "<> <a@b>", 10, []string{"a@b"}},
		{"duplicates dropped", "<a@b> <c@d> <a@b>", 10, []string{"a@b", "c@d"}},
		{"quote dropped", `<"a"@b>`, 10, nil},
		{"cap keeps root and last", "<1@x> <2@x> <3@x> <4@x> <5@x>", 3, []string{"1@x", "4@x", "5@x"}},
		{"empty", "", 10, nil},
		{"only garbage", "basura sin corchetes", 10, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := parseIDs(tt.in, tt.max); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("parseIDs(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseAddressList(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []Address
	}{
		{"bare", "Ana@Example.ORG", []Address{{"", "ana@example.org"}}},
		{"named", "Ana Rojas <ana@example.org>", []Address{{"Ana Rojas", "ana@example.org"}}},
		{"quoted name with comma", `"Rojas, Ana" <ana@example.org>, b@example.org`, []Address{{"Rojas, Ana", "ana@example.org"}, {"", "b@example.org"}}},
		{"encoded name", "=?utf-8?Q?Jos=C3=A9?= <jose@example.org>", []Address{{"José", "jose@example.org"}}},
		{"encoded name in quotes", `"=?utf-8?Q?Jos=C3=A9?=" <jose@example.org>`, []Address{{"José", "jose@example.org"}}},
		{"raw latin-1 name", "Jos\xe9 <jose@example.org>", []Address{{"José", "jose@example.org"}}},
		{"comment name", "jose@example.org (José Pérez)", []Address{{"José Pérez", "jose@example.org"}}},
		{"group", "Soporte: a@example.org, b@example.org;", []Address{{"", "a@example.org"}, {"", "b@example.org"}}},
		{"semicolon separated", "a@example.org; b@example.org", []Address{{"", "a@example.org"}, {"", "b@example.org"}}},
		{"missing comma", "Ana <a@example.org> Beto <b@example.org>", []Address{{"Ana", "a@example.org"}, {"Beto", "b@example.org"}}},
		{"unquoted dots in name", "Ana M. Rojas <a@example.org>", []Address{{"Ana M. Rojas", "a@example.org"}}},
		{"name equal to address dropped", "a@example.org <a@example.org>", []Address{{"", "a@example.org"}}},
		{"two @ invalid", "a@b@example.org", nil},
		{"no domain invalid", "ana@", nil},
		{"no @ invalid", "Ana Rojas", nil},
		{"crlf inside invalid", "<a\r\n@example.org>", nil},
		{"empty", "", nil},
		{"undisclosed", "undisclosed-recipients:;", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := parseAddressList(tt.in)
			if len(got) == 0 && len(tt.want) == 0 {
				return
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("parseAddressList(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseMediaHeader(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		wantValue string
		param     string
		wantParam string
	}{
		{"simple", `text/plain; charset="UTF-8"`, "text/plain", "charset", "UTF-8"},
		{"case", `Text/HTML; CHARSET=iso-8859-1`, "text/html", "charset", "iso-8859-1"},
		{"duplicate first wins", `application/pdf; name="a.pdf"; name="b.pdf"`, "application/pdf", "name", "a.pdf"},
		{"unquoted tspecials", `application/pdf; name=Invoice_(1).pdf`, "application/pdf", "name", "Invoice_(1).pdf"},
		{"unterminated quote", `text/html; charset="UTF-8`, "text/html", "charset", "UTF-8"},
		{"escaped quote", `attachment; filename="a \"b\".txt"`, "attachment", "filename", `a "b".txt`},
		{"missing semicolon", `application/pdf name="x.pdf"`, "application/pdf", "name", "x.pdf"},
		{"valueless parameter skipped", `text/plain; iso-8859-1; charset=utf-8`, "text/plain", "charset", "utf-8"},
		{"rfc2231 utf-8", `attachment; filename*=UTF-8''informe%20a%C3%B1o.pdf`, "attachment", "filename", "informe año.pdf"},
		{"rfc2231 latin-1", `attachment; filename*=iso-8859-1'es'a%F1o.pdf`, "attachment", "filename", "año.pdf"},
		{"rfc2231 continuations", `attachment; filename*0*=UTF-8''a%C3; filename*1*=%B1o; filename*2=".pdf"`, "attachment", "filename", "año.pdf"},
		{"rfc2231 continuations out of order", `attachment; filename*1=b.pdf; filename*0=a`, "attachment", "filename", "ab.pdf"},
		{"rfc2231 wins over plain", `attachment; filename="plain.pdf"; filename*=UTF-8''ext.pdf`, "attachment", "filename", "ext.pdf"},
		{"rfc2047 in quoted", `attachment; filename="=?UTF-8?Q?a=C3=B1o.pdf?="`, "attachment", "filename", "año.pdf"},
		{"8-bit filename", "attachment; filename=\"a\xf1o.pdf\"", "attachment", "filename", "año.pdf"},
		{"empty", "", "", "charset", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, params := parseMediaHeader(tt.in)
			if v != tt.wantValue {
				t.Errorf("value = %q, want %q", v, tt.wantValue)
			}
			if got := paramText(params, tt.param); got != tt.wantParam {
				t.Errorf("param %s = %q, want %q", tt.param, got, tt.wantParam)
			}
		})
	}
}

func TestSanitizeFilename(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain", "informe año.pdf", "informe año.pdf"},
		{"unix path", "../../etc/passwd", "passwd"},
		{"windows path", `C:\Users\ana\Desktop\foto.jpg`, "foto.jpg"},
		{"control chars", "a\x00b\nc.txt", "a_b_c.txt"},
		{"bidi override", "factura\u202Efdp.exe", "factura_fdp.exe"},
		{"reserved chars", `a:b*c?"d"<e>|f.txt`, "a_b_c__d__e__f.txt"},
		{"leading dots", "...hidden", "hidden"},
		{"only dots", "..", ""},
		{"empty", "", ""},
		{"only junk", "\x01\x02", ""},
		{"long keeps extension", strings.Repeat("ñ", 150) + ".pdf", strings.Repeat("ñ", 98) + ".pdf"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := sanitizeFilename(tt.in); got != tt.want {
				t.Errorf("sanitizeFilename(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestDecodeTransfer(t *testing.T) {
	tests := []struct{ name, enc, in, want string }{
		{"qp hex both cases", "quoted-printable", "a=3Db=3db", "a=b=b"},
		{"qp soft break lf", "quoted-printable", "ab=\ncd", "abcd"},
		{"qp soft break crlf with spaces", "quoted-printable", "ab=  \r\ncd", "abcd"},
		{"qp trailing spaces dropped", "quoted-printable", "ab   \r\ncd", "ab\r\ncd"},
		{"qp stray equals kept", "quoted-printable", "1 = 2 =G", "1 = 2 =G"},
		{"qp equals at end", "quoted-printable", "abc=", "abc"},
		{"base64", "base64", "aG9sYQ==", "hola"},
		{"base64 lines", "BASE64", "aG9s\r\nYQ==\r\n", "hola"},
		{"base64 no padding", "base64", "aG9sYQ", "hola"},
		{"base64 garbage chars", "base64", "aG9s*YQ==", "hola"},
		{"base64 concatenated chunks", "base64", "aG9sYQ==\r\naG9sYQ==", "holahola"},
		{"base64 indented", "base64", "  aG9s\r\n  YQ==", "hola"},
		{"base64 that is prose", "base64", "hola que tal amigo\r\nesto no es base64 para nada\r\n", "hola que tal amigo\r\nesto no es base64 para nada\r\n"},
		{"7bit", "7bit", "as is", "as is"},
		{"unknown", "x-uuencode", "as is", "as is"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(decodeTransfer(tt.enc, []byte(tt.in))); got != tt.want {
				t.Errorf("decodeTransfer(%s, %q) = %q, want %q", tt.enc, tt.in, got, tt.want)
			}
		})
	}
}

func TestDecodeCharset(t *testing.T) {
	tests := []struct{ name, cs, in, want string }{
		{"utf-8 valid", "utf-8", "año", "año"},
		{"utf-8 with latin-1 bytes", "UTF-8", "a\xf1o y año", "año y año"},
		{"missing charset latin-1", "", "a\xf1o", "año"},
		{"us-ascii with 8-bit", "us-ascii", "a\xf1o", "año"},
		{"latin-1 is read as windows-1252", "iso-8859-1", "\x93a\xf1o\x94 \x80", "“año” €"},
		{"latin-1 label, utf-8 bytes", "latin1", "año", "año"},
		{"quoted label", `"windows-1252"`, "a\xf1o", "año"},
		{"koi8-r", "koi8-r", "\xf0\xd2\xc9\xd7\xc5\xd4", "Привет"},
		{"shift_jis", "shift_jis", "\x83e\x83X\x83g", "テスト"},
		{"unknown label", "x-klingon", "a\xf1o", "año"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := decodeCharset(tt.cs, []byte(tt.in)); got != tt.want {
				t.Errorf("decodeCharset(%q, %q) = %q, want %q", tt.cs, tt.in, got, tt.want)
			}
		})
	}
}

func TestSplitMultipart(t *testing.T) {
	tests := []struct {
		name     string
		body     string
		boundary string
		want     []string
	}{
		{"crlf", "pre\r\n--b\r\nA\r\n--b\r\nB\r\n--b--\r\nepi", "b", []string{"A", "B"}},
		{"lf", "--b\nA\n--b\nB\n--b--\n", "b", []string{"A", "B"}},
		{"mixed endings", "--b\r\nA\n--b\nB\r\n--b--", "b", []string{"A", "B"}},
		{"no closing", "--b\nA\n--b\nB tail\n", "b", []string{"A", "B tail\n"}},
		{"longer boundary not confused", "--b\nA\n--bb\nstill A\n--b--\n", "b", []string{"A\n--bb\nstill A"}},
		{"delimiter not at line start", "--b\nA --b\n--b--", "b", []string{"A --b"}},
		{"trailing space after delimiter", "--b  \nA\n--b-- \n", "b", []string{"A"}},
		{"empty part", "--b\n\n--b--", "b", []string{""}},
		{"no delimiter", "just text", "b", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, p := range splitMultipart([]byte(tt.body), tt.boundary) {
				got = append(got, string(p))
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("parts = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestUnflow(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		delsp bool
		want  string
	}{
		{"joins flowed lines", "Hola, la impresora \nno imprime.\n", false, "Hola, la impresora no imprime.\n"},
		{"delsp with no flowed line", "impre\nsora\n", true, "impre\nsora\n"},
		{"delsp joins", "impre \nsora\n", true, "impresora\n"},
		{"quoted depth kept", "> uno \n> dos\nfin\n", false, "> uno dos\nfin\n"},
		{"depth change ends paragraph", "> uno \nfin\n", false, "> uno \nfin\n"},
		{"signature line not flowed", "-- \nAna\n", false, "-- \nAna\n"},
		{"space stuffing removed", "hola \n From here\n", false, "hola From here\n"},
		{"fixed text untouched", "a\nb\n", false, "a\nb\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := unflow(tt.in, tt.delsp); got != tt.want {
				t.Errorf("unflow(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseHeaderLenient(t *testing.T) {
	tests := []struct {
		name     string
		raw      string
		field    string
		want     string
		wantBody string
	}{
		{"mbox from line skipped", "From ana Mon Jan 1\nSubject: hola\n\nbody", "Subject", "hola", "body"},
		{"leading space on first field", " Subject: hola\n\nbody", "Subject", "hola", "body"},
		{"fold unfolded", "Subject: uno\r\n\tdos\r\n\r\nbody", "Subject", "uno dos", "body"},
		{"broken fold with =", "Content-Type: text/plain;\r\ncharset=utf-8\r\n\r\nbody", "Content-Type", "text/plain; charset=utf-8", "body"},
		{"space before colon", "Subject : hola\n\nbody", "Subject", "hola", "body"},
		{"missing blank line", "Subject: hola\nEste es el cuerpo\n", "Subject", "hola", "Este es el cuerpo\n"},
		{"no body", "Subject: hola\n", "Subject", "hola", ""},
		{"empty value", "Subject:\n\nbody", "Subject", "", "body"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, body, err := parseHeader([]byte(tt.raw), 1<<16)
			if err != nil {
				t.Fatal(err)
			}
			if got := h.first(tt.field); got != tt.want {
				t.Errorf("%s = %q, want %q", tt.field, got, tt.want)
			}
			if string(body) != tt.wantBody {
				t.Errorf("body = %q, want %q", body, tt.wantBody)
			}
		})
	}
}

// TestDecodedTextIsStorable: NUL bytes and invalid UTF-8 that only appear
// once a part is decoded (quoted-printable "=00", base64, a wrong charset)
// come out as U+FFFD, as they do in an unencoded body, so that the text can
// be stored; before, "=00" reached PostgreSQL and quarantined the message.
func TestDecodedTextIsStorable(t *testing.T) {
	const head = "From: Ana <ana@example.gov.co>\r\nSubject: hola\r\nMIME-Version: 1.0\r\n"
	tests := []struct {
		name, raw, text, html string
	}{
		{"raw NUL", head + "\r\nhola\x00mundo\r\n", "hola\uFFFDmundo\n", ""},
		{"quoted-printable NUL", head + "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nhola=00mundo\r\n", "hola\uFFFDmundo\n", ""},
		// "hola\x00mundo\r\n"
		{"base64 NUL", head + "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\naG9sYQBtdW5kbw0K\r\n", "hola\uFFFDmundo\n", ""},
		{"quoted-printable invalid UTF-8 in a charset that keeps bytes", head + "Content-Type: text/plain; charset=utf-16\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n=00h=00o=D8=00\r\n", "", ""},
		{"HTML with NUL", head + "Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n<p>hola=00mundo</p>\r\n", "hola\uFFFDmundo", "<p>hola\uFFFDmundo</p>\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := Parse([]byte(tc.raw), DefaultLimits())
			if err != nil {
				t.Fatal(err)
			}
			for name, s := range map[string]string{"Text": m.Text, "HTML": m.HTML} {
				if !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0 {
					t.Errorf("%s = %q: not storable", name, s)
				}
			}
			if tc.text != "" && m.Text != tc.text {
				t.Errorf("Text = %q, want %q", m.Text, tc.text)
			}
			if tc.html != "" && m.HTML != tc.html {
				t.Errorf("HTML = %q, want %q", m.HTML, tc.html)
			}
		})
	}
}

// TestHeaderDerivedTextIsStorable: what Parse takes from header fields
// without decoding them (a part's Content-ID, a delivery report's fields,
// the automatic-mail reason) is storable text too.
func TestHeaderDerivedTextIsStorable(t *testing.T) {
	raw := "From: MAILER-DAEMON@mx.example\r\nSubject: fallo\r\nAuto-Submitted: auto-replied\xff\r\n" +
		"Content-Type: multipart/report; report-type=delivery-status; boundary=r\r\n\r\n" +
		"--r\r\nContent-Type: image/png\r\nContent-ID: <a\x00b\xfe@x>\r\n\r\nPNG\r\n" +
		"--r\r\nContent-Type: message/delivery-status\r\n\r\nOriginal-Envelope-Id: env\x00\xff\r\n\r\n" +
		"Final-Recipient: rfc822; a\x00\xff@x.co\r\nAction: fail\xffed\r\nStatus: 5.1.1\x00\r\n--r--\r\n"
	m, err := Parse([]byte(raw), DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	checkMessage(t, m)
	if m.DSN == nil || len(m.DSN.Recipients) != 1 {
		t.Fatalf("DSN = %+v", m.DSN)
	}
	if m.DSN.OriginalMessageID != "" {
		t.Errorf("a garbage envelope id was kept: %q", m.DSN.OriginalMessageID)
	}
}
