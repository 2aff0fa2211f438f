package mailout

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/ticketd/ticketd/internal/backoff"
	"github.com/ticketd/ticketd/tickets/service"
	"github.com/ticketd/ticketd/tickets/store"
)

// Defaults of WorkerConfig.
const (
	DefaultConnections  = 4
	DefaultBatchSize    = 50
	DefaultRetryFor     = 48 * time.Hour
	DefaultLease        = 2 * time.Minute
	DefaultPollInterval = time.Second
)

// Reconnection backoff of one connection after a failed dial: capped
// exponential with jitter, so a down relay is not hammered by every lane.
const (
	connBackoffMin = time.Second
	connBackoffMax = time.Minute
	// idleClose: a lane with nothing to send QUITs its connection after
	// this long, rather than wait for the server to drop it.
	idleClose = 30 * time.Second
	// markTimeout bounds the database write after a send; it runs on a
	// context detached from shutdown, so a message the server accepted is
	// still marked when the daemon is stopping.
	markTimeout = 15 * time.Second
)

// WorkerConfig tunes the outbox worker. Zero values take the defaults.
type WorkerConfig struct {
	Connections  int           // parallel SMTP connections, DefaultConnections
	BatchSize    int           // rows claimed per round per connection, DefaultBatchSize
	RetryFor     time.Duration // temporary failures are retried this long after the row's created_at, then failed
	RetryInitial time.Duration // first wait after a temporary failure, doubled at each one (default 1m)
	Lease        time.Duration // claim lease: a row not marked by then is sent again
	PollInterval time.Duration // idle wait between claims; Wake cuts it short
	LoopHeader   string        // value of X-Ticketd-Loop (the desk address)
	Tag          string        // subject tag, for X-Ticketd-Ticket ("OTI-123")
	Logger       *slog.Logger
	Now          func() time.Time
	// OnSend, when set, is called after every message the worker handles
	// (delivered or not), with its kind, the time the SMTP exchange took
	// and the error (nil when the server accepted it). It must not block:
	// the daemon feeds Prometheus from it.
	OnSend func(kind string, d time.Duration, err error)
	// Zone is the Date header's time zone (desk.timezone), the zone the
	// bodies print times in; nil: DefaultZone.
	Zone *time.Location
}

// Stats counts what the worker did since it was made.
type Stats struct {
	Sent    uint64 // accepted by the server, counted once its mark was written (or failed)
	Retried uint64 // temporary failures put back with a later attempt
	Failed  uint64 // rows this worker marked failed
	// HandedOff counts rows taken from the hand-off queue (queued by this
	// process, sent without a claim; outbox_direct.go).
	HandedOff uint64
}

// Worker sends the outbox: each of its connections claims a batch of due
// rows (FOR UPDATE SKIP LOCKED, with a lease), sends them over one SMTP
// connection and marks the rows the server accepted as it goes (marks:
// those accepted while a mark is written go in the next one). Rows that
// this process's transactions queue are handed to it already claimed
// (outbox_direct.go). Several workers, in one process or several, may
// share a database.
//
// Delivery is at least once: a crash between the server's reply and the
// mark sends the message again after the lease, with the same Message-ID,
// so the recipient's mail system can tell it is the same message.
type Worker struct {
	db   *sqlx.DB
	svc  *service.Service
	smtp SMTPConfig
	cfg  WorkerConfig
	log  *slog.Logger

	wake    chan struct{} // taken by one idle connection
	running atomic.Bool

	sent, retried, failed, handedOff atomic.Uint64

	// floor is where this worker's claims start: when a claim last looked,
	// every row below it was sent, in flight, not yet due or being claimed
	// by someone else. lastFull is when a claim last started from the
	// beginning instead (Unix nanoseconds). See claimFrom.
	floor    atomic.Int64
	lastFull atomic.Int64

	// The hand-off queue (outbox_direct.go): rows queued by this
	// process's transactions, leased to this worker, answers first.
	dmu       sync.Mutex
	accepting bool // Run is running: rows may be handed off
	answers   []leasedRow
	others    []leasedRow
	reserved  int // rows leased by transactions not yet ended
	// directBytes: the texts of the rows waiting and reserved, at most
	// roomBytes (directRoomBytes; tests lower it).
	directBytes, roomBytes int
	// dbDue: rows may be due in the database that no claim has looked
	// for since: Wake was called, rows found no room in the hand-off
	// queue or were given back, or a claim came back full. A connection
	// with no handed-off rows claims only then, and for the claim from
	// the beginning once per poll interval.
	dbDue atomic.Bool
	// rounds and claims count rounds and their claim statements (tests).
	rounds, claims atomic.Uint64

	// Test hooks.
	//
	// crashAfterSend, when it returns true for a row the server accepted,
	// makes the round stop as if the process died there: the row is not
	// marked and the rest of the batch is left claimed.
	crashAfterSend func(store.Outgoing) bool
	// connPerMessage opens a new connection for every message (the
	// benchmark's baseline).
	connPerMessage bool
	// marksFailed, when set, is called when a write of marks fails or
	// stalls, once the connections were told to stop sending.
	marksFailed func()
}

