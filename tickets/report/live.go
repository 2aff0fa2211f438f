package report

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/ticketd/ticketd/internal/bizdays"
	"github.com/ticketd/ticketd/tickets"
)

// The figures that change minute by minute, for /metrics: the backlog now,
// and the resolutions and escalations as they are committed.

// BacklogNow counts the tickets nuevo or en_atencion at now, by level and
// age bucket (AgeBuckets' names), ages in business days of the clock's
// working hours.
func BacklogNow(ctx context.Context, db sqlx.QueryerContext, clock *bizdays.WorkClock, now time.Time) (map[tickets.Level]map[string]int, error) {
	rows, err := db.QueryxContext(ctx, `SELECT level, created_at FROM tickets WHERE state IN ('nuevo', 'en_atencion')`)
	if err != nil {
		return nil, fmt.Errorf("report: reading the backlog: %w", err)
	}
	defer rows.Close()
	out := map[tickets.Level]map[string]int{}
	for l := tickets.MinLevel; l <= tickets.MaxLevel; l++ {
		out[l] = map[string]int{}
		for _, b := range AgeBuckets {
			out[l][b.Name] = 0
		}
	}
	perDay := float64(clock.Hours().PerDay())
	for rows.Next() {
		var (
			l       tickets.Level
			created time.Time
		)
		if err := rows.Scan(&l, &created); err != nil {
			return nil, fmt.Errorf("report: reading the backlog: %w", err)
		}
		if out[l] == nil {
			continue
		}
		out[l][AgeOf(float64(clock.Between(created, now))/perDay)]++
	}
	return out, rows.Err()
}

// Movement is a resolution or an escalation on the record.
type Movement struct {
	ID        int64
	Resolved  bool          // a resolution (activity 5, 8 or 10), at Level
	Escalated bool          // an arrival at a higher level (activity 6 or 9), at Level
	Level     tickets.Level // the level resolved at, or escalated to
	At        time.Time
	Opened    time.Time // the ticket's registration
}

// LastEventID is the newest event's id (0 for none).
func LastEventID(ctx context.Context, db sqlx.QueryerContext) (int64, error) {
	var id int64
	err := sqlx.GetContext(ctx, db, &id, `SELECT COALESCE(max(id), 0) FROM events`)
	return id, err
}

// Movements returns the resolutions and escalations with ids above after,
// oldest first, at most limit. An escalation is a classification at level 2
// or 3, or an escalation: an event that raises the level.
func Movements(ctx context.Context, db sqlx.QueryerContext, after int64, limit int) ([]Movement, error) {
	rows, err := db.QueryxContext(ctx, `SELECT e.id, e.kind = 'resolved', e.level_after, e.at, t.created_at
		FROM events e JOIN tickets t ON t.id = e.ticket_id
		WHERE e.id > $1 AND (e.kind = 'resolved' OR e.level_after > e.level_before AND e.level_after >= 2)
		ORDER BY e.id LIMIT $2`, after, limit)
	if err != nil {
		return nil, fmt.Errorf("report: reading resolutions and escalations: %w", err)
	}
	defer rows.Close()
	var out []Movement
	for rows.Next() {
		var m Movement
		if err := rows.Scan(&m.ID, &m.Resolved, &m.Level, &m.At, &m.Opened); err != nil {
			return nil, fmt.Errorf("report: reading resolutions and escalations: %w", err)
		}
		m.Escalated = !m.Resolved
		out = append(out, m)
	}
	return out, rows.Err()
}
