package mailout

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ticketd/ticketd/tickets"
	"github.com/ticketd/ticketd/tickets/store"
)

// viewRoster is the roster of the notification tests: two desk agents, a
// specialist, an on-site technician and two providers, one of them in
// English.
var viewRoster = &tickets.Roster{People: []tickets.Person{
	{Email: "jgomez@example.gov.co", Name: "Julián Gómez", Role: tickets.RoleDesk, Levels: []tickets.Level{1}, Alias: "jgomez"},
	{Email: "mdiaz@example.gov.co", Name: "Marta Díaz", Role: tickets.RoleDesk, Levels: []tickets.Level{1}, Alias: "mdiaz"},
	{Email: "lperez@example.gov.co", Name: "Luisa Pérez", Role: tickets.RoleSpecialist, Levels: []tickets.Level{2, 3}, Alias: "lperez"},
	{Email: "sitio1@example.gov.co", Name: "Técnico en sitio", Role: tickets.RoleOnSite, Levels: []tickets.Level{2}, Alias: "sitio1"},
	{Email: "soporte@proveedor.example.com", Name: "Soporte Redes S.A.S.", Role: tickets.RoleProvider, Levels: []tickets.Level{2, 3}, Alias: "proveedor1"},
	{Email: "support@vendor.example.com", Name: "Vendor Inc.", Role: tickets.RoleProvider, Levels: []tickets.Level{2, 3}, Alias: "vendor", Language: "en"},
}}

// Markers of what a provider must never receive.
const (
	markNote        = "NOTA-INTERNA-7F3A"
	markInternalCmt = "COMENTARIO-INTERNO-91C2"
	markOtherInstr  = "INDICACIONES-PARA-OTRA-4D1E"
	markNoteFile    = "captura-interna-5B8C.png"
)

// secretsOf lists what a provider may not read in a notification of the
// sample ticket: internal text, addresses other than their own and the
// desk's, another ticket.
var providerSecrets = []string{markNote, markInternalCmt, markOtherInstr, markNoteFile,
	"ana.suarez@example.gov.co", "jgomez@example.gov.co", "lperez@example.gov.co", "mdiaz@example.gov.co",
	"carlos.otro@example.com", "OTI-3"}

// sampleRecord is a ticket at level 3 with its provider, whose record has
// everything a provider must not see beside what it must.
func sampleRecord(provider string) (store.Ticket, *store.TicketRecord) {
	at := time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC)
	t := store.Ticket{Ticket: tickets.Ticket{ID: 7, Subject: "Pantalla azul en el equipo", Requester: "ana.suarez@example.gov.co",
		State: tickets.StateInProgress, Level: 3, Assignee: provider, LinkedTo: 3, CreatedAt: at, UpdatedAt: at},
		RequesterName: "Ana Suárez", Lang: "es"}
	row := func(n int64) *int64 { return &n }
	ev := func(id int64, kind tickets.EventKind, actor string, public bool, note, assignee string, msg *int64) store.StoredEvent {
		return store.StoredEvent{ID: id, TicketID: 7, MessageRow: msg, Event: tickets.Event{Kind: kind, Actor: actor,
			Public: public, Note: note, AssigneeAfter: assignee, At: at.Add(time.Duration(id) * time.Minute),
			StateAfter: tickets.StateInProgress, LevelAfter: 3}}
	}
	r := &store.TicketRecord{
		Thread: []string{"req@mail.example"}, Body: "Sale una pantalla azul al encender.", HasRequest: true,
		Attachments: []string{"pantalla.jpg"},
		Events: []store.StoredEvent{
			ev(1, tickets.EventOpened, "ana.suarez@example.gov.co", true, "", "", row(100)),
			ev(2, tickets.EventClassified, "jgomez@example.gov.co", true, markOtherInstr, "lperez@example.gov.co", row(101)),
			ev(3, tickets.EventNoted, "jgomez@example.gov.co", false, markNote, "lperez@example.gov.co", row(102)),
			ev(4, tickets.EventCommented, "lperez@example.gov.co", false, markInternalCmt, "lperez@example.gov.co", nil),
			ev(5, tickets.EventCommented, "carlos.otro@example.com", true, "Yo también la veo.", "lperez@example.gov.co", row(103)),
			ev(6, tickets.EventEscalated, "lperez@example.gov.co", true, "Revisen la garantía del equipo.", provider, row(104)),
		},
		Files: []store.FileInfo{
			{TicketID: 7, ID: 50, MessageRow: 100, Filename: "pantalla.jpg", ContentType: "image/jpeg", Size: 2048, Public: true},
			{TicketID: 7, ID: 51, MessageRow: 102, Filename: markNoteFile, ContentType: "image/png", Size: 1024},
		},
	}
	return t, r
}

// rendered is every text of a queued notification: subject, text, HTML.
func rendered(o store.Outgoing) string { return o.Subject + "\n" + o.TextBody + "\n" + o.HTMLBody }

