// Package dbconn opens ticketd's PostgreSQL pools, with the driver options
// every one of them uses: the daemon's, the command line's and the tests'.
package dbconn

import (
	"database/sql"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// ErrAddress is a database address the driver cannot read. It says no
// more than that: the driver's own words echo the address, password and
// all.
var ErrAddress = errors.New("the database address does not parse: quote a key=value value that holds blanks " +
	"(password='…'), and percent-encode '@', '#', '/' and '?' in a URL's password")

// Open returns a pool for dsn (a postgres:// URL or key=value pairs). It
// does not connect.
//
// Parameters go in lib/pq's binary mode: a []byte (a raw source, an
// attachment) is sent as it is instead of hex-encoded at twice its size,
// and a statement with parameters takes one round trip instead of two.
func Open(dsn string) (*sqlx.DB, error) {
	cfg, err := pq.NewConfig(dsn)
	if err != nil {
		return nil, ErrAddress
	}
	cfg.BinaryParameters = true
	c, err := pq.NewConnectorConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("database address: %w", err)
	}
	return sqlx.NewDb(sql.OpenDB(c), "postgres"), nil
}
