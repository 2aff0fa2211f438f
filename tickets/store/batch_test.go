package store

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/pgtest"
	"github.com/ticketd/ticketd/tickets"
)

func TestValues(t *testing.T) {
	tests := []struct {
		name  string
		rows  int
		casts []string
		want  string
	}{
		{"one row, no casts", 1, []string{"", ""}, "($1, $2)"},
		{"numbering runs across rows", 2, []string{"", "", ""}, "($1, $2, $3), ($4, $5, $6)"},
		{"casts per column", 2, []string{"::bigint", ""}, "($1::bigint, $2), ($3::bigint, $4)"},
		{"no rows", 0, []string{""}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := values(tt.rows, tt.casts...); got != tt.want {
				t.Errorf("values(%d, %q) = %q, want %q", tt.rows, tt.casts, got, tt.want)
			}
		})
	}
}

func TestChunksStayUnderTheParameterLimit(t *testing.T) {
	tests := []struct {
		name    string
		n, cols int
		want    string
	}{
		{"nothing", 0, 7, ""},
		{"one statement", 100, 23, "[0,100)"},
		{"exactly one statement's worth", maxParams / 23, 23, fmt.Sprintf("[0,%d)", maxParams/23)},
		{"one row more", maxParams/23 + 1, 23, fmt.Sprintf("[0,%d)[%d,%d)", maxParams/23, maxParams/23, maxParams/23+1)},
		{"wider than the limit still goes one row at a time", 3, maxParams + 1, "[0,1)[1,2)[2,3)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got string
			err := chunks(tt.n, tt.cols, func(lo, hi int) error {
				if (hi-lo)*tt.cols > maxParams && hi-lo > 1 {
					t.Errorf("chunk [%d,%d) has %d parameters", lo, hi, (hi-lo)*tt.cols)
				}
				got += fmt.Sprintf("[%d,%d)", lo, hi)
				return nil
			})
			if err != nil || got != tt.want {
				t.Errorf("chunks(%d, %d) = %s (%v), want %s", tt.n, tt.cols, got, err, tt.want)
			}
		})
	}
}

func TestChunksByStayUnderTheByteBudget(t *testing.T) {
	const budget = maxStatementBytes
	tests := []struct {
		name  string
		sizes []int
		want  string
	}{
		{"small rows together", []int{budget / 8, budget / 8, budget / 8}, "[0,3)"},
		{"cut before the budget is passed", []int{budget * 5 / 8, budget * 3 / 8, 1}, "[0,2)[2,3)"},
		{"a row over the budget goes alone", []int{1, budget * 3, 1}, "[0,1)[1,2)[2,3)"},
		{"exactly the budget", []int{budget / 2, budget / 2, 1}, "[0,2)[2,3)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got string
			chunksBy(len(tt.sizes), 3, func(i int) int { return tt.sizes[i] }, func(lo, hi int) error {
				got += fmt.Sprintf("[%d,%d)", lo, hi)
				return nil
			})
			if got != tt.want {
				t.Errorf("chunksBy(%v) = %s, want %s", tt.sizes, got, tt.want)
			}
		})
	}
}

