package service

import (
	"context"
	"time"

	"github.com/ticketd/ticketd/tickets"
	"github.com/ticketd/ticketd/tickets/store"
)

// TicketJSON is a ticket in the stable JSON interface of `ticketd tickets`.
type TicketJSON struct {
	ID        int64  `json:"id"`
	Ref       string `json:"ref"`
	Subject   string `json:"subject"`
	Requester string `json:"requester"`
	// RequesterName is the display name of her first message's From.
	RequesterName string    `json:"requester_name,omitempty"`
	State         string    `json:"state"`
	Level         int       `json:"level"`
	Service       string    `json:"service"`
	Assignee      *string   `json:"assignee"`
	LinkedTo      *string   `json:"linked_to,omitempty"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
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
	// NoteData is the system's note as data (its code and arguments), nil
	// for a person's words; Note is then its words in the reader's language.
	NoteData *tickets.Note `json:"note_data,omitempty"`
	Assignee string        `json:"assignee,omitempty"`
	Rating   int           `json:"rating,omitempty"` // "rated": the requester's score, 1 to 5
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
	v := TicketJSON{ID: t.ID, Ref: s.Ref(t.ID), Subject: t.Subject, Requester: t.Requester, RequesterName: t.RequesterName, State: string(t.State),
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
			Level: int(e.LevelAfter), State: string(e.StateAfter), Public: e.Public, Note: e.Note, NoteData: e.Data, Assignee: e.AssigneeAfter, Rating: e.Rating})
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

// Activities lists the activities of a ticket's record in order.
func Activities(d DetailJSON) []int {
	var out []int
	for _, e := range d.Events {
		out = append(out, e.Activities...)
	}
	return out
}
