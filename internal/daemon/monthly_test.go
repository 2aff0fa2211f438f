package daemon

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/pgtest"
	"github.com/ticketd/ticketd/migrations"
	"github.com/ticketd/ticketd/tickets/service"
)

// TestMonthlyReportTimer: the timers queue the last month's report once,
// whatever the number of ticks.
func TestMonthlyReportTimer(t *testing.T) {
	url := pgtest.URL(t)
	c := testConfig(t, url, "127.0.0.1:1", "127.0.0.1:1")
	c.Reports.MonthlyTo = []string{"jefe.oti@example.gov.co", "lperez@example.gov.co"}
	db, err := OpenDB(context.Background(), url, 5)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := migrations.Apply(context.Background(), db.DB); err != nil {
		t.Fatal(err)
	}
	parts, err := Build(context.Background(), c, db)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	bogota, _ := time.LoadLocation("America/Bogota")
	parts.Service.Now = func() time.Time { return time.Date(2026, 3, 10, 9, 0, 0, 0, bogota) }
	if _, err := parts.Service.Open(ctx, service.OpenRequest{Requester: "ana@example.gov.co", Subject: "x"}); err != nil {
		t.Fatal(err)
	}
	tm := &timers{d: &Daemon{Parts: parts, log: discard()}, cal: newCalendar(c)}
	for _, at := range []time.Time{
		time.Date(2026, 4, 1, 0, 5, 0, 0, bogota),
		time.Date(2026, 4, 1, 0, 6, 0, 0, bogota),
		time.Date(2026, 4, 2, 9, 0, 0, 0, bogota),
	} {
		tm.now = func() time.Time { return at }
		if err := tm.once(ctx); err != nil {
			t.Fatal(err)
		}
	}
	var subjects []string
	if err := db.Select(&subjects, `SELECT m.subject FROM outbox o JOIN messages m ON m.id = o.message_row
		WHERE o.kind = 'monthly_report' ORDER BY o.recipient`); err != nil {
		t.Fatal(err)
	}
	if len(subjects) != 2 || !strings.Contains(subjects[0], "marzo de 2026") {
		t.Errorf("monthly reports queued: %q, want March's, once for each of the two", subjects)
	}
}
