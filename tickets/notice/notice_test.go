package notice

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ticketd/ticketd/tickets"
	"github.com/ticketd/ticketd/tickets/store"
)

// roster is the roster of these tests: two desk agents, a specialist, an
// on-site technician and two providers, one of them in English.
var roster = &tickets.Roster{People: []tickets.Person{
	{Email: "jgomez@example.gov.co", Name: "Julián Gómez", Role: tickets.RoleDesk, Levels: []tickets.Level{1}, Alias: "jgomez"},
	{Email: "mdiaz@example.gov.co", Name: "Marta Díaz", Role: tickets.RoleDesk, Levels: []tickets.Level{1}, Alias: "mdiaz"},
	{Email: "lperez@example.gov.co", Name: "Luisa Pérez", Role: tickets.RoleSpecialist, Levels: []tickets.Level{2, 3}, Alias: "lperez"},
	{Email: "sitio1@example.gov.co", Name: "Técnico en sitio", Role: tickets.RoleOnSite, Levels: []tickets.Level{2}, Alias: "sitio1"},
	{Email: "soporte@proveedor.example.com", Name: "Soporte Redes S.A.S.", Role: tickets.RoleProvider, Levels: []tickets.Level{2, 3}, Alias: "proveedor1"},
	{Email: "support@vendor.example.com", Name: "Vendor Inc.", Role: tickets.RoleProvider, Levels: []tickets.Level{2, 3}, Alias: "vendor", Language: "en"},
}}

const requester = "ana.suarez@example.gov.co"

var at = time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC)

func ticket(state tickets.State, level tickets.Level, assignee string) store.Ticket {
	return store.Ticket{Ticket: tickets.Ticket{ID: 7, Subject: "Pantalla azul", Requester: requester,
		State: state, Level: level, Assignee: assignee, CreatedAt: at, UpdatedAt: at},
		RequesterName: "Ana Suárez", Lang: "es"}
}

func event(id int64, kind tickets.EventKind, actor string, role tickets.Role, note string) store.StoredEvent {
	return store.StoredEvent{ID: id, TicketID: 7, Event: tickets.Event{Kind: kind, Actor: actor, ActorRole: role,
		Note: note, At: at, StateAfter: tickets.StateInProgress}}
}

// told lists notices as "name→address", in order.
func told(ns []Notice) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = n.Name + "→" + n.To.Email
	}
	return out
}

