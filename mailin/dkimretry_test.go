package mailin_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	msgdkim "github.com/emersion/go-msgauth/dkim"

	"github.com/ticketd/ticketd/mailin/dkim"
	"github.com/ticketd/ticketd/mailin/imapin"
	"github.com/ticketd/ticketd/tickets"
)

// flakyDNS fails every lookup with a temporary error (as a resolver does
// when its server times out or answers SERVFAIL) while down, then answers
// from zone.
type flakyDNS struct {
	zone txtZone
	mu   sync.Mutex
	down bool
	n    int
}

func (d *flakyDNS) LookupTXT(ctx context.Context, name string) ([]string, error) {
	d.mu.Lock()
	d.n++
	down := d.down
	d.mu.Unlock()
	if down {
		return nil, &net.DNSError{Err: "server misbehaving", Name: name, Server: "10.0.0.53:53", IsTemporary: true}
	}
	return d.zone.LookupTXT(ctx, name)
}

func (d *flakyDNS) set(down bool) {
	d.mu.Lock()
	d.down = down
	d.mu.Unlock()
}

func (d *flakyDNS) lookups() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.n
}

// signedCommand is a desk agent's "#nivel 1" on ticket 1, DKIM-signed for
// example.gov.co, and the DNS that holds its key.
func signedCommand(t *testing.T, id string) (string, *flakyDNS) {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	dns := &flakyDNS{zone: txtZone{"s1._domainkey.example.gov.co": "v=DKIM1; k=ed25519; p=" + base64.StdEncoding.EncodeToString(pub)}}
	raw := mail("Juan Gómez <jgomez@example.gov.co>", desk, "Re: [OTI-1] Ayúdame", id, "In-Reply-To: <req1@example.gov.co>\r\n", "#nivel 1")
	var out bytes.Buffer
	if err := msgdkim.Sign(&out, strings.NewReader(raw), &msgdkim.SignOptions{Domain: "example.gov.co", Selector: "s1", Signer: priv,
		HeaderKeys: []string{"From", "To", "Subject", "Message-ID", "In-Reply-To"}}); err != nil {
		t.Fatal(err)
	}
	return out.String(), dns
}

func handleAt(t *testing.T, e *env, uid uint32, canWait bool, raws ...string) []imapin.Outcome {
	t.Helper()
	var batch []imapin.Fetched
	for i, raw := range raws {
		batch = append(batch, imapin.Fetched{Account: "default", Mailbox: "INBOX", UIDValidity: 7, UID: uid + uint32(i),
			Size: int64(len(raw)), Raw: []byte(raw), CanWait: canWait})
	}
	out, err := e.in.Handle(context.Background(), batch)
	if err != nil || len(out) != len(raws) {
		t.Fatalf("Handle: %v %v", out, err)
	}
	return out
}

// A DNS that fails for a moment does not refuse a signed command for good:
// the message is left in the mailbox, with nothing stored, and the next
// pass, once DNS answers, runs the command.
func TestDKIMTemporaryFailureWaitsForALaterPass(t *testing.T) {
	raw, dns := signedCommand(t, "c1@example.gov.co")
	e := newEnv(t)
	e.in.TrustedAuthserv = ""
	e.in.DKIM = &dkim.Verifier{Resolver: dns}
	id := e.open()
	dns.set(true)
	out := handleAt(t, e, 100, true, raw)[0]
	if !out.Later || out.Quarantine || !strings.Contains(out.Reason, "temperror") {
		t.Fatalf("with DNS down: %+v", out)
	}
	if n := e.count(`SELECT count(*) FROM messages WHERE message_id = 'c1@example.gov.co'`); n != 0 {
		t.Errorf("%d rows stored for a message left for later", n)
	}
	if n := e.count(`SELECT count(*) FROM mailbox_positions WHERE uid = 100`); n != 0 {
		t.Errorf("a position was stored for a message left for later")
	}
	if tk := e.ticket(id); tk.State != tickets.StateNew {
		t.Errorf("state = %s while DNS is down", tk.State)
	}
	// In a batch, the other messages go on; the waiting one waits.
	other := mail("Ana <ana@example.gov.co>", desk, "Otra cosa", "o1@example.gov.co", "", "El teclado no funciona.")
	outs := handleAt(t, e, 100, true, raw, other)
	if !outs[0].Later || outs[1].Later || outs[1].Quarantine {
		t.Errorf("batch with DNS down: %+v", outs)
	}
	dns.set(false)
	out = handleAt(t, e, 100, true, raw)[0]
	if out.Later || out.Quarantine {
		t.Fatalf("with DNS back: %+v", out)
	}
	if tk := e.ticket(id); tk.State != tickets.StateInProgress {
		t.Errorf("state = %s once DNS answers, want %s", tk.State, tickets.StateInProgress)
	}
}

