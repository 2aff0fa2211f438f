package mailout

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/pgtest"
	"github.com/ticketd/ticketd/tickets/store"
)

// Tests of the worker's loop and its batches: leases, connections,
// several workers, wake-ups and shutdown.

// TestCrashBeforeMarkResends: if the worker dies between the server's
// reply and the mark, another one sends the row after the lease: the
// server gets it at most twice, with the same Message-ID.
func TestCrashBeforeMarkResends(t *testing.T) {
	db := pgtest.New(t)
	f := newFakeSMTP(t, plainSMTP)
	clock := &testClock{}
	crashing := newTestWorker(t, db, nil, f, clock, WorkerConfig{Lease: time.Minute})
	crashing.crashAfterSend = func(store.Outgoing) bool { return true }
	o := testRow(clock)
	id := putRow(t, db, o)
	putRow(t, db, testRow(clock)) // claimed in the same batch, never attempted

	crashing.SendOnce(context.Background())
	if f.Count() != 1 {
		t.Fatalf("server has %d, want 1", f.Count())
	}
	if r := row(t, db, id); r.Status != store.OutboxPending {
		t.Fatalf("status %s after the crash", r.Status)
	}
	other := newTestWorker(t, db, nil, f, clock, WorkerConfig{Lease: time.Minute})
	if n := sendOnce(t, other); n != 0 {
		t.Fatalf("sent %d while the lease holds", n)
	}
	clock.Advance(time.Minute + time.Second)
	if n := sendOnce(t, other); n != 2 {
		t.Fatalf("sent %d after the lease, want 2", n)
	}
	var copies []string
	for _, m := range f.Messages() {
		if id := m.Header(t).Get("Message-Id"); id == "<"+o.MessageID+">" {
			copies = append(copies, id)
		}
	}
	if len(copies) != 2 {
		t.Errorf("server got the crashed row %d times, want 2 with the same Message-ID", len(copies))
	}
	if f.Count() != 3 {
		t.Errorf("server has %d messages, want 3", f.Count())
	}
	if r := row(t, db, id); r.Status != store.OutboxSent || r.Attempts != 2 {
		t.Errorf("status %s attempts %d", r.Status, r.Attempts)
	}
}

// TestTwoWorkersDrain: two workers with several connections each on one
// database deliver every row exactly once.
func TestTwoWorkersDrain(t *testing.T) {
	const rows = 500
	db := pgtest.New(t)
	f := newFakeSMTP(t, plainSMTP)
	clock := &testClock{}
	tx := db.MustBegin()
	want := map[string]bool{}
	for range rows {
		o := testRow(clock)
		want["<"+o.MessageID+">"] = true
		putRow(t, tx, o)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	cfg := WorkerConfig{Connections: 3, BatchSize: 20, PollInterval: 20 * time.Millisecond}
	a := newTestWorker(t, db, nil, f, clock, cfg)
	b := newTestWorker(t, db, nil, f, clock, cfg)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for _, w := range []*Worker{a, b} {
		wg.Go(func() { errs <- w.Run(ctx) })
	}
	waitFor(t, "all rows sent", func() bool { return a.Stats().Sent+b.Stats().Sent >= rows })
	cancel()
	wg.Wait()
	for range 2 {
		if err := <-errs; err != nil {
			t.Errorf("run: %v", err)
		}
	}
	seen := map[string]int{}
	for _, m := range f.Messages() {
		seen[m.Header(t).Get("Message-Id")]++
	}
	for id, n := range seen {
		if n != 1 || !want[id] {
			t.Errorf("%s received %d times", id, n)
		}
	}
	if len(seen) != rows {
		t.Errorf("server got %d distinct messages, want %d", len(seen), rows)
	}
	if sa, sb := a.Stats().Sent, b.Stats().Sent; sa+sb != rows {
		t.Errorf("workers sent %d + %d", sa, sb)
	}
	if n := f.conns.Load(); n > 6 {
		t.Errorf("%d connections for 6 lanes", n)
	}
	pending, failed, err := store.OutboxBacklog(context.Background(), db)
	if err != nil || pending != 0 || failed != 0 {
		t.Errorf("backlog: %d pending, %d failed (%v)", pending, failed, err)
	}
}

// waitFor polls cond until it holds; the test fails if it never does.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for: %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestBatchConnections counts connections at the server: a batch shares
// one; the per-message mode (the benchmark's baseline) opens one each.
func TestBatchConnections(t *testing.T) {
	cases := []struct {
		name           string
		connPerMessage bool
		want           int64
	}{
		{"batch reuses one connection", false, 1},
		{"connection per message", true, 20},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			db := pgtest.New(t)
			f := newFakeSMTP(t, plainSMTP)
			clock := &testClock{}
			w := newTestWorker(t, db, nil, f, clock, WorkerConfig{})
			w.connPerMessage = c.connPerMessage
			for range 20 {
				putRow(t, db, testRow(clock))
			}
			if n := sendOnce(t, w); n != 20 {
				t.Fatalf("sent %d", n)
			}
			if got := f.conns.Load(); got != c.want {
				t.Errorf("%d connections, want %d", got, c.want)
			}
		})
	}
	t.Run("nothing due opens no connection", func(t *testing.T) {
		db := pgtest.New(t)
		f := newFakeSMTP(t, plainSMTP)
		w := newTestWorker(t, db, nil, f, &testClock{}, WorkerConfig{})
		sendOnce(t, w)
		if got := f.conns.Load(); got != 0 {
			t.Errorf("%d connections for an empty outbox", got)
		}
	})
}

