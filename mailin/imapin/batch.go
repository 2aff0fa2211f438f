package imapin

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"sort"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/ticketd/ticketd/internal/faults"
)

// batchByteBudget caps the message bytes of one batch. A batch of BatchSize
// UIDs is split further when its messages add up to more, so the heap stays
// flat however large the backlog or the messages (one message above the
// budget still goes alone). Two batches are held at once (the one handled,
// the one read ahead): about 64 MiB.
const batchByteBudget = 32 << 20

// headerEstimate is what a header-only (TooBig) message counts against the
// byte budget.
const headerEstimate = 64 << 10

// handleError wraps a Handler failure: nothing of the batch was moved and the
// connection is fine, so the session retries later without reconnecting.
type handleError struct{ err error }

func (e *handleError) Error() string { return "imap: handler: " + e.err.Error() }
func (e *handleError) Unwrap() error { return e.err }

// drain processes every pending message in batches. On cancellation it
// finishes the batch in hand and returns nil.
func (s *session) drain(ctx context.Context) error {
	// Consume a pending wake-up: an EXISTS arriving from here on wakes the
	// next wait at once, so nothing appended meanwhile is left behind.
	select {
	case <-s.wake:
	default:
	}
	s.retryAt = time.Time{} // what waits is offered again now
	cfg := &s.p.cfg
	var pending imap.UIDSet
	if cfg.After == AfterSeen {
		cursor, err := s.p.h.Cursor(s.gctx, cfg.Name, cfg.Mailbox, s.uidValidity)
		if err != nil {
			return &handleError{fmt.Errorf("cursor: %w", err)}
		}
		if !s.recovered {
			if err := s.restoreSeen(cursor); err != nil {
				return err
			}
			s.recovered = true
		}
		if cursor == ^uint32(0) {
			return nil
		}
		found, err := s.search(&imap.SearchCriteria{
			UID: []imap.UIDSet{{{Start: imap.UID(cursor + 1), Stop: 0}}},
		})
		if err != nil {
			return err
		}
		// "n:*" always matches the highest UID, even when it is below n
		// (RFC 3501 section 6.4.8), so clip.
		pending = uidsAbove(found, cursor)
	} else {
		// In move mode the mailbox holds only unprocessed mail. \Deleted
		// ones are on their way out (our own COPY fallback leaves them).
		found, err := s.search(&imap.SearchCriteria{NotFlag: []imap.Flag{imap.FlagDeleted}})
		if err != nil {
			return err
		}
		pending = found
	}

	return s.process(ctx, pending)
}

// loaded is one batch read from the server, or the error that stopped the
// reading. covered counts the UIDs it accounts for in the backlog,
// messages that vanished meanwhile included.
type loaded struct {
	batch   []Fetched
	covered int
	err     error
}

// process hands the pending messages to the Handler batch by batch. The next
// batch is read from the server (and prepared, for a Preparer) while the
// current one is handled, and a handled batch is moved while the next one
// is handled, so the IMAP server, the parser and the database work at the
// same time. At most two batches are held: the one in hand and the next
// (a batch being moved keeps only its UIDs). Batches are moved in order,
// one at a time, each only after its transaction committed. On
// cancellation it finishes the batch in hand, waits for its move and
// returns nil; the one read ahead waits for the next run.
func (s *session) process(ctx context.Context, pending imap.UIDSet) (err error) {
	left := uidCount(pending)
	s.p.update(func(st *Status) { st.Backlog = left })
	loads := make(chan loaded)
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer close(loads)
		send := func(l loaded) bool {
			select {
			case loads <- l:
				return true
			case <-stop:
				return false
			}
		}
		prep, _ := s.p.h.(Preparer)
		for chunk := range uidChunks(pending, s.p.cfg.BatchSize) {
			err := s.loadChunk(chunk, func(l loaded) bool {
				if prep != nil && len(l.batch) > 0 {
					prep.Prepare(l.batch)
				}
				return send(l)
			})
			if err != nil {
				send(loaded{err: err})
				return
			}
			select {
			case <-stop:
				return
			default:
			}
		}
	}()
	defer func() {
		close(stop)
		<-done // the connection is ours alone again
	}()
	// moving is the previous batch's move, running; waitMove waits for it.
	var moving chan error
	waitMove := func() error {
		if moving == nil {
			return nil
		}
		err := <-moving
		moving = nil
		return err
	}
	defer func() {
		if merr := waitMove(); err == nil {
			err = merr
		}
	}()
	for l := range loads {
		if l.err != nil {
			return l.err
		}
		if ctx.Err() != nil {
			return nil // shutting down; the rest waits for the next run
		}
		if len(l.batch) > 0 {
			outcomes, err := s.p.h.Handle(s.gctx, l.batch)
			if err != nil {
				return &handleError{err}
			}
			faults.Point(faults.IMAPBeforeMove)
			if err := waitMove(); err != nil {
				return err
			}
			// The move runs while the next batch is handled. The reader's
			// UID FETCH may run meanwhile too: the commands name messages
			// by UID, which a MOVE's EXPUNGE responses do not disturb
			// (RFC 9051 section 5.5).
			uids := make([]Fetched, len(l.batch))
			for i, f := range l.batch {
				uids[i].UID = f.UID
			}
			moving = make(chan error, 1)
			go func() { moving <- s.act(uids, outcomes) }()
		}
		left -= l.covered
		s.p.update(func(st *Status) { st.Backlog = max(left, 0) })
	}
	return nil
}

