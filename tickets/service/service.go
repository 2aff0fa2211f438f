package service

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/ticketd/ticketd/tickets"
	"github.com/ticketd/ticketd/tickets/store"
)

// Change is what a notifier is told about: the ticket before and after, the
// events just appended, who did it and the inbound message that carried it.
type Change struct {
	Before  *store.Ticket // nil for a new ticket
	After   store.Ticket
	Events  []store.StoredEvent
	Actor   tickets.Actor
	Trigger *store.Message
	At      time.Time // the transaction's time: what is queued carries it
	// Record, when set, is the ticket's record as the notifier would read
	// it back (OpenMany knows it for a new ticket), so it need not be read.
	Record *store.TicketRecord
	// Fresh: Events were written by this transaction, with ids their
	// sequence had never handed out, so no notification named after one of
	// them (its dedup key, "ev:<id>:…") can be queued already.
	Fresh bool
}

// Notifier queues notifications in the caller's transaction (the
// transactional outbox).
type Notifier interface {
	Notify(ctx context.Context, tx *sqlx.Tx, c Change) error
}

// Service runs commands against the database.
type Service struct {
	DB       *sqlx.DB
	Roster   *tickets.Roster
	Notifier Notifier // nil: nothing is queued
	Tag      string   // subject tag, e.g. "OTI"
	Lang     string   // requesters' language
	Now      func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

// Ref returns a ticket's reference, "OTI-123".
func (s *Service) Ref(id int64) string { return tickets.Ref(s.Tag, id) }

// Tx is one transaction of the service.
type Tx struct {
	Q   *sqlx.Tx
	ctx context.Context
	s   *Service
	now time.Time

	holding bool
	held    []Change
}

// Hold collects the notifications of the commands that follow until
// Release, so that several commands of one email (#nivel 2, #asignar ...)
// tell each person once, of the ticket as it stands after all of them.
func (tx *Tx) Hold() { tx.holding = true }

// Release queues the held notifications as one change.
func (tx *Tx) Release() error {
	tx.holding = false
	if len(tx.held) == 0 {
		return nil
	}
	c := tx.held[0]
	for _, h := range tx.held[1:] {
		if c.Before == nil {
			c.Before = h.Before
		}
		c.After, c.Actor = h.After, h.Actor
		c.Events = append(c.Events, h.Events...)
		if h.Trigger != nil {
			c.Trigger = h.Trigger
		}
	}
	tx.held = nil
	return tx.notify(c)
}

// Context is the transaction's context: what a Notifier queues with it
// and Q is handed off when the transaction commits (AfterTx).
func (tx *Tx) Context() context.Context { return tx.ctx }

// Now is the time of this transaction: every event in it carries it.
func (tx *Tx) Now() time.Time { return tx.now }

// InTx runs fn in one transaction and commits it when fn returns nil. A
// serialization failure or deadlock runs fn again (up to three times), so fn
// must not have effects outside the transaction.
func (s *Service) InTx(ctx context.Context, fn func(tx *Tx) error) error {
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		err = s.inTx(ctx, fn)
		if err == nil || !store.IsRetryable(err) {
			return err
		}
	}
	return err
}

func (s *Service) inTx(ctx context.Context, fn func(tx *Tx) error) error {
	q, err := s.DB.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	hooks := &txHooks{tx: q}
	tx := &Tx{Q: q, ctx: context.WithValue(ctx, txHooksKey{}, hooks), s: s, now: s.now()}
	if err := fn(tx); err != nil {
		q.Rollback()
		hooks.run(false)
		return err
	}
	if err := q.Commit(); err != nil {
		hooks.run(false)
		return fmt.Errorf("commit: %w", err)
	}
	hooks.run(true)
	return nil
}

// txHooks are what AfterTx registered in the transaction tx.
type txHooks struct {
	tx  *sqlx.Tx
	fns []func(committed bool)
}

func (h *txHooks) run(committed bool) {
	for _, f := range h.fns {
		f(committed)
	}
}

type txHooksKey struct{}

// AfterTx arranges for f to run once q, the transaction that ctx belongs
// to (the context and transaction a Notifier is given), has ended: f(true)
// once it has committed; f(false) if it rolled back or
// failed to commit, including an attempt that InTx runs again. AfterTx
// reports false, and registers nothing, when ctx is not the context of q
// in a transaction of a Service. Call it from the transaction's goroutine.
func AfterTx(ctx context.Context, q *sqlx.Tx, f func(committed bool)) bool {
	h, _ := ctx.Value(txHooksKey{}).(*txHooks)
	if h == nil || h.tx != q {
		return false
	}
	h.fns = append(h.fns, f)
	return true
}