// TestMidBatchDropReleasesTheRest: when the connection dies in the middle
// of a batch, the rows not attempted are due again at once.
func TestMidBatchDropReleasesTheRest(t *testing.T) {
	db := pgtest.New(t)
	f := newFakeSMTP(t, plainSMTP)
	clock := &testClock{}
	w := newTestWorker(t, db, nil, f, clock, WorkerConfig{})
	var ids []int64
	for range 4 {
		ids = append(ids, putRow(t, db, testRow(clock)))
	}
	f.inject("data", 0, "", 1) // the first message's connection drops
	if _, err := w.SendOnce(context.Background()); err == nil {
		t.Error("no error for a lost connection")
	}
	if r := row(t, db, ids[0]); r.NextAttemptAt.Sub(clock.Now()) < 30*time.Second {
		t.Errorf("the failed row is due again in %v", r.NextAttemptAt.Sub(clock.Now()))
	}
	for _, id := range ids[1:] {
		if r := row(t, db, id); r.NextAttemptAt.After(clock.Now()) || r.Status != store.OutboxPending {
			t.Errorf("row %d not released: status %s next %v", id, r.Status, r.NextAttemptAt)
		}
	}
	if n := sendOnce(t, w); n != 3 {
		t.Errorf("the released rows: sent %d, want 3", n)
	}
}

// TestBatchStopsAtHalfLease: a slow batch gives back the rows it has not
// started once half the lease is gone, before another worker could claim
// them and send them twice.
func TestBatchStopsAtHalfLease(t *testing.T) {
	db := pgtest.New(t)
	f := newFakeSMTP(t, plainSMTP)
	clock := &testClock{}
	w := newTestWorker(t, db, nil, f, clock, WorkerConfig{Lease: 2 * time.Minute})
	var ids []int64
	for range 4 {
		o := testRow(clock)
		o.LastError = "451 from an earlier attempt"
		ids = append(ids, putRow(t, db, o))
	}
	var once sync.Once
	f.mu.Lock()
	f.inData = func() { once.Do(func() { clock.Advance(time.Minute + time.Second) }) } // the first message is slow
	f.mu.Unlock()
	if n := sendOnce(t, w); n != 1 {
		t.Fatalf("sent %d, want only the first", n)
	}
	for _, id := range ids[1:] {
		r := row(t, db, id)
		if r.Status != store.OutboxPending || r.NextAttemptAt.After(clock.Now()) || r.LastError != "451 from an earlier attempt" {
			t.Errorf("row %d: status %s next %v last_error %q, want given back as it was", id, r.Status, r.NextAttemptAt, r.LastError)
		}
	}
	if n := sendOnce(t, w); n != 3 {
		t.Errorf("next round sent %d, want 3", n)
	}
}

