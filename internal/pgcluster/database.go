package pgcluster

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// EnsureDatabase creates database name in the cluster unless it exists.
// Creating a database is the cluster's business, done as its superuser
// before ticketd's schema exists; ticketd's own SQL is in tickets/store.
func (c *Cluster) EnsureDatabase(ctx context.Context, name string) error {
	db, err := sqlx.Open("postgres", c.URL("postgres"))
	if err != nil {
		return err
	}
	defer db.Close()
	var exists bool
	if err := db.GetContext(ctx, &exists, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name); err != nil {
		return fmt.Errorf("looking for database %s: %w", name, err)
	}
	if !exists {
		if _, err := db.ExecContext(ctx, `CREATE DATABASE `+pq.QuoteIdentifier(name)); err != nil {
			return fmt.Errorf("creating database %s: %w", name, err)
		}
	}
	return nil
}
