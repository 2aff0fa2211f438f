package mailout

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/ticketd/ticketd/tickets/store"
)

// marks records, in the background, the rows of one round that the server
// accepted. The round hands each row over and goes on to the next message;
// the rows handed over while a write was running are written together in
// the next one (a group commit), instead of one statement and one commit
// per message.
//
// Delivery stays at least once, with the same window: a crash loses the
// marks in flight, usually the message just sent, and those rows go out
// again after their lease with the same Message-ID, as a crash between the
// server's reply and a single mark always did.
type marks struct {
	w    *Worker
	log  *slog.Logger
	mu   sync.Mutex
	ids  []int64
	ats  []time.Time
	kick chan struct{} // a write is wanted; closed by close
	done chan struct{} // closed when the last write is done
}

func (w *Worker) startMarks(log *slog.Logger) *marks {
	m := &marks{w: w, log: log, kick: make(chan struct{}, 1), done: make(chan struct{})}
	go m.run()
	return m
}

// add hands over a row the server accepted at at. Only the round's
// goroutine calls add and close.
func (m *marks) add(id int64, at time.Time) {
	m.mu.Lock()
	m.ids, m.ats = append(m.ids, id), append(m.ats, at)
	m.mu.Unlock()
	select {
	case m.kick <- struct{}{}:
	default: // a write is already due; it takes this row too
	}
}

// close writes what is left and returns when every row handed over has
// been written (or its write has failed).
func (m *marks) close() {
	close(m.kick)
	<-m.done
}

func (m *marks) run() {
	defer close(m.done)
	for range m.kick {
		m.flush()
	}
	m.flush()
}

func (m *marks) flush() {
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
