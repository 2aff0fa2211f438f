package service

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/ticketd/ticketd/tickets/store"
)

// TicketJSON is a ticket in the stable JSON interface of `ticketd tickets`.
type TicketJSON struct {
	ID        int64     `json:"id"`
	Ref       string    `json:"ref"`
	Subject   string    `json:"subject"`
	Requester string    `json:"requester"`
	State     string    `json:"state"`
	Level     int       `json:"level"`
	Service   string    `json:"service"`
	Assignee  *string   `json:"assignee"`
	LinkedTo  *string   `json:"linked_to,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// EventJSON is one entry of a ticket's record.
type EventJSON struct {
	At         time.Time `json:"at"`
	Kind       string    `json:"kind"`
	Activities []int     `json:"activities"`
	Actor      string    `json:"actor"`
	Level      int       `json:"level"`
	State      string    `json:"state"`
	Public     bool      `json:"public"`
	Note       string    `json:"note"`
	Assignee   string    `json:"assignee,omitempty"`
}

// AttachmentJSON describes an attachment.
type AttachmentJSON struct {
	ID          int64  `json:"id"` // for `ticketd tickets attachment N ID`
	Filename    string `json:"filename"`
	ContentType string `json:"content_type"`
	Size        int    `json:"size"`
}

// MessageJSON is one email of a ticket.
type MessageJSON struct {
	Direction   string           `json:"direction"`
	MessageID   string           `json:"message_id"`
	From        string           `json:"from"`
	To          []string         `json:"to"`
	Subject     string           `json:"subject"`
	Body        string           `json:"body"`
	Attachments []AttachmentJSON `json:"attachments"`
	At          time.Time        `json:"at"`
	// Status is an outgoing message's delivery: "pending", "sent",
	// "failed", or "held" (held back by the per-address cap on answers,
	// never sent); empty for inbound mail.
	Status string `json:"status,omitempty"`
}

// DetailJSON is `tickets show --json`.
type DetailJSON struct {
	TicketJSON
	Events   []EventJSON   `json:"events"`
	Messages []MessageJSON `json:"messages"`
}

// TicketView turns a stored ticket into its JSON shape.
func (s *Service) TicketView(t store.Ticket) TicketJSON {
	v := TicketJSON{ID: t.ID, Ref: s.Ref(t.ID), Subject: t.Subject, Requester: t.Requester, State: string(t.State),
		Level: int(t.Level), Service: t.Service, CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt}
	if t.Assignee != "" {
		a := t.Assignee
		v.Assignee = &a
	}
	if t.LinkedTo != 0 {
		r := s.Ref(t.LinkedTo)
		v.LinkedTo = &r
	}
	return v
}

// List returns tickets matching f.
func (s *Service) List(ctx context.Context, f store.Filter) ([]TicketJSON, error) {
	rows, err := store.ListTickets(ctx, s.DB, f)
	if err != nil {
		return nil, err
	}
	out := make([]TicketJSON, 0, len(rows))
	for _, t := range rows {
		out = append(out, s.TicketView(t))
	}
	return out, nil
}

// Show returns a ticket with its whole record and messages.
func (s *Service) Show(ctx context.Context, id int64) (DetailJSON, error) {
	t, err := store.GetTicket(ctx, s.DB, id)
	if err != nil {
		return DetailJSON{}, err
	}
	evs, err := store.Events(ctx, s.DB, id)
	if err != nil {
		return DetailJSON{}, err
	}
	msgs, err := store.MessagesOf(ctx, s.DB, id)
	if err != nil {
		return DetailJSON{}, err
	}
	atts, err := store.AttachmentsOf(ctx, s.DB, id)
	if err != nil {
		return DetailJSON{}, err
	}
	deliveries, err := store.DeliveriesOf(ctx, s.DB, id)
	if err != nil {
		return DetailJSON{}, err
	}
	// What the notifications carried: the same stored attachments.
	carried, err := store.OutboundFilesOf(ctx, s.DB, id)
	if err != nil {
		return DetailJSON{}, err
	}
	for row, as := range carried {
		atts[row] = append(atts[row], as...)
	}
	d := DetailJSON{TicketJSON: s.TicketView(t), Events: []EventJSON{}, Messages: []MessageJSON{}}
	for _, e := range evs {
		acts := e.Activities
		if acts == nil {
			acts = []int{}
		}
		d.Events = append(d.Events, EventJSON{At: e.At, Kind: string(e.Kind), Activities: acts, Actor: e.Actor,
			Level: int(e.LevelAfter), State: string(e.StateAfter), Public: e.Public, Note: e.Note, Assignee: e.AssigneeAfter})
	}
	for _, m := range msgs {
		mj := MessageJSON{Direction: m.Direction, MessageID: m.MessageID, From: m.FromAddr, To: append([]string{}, m.ToAddrs...),
			Subject: m.Subject, Body: m.Body, Attachments: []AttachmentJSON{}, At: m.CreatedAt, Status: deliveries[m.ID]}
		for _, a := range atts[m.ID] {
			mj.Attachments = append(mj.Attachments, AttachmentJSON{ID: a.ID, Filename: a.Filename, ContentType: a.ContentType, Size: a.Size})
		}
		d.Messages = append(d.Messages, mj)
	}
	return d, nil
}

// ActivityNames are the procedure's activities in the desk's words.
var ActivityNames = map[int]string{
	1: "Recibir la solicitud", 2: "Analizar, diagnosticar y clasificar", 3: "¿Se resuelve en nivel 1?",
	4: "Soporte de nivel 1", 5: "Caso resuelto en nivel 1", 6: "Escalar a nivel 2", 7: "Nivel 2 atiende",
	8: "¿Resuelto en nivel 2?", 9: "Nivel 3 atiende", 10: "Nivel 3 resuelve", 11: "Cierre definitivo",
	12: "Fin",
}

// deliveryNames say, in the desk's words, what became of a notification
// that was not simply sent.
var deliveryNames = map[string]string{
	store.OutboxHeld:    "retenido, no se envió: la dirección alcanzó el límite de respuestas automáticas",
	store.OutboxPending: "pendiente de envío",
	store.OutboxFailed:  "no se pudo entregar",
}

// activityName names activity a as event kind fulfilled it: what
// happened, not only the procedure's box. A reopening's 11 is the closure
// that did not happen and sends the case back to level 1; a comment or a
// note documents the attention (4, 7, 9) whoever wrote it, and is not
// "level 2 attends".
func activityName(kind string, a, level int) string {
	switch kind {
	case "reopened":
		switch a {
		case 11:
			return "No se cierra: vuelve a nivel 1"
		case 4:
			return "Soporte de nivel 1 de nuevo"
		}
	case "commented", "noted":
		switch a {
		case 4, 7, 9:
			return fmt.Sprintf("Atención documentada en nivel %d", level)
		}
	}
	return ActivityNames[a]
}

// stateNames are the states in the desk's words.
var stateNames = map[string]string{
	"nuevo": "nuevo", "en_atencion": "en atención", "resuelto": "resuelto", "cerrado": "cerrado",
}

func stateName(s string) string {
	if n, ok := stateNames[s]; ok {
		return n
	}
	return s
}

// KindNames are event kinds in the desk's words.
var KindNames = map[string]string{
	"opened": "abierto", "classified": "clasificado", "escalated": "escalado", "assigned": "asignado",
	"commented": "comentario", "noted": "nota interna", "resolved": "resuelto", "closed": "cerrado",
	"reopened": "reabierto", "command_refused": "comando rechazado", "delivery_failed": "entrega fallida",
	"reminded": "recordatorio", "notice_held": "aviso retenido",
}

// PrintDetail writes a ticket's life as the procedure's "Registro": one
// line per event with the activities it fulfilled.
func PrintDetail(w io.Writer, d DetailJSON) {
	assignee := "-"
	if d.Assignee != nil {
		assignee = *d.Assignee
	}
	fmt.Fprintf(w, "[%s] %s\n", d.Ref, d.Subject)
	fmt.Fprintf(w, "  solicitante: %s   estado: %s   nivel: %d   servicio: %s   asignado: %s\n",
		d.Requester, stateName(d.State), d.Level, orDash(d.Service), assignee)
	if d.LinkedTo != nil {
		fmt.Fprintf(w, "  continúa el caso cerrado %s\n", *d.LinkedTo)
	}
	fmt.Fprintf(w, "\nRegistro (actividades del procedimiento):\n")
	for _, e := range d.Events {
		var acts []string
		for _, a := range e.Activities {
			acts = append(acts, fmt.Sprintf("%d %s", a, activityName(e.Kind, a, e.Level)))
		}
		vis := ""
		if !e.Public {
			vis = " (interno)"
		}
		fmt.Fprintf(w, "  %s  %-18s nivel %d  %-11s  %s%s\n", e.At.Local().Format("2006-01-02 15:04"), kindName(e.Kind),
			e.Level, stateName(e.State), e.Actor, vis)
		if len(acts) > 0 {
			fmt.Fprintf(w, "      actividades: %s\n", strings.Join(acts, "; "))
		}
		if e.Note != "" {
			fmt.Fprintf(w, "      %s\n", firstLine(e.Note, 100))
		}
	}
	if len(d.Messages) > 0 {
		fmt.Fprintf(w, "\nCorreos (%d):\n", len(d.Messages))
		for _, m := range d.Messages {
			arrow := "←"
			who := m.From
			if m.Direction == "out" {
				arrow = "→"
				who = strings.Join(m.To, ", ")
			}
			fmt.Fprintf(w, "  %s %s  %s  %s\n", arrow, m.At.Local().Format("2006-01-02 15:04"), who, firstLine(m.Subject, 80))
			if s, ok := deliveryNames[m.Status]; ok {
				fmt.Fprintf(w, "      %s\n", s)
			}
			for _, a := range m.Attachments {
				fmt.Fprintf(w, "      adjunto %d: %s (%s, %d bytes)\n", a.ID, a.Filename, a.ContentType, a.Size)
			}
		}
	}
}

func kindName(k string) string {
	if n, ok := KindNames[k]; ok {
		return n
	}
	return k
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func firstLine(s string, n int) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i] + " …"
	}
	if r := []rune(s); len(r) > n {
		s = string(r[:n]) + "…"
	}
	return s
}

// Activities lists the activities of a ticket's record in order.
func Activities(d DetailJSON) []int {
	var out []int
	for _, e := range d.Events {
		out = append(out, e.Activities...)
	}
	return out
}