func TestInsertInboundManyDeduplicates(t *testing.T) {
	db := pgtest.New(t)
	ctx := context.Background()
	at := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	msg := func(id, hash string) Message {
		return Message{MessageID: id, ContentHash: hash, Raw: []byte("raw " + id), CreatedAt: at, Status: StatusProcessed, Body: "b"}
	}
	before, _, err := InsertInbound(ctx, db, msg("old@x", "h0"))
	if err != nil {
		t.Fatal(err)
	}
	ids, existed, err := InsertInboundMany(ctx, db, []Message{
		msg("a@x", "h1"), msg("old@x", "h0"), msg("b@x", "h2"), msg("a@x", "h1"), msg("a@x", "h9"),
	})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		i       int
		existed bool
		sameAs  int // index whose id this one must have; -1: the row stored before
	}{
		{"new", 0, false, 0},
		{"stored before", 1, true, -1},
		{"new after a duplicate", 2, false, 2},
		{"the same message earlier in the batch", 3, true, 0},
		{"same Message-ID, other content", 4, false, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := before
			if tt.sameAs >= 0 {
				want = ids[tt.sameAs]
			}
			if existed[tt.i] != tt.existed || ids[tt.i] != want {
				t.Errorf("message %d: id %d existed %v, want id %d existed %v", tt.i, ids[tt.i], existed[tt.i], want, tt.existed)
			}
		})
	}
	if !(ids[0] < ids[2] && ids[2] < ids[4]) {
		t.Errorf("ids %v are not in the order given", ids)
	}
	// Each row is stored whole, as given: the first of a duplicate pair.
	var n int
	if err := db.Get(&n, `SELECT count(*) FROM messages WHERE direction = 'in' AND status = 'processed' AND body = 'b'
		AND raw = convert_to('raw ' || message_id, 'UTF8')`); err != nil {
		t.Fatal(err)
	}
	if n != 4 {
		t.Errorf("%d messages stored whole, want 4 (one before the batch, three of its five)", n)
	}
}

