package store

// Multi-row forms of the writes and reads the mail intake makes for every
// message, so that a batch of a hundred new requests costs a dozen
// statements instead of a few thousand. They are the only form: a single
// row (InsertInbound, UpdateInbound, InsertAttachment, PutPosition) is a
// batch of one.

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// maxParams keeps one statement under PostgreSQL's 65535 bind parameters.
const maxParams = 60000

// maxStatementBytes bounds the bulk data (message sources, bodies,
// attachments) one statement carries, so that a batch of large messages
// does not build one huge statement in memory: lib/pq grows its buffer by
// copying. 1 MiB keeps the intake's peak RSS ~7 MB lower than 8 MiB did, at
// the same throughput (BenchmarkBacklogIngest).
const maxStatementBytes = 1 << 20

// chunks calls f for consecutive slices [lo, hi) of n rows of cols
// parameters each, small enough for one statement.
func chunks(n, cols int, f func(lo, hi int) error) error {
	return chunksBy(n, cols, nil, f)
}

// chunksBy is chunks that also ends a slice before its rows' sizes (size
// of row i, in bytes) add up to more than maxStatementBytes; a row larger
// than that goes alone.
func chunksBy(n, cols int, size func(i int) int, f func(lo, hi int) error) error {
	per := max(1, maxParams/cols)
	for lo := 0; lo < n; {
		hi, bytes := lo, 0
		for hi < n && hi-lo < per {
			if size != nil {
				b := size(hi)
				if hi > lo && bytes+b > maxStatementBytes {
					break
				}
				bytes += b
			}
			hi++
		}
		if err := f(lo, hi); err != nil {
			return err
		}
		lo = hi
	}
	return nil
}

// values returns "($1, $2), ($3, $4)" for rows rows of len(casts) columns;
// a non-empty cast is appended to its column's placeholder ("::bigint").
func values(rows int, casts ...string) string {
	var b strings.Builder
	n := 0
	for r := range rows {
		if r > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for c, cast := range casts {
			if c > 0 {
				b.WriteString(", ")
			}
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			b.WriteString(cast)
		}
		b.WriteByte(')')
	}
	return b.String()
}

// AllocateIDs reserves ids for new tickets and events from their tables'
// sequences, in ascending order, so that rows written together can refer to
// each other without a round trip per row.
func AllocateIDs(ctx context.Context, q sqlx.QueryerContext, tickets, events int) (ticketIDs, eventIDs []int64, err error) {
	var t, e pq.Int64Array
	err = q.QueryRowxContext(ctx, `SELECT
		ARRAY(SELECT nextval(pg_get_serial_sequence('tickets', 'id')) FROM generate_series(1, $1)),
		ARRAY(SELECT nextval(pg_get_serial_sequence('events', 'id')) FROM generate_series(1, $2))`,
		tickets, events).Scan(&t, &e)
	if err != nil {
		return nil, nil, fmt.Errorf("allocating ids: %w", err)
	}
	slices.Sort(t)
	slices.Sort(e)
	return t, e, nil
}

// InsertTickets stores new tickets whose ids were allocated (AllocateIDs).
func InsertTickets(ctx context.Context, q sqlx.ExecerContext, ts []Ticket) error {
	const cols = 14
	return chunks(len(ts), cols, func(lo, hi int) error {
		args := make([]any, 0, (hi-lo)*cols)
		for _, t := range ts[lo:hi] {
			var linked any
			if t.LinkedTo != 0 {
				linked = t.LinkedTo
			}
			args = append(args, t.ID, dbText(t.Subject), t.Requester, dbText(t.RequesterName), t.State, t.Level, t.Service, t.Assignee,
				linked, t.Lang, t.CreatedAt, t.UpdatedAt, t.LevelSince, t.ResolvedAt)
		}
		_, err := q.ExecContext(ctx, `INSERT INTO tickets
			(id, subject, requester, requester_name, state, level, service, assignee, linked_to, lang, created_at, updated_at, level_since, resolved_at)
			VALUES `+values(hi-lo, make([]string, cols)...), args...)
		if err != nil {
			return fmt.Errorf("inserting tickets: %w", err)
		}
		return nil
	})
}

