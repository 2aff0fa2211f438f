package email

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatalf("read fixture: %v", err)
	}
	return raw
}

// attachmentSummary is the part of an Attachment a fixture test checks.
type attachmentSummary struct {
	Filename, ContentType, ContentID string
	Inline                           bool
}

func summarize(atts []Attachment) []attachmentSummary {
	var out []attachmentSummary
	for _, a := range atts {
		out = append(out, attachmentSummary{a.Filename, a.ContentType, a.ContentID, a.Inline})
	}
	return out
}

func TestParseFixtures(t *testing.T) {
	tests := []struct {
		file         string
		messageID    string
		subject      string
		from         Address
		to           []Address
		cc           []Address
		inReplyTo    []string
		date         string // RFC 3339, "" for zero
		textHas      []string
		textHasNot   []string
		textFromHTML bool
		htmlHas      string
		attachments  []attachmentSummary
		auto         AutoKind
		autoReason   string
	}{
		{
			file:      "outlook-es.eml",
			messageID: "CO1PR10MB4563A1B2C3D4E5F6@CO1PR10MB.namprd10.prod.outlook.com",
			subject:   "Ayúdame, no imprime",
			from:      Address{"José Pérez", "jose.perez@entidad.gov.co"},
			to:        []Address{{"Soporte OTI", "soporte.oti@entidad.gov.co"}},
			cc:        []Address{{"María Gómez", "maria.gomez@entidad.gov.co"}, {"", "jefe.planeacion@entidad.gov.co"}},
			date:      "2025-03-03T14:02:10Z",
			textHas:   []string{"Buenos días,\n\nLa impresora del tercer piso no imprime desde ayer. Ya la reinicié y sigue igual.\n¿Me pueden ayudar?", "Oficina de Planeación"},
			htmlHas:   "Buenos d&iacute;as",
			// Outlook's X-Auto-Response-Suppress: a person's mail that asks
			// for no automatic answer.
			autoReason: "X-Auto-Response-Suppress: All",
		},
		{
			file:         "gmail-html-only.eml",
			messageID:    "CAFx8Yb4Qm+example=Zq@mail.gmail.com",
			subject:      "Re: [OTI-1042] El correo no sincroniza",
			from:         Address{"Ana Rojas", "ana.rojas.entidad@gmail.com"},
			to:           []Address{{"Soporte OTI", "soporte.oti@entidad.gov.co"}},
			inReplyTo:    []string{"ticket-1042.1741011300@soporte.entidad.gov.co"},
			date:         "2025-03-03T09:20:00-05:00",
			textHas:      []string{"Hola, buenas tardes:\n\nEl correo no sincroniza en el celular. Seguí los pasos de la guía (https://intranet.entidad.gov.co/guia-correo) y nada.", "> Su caso [OTI-1042] fue recibido."},
			textHasNot:   []string{"<div", "mailto:"},
			textFromHTML: true,
			htmlHas:      `<div dir="ltr">Hola, buenas tardes:`,
		},
		{
			file:      "latin1.eml",
			messageID: "20250304080000.4711@pc-planeacion.entidad.gov.co",
			subject:   "Solicitud VPN año 2025",
			from:      Address{"Luis Martínez", "lmartinez@entidad.gov.co"},
			to:        []Address{{"", "soporte.oti@entidad.gov.co"}},
			date:      "2025-03-04T08:00:00-05:00",
			textHas:   []string{"Buenos días:", "el próximo año.", "¡Gracias!", "Luis Martínez"},
		},
		{
			file:      "windows1252.eml",
			messageID: "0001abc$def@entidad.gov.co",
			subject:   "Error en nómina – “exportar”",
			from:      Address{"Carolina Díaz", "cdiaz@entidad.gov.co"},
			to:        []Address{{"", "soporte.oti@entidad.gov.co"}},
			date:      "2025-03-04T10:30:00-05:00",
			textHas:   []string{"El “sistema de nómina” muestra un error al exportar – el valor es 1.500 €.", "Adjunto… nada, sólo el texto."},
		},
		{
			file:      "broken-utf8.eml",
			messageID: "broken-utf8-1@entidad.gov.co",
			subject:   "Contraseña bloqueada",
			from:      Address{"Pedro", "pedro@entidad.gov.co"},
			to:        []Address{{"", "soporte.oti@entidad.gov.co"}},
			date:      "2025-03-04T11:00:00-05:00",
			// Latin-1 and UTF-8 lines in one body declared utf-8: both survive.
			textHas:    []string{"Mi contraseña quedó bloqueada.\nYa intenté el enlace de recuperación."},
			textHasNot: []string{"\uFFFD", "Ã"},
		},
		{
			file:      "attachments-rfc2231.eml",
			messageID: "attach-2231@entidad.gov.co",
			subject:   "Informe del error",
			from:      Address{"Marta Ruiz", "mruiz@entidad.gov.co"},
			to:        []Address{{"", "soporte.oti@entidad.gov.co"}},
			date:      "2025-03-05T09:00:00-05:00",
			textHas:   []string{"Adjunto el informe y el acta."},
			attachments: []attachmentSummary{
				{Filename: "informe año.pdf", ContentType: "application/pdf"},
				{Filename: "acta reunión de marzo.docx", ContentType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
				{Filename: "inventario cómputo.csv", ContentType: "text/csv"},
				{Filename: "passwd", ContentType: "application/octet-stream"},
			},
		},
		{
			file:      "inline-image.eml",
			messageID: "inline-img@entidad.gov.co",
			subject:   "Pantallazo del error",
			from:      Address{"Jorge Vela", "jvela@entidad.gov.co"},
			to:        []Address{{"", "soporte.oti@entidad.gov.co"}},
			date:      "2025-03-05T10:00:00-05:00",
			textHas:   []string{"Les envio el pantallazo del error."},
			htmlHas:   `<img src="cid:ii_m7abc123"`,
			attachments: []attachmentSummary{
				{Filename: "error.png", ContentType: "image/png", ContentID: "ii_m7abc123", Inline: true},
			},
		},
		{
			file:      "forwarded.eml",
			messageID: "fwd-1@entidad.gov.co",
			subject:   "RV: Impresora piso 3",
			from:      Address{"Laura Peña", "lpena@entidad.gov.co"},
			to:        []Address{{"", "soporte.oti@entidad.gov.co"}},
			date:      "2025-03-06T08:00:00-05:00",
			textHas:   []string{"Les reenvío el reporte del jefe."},
			// The forwarded text stays in the attachment, not in Text.
			textHasNot: []string{"atasca el papel"},
			attachments: []attachmentSummary{
				{Filename: "Impresora piso 3.eml", ContentType: "message/rfc822"},
			},
		},
		{
			file:       "dsn-bounce.eml",
			messageID:  "20250306140005.ABC123@mx.entidad.gov.co",
			subject:    "Undelivered Mail Returned to Sender",
			from:       Address{"Mail Delivery System", "mailer-daemon@mx.entidad.gov.co"},
			to:         []Address{{"", "soporte.oti@entidad.gov.co"}},
			date:       "2025-03-06T09:00:05-05:00",
			textHas:    []string{"could not\nbe delivered"},
			auto:       Bounce,
			autoReason: "message/delivery-status report (RFC 3464)",
			attachments: []attachmentSummary{
				{Filename: "[OTI-1042] Caso recibido.eml", ContentType: "message/rfc822"},
			},
		},
		{
			file:       "auto-reply-es.eml",
			messageID:  "oof-1@entidad.gov.co",
			subject:    "Respuesta automática: [OTI-1042] Caso recibido",
			from:       Address{"Camilo Sánchez", "csanchez@entidad.gov.co"},
			to:         []Address{{"", "soporte.oti@entidad.gov.co"}},
			inReplyTo:  []string{"ticket-1042.ack@soporte.entidad.gov.co"},
			date:       "2025-03-06T10:00:00-05:00",
			textHas:    []string{"Estoy fuera de la oficina"},
			auto:       AutoReply,
			autoReason: "out-of-office subject (respuesta automática)",
		},
		{
			file:       "vacation-rfc3834.eml",
			messageID:  "vac-1@entidad.gov.co",
			subject:    "Re: [OTI-1050] Acceso a carpeta compartida",
			from:       Address{"Sofia Lara", "slara@entidad.gov.co"},
			to:         []Address{{"", "soporte.oti@entidad.gov.co"}},
			date:       "2025-03-06T10:05:00-05:00",
			textHas:    []string{"Estoy de vacaciones."},
			auto:       AutoReply,
			autoReason: "Auto-Submitted: auto-replied",
		},
		{
			file:       "list-bulk.eml",
			messageID:  "bol-10@entidad.gov.co",
			subject:    "Boletin semanal",
			from:       Address{"Boletin Interno", "boletin@entidad.gov.co"},
			to:         []Address{{"", "todos@entidad.gov.co"}},
			date:       "2025-03-07T07:00:00-05:00",
			textHas:    []string{"Noticias de la semana."},
			auto:       Bulk,
			autoReason: "List-Id header",
		},
		{
			// Parse alone does not know the loop header is ours to judge:
			// Classify does (see TestClassify).
			file:      "loop.eml",
			messageID: "ticket-1042.ack@soporte.entidad.gov.co",
			subject:   "[OTI-1042] Caso recibido",
			from:      Address{"Soporte OTI", "soporte.oti@entidad.gov.co"},
			to:        []Address{{"", "soporte.oti@entidad.gov.co"}},
			date:      "2025-03-06T09:00:00-05:00",
			textHas:   []string{"Su caso fue recibido."},
		},
		{
			file:      "garbage-headers.eml",
			messageID: "", // "basura sin corchetes" is no id
			// The unknown charset falls back to Windows-1252; the broken B
			// word stays as written.
			subject:   "Error “factura malâ =?utf-8?B?invalid*base64?= fin",
			from:      Address{"Ana, la de contabilidad", "ana@entidad.gov.co"},
			to:        []Address{{"", "soporte.oti@entidad.gov.co"}, {"", "otro@entidad.gov.co"}},
			inReplyTo: []string{"a@b.c", "x"},
			date:      "",
			textHas:   []string{"Texto con caracteres raros: áéí."},
		},
	}
	for _, tt := range tests {
		t.Run(strings.TrimSuffix(tt.file, ".eml"), func(t *testing.T) {
			raw := readFixture(t, tt.file)
			m, err := Parse(raw, DefaultLimits())
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if m.MessageID != tt.messageID {
				t.Errorf("MessageID = %q, want %q", m.MessageID, tt.messageID)
			}
			if m.Subject != tt.subject {
				t.Errorf("Subject = %q, want %q", m.Subject, tt.subject)
			}
			if m.From != tt.from {
				t.Errorf("From = %+v, want %+v", m.From, tt.from)
			}
			if !reflect.DeepEqual(m.To, tt.to) {
				t.Errorf("To = %+v, want %+v", m.To, tt.to)
			}
			if !reflect.DeepEqual(m.Cc, tt.cc) {
				t.Errorf("Cc = %+v, want %+v", m.Cc, tt.cc)
			}
			if !reflect.DeepEqual(m.InReplyTo, tt.inReplyTo) {
				t.Errorf("InReplyTo = %q, want %q", m.InReplyTo, tt.inReplyTo)
			}
			gotDate := ""
			if !m.Date.IsZero() {
				gotDate = m.Date.Format(time.RFC3339)
			}
			if gotDate != tt.date {
				t.Errorf("Date = %q, want %q", gotDate, tt.date)
			}
			for _, s := range tt.textHas {
				if !strings.Contains(m.Text, s) {
					t.Errorf("Text lacks %q; Text:\n%s", s, m.Text)
				}
			}
			for _, s := range tt.textHasNot {
				if strings.Contains(m.Text, s) {
					t.Errorf("Text holds %q; Text:\n%s", s, m.Text)
				}
			}
			if m.TextFromHTML != tt.textFromHTML {
				t.Errorf("TextFromHTML = %v, want %v", m.TextFromHTML, tt.textFromHTML)
			}
			if tt.htmlHas == "" && m.HTML != "" {
				t.Errorf("HTML = %q, want none", m.HTML)
			}
			if !strings.Contains(m.HTML, tt.htmlHas) {
				t.Errorf("HTML lacks %q", tt.htmlHas)
			}
			if got := summarize(m.Attachments); !reflect.DeepEqual(got, tt.attachments) {
				t.Errorf("Attachments = %+v\nwant %+v", got, tt.attachments)
			}
			for _, a := range m.Attachments {
				if a.Size != len(a.Data) || a.Size == 0 {
					t.Errorf("attachment %q: Size %d, len(Data) %d", a.Filename, a.Size, len(a.Data))
				}
			}
			if m.Auto != tt.auto || m.AutoReason != tt.autoReason {
				t.Errorf("Auto = %q (%q), want %q (%q)", m.Auto, m.AutoReason, tt.auto, tt.autoReason)
			}
			sum := sha256.Sum256(raw)
			if m.ContentHash != hex.EncodeToString(sum[:]) {
				t.Errorf("ContentHash = %s, want the SHA-256 of the raw bytes", m.ContentHash)
			}
		})
	}
}

// TestParseAttachmentData checks decoded attachment bytes, not only names.
func TestParseAttachmentData(t *testing.T) {
	tests := []struct {
		file, filename string
		want           []byte
	}{
		{"attachments-rfc2231.eml", "informe año.pdf", []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")},
		{"attachments-rfc2231.eml", "acta reunión de marzo.docx", []byte("PK fake docx")},
		{"attachments-rfc2231.eml", "inventario cómputo.csv", []byte("placa;equipo\r\n1001;portátil\r\n")},
		{"inline-image.eml", "error.png", []byte("\x89PNG\r\n\x1a\n")}, // prefix
		{"forwarded.eml", "Impresora piso 3.eml", []byte("From: Jefe <jefe@entidad.gov.co>\r\n")},
	}
	for _, tt := range tests {
		t.Run(tt.filename, func(t *testing.T) {
			m, err := Parse(readFixture(t, tt.file), DefaultLimits())
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range m.Attachments {
				if a.Filename == tt.filename {
					if !bytes.HasPrefix(a.Data, tt.want) {
						t.Errorf("Data = %q, want prefix %q", a.Data, tt.want)
					}
					return
				}
			}
			t.Errorf("no attachment %q in %+v", tt.filename, summarize(m.Attachments))
		})
	}
}

func TestParseDSNFixture(t *testing.T) {
	m, err := Parse(readFixture(t, "dsn-bounce.eml"), DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	want := &DeliveryReport{
		OriginalMessageID: "ticket-1042.ack@soporte.entidad.gov.co",
		Failed: []DeliveryStatus{{
			Recipient: "usuario.inexistente@entidad.gov.co", Action: "failed",
			Status: "5.1.1", Diagnostic: "550 5.1.1 User unknown",
		}},
	}
	want.Recipients = want.Failed
	if !reflect.DeepEqual(m.DSN, want) {
		t.Errorf("DSN = %+v\nwant %+v", m.DSN, want)
	}
}

func TestParseHeaderAccess(t *testing.T) {
	m, err := Parse(readFixture(t, "outlook-es.eml"), DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, want string
	}{
		{"Thread-Topic", "Ayúdame, no imprime"},
		{"thread-topic", "Ayúdame, no imprime"},
		{"X-Auto-Response-Suppress", "All"},
		{"X-MS-Has-Attach", ""},
		{"X-Absent", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := m.HeaderValue(tt.name); got != tt.want {
				t.Errorf("HeaderValue(%q) = %q, want %q", tt.name, got, tt.want)
			}
		})
	}
	wantAR := []string{
		"mx.entidad.gov.co; dkim=pass header.d=entidad.gov.co; spf=pass smtp.mailfrom=entidad.gov.co",
		"relay.entidad.gov.co; dmarc=pass header.from=entidad.gov.co",
	}
	if !reflect.DeepEqual(m.AuthenticationResults, wantAR) {
		t.Errorf("AuthenticationResults = %q, want %q", m.AuthenticationResults, wantAR)
	}
}

// TestSubjectEncodings sends "Ayúdame, no imprime" through every way a
// client may write it in a Subject field.
func TestSubjectEncodings(t *testing.T) {
	const want = "Ayúdame, no imprime"
	tests := []struct {
		name    string
		subject string // the raw field value, bytes as sent
	}{
		{"utf-8 Q", "=?UTF-8?Q?Ay=C3=BAdame=2C_no_imprime?="},
		{"utf-8 Q lower case", "=?utf-8?q?Ay=c3=badame=2c_no_imprime?="},
		{"utf-8 B", "=?UTF-8?B?QXnDumRhbWUsIG5vIGltcHJpbWU=?="},
		{"utf-8 B without padding", "=?UTF-8?B?QXnDumRhbWUsIG5vIGltcHJpbWU?="},
		{"iso-8859-1 Q", "=?ISO-8859-1?Q?Ay=FAdame=2C_no_imprime?="},
		{"iso-8859-1 B", "=?iso-8859-1?B?QXn6ZGFtZSwgbm8gaW1wcmltZQ==?="},
		{"windows-1252 Q", "=?windows-1252?Q?Ay=FAdame,_no_imprime?="},
		{"windows-1252 B", "=?Windows-1252?B?QXn6ZGFtZSwgbm8gaW1wcmltZQ==?="},
		{"raw utf-8 (RFC 6532)", "Ayúdame, no imprime"},
		{"raw latin-1 bytes", "Ay\xfadame, no imprime"},
		{"partly encoded", "=?iso-8859-1?Q?Ay=FAdame=2C?= no imprime"},
		{"split across words", "=?UTF-8?Q?Ay=C3?= =?UTF-8?Q?=BAdame,_no?= =?UTF-8?Q?_imprime?="},
		{"split base64 words folded", "=?UTF-8?B?QXnD?=\r\n =?UTF-8?B?umRhbWUsIG5vIGltcHJpbWU=?="},
		{"mixed charsets", "=?iso-8859-1?Q?Ay=FAdame,?= =?utf-8?Q?_no_imprime?="},
		{"Q with raw spaces (broken)", "=?iso-8859-1?Q?Ay=FAdame, no imprime?="},
		{"utf-8 label on latin-1 bytes", "=?utf-8?Q?Ay=FAdame,_no_imprime?="},
		{"charset with language", "=?iso-8859-1*es?Q?Ay=FAdame,_no_imprime?="},
		{"folded plain", "Ayúdame,\r\n no imprime"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := "From: a@b.co\r\nSubject: " + tt.subject + "\r\nMessage-ID: <x@y>\r\n\r\nbody\r\n"
			m, err := Parse([]byte(raw), DefaultLimits())
			if err != nil {
				t.Fatal(err)
			}
			if m.Subject != want {
				t.Errorf("Subject = %q, want %q", m.Subject, want)
			}
		})
	}
}

// TestBodyEncodings sends the same Spanish body through each transfer
// encoding and charset.
func TestBodyEncodings(t *testing.T) {
	const want = "Ayúdame, no imprime: la impresora está bloqueada."
	tests := []struct {
		name, contentType, cte, body string
	}{
		{"utf-8 8bit", "text/plain; charset=utf-8", "8bit", want},
		{"utf-8 quoted-printable", "text/plain; charset=UTF-8", "quoted-printable", "Ay=C3=BAdame, no imprime: la impresora est=C3=A1 bloqueada."},
		{"utf-8 quoted-printable soft breaks", "text/plain; charset=UTF-8", "quoted-printable", "Ay=C3=BAdame, no impr=\r\nime: la impresora est=C3=\r\n=A1 bloqueada."},
		{"utf-8 base64", "text/plain; charset=utf-8", "base64", "QXnDumRhbWUsIG5vIGltcHJpbWU6IGxhIGltcHJlc29yYSBlc3TDoSBibG9xdWVhZGEu"},
		{"utf-8 base64 broken lines", "text/plain; charset=utf-8", "base64", "QXnDumRhbWUsIG5vIGltc HJpbWU6IGxhIGltcHJl\r\n  c29yYSBlc3TDoSBibG9xdWVhZGEu"},
		{"iso-8859-1 8bit", "text/plain; charset=iso-8859-1", "8bit", "Ay\xfadame, no imprime: la impresora est\xe1 bloqueada."},
		{"iso-8859-1 quoted-printable", "text/plain; charset=\"ISO-8859-1\"", "quoted-printable", "Ay=FAdame, no imprime: la impresora est=E1 bloqueada."},
		{"windows-1252 base64", "text/plain; charset=windows-1252", "base64", "QXn6ZGFtZSwgbm8gaW1wcmltZTogbGEgaW1wcmVzb3JhIGVzdOEgYmxvcXVlYWRhLg=="},
		{"no charset, latin-1 bytes", "text/plain", "8bit", "Ay\xfadame, no imprime: la impresora est\xe1 bloqueada."},
		{"no content type, utf-8", "", "", want},
		{"unknown charset, latin-1 bytes", "text/plain; charset=x-mac-desconocido", "8bit", "Ay\xfadame, no imprime: la impresora est\xe1 bloqueada."},
		{"latin-1 label on utf-8 bytes", "text/plain; charset=iso-8859-1", "8bit", want},
		{"iso-8859-15", "text/plain; charset=iso-8859-15", "quoted-printable", "Ay=FAdame, no imprime: la impresora est=E1 bloqueada."},
		{"utf-16 with BOM", "text/plain; charset=utf-16", "base64", "//5BAHkA+gBkAGEAbQBlACwAIABuAG8AIABpAG0AcAByAGkAbQBlADoAIABsAGEAIABpAG0AcAByAGUAcwBvAHIAYQAgAGUAcwB0AOEAIABiAGwAbwBxAHUAZQBhAGQAYQAuAA=="},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := "From: a@b.co\r\nSubject: x\r\n"
			if tt.contentType != "" {
				raw += "Content-Type: " + tt.contentType + "\r\n"
			}
			if tt.cte != "" {
				raw += "Content-Transfer-Encoding: " + tt.cte + "\r\n"
			}
			raw += "\r\n" + tt.body + "\r\n"
			m, err := Parse([]byte(raw), DefaultLimits())
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.TrimSpace(m.Text); got != want {
				t.Errorf("Text = %q, want %q", got, want)
			}
		})
	}
}

