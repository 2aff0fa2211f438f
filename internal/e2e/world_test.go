package e2e

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/textproto"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-smtp"

	"github.com/ticketd/ticketd/internal/config"
	"github.com/ticketd/ticketd/internal/daemon"
	"github.com/ticketd/ticketd/internal/testdovecot"
	"github.com/ticketd/ticketd/mailin/email"
)

// The people of the scenario, all with a Dovecot mailbox.
const (
	deskAddr = "soporte.oti@example.gov.co"
	ana      = "ana@example.gov.co"
	jgomez   = "jgomez@example.gov.co"
	mrojas   = "mrojas@example.gov.co"
	lperez   = "lperez@example.gov.co"
	sitio1   = "sitio1@example.gov.co"
	provider = "soporte@proveedor.example.com"
)

// More requesters outside the roster, for the fault suite's load.
const (
	pedro = "pedro@example.gov.co"
	sofia = "sofia@example.gov.co"
)

var everyone = []string{deskAddr, ana, jgomez, mrojas, lperez, sitio1, provider, pedro, sofia}

// world is a small mail provider: Dovecot holds every mailbox, and an SMTP
// server in this process delivers what it is given into them over IMAP
// APPEND, as an MTA would (plus-addresses land in the base mailbox, with
// Delivered-To saying the full address).
type world struct {
	t      *testing.T
	dove   *testdovecot.Server
	smtpLn net.Listener
	srv    *smtp.Server

	mu        sync.Mutex
	delivered []delivery // everything the SMTP server accepted
	down      bool       // answer 421 to everything (SMTP outage)
	// hang, when set, is asked about every message after it was delivered
	// and returns how long to wait before answering its end of data (a
	// server whose reply hangs after the final dot).
	hang func(messageID string) time.Duration
}

type delivery struct {
	from   string
	to     []string
	raw    []byte
	opened time.Time // when the SMTP connection that carried it was accepted
}

func newWorld(t *testing.T) *world {
	t.Helper()
	w := &world{t: t, dove: testdovecot.Start(t, everyone...)}
	w.srv = smtp.NewServer(&sinkBackend{w: w})
	w.srv.Domain = "mx.example.gov.co"
	w.srv.AllowInsecureAuth = true
	w.srv.MaxMessageBytes = 30 << 20
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	w.smtpLn = ln
	go w.srv.Serve(ln)
	t.Cleanup(func() { w.srv.Close() })
	return w
}

func (w *world) smtpAddr() string { return w.smtpLn.Addr().String() }

func (w *world) setDown(down bool) {
	w.mu.Lock()
	w.down = down
	w.mu.Unlock()
}

// send submits a message as a person's mail client would.
func (w *world) send(from string, to []string, raw string) {
	w.t.Helper()
	c, err := smtp.Dial(w.smtpAddr())
	if err == nil {
		err = c.SendMail(from, to, strings.NewReader(raw))
		c.Close()
	}
	if err != nil {
		w.t.Fatalf("sending as %s: %v", from, err)
	}
}

// deliver appends raw into the mailbox of rcpt.
func (w *world) deliver(rcpt string, raw []byte) error {
	base := rcpt
	if at := strings.IndexByte(rcpt, '@'); at > 0 {
		if plus := strings.IndexByte(rcpt[:at], '+'); plus > 0 {
			base = rcpt[:plus] + rcpt[at:]
		}
	}
	c, err := imapclient.DialInsecure(w.dove.Addr, nil)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.Login(base, w.dove.Password).Wait(); err != nil {
		return fmt.Errorf("no mailbox for %s: %w", rcpt, err)
	}
	msg := append([]byte("Delivered-To: "+rcpt+"\r\n"), raw...)
	cmd := c.Append("INBOX", int64(len(msg)), nil)
	cmd.Write(msg)
	cmd.Close()
	if _, err := cmd.Wait(); err != nil {
		return err
	}
	return c.Logout().Wait()
}