// InTransaction reports whether AfterTx can register for q in ctx.
func InTransaction(ctx context.Context, q *sqlx.Tx) bool {
	h, _ := ctx.Value(txHooksKey{}).(*txHooks)
	return h != nil && h.tx == q
}

// OpenRequest is a new request: by email, or by phone through the desk.
type OpenRequest struct {
	Requester     string
	RequesterName string
	Subject       string
	Body          string        // routing looks at it too
	By            tickets.Actor // who registers it: the requester (email) or a desk agent (phone)
	Service       string        // a service the mailbox defaults to; "" routes by keywords
	LinkedTo      int64         // the closed ticket this one follows up
	Lang          string
	Trigger       *store.Message
	NoRouting     bool
	// Known, when set, is the record the new ticket will have once its
	// message is attached, without the events: its thread's Message-IDs and
	// the request's text and attachment names. OpenMany then composes the
	// notifications while it writes the rows.
	Known *store.TicketRecord
}

// Open registers a request (activity 1) and, when the service catalogue
// routes it, classifies it by the routing rules (activities 2 and 3): a
// batch of one, through OpenMany.
func (tx *Tx) Open(r OpenRequest) (store.Ticket, []store.StoredEvent, error) {
	ts, evs, err := tx.openMany([]OpenRequest{r}, nil)
	if err != nil {
		return store.Ticket{}, nil, err
	}
	return ts[0], evs[0], nil
}

// opening is the domain's side of Open: the new ticket and its event, who
// registers it and in which language it is answered.
func (tx *Tx) opening(r OpenRequest) (tickets.Ticket, []tickets.Event, tickets.Actor, string, error) {
	subject := strings.TrimSpace(r.Subject)
	if subject == "" {
		subject = "(sin asunto)"
	}
	by := r.By
	if by.Email == "" {
		by = tickets.Actor{Email: strings.ToLower(r.Requester), Role: tickets.RoleRequester}
	}
	t, evs, err := tickets.Apply(tickets.Ticket{}, tickets.Command{Kind: tickets.CmdOpen, Requester: r.Requester, Text: subject}, by, tx.now)
	if err != nil {
		return t, nil, by, "", err
	}
	lang := r.Lang
	if lang == "" {
		lang = tx.s.Lang
	}
	if lang == "" {
		lang = "es"
	}
	t.LinkedTo = r.LinkedTo
	return t, evs, by, lang, nil
}

// routed classifies a new ticket by the service catalogue (the mailbox's
// service, or the one whose keywords the request mentions): the classified
// ticket and its events, or ok = false when the catalogue does not route
// the request.
func (tx *Tx) routed(t tickets.Ticket, r OpenRequest) (tickets.Ticket, []tickets.Event, bool) {
	roster := tx.s.Roster
	if roster == nil {
		return t, nil, false
	}
	svc, ok := roster.FindService(r.Service)
	note := tickets.Note{Code: tickets.NoteRoutedMailbox}
	if !ok {
		var m tickets.RouteMatch
		if svc, m, ok = roster.Route(r.Subject, r.Body); !ok {
			return t, nil, false
		}
		note = tickets.Note{Code: tickets.NoteRoutedKeyword, Keyword: m.Keyword, InSubject: m.InSubject}
	}
	cmd := tickets.Command{Kind: tickets.CmdClassify, Level: svc.Level, Service: svc.Name, Text: note.Text(tx.s.Lang)}
	if p, ok := roster.AssigneeFor(svc, svc.Level); ok {
		cmd.To = &p
	}
	after, evs, err := tickets.Apply(t, cmd, tickets.System, tx.now)
	if err != nil {
		// A catalogue the configuration check let through but the domain
		// refuses leaves the ticket for the desk, as if unrouted.
		return t, nil, false
	}
	for i := range evs {
		if evs[i].Kind == tickets.EventClassified {
			evs[i] = evs[i].WithNote(note, tx.s.Lang)
		}
	}
	return after, evs, true
}

