package report_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/ticketd/ticketd/internal/bizdays"
	"github.com/ticketd/ticketd/internal/pgtest"
	"github.com/ticketd/ticketd/tickets"
	"github.com/ticketd/ticketd/tickets/service"
	"github.com/ticketd/ticketd/tickets/store"
)

var roster = &tickets.Roster{
	People: []tickets.Person{
		{Email: "jgomez@example.gov.co", Name: "Julia Gómez", Role: tickets.RoleDesk, Levels: []tickets.Level{1}, Alias: "jgomez"},
		{Email: "lperez@example.gov.co", Name: "Luis Pérez", Role: tickets.RoleSpecialist, Levels: []tickets.Level{2}, Alias: "lperez"},
		{Email: "soporte@proveedor.example.com", Name: "Proveedor Uno S.A.S.", Role: tickets.RoleProvider, Levels: []tickets.Level{2, 3}, Alias: "proveedor1"},
	},
	Services: []tickets.Service{{Name: "correo", Level: 1}, {Name: "impresoras", Level: 2}, {Name: "red", Level: 2}},
}

// bogota is a wall-clock time in Bogotá ("2026-11-03 09:00").
func bogota(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, bizdays.Colombia().Loc)
	if err != nil {
		panic(err) // test tables only
	}
	return t
}

// desk builds tickets at chosen times through the service, as the mail
// intake and the command line do.
type desk struct {
	t   *testing.T
	s   *service.Service
	db  *sqlx.DB
	now time.Time
	n   int
}

func newDesk(t *testing.T) *desk {
	d := &desk{t: t, db: pgtest.New(t)}
	d.s = &service.Service{DB: d.db, Roster: roster, Tag: "OTI", Lang: "es", Now: func() time.Time { return d.now }}
	return d
}

func (d *desk) who(name string) tickets.Actor {
	p, ok := roster.Find(name)
	if !ok {
		return tickets.Actor{Email: name, Role: tickets.RoleRequester}
	}
	return tickets.ActorOf(p)
}

// mail registers a request that came by email at a time.
func (d *desk) mail(at, requester, subject string) int64 {
	d.t.Helper()
	d.now = bogota(at)
	d.n++
	ctx := context.Background()
	id, _, err := store.InsertInbound(ctx, d.db, store.Message{MessageID: fmt.Sprintf("<r%d@example.gov.co>", d.n),
		ContentHash: fmt.Sprint(d.n), Raw: []byte("Subject: " + subject + "\r\n\r\n."), CreatedAt: d.now})
	if err != nil {
		d.t.Fatal(err)
	}
	tk, err := d.s.Open(ctx, service.OpenRequest{Requester: requester, Subject: subject, NoRouting: true,
		Trigger: &store.Message{ID: id, MessageID: fmt.Sprintf("<r%d@example.gov.co>", d.n), FromAddr: requester}})
	if err != nil {
		d.t.Fatal(err)
	}
	return tk.ID
}

// phone registers a request the desk took by phone (the command line).
func (d *desk) phone(at, requester, subject string) int64 {
	d.t.Helper()
	d.now = bogota(at)
	tk, err := d.s.Open(context.Background(), service.OpenRequest{Requester: requester, Subject: subject,
		By: d.who("jgomez"), NoRouting: true})
	if err != nil {
		d.t.Fatal(err)
	}
	return tk.ID
}

// do runs a command at a time.
func (d *desk) do(id int64, at, as string, c tickets.Command) {
	d.t.Helper()
	d.now = bogota(at)
	if _, _, err := d.s.Apply(context.Background(), id, c, d.who(as)); err != nil {
		d.t.Fatalf("ticket %d at %s: %v", id, at, err)
	}
}

func (d *desk) person(name string) *tickets.Person {
	p, _ := roster.Find(name)
	return &p
}

