package store

import (
	"context"
	"os"
	"testing"

	"github.com/jmoiron/sqlx"

	"github.com/ticketd/ticketd/internal/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// insertTicket stores a new ticket as the service does, and returns it
// with its id.
func insertTicket(ctx context.Context, q sqlx.ExtContext, t Ticket) (Ticket, error) {
	ids, _, err := AllocateIDs(ctx, q, 1, 0)
	if err != nil {
		return t, err
	}
	t.ID = ids[0]
	return t, InsertTickets(ctx, q, []Ticket{t})
}
