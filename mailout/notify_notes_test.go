package mailout

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/pgtest"
	"github.com/ticketd/ticketd/tickets"
	"github.com/ticketd/ticketd/tickets/service"
)

// TestSystemNoteInTheRecipientsWords: a failed delivery is noted on the
// record as data, and each desk agent's notice words it in their own
// language: Spanish for one, English for the other who reads English.
func TestSystemNoteInTheRecipientsWords(t *testing.T) {
	people := append([]tickets.Person{}, viewRoster.People...)
	for i := range people {
		if people[i].Alias == "mdiaz" || people[i].Alias == "lperez" {
			people[i].Language = "en"
		}
	}
	roster := &tickets.Roster{People: people}
	e := &notifyEnv{db: pgtest.New(t), now: time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC)}
	e.n = &Notifier{Renderer: newTestRenderer(t), Roster: roster, Tag: "OTI", MaxPerHour: 20, MaxPerDay: 100,
		Desk: DeskInfo{Name: "Mesa de Servicio", Address: testDesk}}
	e.svc = &service.Service{DB: e.db, Roster: roster, Notifier: e.n, Tag: "OTI", Lang: "es", Now: func() time.Time { return e.now }}
	id := e.open(t)
	err := e.svc.InTx(context.Background(), func(tx *service.Tx) error {
		_, err := tx.RecordNote(id, tickets.EventDeliveryFailed, tickets.System, tickets.Note{Code: tickets.NoteDeliveryFailed,
			Notice: "opened_ack", Address: "ana.suarez@example.gov.co", Detail: "550 5.1.1 user unknown"}, nil)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for who, want := range map[string]string{
		"jgomez@example.gov.co": "No se pudo entregar el acuse de recibo de la solicitud a ana.suarez@example.gov.co: 550 5.1.1 user unknown",
		"mdiaz@example.gov.co":  "Could not deliver the acknowledgement of the request to ana.suarez@example.gov.co: 550 5.1.1 user unknown",
	} {
		var found bool
		for _, o := range e.rows(t, id, who) {
			if o.Kind != "delivery_failed" {
				continue
			}
			found = true
			if !strings.Contains(strings.Join(strings.Fields(o.TextBody), " "), want) {
				t.Errorf("the notice to %s lacks %q:\n%s", who, want, o.TextBody)
			}
		}
		if !found {
			t.Errorf("%s got no delivery_failed notice", who)
		}
	}
	// The record a later notice carries words the note for its reader too:
	// Luisa, who reads English, gets the case with the failure in English.
	desk := e.actor(t, "jgomez")
	e.apply(t, id, desk, nil, tickets.Command{Kind: tickets.CmdClassify, Level: 2, To: e.person(t, "lperez")})
	var assigned bool
	for _, o := range e.rows(t, id, "lperez@example.gov.co") {
		if o.Kind != "case_assigned" {
			continue
		}
		assigned = true
		body := strings.Join(strings.Fields(o.TextBody), " ")
		if !strings.Contains(body, "Could not deliver the acknowledgement") || strings.Contains(body, "No se pudo entregar") {
			t.Errorf("the history of the case sent to Luisa is not in her words:\n%s", o.TextBody)
		}
	}
	if !assigned {
		t.Errorf("lperez got no case_assigned notice")
	}
}