// NewWorker checks the configurations and returns a worker; it does not
// connect to anything. svc runs the transaction that records a permanent
// failure on the ticket (its Notifier then tells the desk); with a nil svc
// failures are only marked on the row.
func NewWorker(db *sqlx.DB, svc *service.Service, smtp SMTPConfig, cfg WorkerConfig) (*Worker, error) {
	if db == nil {
		return nil, errors.New("outbox worker: no database")
	}
	checked, _, _, err := smtp.check()
	if err != nil {
		return nil, fmt.Errorf("outbox worker: %w", err)
	}
	if cfg.Connections <= 0 {
		cfg.Connections = DefaultConnections
	}
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = DefaultBatchSize
	}
	if cfg.RetryFor <= 0 {
		cfg.RetryFor = DefaultRetryFor
	}
	if cfg.RetryInitial <= 0 {
		cfg.RetryInitial = retryMin
	}
	if cfg.Lease <= 0 {
		cfg.Lease = DefaultLease
	}
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = DefaultPollInterval
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	w := &Worker{db: db, svc: svc, smtp: checked, cfg: cfg, log: log.With("component", "outbox"), roomBytes: directRoomBytes}
	w.wake = make(chan struct{}, 1)
	return w, nil
}

func (w *Worker) now() time.Time { return w.cfg.Now().UTC() }

// Stats returns the counters.
func (w *Worker) Stats() Stats {
	return Stats{Sent: w.sent.Load(), Retried: w.retried.Load(), Failed: w.failed.Load(), HandedOff: w.handedOff.Load()}
}

// Wake tells an idle connection to look for due rows in the database now;
// if its claim comes back full, it wakes another before it sends (round),
// and so on while there is work. Waking every connection at once had them
// all claim the same rows, most of them for nothing. Wake never blocks.
// Rows queued by this process's ticket service need no Wake: they are
// handed off, or the hand-off wakes a connection to claim them.
func (w *Worker) Wake() {
	w.dbDue.Store(true)
	w.signal()
}

// signal wakes one idle connection.
func (w *Worker) signal() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run sends the outbox until ctx is cancelled, with Connections
// connections in parallel. On cancellation each connection finishes the
// message in hand, marks it, puts the rest of its batch back for an
// immediate retry, says QUIT and returns; Run then returns nil. Run may be
// called once at a time per Worker.
func (w *Worker) Run(ctx context.Context) error {
	if !w.running.CompareAndSwap(false, true) {
		return errors.New("outbox worker: already running")
	}
	defer w.running.Store(false)
	w.log.Info("outbox worker started", "connections", w.cfg.Connections, "batch_size", w.cfg.BatchSize,
		"smtp", w.smtp.Address, "tls", w.smtp.TLS)
	w.dmu.Lock()
	w.accepting = true
	w.dmu.Unlock()
	// On shutdown, rows handed off and not yet taken go back at once,
	// while the connections finish the messages in hand.
	lanesDone, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
		case <-lanesDone:
		}
		w.stopDirect()
		close(stopped)
	}()
	// One writer marks what every connection sent: fewer, larger writes.
	sent := w.startMarks(w.log)
	var wg sync.WaitGroup
	for i := range w.cfg.Connections {
		wg.Go(func() { w.lane(ctx, i, sent) })
	}
	wg.Wait()
	close(lanesDone)
	<-stopped
	sent.close()
	w.log.Info("outbox worker stopped")
	return nil
}

