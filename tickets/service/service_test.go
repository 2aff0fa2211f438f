package service_test

import (
	"context"
	"errors"
	"os"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/ticketd/ticketd/internal/pgtest"
	"github.com/ticketd/ticketd/tickets"
	"github.com/ticketd/ticketd/tickets/service"
	"github.com/ticketd/ticketd/tickets/store"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

var roster = &tickets.Roster{
	People: []tickets.Person{
		{Email: "jgomez@example.gov.co", Role: tickets.RoleDesk, Levels: []tickets.Level{1}, Alias: "jgomez"},
		{Email: "lperez@example.gov.co", Role: tickets.RoleSpecialist, Levels: []tickets.Level{2}, Alias: "lperez"},
		{Email: "sitio1@example.gov.co", Role: tickets.RoleOnSite, Levels: []tickets.Level{2}, Alias: "sitio1"},
		{Email: "soporte@proveedor.example.com", Role: tickets.RoleProvider, Levels: []tickets.Level{2, 3}, Alias: "proveedor1"},
	},
	Services: []tickets.Service{{Name: "impresoras", Keywords: []string{"impresora", "imprime"}, Level: 2, Assignee: "sitio1"}},
}

func newService(t *testing.T) (*service.Service, *sqlx.DB) {
	db := pgtest.New(t)
	return &service.Service{DB: db, Roster: roster, Tag: "OTI", Lang: "es"}, db
}

func who(s *service.Service, name string) tickets.Actor {
	p, _ := roster.Find(name)
	return tickets.ActorOf(p)
}

func TestWholeProcedureThroughTheStore(t *testing.T) {
	s, db := newService(t)
	ctx := context.Background()
	tk, err := s.Open(ctx, service.OpenRequest{Requester: "ana@example.gov.co", Subject: "Mi equipo no enciende", Body: "Hola"})
	if err != nil {
		t.Fatal(err)
	}
	if tk.State != tickets.StateNew {
		t.Fatalf("state %s", tk.State)
	}
	prov, _ := s.Person("proveedor1")
	spec, _ := s.Person("lperez")
	steps := []struct {
		cmd tickets.Command
		by  tickets.Actor
	}{
		{tickets.Command{Kind: tickets.CmdClassify, Level: 2, To: spec}, who(s, "jgomez")},
		{tickets.Command{Kind: tickets.CmdEscalate, Level: 3, To: prov}, who(s, "lperez")},
		{tickets.Command{Kind: tickets.CmdResolve, Text: "cambio de fuente"}, who(s, "proveedor1")},
		{tickets.Command{Kind: tickets.CmdReopen, Text: "sigue igual"}, tickets.Actor{Email: "ana@example.gov.co", Role: tickets.RoleRequester}},
		{tickets.Command{Kind: tickets.CmdResolve}, who(s, "jgomez")},
		{tickets.Command{Kind: tickets.CmdClose}, who(s, "jgomez")},
	}
	for _, st := range steps {
		if _, _, err := s.Apply(ctx, tk.ID, st.cmd, st.by); err != nil {
			t.Fatalf("%s: %v", st.cmd.Kind, err)
		}
	}
	d, err := s.Show(ctx, tk.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := []int{1, 2, 3, 6, 8, 9, 10, 11, 4, 5, 11, 12}
	if got := service.Activities(d); !slices.Equal(got, want) {
		t.Errorf("activities = %v, want %v", got, want)
	}
	if d.State != "cerrado" || d.Ref != "OTI-1" {
		t.Errorf("detail = %+v", d.TicketJSON)
	}
	// Folding the stored log gives back the stored row.
	row, _ := store.GetTicket(ctx, db, tk.ID)
	evs, _ := store.Events(ctx, db, tk.ID)
	var log []tickets.Event
	for _, e := range evs {
		log = append(log, e.Event)
	}
	got := tickets.Replay(tickets.Ticket{ID: tk.ID}, log...)
	if !sameTicket(got, row.Ticket) {
		t.Errorf("replay = %+v\nrow    = %+v", got, row.Ticket)
	}
}

// sameTicket compares tickets with times at the database's microsecond
// precision.
func sameTicket(a, b tickets.Ticket) bool {
	norm := func(t tickets.Ticket) tickets.Ticket {
		t.CreatedAt = t.CreatedAt.Truncate(time.Microsecond).UTC()
		t.UpdatedAt = t.UpdatedAt.Truncate(time.Microsecond).UTC()
		t.LevelSince = t.LevelSince.Truncate(time.Microsecond).UTC()
		if t.ResolvedAt != nil {
			r := t.ResolvedAt.Truncate(time.Microsecond).UTC()
			t.ResolvedAt = &r
		}
		return t
	}
	return reflect.DeepEqual(norm(a), norm(b))
}

func TestRoutingClassifiesByKeywords(t *testing.T) {
	s, _ := newService(t)
	tk, err := s.Open(context.Background(), service.OpenRequest{Requester: "ana@example.gov.co", Subject: "Ayúdame, no IMPRIME"})
	if err != nil {
		t.Fatal(err)
	}
	if tk.State != tickets.StateInProgress || tk.Level != 2 || tk.Assignee != "sitio1@example.gov.co" || tk.Service != "impresoras" {
		t.Errorf("routed ticket = %+v", tk.Ticket)
	}
	d, _ := s.Show(context.Background(), tk.ID)
	if len(d.Events) != 2 || d.Events[1].Actor != "system" || !slices.Equal(d.Events[1].Activities, []int{2, 3, 6}) {
		t.Errorf("events = %+v", d.Events)
	}
}

func TestRefusedCommandChangesNothing(t *testing.T) {
	s, db := newService(t)
	ctx := context.Background()
	tk, _ := s.Open(ctx, service.OpenRequest{Requester: "ana@example.gov.co", Subject: "hola"})
	_, _, err := s.Apply(ctx, tk.ID, tickets.Command{Kind: tickets.CmdClose}, who(s, "lperez"))
	if !errors.Is(err, tickets.ErrNotAllowed) && !errors.Is(err, tickets.ErrInvalidTransition) {
		t.Fatalf("err = %v", err)
	}
	var n int
	db.Get(&n, `SELECT count(*) FROM events WHERE ticket_id = $1`, tk.ID)
	if n != 1 {
		t.Errorf("%d events after a refused command, want 1", n)
	}
}

// TestConcurrentCommandsSerialise runs many commands on one ticket at once:
// the row lock makes them run one after the other, so exactly one of two
// conflicting resolutions wins and the log's sequence has no gaps.
func TestConcurrentCommandsSerialise(t *testing.T) {
	s, db := newService(t)
	ctx := context.Background()
	tk, _ := s.Open(ctx, service.OpenRequest{Requester: "ana@example.gov.co", Subject: "hola"})
	if _, _, err := s.Apply(ctx, tk.ID, tickets.Command{Kind: tickets.CmdClassify, Level: 1}, who(s, "jgomez")); err != nil {
		t.Fatal(err)
	}
	const n = 20
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		resolved int
		comments int
	)
	for i := 0; i < n; i++ {
		wg.Add(2)
		go func() {
			defer wg.Done()
			_, _, err := s.Apply(ctx, tk.ID, tickets.Command{Kind: tickets.CmdResolve}, who(s, "jgomez"))
			mu.Lock()
			defer mu.Unlock()
			if err == nil {
				resolved++
			} else if !errors.Is(err, tickets.ErrInvalidTransition) {
				t.Errorf("unexpected error: %v", err)
			}
		}()
		go func() {
			defer wg.Done()
			_, _, err := s.Apply(ctx, tk.ID, tickets.Command{Kind: tickets.CmdComment, Text: "x"}, who(s, "jgomez"))
			mu.Lock()
			defer mu.Unlock()
			if err == nil {
				comments++
			} else {
				t.Errorf("comment: %v", err)
			}
		}()
	}
	wg.Wait()
	if resolved != 1 || comments != n {
		t.Errorf("resolved %d times (want 1), %d comments (want %d)", resolved, comments, n)
	}
	var seqs []int
	db.Select(&seqs, `SELECT seq FROM events WHERE ticket_id = $1 ORDER BY seq`, tk.ID)
	for i, sq := range seqs {
		if sq != i+1 {
			t.Fatalf("event sequence has a gap or duplicate: %v", seqs)
		}
	}
	if len(seqs) != 2+1+n {
		t.Errorf("%d events, want %d", len(seqs), 3+n)
	}
}

func TestListFilters(t *testing.T) {
	s, _ := newService(t)
	ctx := context.Background()
	s.Open(ctx, service.OpenRequest{Requester: "a@example.gov.co", Subject: "uno"})
	s.Open(ctx, service.OpenRequest{Requester: "b@example.gov.co", Subject: "no imprime"})
	all, _ := s.List(ctx, store.Filter{})
	l2, _ := s.List(ctx, store.Filter{Level: 2})
	mine, _ := s.List(ctx, store.Filter{Assignee: "SITIO1@example.gov.co"})
	news, _ := s.List(ctx, store.Filter{State: tickets.StateNew})
	if len(all) != 2 || len(l2) != 1 || len(mine) != 1 || len(news) != 1 || all[0].ID != 2 {
		t.Errorf("list: all=%d l2=%d mine=%d new=%d", len(all), len(l2), len(mine), len(news))
	}
	if news[0].Assignee != nil {
		t.Errorf("unassigned ticket has assignee %v", *news[0].Assignee)
	}
}

// hookNotifier registers an AfterTx hook for every change it is told of,
// and counts the registrations accepted for a context or a transaction
// that are not the ones it was given (there must be none).
type hookNotifier struct {
	ended   *[]bool
	foreign *int
}

func (n hookNotifier) Notify(ctx context.Context, tx *sqlx.Tx, c service.Change) error {
	if service.AfterTx(context.Background(), tx, func(bool) {}) {
		*n.foreign++
	}
	if service.AfterTx(ctx, nil, func(bool) {}) {
		*n.foreign++
	}
	if !service.InTransaction(ctx, tx) || !service.AfterTx(ctx, tx, func(ok bool) { *n.ended = append(*n.ended, ok) }) {
		return errors.New("AfterTx refused the transaction's own context")
	}
	return nil
}

// TestAfterTx: a hook runs once its transaction has ended, with whether it
// committed; only the transaction's own context
// and transaction may register one.
func TestAfterTx(t *testing.T) {
	s, _ := newService(t)
	var (
		ended   []bool
		foreign int
	)
	s.Notifier = hookNotifier{ended: &ended, foreign: &foreign}
	ctx := context.Background()
	if _, err := s.Open(ctx, service.OpenRequest{Requester: "ana@example.org", Subject: "Uno", NoRouting: true}); err != nil {
		t.Fatal(err)
	}
	refused := errors.New("refused")
	err := s.InTx(ctx, func(tx *service.Tx) error {
		if _, _, err := tx.Open(service.OpenRequest{Requester: "ana@example.org", Subject: "Dos", NoRouting: true}); err != nil {
			return err
		}
		return refused
	})
	if !errors.Is(err, refused) {
		t.Fatalf("InTx: %v", err)
	}
	if !slices.Equal(ended, []bool{true, false}) {
		t.Errorf("hooks ran with %v, want [true false]", ended)
	}
	if foreign != 0 {
		t.Errorf("%d registrations accepted for another context or transaction", foreign)
	}
}
