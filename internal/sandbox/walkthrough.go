package sandbox

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/ticketd/ticketd/mailin/email"
	"github.com/ticketd/ticketd/tickets/service"
	"github.com/ticketd/ticketd/tickets/store"
)

// Client is a person using the sandbox with an ordinary mail client: SMTP
// submission with AUTH, IMAP to read.
type Client struct {
	Address string
	s       *Sandbox
}

// Client returns a mail client for the account at addr.
func (s *Sandbox) Client(addr string) *Client { return &Client{Address: addr, s: s} }

// Send submits a raw message from this account.
func (c *Client) Send(to []string, raw string) error {
	sc, err := smtp.Dial(c.s.Mail.SMTPAddr())
	if err != nil {
		return err
	}
	defer sc.Close()
	if err := sc.Auth(sasl.NewPlainClient("", c.Address, Password)); err != nil {
		return err
	}
	return sc.SendMail(c.Address, to, strings.NewReader(raw))
}

// Mail is one message in a mailbox, parsed.
type Mail struct {
	UID imap.UID
	*email.Message
}

// Inbox reads the account's INBOX.
func (c *Client) Inbox() ([]Mail, error) {
	ic, err := imapclient.DialInsecure(c.s.Mail.IMAPAddr(), nil)
	if err != nil {
		return nil, err
	}
	defer ic.Close()
	if err := ic.Login(c.Address, Password).Wait(); err != nil {
		return nil, err
	}
	sel, err := ic.Select("INBOX", &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil || sel.NumMessages == 0 {
		return nil, err
	}
	var set imap.SeqSet
	set.AddRange(1, sel.NumMessages)
	msgs, err := ic.Fetch(set, &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{{Peek: true}}}).Collect()
	if err != nil {
		return nil, err
	}
	var out []Mail
	for _, m := range msgs {
		var raw []byte
		for _, b := range m.BodySection {
			raw = b.Bytes
		}
		if pm, err := email.Parse(raw, email.Limits{}); err == nil {
			out = append(out, Mail{UID: m.UID, Message: pm})
		}
	}
	return out, ic.Logout().Wait()
}

