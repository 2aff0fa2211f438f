package email

import (
	"testing"
)

// TestParseAutoRules checks the options-free classification Parse makes,
// one rule per case, on messages built from header lines.
func TestParseAutoRules(t *testing.T) {
	tests := []struct {
		name       string
		header     string
		wantKind   AutoKind
		wantReason string
	}{
		{"person", "From: Ana <ana@entidad.gov.co>\r\nSubject: No imprime", Human, ""},
		{"auto-submitted no", "From: a@b.co\r\nAuto-Submitted: no", Human, ""},
		{"auto-submitted auto-replied", "From: a@b.co\r\nAuto-Submitted: auto-replied", AutoReply, "Auto-Submitted: auto-replied"},
		{"auto-submitted auto-generated", "From: a@b.co\r\nAuto-Submitted: Auto-Generated", AutoReply, "Auto-Submitted: auto-generated"},
		{"auto-submitted with comment", "From: a@b.co\r\nAuto-Submitted: auto-notified (sieve); owner-email=x@y", AutoReply, "Auto-Submitted: auto-notified"},
		{"auto-submitted empty", "From: a@b.co\r\nAuto-Submitted:", Human, ""},
		{"x-autoreply", "From: a@b.co\r\nX-Autoreply: yes", AutoReply, "X-Autoreply: yes"},
		{"x-autorespond", "From: a@b.co\r\nX-Autorespond: 1", AutoReply, "X-Autorespond: 1"},
		{"x-auto-response-suppress is a weak signal", "From: a@b.co\r\nX-Auto-Response-Suppress: All\r\nSubject: Ayuda", Human, "X-Auto-Response-Suppress: All"},
		{"precedence bulk", "From: a@b.co\r\nPrecedence: bulk", Bulk, "Precedence: bulk"},
		{"precedence junk", "From: a@b.co\r\nPrecedence: JUNK", Bulk, "Precedence: junk"},
		{"precedence list", "From: a@b.co\r\nPrecedence: list", Bulk, "Precedence: list"},
		{"precedence auto_reply", "From: a@b.co\r\nPrecedence: auto_reply", AutoReply, "Precedence: auto_reply"},
		{"list-id", "From: a@b.co\r\nList-Id: <x.lists.example>", Bulk, "List-Id header"},
		{"list-unsubscribe", "From: a@b.co\r\nList-Unsubscribe: <mailto:u@x>", Bulk, "List-Unsubscribe header"},
		{"null return-path", "From: a@b.co\r\nReturn-Path: <>", AutoReply, "Return-Path: <>"},
		{"return-path set", "From: a@b.co\r\nReturn-Path: <a@b.co>", Human, ""},
		{"mailer-daemon", "From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example>", Bounce, "From: mailer-daemon@mx.example"},
		{"postmaster", "From: postmaster@example.org", Bounce, "From: postmaster@example.org"},
		{"bounce wins over auto-submitted", "From: MAILER-DAEMON@x.example\r\nAuto-Submitted: auto-replied", Bounce, "From: mailer-daemon@x.example"},
		{"auto-reply wins over list", "From: a@b.co\r\nAuto-Submitted: auto-replied\r\nList-Id: <l.x>", AutoReply, "Auto-Submitted: auto-replied"},
		{"subject respuesta automática", "From: a@b.co\r\nSubject: =?utf-8?Q?Respuesta_autom=C3=A1tica:_Re:_caso?=", AutoReply, "out-of-office subject (respuesta automática)"},
		{"subject fuera de la oficina", "From: a@b.co\r\nSubject: Fuera de la oficina - Juan", AutoReply, "out-of-office subject (fuera de la oficina)"},
		{"subject automatic reply", "From: a@b.co\r\nSubject: Automatic reply: [OTI-7] Caso", AutoReply, "out-of-office subject (automatic reply)"},
		{"subject out of office", "From: a@b.co\r\nSubject: Out of Office", AutoReply, "out-of-office subject (out of office)"},
		{"subject autoreply", "From: a@b.co\r\nSubject: AutoReply: hola", AutoReply, "out-of-office subject (autoreply)"},
		{"subject auto prefix", "From: a@b.co\r\nSubject: Auto: Re: caso 12", AutoReply, "out-of-office subject (Auto:)"},
		{"subject french outlook", "From: a@b.co\r\nSubject: Réponse automatique d'absence du bureau: caso", AutoReply, "out-of-office subject (réponse automatique d'absence du bureau)"},
		{"subject italian", "From: a@b.co\r\nSubject: Risposta automatica: caso", AutoReply, "out-of-office subject (risposta automatica)"},
		{"bare return-path mailer-daemon", "From: Servidor <srv@x.co>\r\nReturn-Path: <MAILER-DAEMON>", Bounce, "Return-Path: <mailer-daemon>"},
		{"from bounces@", "From: bounces@x.co\r\nSubject: x", Bounce, "From: bounces@x.co"},
		{"sender mailer-daemon", "From: Ana <ana@x.co>\r\nSender: MAILER-DAEMON@x.co", Bounce, "Sender: mailer-daemon@x.co"},
		{"no-reply sender", "From: Portal <no_reply@portal.x.co>", Notice, "From: no_reply@portal.x.co"},
		{"noreply return-path", "From: Portal <avisos@portal.x.co>\r\nReturn-Path: <noreply+123@portal.x.co>", Notice, "Return-Path: <noreply+123@portal.x.co>"},
		{"list-post", "From: a@b.co\r\nList-Post: <mailto:l@x.co>", Bulk, "List-Post header"},
		{"majordomo owner-", "From: owner-lista@x.co", Bulk, "From: owner-lista@x.co (mailing list)"},
		{"amazon sns header", "From: Avisos <avisos@x.co>\r\nX-Amz-Sns-Message-Id: 1", Notice, "X-Amz-Sns-Message-Id header (Amazon SNS)"},
		{"weak: bulk-sender envelope", "From: a@b.co\r\nReturn-Path: <0100@us-east-1.amazonses.com>", Human, "Return-Path: <0100@us-east-1.amazonses.com>"},
		{"weak: verp envelope", "From: a@b.co\r\nReturn-Path: <bounce-12-a=b.co@x.co>", Human, "Return-Path: <bounce-12-a=b.co@x.co>"},
		{"weak: bounce subject", "From: a@b.co\r\nSubject: Undeliverable: informe", Human, "delivery-failure subject (undeliverable)"},
		{"weak: notifications sender", "From: notificaciones@x.co", Human, "From: notificaciones@x.co"},
		{"weak: x-auto-response-suppress oof", "From: a@b.co\r\nX-Auto-Response-Suppress: DR, OOF", Human, "X-Auto-Response-Suppress: DR, OOF"},
		{"x-auto-response-suppress none", "From: a@b.co\r\nX-Auto-Response-Suppress: None", Human, ""},
		{"x-auto-response-suppress receipts only", "From: a@b.co\r\nX-Auto-Response-Suppress: DR, RN, NRN", Human, ""},
		{"person whose name holds postmaster", "From: Maria Postmaster <maria.postmaster@x.co>", Human, ""},
		{"person whose address holds reply", "From: replyall.juan@x.co", Human, ""},
		{"subject asks about auto reply", "From: a@b.co\r\nSubject: Configurar respuesta automática en Outlook", Human, ""},
		{"subject starts with phrase as prose", "From: a@b.co\r\nSubject: Fuera de la oficina no tengo VPN", Human, ""},
		{"subject reply about out of office", "From: a@b.co\r\nSubject: Re: out of office no funciona", Human, ""},
		{"subject automatic as word", "From: a@b.co\r\nSubject: Automatización de reportes", Human, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Parse([]byte(tt.header+"\r\n\r\ncuerpo\r\n"), DefaultLimits())
			if err != nil {
				t.Fatal(err)
			}
			if m.Auto != tt.wantKind || m.AutoReason != tt.wantReason {
				t.Errorf("Auto = %q (%q), want %q (%q)", m.Auto, m.AutoReason, tt.wantKind, tt.wantReason)
			}
		})
	}
}

