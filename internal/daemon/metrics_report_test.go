package daemon

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/ticketd/ticketd/internal/bizdays"
	"github.com/ticketd/ticketd/internal/pgtest"
	"github.com/ticketd/ticketd/tickets"
	"github.com/ticketd/ticketd/tickets/service"
)

func bogotaTime(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, bizdays.Colombia().Loc)
	if err != nil {
		panic(err) // test tables only
	}
	return t
}

// scrape gathers the report's metrics as "name{labels} value" lines.
func scrape(t *testing.T, c *reportCollector) map[string]float64 {
	t.Helper()
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(c)
	fams, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, f := range fams {
		for _, m := range f.GetMetric() {
			var labels []string
			for _, l := range m.GetLabel() {
				labels = append(labels, l.GetName()+"="+l.GetValue())
			}
			key := f.GetName() + "{" + strings.Join(labels, ",") + "}"
			switch {
			case m.Counter != nil:
				out[key] = m.GetCounter().GetValue()
			case m.Gauge != nil:
				out[key] = m.GetGauge().GetValue()
			case m.Histogram != nil:
				out[key+"_count"] = float64(m.GetHistogram().GetSampleCount())
				out[key+"_sum"] = m.GetHistogram().GetSampleSum()
			}
		}
	}
	return out
}

func TestReportMetrics(t *testing.T) {
	db := pgtest.New(t)
	ctx := context.Background()
	roster := &tickets.Roster{People: []tickets.Person{
		{Email: "jgomez@example.gov.co", Role: tickets.RoleDesk, Levels: []tickets.Level{1}},
		{Email: "lperez@example.gov.co", Role: tickets.RoleSpecialist, Levels: []tickets.Level{2}},
		{Email: "soporte@proveedor.example.com", Role: tickets.RoleProvider, Levels: []tickets.Level{2, 3}},
	}}
	var now time.Time
	s := &service.Service{DB: db, Roster: roster, Tag: "OTI", Now: func() time.Time { return now }}
	act := func(at string, id int64, as string, c tickets.Command) {
		t.Helper()
		now = bogotaTime(at)
		p, _ := roster.Find(as)
		if _, _, err := s.Apply(ctx, id, c, tickets.ActorOf(p)); err != nil {
			t.Fatal(err)
		}
	}
	open := func(at, subject string) int64 {
		t.Helper()
		now = bogotaTime(at)
		tk, err := s.Open(ctx, service.OpenRequest{Requester: "ana@example.gov.co", Subject: subject, NoRouting: true})
		if err != nil {
			t.Fatal(err)
		}
		return tk.ID
	}
	provider, _ := roster.Find("soporte@proveedor.example.com")

	// Before the first scrape: T2 at level 2 since Wednesday 28 October;
	// an earlier resolution (T0) that the counters never see.
	t0 := open("2026-10-27 09:00", "Antes")
	act("2026-10-27 09:10", t0, "jgomez@example.gov.co", tickets.Command{Kind: tickets.CmdClassify, Level: 1})
	act("2026-10-27 09:20", t0, "jgomez@example.gov.co", tickets.Command{Kind: tickets.CmdResolve})
	t2 := open("2026-10-28 09:00", "Sin red")
	act("2026-10-28 09:00", t2, "jgomez@example.gov.co", tickets.Command{Kind: tickets.CmdClassify, Level: 2})

	c := newReportCollector(db)
	c.now = func() time.Time { return bogotaTime("2026-11-03 12:00") }
	first := scrape(t, c)
	if first[`ticketd_tickets_resolved_total{level=1}`] != 0 || first[`ticketd_tickets_escalated_total{level=2}`] != 0 {
		t.Errorf("first scrape counts what came before it: %v", first)
	}
	// T2: 7 + 8 + 8 h (Wednesday to Friday), Monday 2 is a holiday, 4 h on
	// Tuesday: 27 h, 3.4 days.
	if first[`ticketd_backlog_tickets{age=3-5d,level=2}`] != 1 || first[`ticketd_backlog_tickets{age=0-1d,level=1}`] != 0 {
		t.Errorf("backlog at the first scrape: %v", first)
	}

	// Tuesday 3 November: T1 resolved at level 1 in 2 business hours; T2
	// escalated to level 3.
	t1 := open("2026-11-03 09:00", "No imprime")
	act("2026-11-03 10:00", t1, "jgomez@example.gov.co", tickets.Command{Kind: tickets.CmdClassify, Level: 1})
	act("2026-11-03 11:00", t1, "jgomez@example.gov.co", tickets.Command{Kind: tickets.CmdResolve})
	act("2026-11-03 11:30", t2, "jgomez@example.gov.co", tickets.Command{Kind: tickets.CmdEscalate, Level: 3, To: &provider})

	for i := range 2 { // a second scrape counts nothing twice
		got := scrape(t, c)
		want := map[string]float64{
			`ticketd_tickets_resolved_total{level=1}`:            1,
			`ticketd_tickets_escalated_total{level=3}`:           1,
			`ticketd_tickets_escalated_total{level=2}`:           0,
			`ticketd_resolution_business_seconds{level=1}_count`: 1,
			`ticketd_resolution_business_seconds{level=1}_sum`:   2 * 3600,
			`ticketd_backlog_tickets{age=3-5d,level=3}`:          1,
			`ticketd_backlog_tickets{age=3-5d,level=2}`:          0,
			`ticketd_backlog_tickets{age=0-1d,level=1}`:          0,
		}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("scrape %d: %s = %v, want %v", i+2, k, got[k], v)
			}
		}
	}

	// A transaction that took its event's id before the last scrape and
	// commits after it: counted once, at the next scrape.
	var late int64
	if err := db.Get(&late, `SELECT nextval('events_id_seq')`); err != nil {
		t.Fatal(err)
	}
	act("2026-11-03 11:40", t1, "jgomez@example.gov.co", tickets.Command{Kind: tickets.CmdReopen})
	act("2026-11-03 11:50", t1, "jgomez@example.gov.co", tickets.Command{Kind: tickets.CmdResolve})
	scrape(t, c)
	if _, err := db.Exec(fmt.Sprintf(`INSERT INTO events (id, ticket_id, seq, kind, actor, actor_role, level_before, level_after,
		state_before, state_after, public, at) VALUES (%d, $1, 100, 'resolved', 'x', 'mesa', 3, 3, 'en_atencion', 'resuelto', true, $2)`, late),
		t2, bogotaTime("2026-11-03 11:45")); err != nil {
		t.Fatal(err)
	}
	got := scrape(t, c)
	if got[`ticketd_tickets_resolved_total{level=1}`] != 2 || got[`ticketd_tickets_resolved_total{level=3}`] != 1 {
		t.Errorf("after a late commit: %v", got)
	}
	if again := scrape(t, c); again[`ticketd_tickets_resolved_total{level=3}`] != 1 {
		t.Errorf("the late event was counted twice: %v", again)
	}
}
