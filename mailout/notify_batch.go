package mailout

import (
	"context"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/ticketd/ticketd/tickets/notice"
	"github.com/ticketd/ticketd/tickets/service"
	"github.com/ticketd/ticketd/tickets/store"
)

// PrepareMany implements service.BatchNotifier: it queues the notices of
// each change, in order, reading the tickets' records (those the changes
// do not carry), the recipients' cap counts and the taken deduplication
// keys once for the batch, rendering on every core while the caller
// writes its rows, and writing every outbox row in one statement. The
// mail intake opens a batch of new tickets with it; Notify is a batch of
// one.
//
// Changes of one ticket see each other's notifications (the thread
// grows); they, and changes stamped at different times, are queued one
// change at a time instead, on the same path.
func (n *Notifier) PrepareMany(ctx context.Context, tx *sqlx.Tx, cs []service.Change) (func() error, error) {
	// A new ticket whose record is known before its message is stored
	// names its attachments but cannot carry them yet: they have no rows.
	// Its notifications are queued once the caller has written the rest
	// (the attachments with it), still together: their records are read
	// back from the store then, attachments and all, in one query.
	if now, later := withFilesLater(cs); len(later) > 0 {
		finish, err := n.PrepareMany(ctx, tx, now)
		if err != nil {
			return nil, err
		}
		return func() error {
			if err := finish(); err != nil {
				return err
			}
			for i := range later {
				later[i].Record = nil
			}
			return n.now(n.PrepareMany(ctx, tx, later))
		}, nil
	}
	rules := n.rules()
	jobs := make([]job, 0, len(cs))
	for _, c := range cs {
		if notes := rules.ForChange(c.After, c.Events, c.Trigger); len(notes) > 0 {
			jobs = append(jobs, job{t: c.After, trigger: c.Trigger, record: c.Record, at: c.At, fresh: c.Fresh, notes: notes})
		}
	}
	if batchable(jobs) {
		return n.prepare(ctx, tx, jobs)
	}
	return func() error {
		for _, j := range jobs {
			if err := n.now(n.prepare(ctx, tx, []job{j})); err != nil {
				return err
			}
		}
		return nil
	}, nil
}

// withFilesLater splits cs into the changes PrepareMany queues at once and
// those, in order, whose known record names attachments not yet stored.
func withFilesLater(cs []service.Change) (now, later []service.Change) {
	for _, c := range cs {
		if c.Record != nil && c.Record.Files == nil && len(c.Record.Attachments) > 0 {
			later = append(later, c)
		} else {
			now = append(now, c)
		}
	}
	return now, later
}

// job is what one transaction (or one change of a batch) queues on one
// ticket: its notices, and what they are rendered from.
type job struct {
	t       store.Ticket
	trigger *store.Message
	record  *store.TicketRecord // nil: read from the store
	at      time.Time           // zero: now
	fresh   bool                // service.Change.Fresh
	notes   []note
	fill    func(*Data) // what an answer adds to its data
}

// batchable reports whether prepare may queue jobs together: distinct
// tickets, one time.
func batchable(jobs []job) bool {
	seen := map[int64]bool{}
	for _, j := range jobs {
		if j.t.ID != 0 {
			if seen[j.t.ID] {
				return false
			}
			seen[j.t.ID] = true
		}
		if !j.at.Equal(jobs[0].at) {
			return false
		}
	}
	return true
}

// prepare queues the notes of jobs (distinct tickets, one time): who is
// held back and what is queued at all is decided now, in order; the
// rendering starts on every core; the returned function waits for it and
// writes the rows.
func (n *Notifier) prepare(ctx context.Context, tx *sqlx.Tx, jobs []job) (func() error, error) {
	if len(jobs) == 0 {
		return func() error { return nil }, nil
	}
	rules := n.rules()
	var (
		unread     []int64
		recipients []string
		keys       []string
		counted    = map[string]bool{}
	)
	for _, j := range jobs {
		if j.t.ID != 0 && j.record == nil {
			unread = append(unread, j.t.ID)
		}
		for _, nt := range j.notes {
			if rules.Counted(nt.Name) {
				if addr := strings.ToLower(nt.To.Email); !counted[addr] {
					counted[addr] = true
					recipients = append(recipients, addr)
				}
			}
			// A fresh change's events are new: no row can carry their
			// keys yet, so only the others are looked up.
			if k := dedupKey(nt, j.trigger); k != nil && !(j.fresh && nt.Event != nil) {
				keys = append(keys, *k)
			}
		}
	}
	now := jobs[0].at
	if now.IsZero() {
		now = time.Now().UTC()
	}
	recs, err := store.RecordsOf(ctx, tx, unread)
	if err != nil {
		return nil, err
	}
	base, err := store.CountAutomaticMany(ctx, tx, recipients, notice.Since(now))
	if err != nil {
		return nil, err
	}
	taken, err := store.OutboxKeysTaken(ctx, tx, keys)
	if err != nil {
		return nil, err
	}
	caps := rules.NewCaps(base, recipients)
	type item struct {
		q      *queue
		nt     note
		fill   func(*Data)
		held   bool
		queued bool // not a duplicate of a row already queued
		o      store.Outgoing
		files  []int64
		err    error
	}
	var (
		items  []*item
		groups [][]*item // each ticket's items, rendered on one worker in order
	)
	for _, j := range jobs {
		q := newQueue(ctx, tx, n, j.t, j.trigger)
		q.now = now
		if j.record != nil {
			q.use(j.record)
		} else {
			q.use(recs[j.t.ID])
		}
		for _, nt := range j.notes {
			held, err := caps.Held(ctx, tx, nt.Name, nt.To.Email, now)
			if err != nil {
				return nil, err
			}
			it := &item{q: q, nt: nt, fill: j.fill, held: held, queued: true}
			if k := dedupKey(nt, q.trigger); k != nil {
				it.queued = !taken[*k]
				taken[*k] = true
			}
			if it.queued && !held {
				caps.Queued(nt.To.Email, nt.Name)
			}
			items = append(items, it)
		}
		groups = append(groups, items[len(items)-len(j.notes):])
	}
	// A ticket's notifications go to one worker, one after the other: the
	// notices to each desk agent print the same request, and the renderer
	// reuses the text it just made for the agent before.
	var wg sync.WaitGroup
	work := make(chan []*item)
	for range min(runtime.GOMAXPROCS(0), len(groups)) {
		wg.Go(func() {
			for g := range work {
				for _, it := range g {
					it.o, it.files, it.err = it.q.outgoing(it.nt, it.fill, it.held)
				}
			}
		})
	}
	go func() {
		for _, g := range groups {
			work <- g
		}
		close(work)
	}()
	return func() error {
		wg.Wait()
		rows := make([]store.Outgoing, 0, len(items))
		var carried [][]int64 // rows[i]'s attachments
		for _, it := range items {
			if it.err != nil {
				return it.err
			}
			if it.queued {
				rows = append(rows, it.o)
				carried = append(carried, it.files)
			}
		}
		ptrs := make([]*store.Outgoing, len(rows))
		for i := range rows {
			ptrs[i] = &rows[i]
		}
		handOff := n.Direct.queueDirect(ctx, tx, ptrs)
		if err := store.EnqueueMany(ctx, tx, rows); err != nil {
			return err
		}
		for i := range rows {
			if err := linkFiles(ctx, tx, &rows[i], carried[i]); err != nil {
				return err
			}
		}
		handOff()
		for _, it := range items {
			if it.held && it.q.t.ID != 0 {
				if err := it.q.recordHeld(it.o); err != nil {
					return err
				}
			}
		}
		return nil
	}, nil
}