// lane is one connection's loop: claim and send while there is work, then
// wait for a wake-up, the poll timer or shutdown.
func (w *Worker) lane(ctx context.Context, i int, sent *marks) {
	s, err := w.newSender()
	if err != nil { // checked in NewWorker; cannot happen
		w.log.Error("outbox connection not started", "error", err)
		return
	}
	defer s.Close()
	log := w.log.With("connection", i)
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	var (
		failures int // consecutive rounds that could not connect or claim
		turn     int
	)
	for {
		turn++
		r := w.round(ctx, s, sent, log, turn%2 == 0)
		if ctx.Err() != nil {
			return
		}
		var wait time.Duration
		switch {
		case r.err != nil:
			failures++
			wait = connBackoff(failures)
			log.Warn("outbox round failed", "error", r.err, "retry_in", wait.Round(time.Millisecond))
		case r.more || (!r.direct && r.claimed == w.cfg.BatchSize):
			failures = 0
			continue // more may be due
		default:
			failures = 0
			wait = w.cfg.PollInterval
			if s.Connected() && time.Since(s.used) > idleClose {
				s.Close()
			}
		}
		timer.Reset(wait)
		wake := w.wake
		if r.err != nil {
			wake = nil // a backoff is not cut short by new work
		}
		select {
		case <-ctx.Done():
			return
		case <-wake:
		case <-timer.C:
		}
	}
}

// connBackoff is the wait after n consecutive failed rounds: 1s, 2s, 4s…
// capped at a minute, minus up to a fifth for jitter.
func connBackoff(n int) time.Duration {
	return backoff.Shorten(backoff.Delay(connBackoffMin, connBackoffMax, n-1), 5, rand.Int64N)
}

func (w *Worker) newSender() (*Sender, error) {
	s, err := NewSender(w.smtp)
	if err != nil {
		return nil, err
	}
	s.oneShot = w.connPerMessage
	return s, nil
}

// SendOnce runs one round on a connection of its own: it claims up to
// BatchSize due rows, sends them over one connection (opened only if there
// is something to send) and closes it. It returns how many the server
// accepted; err is a failure to claim or to connect, not a refused message
// (those are recorded on their rows). Tests and the benchmark use it.
func (w *Worker) SendOnce(ctx context.Context) (sent int, err error) {
	s, err := w.newSender()
	if err != nil {
		return 0, err
	}
	defer s.Close()
	m := w.startMarks(w.log)
	w.dbDue.Store(true) // a claim, whatever else is waiting
	r := w.round(ctx, s, m, w.log, true)
	m.close()
	return r.sent, r.err
}

// Check dials the SMTP server, greets it, starts TLS and authenticates as
// the worker would, then says QUIT: the readiness probe. It blocks for up
// to the configured SMTP timeout.
func (w *Worker) Check(ctx context.Context) error {
	s, err := NewSender(w.smtp)
	if err != nil {
		return err
	}
	if err := s.Dial(ctx); err != nil {
		return err
	}
	return s.Close()
}

// detached returns a context for the database write that follows a send:
// not cancelled by shutdown, but bounded.
func detached(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), markTimeout)
}

// roundResult is what one claim-and-send round did.
type roundResult struct {
	claimed, sent int
	direct        bool  // the rows were handed off, not claimed
	more          bool  // more rows are waiting, or some were given back: go on now
	err           error // claim or connection failure
}