func TestForChange(t *testing.T) {
	r := Rules{Roster: roster}
	assigned := func(id int64, to string) store.StoredEvent {
		e := event(id, tickets.EventAssigned, "jgomez@example.gov.co", tickets.RoleDesk, "Revise el equipo")
		e.AssigneeAfter = to
		return e
	}
	reqComment := event(2, tickets.EventCommented, requester, tickets.RoleRequester, "Sigue igual")
	reqComment.AssigneeAfter = "lperez@example.gov.co"
	reopened := event(3, tickets.EventReopened, requester, tickets.RoleRequester, "")
	reopened.AssigneeBefore = "lperez@example.gov.co"
	closing := event(5, tickets.EventClosed, "jgomez@example.gov.co", tickets.RoleDesk, "")
	closing.StateAfter = tickets.StateClosed
	folded := event(4, tickets.EventCommented, "jgomez@example.gov.co", tickets.RoleDesk, "Gracias por esperar")
	row := int64(44)
	folded.MessageRow = &row
	cases := []struct {
		name    string
		t       store.Ticket
		events  []store.StoredEvent
		trigger *store.Message
		want    []string
	}{
		{"opened: the requester is acknowledged, every desk agent told",
			ticket(tickets.StateNew, 1, ""), []store.StoredEvent{event(1, tickets.EventOpened, requester, tickets.RoleRequester, "")}, nil,
			[]string{"opened_ack→" + requester, "opened_desk→jgomez@example.gov.co", "opened_desk→mdiaz@example.gov.co"}},
		{"automatic mail: nobody",
			ticket(tickets.StateNew, 1, ""), []store.StoredEvent{event(1, tickets.EventOpened, requester, tickets.RoleRequester, "")},
			&store.Message{AutoKind: "auto-reply"}, nil},
		{"no automatic answer asked: no acknowledgement",
			ticket(tickets.StateNew, 1, ""), []store.StoredEvent{event(1, tickets.EventOpened, requester, tickets.RoleRequester, "")},
			&store.Message{NoAutoAnswer: true},
			[]string{"opened_desk→jgomez@example.gov.co", "opened_desk→mdiaz@example.gov.co"}},
		{"assignment: the requester hears of the level, the assignee gets the case, the actor nothing",
			ticket(tickets.StateInProgress, 2, "lperez@example.gov.co"), []store.StoredEvent{assigned(1, "lperez@example.gov.co")}, nil,
			[]string{"level_changed→" + requester, "case_assigned→lperez@example.gov.co"}},
		{"two assignments in one email: only the last assignee",
			ticket(tickets.StateInProgress, 2, "sitio1@example.gov.co"),
			[]store.StoredEvent{assigned(1, "lperez@example.gov.co"), assigned(2, "sitio1@example.gov.co")}, nil,
			[]string{"level_changed→" + requester, "case_assigned→sitio1@example.gov.co"}},
		{"the requester's comment goes to the assignee and the desk, never back to her",
			ticket(tickets.StateInProgress, 2, "lperez@example.gov.co"), []store.StoredEvent{reqComment}, nil,
			[]string{"comment→lperez@example.gov.co", "comment→jgomez@example.gov.co", "comment→mdiaz@example.gov.co"}},
		{"an agent's comment goes to the requester",
			ticket(tickets.StateInProgress, 1, ""), []store.StoredEvent{event(2, tickets.EventCommented, "jgomez@example.gov.co", tickets.RoleDesk, "Hola")}, nil,
			[]string{"comment→" + requester}},
		{"reopened: the requester, the desk and the former assignee",
			ticket(tickets.StateInProgress, 1, ""), []store.StoredEvent{reopened}, nil,
			[]string{"reopened→" + requester, "reopened_notice→jgomez@example.gov.co", "reopened_notice→mdiaz@example.gov.co",
				"reopened_notice→lperez@example.gov.co"}},
		{"resolve and close in one email: one closure, no notice of awaiting closure",
			ticket(tickets.StateClosed, 1, ""),
			[]store.StoredEvent{event(3, tickets.EventResolved, "jgomez@example.gov.co", tickets.RoleDesk, "Se cambió el disco"), closing}, nil,
			[]string{"closed→" + requester}},
		{"a comment written with #cerrar folds into the closure",
			ticket(tickets.StateClosed, 1, ""), []store.StoredEvent{folded, closing}, nil,
			[]string{"closed→" + requester}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := r.ForChange(c.t, c.events, c.trigger)
			if !slices.Equal(told(got), c.want) {
				t.Fatalf("told %v, want %v", told(got), c.want)
			}
		})
	}
	// What the closure carries.
	ns := r.ForChange(ticket(tickets.StateClosed, 1, ""),
		[]store.StoredEvent{event(3, tickets.EventResolved, "jgomez@example.gov.co", tickets.RoleDesk, "Se cambió el disco"), folded, closing}, nil)
	if len(ns) != 1 || ns[0].Text != "Se cambió el disco" || ns[0].Comment != "Gracias por esperar" || ns[0].Folded == nil ||
		ns[0].Folded.ID != 4 || !ns[0].Public {
		t.Errorf("closure notice = %+v", ns)
	}
}

