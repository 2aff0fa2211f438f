package mailout

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/ticketd/ticketd/internal/pgtest"
	"github.com/ticketd/ticketd/tickets"
	"github.com/ticketd/ticketd/tickets/service"
	"github.com/ticketd/ticketd/tickets/store"
)

// Tests of the hand-off: what this process queues goes to its worker in
// memory, leased, and is sent without a claim.

// direct is a worker whose notifier hands off to it, on a fresh database
// and SMTP server.
type direct struct {
	db    *sqlx.DB
	f     *fakeSMTP
	clock *testClock
	svc   *service.Service
	w     *Worker
}

// newDirect makes one: notifyingService with two desk agents (a new
// ticket queues three notifications), its notifier handing off to a
// worker with cfg. A worker that accepts takes handed-off rows as a
// running one does, without running its connections (see Run).
func newDirect(t testing.TB, cfg WorkerConfig, accepts bool) *direct {
	t.Helper()
	d := &direct{db: pgtest.New(t), clock: &testClock{}}
	d.f = newFakeSMTP(t, plainSMTP)
	d.svc = notifyingService(t, d.db)
	n := d.svc.Notifier.(*Notifier)
	roster := &tickets.Roster{People: append(n.Roster.People,
		tickets.Person{Email: "mesa2@example.gov.co", Name: "María Rojas", Role: tickets.RoleDesk, Levels: []tickets.Level{1}, Alias: "mrojas"})}
	n.Roster, d.svc.Roster = roster, roster
	d.w = newTestWorker(t, d.db, d.svc, d.f, d.clock, cfg)
	n.Direct = d.w
	if accepts {
		accept(d.w)
	}
	return d
}