// TestParseAutoReports checks multipart/report handling: delivery status
// reports are bounces, read receipts are auto-replies.
func TestParseAutoReports(t *testing.T) {
	tests := []struct {
		name       string
		raw        string
		wantKind   AutoKind
		wantReason string
		wantDSN    bool
	}{
		{
			"report without a status part",
			"From: a@b.co\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=r\r\n\r\n--r\r\nContent-Type: text/plain\r\n\r\nfallo\r\n--r--\r\n",
			Bounce, "multipart/report; report-type=delivery-status", false,
		},
		{
			"delivery status part",
			"From: a@b.co\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=r\r\n\r\n--r\r\nContent-Type: text/plain\r\n\r\nfallo\r\n--r\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; x\r\n\r\nFinal-Recipient: rfc822; z@y.co\r\nAction: failed\r\nStatus: 5.1.1\r\n--r--\r\n",
			Bounce, "message/delivery-status report (RFC 3464)", true,
		},
		{
			"read receipt",
			"From: a@b.co\r\nContent-Type: multipart/report; report-type=disposition-notification; boundary=r\r\n\r\n--r\r\nContent-Type: text/plain\r\n\r\nleído\r\n--r\r\nContent-Type: message/disposition-notification\r\n\r\nDisposition: manual-action/MDN-sent-manually; displayed\r\n--r--\r\n",
			AutoReply, "read receipt (message/disposition-notification)", false,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Parse([]byte(tt.raw), DefaultLimits())
			if err != nil {
				t.Fatal(err)
			}
			if m.Auto != tt.wantKind || m.AutoReason != tt.wantReason {
				t.Errorf("Auto = %q (%q), want %q (%q)", m.Auto, m.AutoReason, tt.wantKind, tt.wantReason)
			}
			if (m.DSN != nil) != tt.wantDSN {
				t.Errorf("DSN = %+v, want present %v", m.DSN, tt.wantDSN)
			}
		})
	}
}

