package mailsandbox

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-message/mail"
)

// generous bounds a wait for something that should happen at once; tests
// never assert on how long it took.
const generous = 10 * time.Second

func TestSubmitAuthenticatedAppearsInInbox(t *testing.T) {
	s := startSystem(t, Config{})
	raw := message(ana.Address, support.Address, "Impresora del piso 3", "a1@example.gov.co",
		"La impresora no imprime.\n\n-- \nAna\n")
	if err := submit(s, plain(ana), ana.Address, []string{support.Address}, raw); err != nil {
		t.Fatalf("submit: %v", err)
	}

	msgs := inbox(t, s, support)
	if len(msgs) != 1 {
		t.Fatalf("INBOX has %d messages, want 1", len(msgs))
	}
	trace, rest := splitTrace(t, body(msgs[0]))
	if !bytes.Equal(rest, raw) {
		t.Errorf("message after trace headers differs from what was sent:\n got %q\nwant %q", rest, raw)
	}
	if got := headerValue(trace, "Return-Path"); got != "<"+ana.Address+">" {
		t.Errorf("Return-Path = %q", got)
	}
	if got := headerValue(trace, "Delivered-To"); got != support.Address {
		t.Errorf("Delivered-To = %q", got)
	}
	received := headerValue(trace, "Received")
	for _, want := range []string{"from localhost", "[127.0.0.1]", "by example.gov.co", "with ESMTPA", "for <" + support.Address + ">"} {
		if !strings.Contains(received, want) {
			t.Errorf("Received %q lacks %q", received, want)
		}
	}

	// An ordinary MIME reader sees the original headers.
	mr, err := mail.CreateReader(bytes.NewReader(body(msgs[0])))
	if err != nil {
		t.Fatalf("parse delivered message: %v", err)
	}
	if subj, _ := mr.Header.Subject(); subj != "Impresora del piso 3" {
		t.Errorf("Subject = %q", subj)
	}
	if id, _ := mr.Header.MessageID(); id != "a1@example.gov.co" {
		t.Errorf("Message-ID = %q", id)
	}
	if msgs[0].InternalDate.IsZero() {
		t.Error("INTERNALDATE not set")
	}
	for _, f := range msgs[0].Flags {
		if f == imap.FlagSeen || f == imap.FlagDeleted {
			t.Errorf("new message has flag %s", f)
		}
	}
}

func TestPlusAddressLandsInBaseMailbox(t *testing.T) {
	s := startSystem(t, Config{})
	cases := []struct {
		name, rcpt string
	}{
		{"token", "soporte.oti+r1.abcDEF123@example.gov.co"},
		{"mixed case kept in Delivered-To", "Soporte.OTI+Tok-42@Example.GOV.co"},
		{"exact address in other case", "SOPORTE.OTI@EXAMPLE.GOV.CO"},
	}
	for i, tc := range cases {
		raw := message(ana.Address, tc.rcpt, "re: caso", fmt.Sprintf("plus%d@x", i), "gracias\n")
		if err := submit(s, nil, ana.Address, []string{tc.rcpt}, raw); err != nil {
			t.Fatalf("%s: submit: %v", tc.name, err)
		}
	}
	msgs := inbox(t, s, support)
	if len(msgs) != len(cases) {
		t.Fatalf("support INBOX has %d messages, want %d", len(msgs), len(cases))
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			trace, _ := splitTrace(t, body(msgs[i]))
			if got := headerValue(trace, "Delivered-To"); got != tc.rcpt {
				t.Errorf("Delivered-To = %q, want %q", got, tc.rcpt)
			}
			if !strings.Contains(headerValue(trace, "Received"), "with ESMTP ") {
				t.Errorf("unauthenticated Received should say ESMTP: %q", headerValue(trace, "Received"))
			}
		})
	}
	if n := len(inbox(t, s, ana)); n != 0 {
		t.Errorf("sender's INBOX has %d messages", n)
	}
}