func openRequest(t testing.TB, svc *service.Service) store.Ticket {
	t.Helper()
	tk, err := svc.Open(context.Background(), service.OpenRequest{Requester: "ana@example.org", RequesterName: "Ana",
		Subject: "La impresora no imprime", Body: "No imprime desde ayer.", NoRouting: true})
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

// outboxOf reads the outbox rows of a ticket, oldest first.
func outboxOf(t testing.TB, db *sqlx.DB, ticket int64) []store.Outgoing {
	t.Helper()
	var ids []int64
	if err := db.Select(&ids, `SELECT id FROM outbox WHERE ticket_id = $1 ORDER BY id`, ticket); err != nil {
		t.Fatal(err)
	}
	var out []store.Outgoing
	for _, id := range ids {
		out = append(out, row(t, db, id))
	}
	return out
}

// accept makes w take handed-off rows.
func accept(w *Worker) {
	w.dmu.Lock()
	w.accepting = true
	w.dmu.Unlock()
}

// TestHandOffSendsWithoutClaim: a running worker sends what its notifier
// queues, every row once, taken from memory: each row was queued leased
// (its next attempt a lease after its creation, one attempt counted).
func TestHandOffSendsWithoutClaim(t *testing.T) {
	d := newDirect(t, WorkerConfig{Connections: 2, PollInterval: time.Hour, Lease: time.Minute}, false)
	db, f, svc, w := d.db, d.f, d.svc, d.w
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	// The first round of each connection claims from the beginning; within
	// the hour no other claim is made.
	waitFor(t, "the worker to accept hand-offs", func() bool { return w.lastFull.Load() != 0 })

	tk := openRequest(t, svc)
	waitFor(t, "three notifications sent", func() bool { return w.Stats().Sent == 3 })
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if st := w.Stats(); st.HandedOff != 3 {
		t.Errorf("%d rows handed off, want 3", st.HandedOff)
	}
	got := map[string]int{}
	for _, m := range f.Messages() {
		got[m.Header(t).Get("Message-Id")]++
	}
	rows := outboxOf(t, db, tk.ID)
	if len(rows) != 3 {
		t.Fatalf("%d outbox rows, want 3", len(rows))
	}
	for _, o := range rows {
		if o.Status != store.OutboxSent || o.Attempts != 1 {
			t.Errorf("%s to %s: status %s, attempts %d", o.Kind, o.Recipient, o.Status, o.Attempts)
		}
		if lease := o.NextAttemptAt.Sub(o.CreatedAt); lease < 50*time.Second || lease > 70*time.Second {
			t.Errorf("%s to %s: next attempt %v after its creation, want the lease (1m)", o.Kind, o.Recipient, lease)
		}
		if got["<"+o.MessageID+">"] != 1 {
			t.Errorf("%s to %s arrived %d times", o.Kind, o.Recipient, got["<"+o.MessageID+">"])
		}
	}
	if f.Count() != 3 {
		t.Errorf("server has %d messages, want 3", f.Count())
	}
}

// TestHandOffOverflow: what does not fit in the hand-off queue is queued
// due at once and claimed from the database, by this worker or another.
func TestHandOffOverflow(t *testing.T) {
	// Room for directRoomBatches rows: one connection, batches of one.
	d := newDirect(t, WorkerConfig{Connections: 1, BatchSize: 1, PollInterval: time.Hour}, true)
	db, f, clock, svc, w := d.db, d.f, d.clock, d.svc, d.w
	tk := openRequest(t, svc)
	rows := outboxOf(t, db, tk.ID)
	leased := 0
	for _, o := range rows {
		if o.NextAttemptAt.After(clock.Now()) {
			leased++
		}
	}
	if leased != directRoomBatches || len(rows) != 3 {
		t.Fatalf("%d of %d rows leased, want %d of 3", leased, len(rows), directRoomBatches)
	}
	if !w.dbDue.Load() {
		t.Error("rows left in the database, and the worker was not told")
	}
	other := newTestWorker(t, db, nil, f, clock, WorkerConfig{})
	if n := sendOnce(t, other); n != 3-directRoomBatches {
		t.Errorf("another worker claimed %d rows, want %d", n, 3-directRoomBatches)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	waitFor(t, "the handed-off rows sent", func() bool { return w.Stats().Sent == directRoomBatches })
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if st := w.Stats(); st.HandedOff != directRoomBatches {
		t.Errorf("%d rows handed off, want %d", st.HandedOff, directRoomBatches)
	}
	if f.Count() != 3 {
		t.Errorf("server has %d messages, want 3", f.Count())
	}
}

// TestHandOffCrashWaitsForLease: rows handed to a worker that dies before
// sending them are claimed by another once their lease is over, and sent
// once.
func TestHandOffCrashWaitsForLease(t *testing.T) {
	d := newDirect(t, WorkerConfig{Lease: time.Minute}, true)
	db, f, clock, svc, dead := d.db, d.f, d.clock, d.svc, d.w
	openRequest(t, svc)
	if !dead.directWaiting() {
		t.Fatal("nothing was handed off")
	}
	// dead never sends: the process is gone.
	other := newTestWorker(t, db, nil, f, clock, WorkerConfig{})
	if n := sendOnce(t, other); n != 0 {
		t.Fatalf("another worker sent %d rows while their lease holds", n)
	}
	clock.Advance(time.Minute + time.Second)
	if n := sendOnce(t, other); n != 3 {
		t.Fatalf("another worker sent %d rows after the lease, want 3", n)
	}
	if f.Count() != 3 {
		t.Errorf("server has %d messages, want 3", f.Count())
	}
}

// TestHandOffGivenBackOnStop: rows waiting when the worker stops, and rows
// of a transaction that commits after it stopped, are given back due at
// once, for another replica.
func TestHandOffGivenBackOnStop(t *testing.T) {
	d := newDirect(t, WorkerConfig{}, true)
	db, f, clock, svc, w := d.db, d.f, d.clock, d.svc, d.w
	first := openRequest(t, svc)
	w.stopDirect()
	for _, o := range outboxOf(t, db, first.ID) {
		if o.NextAttemptAt.After(clock.Now()) {
			t.Errorf("%s to %s still leased after the worker stopped", o.Kind, o.Recipient)
		}
	}

	// Queued while the worker accepts, committed after it stopped.
	accept(w)
	var second store.Ticket
	err := svc.InTx(context.Background(), func(tx *service.Tx) error {
		var err error
		second, _, err = tx.Open(service.OpenRequest{Requester: "ana@example.org", Subject: "Otra", NoRouting: true})
		w.stopDirect()
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range outboxOf(t, db, second.ID) {
		if o.NextAttemptAt.After(clock.Now()) {
			t.Errorf("%s to %s still leased: committed after the worker stopped", o.Kind, o.Recipient)
		}
	}
	if w.directWaiting() {
		t.Error("a stopped worker holds handed-off rows")
	}
	other := newTestWorker(t, db, nil, f, clock, WorkerConfig{})
	if n := sendOnce(t, other); n != 6 {
		t.Errorf("another worker sent %d rows, want 6", n)
	}
}

// TestHandOffOnlyOnCommit: a transaction that rolls back hands nothing
// off, and a worker that is not running leases nothing.
func TestHandOffOnlyOnCommit(t *testing.T) {
	d := newDirect(t, WorkerConfig{}, true)
	db, clock, svc, w := d.db, d.clock, d.svc, d.w
	refused := errors.New("refused")
	err := svc.InTx(context.Background(), func(tx *service.Tx) error {
		if _, _, err := tx.Open(service.OpenRequest{Requester: "ana@example.org", Subject: "Nada", NoRouting: true}); err != nil {
			return err
		}
		return refused
	})
	if !errors.Is(err, refused) {
		t.Fatalf("transaction: %v", err)
	}
	if w.directWaiting() {
		t.Error("rows of a rolled-back transaction were handed off")
	}
	w.dmu.Lock()
	reserved := w.reserved
	w.dmu.Unlock()
	if reserved != 0 {
		t.Errorf("%d rows still reserved after the rollback", reserved)
	}

	w.stopDirect() // not running
	tk := openRequest(t, svc)
	for _, o := range outboxOf(t, db, tk.ID) {
		if o.NextAttemptAt.After(clock.Now()) || o.Attempts != 0 {
			t.Errorf("%s to %s leased (attempts %d) by a worker that is not running", o.Kind, o.Recipient, o.Attempts)
		}
	}
	if n := sendOnce(t, w); n != 3 {
		t.Errorf("sent %d, want 3", n)
	}
	if st := w.Stats(); st.HandedOff != 0 {
		t.Errorf("%d rows handed off", st.HandedOff)
	}
}

// TestHandOffGivenBackByRun: when Run is stopped, the message in hand is
// finished, and every other handed-off row, taken by a connection or
// still waiting, is given back due at once before Run returns.
func TestHandOffGivenBackByRun(t *testing.T) {
	d := newDirect(t, WorkerConfig{Connections: 1, BatchSize: 2, PollInterval: time.Hour}, false)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.w.Run(ctx) }()
	waitFor(t, "the worker to accept hand-offs", func() bool { return d.w.lastFull.Load() != 0 })

	entered, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	d.f.mu.Lock()
	d.f.inData = func() {
		once.Do(func() {
			close(entered)
			<-release
		})
	}
	d.f.mu.Unlock()
	tk := openRequest(t, d.svc)
	<-entered
	cancel()
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	sent := 0
	for _, o := range outboxOf(t, d.db, tk.ID) {
		switch {
		case o.Status == store.OutboxSent:
			sent++
		case o.NextAttemptAt.After(d.clock.Now()):
			t.Errorf("%s to %s still leased after Run returned", o.Kind, o.Recipient)
		}
	}
	if sent != 1 || d.f.Count() != 1 {
		t.Errorf("%d rows sent, server has %d messages; want the one in hand", sent, d.f.Count())
	}
}

// TestClaimsOnlyWhenDue: a connection woken with no handed-off rows
// claims only if rows may be due in the database (Wake, or the claim from
// the beginning of each poll interval); the rows this process queues are
// sent without one.
func TestClaimsOnlyWhenDue(t *testing.T) {
	d := newDirect(t, WorkerConfig{Connections: 1, PollInterval: time.Hour}, false)
	w := d.w
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()
	waitFor(t, "the first claim", func() bool { return w.claims.Load() == 1 && w.rounds.Load() == 1 })

	openRequest(t, d.svc)
	waitFor(t, "three notifications sent", func() bool { return w.Stats().Sent == 3 })
	r := w.rounds.Load()
	w.signal() // a wake-up with nothing handed off and nothing due
	waitFor(t, "the woken connection's round", func() bool { return w.rounds.Load() > r })
	if n := w.claims.Load(); n != 1 {
		t.Errorf("%d claims, want only the first: nothing was due in the database", n)
	}

	putRow(t, d.db, testRow(d.clock)) // queued by another process
	w.Wake()
	waitFor(t, "the row queued outside sent", func() bool { return w.Stats().Sent == 4 })
	if n := w.claims.Load(); n != 2 {
		t.Errorf("%d claims, want 2: Wake asks for one", n)
	}
}

// TestHandOffByteBudget: the hand-off queue holds at most roomBytes of
// texts, counting the rows reserved by transactions not yet ended; a row
// that does not fit is queued due, for a claim, and the budget is given
// back as rows are taken.
func TestHandOffByteBudget(t *testing.T) {
	d := newDirect(t, WorkerConfig{PollInterval: time.Hour}, true)
	w := d.w
	first := openRequest(t, d.svc)
	var sizes []int
	for _, o := range outboxOf(t, d.db, first.ID) {
		sizes = append(sizes, rowBytes(&o))
	}
	if len(sizes) != 3 {
		t.Fatalf("%d rows, want 3", len(sizes))
	}
	w.dmu.Lock()
	queued := w.directBytes
	w.dmu.Unlock()
	if want := sizes[0] + sizes[1] + sizes[2]; queued != want {
		t.Fatalf("%d bytes counted for the queue, want %d", queued, want)
	}
	if rows, _ := w.takeDirect(50); len(rows) != 3 {
		t.Fatalf("took %d rows, want 3", len(rows))
	}

	// Room for the acknowledgement (the smallest) only.
	w.roomBytes = slices.Min(sizes)
	second := openRequest(t, d.svc)
	leased := 0
	for _, o := range outboxOf(t, d.db, second.ID) {
		if o.NextAttemptAt.After(d.clock.Now()) {
			leased++
			if o.Kind != "opened_ack" {
				t.Errorf("%s leased past the byte budget", o.Kind)
			}
		}
	}
	if leased != 1 || !w.dbDue.Load() {
		t.Errorf("%d rows leased (want 1), rows left for a claim: %v", leased, w.dbDue.Load())
	}
	rows, _ := w.takeDirect(50)
	w.dmu.Lock()
	left, reserved := w.directBytes, w.reserved
	w.dmu.Unlock()
	if len(rows) != 1 || left != 0 || reserved != 0 {
		t.Errorf("took %d rows; %d bytes and %d rows still counted, want none", len(rows), left, reserved)
	}
}
