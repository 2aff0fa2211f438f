package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/ticketd/ticketd/tickets"
)

// ErrNotFound is returned when a row does not exist.
var ErrNotFound = errors.New("not found")

// IsRetryable reports whether err is a serialization failure or deadlock,
// after which the whole transaction may simply be run again.
func IsRetryable(err error) bool {
	var pe *pq.Error
	if errors.As(err, &pe) {
		return pe.Code == "40001" || pe.Code == "40P01"
	}
	return false
}

// IsTransient reports whether err says the database, not the data, failed:
// a lost or refused connection, a server shutting down, a serialization
// failure or deadlock, exhausted resources. The same work may succeed
// later, so callers retry rather than give up on the item.
func IsTransient(err error) bool {
	if err == nil {
		return false
	}
	var pe *pq.Error
	if errors.As(err, &pe) {
		switch pe.Code.Class() {
		case "08", "40", "53", "57", "58":
			return true
		}
		return false
	}
	var ne net.Error
	return errors.Is(err, driver.ErrBadConn) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.As(err, &ne) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, sql.ErrConnDone)
}

// Ticket is a ticket row: the domain's ticket plus what only the store and
// the notifier need.
type Ticket struct {
	tickets.Ticket
	RequesterName string     `db:"requester_name"`
	Lang          string     `db:"lang"`
	RemindedAt    *time.Time `db:"reminded_at"`
}

const ticketCols = `id, subject, requester, requester_name, state, level, service, assignee,
	COALESCE(linked_to, 0) AS linked_to, lang, created_at, updated_at, level_since, resolved_at, reminded_at`

// GetTicket reads one ticket.
func GetTicket(ctx context.Context, q sqlx.QueryerContext, id int64) (Ticket, error) {
	return getTicket(ctx, q, id, "")
}

// LockTicket reads one ticket and locks its row until the transaction ends,
// so that two commands on one ticket run one after the other.
func LockTicket(ctx context.Context, q sqlx.QueryerContext, id int64) (Ticket, error) {
	return getTicket(ctx, q, id, " FOR UPDATE")
}

func getTicket(ctx context.Context, q sqlx.QueryerContext, id int64, suffix string) (Ticket, error) {
	var t Ticket
	err := sqlx.GetContext(ctx, q, &t, `SELECT `+ticketCols+` FROM tickets WHERE id = $1`+suffix, id)
	if errors.Is(err, sql.ErrNoRows) {
		return t, fmt.Errorf("ticket %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return t, fmt.Errorf("reading ticket %d: %w", id, err)
	}
	return t, nil
}

// UpdateTicket writes the domain fields of a ticket back.
func UpdateTicket(ctx context.Context, q sqlx.ExecerContext, t tickets.Ticket) error {
	_, err := q.ExecContext(ctx, `UPDATE tickets SET subject = $2, state = $3, level = $4, service = $5,
		assignee = $6, updated_at = $7, level_since = $8, resolved_at = $9 WHERE id = $1`,
		t.ID, dbText(t.Subject), t.State, t.Level, t.Service, t.Assignee, t.UpdatedAt, t.LevelSince, t.ResolvedAt)
	if err != nil {
		return fmt.Errorf("updating ticket %d: %w", t.ID, err)
	}
	return nil
}

// MarkReminded records when the last reminder for a ticket was sent.
func MarkReminded(ctx context.Context, q sqlx.ExecerContext, id int64, at time.Time) error {
	_, err := q.ExecContext(ctx, `UPDATE tickets SET reminded_at = $2 WHERE id = $1`, id, at)
	return err
}

// Filter selects tickets for ListTickets. Zero values match everything.
type Filter struct {
	State    tickets.State
	Level    tickets.Level
	Assignee string
	Limit    int
}

// ListTickets returns the tickets matching f, newest first.
func ListTickets(ctx context.Context, q sqlx.QueryerContext, f Filter) ([]Ticket, error) {
	var (
		where []string
		args  []any
	)
	if f.State != "" {
		args = append(args, f.State)
		where = append(where, fmt.Sprintf("state = $%d", len(args)))
	}
	if f.Level != 0 {
		args = append(args, f.Level)
		where = append(where, fmt.Sprintf("level = $%d", len(args)))
	}
	if f.Assignee != "" {
		args = append(args, strings.ToLower(f.Assignee))
		where = append(where, fmt.Sprintf("assignee = $%d", len(args)))
	}
	query := `SELECT ` + ticketCols + ` FROM tickets`
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	query += " ORDER BY id DESC"
	if f.Limit > 0 {
		query += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	var out []Ticket
	if err := sqlx.SelectContext(ctx, q, &out, query, args...); err != nil {
		return nil, fmt.Errorf("listing tickets: %w", err)
	}
	return out, nil
}

// ResolvedBefore returns the ids of tickets resolved before t (candidates for
// the automatic closure), oldest first.
func ResolvedBefore(ctx context.Context, q sqlx.QueryerContext, t time.Time, limit int) ([]int64, error) {
	var ids []int64
	err := sqlx.SelectContext(ctx, q, &ids, `SELECT id FROM tickets
		WHERE state = 'resuelto' AND resolved_at < $1 ORDER BY resolved_at LIMIT $2`, t, limit)
	return ids, err
}

// Waiting returns open tickets at level l that arrived at it before t and
// have had no reminder since.
func Waiting(ctx context.Context, q sqlx.QueryerContext, l tickets.Level, t time.Time, limit int) ([]int64, error) {
	var ids []int64
	err := sqlx.SelectContext(ctx, q, &ids, `SELECT id FROM tickets
		WHERE state IN ('nuevo', 'en_atencion') AND level = $1 AND level_since < $2
		  AND (reminded_at IS NULL OR reminded_at < level_since)
		ORDER BY level_since LIMIT $3`, l, t, limit)
	return ids, err
}

// CountByStateLevel returns the number of tickets per state and level (for
// metrics).
func CountByStateLevel(ctx context.Context, q sqlx.QueryerContext) (map[[2]string]int, error) {
	rows, err := q.QueryxContext(ctx, `SELECT state, level::text, count(*) FROM tickets GROUP BY 1, 2`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[[2]string]int{}
	for rows.Next() {
		var s, l string
		var n int
		if err := rows.Scan(&s, &l, &n); err != nil {
			return nil, err
		}
		out[[2]string{s, l}] = n
	}
	return out, rows.Err()
}
