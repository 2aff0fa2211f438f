package store

import (
	"context"
	"database/sql"

	"github.com/jmoiron/sqlx"
)

// AdvisoryLock is a PostgreSQL session advisory lock held on a connection
// of its own: it lasts as long as that session, and ends with it.
type AdvisoryLock struct {
	conn *sql.Conn
	key  int64
}

// TryAdvisoryLock takes the session advisory lock key on a connection of
// its own, without waiting; ok is false (and no lock returned) when
// another session holds it.
func TryAdvisoryLock(ctx context.Context, db *sqlx.DB, key int64) (l *AdvisoryLock, ok bool, err error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, false, err
	}
	if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock($1)`, key).Scan(&ok); err != nil {
		conn.Close()
		return nil, false, err
	}
	if !ok {
		conn.Close()
		return nil, false, nil
	}
	return &AdvisoryLock{conn: conn, key: key}, true, nil
}

// Check says whether the lock's session still answers (a ping, then a
// statement); an error means the session, and with it the lock, may be
// gone.
func (l *AdvisoryLock) Check(ctx context.Context) error {
	err := l.conn.PingContext(ctx)
	if err == nil {
		_, err = l.conn.ExecContext(ctx, `SELECT 1`)
	}
	return err
}

// Release unlocks and closes the session (closing alone would let the
// lock go with it).
func (l *AdvisoryLock) Release(ctx context.Context) {
	l.conn.ExecContext(ctx, `SELECT pg_advisory_unlock($1)`, l.key)
	l.conn.Close()
}
