package daemon

import (
	"context"
	"errors"
	"hash/fnv"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/ticketd/ticketd/tickets/store"
)

// errNotHeld means another replica holds the lease.
var errNotHeld = errors.New("lease held by another replica")

// lease is a PostgreSQL session advisory lock: exactly one replica holds a
// given key, and it is released the moment the holder's session ends (the
// process dies, the network drops, PostgreSQL restarts), so another
// replica takes over within one retry interval. PostgreSQL is the
// coordination point; there is no cluster of our own.
type lease struct {
	lock *store.AdvisoryLock
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
	lock, ok, err := store.TryAdvisoryLock(ctx, db, leaseKey(name))
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errNotHeld
	}
	l := &lease{lock: lock, lost: make(chan struct{}), stop: make(chan struct{})}
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
			err := l.lock.Check(ctx)
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
	l.lock.Release(ctx)
}