// search runs UID SEARCH and returns the matching UIDs.
func (s *session) search(criteria *imap.SearchCriteria) (imap.UIDSet, error) {
	data, err := s.c.UIDSearch(criteria, nil).Wait()
	if err != nil {
		return nil, fmt.Errorf("imap: uid search: %w", err)
	}
	switch all := data.All.(type) {
	case imap.UIDSet:
		return all, nil
	case imap.SeqSet: // an ESEARCH reply decoded without the UID marker
		var set imap.UIDSet
		for _, r := range all {
			set = append(set, imap.UIDRange{Start: imap.UID(r.Start), Stop: imap.UID(r.Stop)})
		}
		return set, nil
	}
	return nil, nil
}

// restoreSeen flags \Seen on unseen messages at or below the cursor: the
// Handler committed them before a crash stopped us from flagging them.
func (s *session) restoreSeen(cursor uint32) error {
	if cursor == 0 {
		return nil
	}
	found, err := s.search(&imap.SearchCriteria{
		UID:     []imap.UIDSet{{{Start: 1, Stop: imap.UID(cursor)}}},
		NotFlag: []imap.Flag{imap.FlagSeen},
	})
	if err != nil || uidCount(found) == 0 {
		return err
	}
	s.p.log.Info("flagging messages committed before a restart", "count", uidCount(found))
	return s.addFlags(found, imap.FlagSeen)
}

// meta is what the first FETCH of a batch learns about a message.
type meta struct {
	uid  imap.UID
	size int64
	date time.Time
}

// loadChunk reads one chunk of UIDs from the server in groups within the
// byte budget and gives each to yield, which returns false to stop.
func (s *session) loadChunk(uids imap.UIDSet, yield func(loaded) bool) error {
	bufs, err := s.c.Fetch(uids, &imap.FetchOptions{
		UID: true, RFC822Size: true, InternalDate: true,
	}).Collect()
	if err != nil {
		return fmt.Errorf("imap: fetch sizes: %w", err)
	}
	metas := make([]meta, 0, len(bufs))
	for _, b := range bufs {
		if b.UID != 0 {
			metas = append(metas, meta{uid: b.UID, size: b.RFC822Size, date: b.InternalDate})
		}
	}
	sort.Slice(metas, func(i, j int) bool { return metas[i].uid < metas[j].uid })
	groups := splitByBytes(metas, s.p.cfg.MaxMessageBytes, batchByteBudget)
	vanished := max(uidCount(uids)-len(metas), 0)
	if len(groups) == 0 {
		yield(loaded{covered: vanished})
		return nil
	}
	for i, group := range groups {
		batch, err := s.fetchGroup(group)
		if err != nil {
			return err
		}
		l := loaded{batch: batch, covered: len(group)}
		if i == len(groups)-1 {
			l.covered += vanished
		}
		if !yield(l) {
			return nil
		}
	}
	return nil
}

// splitByBytes cuts metas into groups whose estimated bytes stay within
// budget; every group has at least one message.
func splitByBytes(metas []meta, maxMessage, budget int64) [][]meta {
	var (
		groups [][]meta
		start  int
		sum    int64
	)
	for i, m := range metas {
		cost := m.size
		if cost > maxMessage {
			cost = headerEstimate
		}
		if i > start && sum+cost > budget {
			groups = append(groups, metas[start:i])
			start, sum = i, 0
		}
		sum += cost
	}
	if start < len(metas) {
		groups = append(groups, metas[start:])
	}
	return groups
}

