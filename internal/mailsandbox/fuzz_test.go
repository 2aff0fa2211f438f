package mailsandbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
)

// fuzzSystem is a System with accounts but no servers: resolve and
// traceHeaders need nothing more.
var fuzzSystem = sync.OnceValue(func() *System {
	s := &System{
		host:     "example.gov.co",
		log:      slog.New(slog.DiscardHandler),
		accounts: make(map[string]*account),
		domains:  map[string]bool{"example.gov.co": true},
	}
	for _, a := range []Account{support, ana, provider} {
		if err := s.addAccount(a); err != nil {
			panic(err)
		}
	}
	return s
})

func FuzzResolve(f *testing.F) {
	for _, seed := range []string{
		"soporte.oti@example.gov.co", "SOPORTE.OTI+tok@EXAMPLE.GOV.CO", "+x@example.gov.co",
		"nadie@example.gov.co", "mesa+a+b@proveedor.com.co", "x@gmail.example", `"a@b"@example.gov.co`,
		"", "@", "a@", "@b", "a\r\n@b", "soporte.oti+@example.gov.co", "ñ@example.gov.co",
	} {
		f.Add(seed)
	}
	s := fuzzSystem()
	f.Fuzz(func(t *testing.T, addr string) {
		r, err := s.resolve(addr)
		switch {
		case errors.Is(err, ErrUnknownRecipient):
			_, domain, _ := splitAddress(canonical(addr))
			if !s.domains[domain] {
				t.Fatalf("%q unknown in non-local domain %q", addr, domain)
			}
		case err != nil:
			if !errors.Is(err, ErrBadAddress) {
				t.Fatalf("resolve(%q): unexpected error %v", addr, err)
			}
		case r.acct != nil:
			base, _ := baseAddress(canonical(addr))
			if r.acct.canon != canonical(addr) && r.acct.canon != base {
				t.Fatalf("%q resolved to unrelated mailbox %s", addr, r.acct.canon)
			}
			fallthrough
		default:
			if checkEnvelopeAddress(r.addr) != nil || r.addr != addr {
				t.Fatalf("resolved %q to unsafe or changed address %q", addr, r.addr)
			}
		}
	})
}

func FuzzTraceHeaders(f *testing.F) {
	f.Add("ana@example.gov.co", "soporte.oti+t@example.gov.co", "pc-ana", "127.0.0.1", true, true)
	f.Add("", "a;b@x", "x) by evil (y;", "::1", true, false)
	f.Add(`"q q"@x`, "ñ@x", "héllo\x00", "", false, false)
	s := fuzzSystem()
	now := time.Date(2025, 6, 2, 10, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, from, rcpt, helo, ip string, viaSMTP, authed bool) {
		// What Deliver and go-smtp let through: no CR, LF or other controls
		// in envelope addresses; HELO is a single line.
		if checkEnvelopeAddress(from) != nil || checkEnvelopeAddress(rcpt) != nil {
			t.Skip()
		}
		if strings.ContainsAny(helo+ip, "\r\n") {
			t.Skip()
		}
		env := envelope{from: from, smtp: viaSMTP, helo: helo, remoteIP: ip, authed: authed}
		checkTrace(t, s.traceHeaders(env, rcpt, "ID", now), from, rcpt)
	})
}

func FuzzCRLF(f *testing.F) {
	for _, seed := range []string{"", "a\r\nb", "a\nb", "\n\n", "\r", "\r\r\n\n", "ñ\n"} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		orig := bytes.Clone(in)
		out := crlf(in)
		if !bytes.Equal(in, orig) {
			t.Fatal("crlf modified its input")
		}
		for i, c := range out {
			if c == '\n' && (i == 0 || out[i-1] != '\r') {
				t.Fatalf("bare LF at %d in %q", i, out)
			}
		}
		// Only CRs were added, each before a bare LF.
		lf := func(b []byte) []byte { return bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n")) }
		if !bytes.Equal(lf(out), lf(in)) {
			t.Fatalf("crlf(%q) = %q changed more than line ends", in, out)
		}
		if again := crlf(out); !bytes.Equal(again, out) {
			t.Fatalf("crlf is not idempotent on %q", in)
		}
	})
}

func FuzzLoginServer(f *testing.F) {
	f.Add([]byte("ana\x00pw"))
	f.Add([]byte("\x00ana\x00pw"))
	f.Add([]byte("ana\x00pw\x00more\x00and more"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, script []byte) {
		calls := 0
		l := &loginServer{authenticate: func(u, p string) error {
			calls++
			return nil
		}}
		dones := 0
		for _, resp := range bytes.Split(script, []byte{0}) {
			_, done, err := l.Next(resp)
			if done {
				dones++
			}
			if err != nil && calls == 0 {
				t.Fatalf("error before the password step: %v", err)
			}
		}
		if calls > 1 || dones > 1 {
			t.Fatalf("authenticate called %d times, done %d times", calls, dones)
		}
	})
}

// FuzzRestore feeds arbitrary saved files to restore: whatever the file
// says, the result is a usable user and no panic.
func FuzzRestore(f *testing.F) {
	seed := func(a savedAccount) {
		b, err := json.Marshal(a)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	seed(savedAccount{Version: 1, Mailboxes: []savedMailbox{{Name: "INBOX", UIDValidity: 1, UIDNext: 5, Messages: []savedMessage{
		{UID: 2, Flags: []string{`\Seen`, `\Recent`, "$x"}, Raw: []byte("Subject: a\r\n\r\nb")},
	}}}})
	seed(savedAccount{Version: 1, Mailboxes: []savedMailbox{{Name: "A", UIDValidity: 9}, {Name: "A"}, {Name: "a/b", UIDValidity: 2}}})
	f.Add([]byte(`{"mailboxes":[{"name":"INBOX","messages":[{"uid":3,"flags":[""]}]}]}`))
	f.Add([]byte(`{`))
	s := fuzzSystem()
	f.Fuzz(func(t *testing.T, data []byte) {
		var saved savedAccount
		if json.Unmarshal(data, &saved) != nil {
			return
		}
		// Large numbers only make the run slow: the bounded burn loops are
		// covered by TestRestoreToleratesOddFiles.
		for _, mb := range saved.Mailboxes {
			if mb.UIDValidity > 1000 || mb.UIDNext > 1000 || len(mb.Messages) > 100 {
				t.Skip()
			}
			for _, m := range mb.Messages {
				if m.UID > 1000 {
					t.Skip()
				}
			}
		}
		u := imapmemserver.NewUser("u@example.gov.co", "pw")
		if err := s.restore(u, &saved); err != nil {
			return // an error is fine, a panic is not
		}
		if err := createDefaultMailboxes(u); err != nil {
			t.Fatalf("restored user cannot get its default mailboxes: %v", err)
		}
		a := &account{canon: "u@example.gov.co", user: u}
		if err := appendInbox(a, []byte("Subject: x\r\n\r\n"), time.Now()); err != nil {
			t.Fatalf("restored user cannot receive mail: %v", err)
		}
	})
}