// InsertEvents stores events whose ids and sequence numbers are set; the
// caller holds their tickets (new tickets, or rows it locked).
func InsertEvents(ctx context.Context, q sqlx.ExecerContext, evs []StoredEvent) error {
	const cols = 21
	casts := make([]string, cols)
	casts[cols-1] = "::jsonb"
	return chunks(len(evs), cols, func(lo, hi int) error {
		args := make([]any, 0, (hi-lo)*cols)
		for _, e := range evs[lo:hi] {
			acts := make(pq.Int64Array, len(e.Activities))
			for i, a := range e.Activities {
				acts[i] = int64(a)
			}
			var rating any // NULL but for a rating
			if e.Rating != 0 {
				rating = e.Rating
			}
			args = append(args, e.ID, e.TicketID, e.Seq, e.Kind, acts, e.Actor, e.ActorRole, e.LevelBefore, e.LevelAfter,
				e.StateBefore, e.StateAfter, e.AssigneeBefore, e.AssigneeAfter, e.Service, e.Public, dbText(e.Note), e.Requester,
				e.MessageRow, e.At, rating, dbNote(e.Data))
		}
		_, err := q.ExecContext(ctx, `INSERT INTO events
			(id, ticket_id, seq, kind, activities, actor, actor_role, level_before, level_after, state_before, state_after,
			 assignee_before, assignee_after, service, public, note, requester, message_row, at, rating, note_data)
			VALUES `+values(hi-lo, casts...), args...)
		if err != nil {
			return fmt.Errorf("appending events: %w", err)
		}
		return nil
	})
}

// AllocateMessageIDs reserves n ids for new messages from their table's
// sequence, in ascending order: the mail intake gives a new request's
// message its id before the notifications that name it are composed, and
// inserts the row whole afterwards (InsertInboundMany).
func AllocateMessageIDs(ctx context.Context, q sqlx.QueryerContext, n int) ([]int64, error) {
	var ids pq.Int64Array
	err := q.QueryRowxContext(ctx, `SELECT ARRAY(SELECT nextval(pg_get_serial_sequence('messages', 'id')) FROM generate_series(1, $1))`,
		n).Scan(&ids)
	if err != nil {
		return nil, fmt.Errorf("allocating message ids: %w", err)
	}
	slices.Sort(ids)
	return ids, nil
}

