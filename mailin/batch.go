package mailin

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ticketd/ticketd/mailin/imapin"
	"github.com/ticketd/ticketd/tickets/service"
	"github.com/ticketd/ticketd/tickets/store"
)

// Every message goes through handleBatch: a batch the poller fetched, or
// a batch of one when Handle retries a failed batch one message at a time.
// A backlog is mostly new requests, and processing them one at a time costs
// some twenty-five statements each: the database round trips, not the
// parsing, bound the intake. So handleBatch asks the database once what it
// knows of the batch (store.KnownOf), picks the messages that route
// (route.go, the decision apply follows) says open alone and that cite no
// ticket's message, nor one earlier in the batch, nor are stored already,
// and opens runs of them together through openAll, as open does a message
// alone, with a fixed number of statements: the messages are inserted
// whole (raw source, text, ticket) in one, once their tickets exist; every
// other message goes through process, in its place in the batch. The rows
// written are those of the same messages handled one batch of one after
// the other (batch_test.go compares them), with ids in the same order per
// ticket; only two kinds of ids interleave differently across the tickets
// of a run: inbound and outbound messages', and the events of held notices. The mailbox_positions of a batch and its
// cursor are written once, at its end.

// maxBatchedBytes is the largest message opened in a run. A run holds its
// messages parsed, attachments decoded, until it is written, and writes
// them in one statement; a larger message is rare, costs the database more
// than its round trips, and goes through process alone, as before.
const maxBatchedBytes = 1 << 20

// errStoredMeanwhile means a message picked for a run was stored by another
// transaction after the batch looked; Handle then processes the batch one
// message at a time, which deduplicates it.
var errStoredMeanwhile = errors.New("a message of the batch was stored meanwhile")

