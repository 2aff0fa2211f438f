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
// Delivery stays at least once: a crash loses the marks not yet written,
// the messages of the last few milliseconds, and those rows go out again
// after their lease with the same Message-ID, as a crash between the
// server's reply and a single mark always did.
type marks struct {
	w       *Worker
	log     *slog.Logger
	mu      sync.Mutex
	ids     []int64
	ats     []time.Time
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

func (w *Worker) startMarks(log *slog.Logger) *marks {
	m := &marks{w: w, log: log, kick: make(chan struct{}, 1), full: make(chan struct{}, 1),
		closing: make(chan struct{}), done: make(chan struct{})}
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

// close writes what is left and returns when every row handed over has
// been written (or its write has failed).
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

func (m *marks) flush() {
	select {
	case <-m.full: // this write takes them
	default:
	}
	m.mu.Lock()
	ids, ats := m.ids, m.ats
	m.ids, m.ats = nil, nil
	m.mu.Unlock()
	if len(ids) == 0 {
		return
	}
	// Not cancelled by shutdown: the server has these messages.
	ctx, cancel := context.WithTimeout(context.Background(), markTimeout)
	defer cancel()
	if err := store.MarkSentMany(ctx, m.w.db, ids, ats); err != nil {
		m.log.Error("messages sent but not marked; they will be sent again after the lease, with the same Message-ID",
			"count", len(ids), "error", err)
	}
	m.w.sent.Add(uint64(len(ids)))
}