// round takes one batch, handed off or claimed, and sends it over s.
//
// A batch must be done while its lease holds, or another worker claims the
// tail and sends it too. So no message is started once half the lease is
// gone: the other half covers the message in hand (one SMTP timeout, plus
// one for a redial, within the default 2m lease and 30s timeout), and the
// rest is given back while it is still ours.
//
// Rows handed off (outbox_direct.go) come first, except in a round that
// prefers the database while rows may be due there (dbDue; the
// connection's every other round), and in the first round of each poll
// interval, whose claim from the beginning finds the rows that came due
// again (a retry, a lease that ran out) or were queued by another process.
// With no handed-off rows, a round claims only if rows may be due.
func (w *Worker) round(ctx context.Context, s *Sender, sent *marks, log *slog.Logger, preferDB bool) roundResult {
	defer w.rounds.Add(1)
	// Marks that could not be written are written before anything is
	// claimed or sent again (outbox_marks.go).
	if !sent.await(ctx) {
		return roundResult{}
	}
	now := w.now()
	sinceFull := now.UnixNano() - w.lastFull.Load() // negative: the clock was set back
	if pollDue := sinceFull < 0 || sinceFull >= int64(w.cfg.PollInterval); !pollDue && !(preferDB && w.dbDue.Load()) {
		if rows, at := w.takeDirect(w.cfg.BatchSize); len(rows) > 0 {
			r := w.send(ctx, s, rows, at, sent, log)
			r.direct = true
			r.more = r.more || w.dbDue.Load() || w.directWaiting()
			return r
		}
		if !w.dbDue.Load() {
			return roundResult{direct: true} // nothing handed off, nothing due in the database
		}
	}
	// This claim looks; a Wake while it runs, or a full batch, asks for
	// another.
	w.dbDue.Store(false)
	var r roundResult
	claimedAt := now
	w.claims.Add(1)
	rows, err := store.Claim(ctx, w.db, w.claimFrom(claimedAt), w.cfg.BatchSize, claimedAt, w.cfg.Lease)
	if err != nil {
		w.dbDue.Store(true)
		r.err = err
		return r
	}
	if len(rows) == w.cfg.BatchSize {
		w.Wake() // more may be due: another connection claims them while this one sends
	}
	w.advanceFloor(rows)
	r = w.send(ctx, s, rows, claimedAt, sent, log)
	r.more = r.more || w.directWaiting()
	return r
}

// send sends rows, claimed (or handed off) at claimedAt, over s, and hands
// those the server accepted to sent.
func (w *Worker) send(ctx context.Context, s *Sender, rows []store.Outgoing, claimedAt time.Time, sent *marks, log *slog.Logger) roundResult {
	r := roundResult{claimed: len(rows)}
	for i, o := range rows {
		if sent.unwritten() {
			// The database is away: a message handed to SMTP now could
			// not be marked, and would go out again after its lease. The
			// rest of the batch waits here until the marks are written.
			log.Info("outbox connection paused until the marks are written", "rows_in_hand", len(rows)-i)
			sent.await(ctx)
		}
		if ctx.Err() != nil {
			// Shutdown: the message in hand was finished; the rest goes
			// back for whoever runs next.
			w.release(ctx, rows[i:], w.now(), "", log)
			return r
		}
		if now := w.now(); now.Sub(claimedAt) >= w.cfg.Lease {
			// The lease ran out while the database was away: the rows
			// are due again, for any claim; giving them back now could
			// undo another worker's claim.
			w.dbDue.Store(true)
			w.lowerFloor(slices.MinFunc(rows[i:], func(a, b store.Outgoing) int { return cmp.Compare(a.ID, b.ID) }).ID)
			r.more = true
			return r
		} else if now.Sub(claimedAt) > w.cfg.Lease/2 {
			w.release(ctx, rows[i:], now, "", log)
			r.more = true
			return r
		}
		out := w.deliver(ctx, s, o, sent, log)
		switch {
		case out.crashed:
			return r
		case out.sent:
			r.sent++
		case out.connErr != nil:
			// The connection is gone: put back the rest for a prompt
			// retry, unless no connection could be made at all, in which
			// case they wait for the lane's reconnection backoff.
			next := w.now()
			if out.dial {
				next = next.Add(connBackoffMin)
			}
			w.release(ctx, rows[i+1:], next, "not attempted: "+out.connErr.Reason(), log)
			r.err = out.connErr
			return r
		}
	}
	return r
}