type sinkBackend struct{ w *world }

func (b *sinkBackend) NewSession(*smtp.Conn) (smtp.Session, error) {
	return &sinkSession{w: b.w, opened: time.Now()}, nil
}

type sinkSession struct {
	w      *world
	opened time.Time
	from   string
	to     []string
}

func (s *sinkSession) Mail(from string, _ *smtp.MailOptions) error {
	s.w.mu.Lock()
	down := s.w.down
	s.w.mu.Unlock()
	if down {
		return &smtp.SMTPError{Code: 421, EnhancedCode: smtp.EnhancedCode{4, 3, 2}, Message: "service not available"}
	}
	s.from = from
	return nil
}

func (s *sinkSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, strings.ToLower(to))
	return nil
}

func (s *sinkSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	for _, rc := range s.to {
		if err := s.w.deliver(rc, raw); err != nil {
			return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: err.Error()}
		}
	}
	s.w.mu.Lock()
	s.w.delivered = append(s.w.delivered, delivery{from: s.from, to: s.to, raw: raw, opened: s.opened})
	hang := s.w.hang
	s.w.mu.Unlock()
	if hang != nil {
		h, _ := textproto.NewReader(bufio.NewReader(bytes.NewReader(raw))).ReadMIMEHeader()
		time.Sleep(hang(trimID(h.Get("Message-Id"))))
	}
	return nil
}

func (s *sinkSession) Reset()        { s.from, s.to = "", nil }
func (s *sinkSession) Logout() error { return nil }

// mailbox reads a person's INBOX.
type mailbox struct {
	w    *world
	user string
}

// message is one mail in a mailbox, parsed by ticketd's own parser.
type message struct {
	uid imap.UID
	raw []byte
	*email.Message
}

func (m *mailbox) list() []message {
	m.w.t.Helper()
	c, err := imapclient.DialInsecure(m.w.dove.Addr, nil)
	if err != nil {
		m.w.t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(m.user, m.w.dove.Password).Wait(); err != nil {
		m.w.t.Fatal(err)
	}
	sel, err := c.Select("INBOX", &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		m.w.t.Fatal(err)
	}
	if sel.NumMessages == 0 {
		return nil
	}
	var set imap.SeqSet
	set.AddRange(1, sel.NumMessages)
	msgs, err := c.Fetch(set, &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{{Peek: true}}}).Collect()
	if err != nil {
		m.w.t.Fatal(err)
	}
	var out []message
	for _, fm := range msgs {
		var raw []byte
		for _, b := range fm.BodySection {
			raw = b.Bytes
		}
		pm, err := email.Parse(raw, email.Limits{})
		if err != nil {
			m.w.t.Fatalf("a message in %s does not parse: %v", m.user, err)
		}
		out = append(out, message{uid: fm.UID, raw: raw, Message: pm})
	}
	return out
}

