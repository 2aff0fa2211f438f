package mailout

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/ticketd/ticketd/tickets/store"
)

// marks records, in the background, the rows that the server accepted, for
// every connection of a worker (or one SendOnce). A connection hands each
// row over and goes on to the next message; the writer gathers the rows of
// a few milliseconds (markLinger, or markBatch rows if that comes first)
// and writes them in one statement and one commit, instead of one per
// message.
//
// When a write fails (the database is away), the rows stay here and the
// writer tries again with a growing delay, adding the rows accepted
// meanwhile, until it succeeds. Until then, and while a write stalls
// (markStall: a database that does not answer), the marks are unwritten
// (ready's channel is open): the connections send nothing more, since a
// message handed to SMTP now could not be marked either, and claim
// nothing, so that a row accepted before the outage is marked before
// anything can claim it again. A message is sent twice only if the
// process ends before the database returns.
//
// Delivery stays at least once: a crash loses the marks not yet written,
// the messages of the last few milliseconds (or those accepted while the
// database was away), and those rows go out again after their lease with
// the same Message-ID, as a crash between the server's reply and a single
// mark always did.
type marks struct {
	w       *Worker
	log     *slog.Logger
	mu      sync.Mutex
	ids     []int64
	ats     []time.Time
	ok      chan struct{} // closed while no write has failed (or stalled) without a later success
	writing uint64        // counts writes started and ended: a stall timer of an ended one is stale
	kick    chan struct{} // a write is wanted; closed by close
	full    chan struct{} // markBatch rows are waiting: write now
	closing chan struct{} // closed by close: write what is there now
	done    chan struct{} // closed when the last write is done
}

// How long the first accepted row of a write waits for others, and how
// many make a write without waiting. A write costs about as much for one
// row as for fifty; 5 ms of a busy worker is tens of messages.
const (
	markLinger = 5 * time.Millisecond
	markBatch  = 64
)

// The delay between attempts at a write that failed: doubled from
// markRetryMin up to markRetryMax, so that the marks are written within a
// fraction of a second of the database's return without hammering it
// while it is away. After close, the attempts go on for markTimeout.
const (
	markRetryMin = 50 * time.Millisecond
	markRetryMax = time.Second
)

// markStall is how long a write may take before the connections stop
// sending as if it had failed: a database that does not answer (a network
// partition, a server frozen) makes a write hang for markTimeout rather
// than fail, and every message sent meanwhile could not be marked either.
// A write that then succeeds lets them go on.
const markStall = time.Second

func (w *Worker) startMarks(log *slog.Logger) *marks {
	m := &marks{w: w, log: log, ok: make(chan struct{}), kick: make(chan struct{}, 1), full: make(chan struct{}, 1),
		closing: make(chan struct{}), done: make(chan struct{})}
	close(m.ok)
	go m.run()
	return m
}

// add hands over a row the server accepted at at. Any goroutine may call
// it until close is called.
func (m *marks) add(id int64, at time.Time) {
	m.mu.Lock()
	m.ids, m.ats = append(m.ids, id), append(m.ats, at)
	n := len(m.ids)
	m.mu.Unlock()
	select {
	case m.kick <- struct{}{}:
	default: // a write is already due; it takes this row too
	}
	if n >= markBatch {
		select {
		case m.full <- struct{}{}:
		default:
		}
	}
}

// ready returns a channel that is closed while every failed write has
// been made good: until then nothing may be sent or claimed. It does not
// block.
func (m *marks) ready() <-chan struct{} {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.ok
}

// unwritten reports whether marks wait for the database.
func (m *marks) unwritten() bool {
	select {
	case <-m.ready():
		return false
	default:
		return true
	}
}

// await blocks until the marks are written or ctx ends; it reports
// whether they are.
func (m *marks) await(ctx context.Context) bool {
	select {
	case <-m.ready():
		return true
	case <-ctx.Done():
		return false
	}
}

// close writes what is left and returns when every row handed over has
// been written, or, while the database is away, after markTimeout of
// attempts.
func (m *marks) close() {
	close(m.closing)
	close(m.kick)
	<-m.done
}

func (m *marks) run() {
	defer close(m.done)
	linger := time.NewTimer(markLinger)
	defer linger.Stop()
	for range m.kick {
		linger.Reset(markLinger)
		select {
		case <-linger.C:
		case <-m.full:
		case <-m.closing:
		}
		m.flush()
	}
	m.flush()
}

// flush writes the rows waiting, and goes on trying while the writes fail
// (see marks). It returns once they are written, or when close has been
// waiting for markTimeout.
func (m *marks) flush() {
	var (
		wait     = markRetryMin
		failures int
		giveUp   time.Time // set once close is waiting
		retry    = time.NewTimer(time.Hour)
	)
	retry.Stop()
	defer retry.Stop()
	var ids []int64
	var ats []time.Time
	for {
		select {
		case <-m.full: // this write takes them
		default:
		}
		m.mu.Lock()
		ids, ats = append(ids, m.ids...), append(ats, m.ats...)
		m.ids, m.ats = nil, nil
		m.mu.Unlock()
		if len(ids) == 0 {
			return
		}
		// Not cancelled by shutdown: the server has these messages.
		ctx, cancel := context.WithTimeout(context.Background(), markTimeout)
		m.mu.Lock()
		m.writing++
		seq := m.writing
		m.mu.Unlock()
		stall := time.AfterFunc(markStall, func() { m.stalled(seq, len(ids)) })
		err := store.MarkSentMany(ctx, m.w.db, ids, ats)
		stall.Stop()
		m.mu.Lock()
		m.writing++ // the stall timer of this write, if it still runs, is stale
		m.mu.Unlock()
		cancel()
		if err == nil {
			m.w.sent.Add(uint64(len(ids)))
			if failures > 0 {
				m.log.Info("messages marked sent once the database answered again", "count", len(ids), "attempts", failures+1)
			}
			m.setWritten(true)
			ids, ats = nil, nil
			continue // rows that came in during the write
		}
		failures++
		if failures == 1 {
			m.setWritten(false)
			if m.w.marksFailed != nil {
				m.w.marksFailed()
			}
			m.log.Warn("messages sent but not marked yet; sending stops and the marks are written when the database answers",
				"count", len(ids), "error", err)
		}
		select {
		case <-m.closing:
			if giveUp.IsZero() {
				giveUp = time.Now().Add(markTimeout)
			}
		default:
		}
		if !giveUp.IsZero() && time.Now().After(giveUp) {
			m.log.Error("messages sent but not marked; they will be sent again after the lease, with the same Message-ID",
				"count", len(ids), "error", err)
			m.w.sent.Add(uint64(len(ids)))
			return
		}
		retry.Reset(wait)
		<-retry.C
		wait = min(2*wait, markRetryMax)
	}
}

// stalled closes the gate of ready if write seq, of n rows, is still
// running (see markStall).
func (m *marks) stalled(seq uint64, n int) {
	m.mu.Lock()
	if m.writing != seq {
		m.mu.Unlock()
		return
	}
	m.setWrittenLocked(false)
	m.mu.Unlock()
	m.log.Warn("marking messages sent takes longer than usual; sending stops until the database answers",
		"count", n, "waited", markStall)
	if m.w.marksFailed != nil {
		m.w.marksFailed()
	}
}

// setWritten opens (written) or closes the gate of ready.
func (m *marks) setWritten(written bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.setWrittenLocked(written)
}

func (m *marks) setWrittenLocked(written bool) {
	select {
	case <-m.ok:
		if !written {
			m.ok = make(chan struct{})
		}
	default:
		if written {
			close(m.ok)
		}
	}
}