// TestLanguageAndNames: a notice is in its reader's language and names
// people wherever they are known.
func TestLanguageAndNames(t *testing.T) {
	r := Rules{Roster: roster}
	tk := ticket(tickets.StateInProgress, 3, "support@vendor.example.com")
	tk.Lang = "en"
	e := event(1, tickets.EventEscalated, "lperez@example.gov.co", tickets.RoleSpecialist, "Check the warranty")
	e.AssigneeAfter = "support@vendor.example.com"
	ns := r.ForChange(tk, []store.StoredEvent{e}, nil)
	if len(ns) != 2 {
		t.Fatalf("told %v", told(ns))
	}
	if ns[0].Lang != "en" || ns[0].To.Name != "Ana Suárez" || ns[1].Lang != "en" || ns[1].To.Name != "Vendor Inc." {
		t.Errorf("languages and names: %+v", ns)
	}
	if ns[1].Actor == nil || ns[1].Actor.Name != "Luisa Pérez" || ns[1].Text != "Check the warranty" {
		t.Errorf("actor and text: %+v", ns[1])
	}
	if r.Lang("nadie@example.org", "") != DefaultLang || r.Actor(tickets.System.Email) != nil {
		t.Errorf("the default language or the system as actor")
	}
	q := Rules{Roster: roster}.Quarantined(store.Ticket{}, "x@example.org", &store.Message{FromAddr: "X@example.org", FromName: " Equis "})
	if q.Name != "quarantined" || q.To.Name != "Equis" || q.Lang != DefaultLang {
		t.Errorf("quarantined = %+v", q)
	}
	if _, ok := r.RatingThanks(tk, &store.Message{NoAutoAnswer: true}); ok {
		t.Errorf("rating thanks to a message that asks for no automatic answer")
	}
	if _, ok := r.CommandResult(tk, requester, &store.Message{AutoKind: "auto-reply"}); ok {
		t.Errorf("command result to automatic mail")
	}
}

func TestViews(t *testing.T) {
	r := Rules{Roster: roster}
	for _, c := range []struct {
		public bool
		email  string
		want   View
	}{
		{true, "jgomez@example.gov.co", AsRequester},
		{false, "jgomez@example.gov.co", AsStaff},
		{false, "LPEREZ@example.gov.co", AsStaff},
		{false, "sitio1@example.gov.co", AsStaff},
		{false, "soporte@proveedor.example.com", AsOutsider},
		{false, "lperez", AsOutsider}, // an alias is not an address
		{false, "carlos@example.com", AsOutsider},
	} {
		if got := r.ViewOf(c.public, c.email); got != c.want {
			t.Errorf("ViewOf(%v, %s) = %v, want %v", c.public, c.email, got, c.want)
		}
	}
	const me, other = "soporte@proveedor.example.com", "lperez@example.gov.co"
	for _, c := range []struct {
		v                   View
		kind                tickets.EventKind
		public              bool
		to                  string
		shown, text, byName bool
	}{
		{AsStaff, tickets.EventNoted, false, other, true, true, false},
		{AsRequester, tickets.EventNoted, false, other, false, false, false},
		{AsOutsider, tickets.EventNoted, false, me, false, false, false},
		{AsRequester, tickets.EventEscalated, true, other, true, false, false},
		{AsRequester, tickets.EventCommented, true, other, true, true, false},
		{AsOutsider, tickets.EventEscalated, true, other, true, false, true},
		{AsOutsider, tickets.EventEscalated, true, strings.ToUpper(me), true, true, true},
		{AsOutsider, tickets.EventCommented, true, other, true, true, true},
	} {
		shown, text, byName := c.v.Sees(string(c.kind), c.public, c.to, me)
		if shown != c.shown || text != c.text || byName != c.byName {
			t.Errorf("%v sees %s (public %v, to %s): %v %v %v, want %v %v %v", c.v, c.kind, c.public, c.to,
				shown, text, byName, c.shown, c.text, c.byName)
		}
	}
	if AsOutsider.SeesAddresses() || !AsRequester.SeesAddresses() || AsRequester.MayCommand() || !AsOutsider.MayCommand() {
		t.Errorf("what each view may do")
	}
	if InHistory(tickets.EventRefused) || InHistory(tickets.EventCapped) || !InHistory(tickets.EventNoted) {
		t.Errorf("InHistory")
	}
	tk := ticket(tickets.StateInProgress, 2, "")
	if TriggerAsRequest(tk, &store.Message{FromAddr: other}) || !TriggerAsRequest(tk, &store.Message{FromAddr: strings.ToUpper(requester)}) ||
		!TriggerAsRequest(store.Ticket{}, &store.Message{FromAddr: other}) || TriggerAsRequest(tk, nil) {
		t.Errorf("TriggerAsRequest")
	}
}