// InsertInboundMany stores inbound messages keyed by Message-ID and
// content hash, each row whole in one write: its raw source and whatever
// else ms says of it (the ticket, the body, the status; "received" when
// Status is empty: a raw source stored before it is parsed, which
// UpdateInboundMany completes). A message whose ID is set (AllocateMessageIDs)
// gets that id, the others the sequence's next. It returns each message's
// row id, and existed = true for a message stored before, by an earlier
// transaction or earlier in ms; nothing is stored for those, and an id
// given for one is left unused.
func InsertInboundMany(ctx context.Context, q sqlx.ExtContext, ms []Message) (ids []int64, existed []bool, err error) {
	type key struct{ id, hash string }
	fresh := map[key]int64{}
	const cols = 18
	casts := []string{"::bigint", "::bigint", "::text", "::text", "::text[]", "::text", "::text", "::text[]", "::text[]",
		"::text", "::text", "::text", "::bytea", "::text", "::text", "::text", "::text", "::timestamptz"}
	size := func(i int) int { return len(ms[i].Raw) + len(ms[i].Body) + len(fullTextColumn(ms[i])) }
	err = chunksBy(len(ms), cols, size, func(lo, hi int) error {
		args := make([]any, 0, (hi-lo)*cols)
		for _, m := range ms[lo:hi] {
			var id any // NULL: the sequence's next
			if m.ID != 0 {
				id = m.ID
			}
			status := m.Status
			if status == "" {
				status = StatusReceived
			}
			args = append(args, id, m.TicketID, dbText(m.MessageID), dbText(m.InReplyTo), dbTexts(m.Refs), dbText(m.FromAddr),
				dbText(m.FromName), dbTexts(m.ToAddrs), dbTexts(m.CcAddrs), dbText(m.Subject), dbText(m.Body),
				dbText(fullTextColumn(m)), m.Raw, dbText(m.ContentHash), dbText(m.AutoKind), status, dbText(m.Reason), m.CreatedAt)
		}
		rows, err := q.QueryxContext(ctx, `INSERT INTO messages (id, ticket_id, direction, message_id, in_reply_to, refs,
				from_addr, from_name, to_addrs, cc_addrs, subject, body, full_text, raw, content_hash, auto_kind, status,
				reason, created_at)
			SELECT COALESCE(v.id, nextval('messages_id_seq'::regclass)), v.ticket_id, 'in', v.message_id, v.in_reply_to, v.refs,
				v.from_addr, v.from_name, v.to_addrs, v.cc_addrs, v.subject, v.body, v.full_text, v.raw, v.content_hash,
				v.auto_kind, v.status, v.reason, v.created_at
			FROM (VALUES `+values(hi-lo, casts...)+`) AS v(id, ticket_id, message_id, in_reply_to, refs, from_addr, from_name,
				to_addrs, cc_addrs, subject, body, full_text, raw, content_hash, auto_kind, status, reason, created_at)
			ON CONFLICT (message_id, content_hash) WHERE direction = 'in' DO NOTHING RETURNING id, message_id, content_hash`, args...)
		if err != nil {
			return fmt.Errorf("storing inbound messages: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var (
				id int64
				k  key
			)
			if err := rows.Scan(&id, &k.id, &k.hash); err != nil {
				return err
			}
			fresh[k] = id
		}
		return rows.Err()
	})
	if err != nil {
		return nil, nil, err
	}
	ids, existed = make([]int64, len(ms)), make([]bool, len(ms))
	claimed := map[key]bool{}
	for i, m := range ms {
		k := key{dbText(m.MessageID), dbText(m.ContentHash)} // as stored, and so as returned
		if id, ok := fresh[k]; ok && !claimed[k] {
			ids[i], claimed[k] = id, true
			continue
		}
		existed[i] = true
		if id, ok := fresh[k]; ok {
			ids[i] = id // the same message earlier in this batch
			continue
		}
		if err := sqlx.GetContext(ctx, q, &ids[i], `SELECT id FROM messages
			WHERE direction = 'in' AND message_id = $1 AND content_hash = $2`, k.id, k.hash); err != nil {
			return nil, nil, fmt.Errorf("storing inbound messages: %w", err)
		}
	}
	return ids, existed, nil
}

// UpdateInboundMany records what parsing and processing made of stored
// messages, each by its id: a message stored before (a quarantined one
// released, a raw source stored before it was parsed). It rewrites the
// whole row, raw source and all: a message not stored yet is inserted
// whole instead (InsertInboundMany). Text that a text column cannot hold is stored
// with U+FFFD in place of the bytes it refuses (see dbText); the raw source
// keeps them.
func UpdateInboundMany(ctx context.Context, q sqlx.ExecerContext, ms []Message) error {
	const cols = 14
	casts := []string{"::bigint", "::bigint", "::text", "::text[]", "::text", "::text", "::text[]", "::text[]", "::text",
		"::text", "::text", "::text", "::text", "::text"}
	size := func(i int) int { return len(ms[i].Body) + len(fullTextColumn(ms[i])) }
	return chunksBy(len(ms), cols, size, func(lo, hi int) error {
		args := make([]any, 0, (hi-lo)*cols)
		for _, m := range ms[lo:hi] {
			args = append(args, m.ID, m.TicketID, dbText(m.InReplyTo), dbTexts(m.Refs), dbText(m.FromAddr), dbText(m.FromName),
				dbTexts(m.ToAddrs), dbTexts(m.CcAddrs), dbText(m.Subject), dbText(m.Body), dbText(fullTextColumn(m)),
				dbText(m.AutoKind), m.Status, dbText(m.Reason))
		}
		_, err := q.ExecContext(ctx, `UPDATE messages AS m SET ticket_id = v.ticket_id, in_reply_to = v.in_reply_to,
				refs = v.refs, from_addr = v.from_addr, from_name = v.from_name, to_addrs = v.to_addrs, cc_addrs = v.cc_addrs,
				subject = v.subject, body = v.body, full_text = v.full_text, auto_kind = v.auto_kind, status = v.status,
				reason = v.reason
			FROM (VALUES `+values(hi-lo, casts...)+`) AS v(id, ticket_id, in_reply_to, refs, from_addr, from_name, to_addrs,
				cc_addrs, subject, body, full_text, auto_kind, status, reason)
			WHERE m.id = v.id`, args...)
		if err != nil {
			return fmt.Errorf("updating message %d: %w", ms[lo].ID, err)
		}
		return nil
	})
}

