package mailsandbox

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2/imapclient"
)

// benchMessage is a typical 2 KiB support request.
var benchMessage = message(ana.Address, support.Address, "Impresora", "bench@x", strings.Repeat("La impresora del piso 3 no imprime.\n", 56))

// BenchmarkDeliver measures a direct delivery to one mailbox.
func BenchmarkDeliver(b *testing.B) {
	s := startSystem(b, Config{})
	b.SetBytes(int64(len(benchMessage)))
	for b.Loop() {
		if err := s.Deliver(ana.Address, []string{"soporte.oti+tok@example.gov.co"}, benchMessage); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSMTPSubmit measures one message per connection with AUTH PLAIN,
// which is what a notification sender that does not reuse connections costs.
func BenchmarkSMTPSubmit(b *testing.B) {
	s := startSystem(b, Config{})
	b.SetBytes(int64(len(benchMessage)))
	for b.Loop() {
		if err := submit(s, plain(ana), ana.Address, []string{support.Address}, benchMessage); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSubmitToIdleWakeup measures from the start of an SMTP
// submission until an IDLE-ing client on the recipient's INBOX has the
// EXISTS response: what ticketd waits for a new message.
func BenchmarkSubmitToIdleWakeup(b *testing.B) {
	s := startSystem(b, Config{})
	exists := make(chan uint32, 1)
	c := dialIMAP(b, s, support, &imapclient.UnilateralDataHandler{
		Mailbox: func(d *imapclient.UnilateralDataMailbox) {
			if d.NumMessages != nil {
				exists <- *d.NumMessages
			}
		},
	})
	if _, err := c.Select("INBOX", nil).Wait(); err != nil {
		b.Fatal(err)
	}
	idle, err := c.Idle()
	if err != nil {
		b.Fatal(err)
	}
	defer idle.Close()
	for b.Loop() {
		if err := submit(s, nil, ana.Address, []string{support.Address}, benchMessage); err != nil {
			b.Fatal(err)
		}
		select {
		case <-exists:
		case <-time.After(generous):
			b.Fatal("no EXISTS")
		}
	}
}

// BenchmarkClose measures Close with live IMAP sessions, one of them in
// IDLE, and an open SMTP session.
func BenchmarkClose(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		s, err := Start(Config{Accounts: []Account{support}, Logger: testLogger()})
		if err != nil {
			b.Fatal(err)
		}
		var clients []*imapclient.Client
		for i := range 3 {
			c, err := imapclient.DialInsecure(s.IMAPAddr(), nil)
			if err != nil {
				b.Fatal(err)
			}
			clients = append(clients, c)
			if err := c.Login(support.Address, support.Password).Wait(); err != nil {
				b.Fatal(err)
			}
			if _, err := c.Select("INBOX", nil).Wait(); err != nil {
				b.Fatal(err)
			}
			if i == 0 {
				if _, err := c.Idle(); err != nil {
					b.Fatal(err)
				}
			}
		}
		sc, err := dialSMTP(s)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if err := s.Close(); err != nil {
			b.Fatal(fmt.Errorf("close: %w", err))
		}
		b.StopTimer()
		sc.Close()
		for _, c := range clients {
			c.Close()
		}
		b.StartTimer()
	}
}