// claimFrom returns the id the next claim starts from: the floor, or 0
// once per poll interval. Rows below the floor can come due again: a retry
// whose time has come, a lease that ran out because another worker died,
// a claim by another worker that failed, rows of a transaction that
// committed after one with higher ids (ids are taken when a row is
// written, rows are seen when they commit). The claim from the beginning
// finds them, at worst a poll interval late; the others skip the dead
// index entries of the rows already sent, which a burst leaves by the
// thousand until the next vacuum.
func (w *Worker) claimFrom(now time.Time) int64 {
	last := w.lastFull.Load()
	// A clock set back also starts from the beginning: otherwise it would
	// put off the next such claim by as much.
	if d := now.UnixNano() - last; (d >= int64(w.cfg.PollInterval) || d < 0) && w.lastFull.CompareAndSwap(last, now.UnixNano()) {
		return 0
	}
	return w.floor.Load()
}

// advanceFloor raises the floor after a claim of rows (in claim order:
// answers first, then the others, each by id). A short batch is every row
// that was due from where the claim started, but for those another worker
// was claiming: the next claim can start after the last of them. A full
// batch that reached the other notifications took every due answer, and
// the others from the lowest: none below its first other is due. A full
// batch of answers says nothing of the others, and the floor stays.
func (w *Worker) advanceFloor(rows []store.Outgoing) {
	switch {
	case len(rows) == 0:
	case len(rows) < w.cfg.BatchSize:
		w.raiseFloor(slices.MaxFunc(rows, func(a, b store.Outgoing) int { return cmp.Compare(a.ID, b.ID) }).ID + 1)
	default:
		for _, o := range rows {
			if o.AutoSubmitted != AutoReplied {
				w.raiseFloor(o.ID)
				return
			}
		}
	}
}

// raiseFloor moves the floor up to id, never down.
func (w *Worker) raiseFloor(id int64) {
	for f := w.floor.Load(); id > f && !w.floor.CompareAndSwap(f, id); f = w.floor.Load() {
	}
}

// lowerFloor moves the floor down to id, never up: rows given back are
// claimed again by the next claim.
func (w *Worker) lowerFloor(id int64) {
	for f := w.floor.Load(); id < f && !w.floor.CompareAndSwap(f, id); f = w.floor.Load() {
	}
}

// release puts claimed rows that were not attempted back in the queue, due
// at next, with reason as their last error (empty: the row keeps its own);
// a row whose retry window is over fails instead.
func (w *Worker) release(ctx context.Context, rows []store.Outgoing, next time.Time, reason string, log *slog.Logger) {
	if len(rows) == 0 {
		return
	}
	mctx, cancel := detached(ctx)
	defer cancel()
	now := w.now()
	defer w.lowerFloor(slices.MinFunc(rows, func(a, b store.Outgoing) int { return cmp.Compare(a.ID, b.ID) }).ID)
	w.dbDue.Store(true) // claim them back from the database
	for _, o := range rows {
		if deadline := o.CreatedAt.Add(w.cfg.RetryFor); !now.Before(deadline) {
			w.fail(ctx, o, fmt.Sprintf("temporary failures for more than %s; last: %s", w.cfg.RetryFor, cmp.Or(reason, o.LastError, "none")), rowLog(log, o))
			continue
		}
		why := reason
		if why == "" {
			why = o.LastError
		}
		if err := store.MarkRetry(mctx, w.db, o.ID, next, why); err != nil {
			// The lease expires on its own; nothing is lost.
			log.Warn("outbox row not released; it waits for its lease", "outbox_id", o.ID, "error", err)
		}
	}
}