// waitFor waits for a message whose subject contains s and returns it.
func (m *mailbox) waitFor(s string) message {
	m.w.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		for _, msg := range m.list() {
			if strings.Contains(msg.Subject, s) {
				return msg
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	var subjects []string
	for _, msg := range m.list() {
		subjects = append(subjects, msg.Subject)
	}
	m.w.t.Fatalf("%s never got a message about %q; the mailbox has: %q", m.user, s, subjects)
	return message{}
}

// reply answers msg as a mail client does: to its Reply-To, threaded, with
// the original quoted under the new text.
func (w *world) reply(from string, msg message, text string) {
	w.t.Helper()
	to := msg.From.Email
	if len(msg.ReplyTo) > 0 {
		to = msg.ReplyTo[0].Email
	}
	refs := append(append([]string{}, msg.References...), msg.MessageID)
	var quoted bytes.Buffer
	for _, l := range strings.Split(msg.Text, "\n") {
		quoted.WriteString("> " + l + "\r\n")
	}
	raw := fmt.Sprintf("From: %s\r\nTo: %s\r\nSubject: Re: %s\r\nMessage-ID: <%d.%s>\r\nIn-Reply-To: <%s>\r\nReferences: %s\r\n"+
		"Date: %s\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"+
		"%s\r\n\r\nEl %s, Mesa de Servicio <%s> escribió:\r\n%s",
		from, to, msg.Subject, time.Now().UnixNano(), from, msg.MessageID, wrapIDs(refs),
		time.Now().Format(time.RFC1123Z), strings.ReplaceAll(text, "\n", "\r\n"), time.Now().Format("2 Jan 2006 15:04"), deskAddr, quoted.String())
	w.send(from, []string{to}, raw)
}

func wrapIDs(ids []string) string {
	var b []string
	for _, id := range ids {
		b = append(b, "<"+id+">")
	}
	return strings.Join(b, " ")
}

// ticketd starts the daemon against the world and returns its stop
// function; the configuration is the example's roster with this world's
// servers.
func (w *world) ticketd(dbURL string, extra string) (stop func()) {
	w.t.Helper()
	c := w.config(dbURL, extra)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	ready := make(chan struct{})
	go func() {
		done <- daemon.Run(ctx, daemon.Options{Config: c, Ready: func(*daemon.Daemon) { close(ready) }})
	}()
	select {
	case <-ready:
	case err := <-done:
		w.t.Fatalf("ticketd did not start: %v", err)
	case <-time.After(60 * time.Second):
		w.t.Fatal("ticketd did not start within a minute")
	}
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				w.t.Errorf("ticketd run: %v", err)
			}
		})
	}
	w.t.Cleanup(stop)
	return stop
}

func (w *world) config(dbURL, extra string) *config.Config {
	w.t.Helper()
	c, err := config.Parse([]byte(w.configTOML(dbURL, settings{extra: extra})))
	if err != nil {
		w.t.Fatalf("configuration: %v", err)
	}
	return c
}

// settings adjust the configuration text the world writes for ticketd.
type settings struct {
	imapAddr string // the IMAP server ticketd reads (default: Dovecot itself)
	smtpAddr string // the SMTP server ticketd sends to (default: the world's)
	imap     string // more keys of [imap], one per line
	smtp     string // more keys of [smtp], one per line
	extra    string // more tables
}

// configTOML is the configuration file of a ticketd in this world: the
// example's roster with this world's servers. The in-process daemon parses
// it; the fault suite writes it to a file for a ticketd subprocess.
func (w *world) configTOML(dbURL string, s settings) string {
	w.t.Helper()
	if s.imapAddr == "" {
		s.imapAddr = w.dove.Addr
	}
	if s.smtpAddr == "" {
		s.smtpAddr = w.smtpAddr()
	}
	return fmt.Sprintf(`
[database]
url = %q
[desk]
name = "Mesa de Servicio OTI"
address = %q
subject_tag = "OTI"
[[people]]
email = %q
name = "Juan Gómez"
role = "mesa"
alias = "jgomez"
[[people]]
email = %q
name = "María Rojas"
role = "mesa"
alias = "mrojas"
[[people]]
email = %q
name = "Luis Pérez"
role = "especialista"
levels = [2]
alias = "lperez"
[[people]]
email = %q
name = "Carlos Díaz"
role = "sitio"
alias = "sitio1"
[[people]]
email = %q
name = "Proveedor S.A.S."
role = "proveedor"
levels = [2, 3]
alias = "proveedor1"
language = "en"
[[services]]
name = "redes"
keywords = ["vpn", "wifi"]
level = 2
[imap]
address = %q
tls = "none"
username = %q
password = %q
poll_interval = "1s"
%s
[smtp]
address = %q
tls = "none"
connections = 2
%s
[timers]
interval = "1s"
%s
`, dbURL, deskAddr, jgomez, mrojas, lperez, sitio1, provider, s.imapAddr, deskAddr, w.dove.Password, s.imap,
		s.smtpAddr, s.smtp, s.extra)
}
