package e2e

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/textproto"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// The invariant every fault scenario ends with, once everything settled:
//
//   - every message put in the support mailbox is exactly one ticket (a
//     request) or exactly one comment on its request's ticket (a reply),
//     and nothing else came in;
//   - nothing is left in the support INBOX: each message is in
//     "Procesados" exactly once, none in quarantine;
//   - no outbox row is pending (nor failed, nor held: the suite raises the
//     per-recipient caps), and every opened or commented event queued
//     notifications;
//   - every notification arrived in its recipient's mailbox at least once
//     and at most twice, a duplicate carrying the same Message-ID, and no
//     notification arrived that the outbox does not hold.

// settleTimeout bounds the wait for a scenario to settle. It is generous on
// purpose: the suite proves correctness, not speed.
const settleTimeout = 2 * time.Minute

// outcome is what the invariant checker found, for scenario-specific
// assertions and the figures in the log.
type outcome struct {
	notifications int             // outbox rows
	delivered     int             // notifications found in mailboxes, duplicates included
	duplicates    map[string]bool // Message-IDs that arrived twice
	attempts      int             // the most attempts any outbox row took
}

// checkInvariant waits until the world settles (the support INBOX empty,
// every letter on record, no outbox row pending) and then checks the
// invariant, reporting every violation.
func (w *world) checkInvariant(dbURL string, letters []letter) outcome {
	w.t.Helper()
	t := w.t
	db := openDB(t, dbURL)
	start := time.Now()
	var last string
	for {
		last = w.unsettled(db, letters)
		if last == "" {
			break
		}
		if time.Since(start) > settleTimeout {
			t.Fatalf("the world did not settle within %s: %s", settleTimeout, last)
		}
		time.Sleep(250 * time.Millisecond)
	}
	t.Logf("settled %s after the check began", time.Since(start).Round(100*time.Millisecond))
	w.checkRecord(db, letters)
	w.checkSupportMailbox(letters)
	w.checkEnvelopeSenders()
	return w.checkNotifications(db)
}

// checkEnvelopeSenders: every notification the SMTP server accepted had
// the null envelope sender if it is an automatic answer (Auto-Submitted:
// auto-replied, RFC 3834 §3.3), the desk's address otherwise.
func (w *world) checkEnvelopeSenders() {
	w.t.Helper()
	w.mu.Lock()
	defer w.mu.Unlock()
	answers := 0
	for _, d := range w.delivered {
		h, _ := textproto.NewReader(bufio.NewReader(bytes.NewReader(d.raw))).ReadMIMEHeader()
		if h.Get("X-Ticketd-Loop") == "" {
			continue // a person's message
		}
		want := deskAddr
		if strings.EqualFold(h.Get("Auto-Submitted"), "auto-replied") {
			want = ""
			answers++
		}
		if !strings.EqualFold(d.from, want) {
			w.t.Errorf("%s (Auto-Submitted: %s) went out with MAIL FROM:<%s>, want <%s>",
				h.Get("Message-Id"), h.Get("Auto-Submitted"), d.from, want)
		}
	}
	if answers == 0 {
		w.t.Errorf("no automatic answer among the %d messages the SMTP server accepted", len(w.delivered))
	}
}