// A DNS that stays down: after DKIMRetryFor the command is refused as
// unverified, with the reason on record, in the desk's language; a
// mailbox that cannot keep a message (seen mode) decides at once.
func TestDKIMTemporaryFailureGivesUp(t *testing.T) {
	for _, canWait := range []bool{true, false} {
		raw, dns := signedCommand(t, "c2@example.gov.co")
		e := newEnv(t)
		e.in.TrustedAuthserv = ""
		e.in.DKIM = &dkim.Verifier{Resolver: dns}
		e.in.DKIMRetryFor = time.Nanosecond // the first pass waits; the next one gives up
		id := e.open()
		dns.set(true)
		if canWait {
			if out := handleAt(t, e, 200, true, raw)[0]; !out.Later {
				t.Fatalf("first pass: %+v", out)
			}
		}
		before := dns.lookups()
		out := handleAt(t, e, 200, canWait, raw)[0]
		if out.Later || out.Quarantine || dns.lookups() == before {
			t.Fatalf("can wait %v: %+v (lookups %d → %d)", canWait, out, before, dns.lookups())
		}
		if tk := e.ticket(id); tk.State != tickets.StateNew {
			t.Errorf("can wait %v: state = %s, the command ran unverified", canWait, tk.State)
		}
		if n := e.count(`SELECT count(*) FROM events WHERE kind = 'command_refused' AND note LIKE '%la clave DKIM del dominio del remitente no se pudo consultar%'`); n != 1 {
			t.Errorf("can wait %v: %d refusals on record with the reason", canWait, n)
		}
	}
}

// With verification turned off nothing hangs on DKIM's answer, so a DNS
// that is down does not hold the message back: it is applied at once.
func TestDKIMNotAskedWhenVerificationIsOff(t *testing.T) {
	raw, dns := signedCommand(t, "c3@example.gov.co")
	e := newEnv(t)
	e.in.TrustedAuthserv = ""
	e.in.RequireVerified = false
	e.in.DKIM = &dkim.Verifier{Resolver: dns}
	id := e.open()
	dns.set(true)
	if out := handleAt(t, e, 300, true, raw)[0]; out.Later || out.Quarantine {
		t.Fatalf("with verification off and DNS down: %+v", out)
	}
	if tk := e.ticket(id); tk.State != tickets.StateInProgress {
		t.Errorf("state = %s, want %s", tk.State, tickets.StateInProgress)
	}
	if n := dns.lookups(); n != 0 {
		t.Errorf("%d DNS lookups for an answer nothing hangs on", n)
	}
}

// An outsider's commands are refused whoever sent them: a DNS that is down
// does not hold them back, and no key is looked up.
func TestOutsiderCommandsDoNotWaitForDKIM(t *testing.T) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	dns := &flakyDNS{zone: txtZone{"s1._domainkey.example.gov.co": "v=DKIM1; k=ed25519; p=" + base64.StdEncoding.EncodeToString(pub)}}
	raw := mail("Pedro <pedro@example.gov.co>", desk, "Re: [OTI-1] Ayúdame", "x1@example.gov.co", "In-Reply-To: <req1@example.gov.co>\r\n", "#cerrar")
	var signed bytes.Buffer
	if err := msgdkim.Sign(&signed, strings.NewReader(raw), &msgdkim.SignOptions{Domain: "example.gov.co", Selector: "s1", Signer: priv,
		HeaderKeys: []string{"From", "To", "Subject", "Message-ID", "In-Reply-To"}}); err != nil {
		t.Fatal(err)
	}
	e := newEnv(t)
	e.in.TrustedAuthserv = ""
	e.in.DKIM = &dkim.Verifier{Resolver: dns}
	id := e.open()
	dns.set(true)
	before := dns.lookups()
	out := handleAt(t, e, 300, true, signed.String())[0]
	if out.Later || out.Quarantine {
		t.Fatalf("an outsider's command with DNS down: %+v", out)
	}
	if dns.lookups() != before {
		t.Errorf("%d key lookups for an outsider's command", dns.lookups()-before)
	}
	if tk := e.ticket(id); tk.State != tickets.StateNew {
		t.Errorf("state = %s", tk.State)
	}
	if n := e.count(`SELECT count(*) FROM events WHERE note_data->>'code' = 'commands.outsider'`); n != 1 {
		t.Errorf("%d outsider refusals on record, want 1", n)
	}
}