func TestParseLimits(t *testing.T) {
	nested := func(depth int) string {
		var b strings.Builder
		b.WriteString("From: a@b.co\r\nSubject: deep\r\n")
		for i := 0; i < depth; i++ {
			b.WriteString("Content-Type: multipart/mixed; boundary=\"b" + string(rune('a'+i%26)) + strings.Repeat("x", i) + "\"\r\n\r\n")
			b.WriteString("--b" + string(rune('a'+i%26)) + strings.Repeat("x", i) + "\r\n")
		}
		b.WriteString("Content-Type: text/plain\r\n\r\nfondo\r\n")
		return b.String()
	}
	manyParts := func(n int) string {
		var b strings.Builder
		b.WriteString("From: a@b.co\r\nSubject: many\r\nContent-Type: multipart/mixed; boundary=\"p\"\r\n\r\n")
		for i := 0; i < n; i++ {
			b.WriteString("--p\r\nContent-Type: text/plain\r\n\r\nparte\r\n")
		}
		b.WriteString("--p--\r\n")
		return b.String()
	}
	tests := []struct {
		name       string
		raw        string
		lim        Limits
		wantLimit  bool
		wantReason string
		// wantHeader: on a limit, the top-level header is still returned.
		wantHeader bool
	}{
		{"size within limit", "From: a@b.co\r\nSubject: s\r\n\r\n" + strings.Repeat("x", 1000), Limits{MaxBytes: 2000}, false, "", false},
		{"size over limit", "From: a@b.co\r\nSubject: s\r\n\r\n" + strings.Repeat("x", 3000), Limits{MaxBytes: 2000}, true, "message is 3028 bytes, limit 2000", true},
		{"header over limit", "From: a@b.co\r\nX-Junk: " + strings.Repeat("y", 600) + "\r\n\r\nbody", Limits{MaxHeaderBytes: 512}, true, "header is over 512 bytes", false},
		{"header with no end over limit", "From: a@b.co\r\n" + strings.Repeat("X-A: b\r\n", 200), Limits{MaxHeaderBytes: 512}, true, "header is over 512 bytes", false},
		{"part header over limit", "From: a@b.co\r\nContent-Type: multipart/mixed; boundary=q\r\n\r\n--q\r\nX-Big: " + strings.Repeat("z", 600) + "\r\n\r\nx\r\n--q--\r\n", Limits{MaxHeaderBytes: 512}, true, "header is over 512 bytes", true},
		{"depth within limit", nested(5), Limits{MaxDepth: 5}, false, "", false},
		{"depth over limit", nested(6), Limits{MaxDepth: 5}, true, "MIME nesting is deeper than 5", true},
		{"default depth over limit", nested(40), Limits{}, true, "MIME nesting is deeper than 20", true},
		{"parts within limit", manyParts(9), Limits{MaxParts: 10}, false, "", false},
		{"parts over limit", manyParts(10), Limits{MaxParts: 10}, true, "message has more than 10 MIME parts", true},
		{"default parts over limit", manyParts(500), Limits{}, true, "message has more than 200 MIME parts", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Parse([]byte(tt.raw), tt.lim)
			var le *LimitError
			if !tt.wantLimit {
				if err != nil {
					t.Fatalf("Parse: %v", err)
				}
				return
			}
			if !errors.As(err, &le) {
				t.Fatalf("err = %v, want *LimitError", err)
			}
			if le.Reason != tt.wantReason {
				t.Errorf("Reason = %q, want %q", le.Reason, tt.wantReason)
			}
			// Kind and Limit say what Reason says, for callers that word it.
			kinds := map[LimitKind]string{LimitSize: "bytes, limit", LimitHeader: "header is", LimitDepth: "nesting", LimitParts: "parts"}
			if w, ok := kinds[le.Kind]; !ok || !strings.Contains(le.Reason, w) || !strings.Contains(le.Reason, fmt.Sprint(le.Limit)) {
				t.Errorf("Kind %q Limit %d do not match Reason %q", le.Kind, le.Limit, le.Reason)
			}
			if (le.Kind == LimitSize) != (le.Size > le.Limit) {
				t.Errorf("Size %d with Kind %q", le.Size, le.Kind)
			}
			if tt.wantHeader {
				if m == nil || m.From.Email != "a@b.co" {
					t.Errorf("message = %+v, want the top-level header read", m)
				} else if m.Text != "" || len(m.Attachments) != 0 {
					t.Errorf("over a limit the body must not be returned; Text %q", m.Text)
				}
			} else if m != nil {
				t.Errorf("message = %+v, want nil", m)
			}
		})
	}
}