// TestRunWakesAndStops: Run sleeps until Wake, and on shutdown finishes the
// message in hand, marks it, and gives the rest of its batch back.
func TestRunWakesAndStops(t *testing.T) {
	db := pgtest.New(t)
	f := newFakeSMTP(t, plainSMTP)
	clock := &testClock{}
	w := newTestWorker(t, db, nil, f, clock, WorkerConfig{Connections: 1, PollInterval: time.Hour})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()

	// Let the first, empty, round pass; then only Wake can start another
	// within the hour.
	time.Sleep(50 * time.Millisecond)
	id := putRow(t, db, testRow(clock))
	w.Wake()
	waitFor(t, "the woken worker to send", func() bool { return w.Stats().Sent == 1 })
	if r := row(t, db, id); r.Status != store.OutboxSent {
		t.Fatalf("status %s", r.Status)
	}

	// Hold the next message in the server's DATA until the worker is told
	// to stop.
	entered := make(chan struct{})
	release := make(chan struct{})
	var once sync.Once
	f.mu.Lock()
	f.inData = func() {
		once.Do(func() {
			close(entered)
			<-release
		})
	}
	f.mu.Unlock()
	var ids []int64
	for range 3 {
		ids = append(ids, putRow(t, db, testRow(clock)))
	}
	w.Wake()
	<-entered
	cancel()
	close(release)
	if err := <-done; err != nil {
		t.Fatalf("run returned %v", err)
	}
	if r := row(t, db, ids[0]); r.Status != store.OutboxSent {
		t.Errorf("the message in hand: status %s, want sent", r.Status)
	}
	for _, id := range ids[1:] {
		if r := row(t, db, id); r.Status != store.OutboxPending || r.NextAttemptAt.After(clock.Now()) {
			t.Errorf("row %d: status %s next %v, want given back", id, r.Status, r.NextAttemptAt)
		}
	}
	if f.Count() != 2 {
		t.Errorf("server has %d messages, want 2", f.Count())
	}
}

func TestCheck(t *testing.T) {
	db := pgtest.New(t)
	cases := []struct {
		name    string
		user    string
		pass    string
		wantErr bool
	}{
		{"reachable, authenticated", "ticketd", "s3cret", false},
		{"wrong password", "ticketd", "nope", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFakeSMTP(t, startTLSSMTP)
			f.user, f.pass = "ticketd", "s3cret"
			w, err := NewWorker(db, nil, SMTPConfig{Address: f.addr, TLS: TLSStartTLS, TLSConfig: tlsRoots(f),
				Username: c.user, Password: c.pass}, WorkerConfig{Logger: quiet})
			if err != nil {
				t.Fatal(err)
			}
			err = w.Check(context.Background())
			if (err != nil) != c.wantErr {
				t.Fatalf("check: %v, want error %v", err, c.wantErr)
			}
			if err != nil && strings.Contains(err.Error(), c.pass) {
				t.Errorf("error shows the password: %v", err)
			}
			if f.conns.Load() != 1 || f.Count() != 0 {
				t.Errorf("%d connections, %d messages", f.conns.Load(), f.Count())
			}
		})
	}
	t.Run("unreachable", func(t *testing.T) {
		w, err := NewWorker(db, nil, SMTPConfig{Address: "127.0.0.1:1", TLS: TLSNone}, WorkerConfig{Logger: quiet})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Check(context.Background()); err == nil {
			t.Error("no error")
		}
	})
}

func TestNewWorkerRefusesBadConfig(t *testing.T) {
	db := pgtest.New(t)
	if _, err := NewWorker(db, nil, SMTPConfig{Address: "smtp.example.org:25", TLS: TLSNone}, WorkerConfig{}); err == nil {
		t.Error("clear text to a remote server accepted")
	}
	if _, err := NewWorker(nil, nil, SMTPConfig{Address: "127.0.0.1:25", TLS: TLSNone}, WorkerConfig{}); err == nil {
		t.Error("no database accepted")
	}
	w, err := NewWorker(db, nil, SMTPConfig{Address: "127.0.0.1:25", TLS: TLSNone}, WorkerConfig{})
	if err != nil {
		t.Fatal(err)
	}
	c := w.cfg
	if c.Connections != 4 || c.BatchSize != 50 || c.RetryFor != 48*time.Hour || c.Lease != 2*time.Minute || c.PollInterval != time.Second {
		t.Errorf("defaults: %+v", c)
	}
}