func TestIdleIsNotifiedOfDelivery(t *testing.T) {
	s := startSystem(t, Config{})
	exists := make(chan uint32, 16)
	idler := dialIMAP(t, s, support, &imapclient.UnilateralDataHandler{
		Mailbox: func(d *imapclient.UnilateralDataMailbox) {
			if d.NumMessages != nil {
				exists <- *d.NumMessages
			}
		},
	})
	if _, err := idler.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	// A second session of the same account, as a person reading the support
	// mailbox while ticketd idles on it.
	reader := dialIMAP(t, s, support, nil)
	if _, err := reader.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	idle, err := idler.Idle()
	if err != nil {
		t.Fatalf("IDLE: %v", err)
	}

	for want := uint32(1); want <= 2; want++ {
		raw := message(ana.Address, support.Address, "idle", fmt.Sprintf("idle%d@x", want), "hola\n")
		if err := submit(s, nil, ana.Address, []string{support.Address}, raw); err != nil {
			t.Fatalf("submit: %v", err)
		}
		select {
		case n := <-exists:
			if n != want {
				t.Errorf("EXISTS %d, want %d", n, want)
			}
		case <-time.After(generous):
			t.Fatalf("no EXISTS while idling after delivery %d", want)
		}
	}
	if err := idle.Close(); err != nil {
		t.Fatalf("DONE: %v", err)
	}
	if err := idle.Wait(); err != nil {
		t.Fatalf("IDLE: %v", err)
	}
	if err := reader.Noop().Wait(); err != nil {
		t.Fatal(err)
	}
	if n := reader.Mailbox().NumMessages; n != 2 {
		t.Errorf("second session sees %d messages, want 2", n)
	}
}

func TestEightBitMessagePreservedByteForByte(t *testing.T) {
	s := startSystem(t, Config{})
	raw := []byte("From: =?utf-8?q?Jos=C3=A9?= <" + ana.Address + ">\r\n" +
		"To: " + support.Address + "\r\n" +
		"Subject: Contraseña bloqueada — urgente ñandú\r\n" + // raw UTF-8 header (RFC 6532)
		"Message-ID: <8bit@x>\r\n" +
		"MIME-Version: 1.0\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\n" +
		"Content-Transfer-Encoding: 8bit\r\n\r\n" +
		"Buenos días: no puedo iniciar sesión. 日本語 🙂\r\n" +
		".línea que empieza con punto\r\n" +
		"Latin-1 crudo: \xe1\xe9\xed\xf3\xfa\xf1\r\n" +
		"\r\n")
	if err := submit(s, plain(ana), ana.Address, []string{support.Address}, raw); err != nil {
		t.Fatalf("submit: %v", err)
	}
	msgs := inbox(t, s, support)
	if len(msgs) != 1 {
		t.Fatalf("INBOX has %d messages", len(msgs))
	}
	if _, rest := splitTrace(t, body(msgs[0])); !bytes.Equal(rest, raw) {
		t.Errorf("8-bit message changed:\n got %q\nwant %q", rest, raw)
	}
}

