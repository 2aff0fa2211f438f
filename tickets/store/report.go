package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/ticketd/ticketd/tickets"
)

// The reading side of tickets/report: the rows its figures are computed
// from. The queries are tuned against the index events_report_idx and
// benchmarked (tickets/report, BenchmarkReportYear and BenchmarkReportMonth):
// change their text only with the benchmark's figures before and after.

// BeginReportRead begins the read-only transaction a report's queries run
// in, so that they see the record at one moment (repeatable read).
func BeginReportRead(ctx context.Context, db *sqlx.DB) (*sqlx.Tx, error) {
	tx, err := db.BeginTxx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return nil, err
	}
	// The queries are one pass over an index; compiling them (JIT) costs
	// more than it saves.
	if _, err := tx.ExecContext(ctx, `SET LOCAL jit = off`); err != nil {
		tx.Rollback()
		return nil, err
	}
	return tx, nil
}

// ReportTicket is one ticket received in the period, as its events up to the
// period's end tell it.
type ReportTicket struct {
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

// ReportReceived returns the tickets registered in [from, to), as they
// stood at to (receivedSQL, then lastBeforeSQL for those changed since).
func ReportReceived(ctx context.Context, db sqlx.QueryerContext, from, to time.Time) ([]ReportTicket, error) {
	rows, err := db.QueryxContext(ctx, receivedSQL, from, to)
	if err != nil {
		return nil, fmt.Errorf("report: reading the tickets received: %w", err)
	}
	defer rows.Close()
	var (
		out   []ReportTicket
		stale = map[int64]int{} // tickets changed since $2: their index in out
	)
	for rows.Next() {
		var (
			r       ReportTicket
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
			r  ReportTicket
		)
		if err := last.Scan(&id, &r.State, &r.Level, &r.Service, &r.Assignee); err != nil {
			return nil, fmt.Errorf("report: reading the tickets received: %w", err)
		}
		o := &out[stale[id]]
		o.State, o.Level, o.Service, o.Assignee = r.State, r.Level, r.Service, r.Assignee
	}
	return out, last.Err()
}

// ReportOpen is one ticket of the backlog at the end of a period.
type ReportOpen struct {
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

// ReportBacklog returns the tickets nuevo or en_atencion at at (backlogSQL).
func ReportBacklog(ctx context.Context, db sqlx.QueryerContext, at time.Time) ([]ReportOpen, error) {
	rows, err := db.QueryxContext(ctx, backlogSQL, at)
	if err != nil {
		return nil, fmt.Errorf("report: reading the backlog: %w", err)
	}
	defer rows.Close()
	var out []ReportOpen
	for rows.Next() {
		var r ReportOpen
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

// ReportClosed is a ticket closed in the period (activities 11 and 12) that
// was registered before it; the tickets registered in the period come with
// their ReportTicket.
type ReportClosed struct {
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

// ReportClosedEarlier returns the tickets registered before from and
// closed in [from, to) (closedEarlierSQL).
func ReportClosedEarlier(ctx context.Context, db sqlx.QueryerContext, from, to time.Time) ([]ReportClosed, error) {
	rows, err := db.QueryxContext(ctx, closedEarlierSQL, from, to)
	if err != nil {
		return nil, fmt.Errorf("report: reading the tickets closed: %w", err)
	}
	defer rows.Close()
	var out []ReportClosed
	for rows.Next() {
		var r ReportClosed
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

// OpenNow is a ticket nuevo or en_atencion now: its level and registration.
type OpenNow struct {
	Level   tickets.Level
	Created time.Time
}

// OpenTicketsNow returns the tickets nuevo or en_atencion now, for the
// backlog on /metrics.
func OpenTicketsNow(ctx context.Context, db sqlx.QueryerContext) ([]OpenNow, error) {
	rows, err := db.QueryxContext(ctx, `SELECT level, created_at FROM tickets WHERE state IN ('nuevo', 'en_atencion')`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []OpenNow
	for rows.Next() {
		var o OpenNow
		if err := rows.Scan(&o.Level, &o.Created); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// LastEventID is the newest event's id (0 for none).
func LastEventID(ctx context.Context, db sqlx.QueryerContext) (int64, error) {
	var id int64
	err := sqlx.GetContext(ctx, db, &id, `SELECT COALESCE(max(id), 0) FROM events`)
	return id, err
}

// MovementRow is a resolution (Resolved) or an event that raised a
// ticket's level to 2 or 3 (not Resolved).
type MovementRow struct {
	ID       int64
	Resolved bool
	Level    tickets.Level // the level resolved at, or escalated to
	At       time.Time
	Opened   time.Time // the ticket's registration
}

// Movements returns the resolutions and escalations with ids above after,
// oldest first, at most limit. An escalation is a classification at level 2
// or 3, or an escalation: an event that raises the level.
func Movements(ctx context.Context, db sqlx.QueryerContext, after int64, limit int) ([]MovementRow, error) {
	rows, err := db.QueryxContext(ctx, `SELECT e.id, e.kind = 'resolved', e.level_after, e.at, t.created_at
		FROM events e JOIN tickets t ON t.id = e.ticket_id
		WHERE e.id > $1 AND (e.kind = 'resolved' OR e.level_after > e.level_before AND e.level_after >= 2)
		ORDER BY e.id LIMIT $2`, after, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []MovementRow
	for rows.Next() {
		var m MovementRow
		if err := rows.Scan(&m.ID, &m.Resolved, &m.Level, &m.At, &m.Opened); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// OutboxKeyCount counts the outbox rows with dedup key key (0 or 1: the
// key is unique).
func OutboxKeyCount(ctx context.Context, db sqlx.QueryerContext, key string) (int, error) {
	var n int
	err := sqlx.GetContext(ctx, db, &n, `SELECT count(*) FROM outbox WHERE dedup_key = $1`, key)
	return n, err
}

// IsUniqueViolation reports whether err is PostgreSQL's unique_violation
// (23505): another transaction wrote the same key first.
func IsUniqueViolation(err error) bool {
	var pe *pq.Error
	return errors.As(err, &pe) && pe.Code == "23505"
}