// InsertAttachments stores attachments in order, as InsertAttachment does
// for each.
func InsertAttachments(ctx context.Context, q sqlx.ExecerContext, as []Attachment) error {
	const cols = 7
	return chunksBy(len(as), cols, func(i int) int { return len(as[i].Data) }, func(lo, hi int) error {
		args := make([]any, 0, (hi-lo)*cols)
		for _, a := range as[lo:hi] {
			args = append(args, a.MessageRow, dbText(a.Filename), dbText(a.ContentType), dbText(a.ContentID), a.Inline, a.Size,
				dbBytes(a.Data))
		}
		_, err := q.ExecContext(ctx, `INSERT INTO attachments (message_row, filename, content_type, content_id, inline, size, data)
			VALUES `+values(hi-lo, make([]string, cols)...), args...)
		if err != nil {
			return fmt.Errorf("storing attachments: %w", err)
		}
		return nil
	})
}

// Known is what the database already knows of a batch of one mailbox:
// the positions handled before, with their outcome (MessageRow is not
// read), the inbound messages stored before (by
// Message-ID and source hash: InsertInbound would find them), and which of
// the Message-IDs the batch cites belong to a ticket (a message citing none
// of them answers no ticket by thread; see TicketByMessageIDs).
type Known struct {
	Handled  map[uint32]Position
	Stored   map[[2]string]bool
	Threaded map[string]bool
}

// KnownOf reads Known for uids of one mailbox, the (Message-ID, hash)
// pairs given as two parallel lists, and the cited ids: three questions,
// one round trip (the intake asks them for every batch, and its
// transaction is a backlog's critical path).
func KnownOf(ctx context.Context, q sqlx.QueryerContext, account, mailbox string, uidValidity uint32,
	uids []uint32, ids, hashes, cited []string) (Known, error) {
	k := Known{Handled: map[uint32]Position{}, Stored: map[[2]string]bool{}, Threaded: map[string]bool{}}
	list := make(pq.Int64Array, len(uids))
	for i, u := range uids {
		list[i] = int64(u)
	}
	// The cited ids are looked up by ticketd_threaded_ids (migration
	// 0003): index probes whatever the statistics say.
	// Kind 1 is a position handled, 4 one quarantined; b is its reason.
	rows, err := q.QueryxContext(ctx, `SELECT CASE WHEN quarantine THEN 4 ELSE 1 END AS kind, uid::text AS a, reason AS b
		FROM mailbox_positions
			WHERE account = $1 AND mailbox = $2 AND uidvalidity = $3 AND uid = ANY($4)
		UNION ALL
		SELECT 2, m.message_id, m.content_hash FROM messages m
			JOIN unnest($5::text[], $6::text[]) AS k(message_id, content_hash)
				ON m.message_id = k.message_id AND m.content_hash = k.content_hash
			WHERE m.direction = 'in'
		UNION ALL
		SELECT 3, t, '' FROM ticketd_threaded_ids($7) AS t`,
		account, mailbox, int64(uidValidity), list, pq.StringArray(ids), pq.StringArray(hashes), pq.StringArray(cited))
	if err != nil {
		return k, fmt.Errorf("looking up the batch: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			kind int
			a, b string
		)
		if err := rows.Scan(&kind, &a, &b); err != nil {
			return k, err
		}
		switch kind {
		case 1, 4:
			uid, err := strconv.ParseUint(a, 10, 32)
			if err != nil {
				return k, fmt.Errorf("looking up the batch: uid %q: %w", a, err)
			}
			k.Handled[uint32(uid)] = Position{Account: account, Mailbox: mailbox, UIDValidity: uidValidity, UID: uint32(uid),
				Quarantine: kind == 4, Reason: b}
		case 2:
			k.Stored[[2]string{a, b}] = true
		case 3:
			k.Threaded[a] = true
		}
	}
	if err := rows.Err(); err != nil {
		return k, fmt.Errorf("looking up the batch: %w", err)
	}
	return k, nil
}

