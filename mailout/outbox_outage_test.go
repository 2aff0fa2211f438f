package mailout

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/pgtest"
	"github.com/ticketd/ticketd/tickets/store"
)

// TestDatabaseOutageSendsNothingTwice: PostgreSQL stops while a worker
// works through a backlog. Once a mark cannot be written the connections
// stop sending (at most the message each had in hand is accepted after
// that), the marks are kept and written when the database is back, and
// every row is then sent once: none waits for its lease to go out again.
func TestDatabaseOutageSendsNothingTwice(t *testing.T) {
	const (
		rows  = 300
		conns = 2
	)
	db := pgtest.New(t)
	cl := pgtest.Cluster(t)
	if cl == nil {
		t.Skipf("the tests use %s: there is no throwaway PostgreSQL cluster to stop (unset it to run this test)", pgtest.EnvURL)
	}
	f := newFakeSMTP(t, plainSMTP)
	clock := &testClock{}
	tx := db.MustBegin()
	for range rows {
		putRow(t, tx, testRow(clock))
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}

	// The outage starts once the server has accepted a fifth of the rows.
	// The server takes 10 ms a message, as a real one might, so that the
	// connections still hold rows when the marks start failing.
	outage := make(chan struct{})
	var outageOnce sync.Once
	f.inData = func() {
		time.Sleep(10 * time.Millisecond)
		if f.Count() >= rows/5 {
			outageOnce.Do(func() { close(outage) })
		}
	}
	// A lease short enough that a row whose mark was dropped would come
	// back and go out again within the test.
	w := newTestWorker(t, db, nil, f, clock, WorkerConfig{Connections: conns, BatchSize: 50, Lease: 4 * time.Second,
		PollInterval: 50 * time.Millisecond})
	failed := make(chan int, 1)
	w.marksFailed = func() {
		select {
		case failed <- f.Count():
		default:
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()

	select {
	case <-outage:
	case <-time.After(time.Minute):
		t.Fatal("the server never accepted a fifth of the rows")
	}
	start := pgtest.Outage(t, "fast")
	var atFailure int
	select {
	case atFailure = <-failed:
	case <-time.After(time.Minute):
		t.Fatal("no mark failed while PostgreSQL was down")
	}
	// Long enough for the connections to send all they hold in memory, had
	// they not stopped; the test asserts only counts.
	time.Sleep(2 * time.Second)
	atReturn := f.Count()
	start()
	t.Logf("%d accepted when the first mark failed, %d when PostgreSQL was back", atFailure, atReturn)
	if d := atReturn - atFailure; d > conns {
		t.Errorf("%d messages accepted while the marks could not be written, want at most %d (one in hand per connection)", d, conns)
	}

	waitFor(t, "every row marked", func() bool {
		var n int
		err := db.Get(&n, `SELECT count(*) FROM outbox WHERE status = 'sent'`)
		return err == nil && n == rows
	})
	// Past the lease: a row sent but not marked would have gone out again.
	clock.Advance(5 * time.Second)
	w.Wake()
	time.Sleep(300 * time.Millisecond)
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("run: %v", err)
	}
	seen := map[string]int{}
	for _, m := range f.Messages() {
		seen[m.Header(t).Get("Message-Id")]++
	}
	if len(seen) != rows {
		t.Errorf("server got %d distinct messages, want %d", len(seen), rows)
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("%s received %d times", id, n)
		}
	}
	if s := w.Stats(); s.Sent != rows {
		t.Errorf("stats: %d sent, want %d", s.Sent, rows)
	}
	pending, failedRows, err := store.OutboxBacklog(context.Background(), db)
	if err != nil || pending != 0 || failedRows != 0 {
		t.Errorf("backlog: %d pending, %d failed (%v)", pending, failedRows, err)
	}
}