// TestInsertInboundManyWholeOrRaw: a row is inserted with the id given
// (AllocateMessageIDs) and every field of the message, or, without a
// status, as a raw source "received"; an id given for a message stored
// before is left unused.
func TestInsertInboundManyWholeOrRaw(t *testing.T) {
	db := pgtest.New(t)
	ctx := context.Background()
	at := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	tIDs, _, err := AllocateIDs(ctx, db, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := InsertTickets(ctx, db, []Ticket{{Ticket: tickets.Ticket{ID: tIDs[0], Subject: "s", Requester: "ana@x", State: "nuevo",
		Level: 1, CreatedAt: at, UpdatedAt: at, LevelSince: at}}}); err != nil {
		t.Fatal(err)
	}
	ids, err := AllocateMessageIDs(ctx, db, 2)
	if err != nil || len(ids) != 2 || ids[0] >= ids[1] {
		t.Fatalf("AllocateMessageIDs: %v %v", ids, err)
	}
	whole := Message{ID: ids[1], TicketID: &tIDs[0], MessageID: "w@x", ContentHash: "hw", InReplyTo: "p@x", Refs: []string{"p@x"},
		FromAddr: "ana@x", FromName: "Ana", ToAddrs: []string{"desk@x"}, CcAddrs: []string{"c@x"}, Subject: "Ayuda", Body: "b",
		FullText: "b\n> quoted", Raw: []byte("raw w"), AutoKind: "", Status: StatusProcessed, Reason: "no automatic answer: x", CreatedAt: at}
	raw := Message{MessageID: "r@x", ContentHash: "hr", Raw: []byte("raw r"), CreatedAt: at}
	got, existed, err := InsertInboundMany(ctx, db, []Message{whole, raw})
	if err != nil {
		t.Fatal(err)
	}
	if got[0] != ids[1] || existed[0] || existed[1] || got[1] <= ids[1] {
		t.Fatalf("ids %v existed %v, want %d first and a later one", got, existed, ids[1])
	}
	back, err := GetInboundRaw(ctx, db, got[0])
	if err != nil {
		t.Fatal(err)
	}
	if string(back.Raw) != "raw w" {
		t.Errorf("raw source %q, want %q", back.Raw, "raw w")
	}
	back.Raw = nil
	if back.TicketID == nil || *back.TicketID != tIDs[0] {
		t.Errorf("stored on ticket %v, want %d", back.TicketID, tIDs[0])
	}
	back.CreatedAt, back.TicketID = at, nil
	whole.Raw, whole.TicketID, whole.Direction = nil, nil, "in"
	if fmt.Sprintf("%+v", back) != fmt.Sprintf("%+v", whole) {
		t.Errorf("stored whole:\n got %+v\nwant %+v", back, whole)
	}
	var status string
	if err := db.Get(&status, `SELECT status FROM messages WHERE id = $1 AND ticket_id IS NULL AND body = ''
		AND raw = 'raw r'::bytea`, got[1]); err != nil || status != StatusReceived {
		t.Errorf("raw source: status %q, %v", status, err)
	}
	again := whole
	again.ID = ids[0]
	if got, existed, err := InsertInboundMany(ctx, db, []Message{again}); err != nil || !existed[0] || got[0] != ids[1] {
		t.Errorf("stored again: %v %v %v, want id %d existed", got, existed, err, ids[1])
	}
	var n int
	db.Get(&n, `SELECT count(*) FROM messages WHERE id = $1`, ids[0])
	if n != 0 {
		t.Errorf("the id given for a duplicate was used")
	}
}

// TestKnownOf: one round trip answers the three questions the intake asks
// of a batch, each for its own mailbox, hash and ticket, and empty lists
// are no question at all.
func TestKnownOf(t *testing.T) {
	db := pgtest.New(t)
	ctx := context.Background()
	at := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	tk, err := insertTicket(ctx, db, Ticket{Ticket: tickets.Ticket{Subject: "x", Requester: "ana@x", State: tickets.StateNew,
		Level: 1, CreatedAt: at, UpdatedAt: at, LevelSince: at}, Lang: "es"})
	if err != nil {
		t.Fatal(err)
	}
	onTicket := Message{MessageID: "on-ticket@x", ContentHash: "h1", Raw: []byte("a"), CreatedAt: at, Status: StatusProcessed, TicketID: &tk.ID}
	loose := Message{MessageID: "loose@x", ContentHash: "h2", Raw: []byte("b"), CreatedAt: at, Status: StatusQuarantined}
	for _, m := range []Message{onTicket, loose} {
		id, _, err := InsertInbound(ctx, db, m)
		if err != nil {
			t.Fatal(err)
		}
		m.ID = id
		if err := UpdateInbound(ctx, db, m); err != nil { // onto its ticket, if it has one
			t.Fatal(err)
		}
	}
	for _, p := range []Position{
		{Account: "a", Mailbox: "INBOX", UIDValidity: 7, UID: 3},
		{Account: "a", Mailbox: "INBOX", UIDValidity: 7, UID: 8, Quarantine: true, Reason: "no usable From address"},
		{Account: "a", Mailbox: "INBOX", UIDValidity: 6, UID: 4}, // an older UIDVALIDITY
		{Account: "a", Mailbox: "Otra", UIDValidity: 7, UID: 5},  // another mailbox
	} {
		if err := PutPosition(ctx, db, p, at); err != nil {
			t.Fatal(err)
		}
	}
	k, err := KnownOf(ctx, db, "a", "INBOX", 7, []uint32{3, 4, 5, 6, 8},
		[]string{"on-ticket@x", "on-ticket@x", "loose@x", "new@x"}, []string{"h1", "h9", "h2", "h1"},
		[]string{"on-ticket@x", "loose@x", "nowhere@x"})
	if err != nil {
		t.Fatal(err)
	}
	wantHandled := map[uint32]Position{
		3: {Account: "a", Mailbox: "INBOX", UIDValidity: 7, UID: 3},
		8: {Account: "a", Mailbox: "INBOX", UIDValidity: 7, UID: 8, Quarantine: true, Reason: "no usable From address"},
	}
	if fmt.Sprint(k.Handled) != fmt.Sprint(wantHandled) {
		t.Errorf("handled = %v, want UIDs 3 and 8 with their outcome: %v", k.Handled, wantHandled)
	}
	want := map[[2]string]bool{{"on-ticket@x", "h1"}: true, {"loose@x", "h2"}: true}
	if len(k.Stored) != len(want) || !k.Stored[[2]string{"on-ticket@x", "h1"}] || !k.Stored[[2]string{"loose@x", "h2"}] {
		t.Errorf("stored = %v, want %v", k.Stored, want)
	}
	if len(k.Threaded) != 1 || !k.Threaded["on-ticket@x"] {
		t.Errorf("threaded = %v, want only the message on a ticket", k.Threaded)
	}
	empty, err := KnownOf(ctx, db, "a", "INBOX", 7, nil, nil, nil, nil)
	if err != nil || len(empty.Handled)+len(empty.Stored)+len(empty.Threaded) != 0 {
		t.Errorf("empty lists: %+v, %v", empty, err)
	}
}
