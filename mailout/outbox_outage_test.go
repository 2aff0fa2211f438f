package mailout

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/ticketd/ticketd/internal/pgtest"
	"github.com/ticketd/ticketd/tickets/store"
)

// Tests of the worker through a PostgreSQL outage: the test cluster is
// stopped (pg_ctl stop -m fast) in the middle of a backlog and started
// again. Once a mark cannot be written the connections stop sending (at
// most the message each had in hand is accepted after that), the marks are
// kept and written when the database is back, and every row is then sent
// once: none waits for its lease to go out again.

const outageConns = 2

// outageWorkerConfig: a lease short enough that a row whose mark was
// dropped would come back and go out again within the test.
var outageWorkerConfig = WorkerConfig{Connections: outageConns, BatchSize: 50, Lease: 4 * time.Second,
	PollInterval: 50 * time.Millisecond}

// slowServer makes f take 10 ms a message, as a real server might, so that
// the connections still hold rows when the marks start failing, and
// returns a channel closed once it has accepted from messages.
func slowServer(f *fakeSMTP, from int) <-chan struct{} {
	reached := make(chan struct{})
	var once sync.Once
	f.inData = func() {
		time.Sleep(10 * time.Millisecond)
		if f.Count() >= from {
			once.Do(func() { close(reached) })
		}
	}
	return reached
}

// stopFast stops PostgreSQL (pg_ctl stop -m fast); freeze leaves it
// running but answering nothing (SIGSTOP), as across a partition.
func stopFast(t *testing.T) func() { return pgtest.Outage(t, "fast") }
func freeze(t *testing.T) func()   { return pgtest.Freeze(t) }

// runOutage runs w over rows rows already queued, breaks PostgreSQL with
// fault once the server has accepted a fifth of them, restores it two
// seconds after the first mark failed (or stalled), and checks that every
// row went out once.
func runOutage(t *testing.T, db *sqlx.DB, f *fakeSMTP, clock *testClock, w *Worker, rows int, fault func(*testing.T) func()) {
	t.Helper()
	outage := slowServer(f, rows/5)
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
	start := fault(t)
	var atFailure int
	select {
	case atFailure = <-failed:
	case <-time.After(time.Minute):
		t.Fatal("no mark failed or stalled while PostgreSQL was away")
	}
	// Long enough for the connections to send all they hold in memory, had
	// they not stopped; the test asserts only counts.
	time.Sleep(2 * time.Second)
	atReturn := f.Count()
	start()
	t.Logf("%d accepted when the first mark failed, %d when PostgreSQL was back", atFailure, atReturn)
	if atFailure >= rows {
		t.Fatal("every row was sent before a mark failed: no outage to test")
	}
	if d := atReturn - atFailure; d > outageConns {
		t.Errorf("%d messages accepted while the marks could not be written, want at most %d (one in hand per connection)", d, outageConns)
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
	if s := w.Stats(); s.Sent != uint64(rows) {
		t.Errorf("stats: %d sent, want %d", s.Sent, rows)
	}
	pending, failedRows, err := store.OutboxBacklog(context.Background(), db)
	if err != nil || pending != 0 || failedRows != 0 {
		t.Errorf("backlog: %d pending, %d failed (%v)", pending, failedRows, err)
	}
}

// TestDatabaseOutageClaimedBacklog: the rows are claimed from the
// database.
func TestDatabaseOutageClaimedBacklog(t *testing.T) {
	const rows = 300
	if pgtest.Cluster(t) == nil {
		t.Skipf("the tests use %s: there is no throwaway PostgreSQL cluster to stop (unset it to run this test)", pgtest.EnvURL)
	}
	db := pgtest.New(t)
	f := newFakeSMTP(t, plainSMTP)
	clock := &testClock{}
	tx := db.MustBegin()
	for range rows {
		putRow(t, tx, testRow(clock))
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	runOutage(t, db, f, clock, newTestWorker(t, db, nil, f, clock, outageWorkerConfig), rows, stopFast)
}

// TestDatabaseOutageHandedOffBacklog: the rows were queued by this
// process's transactions and handed to the worker in memory
// (outbox_direct.go), three for each new ticket.
func TestDatabaseOutageHandedOffBacklog(t *testing.T) {
	const tickets = 60
	if pgtest.Cluster(t) == nil {
		t.Skipf("the tests use %s: there is no throwaway PostgreSQL cluster to stop (unset it to run this test)", pgtest.EnvURL)
	}
	d := newDirect(t, outageWorkerConfig, true)
	for range tickets {
		openRequest(t, d.svc)
	}
	var rows int
	if err := d.db.Get(&rows, `SELECT count(*) FROM outbox`); err != nil || rows != 3*tickets {
		t.Fatalf("%d rows queued (%v), want %d", rows, err, 3*tickets)
	}
	if !d.w.directWaiting() {
		t.Fatal("nothing was handed off")
	}
	runOutage(t, d.db, d.f, d.clock, d.w, rows, stopFast)
	if s := d.w.Stats(); s.HandedOff == 0 {
		t.Errorf("stats: %+v, no row taken from the hand-off", s)
	}
}

// TestDatabaseStallClaimedBacklog: PostgreSQL stops answering without
// closing anything (SIGSTOP): a mark hangs instead of failing, and after
// markStall the connections stop sending as they do when it fails. The
// batches are larger, so that the connections still hold rows a second
// into the stall.
func TestDatabaseStallClaimedBacklog(t *testing.T) {
	const rows = 600
	if pgtest.Cluster(t) == nil {
		t.Skipf("the tests use %s: there is no throwaway PostgreSQL cluster to freeze (unset it to run this test)", pgtest.EnvURL)
	}
	db := pgtest.New(t)
	f := newFakeSMTP(t, plainSMTP)
	clock := &testClock{}
	tx := db.MustBegin()
	for range rows {
		putRow(t, tx, testRow(clock))
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	cfg := outageWorkerConfig
	cfg.BatchSize = 200
	runOutage(t, db, f, clock, newTestWorker(t, db, nil, f, clock, cfg), rows, freeze)
}
