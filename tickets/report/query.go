package report

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/ticketd/ticketd/tickets"
)

// ticketRow is one ticket received in the period, as its events up to the
// period's end tell it.
type ticketRow struct {
	ID            int64
	Created       time.Time
	ByMail        bool       // the opening event came with an email
	FirstResponse *time.Time // the first thing a roster person did on it
	AtLevel2      *time.Time // first at level 2 or 3
	AtLevel3      *time.Time // first at level 3
	LastResolved  *time.Time // the last resolution (activity 5, 8 or 10)
	Resolutions   int
	Reopens       int
	MaxLevel      tickets.Level
	Rating        *int // the score of its latest rating before the period's end; nil when none
	// At the end of the period:
	State    tickets.State
	Level    tickets.Level
	Service  string
	Assignee string
}

// milestones selects the events a report reads: the registration, the
// changes of level and state, what roster people did in public and the
// requester's ratings. It is the predicate of the index events_report_idx
// (migration 0013), word for word, so that the planner answers the query
// from that index alone.
const milestones = `(e.kind IN ('opened', 'classified', 'escalated', 'assigned', 'resolved', 'closed', 'reopened', 'rated')
       OR (e.kind = 'commented' AND e.actor_role IN ('mesa', 'especialista', 'sitio', 'proveedor')))`

// receivedSQL reads one row per ticket registered in [$1, $2), folded from
// its milestones before $2. A first response is an action of a roster
// person after the registration: classification, escalation, assignment, a
// public comment, resolution, closure or reopening; not the routing rules
// (the system), not an internal note. Its rating is the score of its
// latest "rated" event before $2 (a later rating replaces an earlier one).
// The ticket's row says how it stood at
// $2 when nothing changed it since (updated_at before $2); otherwise
// lastBefore reads it from the log.
const receivedSQL = `
SELECT t.id, t.created_at, t.updated_at < $2 AS current, t.state, t.level, t.service, t.assignee,
	COALESCE(bool_or(e.message_row IS NOT NULL) FILTER (WHERE e.kind = 'opened'), false) AS by_mail,
	min(e.at) FILTER (WHERE e.kind <> 'opened' AND e.actor_role IN ('mesa', 'especialista', 'sitio', 'proveedor')) AS first_response,
	min(e.at) FILTER (WHERE e.level_after >= 2) AS at_level2,
	min(e.at) FILTER (WHERE e.level_after = 3) AS at_level3,
	max(e.at) FILTER (WHERE e.kind = 'resolved') AS last_resolved,
	count(*) FILTER (WHERE e.kind = 'resolved') AS resolutions,
	count(*) FILTER (WHERE e.kind = 'reopened') AS reopens,
	max(e.level_after) AS max_level,
	(array_agg(e.rating ORDER BY e.at DESC, e.seq DESC) FILTER (WHERE e.kind = 'rated'))[1] AS rating
FROM tickets t
JOIN events e ON e.ticket_id = t.id AND e.at < $2 AND ` + milestones + `
WHERE t.created_at >= $1 AND t.created_at < $2
GROUP BY t.id`

// lastBeforeSQL reads how tickets stood at $2: every event carries the
// ticket's state, level, assignee and service after it.
const lastBeforeSQL = `
SELECT DISTINCT ON (ticket_id) ticket_id, state_after, level_after, service, assignee_after
FROM events WHERE ticket_id = ANY ($1) AND at < $2
ORDER BY ticket_id, seq DESC`