func TestRetryDelay(t *testing.T) {
	cases := []struct {
		attempts int
		want     time.Duration
	}{
		{0, time.Minute}, {1, time.Minute}, {2, 2 * time.Minute}, {3, 4 * time.Minute},
		{6, 32 * time.Minute}, {7, time.Hour}, {8, time.Hour}, {1000, time.Hour},
	}
	for _, c := range cases {
		t.Run(fmt.Sprint(c.attempts), func(t *testing.T) {
			for range 50 {
				d := retryDelay(c.attempts)
				if d > c.want || d < c.want-c.want/10 {
					t.Fatalf("retryDelay(%d) = %v, want within 10%% under %v", c.attempts, d, c.want)
				}
			}
		})
	}
}

func TestConnBackoff(t *testing.T) {
	for n, want := range map[int]time.Duration{1: time.Second, 2: 2 * time.Second, 6: 32 * time.Second, 7: time.Minute, 50: time.Minute} {
		for range 50 {
			if d := connBackoff(n); d > want || d < want-want/5 {
				t.Fatalf("connBackoff(%d) = %v, want within 20%% under %v", n, d, want)
			}
		}
	}
}

// A worker's claims start from its floor, past the rows it already took,
// and once per poll interval from the beginning: a row that comes due
// below the floor is sent then, and rows given back lower the floor at
// once.
func TestClaimFloor(t *testing.T) {
	db := pgtest.New(t)
	f := newFakeSMTP(t, plainSMTP)
	clock := &testClock{}
	w := newTestWorker(t, db, nil, f, clock, WorkerConfig{Connections: 1, BatchSize: 10, PollInterval: time.Hour})
	ctx := context.Background()

	later := testRow(clock)
	later.NextAttemptAt = clock.Now().Add(time.Hour)
	low := putRow(t, db, later)
	putRow(t, db, testRow(clock))
	if n := sendOnce(t, w); n != 1 {
		t.Fatalf("first round sent %d, want the one due row", n)
	}
	// The row below comes due (a retry whose time has come, or a
	// transaction that committed late): claims from the floor skip it…
	if _, err := db.ExecContext(ctx, `UPDATE outbox SET next_attempt_at = $2 WHERE id = $1`, low, clock.Now()); err != nil {
		t.Fatal(err)
	}
	if n := sendOnce(t, w); n != 0 {
		t.Fatalf("a claim within the poll interval sent %d, want 0: it starts from the floor", n)
	}
	// …and the claim from the beginning, a poll interval later, takes it.
	clock.Advance(time.Hour)
	if n := sendOnce(t, w); n != 1 || row(t, db, low).Status != store.OutboxSent {
		t.Fatalf("the claim from the beginning sent %d, want the row below the floor", n)
	}

	// Rows given back (here: half the lease gone while the first was
	// sent) are claimed by the very next claim, from the floor.
	var ids []int64
	for range 3 {
		ids = append(ids, putRow(t, db, testRow(clock)))
	}
	var once sync.Once
	f.mu.Lock()
	f.inData = func() { once.Do(func() { clock.Advance(DefaultLease) }) }
	f.mu.Unlock()
	if n := sendOnce(t, w); n != 1 {
		t.Fatalf("sent %d before the lease ran short, want 1", n)
	}
	if n := sendOnce(t, w); n != 2 {
		t.Fatalf("the next claim sent %d, want the 2 rows given back", n)
	}
	for _, id := range ids {
		if r := row(t, db, id); r.Status != store.OutboxSent {
			t.Errorf("row %d: status %s, want sent", id, r.Status)
		}
	}

	// A clock set back does not put off the claim from the beginning.
	later = testRow(clock)
	later.NextAttemptAt = clock.Now().Add(time.Hour)
	low = putRow(t, db, later)
	putRow(t, db, testRow(clock))
	if n := sendOnce(t, w); n != 1 {
		t.Fatalf("sent %d, want the one due row", n)
	}
	if _, err := db.ExecContext(ctx, `UPDATE outbox SET next_attempt_at = $2 WHERE id = $1`, low, clock.Now().Add(-2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	clock.Advance(-time.Hour)
	if n := sendOnce(t, w); n != 1 || row(t, db, low).Status != store.OutboxSent {
		t.Fatalf("after the clock went back, sent %d, want the row below the floor", n)
	}
}
