package sandbox

import (
	"context"
	"fmt"
	"io"
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
	who, wait, text string
	state           string
	level           int
	title           string
}

// Walkthrough plays the whole procedure through the sandbox's servers, as
// people would, and prints the timeline: each email, who sent it, the
// ticket's state and level after it, and the notifications that went out.
func (s *Sandbox) Walkthrough(ctx context.Context, out io.Writer) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	var (
		mu   sync.Mutex
		sent []string
	)
	s.Mail.OnDeliver(func(from string, to []string, raw []byte) {
		if !strings.EqualFold(from, Desk.Address) {
			return
		}
		m, err := email.Parse(raw, email.Limits{})
		if err != nil {
			return
		}
		mu.Lock()
		sent = append(sent, fmt.Sprintf("%-32s %s", strings.Join(to, ","), m.Subject))
		mu.Unlock()
	})
	flush := func() {
		mu.Lock()
		defer mu.Unlock()
		for _, l := range sent {
			fmt.Fprintf(out, "      ✉ → %s\n", l)
		}
		sent = nil
	}

	ana, desk := People[0].Address, People[1].Address
	fmt.Fprintf(out, "Recorrido del procedimiento 130.13.08-3, solo por correo:\n\n")
	subject := "El computador de la sala 2 no enciende"
	reqID := fmt.Sprintf("recorrido.%d@%s", time.Now().UnixNano(), Domain)
	req := fmt.Sprintf("From: %s <%s>\r\nTo: %s <%s>\r\nSubject: %s\r\nMessage-ID: <%s>\r\nDate: %s\r\nMIME-Version: 1.0\r\n"+
		"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"+
		"Buenos días,\r\n\r\nEl computador de la sala 2 no enciende desde esta mañana; la luz del botón parpadea.\r\n\r\nGracias,\r\nAna María\r\n",
		People[0].Name, ana, Desk.Name, Desk.Address, subject, reqID, time.Now().Format(time.RFC1123Z))
	fmt.Fprintf(out, "1. %s escribe a %s: %q\n", ana, Desk.Address, subject)
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
	if err := s.settle(ctx, id, "nuevo", 1, out, flush); err != nil {
		return err
	}

	steps := []step{
		{title: "la mesa clasifica en nivel 2 y asigna soporte en sitio", who: desk, wait: "Nuevo caso",
			text: "#nivel 2\n#asignar sitio1\nPor favor revisar el equipo en sitio.", state: "en_atencion", level: 2},
		{title: "soporte en sitio escala al proveedor (nivel 3)", who: People[4].Address, wait: "Caso asignado",
			text: "#escalar nivel 3 a proveedor1\nLa fuente de poder está dañada; el equipo está en garantía.", state: "en_atencion", level: 3},
		{title: "el proveedor resuelve", who: People[5].Address, wait: "Case assigned",
			text: "#resolver Se reemplazó la fuente de poder en garantía.", state: "resuelto", level: 3},
		{title: "la solicitante reabre: el caso vuelve al nivel 1", who: ana, wait: "Su solicitud fue resuelta",
			text: "#reabrir\nVolvió a apagarse después del almuerzo.", state: "en_atencion", level: 1},
		{title: "la mesa resuelve y cierra definitivamente", who: desk, wait: "Caso reabierto",
			text: "#resolver Se cambió el cable de poder y la regleta.\n#cerrar", state: "cerrado", level: 1},
	}
	for i, st := range steps {
		m, err := s.Client(st.who).WaitFor(ctx, "["+ref+"] "+st.wait)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "%d. %s: %s responde a «%s»\n", i+2, st.title, st.who, m.Subject)
		for _, l := range strings.Split(st.text, "\n") {
			fmt.Fprintf(out, "      │ %s\n", l)
		}
		if err := s.Client(st.who).Reply(m, st.text); err != nil {
			return err
		}
		if err := s.settle(ctx, id, st.state, st.level, out, flush); err != nil {
			return err
		}
	}
	fmt.Fprintf(out, "\n$ ticketd tickets show %s\n\n", ref)
	svc := s.Daemon.Parts.Service
	d, err := svc.Show(ctx, id)
	if err != nil {
		return err
	}
	service.PrintDetail(out, d)
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
// sent everything, then prints where the ticket stands and what went out.
func (s *Sandbox) settle(ctx context.Context, id int64, state string, level int, out io.Writer, flush func()) error {
	db := s.Daemon.Parts.DB
	for {
		t, err := store.GetTicket(ctx, db, id)
		if err == nil && string(t.State) == state && int(t.Level) == level {
			pending, _, err := store.OutboxBacklog(ctx, db)
			if err == nil && pending == 0 {
				time.Sleep(150 * time.Millisecond) // let the last deliveries reach the observer
				assignee := t.Assignee
				if assignee == "" {
					assignee = "mesa de servicio"
				}
				fmt.Fprintf(out, "   → caso %s: estado %s, nivel %d, atiende %s\n", s.Daemon.Parts.Service.Ref(id), t.State, t.Level, assignee)
				flush()
				fmt.Fprintln(out)
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