func received(ctx context.Context, db sqlx.QueryerContext, from, to time.Time) ([]ticketRow, error) {
	rows, err := db.QueryxContext(ctx, receivedSQL, from, to)
	if err != nil {
		return nil, fmt.Errorf("report: reading the tickets received: %w", err)
	}
	defer rows.Close()
	var (
		out   []ticketRow
		stale = map[int64]int{} // tickets changed since $2: their index in out
	)
	for rows.Next() {
		var (
			r       ticketRow
			current bool
		)
		if err := rows.Scan(&r.ID, &r.Created, &current, &r.State, &r.Level, &r.Service, &r.Assignee,
			&r.ByMail, &r.FirstResponse, &r.AtLevel2, &r.AtLevel3, &r.LastResolved,
			&r.Resolutions, &r.Reopens, &r.MaxLevel, &r.Rating); err != nil {
			return nil, fmt.Errorf("report: reading the tickets received: %w", err)
		}
		if !current {
			stale[r.ID] = len(out)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("report: reading the tickets received: %w", err)
	}
	rows.Close()
	if len(stale) == 0 {
		return out, nil
	}
	ids := make(pq.Int64Array, 0, len(stale))
	for id := range stale {
		ids = append(ids, id)
	}
	last, err := db.QueryxContext(ctx, lastBeforeSQL, ids, to)
	if err != nil {
		return nil, fmt.Errorf("report: reading the tickets received: %w", err)
	}
	defer last.Close()
	for last.Next() {
		var (
			id int64
			r  ticketRow
		)
		if err := last.Scan(&id, &r.State, &r.Level, &r.Service, &r.Assignee); err != nil {
			return nil, fmt.Errorf("report: reading the tickets received: %w", err)
		}
		o := &out[stale[id]]
		o.State, o.Level, o.Service, o.Assignee = r.State, r.Level, r.Service, r.Assignee
	}
	return out, last.Err()
}

// openRow is one ticket of the backlog at the end of a period.
type openRow struct {
	ID       int64
	Created  time.Time
	MaxLevel tickets.Level
	Level    tickets.Level
	Service  string
	Assignee string
}

// backlogSQL reads the tickets registered before $1 that were nuevo or
// en_atencion then. A ticket resolved or closed now whose last resolution
// (resolved_at) came before $1 was not open at $1: reopening it would have
// cleared resolved_at until it was resolved again. So the candidates are the
// tickets open now and those resolved since $1; the last event before $1
// says which of them were open at $1.
const backlogSQL = `
SELECT t.id, t.created_at, last.max_level, last.level_after, last.service, last.assignee_after
FROM tickets t
CROSS JOIN LATERAL (
	SELECT e.state_after, e.level_after, e.service, e.assignee_after,
		(SELECT max(x.level_after) FROM events x WHERE x.ticket_id = t.id AND x.at < $1) AS max_level
	FROM events e WHERE e.ticket_id = t.id AND e.at < $1
	ORDER BY e.seq DESC LIMIT 1
) last
WHERE t.created_at < $1
	AND (t.state IN ('nuevo', 'en_atencion') OR t.resolved_at >= $1)
	AND last.state_after IN ('nuevo', 'en_atencion')`

func backlog(ctx context.Context, db sqlx.QueryerContext, at time.Time) ([]openRow, error) {
	rows, err := db.QueryxContext(ctx, backlogSQL, at)
	if err != nil {
		return nil, fmt.Errorf("report: reading the backlog: %w", err)
	}
	defer rows.Close()
	var out []openRow
	for rows.Next() {
		var r openRow
		if err := rows.Scan(&r.ID, &r.Created, &r.MaxLevel, &r.Level, &r.Service, &r.Assignee); err != nil {
			return nil, fmt.Errorf("report: reading the backlog: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("report: reading the backlog: %w", err)
	}
	return out, nil
}

// closedRow is a ticket closed in the period (activities 11 and 12) that
// was registered before it; the tickets registered in the period come with
// their ticketRow.
type closedRow struct {
	ID       int64
	MaxLevel tickets.Level
	Service  string
	Assignee string
	Rating   *int // the score of its latest rating before the period's end; nil when none
}

// closedEarlierSQL reads the tickets registered before $1 and closed in
// [$1, $2): their highest level, and their latest rating before $2. A
// closed ticket changes no more (a reply to it opens a new one), so its
// row's service and assignee are those it had at $2.
const closedEarlierSQL = `
SELECT t.id, t.service, t.assignee, max(e.level_after) AS max_level,
	(array_agg(e.rating ORDER BY e.at DESC, e.seq DESC) FILTER (WHERE e.kind = 'rated'))[1] AS rating
FROM events c
JOIN tickets t ON t.id = c.ticket_id AND t.created_at < $1
JOIN events e ON e.ticket_id = t.id AND e.at < $2 AND ` + milestones + `
WHERE c.kind = 'closed' AND c.at >= $1 AND c.at < $2
GROUP BY t.id`

func closedEarlier(ctx context.Context, db sqlx.QueryerContext, from, to time.Time) ([]closedRow, error) {
	rows, err := db.QueryxContext(ctx, closedEarlierSQL, from, to)
	if err != nil {
		return nil, fmt.Errorf("report: reading the tickets closed: %w", err)
	}
	defer rows.Close()
	var out []closedRow
	for rows.Next() {
		var r closedRow
		if err := rows.Scan(&r.ID, &r.Service, &r.Assignee, &r.MaxLevel, &r.Rating); err != nil {
			return nil, fmt.Errorf("report: reading the tickets closed: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("report: reading the tickets closed: %w", err)
	}
	return out, nil
}
