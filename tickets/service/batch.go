package service

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/ticketd/ticketd/tickets"
	"github.com/ticketd/ticketd/tickets/store"
)

// BatchNotifier is a Notifier that can also queue the notifications of
// several changes together, with a fixed number of statements, queueing
// exactly what Notify would for each change, in order.
type BatchNotifier interface {
	Notifier
	// PrepareMany reads what queueing cs needs and starts composing their
	// notifications; queue waits for them and writes them. Between the two
	// the caller may write other rows in tx, as long as nothing the
	// notifier reads depends on them: changes that carry their Record are
	// not read back, the others are read by PrepareMany.
	PrepareMany(ctx context.Context, tx *sqlx.Tx, cs []Change) (queue func() error, err error)
}

// OpenMany registers several requests, in order: the tickets, events and
// notifications that opening each alone writes (Open is a batch of one),
// with ids in the same order, but with a fixed number of statements, which
// is what lets the mail intake keep up with a backlog. attach, when set,
// runs once the tickets exist and before anyone is notified: the mail
// intake puts the requests' trigger messages and their attachments on
// their tickets there, so that the notifications carry them. A refused
// request fails the whole call, as it would fail the transaction it is in.
//
// When every request carries its Known record, the notifications are
// composed while the rows are written.
func (tx *Tx) OpenMany(rs []OpenRequest, attach func([]store.Ticket) error) ([]store.Ticket, error) {
	ts, _, err := tx.openMany(rs, attach)
	return ts, err
}

// openMany is OpenMany that also returns each ticket's events.
func (tx *Tx) openMany(rs []OpenRequest, attach func([]store.Ticket) error) ([]store.Ticket, [][]store.StoredEvent, error) {
	if len(rs) == 0 {
		return nil, nil, nil
	}
	type opening struct {
		row    store.Ticket    // as registered, before routing
		after  tickets.Ticket  // after routing
		opened []tickets.Event // carried by the request's message
		routed []tickets.Event // by the system
		by     tickets.Actor
	}
	ops := make([]opening, len(rs))
	events := 0
	known := true
	for i, r := range rs {
		t, evs, by, lang, err := tx.opening(r)
		if err != nil {
			return nil, nil, err
		}
		ops[i] = opening{row: store.Ticket{Ticket: t, RequesterName: r.RequesterName, Lang: lang}, after: t, opened: evs, by: by}
		events += len(evs)
		// Routing never looks at the ticket's id, which is set below.
		if !r.NoRouting {
			if after, evs, ok := tx.routed(t, r); ok {
				ops[i].after, ops[i].routed = after, evs
				events += len(evs)
			}
		}
		known = known && r.Known != nil
	}
	ticketIDs, eventIDs, err := store.AllocateIDs(tx.ctx, tx.Q, len(rs), events)
	if err != nil {
		return nil, nil, err
	}

	rows := make([]store.Ticket, len(ops))
	finals := make([]store.Ticket, len(ops))
	changes := make([]Change, len(ops))
	perTicket := make([][]store.StoredEvent, len(ops))
	var all []store.StoredEvent
	next := 0
	for i := range ops {
		op := &ops[i]
		op.row.ID, op.after.ID = ticketIDs[i], ticketIDs[i]
		rows[i] = op.row
		finals[i] = op.row
		finals[i].Ticket = op.after
		// The trigger's id is known once attach stored it: the events
		// point at the field.
		var trig *int64
		if rs[i].Trigger != nil {
			trig = &rs[i].Trigger.ID
		}
		var stored []store.StoredEvent
		seq := 0
		add := func(row *int64, evs []tickets.Event) {
			for _, e := range evs {
				seq++
				e.Seq = seq
				stored = append(stored, store.StoredEvent{ID: eventIDs[next], TicketID: op.row.ID, MessageRow: row, Event: e})
				next++
			}
		}
		add(trig, op.opened)
		add(nil, op.routed)
		all = append(all, stored...)
		perTicket[i] = stored
		// The events' ids were allocated above, in this transaction.
		changes[i] = Change{After: finals[i], Events: stored, Actor: op.by, Trigger: rs[i].Trigger, At: tx.now, Fresh: true}
		if known {
			changes[i].Record = recordOf(*rs[i].Known, stored)
		}
	}

	var queue func() error
	if known {
		if queue, err = tx.prepareMany(changes); err != nil {
			return nil, nil, err
		}
	}
	if err := store.InsertTickets(tx.ctx, tx.Q, finals); err != nil {
		return nil, nil, err
	}
	if attach != nil {
		if err := attach(rows); err != nil {
			return nil, nil, err
		}
	}
	if err := store.InsertEvents(tx.ctx, tx.Q, all); err != nil {
		return nil, nil, err
	}
	if !known {
		if queue, err = tx.prepareMany(changes); err != nil {
			return nil, nil, err
		}
	}
	if err := queue(); err != nil {
		return nil, nil, err
	}
	return finals, perTicket, nil
}

// recordOf completes a new ticket's known record with its events as the
// database keeps them (times to the microsecond).
func recordOf(known store.TicketRecord, evs []store.StoredEvent) *store.TicketRecord {
	r := known
	r.Events = make([]store.StoredEvent, len(evs))
	for i, e := range evs {
		e.At = e.At.Round(time.Microsecond)
		r.Events[i] = e
	}
	return &r
}

// prepareMany starts queueing the notifications of several changes, in
// order; the returned function finishes it.
func (tx *Tx) prepareMany(cs []Change) (func() error, error) {
	n, ok := tx.s.Notifier.(BatchNotifier)
	if !ok || tx.holding {
		return func() error {
			for _, c := range cs {
				if err := tx.notify(c); err != nil {
					return err
				}
			}
			return nil
		}, nil
	}
	return n.PrepareMany(tx.ctx, tx.Q, cs)
}