// WaitFor waits for a message whose subject contains s.
func (c *Client) WaitFor(ctx context.Context, s string) (Mail, error) {
	for {
		msgs, err := c.Inbox()
		if err != nil {
			return Mail{}, err
		}
		for _, m := range msgs {
			if strings.Contains(m.Subject, s) {
				return m, nil
			}
		}
		select {
		case <-ctx.Done():
			return Mail{}, fmt.Errorf("%s did not receive %q: %w", c.Address, s, ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// waitReply waits for a message answering the message with id msgID.
func (c *Client) waitReply(ctx context.Context, msgID string) (Mail, error) {
	for {
		msgs, err := c.Inbox()
		if err != nil {
			return Mail{}, err
		}
		for _, m := range msgs {
			if len(m.InReplyTo) > 0 && m.InReplyTo[0] == msgID {
				return m, nil
			}
		}
		select {
		case <-ctx.Done():
			return Mail{}, fmt.Errorf("%s got no answer to %s: %w", c.Address, msgID, ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// Reply answers m the way a mail client does: to its Reply-To, threaded,
// quoting it under the new text.
func (c *Client) Reply(m Mail, text string) error {
	to := m.From.Email
	if len(m.ReplyTo) > 0 {
		to = m.ReplyTo[0].Email
	}
	refs := append(append([]string{}, m.References...), m.MessageID)
	var q strings.Builder
	for _, l := range strings.Split(strings.TrimSpace(m.Text), "\n") {
		q.WriteString("> " + l + "\r\n")
	}
	raw := fmt.Sprintf("From: %s\r\nTo: %s\r\nSubject: Re: %s\r\nMessage-ID: <%d.%s>\r\nIn-Reply-To: <%s>\r\nReferences: %s\r\nDate: %s\r\n"+
		"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n%s\r\n\r\nEl %s, %s <%s> escribió:\r\n%s",
		c.Address, to, m.Subject, time.Now().UnixNano(), c.Address, m.MessageID, angle(refs), time.Now().Format(time.RFC1123Z),
		strings.ReplaceAll(text, "\n", "\r\n"), time.Now().Format("02/01/2006 15:04"), m.From.Name, m.From.Email, q.String())
	return c.Send([]string{to}, raw)
}

func angle(ids []string) string {
	var b []string
	for _, id := range ids {
		b = append(b, "<"+id+">")
	}
	return strings.Join(b, " ")
}

// step is one email of the walkthrough.
type step struct {
	key, who, wait, text string
	state                string
	level                int
}

// WalkKind is what a WalkEvent reports.
type WalkKind int

// The walkthrough's events, in the order they come for each email.
const (
	WalkRequest WalkKind = iota // the requester writes to the desk
	WalkReply                   // someone replies to a notification, with commands
	WalkSettled                 // the ticket reached the step's state and the outbox is empty
	WalkDone                    // the end: Detail is the ticket's record
)

// WalkEvent is one moment of the walkthrough, for the caller to tell in
// the reader's language: the sandbox plays the procedure, it does not word
// it.
type WalkEvent struct {
	Kind WalkKind
	Step int // 1 for the request, then 2, 3... for the replies

	// Key names the reply's step: classify, escalate, resolve, reopen, close.
	Key     string
	From    string   // who writes
	Subject string   // the request's subject, or the notification replied to
	Lines   []string // the text written

	// After the step (WalkSettled):
	Ref      string
	State    string
	Level    int
	Assignee string // "" when it waits for the desk
	Sent     []Sent // the notifications that went out during the step

	Detail *service.DetailJSON // WalkDone
}

// Sent is one notification that went out.
type Sent struct {
	To      []string
	Subject string
}

// Walkthrough plays the whole procedure through the sandbox's servers, as
// people would, and reports each email, who sent it, the ticket's state
// and level after it, and the notifications that went out.
func (s *Sandbox) Walkthrough(ctx context.Context, report func(WalkEvent)) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	var (
		mu   sync.Mutex
		sent []Sent
	)
	s.Mail.OnDeliver(func(from string, to []string, raw []byte) {
		// ticketd's mail: from the desk's envelope, or from the null one
		// of its automatic answers (RFC 3834 §3.3) with the desk as From.
		if from != "" && !strings.EqualFold(from, Desk.Address) {
			return
		}
		m, err := email.Parse(raw, email.Limits{})
		if err != nil || !strings.EqualFold(m.From.Email, Desk.Address) {
			return
		}
		mu.Lock()
		sent = append(sent, Sent{To: append([]string(nil), to...), Subject: m.Subject})
		mu.Unlock()
	})
	taken := func() []Sent {
		mu.Lock()
		defer mu.Unlock()
		out := sent
		sent = nil
		return out
	}

	ana, desk := People[0].Address, People[1].Address
	subject := "El computador de la sala 2 no enciende"
	body := "Buenos días,\r\n\r\nEl computador de la sala 2 no enciende desde esta mañana; la luz del botón parpadea.\r\n\r\nGracias,\r\nAna María\r\n"
	reqID := fmt.Sprintf("recorrido.%d@%s", time.Now().UnixNano(), Domain)
	req := fmt.Sprintf("From: %s <%s>\r\nTo: %s <%s>\r\nSubject: %s\r\nMessage-ID: <%s>\r\nDate: %s\r\nMIME-Version: 1.0\r\n"+
		"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n%s",
		People[0].Name, ana, Desk.Name, Desk.Address, subject, reqID, time.Now().Format(time.RFC1123Z), body)
	report(WalkEvent{Kind: WalkRequest, Step: 1, From: ana, Subject: subject})
	if err := s.Client(ana).Send([]string{Desk.Address}, req); err != nil {
		return err
	}
	// The acknowledgement of this request (a sandbox kept between runs
	// holds those of earlier walkthroughs too).
	ack, err := s.Client(ana).waitReply(ctx, reqID)
	if err != nil {
		return err
	}
	ref := strings.TrimSuffix(strings.TrimPrefix(strings.Fields(ack.Subject)[0], "["), "]")
	id, err := s.ticketID(ctx, ref)
	if err != nil {
		return err
	}
	if err := s.settle(ctx, id, "nuevo", 1, report, taken); err != nil {
		return err
	}

	steps := []step{
		{key: "classify", who: desk, wait: "Nuevo caso",
			text: "#nivel 2\n#asignar sitio1\nPor favor revisar el equipo en sitio.", state: "en_atencion", level: 2},
		{key: "escalate", who: People[4].Address, wait: "Caso asignado",
			text: "#escalar nivel 3 a proveedor1\nLa fuente de poder está dañada; el equipo está en garantía.", state: "en_atencion", level: 3},
		{key: "resolve", who: People[5].Address, wait: "Case assigned",
			text: "#resolver Se reemplazó la fuente de poder en garantía.", state: "resuelto", level: 3},
		{key: "reopen", who: ana, wait: "Su solicitud fue resuelta",
			text: "#reabrir\nVolvió a apagarse después del almuerzo.", state: "en_atencion", level: 1},
		{key: "close", who: desk, wait: "Caso reabierto",
			text: "#resolver Se cambió el cable de poder y la regleta.\n#cerrar", state: "cerrado", level: 1},
	}
	for i, st := range steps {
		m, err := s.Client(st.who).WaitFor(ctx, "["+ref+"] "+st.wait)
		if err != nil {
			return err
		}
		report(WalkEvent{Kind: WalkReply, Step: i + 2, Key: st.key, From: st.who, Subject: m.Subject, Lines: strings.Split(st.text, "\n")})
		if err := s.Client(st.who).Reply(m, st.text); err != nil {
			return err
		}
		if err := s.settle(ctx, id, st.state, st.level, report, taken); err != nil {
			return err
		}
	}
	d, err := s.Daemon.Parts.Service.Show(ctx, id)
	if err != nil {
		return err
	}
	report(WalkEvent{Kind: WalkDone, Ref: ref, Detail: &d})
	return nil
}

func (s *Sandbox) ticketID(ctx context.Context, ref string) (int64, error) {
	var id int64
	_, err := fmt.Sscanf(ref[strings.LastIndexByte(ref, '-')+1:], "%d", &id)
	if err != nil {
		return 0, fmt.Errorf("ticket reference %q: %w", ref, err)
	}
	return id, nil
}

// settle waits until the ticket is in state at level and the outbox has
// sent everything, then reports where the ticket stands and what went out.
func (s *Sandbox) settle(ctx context.Context, id int64, state string, level int, report func(WalkEvent), taken func() []Sent) error {
	db := s.Daemon.Parts.DB
	for {
		t, err := store.GetTicket(ctx, db, id)
		if err == nil && string(t.State) == state && int(t.Level) == level {
			pending, _, err := store.OutboxBacklog(ctx, db)
			if err == nil && pending == 0 {
				time.Sleep(150 * time.Millisecond) // let the last deliveries reach the observer
				report(WalkEvent{Kind: WalkSettled, Ref: s.Daemon.Parts.Service.Ref(id), State: string(t.State),
					Level: int(t.Level), Assignee: t.Assignee, Sent: taken()})
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("the ticket did not reach %s at level %d: %w", state, level, ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}