func TestParseEmpty(t *testing.T) {
	for _, raw := range []string{"", " ", "\r\n\r\n", "\n\t \n"} {
		if _, err := Parse([]byte(raw), DefaultLimits()); !errors.Is(err, ErrEmpty) {
			t.Errorf("Parse(%q) err = %v, want ErrEmpty", raw, err)
		}
	}
}

// TestParseNoHeader: text with no header at all is a body.
func TestParseNoHeader(t *testing.T) {
	m, err := Parse([]byte("hola, no tengo encabezados\nsegunda línea\n"), DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	if m.Text != "hola, no tengo encabezados\nsegunda línea\n" || m.From.Email != "" {
		t.Errorf("Text %q From %+v", m.Text, m.From)
	}
}

func TestParseThreading(t *testing.T) {
	var refs strings.Builder
	for i := 0; i < 150; i++ {
		refs.WriteString("<r" + string(rune('a'+i%26)) + strings.Repeat("x", i/26) + "@h> ")
	}
	raw := "From: a@b.co\r\nMessage-ID: <ID-1@Host>\r\nIn-Reply-To: <p@h>\r\nReferences: " + refs.String() + "\r\n\r\nx"
	m, err := Parse([]byte(raw), DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	if m.MessageID != "ID-1@Host" {
		t.Errorf("MessageID = %q (ids keep their case)", m.MessageID)
	}
	if len(m.References) != MaxReferences {
		t.Fatalf("len(References) = %d, want %d", len(m.References), MaxReferences)
	}
	if m.References[0] != "ra@h" || m.References[MaxReferences-1] != "rt"+strings.Repeat("x", 149/26)+"@h" {
		t.Errorf("References keep the root and the last ones: first %q last %q", m.References[0], m.References[MaxReferences-1])
	}
}