func TestConcurrentDeliveriesArriveExactlyOnce(t *testing.T) {
	s := startSystem(t, Config{})
	const n = 50
	var mu sync.Mutex
	observed := make(map[string]int)
	s.OnDeliver(func(from string, to []string, raw []byte) {
		mr, err := mail.CreateReader(bytes.NewReader(raw))
		if err != nil {
			return
		}
		id, _ := mr.Header.MessageID()
		mu.Lock()
		observed[id]++
		mu.Unlock()
	})

	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sender := []Account{ana, specialist, provider}[i%3]
			raw := message(sender.Address, support.Address, "carga", fmt.Sprintf("c%02d@x", i), "mensaje\n")
			// Half authenticate, half arrive as from an MX; half use a
			// plus-address.
			var err error
			rcpt := support.Address
			if i%2 == 0 {
				rcpt = fmt.Sprintf("soporte.oti+t%d@example.gov.co", i)
			}
			if i%4 < 2 {
				err = submit(s, plain(sender), sender.Address, []string{rcpt}, raw)
			} else {
				err = submit(s, nil, sender.Address, []string{rcpt}, raw)
			}
			if err != nil {
				errs <- fmt.Errorf("message %d: %w", i, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}

	msgs := inbox(t, s, support)
	if len(msgs) != n {
		t.Fatalf("INBOX has %d messages, want %d", len(msgs), n)
	}
	seenID := make(map[string]bool)
	seenUID := make(map[imap.UID]bool)
	for _, m := range msgs {
		mr, err := mail.CreateReader(bytes.NewReader(body(m)))
		if err != nil {
			t.Fatal(err)
		}
		id, _ := mr.Header.MessageID()
		if seenID[id] {
			t.Errorf("message %s delivered twice", id)
		}
		seenID[id] = true
		if seenUID[m.UID] {
			t.Errorf("UID %d used twice", m.UID)
		}
		seenUID[m.UID] = true
	}
	for i := range n {
		id := fmt.Sprintf("c%02d@x", i)
		if !seenID[id] {
			t.Errorf("message %s missing", id)
		}
		if observed[id] != 1 {
			t.Errorf("OnDeliver saw %s %d times", id, observed[id])
		}
	}
}

func TestMultipleRecipientsEachGetTheirCopy(t *testing.T) {
	s := startSystem(t, Config{})
	var got [][]string
	s.OnDeliver(func(from string, to []string, raw []byte) { got = append(got, to) })
	to := []string{specialist.Address, support.Address, "soporte.oti+tok@example.gov.co", specialist.Address, provider.Address}
	raw := message(ana.Address, "varios", "copias", "multi@x", "hola\n")
	if err := submit(s, plain(ana), ana.Address, to, raw); err != nil {
		t.Fatal(err)
	}
	if n := len(inbox(t, s, specialist)); n != 1 {
		t.Errorf("specialist got %d copies, want 1 (RCPT twice is one copy)", n)
	}
	// Two distinct addresses for one mailbox: two copies, each with its own
	// Delivered-To, as a real MTA does.
	if n := len(inbox(t, s, support)); n != 2 {
		t.Errorf("support got %d copies, want 2", n)
	}
	if n := len(inbox(t, s, provider)); n != 1 {
		t.Errorf("provider (an account in another domain) got %d copies, want 1", n)
	}
	want := []string{specialist.Address, support.Address, "soporte.oti+tok@example.gov.co", provider.Address}
	if len(got) != 1 || strings.Join(got[0], ",") != strings.Join(want, ",") {
		t.Errorf("OnDeliver recipients = %v, want [%v]", got, want)
	}
}

func TestDeliverDirect(t *testing.T) {
	s := startSystem(t, Config{})
	var captured []string
	s.OnDeliver(func(from string, to []string, raw []byte) { captured = append(captured, strings.Join(to, ",")) })
	ok := message(ana.Address, support.Address, "directo", "d@x", "hola\n")
	cases := []struct {
		name    string
		from    string
		to      []string
		raw     []byte
		wantErr error
	}{
		{"local", ana.Address, []string{support.Address}, ok, nil},
		{"null sender", "", []string{support.Address}, ok, nil},
		{"foreign recipient captured", support.Address, []string{"someone@elsewhere.example"}, ok, nil},
		{"unknown local recipient", ana.Address, []string{support.Address, "nadie@example.gov.co"}, ok, ErrUnknownRecipient},
		{"no recipients", ana.Address, nil, ok, ErrBadAddress},
		{"header injection in recipient", ana.Address, []string{support.Address + "\r\nBcc: x@y"}, ok, ErrBadAddress},
		{"header injection in sender", "a@b\r\nX-Evil: 1", []string{support.Address}, ok, ErrBadAddress},
		{"recipient without domain", ana.Address, []string{"soporte.oti"}, ok, ErrBadAddress},
		{"too large", ana.Address, []string{support.Address}, make([]byte, MaxMessageBytes+1), ErrTooLarge},
	}
	delivered := 0
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := s.Deliver(tc.from, tc.to, tc.raw)
			if !errors.Is(err, tc.wantErr) || (err != nil) != (tc.wantErr != nil) {
				t.Fatalf("Deliver = %v, want %v", err, tc.wantErr)
			}
		})
		if tc.wantErr == nil && tc.to[0] == support.Address {
			delivered++
		}
	}
	msgs := inbox(t, s, support)
	if len(msgs) != delivered {
		t.Fatalf("support INBOX has %d, want %d (a refused Deliver delivers nothing)", len(msgs), delivered)
	}
	trace, _ := splitTrace(t, body(msgs[1]))
	if got := headerValue(trace, "Return-Path"); got != "<>" {
		t.Errorf("null sender Return-Path = %q", got)
	}
	if !strings.Contains(headerValue(trace, "Received"), "with local") {
		t.Errorf("direct Received = %q", headerValue(trace, "Received"))
	}
	if len(captured) != 3 || captured[2] != "someone@elsewhere.example" {
		t.Errorf("OnDeliver saw %q", captured)
	}
}