// fetchGroup reads the sources of one group: BODY.PEEK[] for messages within
// the size limit, BODY.PEEK[HEADER] for the others. Messages expunged
// meanwhile by someone else are missing from the result.
func (s *session) fetchGroup(group []meta) ([]Fetched, error) {
	cfg := &s.p.cfg
	batch := make([]Fetched, len(group))
	index := make(map[imap.UID]int, len(group))
	var small, big imap.UIDSet
	for i, m := range group {
		batch[i] = Fetched{
			Account: cfg.Name, Mailbox: cfg.Mailbox,
			UIDValidity: s.uidValidity, UID: uint32(m.uid),
			Size: m.size, InternalDate: m.date,
			TooBig:  m.size > cfg.MaxMessageBytes,
			CanWait: cfg.After == AfterMove,
		}
		index[m.uid] = i
		if batch[i].TooBig {
			big.AddNum(m.uid)
		} else {
			small.AddNum(m.uid)
		}
	}
	got := make([]bool, len(group))
	if err := s.fetchSection(small, &imap.FetchItemBodySection{Peek: true}, batch, index, got); err != nil {
		return nil, err
	}
	header := &imap.FetchItemBodySection{Peek: true, Specifier: imap.PartSpecifierHeader}
	if err := s.fetchSection(big, header, batch, index, got); err != nil {
		return nil, err
	}
	out := batch[:0]
	for i := range batch {
		if got[i] {
			out = append(out, batch[i])
		} else {
			s.p.log.Debug("message vanished before fetch", "uid", batch[i].UID)
		}
	}
	return out, nil
}

// fetchSection streams one body section per UID of set into batch, reading
// each literal straight into a buffer of its announced size.
func (s *session) fetchSection(set imap.UIDSet, section *imap.FetchItemBodySection, batch []Fetched, index map[imap.UID]int, got []bool) error {
	if len(set) == 0 {
		return nil
	}
	limit := s.p.cfg.MaxMessageBytes
	cmd := s.c.Fetch(set, &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{section}})
	defer cmd.Close()
	for msg := cmd.Next(); msg != nil; msg = cmd.Next() {
		var (
			uid      imap.UID
			raw      []byte
			have     bool
			overflow bool
		)
		for item := msg.Next(); item != nil; item = msg.Next() {
			switch it := item.(type) {
			case imapclient.FetchItemDataUID:
				uid = it.UID
			case imapclient.FetchItemDataBodySection:
				have = true
				if it.Literal == nil { // NIL: no content
					continue
				}
				var err error
				raw, overflow, err = readLiteral(it.Literal, limit)
				if err != nil {
					return fmt.Errorf("imap: read message uid %d: %w", uid, err)
				}
			}
		}
		i, ok := index[uid]
		if !ok || !have {
			continue // unsolicited or incomplete: not ours to judge
		}
		if overflow {
			// The server's RFC822.SIZE understated the message: keep the
			// header, as for any other too-big message.
			raw = headerOf(raw)
			batch[i].TooBig = true
		}
		if raw == nil {
			raw = []byte{}
		}
		batch[i].Raw, got[i] = raw, true
	}
	if err := cmd.Close(); err != nil {
		return fmt.Errorf("imap: fetch %s: %w", sectionName(section), err)
	}
	return nil
}

// readLiteral reads up to limit bytes of lit; overflow reports that more
// were there (the client discards the rest).
func readLiteral(lit imap.LiteralReader, limit int64) (raw []byte, overflow bool, err error) {
	size := lit.Size()
	if size >= 0 && size <= limit {
		raw = make([]byte, size)
		_, err = io.ReadFull(lit, raw)
		return raw, false, err
	}
	raw, err = io.ReadAll(io.LimitReader(lit, limit))
	return raw, true, err
}

// headerOf returns the header section of a message source, blank line
// included, or all of it when no blank line is found.
func headerOf(raw []byte) []byte {
	if i := bytes.Index(raw, []byte("\r\n\r\n")); i >= 0 {
		return raw[:i+4]
	}
	if i := bytes.Index(raw, []byte("\n\n")); i >= 0 {
		return raw[:i+2]
	}
	return raw
}

func sectionName(section *imap.FetchItemBodySection) string {
	if section.Specifier == imap.PartSpecifierHeader {
		return "BODY.PEEK[HEADER]"
	}
	return "BODY.PEEK[]"
}
