package store

import (
	"context"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/lib/pq"

	"github.com/ticketd/ticketd/internal/pgtest"
	"github.com/ticketd/ticketd/tickets"
)

// bad holds what PostgreSQL's text type refuses: NUL and invalid UTF-8.
const bad = "a\x00b\xffc\xc3"

// TestMailTextColumnsTakeAnyBytes writes bad text into every column the
// intake fills from mail, by each path (one at a time and in a batch), and
// an empty attachment: all are stored, the text with U+FFFD for what the
// column refuses, the raw source and the attachment bytes as they came.
func TestMailTextColumnsTakeAnyBytes(t *testing.T) {
	db := pgtest.New(t)
	ctx := context.Background()
	at := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	raw := []byte("Subject: " + bad + "\r\n\r\n" + bad)
	fill := func(m *Message) {
		m.InReplyTo, m.Refs, m.FromAddr, m.FromName = bad, pq.StringArray{bad, "ok@x"}, bad, bad
		m.ToAddrs, m.CcAddrs, m.Subject, m.Body, m.FullText = pq.StringArray{bad}, pq.StringArray{bad}, bad, bad, bad+bad
		m.AutoKind, m.Status, m.Reason = bad, StatusProcessed, bad
	}
	one, _, err := InsertInbound(ctx, db, Message{MessageID: bad, ContentHash: "h1", Raw: raw, CreatedAt: at})
	if err != nil {
		t.Fatalf("InsertInbound: %v", err)
	}
	again, existed, err := InsertInbound(ctx, db, Message{MessageID: bad, ContentHash: "h1", Raw: raw, CreatedAt: at})
	if err != nil || !existed || again != one {
		t.Fatalf("the same message again: id %d existed %v err %v, want %d", again, existed, err, one)
	}
	upd := Message{ID: one}
	fill(&upd)
	if err := UpdateInbound(ctx, db, upd); err != nil {
		t.Fatalf("UpdateInbound: %v", err)
	}
	many := Message{MessageID: bad, ContentHash: "h2", Raw: raw, CreatedAt: at}
	fill(&many)
	ids, existed2, err := InsertInboundMany(ctx, db, []Message{many, many})
	if err != nil {
		t.Fatalf("InsertInboundMany: %v", err)
	}
	if existed2[0] || !existed2[1] || ids[0] != ids[1] {
		t.Errorf("a repeated message in a batch: ids %v existed %v", ids, existed2)
	}
	many.ID = ids[0]
	if err := UpdateInboundMany(ctx, db, []Message{many}); err != nil {
		t.Fatalf("UpdateInboundMany: %v", err)
	}
	out, err := InsertOutbound(ctx, db, Message{MessageID: "o@x", Subject: bad, Body: bad, HTMLBody: bad, ToAddrs: pq.StringArray{bad}, CreatedAt: at})
	if err != nil {
		t.Fatalf("InsertOutbound: %v", err)
	}
	if err := InsertAttachment(ctx, db, Attachment{MessageRow: one, Filename: bad, ContentType: bad, ContentID: bad}); err != nil {
		t.Fatalf("InsertAttachment of an empty part: %v", err)
	}
	if err := InsertAttachments(ctx, db, []Attachment{{MessageRow: ids[0], Filename: bad, ContentType: "text/plain", Data: nil},
		{MessageRow: ids[0], Filename: "x.bin", ContentType: "application/octet-stream", Data: []byte{0, 0xff}}}); err != nil {
		t.Fatalf("InsertAttachments: %v", err)
	}

	for _, id := range []int64{one, ids[0], out} {
		m, err := GetMessage(ctx, db, id)
		if err != nil {
			t.Fatal(err)
		}
		for name, s := range map[string]string{"message_id": m.MessageID, "subject": m.Subject, "body": m.Body,
			"from_name": m.FromName, "reason": m.Reason, "full_text": m.FullText} {
			if !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0 {
				t.Errorf("message %d %s = %q", id, name, s)
			}
		}
		if id != out && m.Subject != "a\uFFFDb\uFFFDc\uFFFD" {
			t.Errorf("message %d subject = %q, want each refused byte as U+FFFD", id, m.Subject)
		}
	}
	var stored []byte
	if err := db.Get(&stored, `SELECT raw FROM messages WHERE id = $1`, one); err != nil || string(stored) != string(raw) {
		t.Errorf("raw source changed: %q, %v", stored, err)
	}
	var sizes []int
	if err := db.Select(&sizes, `SELECT length(data) FROM attachments ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	if len(sizes) != 3 || sizes[0] != 0 || sizes[1] != 0 || sizes[2] != 2 {
		t.Errorf("attachment sizes = %v, want [0 0 2]", sizes)
	}
}

// TestTicketAndEventTextTakeAnyBytes: a ticket's subject and requester's
// name and an event's note come from mail too.
func TestTicketAndEventTextTakeAnyBytes(t *testing.T) {
	db := pgtest.New(t)
	ctx := context.Background()
	at := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	tk, err := insertTicket(ctx, db, Ticket{Lang: "es", RequesterName: bad, Ticket: tickets.Ticket{Subject: bad, Requester: "a@x",
		State: tickets.StateNew, Level: 1, CreatedAt: at, UpdatedAt: at, LevelSince: at}})
	if err != nil {
		t.Fatalf("insertTicket: %v", err)
	}
	if err := UpdateTicket(ctx, db, tk.Ticket); err != nil {
		t.Fatalf("UpdateTicket: %v", err)
	}
	if _, err := AppendEvents(ctx, db, tk.ID, nil, tickets.Event{Kind: tickets.EventNoted, Actor: "a@x", Note: bad, At: at}); err != nil {
		t.Fatalf("AppendEvents: %v", err)
	}
	tIDs, eIDs, err := AllocateIDs(ctx, db, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	second := tk
	second.ID = tIDs[0]
	if err := InsertTickets(ctx, db, []Ticket{second}); err != nil {
		t.Fatalf("InsertTickets: %v", err)
	}
	if err := InsertEvents(ctx, db, []StoredEvent{{ID: eIDs[0], TicketID: second.ID, Event: tickets.Event{Seq: 1, Kind: tickets.EventNoted,
		Actor: "a@x", Note: bad, At: at}}}); err != nil {
		t.Fatalf("InsertEvents: %v", err)
	}
	var notes []string
	if err := db.Select(&notes, `SELECT note FROM events ORDER BY id`); err != nil || len(notes) != 2 || notes[0] != dbText(bad) {
		t.Errorf("notes = %q, %v", notes, err)
	}
}

func TestDBText(t *testing.T) {
	for in, want := range map[string]string{
		"":                 "",
		"hola":             "hola",
		"Pérez":            "Pérez",
		"a\x00b":           "a\uFFFDb",
		"\xff\xfe":         "\uFFFD\uFFFD",
		"ok\xe2\x82":       "ok\uFFFD\uFFFD",
		"\U0001F600\x00":   "\U0001F600\uFFFD",
		"\uFFFD is itself": "\uFFFD is itself",
	} {
		if got := dbText(in); got != want {
			t.Errorf("dbText(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzDBText(f *testing.F) {
	for _, s := range []string{"", "hola", bad, "\xed\xa0\x80", "\x00\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := dbText(s)
		if !utf8.ValidString(got) || strings.IndexByte(got, 0) >= 0 {
			t.Fatalf("dbText(%q) = %q", s, got)
		}
		if utf8.ValidString(s) && strings.IndexByte(s, 0) < 0 && got != s {
			t.Fatalf("clean text changed: %q -> %q", s, got)
		}
		if a := dbTexts(pq.StringArray{"x", s}); len(a) != 2 || a[1] != got || a[0] != "x" {
			t.Fatalf("dbTexts = %q", a)
		}
	})
}