// handleBatch processes a batch in order inside tx, each message as it
// would be alone, and records the positions it handled.
func (in *Intake) handleBatch(ctx context.Context, tx *service.Tx, batch []imapin.Fetched) ([]result, error) {
	// What the database knows is asked of one mailbox at a time: a batch
	// from several (never the poller's) is handled as consecutive runs.
	for i := 1; i < len(batch); i++ {
		if f, g := &batch[i], &batch[0]; f.Account != g.Account || f.Mailbox != g.Mailbox || f.UIDValidity != g.UIDValidity {
			head, err := in.handleBatch(ctx, tx, batch[:i])
			if err != nil {
				return nil, err
			}
			tail, err := in.handleBatch(ctx, tx, batch[i:])
			return append(head, tail...), err
		}
	}
	ps, opens, known, err := in.candidates(ctx, tx, batch)
	if err != nil {
		return nil, err
	}
	results := make([]result, len(batch))
	var (
		run       []int
		positions []store.Position
	)
	flush := func() error {
		if len(run) == 0 {
			return nil
		}
		if err := in.openRun(ctx, tx, batch, ps, run); err != nil {
			return err
		}
		for _, i := range run {
			results[i] = processed(batch[i].UID, "opened")
			positions = append(positions, position(&batch[i], &ps[i].msg.ID, results[i]))
		}
		run = run[:0]
		return nil
	}
	for i := range batch {
		f := &batch[i]
		if prev, ok := known.Handled[f.UID]; ok {
			// Committed before a crash or a failed move: same outcome again.
			results[i] = duplicate(f.UID, prev.Quarantine, prev.Reason)
			continue
		}
		if opens[i] && !in.noRuns {
			run = append(run, i)
			continue
		}
		// What comes before a message is on record before it is
		// processed, as in one-at-a-time processing.
		if err := flush(); err != nil {
			return nil, err
		}
		r, row, err := in.process(ctx, tx, f, ps[i].r, ps[i].stored)
		if err != nil {
			return nil, err
		}
		results[i] = r
		positions = append(positions, position(f, &row, r))
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return results, store.PutPositions(ctx, tx.Q, positions, tx.Now())
}

// position is where f was fetched from, with what became of it.
func position(f *imapin.Fetched, row *int64, r result) store.Position {
	return store.Position{Account: f.Account, Mailbox: f.Mailbox, UIDValidity: f.UIDValidity, UID: f.UID, MessageRow: row,
		Quarantine: r.outcome.Quarantine, Reason: r.outcome.Reason}
}

// candidates routes a batch of one mailbox and returns, by index, each
// message prepared (its route nil where none was made: a message too large
// to open in a run), whether it can only open a ticket, and what the
// database knows of the batch (store.KnownOf, one round trip): the
// positions handled before, the messages stored before, and which cited
// Message-IDs belong to a ticket.
func (in *Intake) candidates(ctx context.Context, tx *service.Tx, batch []imapin.Fetched) ([]prepared, []bool, store.Known, error) {
	ps, opens := make([]prepared, len(batch)), make([]bool, len(batch))
	if len(batch) == 0 {
		return ps, opens, store.Known{}, nil
	}
	first := batch[0]
	uids := make([]uint32, len(batch))
	for i, f := range batch {
		uids[i] = f.UID
	}
	// Parsing is the costly part, and each message's is its own: on every
	// core, unless Prepare did it already while the batch before was
	// handled. Which messages qualify is decided in order below.
	parallel(len(batch), func(i int) {
		f := &batch[i]
		p, ok := f.Prepared.(*prepared)
		if !ok {
			p = in.prepare(f)
		}
		ps[i] = *p
		ps[i].msg.CreatedAt = tx.Now()
	})
	// The database is asked once: which messages are stored (every one's
	// key: a message not stored is inserted whole once processed, see
	// process), and which of the ids cited by those route says open alone
	// are a ticket's.
	var ids, hashes, refs []string
	for i := range ps {
		ids, hashes = append(ids, ps[i].msg.MessageID), append(hashes, ps[i].msg.ContentHash)
		if ps[i].r.opensAlone() {
			refs = append(refs, ps[i].r.cites...)
		}
	}
	known, err := store.KnownOf(ctx, tx.Q, first.Account, first.Mailbox, first.UIDValidity, uids, ids, hashes, refs)
	if err != nil {
		return nil, nil, known, err
	}
	type key struct{ id, hash string }
	var (
		seen    = map[key]bool{}    // raw sources earlier in the batch
		earlier = map[string]bool{} // Message-IDs earlier in the batch
	)
	for i := range ps {
		p := &ps[i]
		k := key{p.msg.MessageID, p.msg.ContentHash}
		_, handled := known.Handled[batch[i].UID]
		// Match would find no ticket: nothing cited is a ticket's, before
		// the batch or earlier in it.
		p.stored = seen[k] || known.Stored[[2]string{k.id, k.hash}]
		ok := p.r.opensAlone() && !handled && !p.stored
		seen[k] = true
		if p.r != nil {
			for _, id := range p.r.cites {
				ok = ok && !earlier[id] && !known.Threaded[id]
			}
		}
		if p.msg.MessageID != "" {
			earlier[p.msg.MessageID] = true
		}
		opens[i] = ok
	}
	return ps, opens, known, nil
}

// prepared is what parsing told of a message before the database is
// asked: its row (without a time) and its route; then whether the message
// may be stored already, before the batch or earlier in it.
type prepared struct {
	msg    store.Message
	r      *routed
	stored bool
}

// Prepare parses a batch ahead of Handle, on every core, while the poller
// hands the batch before it to Handle (imapin.Preparer). It reads no
// database and changes nothing but the batch's Prepared fields.
func (in *Intake) Prepare(batch []imapin.Fetched) {
	parallel(len(batch), func(i int) {
		batch[i].Prepared = in.prepare(&batch[i])
	})
}

func (in *Intake) prepare(f *imapin.Fetched) *prepared {
	p := &prepared{msg: inboundRow(f.Raw, time.Time{})}
	if len(f.Raw) <= maxBatchedBytes {
		p.r = in.route(f)
	}
	return p
}

// openRun opens the tickets of the candidates at run (indices into batch)
// together, as open does one: openAll stores each message whole, once its
// ticket exists, each table in one statement.
func (in *Intake) openRun(ctx context.Context, tx *service.Tx, batch []imapin.Fetched, ps []prepared, run []int) error {
	ops := make([]opening, len(run))
	for j, i := range run {
		c := &ps[i]
		// What the notifier would read back once the message is on its
		// ticket: the thread is this message (by its Message-ID as stored,
		// from the raw header), the request its text (openAll).
		known := &store.TicketRecord{HasRequest: true}
		if c.msg.MessageID != "" {
			known.Thread = []string{c.msg.MessageID}
		}
		for _, a := range c.r.m.Attachments {
			known.Attachments = append(known.Attachments, a.Filename)
		}
		c.r.fill(&c.msg) // as apply does
		ops[j] = opening{f: &batch[i], msg: &c.msg, m: c.r.m, known: known}
	}
	return in.openAll(ctx, tx, ops)
}

// parallel runs f(0) … f(n-1) on every core and returns when all are done.
func parallel(n int, f func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		for i := range n {
			f(i)
		}
		return
	}
	var (
		wg   sync.WaitGroup
		next atomic.Int64
	)
	for range workers {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				f(i)
			}
		})
	}
	wg.Wait()
}
