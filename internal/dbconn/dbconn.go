// Package dbconn opens ticketd's PostgreSQL pools, with the driver options
// every one of them uses: the daemon's, the command line's and the tests'.
package dbconn

import (
	"database/sql"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Open returns a pool for dsn (a postgres:// URL or key=value pairs). It
// does not connect.
//
// Parameters go in lib/pq's binary mode: a []byte (a raw source, an
// attachment) is sent as it is instead of hex-encoded at twice its size,
// and a statement with parameters takes one round trip instead of two.
func Open(dsn string) (*sqlx.DB, error) {
	cfg, err := pq.NewConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("database address: %w", err)
	}
	cfg.BinaryParameters = true
	c, err := pq.NewConnectorConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("database address: %w", err)
	}
	return sqlx.NewDb(sql.OpenDB(c), "postgres"), nil
}
