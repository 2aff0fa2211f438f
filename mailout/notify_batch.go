package mailout

import (
	"context"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/ticketd/ticketd/tickets/service"
	"github.com/ticketd/ticketd/tickets/store"
)

var _ service.BatchNotifier = (*Notifier)(nil)

// PrepareMany implements service.BatchNotifier: it queues what Notify
// would queue for each change, in order, but reads the tickets' records
// (those the changes do not carry), the recipients' cap counts and the
// taken deduplication keys once for the batch, renders on every core while
// the caller writes its rows, and writes every outbox row in one
// statement. The mail intake opens a batch of new tickets with it.
//
// Changes of one ticket see each other's notifications in Notify (the
// thread grows); they, and changes stamped at different times, are
// notified one at a time instead, by queue.
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
			finishLater, err := n.PrepareMany(ctx, tx, later)
			if err != nil {
				return err
			}
			return finishLater()
		}, nil
	}
	if !n.batchable(cs) {
		return func() error {
			for _, c := range cs {
				if err := n.Notify(ctx, tx, c); err != nil {
					return err
				}
			}
			return nil
		}, nil
	}
	type job struct {
		c     *service.Change
		notes []note
	}
	var (
		jobs       []job
		unread     []int64
		recipients []string
		keys       []string
		capped     = map[string]bool{}
	)
	for i := range cs {
		c := &cs[i]
		notes := n.notesFor(*c)
		if len(notes) == 0 {
			continue
		}
		jobs = append(jobs, job{c: c, notes: notes})
		if c.After.ID != 0 && c.Record == nil {
			unread = append(unread, c.After.ID)
		}
		for _, nt := range notes {
			if n.counted(nt.name) {
				if addr := strings.ToLower(nt.to.Email); !capped[addr] {
					capped[addr] = true
					recipients = append(recipients, addr)
				}
			}
			// A fresh change's events are new: no row can carry their
			// keys yet, so only the others are looked up.
			if k := dedupKey(nt, c.Trigger); k != nil && !(c.Fresh && nt.event != nil) {
				keys = append(keys, *k)
			}
		}
	}
	if len(jobs) == 0 {
		return func() error { return nil }, nil
	}
	now := jobs[0].c.At
	if now.IsZero() {
		now = time.Now().UTC()
	}
	recs, err := store.RecordsOf(ctx, tx, unread)
	if err != nil {
		return nil, err
	}
	base, err := store.CountAutomaticMany(ctx, tx, recipients, [2]time.Time{now.Add(-capWindows[0]), now.Add(-capWindows[1])})
	if err != nil {
		return nil, err
	}
	taken, err := store.OutboxKeysTaken(ctx, tx, keys)
	if err != nil {
		return nil, err
	}

	// Who is held back and what is queued at all is decided in order, as
	// Notify decides it note after note; composing is independent.
	counts := &capCounts{base: base, added: map[string]map[string]int{}, fetched: map[string]bool{}}
	for _, r := range recipients {
		counts.fetched[r] = true
	}
	type item struct {
		q      *queue
		nt     note
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
		q := newQueue(ctx, tx, n, j.c.After, j.c.Trigger)
		q.now, q.counts = now, counts
		if j.c.Record != nil {
			q.use(j.c.Record)
		} else {
			q.use(recs[j.c.After.ID])
		}
		for _, nt := range j.notes {
			held, err := q.capped(nt.name, nt.to)
			if err != nil {
				return nil, err
			}
			it := &item{q: q, nt: nt, held: held, queued: true}
			if k := dedupKey(nt, q.trigger); k != nil {
				it.queued = !taken[*k]
				taken[*k] = true
			}
			if it.queued && !held {
				counts.add(strings.ToLower(nt.to.Email), nt.name)
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
					it.o, it.files, it.err = it.q.outgoing(it.nt, nil, it.held)
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

// batchable reports whether PrepareMany may queue cs together: distinct
// tickets, one time.
func (n *Notifier) batchable(cs []service.Change) bool {
	seen := map[int64]bool{}
	for _, c := range cs {
		if c.After.ID != 0 {
			if seen[c.After.ID] {
				return false
			}
			seen[c.After.ID] = true
		}
		if !c.At.Equal(cs[0].At) {
			return false
		}
	}
	return true
}