// Apply runs one command on ticket id with the row locked. A refused
// command returns the domain's *tickets.Refusal and changes nothing.
func (tx *Tx) Apply(id int64, cmd tickets.Command, a tickets.Actor, trigger *store.Message) (store.Ticket, []store.StoredEvent, error) {
	before, err := store.LockTicket(tx.ctx, tx.Q, id)
	if err != nil {
		return before, nil, err
	}
	t, evs, err := tickets.Apply(before.Ticket, cmd, a, tx.now)
	if err != nil {
		return before, nil, err
	}
	if err := store.UpdateTicket(tx.ctx, tx.Q, t); err != nil {
		return before, nil, err
	}
	var trig *int64
	if trigger != nil {
		trig = &trigger.ID
	}
	stored, err := store.AppendEvents(tx.ctx, tx.Q, id, trig, evs...)
	if err != nil {
		return before, nil, err
	}
	after := before
	after.Ticket = t
	if err := tx.notify(Change{Before: &before, After: after, Events: stored, Actor: a, Trigger: trigger}); err != nil {
		return before, nil, err
	}
	return after, stored, nil
}

// Record puts an event on a ticket's record without changing it (a refused
// command, a delivery failure, a reminder) and notifies as for any event.
func (tx *Tx) Record(id int64, kind tickets.EventKind, a tickets.Actor, public bool, note string, trigger *store.Message) (store.StoredEvent, error) {
	return tx.record(id, kind, a, public, note, nil, trigger)
}

// RecordNote is Record for a note the system writes: kept as data, worded
// for each reader, with its words in the desk's language as the event's
// text. It is internal, as everything the system notes.
func (tx *Tx) RecordNote(id int64, kind tickets.EventKind, a tickets.Actor, n tickets.Note, trigger *store.Message) (store.StoredEvent, error) {
	return tx.record(id, kind, a, false, "", &n, trigger)
}

func (tx *Tx) record(id int64, kind tickets.EventKind, a tickets.Actor, public bool, note string, n *tickets.Note,
	trigger *store.Message) (store.StoredEvent, error) {
	row, err := store.LockTicket(tx.ctx, tx.Q, id)
	if err != nil {
		return store.StoredEvent{}, err
	}
	e := tickets.Record(row.Ticket, kind, a, tx.now, public, note)
	if n != nil {
		e = e.WithNote(*n, tx.s.Lang)
	}
	var trig *int64
	if trigger != nil {
		trig = &trigger.ID
	}
	stored, err := store.AppendEvents(tx.ctx, tx.Q, id, trig, e)
	if err != nil {
		return store.StoredEvent{}, err
	}
	if err := tx.notify(Change{Before: &row, After: row, Events: stored, Actor: a, Trigger: trigger}); err != nil {
		return store.StoredEvent{}, err
	}
	return stored[0], nil
}

func (tx *Tx) notify(c Change) error {
	if tx.s.Notifier == nil {
		return nil
	}
	if c.At.IsZero() {
		c.At = tx.now
	}
	if tx.holding {
		if len(tx.held) > 0 && tx.held[0].After.ID != c.After.ID {
			return errors.New("service: held notifications of two tickets")
		}
		tx.held = append(tx.held, c)
		return nil
	}
	return tx.s.Notifier.Notify(tx.ctx, tx.Q, c)
}

// Open registers a request in a transaction of its own.
func (s *Service) Open(ctx context.Context, r OpenRequest) (store.Ticket, error) {
	var t store.Ticket
	err := s.InTx(ctx, func(tx *Tx) error {
		var err error
		t, _, err = tx.Open(r)
		return err
	})
	return t, err
}

// Apply runs one command in a transaction of its own.
func (s *Service) Apply(ctx context.Context, id int64, cmd tickets.Command, a tickets.Actor) (store.Ticket, []store.StoredEvent, error) {
	var (
		t   store.Ticket
		evs []store.StoredEvent
	)
	err := s.InTx(ctx, func(tx *Tx) error {
		var err error
		t, evs, err = tx.Apply(id, cmd, a, nil)
		return err
	})
	return t, evs, err
}

// Actor returns who addr is for ticket t (nil: no ticket yet).
func (s *Service) Actor(addr string, t *tickets.Ticket) tickets.Actor {
	if s.Roster == nil {
		return tickets.Actor{Email: strings.ToLower(addr), Role: tickets.RoleOutsider}
	}
	return s.Roster.ActorFor(addr, t)
}

// Person looks a person up by alias or address, with a refusal the sender
// can act on when there is no such person.
func (s *Service) Person(name string) (*tickets.Person, error) {
	if s.Roster != nil {
		if p, ok := s.Roster.Find(name); ok {
			return &p, nil
		}
	}
	return nil, tickets.NewRefusal(ErrUnknownPerson, "person.not_in_roster", name)
}

// ErrUnknownPerson is a command naming nobody in the roster.
var ErrUnknownPerson = errors.New("unknown person")

// ErrUnknownService is a command naming no service of the catalogue.
var ErrUnknownService = errors.New("unknown service")