func TestClassify(t *testing.T) {
	own := []string{"Soporte.OTI@entidad.gov.co", " notificaciones@entidad.gov.co "}
	tests := []struct {
		name       string
		file       string
		raw        string
		opt        Options
		wantKind   AutoKind
		wantReason string
	}{
		{name: "our loop header", file: "loop.eml", opt: Options{}, wantKind: Loop, wantReason: "X-Ticketd-Loop: 1042"},
		{name: "custom loop header name", raw: "From: a@b.co\r\nX-Mesa-Loop: 7\r\n\r\nx", opt: Options{LoopHeaderName: "X-Mesa-Loop"}, wantKind: Loop, wantReason: "X-Mesa-Loop: 7"},
		{name: "default header ignored with custom name", raw: "From: a@b.co\r\nX-Ticketd-Loop: 7\r\n\r\nx", opt: Options{LoopHeaderName: "X-Mesa-Loop"}, wantKind: Human},
		{name: "from our address", raw: "From: Soporte <soporte.oti@entidad.gov.co>\r\n\r\nx", opt: Options{OwnAddresses: own}, wantKind: Loop, wantReason: "From is our own address soporte.oti@entidad.gov.co"},
		{name: "sender our address", raw: "From: Ana <ana@entidad.gov.co>\r\nSender: notificaciones@entidad.gov.co\r\n\r\nx", opt: Options{OwnAddresses: own}, wantKind: Loop, wantReason: "Sender is our own address notificaciones@entidad.gov.co"},
		{name: "a person who asks for no automatic answer", file: "outlook-es.eml", opt: Options{OwnAddresses: own}, wantKind: Human, wantReason: "X-Auto-Response-Suppress: All"},
		{name: "parse result passes through", file: "vacation-rfc3834.eml", opt: Options{OwnAddresses: own}, wantKind: AutoReply, wantReason: "Auto-Submitted: auto-replied"},
		// The bounce of our own acknowledgement carries our loop header only
		// in the returned message, not at the top: it stays a bounce.
		{name: "bounce of our mail", file: "dsn-bounce.eml", opt: Options{OwnAddresses: own}, wantKind: Bounce, wantReason: "message/delivery-status report (RFC 3464)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := []byte(tt.raw)
			if tt.file != "" {
				raw = readFixture(t, tt.file)
			}
			m, err := Parse(raw, DefaultLimits())
			if err != nil {
				t.Fatal(err)
			}
			kind, reason := Classify(m, tt.opt)
			if kind != tt.wantKind || reason != tt.wantReason {
				t.Errorf("Classify = %q (%q), want %q (%q)", kind, reason, tt.wantKind, tt.wantReason)
			}
		})
	}
	if k, r := Classify(nil, Options{}); k != Human || r != "" {
		t.Errorf("Classify(nil) = %q %q", k, r)
	}
}

func TestParseLoopHeaderField(t *testing.T) {
	m, err := Parse(readFixture(t, "loop.eml"), DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	if m.LoopHeader != "1042" {
		t.Errorf("LoopHeader = %q, want %q", m.LoopHeader, "1042")
	}
}
