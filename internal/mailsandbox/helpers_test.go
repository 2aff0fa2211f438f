package mailsandbox

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"testing"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// The test accounts: the support mailbox, a user, a specialist, and a
// provider in another domain.
var (
	support    = Account{Address: "soporte.oti@example.gov.co", Password: "soporte-pw", Name: "Soporte OTI"}
	ana        = Account{Address: "ana.perez@example.gov.co", Password: "ana-pw", Name: "Ana Pérez"}
	specialist = Account{Address: "esp.redes@example.gov.co", Password: "redes-pw", Name: "Especialista Redes"}
	provider   = Account{Address: "mesa@proveedor.com.co", Password: "prov-pw", Name: "Proveedor"}
)

// testLogger discards unless SANDBOX_LOG is set; servers log from their own
// goroutines, which may outlive a test's t.Log.
func testLogger() *slog.Logger {
	if os.Getenv("SANDBOX_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.DiscardHandler)
}

// startSystem starts a System with the four test accounts unless cfg has
// accounts of its own, and closes it when the test ends.
func startSystem(t testing.TB, cfg Config) *System {
	t.Helper()
	if cfg.Accounts == nil {
		cfg.Accounts = []Account{support, ana, specialist, provider}
	}
	if cfg.Domain == "" {
		cfg.Domain = "example.gov.co"
	}
	cfg.Logger = testLogger()
	s, err := Start(cfg)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// dialIMAP logs a into the System's IMAP server with an ordinary client.
func dialIMAP(t testing.TB, s *System, a Account, h *imapclient.UnilateralDataHandler) *imapclient.Client {
	t.Helper()
	c, err := imapclient.DialInsecure(s.IMAPAddr(), &imapclient.Options{UnilateralDataHandler: h})
	if err != nil {
		t.Fatalf("dial imap: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.Login(a.Address, a.Password).Wait(); err != nil {
		t.Fatalf("imap login %s: %v", a.Address, err)
	}
	return c
}

// inbox returns every message of a's INBOX with its full body, without
// setting \Seen.
func inbox(t testing.TB, s *System, a Account) []*imapclient.FetchMessageBuffer {
	t.Helper()
	return mailbox(t, dialIMAP(t, s, a, nil), "INBOX")
}

func mailbox(t testing.TB, c *imapclient.Client, name string) []*imapclient.FetchMessageBuffer {
	t.Helper()
	sel, err := c.Select(name, nil).Wait()
	if err != nil {
		t.Fatalf("select %s: %v", name, err)
	}
	if sel.NumMessages == 0 {
		return nil
	}
	msgs, err := c.Fetch(imap.UIDSet{{Start: 1, Stop: 0}}, &imap.FetchOptions{
		UID: true, Flags: true, InternalDate: true,
		BodySection: []*imap.FetchItemBodySection{{Peek: true}},
	}).Collect()
	if err != nil {
		t.Fatalf("fetch %s: %v", name, err)
	}
	return msgs
}

func body(m *imapclient.FetchMessageBuffer) []byte {
	if len(m.BodySection) == 0 {
		return nil
	}
	return m.BodySection[0].Bytes
}

// submit sends raw over SMTP, authenticating with auth unless it is nil.
func submit(s *System, auth sasl.Client, from string, to []string, raw []byte) error {
	c, err := smtp.Dial(s.SMTPAddr())
	if err != nil {
		return err
	}
	defer c.Close()
	if auth != nil {
		if err := c.Auth(auth); err != nil {
			return err
		}
	}
	if err := c.SendMail(from, to, bytes.NewReader(raw)); err != nil {
		return err
	}
	return c.Quit()
}

func plain(a Account) sasl.Client { return sasl.NewPlainClient("", a.Address, a.Password) }

// smtpCode is the reply code of an SMTP error, 0 for nil, -1 for others.
func smtpCode(err error) int {
	if err == nil {
		return 0
	}
	var se *smtp.SMTPError
	if errors.As(err, &se) {
		return se.Code
	}
	return -1
}

// message builds a small CRLF message.
func message(from, to, subject, msgID, text string) []byte {
	h := fmt.Sprintf("From: %s\r\nTo: %s\r\nSubject: %s\r\nMessage-ID: <%s>\r\nDate: Mon, 02 Jun 2025 10:00:00 -0500\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n", from, to, subject, msgID)
	return []byte(h + strings.ReplaceAll(text, "\n", "\r\n"))
}

// splitTrace separates the three trace header lines (and their
// continuations) the sandbox prepends from the message as sent.
func splitTrace(t testing.TB, delivered []byte) (trace string, rest []byte) {
	t.Helper()
	rest = delivered
	for i := 0; i < 3; i++ {
		end := bytes.Index(rest, []byte("\r\n"))
		for end >= 0 && end+2 < len(rest) && rest[end+2] == '\t' {
			next := bytes.Index(rest[end+2:], []byte("\r\n"))
			if next < 0 {
				break
			}
			end += 2 + next
		}
		if end < 0 {
			t.Fatalf("delivered message has fewer than 3 header lines:\n%s", delivered)
		}
		trace += string(rest[:end+2])
		rest = rest[end+2:]
	}
	return trace, rest
}

// headerValue returns the unfolded value of the first field name in a
// header block, or "".
func headerValue(block, name string) string {
	unfolded := strings.ReplaceAll(block, "\r\n\t", " ")
	for _, line := range strings.Split(unfolded, "\r\n") {
		k, v, ok := strings.Cut(line, ":")
		if ok && strings.EqualFold(k, name) {
			return strings.TrimSpace(v)
		}
	}
	return ""
}
