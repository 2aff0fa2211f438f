package daemon

import (
	"context"
	"database/sql"
	"errors"
	"hash/fnv"
	"time"

	"github.com/jmoiron/sqlx"
)

// errNotHeld means another replica holds the lease.
var errNotHeld = errors.New("lease held by another replica")

// lease is a PostgreSQL session advisory lock: exactly one replica holds a
// given key, and it is released the moment the holder's session ends (the
// process dies, the network drops, PostgreSQL restarts), so another
// replica takes over within one retry interval. PostgreSQL is the
// coordination point; there is no cluster of our own.
type lease struct {
	conn *sql.Conn
	key  int64
	lost chan struct{}
	stop chan struct{}
}

// leaseKey maps a name ("imap:default/INBOX") to an advisory lock key.
func leaseKey(name string) int64 {
	h := fnv.New64a()
	h.Write([]byte("ticketd:" + name))
	return int64(h.Sum64())
}

// tryLease takes the lease on name, or returns errNotHeld. The returned
// lease's lost channel closes when its session is gone.
func tryLease(ctx context.Context, db *sqlx.DB, name string, check time.Duration) (*lease, error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	key := leaseKey(name)
	var ok bool
	if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock($1)`, key).Scan(&ok); err != nil {
		conn.Close()
		return nil, err
	}
	if !ok {
		conn.Close()
		return nil, errNotHeld
	}
	l := &lease{conn: conn, key: key, lost: make(chan struct{}), stop: make(chan struct{})}
	go l.watch(check)
	return l, nil
}

// watch checks the session regularly; when it fails the lease is lost.
func (l *lease) watch(every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-l.stop:
			return
		case <-t.C:
			ctx, cancel := context.WithTimeout(context.Background(), every)
			err := l.conn.PingContext(ctx)
			if err == nil {
				_, err = l.conn.ExecContext(ctx, `SELECT 1`)
			}
			cancel()
			if err != nil {
				close(l.lost)
				return
			}
		}
	}
}

// release gives the lease up (or lets it go with the session).
func (l *lease) release() {
	close(l.stop)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	l.conn.ExecContext(ctx, `SELECT pg_advisory_unlock($1)`, l.key)
	l.conn.Close()
}