// TestProviderSeesNoInternalNote renders every notification, in every
// language, to a provider on a ticket whose record holds internal notes,
// an internal comment, instructions to someone else, an internal note's
// attachment, other people's addresses and a linked ticket: none of them
// reaches the provider, while the request and the instructions addressed
// to them do. The same notifications to a specialist carry the internal
// note, so the check can fail.
func TestProviderSeesNoInternalNote(t *testing.T) {
	n := &Notifier{Renderer: newTestRenderer(t), Roster: viewRoster, Tag: "OTI",
		Desk: DeskInfo{Name: "Mesa de Servicio", Address: "soporte@example.gov.co"}}
	for _, prov := range []string{"soporte@proveedor.example.com", "support@vendor.example.com"} {
		tk, rec := sampleRecord(prov)
		for _, lang := range languages {
			for _, name := range names {
				q := newQueue(context.Background(), nil, n, tk, nil)
				q.use(rec)
				last := &rec.Events[len(rec.Events)-1]
				nt := note{Name: name, To: n.personOr(prov), Lang: lang, Text: last.Note, Actor: n.person(last.Actor), Event: last}
				o, files, err := q.outgoing(nt, nil, false)
				if err != nil {
					t.Fatal(err)
				}
				got := rendered(o)
				for _, s := range providerSecrets {
					if strings.Contains(got, s) {
						t.Errorf("%s (%s) to provider %s shows %q:\n%s", name, lang, prov, s, got)
					}
				}
				for _, id := range files {
					if id == 51 {
						t.Errorf("%s (%s) to provider %s carries the internal note's attachment", name, lang, prov)
					}
				}
				if name == "case_assigned" {
					for _, want := range []string{"Revisen la garantía del equipo.", "Sale una pantalla azul", "pantalla.jpg", "Ana Suárez"} {
						if !strings.Contains(got, want) {
							t.Errorf("case_assigned (%s) to provider %s lacks %q", lang, prov, want)
						}
					}
				}
			}
		}
		// The specialist is staff: the same notice carries the note.
		q := newQueue(context.Background(), nil, n, tk, nil)
		q.use(rec)
		o, files, err := q.outgoing(note{Name: "case_assigned", To: n.personOr("lperez@example.gov.co"), Lang: "es"}, nil, false)
		if err != nil {
			t.Fatal(err)
		}
		if got := rendered(o); !strings.Contains(got, markNote) || !strings.Contains(got, markNoteFile) {
			t.Errorf("case_assigned to the specialist lacks the internal note or its attachment:\n%s", got)
		}
		if len(files) != 2 {
			t.Errorf("case_assigned to the specialist carries %v, want both attachments", files)
		}
	}
}

// TestStaffEmailIsNeverTheRequest: on a ticket with no request on record
// (registered by phone), the email of the specialist who escalates it,
// which may hold a note, is not shown to the provider as the request.
func TestStaffEmailIsNeverTheRequest(t *testing.T) {
	n := &Notifier{Renderer: newTestRenderer(t), Roster: viewRoster, Tag: "OTI"}
	tk, rec := sampleRecord("soporte@proveedor.example.com")
	rec.Body, rec.HasRequest = "", false
	trigger := &store.Message{FromAddr: "lperez@example.gov.co", Body: "#escalar a proveedor1\n#nota " + markNote}
	q := newQueue(context.Background(), nil, n, tk, trigger)
	q.use(rec)
	o, _, err := q.outgoing(note{Name: "case_assigned", To: n.personOr("soporte@proveedor.example.com"), Lang: "es"}, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(rendered(o), markNote) {
		t.Errorf("the specialist's email is shown to the provider as the request:\n%s", o.TextBody)
	}
}

// TestProviderCommandResultNamesPeople: a provider's command result says
// whom the case went to by name, not by address.
func TestProviderCommandResultNamesPeople(t *testing.T) {
	n := &Notifier{Renderer: newTestRenderer(t), Roster: viewRoster, Tag: "OTI"}
	tk, rec := sampleRecord("soporte@proveedor.example.com")
	q := newQueue(context.Background(), nil, n, tk, nil)
	q.use(rec)
	res := []CommandResult{{Line: "#asignar lperez", Applied: true, Summary: "asignado a LPerez@example.gov.co"},
		{Line: "#cerrar", Reason: "ana.suarez@example.gov.co no ha confirmado"}}
	o, _, err := q.outgoing(note{Name: "command_result", To: n.personOr("soporte@proveedor.example.com"), Lang: "es"},
		func(d *Data) { d.Results = res }, false)
	if err != nil {
		t.Fatal(err)
	}
	got := rendered(o)
	if strings.Contains(strings.ToLower(got), "lperez@example.gov.co") || strings.Contains(got, "ana.suarez@") ||
		!strings.Contains(got, "asignado a Luisa Pérez") {
		t.Errorf("the provider's command result shows addresses:\n%s", o.TextBody)
	}
	if res[0].Summary != "asignado a LPerez@example.gov.co" {
		t.Errorf("the caller's results were changed")
	}
}