// openDB is the test's own pool on the scenario's database. It is used
// across PostgreSQL restarts, so connections are not kept idle.
func openDB(t *testing.T, url string) *sqlx.DB {
	t.Helper()
	db, err := sqlx.Open("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxIdleConns(0)
	t.Cleanup(func() { db.Close() })
	return db
}

// unsettled says what is still in flight ("" when nothing is). Errors
// (PostgreSQL restarting, say) count as in flight.
func (w *world) unsettled(db *sqlx.DB, letters []letter) string {
	if n, err := w.count(deskAddr, "INBOX"); err != nil {
		return fmt.Sprintf("reading the support INBOX: %v", err)
	} else if n > 0 {
		return fmt.Sprintf("%d messages in the support INBOX", n)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var in, pending int
	ids := make([]string, len(letters))
	for i, l := range letters {
		ids[i] = l.id
	}
	err := db.GetContext(ctx, &in, `SELECT count(DISTINCT message_id) FROM messages WHERE direction = 'in' AND message_id = ANY($1)`, pq.Array(ids))
	if err == nil {
		err = db.GetContext(ctx, &pending, `SELECT count(*) FROM outbox WHERE status = 'pending'`)
	}
	switch {
	case err != nil:
		return fmt.Sprintf("querying the database: %v", err)
	case in < len(letters):
		return fmt.Sprintf("%d of %d messages on record", in, len(letters))
	case pending > 0:
		return fmt.Sprintf("%d outbox rows pending", pending)
	}
	return ""
}

// inbound is one stored inbound message with what it became.
type inbound struct {
	ID        int64  `db:"id"`
	MessageID string `db:"message_id"`
	TicketID  *int64 `db:"ticket_id"`
	Status    string `db:"status"`
	Reason    string `db:"reason"`
	Opened    int    `db:"opened"`
	Commented int    `db:"commented"`
	Requester string `db:"requester"`
}

// checkRecord: every letter is exactly one ticket or one comment.
func (w *world) checkRecord(db *sqlx.DB, letters []letter) {
	t := w.t
	t.Helper()
	ctx := context.Background()
	var rows []inbound
	err := db.SelectContext(ctx, &rows, `SELECT m.id, m.message_id, m.ticket_id, m.status, m.reason,
			(SELECT count(*) FROM events e WHERE e.message_row = m.id AND e.kind = 'opened') AS opened,
			(SELECT count(*) FROM events e WHERE e.message_row = m.id AND e.kind = 'commented') AS commented,
			COALESCE((SELECT t.requester FROM tickets t WHERE t.id = m.ticket_id), '') AS requester
		FROM messages m WHERE m.direction = 'in' ORDER BY m.id`)
	if err != nil {
		t.Fatalf("reading the inbound messages: %v", err)
	}
	byID := map[string][]inbound{}
	for _, r := range rows {
		byID[r.MessageID] = append(byID[r.MessageID], r)
	}
	ticketOf := map[string]int64{} // request Message-ID → its ticket
	requests := 0
	for _, l := range letters {
		got := byID[l.id]
		delete(byID, l.id)
		if len(got) != 1 {
			t.Errorf("%s is on record %d times, want once", l.id, len(got))
			continue
		}
		r := got[0]
		if r.Status != "processed" || r.TicketID == nil {
			t.Errorf("%s: status %q (%s), ticket %v: want processed on a ticket", l.id, r.Status, r.Reason, r.TicketID)
			continue
		}
		if l.isRequest() {
			requests++
			ticketOf[l.id] = *r.TicketID
			if r.Opened != 1 || r.Commented != 0 {
				t.Errorf("request %s opened %d tickets and made %d comments, want one ticket", l.id, r.Opened, r.Commented)
			}
			if r.Requester != l.from {
				t.Errorf("request %s opened a ticket for %q, want %q", l.id, r.Requester, l.from)
			}
			continue
		}
		if r.Opened != 0 || r.Commented != 1 {
			t.Errorf("reply %s opened %d tickets and made %d comments, want one comment", l.id, r.Opened, r.Commented)
		}
		if want, ok := ticketOf[l.answers]; ok && *r.TicketID != want {
			t.Errorf("reply %s is on ticket %d, want %d (the ticket of %s)", l.id, *r.TicketID, want, l.answers)
		}
	}
	for id, rs := range byID {
		t.Errorf("an inbound message nobody put in the mailbox is on record %d times: %q", len(rs), id)
	}
	var tickets int
	if err := db.GetContext(ctx, &tickets, `SELECT count(*) FROM tickets`); err != nil {
		t.Fatal(err)
	}
	if tickets != requests {
		t.Errorf("%d tickets for %d requests", tickets, requests)
	}
	var silent []int64
	if err := db.SelectContext(ctx, &silent, `SELECT e.id FROM events e WHERE e.kind IN ('opened', 'commented')
		AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.event_id = e.id) ORDER BY e.id`); err != nil {
		t.Fatal(err)
	}
	if len(silent) > 0 {
		t.Errorf("events %v queued no notification", silent)
	}
	checkOutboxRefs(t, db)
}

// checkOutboxRefs: the outbox's ticket and event are copies, not foreign
// keys (migration 0004); each must be its message's ticket and an event of
// that ticket.
func checkOutboxRefs(t *testing.T, db *sqlx.DB) {
	t.Helper()
	var astray []int64
	if err := db.Select(&astray, `SELECT o.id FROM outbox o JOIN messages m ON m.id = o.message_row
		WHERE o.ticket_id IS DISTINCT FROM m.ticket_id
			OR (o.event_id IS NOT NULL AND NOT EXISTS (
				SELECT 1 FROM events e WHERE e.id = o.event_id AND e.ticket_id = o.ticket_id))
		ORDER BY o.id`); err != nil {
		t.Fatal(err)
	}
	if len(astray) > 0 {
		t.Errorf("outbox rows %v name another ticket than their message's, or an event not of that ticket", astray)
	}
}

// checkSupportMailbox: the INBOX is empty and every letter was moved to
// "Procesados" exactly once.
func (w *world) checkSupportMailbox(letters []letter) {
	t := w.t
	t.Helper()
	processed, err := w.headers(deskAddr, "Procesados")
	if err != nil {
		t.Fatalf("reading Procesados: %v", err)
	}
	seen := map[string]int{}
	for _, h := range processed {
		seen[h.messageID]++
	}
	for _, l := range letters {
		if n := seen[l.id]; n != 1 {
			t.Errorf("%s is in Procesados %d times, want once", l.id, n)
		}
	}
	for _, box := range []string{"INBOX", "Cuarentena"} {
		if n, err := w.count(deskAddr, box); err != nil {
			t.Errorf("reading %s: %v", box, err)
		} else if n > 0 {
			t.Errorf("%d messages left in the support mailbox's %s", n, box)
		}
	}
}

// sentRow is one outbox row with its Message-ID.
type sentRow struct {
	ID        int64  `db:"id"`
	Kind      string `db:"kind"`
	Recipient string `db:"recipient"`
	Status    string `db:"status"`
	Attempts  int    `db:"attempts"`
	LastError string `db:"last_error"`
	MessageID string `db:"message_id"`
}

// checkNotifications: every outbox row was sent and arrived once or twice
// with its Message-ID; nothing else arrived.
func (w *world) checkNotifications(db *sqlx.DB) outcome {
	t := w.t
	t.Helper()
	var rows []sentRow
	if err := db.SelectContext(context.Background(), &rows, `SELECT o.id, o.kind, o.recipient, o.status, o.attempts,
			o.last_error, m.message_id FROM outbox o JOIN messages m ON m.id = o.message_row ORDER BY o.id`); err != nil {
		t.Fatalf("reading the outbox: %v", err)
	}
	out := outcome{notifications: len(rows), duplicates: map[string]bool{}}
	want := map[string]map[string]bool{} // recipient → Message-IDs
	for _, r := range rows {
		out.attempts = max(out.attempts, r.Attempts)
		if r.Status != "sent" {
			t.Errorf("outbox row %d (%s to %s) is %s after %d attempts: %s", r.ID, r.Kind, r.Recipient, r.Status, r.Attempts, r.LastError)
		}
		if want[r.Recipient] == nil {
			want[r.Recipient] = map[string]bool{}
		}
		want[r.Recipient][trimID(r.MessageID)] = true
	}
	for _, u := range everyone {
		hs, err := w.headers(u, "INBOX")
		if err != nil {
			t.Fatalf("reading %s's INBOX: %v", u, err)
		}
		got := map[string]int{}
		for _, h := range hs {
			if h.loop {
				got[h.messageID]++
				out.delivered++
			}
		}
		for id, n := range got {
			switch {
			case !want[u][id]:
				t.Errorf("%s got a notification the outbox does not hold: %s (%d times)", u, id, n)
			case n > 2:
				t.Errorf("%s got %s %d times, want at most twice", u, id, n)
			case n == 2:
				out.duplicates[id] = true
			}
		}
		var missing []string
		for id := range want[u] {
			if got[id] == 0 {
				missing = append(missing, id)
			}
		}
		if len(missing) > 0 {
			sort.Strings(missing)
			t.Errorf("%d notifications to %s never arrived: %v", len(missing), u, missing)
		}
	}
	for r := range want {
		if !slices.Contains(everyone, r) {
			t.Errorf("notifications queued for %s, who has no mailbox in this world", r)
		}
	}
	t.Logf("%d notifications queued, %d arrived, %d of them twice; at most %d attempts for one",
		out.notifications, out.delivered, len(out.duplicates), out.attempts)
	return out
}

// header is what the invariant reads of a message in a mailbox.
type header struct {
	messageID string
	loop      bool // carries X-Ticketd-Loop: a notification of ours
}

// headers reads the header of every message in a user's mailbox (none if
// the mailbox does not exist).
func (w *world) headers(user, mailbox string) ([]header, error) {
	c, n, err := w.open(user, mailbox)
	if c == nil || err != nil {
		return nil, err
	}
	defer c.Close()
	if n == 0 {
		return nil, c.Logout().Wait()
	}
	var set imap.SeqSet
	set.AddRange(1, n)
	section := &imap.FetchItemBodySection{Peek: true, Specifier: imap.PartSpecifierHeader}
	msgs, err := c.Fetch(set, &imap.FetchOptions{BodySection: []*imap.FetchItemBodySection{section}}).Collect()
	if err != nil {
		return nil, err
	}
	var out []header
	for _, m := range msgs {
		raw := m.FindBodySection(section)
		h, err := textproto.NewReader(bufio.NewReader(bytes.NewReader(raw))).ReadMIMEHeader()
		if err != nil && len(h) == 0 {
			return nil, fmt.Errorf("a message in %s/%s has no readable header: %w", user, mailbox, err)
		}
		out = append(out, header{messageID: trimID(h.Get("Message-Id")), loop: h.Get("X-Ticketd-Loop") != ""})
	}
	return out, c.Logout().Wait()
}

// count returns the number of messages in a user's mailbox (0 if it does
// not exist).
func (w *world) count(user, mailbox string) (uint32, error) {
	c, n, err := w.open(user, mailbox)
	if c != nil {
		c.Logout().Wait()
		c.Close()
	}
	return n, err
}

// open logs in as user and examines mailbox read-only; c is nil when the
// mailbox does not exist.
func (w *world) open(user, mailbox string) (*imapclient.Client, uint32, error) {
	c, err := imapclient.DialInsecure(w.dove.Addr, nil)
	if err != nil {
		return nil, 0, err
	}
	if err := c.Login(user, w.dove.Password).Wait(); err != nil {
		c.Close()
		return nil, 0, err
	}
	sel, err := c.Select(mailbox, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		c.Close()
		var ie *imap.Error
		if errors.As(err, &ie) && ie.Code == imap.ResponseCodeNonExistent {
			return nil, 0, nil
		}
		return nil, 0, err
	}
	return c, sel.NumMessages, nil
}

func trimID(s string) string {
	return strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(s), "<"), ">")
}