func TestFiles(t *testing.T) {
	row := func(n int64) *int64 { return &n }
	files := []store.FileInfo{
		{TicketID: 7, ID: 1, MessageRow: 100, Filename: "a.jpg", Size: 600, Public: true},
		{TicketID: 7, ID: 2, MessageRow: 101, Filename: "nota.png", Size: 100},
		{TicketID: 7, ID: 3, MessageRow: 100, Filename: "b.pdf", Size: 600, Public: true},
		{TicketID: 8, ID: 4, MessageRow: 100, Filename: "otro.pdf", Size: 1, Public: true},
	}
	names := func(fs []File) string {
		var b []string
		for _, f := range fs {
			s := f.Filename
			if f.Attach {
				s += "+"
			}
			if f.OverLimit {
				s += "!"
			}
			b = append(b, s)
		}
		return strings.Join(b, " ")
	}
	r := Rules{MaxAttachmentBytes: 1000}
	ev := &store.StoredEvent{ID: 9, MessageRow: row(100)}
	for _, c := range []struct {
		name   string
		ev     *store.StoredEvent
		folded *store.StoredEvent
		v      View
		want   string
	}{
		{"case_assigned", nil, nil, AsStaff, "a.jpg+ nota.png+ b.pdf!"},
		{"case_assigned", nil, nil, AsOutsider, "a.jpg+ b.pdf!"},
		{"opened_desk", nil, nil, AsStaff, "a.jpg nota.png b.pdf"},
		{"comment", ev, nil, AsRequester, "a.jpg+ b.pdf!"},
		{"comment", &store.StoredEvent{ID: 9}, nil, AsStaff, ""},
		{"closed", ev, nil, AsRequester, ""},
		{"closed", nil, ev, AsRequester, "a.jpg+ b.pdf!"},
		{"resolved", ev, nil, AsStaff, ""},
	} {
		if got := names(r.Files(c.name, c.ev, c.folded, c.v, 7, files)); got != c.want {
			t.Errorf("Files(%s, %v) = %q, want %q", c.name, c.v, got, c.want)
		}
	}
	if got := names(Rules{}.Files("case_assigned", nil, nil, AsStaff, 7, files)); got != "a.jpg+ nota.png+ b.pdf+" {
		t.Errorf("default limit: %q", got)
	}
	if got := names(Rules{MaxAttachmentBytes: -1}.Files("case_assigned", nil, nil, AsStaff, 7, files)); got != "a.jpg! nota.png! b.pdf!" {
		t.Errorf("no attachments: %q", got)
	}
	if !CarriesFiles("monthly_report") || CarriesFiles("opened_desk") {
		t.Errorf("CarriesFiles")
	}
}

