package mailout

import (
	"context"
	"slices"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/ticketd/ticketd/tickets/service"
	"github.com/ticketd/ticketd/tickets/store"
)

// Direct hand-off.
//
// A notification queued by a transaction of this process is, most of the
// time, sent by this process a moment later. Claiming it back costs a
// statement per batch that reads the row's texts back out of the database
// (a quarter of the database's time in a backlog). So when the worker has
// room, the notifier queues the row already claimed by this worker: its
// first attempt counted and its next one a lease away, as a claim leaves
// it. Once the transaction commits, the rows are handed to the worker in
// memory, and a connection sends them without a claim.
//
// Nothing changes for delivery: the rows are claimed rows. If this
// process dies before sending one, its lease runs out and any replica
// claims it, with the same Message-ID. A row not started within half its
// lease is given back (round), and rows still waiting when the worker
// stops are given back at once, for another replica.

// directRoomBatches is how many batches per connection the hand-off queue
// holds, counting the rows of transactions not yet committed; beyond it
// rows are queued due at once, for any replica to claim. Rows waiting here
// are leased: a crash leaves them for a lease.
const directRoomBatches = 2

// directRoomBytes bounds the texts (plain and HTML) the hand-off queue
// holds, counted as directRoomBatches is: a backlog of large requests,
// quoted in every desk notice, must not hold gigabytes in memory. A row
// that does not fit is queued due, for a claim.
const directRoomBytes = 64 << 20

func rowBytes(o *store.Outgoing) int { return len(o.TextBody) + len(o.HTMLBody) }

// leasedRow is a row handed off to this worker, leased since at.
type leasedRow struct {
	o  store.Outgoing
	at time.Time
}

// queueDirect leases to this worker what it has room for of rows, which
// tx is about to queue (pending rows only): each is marked claimed, its
// first attempt counted and its next one a lease away. It returns the
// function to call once tx has queued them; when tx then commits, the
// rows go to the worker. Rows left out are queued due, and once tx has
// committed a connection is woken to claim them.
//
// Unless ctx is tx's context in a transaction of the ticket service, which
// runs the hand-off, nothing is leased, and the rows are claimed by the
// next round that claims (at the latest, the poll interval's).
func (w *Worker) queueDirect(ctx context.Context, tx *sqlx.Tx, rows []*store.Outgoing) (queued func()) {
	if w == nil {
		return func() {}
	}
	if !service.InTransaction(ctx, tx) {
		w.dbDue.Store(true)
		return func() {}
	}
	var pending []*store.Outgoing
	for _, o := range rows {
		if o.Status == "" || o.Status == store.OutboxPending {
			pending = append(pending, o)
		}
	}
	if len(pending) == 0 {
		return func() {}
	}
	var leased []*store.Outgoing
	size := 0
	w.dmu.Lock()
	if w.accepting {
		room := directRoomBatches*w.cfg.Connections*w.cfg.BatchSize - len(w.answers) - len(w.others) - w.reserved
		for _, o := range pending {
			if len(leased) >= room {
				break
			}
			if b := rowBytes(o); w.directBytes+size+b <= w.roomBytes {
				leased = append(leased, o)
				size += b
			}
		}
	}
	k := len(leased)
	w.reserved += k
	w.directBytes += size
	w.dmu.Unlock()
	overflow := k < len(pending)
	at := w.now()
	for _, o := range leased {
		o.Status, o.NextAttemptAt, o.Attempts = store.OutboxPending, at.Add(w.cfg.Lease), 1
	}
	done := false
	service.AfterTx(ctx, tx, func(committed bool) {
		var copies []store.Outgoing
		if committed && done {
			for _, o := range leased {
				copies = append(copies, *o)
			}
		}
		w.handOff(copies, k, size, at)
		if committed && done && overflow {
			w.Wake()
		}
	})
	return func() { done = true }
}

// handOff takes rows that a committed transaction queued leased to this
// worker, and ends the reservation of n rows and size bytes made for them.
// If the worker has stopped, the rows are given back at once.
func (w *Worker) handOff(rows []store.Outgoing, n, size int, at time.Time) {
	w.dmu.Lock()
	w.reserved -= n
	w.directBytes -= size
	if !w.accepting {
		w.dmu.Unlock()
		w.release(context.Background(), rows, w.now(), "", w.log)
		return
	}
	for _, o := range rows {
		w.directBytes += rowBytes(&o)
		if o.AutoSubmitted == AutoReplied {
			w.answers = append(w.answers, leasedRow{o: o, at: at})
		} else {
			w.others = append(w.others, leasedRow{o: o, at: at})
		}
	}
	w.dmu.Unlock()
	if len(rows) > 0 {
		w.signal()
	}
}

// takeDirect takes up to limit handed-off rows, answers first, and the
// start of the oldest one's lease. If rows are left, it wakes another
// connection for them.
func (w *Worker) takeDirect(limit int) ([]store.Outgoing, time.Time) {
	w.dmu.Lock()
	var (
		rows []store.Outgoing
		at   time.Time
	)
	take := func(q *[]leasedRow) {
		k := min(limit-len(rows), len(*q))
		for _, r := range (*q)[:k] {
			rows = append(rows, r.o)
			w.directBytes -= rowBytes(&r.o)
			if at.IsZero() || r.at.Before(at) {
				at = r.at
			}
		}
		*q = slices.Delete(*q, 0, k)
	}
	take(&w.answers)
	take(&w.others)
	left := len(w.answers) + len(w.others)
	w.dmu.Unlock()
	w.handedOff.Add(uint64(len(rows)))
	if left > 0 {
		w.signal()
	}
	return rows, at
}

// directWaiting reports whether handed-off rows wait to be taken.
func (w *Worker) directWaiting() bool {
	w.dmu.Lock()
	defer w.dmu.Unlock()
	return len(w.answers)+len(w.others) > 0
}

// stopDirect stops taking rows and gives back those still waiting.
func (w *Worker) stopDirect() {
	w.dmu.Lock()
	w.accepting = false
	var rows []store.Outgoing
	for _, q := range [][]leasedRow{w.answers, w.others} {
		for _, r := range q {
			rows = append(rows, r.o)
			w.directBytes -= rowBytes(&r.o)
		}
	}
	w.answers, w.others = nil, nil
	w.dmu.Unlock()
	w.release(context.Background(), rows, w.now(), "", w.log)
}