// PutPositions records handled positions of one mailbox and advances its
// cursor, as PutPosition does for each.
func PutPositions(ctx context.Context, q sqlx.ExecerContext, ps []Position, now time.Time) error {
	if len(ps) == 0 {
		return nil
	}
	const cols = 7
	// The cursor moves once per mailbox, to the highest UID of the batch
	// under the latest UIDVALIDITY seen, as the one-at-a-time calls leave it.
	last := map[[2]string]Position{}
	var order [][2]string
	for _, p := range ps {
		k := [2]string{p.Account, p.Mailbox}
		prev, ok := last[k]
		if !ok {
			order = append(order, k)
		}
		if !ok || prev.UIDValidity != p.UIDValidity || p.UID > prev.UID {
			last[k] = p
		}
	}
	// A batch of one mailbox (the intake's) writes its positions and its
	// cursor in one statement: one round trip fewer per batch.
	merge := len(order) == 1 && len(ps) <= maxParams/cols // one chunk
	err := chunks(len(ps), cols, func(lo, hi int) error {
		args := make([]any, 0, (hi-lo)*cols+5)
		for _, p := range ps[lo:hi] {
			args = append(args, p.Account, p.Mailbox, int64(p.UIDValidity), int64(p.UID), p.MessageRow, p.Quarantine, p.Reason)
		}
		insert := `INSERT INTO mailbox_positions (account, mailbox, uidvalidity, uid, message_row, quarantine, reason)
			VALUES ` + values(hi-lo, make([]string, cols)...) + ` ON CONFLICT DO NOTHING`
		if merge {
			p := last[order[0]]
			args = append(args, cursorArgs(p, now)...)
			insert = `WITH positions AS (` + insert + `) ` + cursorSQL((hi-lo)*cols)
		}
		_, err := q.ExecContext(ctx, insert, args...)
		return err
	})
	if err != nil {
		return fmt.Errorf("recording positions: %w", err)
	}
	if merge {
		return nil
	}
	for _, k := range order {
		p := last[k]
		p.MessageRow = nil
		if err := putCursor(ctx, q, p, now); err != nil {
			return err
		}
	}
	return nil
}

// OutboxKeysTaken returns which of keys some outbox row already has.
func OutboxKeysTaken(ctx context.Context, q sqlx.QueryerContext, keys []string) (map[string]bool, error) {
	out := map[string]bool{}
	if len(keys) == 0 {
		return out, nil
	}
	var found []string
	// An index lookup whatever the statistics say (migration 0003).
	if err := sqlx.SelectContext(ctx, q, &found, `SELECT ticketd_outbox_keys_taken($1)`, pq.StringArray(keys)); err != nil {
		return nil, fmt.Errorf("outbox dedup: %w", err)
	}
	for _, k := range found {
		out[k] = true
	}
	return out, nil
}