func TestDeliverNormalizesBareLF(t *testing.T) {
	s := startSystem(t, Config{})
	raw := []byte("From: a@b\nSubject: lf\n\nline one\nline two\r\n")
	if err := s.Deliver(ana.Address, []string{support.Address}, raw); err != nil {
		t.Fatal(err)
	}
	_, rest := splitTrace(t, body(inbox(t, s, support)[0]))
	want := "From: a@b\r\nSubject: lf\r\n\r\nline one\r\nline two\r\n"
	if string(rest) != want {
		t.Errorf("stored %q, want %q", rest, want)
	}
}

func TestMoveBetweenMailboxes(t *testing.T) {
	s := startSystem(t, Config{})
	for i := range 3 {
		if err := s.Deliver(ana.Address, []string{support.Address}, message(ana.Address, support.Address, "m", fmt.Sprintf("m%d@x", i), "x\n")); err != nil {
			t.Fatal(err)
		}
	}
	c := dialIMAP(t, s, support, nil)
	for _, cap := range []imap.Cap{imap.CapIdle, imap.CapMove, imap.CapUIDPlus} {
		if !c.Caps().Has(cap) {
			t.Errorf("server does not advertise %s", cap)
		}
	}
	if err := c.Create("Procesados", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Move(imap.UIDSetNum(1, 3), "Procesados").Wait(); err != nil {
		t.Fatalf("MOVE: %v", err)
	}
	if n := len(mailbox(t, c, "INBOX")); n != 1 {
		t.Errorf("INBOX has %d after move, want 1", n)
	}
	if n := len(mailbox(t, c, "Procesados")); n != 2 {
		t.Errorf("Procesados has %d, want 2", n)
	}
	// Delivery keeps going to INBOX.
	if err := s.Deliver(ana.Address, []string{support.Address}, message(ana.Address, support.Address, "m", "m9@x", "x\n")); err != nil {
		t.Fatal(err)
	}
	if n := len(mailbox(t, c, "INBOX")); n != 2 {
		t.Errorf("INBOX has %d after a new delivery, want 2", n)
	}
}

func TestDeliveryRecreatesDeletedInbox(t *testing.T) {
	s := startSystem(t, Config{})
	c := dialIMAP(t, s, ana, nil)
	if err := c.Delete("INBOX").Wait(); err != nil {
		t.Skipf("server refuses to delete INBOX (%v); nothing to test", err)
	}
	if err := s.Deliver(support.Address, []string{ana.Address}, message(support.Address, ana.Address, "x", "r@x", "x\n")); err != nil {
		t.Fatalf("Deliver after INBOX was deleted: %v", err)
	}
	if n := len(mailbox(t, c, "INBOX")); n != 1 {
		t.Errorf("INBOX has %d, want 1", n)
	}
}

func TestAddAccount(t *testing.T) {
	s := startSystem(t, Config{})
	newcomer := Account{Address: "Nuevo.Agente@example.gov.co", Password: "n-pw", Name: "Nuevo"}
	cases := []struct {
		name    string
		acct    Account
		wantErr error
	}{
		{"new", newcomer, nil},
		{"again in other case", Account{Address: "nuevo.agente@EXAMPLE.gov.co", Password: "x"}, ErrAccountExists},
		{"existing from config", support, ErrAccountExists},
		{"display name form", Account{Address: "Pepe <pepe@example.gov.co>"}, ErrBadAddress},
		{"no domain", Account{Address: "pepe"}, ErrBadAddress},
		{"slash", Account{Address: "a/b@example.gov.co"}, ErrBadAddress},
		{"empty", Account{}, ErrBadAddress},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := s.AddAccount(tc.acct); !errors.Is(err, tc.wantErr) || (err != nil) != (tc.wantErr != nil) {
				t.Fatalf("AddAccount = %v, want %v", err, tc.wantErr)
			}
		})
	}
	if err := submit(s, plain(newcomer), newcomer.Address, []string{ana.Address}, message(newcomer.Address, ana.Address, "hola", "n1@x", "x\n")); err != nil {
		t.Fatalf("new account cannot submit: %v", err)
	}
	if err := s.Deliver(ana.Address, []string{"nuevo.agente+x@example.gov.co"}, message(ana.Address, newcomer.Address, "hola", "n2@x", "x\n")); err != nil {
		t.Fatalf("deliver to new account: %v", err)
	}
	if n := len(inbox(t, s, newcomer)); n != 1 {
		t.Errorf("new account INBOX has %d", n)
	}
}