// TestCaps: only answers count and are held, per address, in each window;
// what a batch queues counts at once.
func TestCaps(t *testing.T) {
	r := Rules{MaxPerHour: 3, MaxPerDay: 5}
	const robot = "robot@example.org"
	base := store.AutomaticCounts{robot: {"opened_ack": {1, 2}, "comment": {9, 9}}}
	c := r.NewCaps(base, []string{robot, "ana@example.org"})
	held := func(name, to string) bool {
		t.Helper()
		h, err := c.Held(t.Context(), nil, name, to, at) // every address was read: no query
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	for i := range 2 {
		if held("opened_ack", robot) {
			t.Fatalf("answer %d held within the hour's cap", i+2)
		}
		c.Queued(strings.ToUpper(robot), "opened_ack")
	}
	if !held("command_result", robot) {
		t.Errorf("a fourth answer in the hour is not held")
	}
	if held("comment", robot) || r.Counted("comment") {
		t.Errorf("a notice that is no answer is held or counted")
	}
	if held("opened_ack", "ana@example.org") {
		t.Errorf("another address is held")
	}
	day := Rules{MaxPerDay: 2}.NewCaps(store.AutomaticCounts{robot: {"reopened": {0, 2}}}, []string{robot})
	if h, err := day.Held(t.Context(), nil, "reopened", robot, at); err != nil || !h {
		t.Errorf("the day's cap: held %v, %v", h, err)
	}
	if (Rules{}).Counted("opened_ack") {
		t.Errorf("counted with no cap")
	}
	if s := Since(at); !s[0].Equal(at.Add(-time.Hour)) || !s[1].Equal(at.Add(-24*time.Hour)) {
		t.Errorf("Since = %v", s)
	}
}

func TestHeldEvent(t *testing.T) {
	e := HeldEvent(ticket(tickets.StateInProgress, 1, ""), "opened_ack", "robot@example.org", at, "en")
	if e.Kind != tickets.EventCapped || e.Public || e.Actor != tickets.System.Email ||
		e.Data == nil || e.Data.Code != tickets.NoteNoticeHeld || e.Data.Address != "robot@example.org" ||
		e.Note != e.Data.Text("en") || !strings.Contains(e.Note, "robot@example.org") {
		t.Errorf("HeldEvent = %+v", e)
	}
	// The record's text is the ticket's language; the data words it for
	// any other reader.
	if es := HeldEvent(ticket(tickets.StateInProgress, 1, ""), "opened_ack", "robot@example.org", at, "es"); es.Note == e.Note {
		t.Errorf("the held note reads the same in both languages: %q", es.Note)
	}
}

func TestWho(t *testing.T) {
	r := Rules{Roster: roster}
	tk := ticket(tickets.StateInProgress, 1, "")
	for _, c := range []struct{ email, who, name string }{
		{"jgomez@example.gov.co", "Julián Gómez", "Julián Gómez"},
		{requester, "Ana Suárez", "Ana Suárez"},
		{"otro@example.com", "otro@example.com", ""},
		{tickets.System.Email, "", ""},
	} {
		if who, name := r.Who(c.email, tk, nil); who != c.who || name != c.name {
			t.Errorf("Who(%s) = %q, %q, want %q, %q", c.email, who, name, c.who, c.name)
		}
	}
}

func TestNamesFor(t *testing.T) {
	r := Rules{Roster: roster}
	tk := ticket(tickets.StateInProgress, 1, "")
	got := r.NamesFor("asignado a LPerez@example.gov.co; "+requester+" no ha confirmado; soporte@proveedor.example.com", "soporte@proveedor.example.com", tk)
	if got != "asignado a Luisa Pérez; Ana Suárez no ha confirmado; soporte@proveedor.example.com" {
		t.Errorf("NamesFor = %q", got)
	}
}

// FuzzNamesFor: whatever the text, no roster address but the reader's
// is left in it, and text without an address is untouched.
func FuzzNamesFor(f *testing.F) {
	f.Add("asignado a LPerez@example.gov.co", "soporte@proveedor.example.com")
	f.Add("jgomez@example.gov.cojgomez@EXAMPLE.gov.co", "")
	f.Add("İjgomez@example.gov.co", "x")
	r := Rules{Roster: roster}
	tk := ticket(tickets.StateInProgress, 1, "")
	f.Fuzz(func(t *testing.T, s, self string) {
		got := r.NamesFor(s, self, tk)
		if !strings.Contains(s, "@") && got != s {
			t.Fatalf("NamesFor(%q) = %q: changed text without an address", s, got)
		}
		for _, p := range roster.People {
			if strings.EqualFold(p.Email, self) {
				continue
			}
			if strings.Contains(strings.ToLower(got), p.Email) && len(strings.ToLower(s)) == len(s) {
				t.Fatalf("NamesFor(%q, %q) = %q still holds %s", s, self, got, p.Email)
			}
		}
	})
}
