package store

import (
	"context"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/pgtest"
	"github.com/ticketd/ticketd/tickets"
)

// The whole text is stored once when it is the body, and read back whole
// by every path.
func TestFullTextStoredOnce(t *testing.T) {
	db := pgtest.New(t)
	ctx := context.Background()
	at := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	tk, err := insertTicket(ctx, db, Ticket{Lang: "es", Ticket: tickets.Ticket{Subject: "s", Requester: "a@x",
		State: tickets.StateNew, Level: 1, CreatedAt: at, UpdatedAt: at, LevelSince: at}})
	if err != nil {
		t.Fatal(err)
	}
	in := func(id, body, full string) Message {
		return Message{MessageID: id, ContentHash: id, Raw: []byte("raw"), CreatedAt: at, Status: StatusProcessed,
			TicketID: &tk.ID, Body: body, FullText: full}
	}
	same := "No imprime.\n"
	trimmed, whole := "Gracias.\n", "Gracias.\n\n> No imprime.\n"
	// Two through the multi-row forms, one through the single-row ones.
	many := []Message{in("a@x", same, same), in("b@x", trimmed, whole)}
	ids, _, err := InsertInboundMany(ctx, db, many)
	if err != nil {
		t.Fatal(err)
	}
	many[0].ID, many[1].ID = ids[0], ids[1]
	if err := UpdateInboundMany(ctx, db, many); err != nil {
		t.Fatal(err)
	}
	one, _, err := InsertInbound(ctx, db, Message{MessageID: "c@x", ContentHash: "c", Raw: []byte("raw"), CreatedAt: at})
	if err != nil {
		t.Fatal(err)
	}
	upd := in("c@x", same, same)
	upd.ID = one
	if err := UpdateInbound(ctx, db, upd); err != nil {
		t.Fatal(err)
	}
	out, err := InsertOutbound(ctx, db, Message{TicketID: &tk.ID, MessageID: "d@x", Body: "Recibimos su solicitud.\n", CreatedAt: at})
	if err != nil {
		t.Fatal(err)
	}
	want := map[int64][2]string{ids[0]: {same, ""}, ids[1]: {whole, whole}, one: {same, ""}, out: {"Recibimos su solicitud.\n", ""}}
	for id, w := range want {
		m, err := GetMessage(ctx, db, id)
		if err != nil {
			t.Fatal(err)
		}
		var column string
		db.Get(&column, `SELECT full_text FROM messages WHERE id = $1`, id)
		if m.FullText != w[0] || column != w[1] {
			t.Errorf("message %d: full text read %q, column %q; want %q, %q", id, m.FullText, column, w[0], w[1])
		}
	}
	ms, err := MessagesOf(ctx, db, tk.ID)
	if err != nil || len(ms) != 4 || ms[1].FullText != whole || ms[3].FullText != "Recibimos su solicitud.\n" {
		t.Errorf("MessagesOf: %d messages, %v", len(ms), err)
	}
}
