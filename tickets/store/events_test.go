package store

import (
	"context"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/pgtest"
	"github.com/ticketd/ticketd/tickets"
)

// TestNoteDataRoundTrip: a system note is stored as data by both ways of
// appending events and read back whole, with any byte mail may bring
// cleaned as the text columns clean it; events without one read nil.
func TestNoteDataRoundTrip(t *testing.T) {
	db := pgtest.New(t)
	ctx := context.Background()
	at := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	tk, err := insertTicket(ctx, db, Ticket{Lang: "es", Ticket: tickets.Ticket{Subject: "s", Requester: "a@x",
		State: tickets.StateInProgress, Level: 1, CreatedAt: at, UpdatedAt: at, LevelSince: at}})
	if err != nil {
		t.Fatal(err)
	}
	n := tickets.Note{Code: tickets.NoteCommandsRefused, Refused: []tickets.RefusedLine{{Line: "#cerrar\x00" + bad,
		Reason: tickets.Reason{Code: "close.state", Args: []tickets.Arg{tickets.StateArg(tickets.StateInProgress)}}}}}
	single := tickets.Event{Kind: tickets.EventRefused, Actor: "a@x", At: at}.WithNote(n, "es")
	plain := tickets.Event{Kind: tickets.EventNoted, Actor: "a@x", Note: "texto de una persona", At: at}
	if _, err := AppendEvents(ctx, db, tk.ID, nil, single, plain); err != nil {
		t.Fatalf("AppendEvents: %v", err)
	}
	_, eIDs, err := AllocateIDs(ctx, db, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	batched := tickets.Event{Seq: 3, Kind: tickets.EventReminded, Actor: tickets.System.Email, At: at}.
		WithNote(tickets.Note{Code: tickets.NoteReminder, Waited: 8 * time.Hour, Level: 1}, "es")
	if err := InsertEvents(ctx, db, []StoredEvent{{ID: eIDs[0], TicketID: tk.ID, Event: batched}}); err != nil {
		t.Fatalf("InsertEvents: %v", err)
	}
	evs, err := Events(ctx, db, tk.ID)
	if err != nil || len(evs) != 3 {
		t.Fatalf("Events: %d, %v", len(evs), err)
	}
	if evs[0].Data == nil || evs[0].Data.Code != tickets.NoteCommandsRefused {
		t.Fatalf("the refusal came back without its data: %+v", evs[0].Data)
	}
	if line := evs[0].Data.Refused[0].Line; line != dbText("#cerrar\x00"+bad) {
		t.Errorf("line = %q, want it cleaned", line)
	}
	want := "Command refused; nothing of the message was applied: " + dbText("#cerrar\x00"+bad) +
		": ticket is in progress; only a resolved ticket is closed"
	if got := evs[0].Text("en"); got != want {
		t.Errorf("in English: %q, want %q", got, want)
	}
	if evs[0].Note != dbText(single.Note) {
		t.Errorf("the note's words in the desk's language = %q", evs[0].Note)
	}
	if evs[1].Data != nil || evs[1].Text("en") != "texto de una persona" {
		t.Errorf("a person's note: %+v %q", evs[1].Data, evs[1].Text("en"))
	}
	if evs[2].Data == nil || evs[2].Text("en") != "The ticket has waited more than 8 hours at level 1" {
		t.Errorf("the batched reminder: %+v", evs[2].Data)
	}
	// A value this version cannot read leaves the text alone.
	if readNote([]byte(`{"code":"x","refused":[{"reason":{"args":[[1]]}}]}`)) != nil {
		t.Error("an unreadable note was read")
	}
}
