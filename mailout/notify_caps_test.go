package mailout

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ticketd/ticketd/tickets"
	"github.com/ticketd/ticketd/tickets/store"
)

// TestCapsStopRobotsNotPeople: a person who writes ten requests in an hour
// and is answered thirty times by the desk gets every acknowledgement and
// every notice; an address that writes a new message after each
// acknowledgement (an auto-responder that does not say so) is answered
// MaxPerHour times in the hour, and what is held is on record and shown
// as held by `tickets show`.
func TestCapsStopRobotsNotPeople(t *testing.T) {
	e := newNotifyEnv(t)
	desk := e.actor(t, "jgomez")
	var ids []int64
	for i := range 10 {
		e.now = e.now.Add(time.Minute)
		ids = append(ids, e.openFrom(t, "ana.suarez@example.gov.co", "Ana Suárez"))
		if i == 0 {
			e.apply(t, ids[0], desk, nil, tickets.Command{Kind: tickets.CmdClassify, Level: 1})
		}
	}
	for i := range 30 {
		e.now = e.now.Add(time.Minute)
		e.apply(t, ids[0], desk, nil, tickets.Command{Kind: tickets.CmdComment, Text: fmt.Sprintf("Respuesta %d", i+1)})
	}
	var sent, held int
	e.db.Get(&sent, `SELECT count(*) FROM outbox WHERE recipient = 'ana.suarez@example.gov.co' AND status = 'pending'`)
	e.db.Get(&held, `SELECT count(*) FROM outbox WHERE recipient = 'ana.suarez@example.gov.co' AND status = 'held'`)
	// 10 acknowledgements, 1 level change, 30 comments.
	if sent != 41 || held != 0 {
		t.Errorf("the person got %d notifications and %d were held, want 41 and none", sent, held)
	}

	robot := "respuestas@robot.example.com"
	var last int64
	for range 25 {
		e.now = e.now.Add(10 * time.Second)
		last = e.openFrom(t, robot, "")
	}
	e.db.Get(&sent, `SELECT count(*) FROM outbox WHERE recipient = $1 AND status = 'pending'`, robot)
	e.db.Get(&held, `SELECT count(*) FROM outbox WHERE recipient = $1 AND status = 'held'`, robot)
	if sent != e.n.MaxPerHour || held != 25-e.n.MaxPerHour {
		t.Errorf("the robot was answered %d times and %d answers were held, want %d and %d", sent, held, e.n.MaxPerHour, 25-e.n.MaxPerHour)
	}

	d, err := e.svc.Show(context.Background(), last)
	if err != nil {
		t.Fatal(err)
	}
	var statuses []string
	for _, m := range d.Messages {
		if m.Direction == "out" && m.To[0] == robot {
			statuses = append(statuses, m.Status)
		}
	}
	if strings.Join(statuses, ",") != store.OutboxHeld {
		t.Errorf("tickets show --json gives the held acknowledgement as %v, want %q", statuses, store.OutboxHeld)
	}
	// The record says so as data, worded for each reader.
	var noted bool
	for _, ev := range d.Events {
		if ev.Kind != string(tickets.EventCapped) {
			continue
		}
		noted = true
		if ev.NoteData == nil || ev.NoteData.Code != tickets.NoteNoticeHeld || ev.NoteData.Notice != "opened_ack" ||
			ev.NoteData.Text("en") != "Notice held back by the per-recipient limit: the acknowledgement of the request to "+robot ||
			ev.Note != "Aviso retenido por el límite de avisos por destinatario: el acuse de recibo de la solicitud para "+robot {
			t.Errorf("held notice on record: %v, %q", ev.NoteData, ev.Note)
		}
	}
	if !noted {
		t.Error("the held acknowledgement is not on the record")
	}
}