func TestNewDomainIsLocalOnceItHasAnAccount(t *testing.T) {
	s := startSystem(t, Config{})
	foreign := "alguien@otra-entidad.gov.co"
	if err := s.Deliver(ana.Address, []string{foreign}, message(ana.Address, foreign, "x", "f1@x", "x\n")); err != nil {
		t.Fatalf("foreign address should be captured: %v", err)
	}
	if err := s.AddAccount(Account{Address: "mesa@otra-entidad.gov.co", Password: "p"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Deliver(ana.Address, []string{foreign}, message(ana.Address, foreign, "x", "f2@x", "x\n")); !errors.Is(err, ErrUnknownRecipient) {
		t.Fatalf("unknown address in a now-local domain: %v, want ErrUnknownRecipient", err)
	}
}

func TestStartRejectsBadConfig(t *testing.T) {
	cases := []struct {
		name string
		cfg  Config
	}{
		{"duplicate account", Config{Accounts: []Account{support, {Address: "SOPORTE.OTI@example.gov.co"}}}},
		{"bad account", Config{Accounts: []Account{{Address: "no-at-sign"}}}},
		{"bad domain", Config{Domain: "a b"}},
		{"bad listen address", Config{IMAPAddr: "127.0.0.1:notaport"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.cfg.Logger = testLogger()
			s, err := Start(tc.cfg)
			if err == nil {
				s.Close()
				t.Fatal("Start accepted a bad config")
			}
		})
	}
}

func TestCloseEndsSessions(t *testing.T) {
	cfg := Config{Accounts: []Account{support, ana}, Logger: testLogger()}
	s, err := Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	idler, err := imapclient.DialInsecure(s.IMAPAddr(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer idler.Close()
	if err := idler.Login(support.Address, support.Password).Wait(); err != nil {
		t.Fatal(err)
	}
	if _, err := idler.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	idle, err := idler.Idle()
	if err != nil {
		t.Fatal(err)
	}
	// An SMTP client in the middle of a transaction.
	sc, err := dialSMTP(s)
	if err != nil {
		t.Fatal(err)
	}
	defer sc.Close()
	if err := sc.Mail(ana.Address, nil); err != nil {
		t.Fatal(err)
	}

	closed := make(chan error, 1)
	go func() { closed <- s.Close() }()
	select {
	case err := <-closed:
		if err != nil {
			t.Errorf("Close: %v", err)
		}
	case <-time.After(generous):
		t.Fatal("Close did not return")
	}
	select {
	case <-idler.Closed():
	case <-time.After(generous):
		t.Fatal("idling IMAP client still connected after Close")
	}
	_ = idle.Wait() // ended by the server, an error is expected
	if err := sc.Rcpt(support.Address, nil); err == nil {
		t.Error("SMTP session still usable after Close")
	}
	if err := s.Deliver(ana.Address, []string{support.Address}, []byte("x")); !errors.Is(err, ErrClosed) {
		t.Errorf("Deliver after Close = %v, want ErrClosed", err)
	}
	if err := s.AddAccount(specialist); !errors.Is(err, ErrClosed) {
		t.Errorf("AddAccount after Close = %v, want ErrClosed", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close = %v", err)
	}
}
