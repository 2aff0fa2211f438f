package email

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// ourAck is the Message-ID of the ticketd acknowledgement that the
// bounces and reports of testdata/machine return.
const ourAck = "20260302150000.abc123@soporte.entidad.gov.co"

// TestMachineCorpus classifies every file of testdata/machine (see its
// SOURCE.md): machine mail by a strong signal, with the message it is about
// when it says; people's mail as Human, with the weak signal as the reason
// when there is one. Every file of the folder must be in the table.
func TestMachineCorpus(t *testing.T) {
	type want struct {
		kind     AutoKind
		reason   string // a part of the reason; "" for none
		returned string // ReturnedID
	}
	tests := map[string]want{
		"postfix-dsn.eml":               {Bounce, "RFC 3464", ourAck},
		"exim-plain.eml":                {Bounce, "mailer-daemon@mail.example.net", ourAck},
		"office365-ndr.eml":             {Bounce, "RFC 3464", ourAck},
		"exchange-ndr-es.eml":           {Bounce, "RFC 3464", ourAck},
		"gmail-dsn.eml":                 {Bounce, "RFC 3464", ourAck},
		"qmail-plain.eml":               {Bounce, "mailer-daemon@mail.example.com", ourAck},
		"sendmail-dsn.eml":              {Bounce, "RFC 3464", ourAck},
		"mailer-daemon-null-from.eml":   {Bounce, "MAILER-DAEMON", ourAck},
		"domino-ndr.eml":                {Bounce, "postmaster@domino.example.com", ourAck},
		"post-master-plain.eml":         {Bounce, "post_master@correo.example.net", ourAck},
		"return-path-mailer-daemon.eml": {Bounce, "Return-Path: <mailer-daemon@mx.example.net>", ""},
		"arf-abuse.eml":                 {Report, "RFC 5965", ourAck},
		"arf-no-report-type.eml":        {Report, "RFC 5965", ourAck},
		"dmarc-aggregate.eml":           {Notice, "noreply-dmarc-support@google.com", ""},
		"tlsrpt.eml":                    {Report, "report-type=tlsrpt", ""},
		"aws-sns.eml":                   {Notice, "no-reply@sns.amazonaws.com", ""},
		"azure-monitor.eml":             {Notice, "azure-noreply@microsoft.com", ""},
		"google-cloud-alert.eml":        {Notice, "alerting-noreply@google.com", ""},
		"noresponder-es.eml":            {Notice, "no-responder@", ""},
		"donotreply-portal.eml":         {Notice, "donotreply@portal.example.com", ""},
		"mailman-moderation.eml":        {Bulk, "X-List-Administrivia", ""},
		"mailman3-bounces.eml":          {Bulk, "mailing list", ""},
		"sympa-error.eml":               {Bulk, "sympa@", ""},
		"zabbix-auto-generated.eml":     {AutoReply, "Auto-Submitted: auto-generated", ""},
		"newsletter.eml":                {Bulk, "List-Unsubscribe", ""},

		"human-x-auto-response-suppress.eml": {Human, "X-Auto-Response-Suppress: OOF, AutoReply", ""},
		"human-auto-submitted-no.eml":        {Human, "", ""},
		"human-subject-about-bounce.eml":     {Human, "", ""},
		"human-forwarded-bounce.eml":         {Human, "", ""},
		"human-workmail-feedback-id.eml":     {Human, "Feedback-ID", ""},
		"human-name-like-postmaster.eml":     {Human, "", ""},
	}
	paths, err := filepath.Glob(filepath.Join("testdata", "machine", "*.eml"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no fixtures in testdata/machine: %v", err)
	}
	seen := map[string]bool{}
	for _, p := range paths {
		name := filepath.Base(p)
		seen[name] = true
		t.Run(name, func(t *testing.T) {
			w, ok := tests[name]
			if !ok {
				t.Fatalf("%s is not in the table", name)
			}
			raw, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			m, err := Parse(raw, DefaultLimits())
			if err != nil {
				t.Fatal(err)
			}
			checkMessage(t, m)
			if m.Auto != w.kind {
				t.Errorf("Auto = %q (%q), want %q", m.Auto, m.AutoReason, w.kind)
			}
			if (w.reason == "") != (m.AutoReason == "") || !strings.Contains(m.AutoReason, w.reason) {
				t.Errorf("AutoReason = %q, want one with %q", m.AutoReason, w.reason)
			}
			if m.ReturnedID != w.returned {
				t.Errorf("ReturnedID = %q, want %q", m.ReturnedID, w.returned)
			}
		})
	}
	for name := range tests {
		if !seen[name] {
			t.Errorf("%s is in the table but not in testdata/machine", name)
		}
	}
}

// FuzzClassifyHeader drives the detection of automatic mail with arbitrary
// header values: it never panics, every kind is a known one with a reason,
// the reason is storable text, and ReturnedID is a well-formed id or "".
func FuzzClassifyHeader(f *testing.F) {
	f.Add("MAILER-DAEMON <>", "<>", "failure notice", "X-Failed-Recipients", "a@b.co", "Message-ID: <x@y>")
	f.Add("Ana <ana@x.co>", "<ana@x.co>", "Ayuda", "X-Auto-Response-Suppress", "All", "hola")
	f.Add("no-reply@sns.amazonaws.com", "", "ALARM", "x-amz-sns-message-id", "1", "")
	f.Add("lista-bounces+a=b.co@l.example", "<>", "Undeliverable: x", "List-Id", "<l.example>", "> Message-ID:\n <q@r>")
	f.Add("\x00\xff", "<MAILER-DAEMON@\xff>", "Auto:\x00", "Auto-Submitted", "auto-replied\xfe", "")
	known := map[AutoKind]bool{Human: true, AutoReply: true, Bulk: true, Bounce: true, Report: true, Notice: true}
	f.Fuzz(func(t *testing.T, from, returnPath, subject, name, value, body string) {
		clean := func(s string) string { return strings.NewReplacer("\r", " ", "\n", " ").Replace(s) }
		var b strings.Builder
		b.WriteString("From: " + clean(from) + "\r\n")
		if returnPath != "" {
			b.WriteString("Return-Path: " + clean(returnPath) + "\r\n")
		}
		b.WriteString("Subject: " + clean(subject) + "\r\n")
		if n := clean(name); n != "" && !strings.ContainsAny(n, ": \t") {
			b.WriteString(n + ": " + clean(value) + "\r\n")
		}
		b.WriteString("\r\n" + body)
		m, err := Parse([]byte(b.String()), DefaultLimits())
		if err != nil {
			return // ErrEmpty and limits are Parse's own business (FuzzParse)
		}
		kind, why := Classify(m, Options{})
		if !known[kind] {
			t.Fatalf("unknown kind %q", kind)
		}
		if kind != Human && why == "" {
			t.Fatalf("kind %q without a reason", kind)
		}
		checkMessage(t, m)
		if m.ReturnedID != "" && !validID(m.ReturnedID) {
			t.Fatalf("ReturnedID %q", m.ReturnedID)
		}
		if kind == Human && m.ReturnedID != "" {
			t.Fatalf("a person's mail has ReturnedID %q", m.ReturnedID)
		}
	})
}
