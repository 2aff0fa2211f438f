package mailout

import (
	"bytes"
	"errors"
	"mime"
	"net/mail"
	"slices"
	"strings"
	"testing"
)

// FuzzCompose feeds arbitrary subjects, names, addresses, ids and bodies to
// Compose. Either it refuses with one of its errors, or the output parses as
// a message with exactly our header set, no header taken from the input, and
// no line longer than RFC 5322 allows.
func FuzzCompose(f *testing.F) {
	f.Add("Hola\r\nBcc: x@evil.example", "Ana\r\nBcc: y@evil.example", "ana@entidad.example", "ticketd.1@entidad.example", "ref@x", "texto", "<p>x</p>")
	f.Add("ñandú "+strings.Repeat("palabra ", 60), "José \"Pepe\" (OTI)", "o'brien@example.org", "a@b", "", "a\rb\nc", "")
	f.Add("=?utf-8?q?x?=", "=?utf-8?b?QmNjOiB4?=", "x@[192.0.2.1]", "id@x", "<a@x> <b@x>", "--ticketd-00", "--ticketd-00")
	f.Add("", "", "bad", "", "", "", "")
	f.Fuzz(func(t *testing.T, subject, name, addr, msgID, ref, text, html string) {
		e := testEnvelope()
		e.Subject = subject
		e.To = []Person{{Name: name, Email: addr}}
		e.From.Name = name
		e.MessageID = msgID
		e.References = strings.Split(ref, " ")
		e.InReplyTo = ref
		e.Text = text
		e.HTML = html
		e.TicketRef = subject
		e.EightBit = len(text)%2 == 0 // both encodings, from the same inputs
		var buf bytes.Buffer
		err := WriteMessage(&buf, e)
		if err != nil {
			if !errors.Is(err, ErrBadAddress) && !errors.Is(err, ErrBadHeader) {
				t.Fatalf("unexpected error kind: %v", err)
			}
			return
		}
		raw := buf.Bytes()
		msg, err := mail.ReadMessage(bytes.NewReader(raw))
		if err != nil {
			t.Fatalf("output does not parse: %v\n%q", err, raw)
		}
		keys := headerKeys(msg)
		for _, k := range keys {
			if !slices.Contains(wantHeaders, k) && k != "Content-Transfer-Encoding" {
				t.Fatalf("unexpected header %q\n%q", k, raw)
			}
		}
		for _, k := range []string{"From", "To", "Subject", "Message-Id", "Date", "Content-Type", "Auto-Submitted"} {
			if len(msg.Header[k]) != 1 {
				t.Fatalf("%d %s headers", len(msg.Header[k]), k)
			}
		}
		to, err := msg.Header.AddressList("To")
		if err != nil || len(to) != 1 || to[0].Address != addr {
			t.Fatalf("To = %v (%v), want %q", to, err, addr)
		}
		dec := new(mime.WordDecoder)
		if s, err := dec.DecodeHeader(msg.Header.Get("Subject")); err == nil && strings.ContainsAny(s, "\r\n") {
			t.Fatalf("decoded subject %q spans lines", s)
		}
		if got := msg.Header.Get("Message-Id"); got != "<"+msgID+">" {
			t.Fatalf("Message-ID = %q, want <%s>", got, msgID)
		}
		for _, line := range bytes.Split(raw, []byte("\r\n")) {
			if len(line) > 998 {
				t.Fatalf("line of %d octets", len(line))
			}
		}
		parts := bodyParts(t, msg)
		if got := strings.ReplaceAll(parts["text/plain"], "\r\n", "\n"); got != normNewlines(text) {
			t.Fatalf("text part = %q, want %q", got, normNewlines(text))
		}
	})
}

// FuzzReferences checks the References builder: only well-formed ids, each
// once, the root first, and never more than the budget.
func FuzzReferences(f *testing.F) {
	f.Add("a@x b@x c@x", "c@x")
	f.Add(strings.Repeat("abcdefghijklmnopqrstuvwxyz0123456789@mail.example ", 40), "z@x")
	f.Add("<a@x>\r\n<b@x>", "")
	f.Fuzz(func(t *testing.T, refs, parent string) {
		got := references(strings.Split(refs, " "), parent, "self@x")
		if got == "" {
			return
		}
		if len("References: "+got) > maxRefsHeader {
			t.Fatalf("References is %d octets", len("References: "+got))
		}
		seen := map[string]bool{}
		for _, f := range strings.Split(got, " ") {
			id, ok := strings.CutPrefix(f, "<")
			id, ok2 := strings.CutSuffix(id, ">")
			if !ok || !ok2 || !validMsgID(id) || seen[id] || id == "self@x" {
				t.Fatalf("bad or repeated id %q in %q", f, got)
			}
			seen[id] = true
		}
	})
}
