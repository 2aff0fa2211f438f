package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/ticketd/ticketd/tickets"
)

// StoredEvent is an event with its row id and the inbound message that
// caused it, if any.
type StoredEvent struct {
	ID         int64
	TicketID   int64
	MessageRow *int64
	tickets.Event
}

// AppendEvents adds events to a ticket's log. The caller holds the ticket's
// row lock, so sequence numbers are gapless and ordered. messageRow, when
// not nil, is the inbound message that carried the command. The next
// sequence number and the events' ids are read in one round trip; the
// events are written by InsertEvents, as a new ticket's are.
func AppendEvents(ctx context.Context, q sqlx.ExtContext, ticketID int64, messageRow *int64, evs ...tickets.Event) ([]StoredEvent, error) {
	var (
		seq int
		ids pq.Int64Array
	)
	err := q.QueryRowxContext(ctx, `SELECT COALESCE((SELECT max(seq) FROM events WHERE ticket_id = $1), 0),
		ARRAY(SELECT nextval(pg_get_serial_sequence('events', 'id')) FROM generate_series(1, $2))`, ticketID, len(evs)).Scan(&seq, &ids)
	if err != nil {
		return nil, fmt.Errorf("reading event sequence: %w", err)
	}
	slices.Sort(ids)
	out := make([]StoredEvent, len(evs))
	for i, e := range evs {
		seq++
		e.Seq = seq
		out[i] = StoredEvent{ID: ids[i], TicketID: ticketID, MessageRow: messageRow, Event: e}
	}
	if err := InsertEvents(ctx, q, out); err != nil {
		return nil, err
	}
	return out, nil
}

// Events returns a ticket's whole log in order.
func Events(ctx context.Context, q sqlx.QueryerContext, ticketID int64) ([]StoredEvent, error) {
	return eventsOf(ctx, q, `ticket_id = $1 ORDER BY seq`, ticketID)
}

// eventsOf reads the events that where selects.
func eventsOf(ctx context.Context, q sqlx.QueryerContext, where string, args ...any) ([]StoredEvent, error) {
	rows, err := q.QueryxContext(ctx, `SELECT id, ticket_id, seq, kind, activities, actor, actor_role, level_before, level_after,
		state_before, state_after, assignee_before, assignee_after, service, public, note, requester, message_row, at,
		COALESCE(rating, 0), note_data
		FROM events WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("reading events: %w", err)
	}
	defer rows.Close()
	var out []StoredEvent
	for rows.Next() {
		var (
			e    StoredEvent
			acts pq.Int64Array
			data []byte
		)
		if err := rows.Scan(&e.ID, &e.TicketID, &e.Seq, &e.Kind, &acts, &e.Actor, &e.ActorRole, &e.LevelBefore, &e.LevelAfter,
			&e.StateBefore, &e.StateAfter, &e.AssigneeBefore, &e.AssigneeAfter, &e.Service, &e.Public, &e.Note,
			&e.Requester, &e.MessageRow, &e.At, &e.Rating, &data); err != nil {
			return nil, err
		}
		e.Data = readNote(data)
		for _, a := range acts {
			e.Activities = append(e.Activities, int(a))
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// HasRating reports whether a ticket's log holds a rating already.
func HasRating(ctx context.Context, q sqlx.QueryerContext, ticketID int64) (bool, error) {
	var ok bool
	err := sqlx.GetContext(ctx, q, &ok, `SELECT EXISTS (SELECT 1 FROM events WHERE ticket_id = $1 AND kind = 'rated')`, ticketID)
	return ok, err
}

// dbNote is a system note as the note_data column takes it: JSON text with
// every string cleaned as dbText cleans a text column (jsonb refuses NUL as
// text does), or NULL for an event without one.
func dbNote(n *tickets.Note) any {
	if n == nil {
		return nil
	}
	b, err := json.Marshal(n.Map(dbText))
	if err != nil {
		return nil // cannot happen: a Note always marshals; the text in note stays
	}
	return string(b)
}

// readNote reads the note_data column; a value this version cannot read
// leaves the event with its text alone.
func readNote(b []byte) *tickets.Note {
	if len(b) == 0 {
		return nil
	}
	var n tickets.Note
	if err := json.Unmarshal(b, &n); err != nil || n.Code == "" {
		return nil
	}
	return &n
}
