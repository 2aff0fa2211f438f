package report

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/ticketd/ticketd/internal/bizdays"
	"github.com/ticketd/ticketd/tickets"
	"github.com/ticketd/ticketd/tickets/store"
)

// The figures that change minute by minute, for /metrics: the backlog now,
// and the resolutions and escalations as they are committed.

// BacklogNow counts the tickets nuevo or en_atencion at now, by level and
// age bucket (AgeBuckets' names), ages in business days of the clock's
// working hours.
func BacklogNow(ctx context.Context, db sqlx.QueryerContext, clock *bizdays.WorkClock, now time.Time) (map[tickets.Level]map[string]int, error) {
	open, err := store.OpenTicketsNow(ctx, db)
	if err != nil {
		return nil, fmt.Errorf("report: reading the backlog: %w", err)
	}
	out := map[tickets.Level]map[string]int{}
	for l := tickets.MinLevel; l <= tickets.MaxLevel; l++ {
		out[l] = map[string]int{}
		for _, b := range AgeBuckets {
			out[l][b.Name] = 0
		}
	}
	perDay := float64(clock.Hours().PerDay())
	for _, o := range open {
		if out[o.Level] == nil {
			continue
		}
		out[o.Level][AgeOf(float64(clock.Between(o.Created, now))/perDay)]++
	}
	return out, nil
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
	return store.LastEventID(ctx, db)
}

// Movements returns the resolutions and escalations with ids above after,
// oldest first, at most limit. An escalation is a classification at level 2
// or 3, or an escalation: an event that raises the level.
func Movements(ctx context.Context, db sqlx.QueryerContext, after int64, limit int) ([]Movement, error) {
	rows, err := store.Movements(ctx, db, after, limit)
	if err != nil {
		return nil, fmt.Errorf("report: reading resolutions and escalations: %w", err)
	}
	var out []Movement
	for _, r := range rows {
		out = append(out, Movement{ID: r.ID, Resolved: r.Resolved, Escalated: !r.Resolved, Level: r.Level, At: r.At, Opened: r.Opened})
	}
	return out, nil
}