// EnqueueMany stores messages and their outbox rows as Enqueue does for
// each, in one statement per chunk, and sets each row's ID and MessageRow.
// The caller has already left out rows whose DedupKey is taken
// (OutboxKeysTaken); Message-IDs must be distinct.
func EnqueueMany(ctx context.Context, q sqlx.QueryerContext, os []Outgoing) error {
	const cols = 24
	casts := []string{"::text", "::bigint", "::bigint", "::text", "::text", "::text", "::text", "::text", "::text",
		"::text", "::timestamptz", "::text", "::text", "::timestamptz", "::text", "::text[]", "::text", "::text",
		"::text[]", "::text", "::text", "::timestamptz", "::integer", "::bigint"}
	size := func(i int) int { return len(os[i].HTMLBody) + len(os[i].TextBody) }
	return chunksBy(len(os), cols, size, func(lo, hi int) error {
		args := make([]any, 0, (hi-lo)*cols)
		for i, o := range os[lo:hi] {
			status, next := o.queueState()
			args = append(args, o.MessageID, o.TicketID, o.EventID, o.Kind, o.Recipient, o.RecipientName, o.ReplyTo,
				o.HTMLBody, o.AutoSubmitted, status, next, o.LastError, o.DedupKey, o.CreatedAt,
				o.InReplyTo, nonNil(o.Refs), o.FromAddr, o.FromName, pq.StringArray{o.Recipient}, o.Subject, o.TextBody,
				o.CreatedAt, o.Attempts, int64(i))
		}
		// The messages are inserted in the given order, then each outbox
		// row joins its message by Message-ID, as Enqueue writes them.
		rows, err := q.QueryContext(ctx, `WITH v (message_id, ticket_id, event_id, kind, recipient, recipient_name, reply_to,
				html_body, auto_submitted, status, next_attempt_at, last_error, dedup_key, created_at,
				in_reply_to, refs, from_addr, from_name, to_addrs, subject, body, msg_created_at, attempts, ord) AS (
				VALUES `+values(hi-lo, casts...)+`),
			m AS (
				INSERT INTO messages (ticket_id, direction, message_id, in_reply_to, refs, from_addr, from_name, to_addrs,
					subject, body, full_text, html_body, status, created_at)
				SELECT ticket_id, 'out', message_id, in_reply_to, refs, from_addr, from_name, to_addrs, subject, body, '',
					html_body, 'processed', msg_created_at FROM v ORDER BY ord
				RETURNING id, message_id),
			o AS (
				INSERT INTO outbox (message_row, ticket_id, event_id, kind, recipient, recipient_name, reply_to,
					auto_submitted, status, next_attempt_at, last_error, dedup_key, created_at, attempts)
				SELECT m.id, v.ticket_id, v.event_id, v.kind, v.recipient, v.recipient_name, v.reply_to,
					v.auto_submitted, v.status, v.next_attempt_at, v.last_error, v.dedup_key, v.created_at, v.attempts
				FROM v JOIN m USING (message_id) ORDER BY v.ord
				RETURNING id, message_row)
			SELECT v.ord, o.id, o.message_row FROM o JOIN m ON m.id = o.message_row JOIN v USING (message_id)`, args...)
		if err != nil {
			return fmt.Errorf("queueing notifications: %w", err)
		}
		defer rows.Close()
		got := 0
		for rows.Next() {
			var ord, id, msgRow int64
			if err := rows.Scan(&ord, &id, &msgRow); err != nil {
				return fmt.Errorf("queueing notifications: %w", err)
			}
			if ord < 0 || ord >= int64(hi-lo) {
				return fmt.Errorf("queueing notifications: row %d of %d returned", ord, hi-lo)
			}
			os[lo+int(ord)].ID, os[lo+int(ord)].MessageRow = id, msgRow
			got++
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("queueing notifications: %w", err)
		}
		if got != hi-lo {
			return fmt.Errorf("queueing notifications: %d rows written of %d", got, hi-lo)
		}
		return nil
	})
}

// AutomaticCounts is, per recipient and notification kind, how many
// automatic messages were queued since each of two times (the
// per-recipient caps count them).
type AutomaticCounts map[string]map[string][2]int

