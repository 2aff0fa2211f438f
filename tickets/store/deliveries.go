package store

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// DeliveriesOf returns, for each outgoing message of a ticket that the
// outbox queued, its outbox status (OutboxPending, OutboxSent,
// OutboxFailed, OutboxHeld), by message row: what `tickets show` says of
// each notification.
func DeliveriesOf(ctx context.Context, q sqlx.QueryerContext, ticketID int64) (map[int64]string, error) {
	rows, err := q.QueryxContext(ctx, `SELECT o.message_row, o.status FROM outbox o JOIN messages m ON m.id = o.message_row
		WHERE m.ticket_id = $1`, ticketID)
	if err != nil {
		return nil, fmt.Errorf("reading deliveries: %w", err)
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var (
			row    int64
			status string
		)
		if err := rows.Scan(&row, &status); err != nil {
			return nil, err
		}
		out[row] = status
	}
	return out, rows.Err()
}