// november builds the month of November 2026 by hand: its holidays are
// Monday 2 (Todos los Santos) and Monday 16 (Independencia de Cartagena).
// Working hours are 08:00-12:00 and 13:00-17:00. The figures the report
// must print are worked out, ticket by ticket, in the comments.
func november(t *testing.T) *desk {
	d := newDesk(t)
	classify := func(l tickets.Level, svc, to string) tickets.Command {
		c := tickets.Command{Kind: tickets.CmdClassify, Level: l, Service: svc}
		if to != "" {
			c.To = d.person(to)
		}
		return c
	}
	resolve := tickets.Command{Kind: tickets.CmdResolve, Text: "Listo"}
	closeIt := tickets.Command{Kind: tickets.CmdClose}
	rate := func(score int, words string) tickets.Command {
		return tickets.Command{Kind: tickets.CmdRate, Score: score, Text: words}
	}

	// T6, before the period: at level 2 since 20 October, still in
	// attention: in the backlog at the end, more than 10 days old.
	t6 := d.mail("2026-10-20 09:00", "carlos@example.gov.co", "Lentitud en la red")
	d.do(t6, "2026-10-20 10:00", "jgomez", classify(2, "red", "lperez"))
	// T7, before the period: resolved on 29 October, reopened after the
	// period: resolved at the end, so not in the backlog.
	t7 := d.mail("2026-10-28 09:00", "diana@example.gov.co", "Clave olvidada")
	d.do(t7, "2026-10-28 09:30", "jgomez", classify(1, "correo", ""))
	d.do(t7, "2026-10-29 09:00", "jgomez", resolve)

	// T9, before the period: resolved in October, closed on Tuesday 3 and
	// rated 4: counted in November's satisfaction (closed in it), in no
	// other figure.
	t9 := d.mail("2026-10-27 09:00", "ivan@example.gov.co", "Cambio de contraseña")
	d.do(t9, "2026-10-27 09:30", "jgomez", classify(1, "correo", ""))
	d.do(t9, "2026-10-28 10:00", "jgomez", resolve)
	d.do(t9, "2026-11-03 08:00", "jgomez", closeIt)
	d.do(t9, "2026-11-04 09:00", "ivan@example.gov.co", rate(4, "Bien"))
	// T10, before the period: closed in October and rated 1 in November:
	// not counted (closed before the period).
	t10 := d.mail("2026-10-26 09:00", "juana@example.gov.co", "Teclado dañado")
	d.do(t10, "2026-10-26 09:30", "jgomez", classify(1, "correo", ""))
	d.do(t10, "2026-10-27 10:00", "jgomez", resolve)
	d.do(t10, "2026-10-30 10:00", "jgomez", closeIt)
	d.do(t10, "2026-11-02 09:00", "juana@example.gov.co", rate(1, "Muy lento"))

	// T1, by mail, Tuesday 3: first response (classification) after 1 h,
	// resolved at level 1 after 2.5 h, closed. First-level resolution.
	t1 := d.mail("2026-11-03 09:00", "ana@example.gov.co", "No llega el correo")
	d.do(t1, "2026-11-03 10:00", "jgomez", classify(1, "correo", ""))
	d.do(t1, "2026-11-03 11:30", "jgomez", resolve)
	d.do(t1, "2026-11-06 11:30", "jgomez", closeIt)
	// Ana rates it 2, then thinks better of it: the later 5 counts.
	d.do(t1, "2026-11-06 15:00", "ana@example.gov.co", rate(2, "Tardó"))
	d.do(t1, "2026-11-09 09:00", "ana@example.gov.co", rate(5, "Pensándolo bien, muy rápido"))

	// T2, by phone, Friday 13 at 16:00: classified to level 2 (Luis Pérez)
	// after 0.5 h: first response and escalation; resolved on Tuesday 17
	// at 10:00 over the weekend and the Cartagena Monday: 1 h on Friday and
	// 2 h on Tuesday, 3 h.
	t2 := d.phone("2026-11-13 16:00", "beatriz@example.gov.co", "La impresora no imprime")
	d.do(t2, "2026-11-13 16:30", "jgomez", classify(2, "impresoras", "lperez"))
	d.do(t2, "2026-11-17 08:30", "lperez", tickets.Command{Kind: tickets.CmdComment, Text: "Voy en camino"})
	d.do(t2, "2026-11-17 10:00", "lperez", resolve)
	d.do(t2, "2026-11-20 10:00", "jgomez", closeIt)
	// Beatriz rates it 3; her 1 after the period does not count in November.
	d.do(t2, "2026-11-23 09:00", "beatriz@example.gov.co", rate(3, ""))

	// T3, by mail, Wednesday 4 at 14:00: to level 2 after 1 h, to level 3
	// (the provider) on Thursday 5 at 09:00, 4 h after registration;
	// resolved on Monday 9 at 12:00 (3 + 8 + 8 + 4 = 23 h); reopened by the
	// requester on Tuesday 10 at 09:00, back at level 1, resolved by the
	// desk at 11:00: 23 + 4 + 3 = 30 h. Closed on Friday 13, never rated.
	t3 := d.mail("2026-11-04 14:00", "ana@example.gov.co", "Sin red en el piso 3")
	d.do(t3, "2026-11-04 15:00", "jgomez", classify(2, "red", "lperez"))
	d.do(t3, "2026-11-05 09:00", "lperez", tickets.Command{Kind: tickets.CmdEscalate, Level: 3, To: d.person("proveedor1")})
	d.do(t3, "2026-11-09 12:00", "proveedor1", resolve)
	d.do(t3, "2026-11-10 09:00", "ana@example.gov.co", tickets.Command{Kind: tickets.CmdReopen, Text: "Sigue igual"})
	d.do(t3, "2026-11-10 11:00", "jgomez", resolve)
	d.do(t3, "2026-11-13 11:00", "jgomez", closeIt)

	// T5, by mail, Thursday 26 at 09:00: to level 2 (the provider) after
	// 0.5 h, in attention at the end: 7 + 8 + 8 = 23 h old, 2.9 days.
	t5 := d.mail("2026-11-26 09:00", "elena@example.gov.co", "Impresora atascada")
	d.do(t5, "2026-11-26 09:30", "jgomez", classify(2, "impresoras", "proveedor1"))

	// T4, by mail, Saturday 28: only an internal note (no response), new
	// at the end: Monday 30 is its one working day, 1 day old.
	t4 := d.mail("2026-11-28 10:00", "fabio@example.gov.co", "Pantalla negra")
	d.do(t4, "2026-11-28 11:00", "jgomez", tickets.Command{Kind: tickets.CmdNote, Text: "Llamar el lunes"})

	// T8, by mail, Monday 30 at 08:00: classified after 0.25 h, resolved
	// at 10:00 (2 h) at level 1. After the period it is reopened and
	// escalated: the report of November sees it resolved at level 1.
	t8 := d.mail("2026-11-30 08:00", "gloria@example.gov.co", "Buzón lleno")
	d.do(t8, "2026-11-30 08:15", "jgomez", classify(1, "correo", ""))
	d.do(t8, "2026-11-30 10:00", "jgomez", resolve)

	// After the period.
	d.do(t8, "2026-12-01 09:00", "gloria@example.gov.co", tickets.Command{Kind: tickets.CmdReopen, Text: "Otra vez"})
	d.do(t8, "2026-12-01 10:00", "jgomez", tickets.Command{Kind: tickets.CmdEscalate, Level: 2, To: d.person("lperez")})
	d.do(t7, "2026-12-02 09:00", "diana@example.gov.co", tickets.Command{Kind: tickets.CmdReopen, Text: "No funciona"})
	d.do(t4, "2026-12-02 11:00", "jgomez", classify(1, "correo", ""))
	d.do(t4, "2026-12-02 12:00", "jgomez", resolve) // resolved now, in the backlog at the end
	d.mail("2026-12-02 10:00", "hugo@example.gov.co", "Fuera del periodo")
	d.do(t2, "2026-12-02 14:00", "beatriz@example.gov.co", rate(1, "Volvió a fallar"))
	return d
}