// CountAutomaticMany counts the outbox rows not held for recipients since
// each of since[0] and since[1] (since[1] the earlier), by kind.
func CountAutomaticMany(ctx context.Context, q sqlx.QueryerContext, recipients []string, since [2]time.Time) (AutomaticCounts, error) {
	out := AutomaticCounts{}
	if len(recipients) == 0 {
		return out, nil
	}
	rows, err := q.QueryxContext(ctx, `SELECT recipient, kind, count(*) FILTER (WHERE created_at >= $2), count(*)
		FROM outbox WHERE recipient = ANY($1) AND created_at >= $3 AND status <> 'held' GROUP BY recipient, kind`,
		pq.StringArray(recipients), since[0], since[1])
	if err != nil {
		return nil, fmt.Errorf("counting automatic messages: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			r, k string
			a, b int
		)
		if err := rows.Scan(&r, &k, &a, &b); err != nil {
			return nil, err
		}
		if out[r] == nil {
			out[r] = map[string][2]int{}
		}
		out[r][k] = [2]int{a, b}
	}
	return out, rows.Err()
}

// TicketRecord is what a notification shows of a ticket's record: its
// thread's Message-IDs, the request's text and attachment names, and its
// events.
type TicketRecord struct {
	Thread      []string
	Body        string
	HasRequest  bool
	Attachments []string
	Events      []StoredEvent
	// Files are the attachments of the ticket's inbound messages (FilesOf);
	// nil when the record was not read back (a Known record of OpenMany).
	Files []FileInfo
}

// RecordsOf reads the record of several tickets at once, as MessagesOf,
// AttachmentsOf and Events read it for one: with the Message-IDs of its
// thread, oldest first.
func RecordsOf(ctx context.Context, q sqlx.QueryerContext, ticketIDs []int64) (map[int64]*TicketRecord, error) {
	out := make(map[int64]*TicketRecord, len(ticketIDs))
	for _, id := range ticketIDs {
		out[id] = &TicketRecord{}
	}
	if len(ticketIDs) == 0 {
		return out, nil
	}
	ids := pq.Int64Array(ticketIDs)
	rows, err := q.QueryxContext(ctx, `SELECT ticket_id, message_id FROM messages
		WHERE ticket_id = ANY($1) AND message_id <> '' AND status <> 'quarantined' ORDER BY ticket_id, id`, ids)
	if err != nil {
		return nil, fmt.Errorf("reading threads: %w", err)
	}
	for rows.Next() {
		var (
			t   int64
			mid string
		)
		if err := rows.Scan(&t, &mid); err != nil {
			rows.Close()
			return nil, err
		}
		out[t].Thread = append(out[t].Thread, mid)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = q.QueryxContext(ctx, `SELECT DISTINCT ON (m.ticket_id) m.ticket_id, m.body,
			ARRAY(SELECT a.filename FROM attachments a WHERE a.message_row = m.id ORDER BY a.id)
		FROM messages m WHERE m.ticket_id = ANY($1) AND m.direction = 'in' AND m.status = 'processed'
		ORDER BY m.ticket_id, m.id`, ids)
	if err != nil {
		return nil, fmt.Errorf("reading requests: %w", err)
	}
	for rows.Next() {
		var (
			t     int64
			body  string
			names pq.StringArray
		)
		if err := rows.Scan(&t, &body, &names); err != nil {
			rows.Close()
			return nil, err
		}
		r := out[t]
		r.Body, r.HasRequest, r.Attachments = body, true, names
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	evs, err := eventsOf(ctx, q, `ticket_id = ANY($1) ORDER BY ticket_id, seq`, ids)
	if err != nil {
		return nil, err
	}
	for _, e := range evs {
		out[e.TicketID].Events = append(out[e.TicketID].Events, e)
	}
	files, err := FilesOf(ctx, q, ticketIDs)
	if err != nil {
		return nil, err
	}
	for id, r := range out {
		r.Files = files[id]
		if r.Files == nil {
			r.Files = []FileInfo{}
		}
	}
	return out, nil
}
