package report_test

import (
	"context"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/ticketd/ticketd/internal/bizdays"
	"github.com/ticketd/ticketd/internal/pgtest"
	"github.com/ticketd/ticketd/tickets/report"
)

// busyYearSQL writes a year of a busy desk: 200,000 tickets over the year
// from 2025-12-01, ten events each (2,000,000), a third of them at each
// level, one in ten reopened, one in fifty still in attention at the end,
// half registered from an email. A third of the closed tickets are rated
// by their requester after the closure (70,666 "rated" events more), one
// in ten of those twice. Events follow the procedure's order (the
// requester writes again, the desk answers and takes an internal note
// before the ticket moves on); their times are hours apart, inside and
// outside working hours.
const busyYearSQL = `
INSERT INTO messages (id, direction, message_id, content_hash)
	SELECT i, 'in', '<m' || i || '@example.gov.co>', 'h' || i FROM generate_series(2, 200000, 2) i;
SELECT setval('messages_id_seq', 200000);

CREATE TEMP TABLE gen AS
	SELECT i, timestamptz '2025-12-01 13:00Z' + (i * 157.68) * interval '1 second' AS c,
		(i % 3) + 1 AS lvl, 'servicio' || (i % 7) AS svc, i % 50 = 0 AS still_open, i % 10 = 1 AS reopen,
		CASE (i % 3) + 1 WHEN 1 THEN '' WHEN 2 THEN 'esp' || (i % 12) || '@example.gov.co'
			ELSE 'prov' || (i % 4) || '@proveedor.example.com' END AS who
	FROM generate_series(1, 200000) i;

INSERT INTO events (ticket_id, seq, kind, activities, actor, actor_role, level_before, level_after,
	state_before, state_after, assignee_after, service, public, message_row, at)
SELECT g.i, s, k.kind, '{}', 'x@example.gov.co', k.role, 1, k.level, '', k.state,
	CASE WHEN k.level = 1 THEN '' ELSE g.who END, CASE WHEN s = 1 THEN '' ELSE g.svc END, true,
	CASE WHEN s = 1 AND g.i % 2 = 0 THEN g.i END, g.c + (s * s) * interval '47 minutes'
FROM gen g CROSS JOIN generate_series(1, 10) s
CROSS JOIN LATERAL (SELECT
	CASE
		WHEN s = 1 THEN 'opened' WHEN s = 2 THEN 'classified'
		WHEN s = 6 AND g.lvl = 3 THEN 'escalated'
		WHEN g.still_open AND s >= 7 THEN 'commented'
		WHEN s = 7 THEN 'resolved'
		WHEN s = 8 AND g.reopen THEN 'reopened'
		WHEN s = 9 AND g.reopen THEN 'resolved'
		WHEN s = 10 THEN 'closed'
		WHEN s = 5 THEN 'noted' ELSE 'commented' END AS kind,
	CASE WHEN s IN (1, 3) THEN 'requester' WHEN g.lvl = 3 AND s >= 6 THEN 'proveedor' ELSE 'mesa' END AS role,
	CASE
		WHEN s = 1 THEN 1
		WHEN g.reopen AND s >= 8 AND NOT g.still_open THEN 1
		WHEN g.lvl = 3 AND s < 6 THEN 2
		ELSE g.lvl END AS level,
	CASE
		WHEN s = 1 THEN 'nuevo'
		WHEN g.still_open OR s < 7 THEN 'en_atencion'
		WHEN s = 10 THEN 'cerrado'
		WHEN g.reopen AND s = 8 THEN 'en_atencion'
		ELSE 'resuelto' END AS state
) k;

-- The requesters' ratings: after the closure, of a third of the closed
-- tickets, and a second one of a tenth of those.
INSERT INTO events (ticket_id, seq, kind, activities, actor, actor_role, level_before, level_after,
	state_before, state_after, assignee_after, service, public, at, rating)
SELECT e.ticket_id, r.seq, 'rated', '{}', 'usuario' || (e.ticket_id % 5000) || '@example.gov.co', 'requester',
	e.level_after, e.level_after, 'cerrado', 'cerrado', e.assignee_after, e.service, false,
	e.at + (r.seq - 10) * interval '19 hours', r.score
FROM events e
CROSS JOIN LATERAL (VALUES (11, (e.ticket_id % 5) + 1), (12, ((e.ticket_id / 30) % 5) + 1)) r (seq, score)
WHERE e.seq = 10 AND e.state_after = 'cerrado' AND e.ticket_id % 3 = 0 AND (r.seq = 11 OR e.ticket_id % 30 = 0);

INSERT INTO tickets (id, subject, requester, state, level, service, assignee, created_at, updated_at, level_since, resolved_at)
SELECT g.i, 'Solicitud ' || g.i, 'usuario' || (g.i % 5000) || '@example.gov.co', e.state_after, e.level_after, e.service,
	e.assignee_after, g.c, e.at + CASE WHEN e.state_after = 'cerrado' AND g.i % 30 = 0 THEN interval '38 hours'
		WHEN e.state_after = 'cerrado' AND g.i % 3 = 0 THEN interval '19 hours' ELSE interval '0' END, g.c, CASE WHEN NOT g.still_open THEN g.c + interval '1 day' END
FROM gen g JOIN events e ON e.ticket_id = g.i AND e.seq = 10;
SELECT setval('tickets_id_seq', 200000);
ALTER TABLE events ADD FOREIGN KEY (ticket_id) REFERENCES tickets (id) NOT VALID;
`

// busyYear loads busyYearSQL into a fresh database. The foreign key of
// events on tickets is dropped while the events go in before their tickets
// (each ticket's row is built from its last event), and put back after.
func busyYear(b *testing.B) *sqlx.DB {
	db := pgtest.New(b)
	if _, err := db.Exec(`ALTER TABLE events DROP CONSTRAINT events_ticket_id_fkey`); err != nil {
		b.Fatal(err)
	}
	if _, err := db.Exec(busyYearSQL); err != nil {
		b.Fatal(err)
	}
	// A year-old table has been vacuumed: its rows' hint bits are set and
	// its pages all-visible.
	if _, err := db.Exec(`VACUUM (FREEZE, ANALYZE)`); err != nil {
		b.Fatal(err)
	}
	var n int
	if err := db.Get(&n, `SELECT count(*) FROM events`); err != nil || n != 2_070_666 {
		b.Fatalf("generated %d events (%v), want 2,070,666", n, err)
	}
	return db
}

// BenchmarkReportYear is a report over the whole year of busyYear.
//
//	go test -run '^$' -bench ReportYear -benchtime 5x ./tickets/report/
func BenchmarkReportYear(b *testing.B) {
	db := busyYear(b)
	from, to := report.Period(bizdays.Colombia(), time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC))
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		r, err := report.Build(ctx, db, report.Params{From: from, To: to})
		if err != nil {
			b.Fatal(err)
		}
		if r.Received.Total < 199_000 {
			b.Fatalf("received %d, want about 200,000", r.Received.Total)
		}
		if all := r.Satisfaction[0]; all.Rated < 60_000 || all.Closed < 180_000 {
			b.Fatalf("%d rated of %d closed, want about 65,000 of 196,000", all.Rated, all.Closed)
		}
	}
}

// BenchmarkReportMonth is the monthly report of November 2026 on the same data.
func BenchmarkReportMonth(b *testing.B) {
	db := busyYear(b)
	from, to := report.Month(bizdays.Colombia(), 2026, time.November)
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		if _, err := report.Build(ctx, db, report.Params{From: from, To: to}); err != nil {
			b.Fatal(err)
		}
	}
}
